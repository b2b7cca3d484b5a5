using Supervisor.Core;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Excel;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>单位: the ranking (sortable by any column), one unit's page (<see cref="UnitPage"/>), pause/resume, the XLSX export.</summary>
public sealed partial class UnitsPage
{
    private static readonly (string Key, string Label)[] Columns =
    [
        ("rank", "排名"), ("name", "单位"), ("due", "应完成"), ("ontime", Labels.OnTime), ("late", "逾期完成"), ("overdue", "逾期未完成"),
        ("completion", Labels.CompletionRate), ("ontimerate", Labels.OnTimeRate), ("worst", "最长逾期(工作日)"), ("light", "灯"), ("unsigned", "未签收"),
    ];

    /// <summary><paramref name="ToSign"/>: 未签收 per unit (tasks it has not signed for), of the plan shown.</summary>
    public sealed record View(
        DateOnly Today, IReadOnlyList<UnitRate> Rates, string Sort, bool Descending, IReadOnlyList<(long Id, int Year, string Title)> Plans, long? PlanId,
        IReadOnlyDictionary<long, int> ToSign) : IPageModel<UnitsPage>
    {
        public string PlanLabel => PlanFilter.Label(Plans, PlanId);
    }

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/units", ListAsync);
        pages.MapGet("/units/export.xlsx", ExportAsync);
        pages.MapGet("/units/{id:long}", UnitPage.RenderAsync);
        PageContext.MapPause(pages, "units", (pauses, id, pause, actor, at, ct) => pauses.PauseUnitAsync(id, pause, actor, at, ct));
        pages.MapPost("/tokens/{id:long}/revoke", RevokeTokenAsync).RequireAuthorization(ConsolePolicies.Admin);
    }

    public static IEnumerable<UnitRate> Sort(IEnumerable<UnitRate> rates, string? sort, bool desc, IReadOnlyDictionary<long, int>? toSign = null)
    {
        Func<UnitRate, object?> key = sort switch
        {
            "unsigned" => r => toSign?.GetValueOrDefault(r.UnitId) ?? 0,
            "name" => r => r.Unit,
            "due" => r => r.Lead.Due,
            "ontime" => r => r.Lead.OnTime,
            "late" => r => r.Lead.Late,
            "overdue" => r => r.Lead.OverdueOpen,
            "completion" => r => r.Lead.CompletionRate ?? -1,
            "ontimerate" => r => r.Lead.OnTimeRate ?? -1,
            "worst" => r => r.WorstOverdueWorkingDays,
            "light" => r => (int)r.Light,
            _ => r => r.Rank,
        };
        return desc ? rates.OrderByDescending(key).ThenBy(r => r.Rank) : rates.OrderBy(key).ThenBy(r => r.Rank);
    }

    private static async Task<IResult> ListAsync(
        SupervisionEngine engine, TaskQueries taskQueries, AcknowledgementQueries acknowledgements, TimeProvider time, string? sort, string? dir, string? plan, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var desc = dir == "desc";
        var plans = await taskQueries.PlansAsync(ct);
        var planId = PlanOf(plans, plan);
        var toSign = await acknowledgements.CountByUnitAsync(planId, ct);
        var rates = Sort(await engine.RatesAsync(today, planId, ct), sort, desc, toSign).ToList();
        return Render.Page(new View(today, rates, Columns.Any(c => c.Key == sort) ? sort! : "rank", desc, plans, planId, toSign));
    }

    /// <summary>The plan asked for, if it exists (an unknown id shows every plan rather than an empty page).</summary>
    internal static long? PlanOf(IReadOnlyList<(long Id, int Year, string Title)> plans, string? plan) =>
        PageContext.Id(plan) is { } id && plans.Any(p => p.Id == id) ? id : null;

    private static async Task<IResult> ExportAsync(SupervisionEngine engine, TaskQueries taskQueries, TimeProvider time, string? plan, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var plans = await taskQueries.PlansAsync(ct);
        var planId = PlanOf(plans, plan);
        var bytes = XlsxWriter.ToBytes([RatesSheet.Of(today, await engine.RatesAsync(today, planId, ct), PlanFilter.Label(plans, planId))]);
        return Results.File(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"units-{today:yyyyMMdd}{(planId is { } id ? $"-plan{id}" : "")}.xlsx");
    }

    private static async Task<IResult> RevokeTokenAsync(long id, HttpContext http, UnitTokenStore tokens, TimeProvider time, CancellationToken ct) =>
        await tokens.RevokeAsync(id, PageContext.Actor(http), time.GetUtcNow(), ct) is { } unitId
            ? Results.Redirect($"/units/{unitId}")
            : Render.NotFound("令牌不存在", "没有这个令牌，或它已被撤销。");
}
