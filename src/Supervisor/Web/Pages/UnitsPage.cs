using System.Text;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Excel;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;

namespace Supervisor.Web.Pages;

/// <summary>单位: the ranking (sortable by any column), one unit's page, pause/resume, the XLSX export.</summary>
public static class UnitsPage
{
    private static readonly (string Key, string Label)[] Columns =
    [
        ("rank", "排名"), ("name", "单位"), ("due", "应完成"), ("ontime", "按时完成"), ("late", "逾期完成"), ("overdue", "逾期未完成"),
        ("completion", "完成率"), ("ontimerate", "按时完成率"), ("worst", "最长逾期(工作日)"), ("light", "灯"),
    ];

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/units", ListAsync);
        pages.MapGet("/units/export.xlsx", ExportAsync);
        pages.MapGet("/units/{id:long}", DetailAsync);
        pages.MapPost("/units/{id:long}/pause", (long id, HttpContext http, PauseStore pauses, TimeProvider time, CancellationToken ct) => PauseAsync(id, true, http, pauses, time, ct))
            .RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/units/{id:long}/resume", (long id, HttpContext http, PauseStore pauses, TimeProvider time, CancellationToken ct) => PauseAsync(id, false, http, pauses, time, ct))
            .RequireAuthorization(ConsolePolicies.Act);
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

    private static async Task<IResult> ListAsync(HttpContext http, SupervisionEngine engine, TimeProvider time, string? sort, string? dir, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var desc = dir == "desc";
        var rates = Sort(await engine.RatesAsync(today, ct), sort, desc).ToList();
        var body = new StringBuilder();
        body.Append("<p>截至 ").Append(Html.Date(today)).Append("，按牵头任务的时间节点计。<a href=\"/units/export.xlsx\">导出 XLSX</a></p>");
        var header = Columns.Select(c =>
        {
            var nextDir = c.Key == (sort ?? "rank") && !desc ? "desc" : "asc";
            var arrow = c.Key == (sort ?? "rank") ? (desc ? " ▼" : " ▲") : "";
            return $"<a href=\"/units?sort={c.Key}&amp;dir={nextDir}\">{Html.E(c.Label)}{arrow}</a>";
        }).ToList();
        Html.Table(body, header, rates.Select(r => (IReadOnlyList<string>)
        [
            Html.N(r.Rank), $"<a href=\"/units/{r.UnitId}\">{Html.E(r.Unit)}</a>", Html.N(r.Lead.Due), Html.N(r.Lead.OnTime), Html.N(r.Lead.Late),
            Html.N(r.Lead.OverdueOpen), Html.Percent(r.Lead.CompletionRate), Html.Percent(r.Lead.OnTimeRate), Html.N(r.WorstOverdueWorkingDays), Html.Light(r.Light.ToString()),
        ]));
        return Html.Page(http, "单位", body.ToString());
    }

    private static async Task<IResult> ExportAsync(SupervisionEngine engine, TimeProvider time, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var bytes = XlsxWriter.ToBytes([RatesSheet.Of(today, await engine.RatesAsync(today, ct))]);
        return Results.File(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"units-{today:yyyyMMdd}.xlsx");
    }

