using System.Text;
using Supervisor.Core;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Excel;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;

namespace Supervisor.Web.Pages;

/// <summary>任务: filters and search, one task's page, pause/resume supervision, the overdue list as XLSX.</summary>
public static class TasksPage
{
    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/tasks", ListAsync);
        pages.MapGet("/tasks/overdue.xlsx", OverdueAsync);
        pages.MapGet("/tasks/{id:long}", DetailAsync);
        pages.MapPost("/tasks/{id:long}/pause", (long id, HttpContext http, PauseStore pauses, TimeProvider time, CancellationToken ct) => PauseAsync(id, true, http, pauses, time, ct))
            .RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/tasks/{id:long}/resume", (long id, HttpContext http, PauseStore pauses, TimeProvider time, CancellationToken ct) => PauseAsync(id, false, http, pauses, time, ct))
            .RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/milestones/{id:long}/reopen", ReopenAsync).RequireAuthorization(ConsolePolicies.Act);
    }

    private static async Task<IResult> ListAsync(
        HttpContext http, TaskQueries taskQueries, UnitQueries unitQueries, SupervisionEngine engine, TimeProvider time,
        string? plan, string? section, string? unit, string? leader, string? light, string? overdue, string? q, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var filter = new TaskFilter(PageContext.Id(plan), PageContext.Text(section), PageContext.Id(unit), PageContext.Id(leader), PageContext.Text(q));
        var lights = (await engine.TaskLightsAsync(today, null, ct)).ToDictionary(l => l.TaskId);
        var tasks = (await taskQueries.TasksAsync(filter, ct))
            .Where(t => string.IsNullOrEmpty(light) || (lights.TryGetValue(t.Id, out var l) && l.Light.ToString().Equals(light, StringComparison.OrdinalIgnoreCase)))
            .Where(t => overdue != "1" || (lights.TryGetValue(t.Id, out var l) && l.Overdue))
            .ToList();
        var body = new StringBuilder();
        body.Append("<form method=\"get\" action=\"/tasks\" class=\"filters\">")
            .Append("<label>方案 <select name=\"plan\">").Append(PageContext.Options((await taskQueries.PlansAsync(ct)).Select(p => (Html.N(p.Id), $"{p.Year} {p.Title}")), plan)).Append("</select></label>")
            .Append("<label>章节 <input name=\"section\" value=\"").Append(Html.E(section)).Append("\"></label>")
            .Append("<label>单位 <select name=\"unit\">").Append(PageContext.Options((await unitQueries.UnitsAsync(ct)).Select(u => (Html.N(u.Id), u.Name)), unit)).Append("</select></label>")
            .Append("<label>责任领导 <select name=\"leader\">").Append(PageContext.Options((await taskQueries.LeadersAsync(ct)).Select(l => (Html.N(l.Id), l.Name)), leader)).Append("</select></label>")
            .Append("<label>灯 <select name=\"light\">").Append(PageContext.Options([("red", "红灯"), ("yellow", "黄灯"), ("green", "绿灯")], light)).Append("</select></label>")
            .Append("<label><input type=\"checkbox\" name=\"overdue\" value=\"1\"").Append(overdue == "1" ? " checked" : "").Append("> 仅逾期</label>")
            .Append("<label>搜索 <input name=\"q\" value=\"").Append(Html.E(q)).Append("\"></label>")
            .Append("<button type=\"submit\">筛选</button></form>");
        body.Append("<p>共 ").Append(tasks.Count).Append(" 项任务。<a href=\"/tasks/overdue.xlsx\">导出逾期清单 XLSX</a></p>");
        Html.Table(body, ["编号", "任务", "牵头单位", "责任领导", "完成时限", "灯", "督办"], tasks.Select(t => (IReadOnlyList<string>)
        [
            Html.E(t.Code), $"<a href=\"/tasks/{t.Id}\">{Html.E(t.Title)}</a>", Html.E(t.LeadUnits ?? (t.NoResponsibleUnit ? "（未明确责任单位）" : "")),
            Html.E(t.Leaders), PageContext.D(t.Deadline), lights.TryGetValue(t.Id, out var l) ? Html.Light(l.Light.ToString()) : "—", t.PausedAt is null ? "督办中" : "<span class=\"yellow\">已暂停</span>",
        ]));
        return Html.Page(http, "任务", body.ToString());
    }

    private static async Task<IResult> OverdueAsync(TaskQueries taskQueries, MilestoneQueries milestoneQueries, SupervisionEngine engine, TimeProvider time, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var tasks = (await taskQueries.TasksAsync(new TaskFilter(null, null, null, null, null), ct)).ToDictionary(t => t.Id);
        var overdue = await milestoneQueries.MilestonesAsync(today, openOnly: true, ct);
        var sheet = new XlsxSheet($"逾期清单{today:yyyyMMdd}", ["任务编号", "任务", "时间节点", "完成时限", "原完成时限", "逾期天数", "牵头单位", "责任领导", "最新进度"],
            overdue.Select(m => (IReadOnlyList<object?>)
            [
                m.TaskCode, m.TaskTitle, m.Title, PageContext.D(m.DueDate), PageContext.D(m.OriginalDueDate), today.DayNumber - DateOnly.FromDateTime(m.DueDate).DayNumber,
                tasks.GetValueOrDefault(m.TaskId)?.LeadUnits, tasks.GetValueOrDefault(m.TaskId)?.Leaders, m.LatestPercent is { } p ? $"{p}%" : null,
            ]));
        return Results.File(XlsxWriter.ToBytes([sheet]), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"overdue-{today:yyyyMMdd}.xlsx");
    }

    private static async Task<IResult> DetailAsync(
        long id, HttpContext http, TaskQueries taskQueries, MilestoneQueries milestoneQueries, MessageQueries messageQueries, SupervisionEngine engine, Supervisor.Infrastructure.Documents.EscalationNoticeStore notices, TimeProvider time, TimeZoneInfo zone, CancellationToken ct)
    {
        var task = await taskQueries.TaskAsync(id, ct);
        if (task is null)
        {
            return Html.Page(http, "任务不存在", "<p>没有这项任务。</p>", StatusCodes.Status404NotFound);
        }

        var today = PageContext.Today(engine, time);
        var light = (await engine.TaskLightsAsync(today, task.PlanId, ct)).FirstOrDefault(l => l.TaskId == id);
        var body = new StringBuilder();
        body.Append("<p>").Append(Html.E($"{task.PlanYear} {task.PlanTitle}")).Append(" · ").Append(Html.E(task.Section)).Append("</p>")
            .Append("<p>").Append(Html.E(task.FullText)).Append("</p>")
            .Append("<p>牵头单位：").Append(Html.E(task.LeadUnits ?? "—")).Append("；配合单位：").Append(Html.E(task.CoUnits ?? "—"))
            .Append("；责任领导：").Append(Html.E(task.Leaders ?? "—")).Append("；灯：").Append(Html.Light(light?.Light.ToString()))
            .Append(task.PausedAt is null ? "；督办中" : $"；<span class=\"yellow\">已暂停督办（{Html.E(task.PausedBy)}，{PageContext.T(task.PausedAt, zone)}）</span>").Append("</p>");
        if (PageContext.CanAct(http))
        {
            body.Append(task.PausedAt is null
                ? Html.Button(http, $"/tasks/{id}/pause", "暂停督办", css: "secondary")
                : Html.Button(http, $"/tasks/{id}/resume", "恢复督办"));
        }

        body.Append("<section><h2>时间节点</h2>");
        var act = PageContext.CanAct(http);
        Html.Table(body, ["节点", "类型", "完成时限", "状态", "办结时间", "最新进度", "签收", "操作"], (await milestoneQueries.MilestonesOfTaskAsync(id, ct)).Select(m => (IReadOnlyList<string>)
        [
            Html.E(m.Title), Html.E(PageContext.Status(m.Kind)), UnitsPage.Due(m), Html.E(PageContext.Status(m.Status)), PageContext.T(m.CompletedAt, zone),
            m.LatestPercent is { } p ? $"{p}%" : "—", m.Acknowledged ? "已签收" : "—",
            act && m.Status == "done"
                ? Html.Button(http, $"/milestones/{m.Id}/reopen", "重新打开", $"<input name=\"reason\" placeholder=\"理由\" maxlength=\"{InputLimits.DecisionNote}\">", "secondary")
                : "—",
        ]));
        body.Append("</section><section><h2>进展记录</h2>");
        Html.Table(body, ["时间", "节点", "进度", "说明", "来源", "报送单位/人"], (await taskQueries.ProgressOfTaskAsync(id, ct)).Select(p => (IReadOnlyList<string>)
            [PageContext.T(p.ReportedAt, zone), Html.E(p.MilestoneTitle), p.Percent is { } v ? $"{v}%" : "—", Html.E(p.Note), Html.E(p.Source), Html.E(p.Unit ?? p.ReportedBy)]));
        body.Append("</section><section><h2>应发提醒</h2>");
        Html.Table(body, ["日期", "节点", "级别", "逾期工作日", "已生成消息"], (await taskQueries.RemindersOfTaskAsync(id, ct)).Select(r => (IReadOnlyList<string>)
            [PageContext.D(r.LocalDate), Html.E(r.MilestoneTitle), r.Level switch { 1 => "提醒", 2 => "催办", _ => "督办" }, Html.N(r.WorkingDaysOverdue), r.ComposedAt is null ? "否" : "是"]));
        body.Append("</section>");
        await DigestsPage.AppendNoticesAsync(body, id, notices, zone, ct);
        body.Append("<section><h2>已发消息</h2>");
        MessagesPage.Table(body, await messageQueries.MessagesAsync(null, null, null, null, id, 200, ct), zone);
        body.Append("</section>");
        return Html.Page(http, $"{task.Code} {task.Title}", body.ToString());
    }

    /// <summary>A milestone marked done by mistake is open again; the audit log keeps who, why and the old completion.</summary>
    private static async Task<IResult> ReopenAsync(long id, HttpContext http, MilestoneQueries milestoneQueries, ProgressStore progress, TimeProvider time, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        var milestone = await milestoneQueries.MilestoneAsync(id, ct);
        if (milestone is null)
        {
            return Html.Page(http, "时间节点不存在", "<p>没有这个时间节点。</p>", StatusCodes.Status404NotFound);
        }

        await progress.ReopenAsync(id, form["reason"], PageContext.Actor(http), time.GetUtcNow(), ct);
        return Results.Redirect($"/tasks/{milestone.TaskId}");
    }

    private static async Task<IResult> PauseAsync(long id, bool pause, HttpContext http, PauseStore pauses, TimeProvider time, CancellationToken ct)
    {
        await pauses.PauseTaskAsync(id, pause, PageContext.Actor(http), time.GetUtcNow(), ct);
        return Results.Redirect($"/tasks/{id}");
    }
}
