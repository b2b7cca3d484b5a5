using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Excel;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>任务: filters and search, one task's page (<see cref="TaskPage"/>), pause/resume supervision, the overdue list as XLSX.</summary>
public sealed partial class TasksPage
{
    /// <summary>The filter as asked, echoed back into the form.</summary>
    public sealed record Query(string? Plan, string? Section, string? Unit, string? Leader, string? Light, string? Overdue, string? Q)
    {
        /// <summary>"1": only tasks a unit (the unit filter's, or any) has not signed for.</summary>
        public string? NotSigned { get; init; }
    }

    public sealed record View(
        Query Asked, IReadOnlyList<TaskInfo> Tasks, IReadOnlyDictionary<long, TaskLight> Lights, IReadOnlyList<(long Id, int Year, string Title)> Plans,
        IReadOnlyList<UnitInfo> Units, IReadOnlyList<(long Id, string Name)> Leaders) : IPageModel<TasksPage>
    {
        /// <summary>Where each task stands by its most urgent open milestone (overdue said as everywhere); absent: nothing open.</summary>
        public required IReadOnlyDictionary<long, (string Text, bool Overdue)> Standings { get; init; }

        /// <summary>未签收: the units that have not signed for each task (tasks every unit signed for are absent).</summary>
        public IReadOnlyDictionary<long, IReadOnlyList<string>> ToSign { get; init; } = new Dictionary<long, IReadOnlyList<string>>();
    }

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/tasks", ListAsync);
        pages.MapGet("/tasks/overdue.xlsx", OverdueAsync);
        pages.MapGet("/tasks/{id:long}", TaskPage.RenderAsync);
        PageContext.MapPause(pages, "tasks", (pauses, id, pause, actor, at, ct) => pauses.PauseTaskAsync(id, pause, actor, at, ct));
        pages.MapPost("/milestones/{id:long}/reopen", ReopenAsync).RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/tasks/{id:long}/on-behalf/{action}", TaskPage.OnBehalfAsync).RequireAuthorization(ConsolePolicies.Act);
    }

    private static async Task<IResult> ListAsync(
        TaskQueries taskQueries, UnitQueries unitQueries, MilestoneQueries milestoneQueries, AcknowledgementQueries acknowledgements, CalendarStore calendars, SupervisionEngine engine, TimeProvider time,
        string? plan, string? section, string? unit, string? leader, string? light, string? overdue, string? q, string? unsigned, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var filter = new TaskFilter(PageContext.Id(plan), PageContext.Text(section), PageContext.Id(unit), PageContext.Id(leader), PageContext.Text(q));
        var lights = (await engine.TaskLightsAsync(today, null, ct)).ToDictionary(l => l.TaskId);
        var units = await unitQueries.UnitsAsync(ct);
        var names = units.ToDictionary(u => u.Id, u => u.Name);
        var toSign = (await acknowledgements.UnsignedAsync(filter.PlanId, null, ct))
            .GroupBy(u => u.TaskId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(u => names.GetValueOrDefault(u.UnitId) ?? "").ToList());
        var unsignedBy = unsigned == "1" && filter.UnitId is { } unitId && names.TryGetValue(unitId, out var unitName) ? unitName : null;
        var tasks = (await taskQueries.TasksAsync(filter, ct))
            .Where(t => string.IsNullOrEmpty(light) || (lights.TryGetValue(t.Id, out var l) && l.Light.ToString().Equals(light, StringComparison.OrdinalIgnoreCase)))
            .Where(t => overdue != "1" || (lights.TryGetValue(t.Id, out var l) && l.Overdue))
            .Where(t => unsigned != "1" || (toSign.TryGetValue(t.Id, out var who) && (unsignedBy is null || who.Contains(unsignedBy))))
            .ToList();
        return Render.Page(new View(
            new Query(plan, section, unit, leader, light, overdue, q) { NotSigned = unsigned }, tasks, lights, await taskQueries.PlansAsync(ct), units, await taskQueries.LeadersAsync(ct))
        {
            ToSign = toSign,
            Standings = await StandingsAsync(milestoneQueries, calendars, today, ct),
        });
    }

    /// <summary>Each task's most urgent open milestone (earliest due, 待审核 ones last), said as <see cref="Format.Standing"/> says it; red when past due.</summary>
    private static async Task<IReadOnlyDictionary<long, (string Text, bool Overdue)>> StandingsAsync(
        MilestoneQueries milestoneQueries, CalendarStore calendars, DateOnly today, CancellationToken ct)
    {
        var calendar = await calendars.LoadAsync(ct);
        // A past-due milestone waiting for review still counts as overdue (only an approved completion counts), and turns
        // the task's light red: the list says both, in red, so the two columns agree.
        return (await milestoneQueries.MostUrgentOpenPerTaskAsync(ct)).ToDictionary(
            m => m.TaskId,
            m => DateOnly.FromDateTime(m.DueDate) is var due && due < today
                ? (m.ReviewState == "pending" ? "待审核，" + OverdueText.Standing(due, today, calendar) : Format.Standing(m, today, calendar), true)
                : (Format.Standing(m, today, calendar), false));
    }

    /// <summary>The overdue list, optionally of one plan; every row names its plan (方案).</summary>
    private static async Task<IResult> OverdueAsync(
        TaskQueries taskQueries, MilestoneQueries milestoneQueries, CalendarStore calendars, SupervisionEngine engine, TimeProvider time, string? plan, CancellationToken ct)
    {
        var today = PageContext.Today(engine, time);
        var calendar = await calendars.LoadAsync(ct);
        var planId = UnitsPage.PlanOf(await taskQueries.PlansAsync(ct), plan);
        var tasks = (await taskQueries.TasksAsync(new TaskFilter(planId, null, null, null, null), ct)).ToDictionary(t => t.Id);
        var overdue = (await milestoneQueries.MilestonesAsync(today, openOnly: true, ct)).Where(m => tasks.ContainsKey(m.TaskId)).ToList();
        var sheet = new XlsxSheet($"逾期清单{today:yyyyMMdd}", ["方案", "任务编号", "任务", "时间节点", "完成时限", "原完成时限", "逾期情况", "逾期天数", "逾期工作日", "牵头单位", "责任领导", "最新进度"],
            overdue.Select(m => (IReadOnlyList<object?>)
            [
                $"{tasks[m.TaskId].PlanYear} {tasks[m.TaskId].PlanTitle}", m.TaskCode, m.TaskTitle, m.Title, Format.Date(m.DueDate), Format.Date(m.OriginalDueDate), Format.Standing(m, today, calendar),
                today.DayNumber - DateOnly.FromDateTime(m.DueDate).DayNumber, calendar.WorkingDaysBetween(DateOnly.FromDateTime(m.DueDate), today),
                tasks.GetValueOrDefault(m.TaskId)?.LeadUnits, tasks.GetValueOrDefault(m.TaskId)?.Leaders, m.LatestPercent is { } p ? $"{p}%" : null,
            ]));
        return Results.File(XlsxWriter.ToBytes([sheet]), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"overdue-{today:yyyyMMdd}{(planId is { } id ? $"-plan{id}" : "")}.xlsx");
    }

    /// <summary>A milestone marked done by mistake is open again; the audit log keeps who, why and the old completion.</summary>
    private static async Task<IResult> ReopenAsync(long id, HttpContext http, MilestoneQueries milestoneQueries, ProgressStore progress, TimeProvider time, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        var milestone = await milestoneQueries.MilestoneAsync(id, ct);
        if (milestone is null)
        {
            return Render.NotFound("时间节点不存在", "没有这个时间节点。");
        }

        await progress.ReopenAsync(id, form["reason"], PageContext.Actor(http), time.GetUtcNow(), ct);
        return Results.Redirect($"/tasks/{milestone.TaskId}");
    }
}