    private static async Task<IResult> DetailAsync(long id, HttpContext http, UnitQueries unitQueries, TaskQueries taskQueries, MilestoneQueries milestoneQueries, MessageQueries messageQueries, SupervisionEngine engine, TimeProvider time, TimeZoneInfo zone, CancellationToken ct)
    {
        var unit = await unitQueries.UnitAsync(id, ct);
        if (unit is null)
        {
            return Html.Page(http, "单位不存在", "<p>没有这个单位。</p>", StatusCodes.Status404NotFound);
        }

        var today = PageContext.Today(engine, time);
        var rate = (await engine.RatesAsync(today, ct)).FirstOrDefault(r => r.UnitId == id);
        var body = new StringBuilder();
        body.Append("<p>").Append(rate is null ? "" : $"排名 {rate.Rank} · 按时完成率 {Html.Percent(rate.Lead.OnTimeRate)} · 完成率 {Html.Percent(rate.Lead.CompletionRate)} · {Html.Light(rate.Light.ToString())}");
        body.Append(unit.PausedAt is null ? " · 督办中" : $" · <span class=\"yellow\">已暂停督办（{Html.E(unit.PausedBy)}，{PageContext.T(unit.PausedAt, zone)}）</span>").Append("</p>");
        if (PageContext.CanAct(http))
        {
            body.Append(unit.PausedAt is null
                ? Html.Button(http, $"/units/{id}/pause", "暂停督办", css: "secondary")
                : Html.Button(http, $"/units/{id}/resume", "恢复督办"));
        }

        body.Append("<section><h2>联系人</h2>");
        Html.Table(body, ["角色", "姓名", "手机", "邮箱"], (await unitQueries.ContactsAsync(id, ct)).Select(c => (IReadOnlyList<string>)
            [Html.E(c.Role switch { "liaison" => "联络员", "head" => "负责人", _ => c.Role }), Html.E(c.Name), Html.E(c.Phone), Html.E(c.Email)]));
        body.Append("</section><section><h2>任务</h2>");
        var tasks = await taskQueries.TasksAsync(new TaskFilter(null, null, id, null, null), ct);
        Html.Table(body, ["编号", "任务", "牵头单位", "配合单位", "完成时限"], tasks.Select(t => (IReadOnlyList<string>)
            [Html.E(t.Code), $"<a href=\"/tasks/{t.Id}\">{Html.E(t.Title)}</a>", Html.E(t.LeadUnits), Html.E(t.CoUnits), PageContext.D(t.Deadline)]));
        body.Append("</section><section><h2>时间节点</h2>");
        Html.Table(body, ["任务", "节点", "完成时限", "状态", "最新进度", "签收"], (await milestoneQueries.MilestonesOfUnitAsync(id, false, ct)).Select(m => (IReadOnlyList<string>)
        [
            $"<a href=\"/tasks/{m.TaskId}\">{Html.E(m.TaskCode)}</a>", Html.E(m.Title), Due(m), Html.E(PageContext.Status(m.Status)),
            m.LatestPercent is { } p ? $"{p}%" : "—", m.Acknowledged ? "已签收" : "—",
        ]));
        if (PageContext.IsAdmin(http))
        {
            body.Append("</section><section><h2>API 令牌</h2>");
            var tokens = await http.RequestServices.GetRequiredService<UnitTokenStore>().ListAsync(id, ct);
            Html.Table(body, ["名称", "创建", "到期", "最近使用", "状态", "操作"], tokens.Select(t => (IReadOnlyList<string>)
            [
                Html.E(t.Name), PageContext.T(t.CreatedAt, zone), PageContext.T(t.ExpiresAt, zone), PageContext.T(t.LastUsedAt, zone),
                t.RevokedAt is { } r ? $"已撤销（{PageContext.T(r, zone)}）" : t.ExpiresAt <= time.GetUtcNow().UtcDateTime ? "已过期" : "有效",
                t.RevokedAt is null ? Html.Button(http, $"/tokens/{t.Id}/revoke", "撤销", css: "secondary") : "—",
            ]), "暂无令牌");
        }

        body.Append("</section><section><h2>发给本单位的消息</h2>");
        MessagesPage.Table(body, await messageQueries.MessagesAsync(null, null, null, id, null, 200, ct), zone);
        body.Append("</section>");
        return Html.Page(http, unit.Name, body.ToString());
    }

    public static string Due(MilestoneInfo m) =>
        m.DueDate == m.OriginalDueDate ? PageContext.D(m.DueDate) : $"{PageContext.D(m.DueDate)}（原 {PageContext.D(m.OriginalDueDate)}）";

    private static async Task<IResult> RevokeTokenAsync(long id, HttpContext http, UnitTokenStore tokens, TimeProvider time, CancellationToken ct) =>
        await tokens.RevokeAsync(id, PageContext.Actor(http), time.GetUtcNow(), ct) is { } unitId
            ? Results.Redirect($"/units/{unitId}")
            : Html.Page(http, "令牌不存在", "<p>没有这个令牌，或它已被撤销。</p>", StatusCodes.Status404NotFound);

    private static async Task<IResult> PauseAsync(long id, bool pause, HttpContext http, PauseStore pauses, TimeProvider time, CancellationToken ct)
    {
        await pauses.PauseUnitAsync(id, pause, PageContext.Actor(http), time.GetUtcNow(), ct);
        return Results.Redirect($"/units/{id}");
    }
}
