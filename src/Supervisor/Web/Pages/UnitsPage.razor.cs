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
        ("completion", Labels.CompletionRate), ("ontimerate", Labels.OnTimeRate), ("worst", "最长逾期(工作日)"), ("light", "灯"),
    ];

    public sealed record View(DateOnly Today, IReadOnlyList<UnitRate> Rates, string Sort, bool Descending) : IPageModel<UnitsPage>;

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/units", ListAsync);
        pages.MapGet("/units/export.xlsx", ExportAsync);
        pages.MapGet("/units/{id:long}", UnitPage.RenderAsync);
        PageContext.MapPause(pages, "units", (pauses, id, pause, actor, at, ct) => pauses.PauseUnitAsync(id, pause, actor, at, ct));
        pages.MapPost("/tokens/{id:long}/revoke", RevokeTokenAsync).RequireAuthorization(ConsolePolicies.Admin);
    }

    public static IEnumerable<UnitRate> Sort(IEnumerable<UnitRate> rates, string? sort, bool desc)
    {
        Func<UnitRate, object?> key = sort switch
        {
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

    private static async Task<IResult> ListAsync(SupervisionEngine engine, TimeProvider time, string? sort, string? dir, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var desc = dir == "desc";
        var rates = Sort(await engine.RatesAsync(today, ct), sort, desc).ToList();
        return Render.Page(new View(today, rates, Columns.Any(c => c.Key == sort) ? sort! : "rank", desc));
    }

    private static async Task<IResult> ExportAsync(SupervisionEngine engine, TimeProvider time, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var bytes = XlsxWriter.ToBytes([RatesSheet.Of(today, await engine.RatesAsync(today, ct))]);
        return Results.File(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"units-{today:yyyyMMdd}.xlsx");
    }

    private static async Task<IResult> RevokeTokenAsync(long id, HttpContext http, UnitTokenStore tokens, TimeProvider time, CancellationToken ct) =>
        await tokens.RevokeAsync(id, PageContext.Actor(http), time.GetUtcNow(), ct) is { } unitId
            ? Results.Redirect($"/units/{unitId}")
            : Render.NotFound("令牌不存在", "没有这个令牌，或它已被撤销。");
}
