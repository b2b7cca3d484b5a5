using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Documents;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>One task: its text, units, light, milestones (reopen), progress, reminders owed, 督办通知单 and messages.</summary>
public sealed partial class TaskPage
{
    public sealed record View(
        TaskInfo Task, TaskLight? Light, IReadOnlyList<MilestoneInfo> Milestones, IReadOnlyList<ProgressInfo> Progress, IReadOnlyList<ReminderInfo> Reminders,
        IReadOnlyList<NoticeRow> Notices, IReadOnlyList<MessageInfo> Messages, TimeZoneInfo Zone) : IPageModel<TaskPage>
    {
        /// <summary>The task's units (lead first), for staff entering what a unit phoned in.</summary>
        public IReadOnlyList<(long UnitId, string Name, string Role)> Units { get; init; } = [];

        /// <summary>A notice after an on-behalf entry, by code (never text from the URL).</summary>
        public string? Notice { get; init; }
    }

    private static readonly IReadOnlyDictionary<string, string> Notices = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["progress"] = "已代单位报送进展。",
        ["applied"] = "已代单位提交办结申请，待审核。",
        ["completed"] = "已代单位标记办结。",
        ["acknowledged"] = "已代单位签收。",
    };

    internal static async Task<IResult> RenderAsync(
        long id, string? done, TaskQueries taskQueries, MilestoneQueries milestoneQueries, MessageQueries messageQueries, SupervisionEngine engine, EscalationNoticeStore notices,
        TimeProvider time, TimeZoneInfo zone, CancellationToken ct)
    {
        var task = await taskQueries.TaskAsync(id, ct);
        if (task is null)
        {
            return Render.NotFound("任务不存在", "没有这项任务。");
        }

        var today = PageContext.Today(engine, time);
        var light = (await engine.TaskLightsAsync(today, task.PlanId, ct)).FirstOrDefault(l => l.TaskId == id);
        return Render.Page(new View(
            task, light, await milestoneQueries.MilestonesOfTaskAsync(id, ct), await taskQueries.ProgressOfTaskAsync(id, ct), await taskQueries.RemindersOfTaskAsync(id, ct),
            await notices.ForTaskAsync(id, ct), await messageQueries.MessagesAsync(null, null, null, null, id, 200, ct), zone)
        {
            Units = await milestoneQueries.UnitsOfTaskAsync(id, ct),
            Notice = Notices.GetValueOrDefault(done ?? ""),
        });
    }

    /// <summary>
    /// A unit phoned in: staff enter its progress, its 办结 (an application when the office reviews completions) or its
    /// 签收, on the unit's behalf. The row names the unit; the audit row names the staff user, "代 {unit} 录入".
    /// </summary>
    internal static async Task<IResult> OnBehalfAsync(
        long id, string action, HttpContext http, MilestoneQueries milestoneQueries, ProgressStore progress, TimeProvider time, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        var back = $"/tasks/{id}";
        IResult Refused(string message, int status = StatusCodes.Status400BadRequest) =>
            Render.Notice("未能录入", "未能录入：" + message, status, error: true, backHref: back, backLabel: "返回任务");

        var units = await milestoneQueries.UnitsOfTaskAsync(id, ct);
        var unitId = PageContext.Id(form["unit"]);
        var milestoneId = PageContext.Id(form["milestone"]);
        if (units.FirstOrDefault(u => u.UnitId == unitId) is not { Name: not null } unit)
        {
            return Refused("请选择本任务的责任单位。");
        }

        if (milestoneId is not { } mid || await milestoneQueries.MilestoneAsync(mid, ct) is not { } milestone || milestone.TaskId != id)
        {
            return Refused("请选择本任务的时间节点。");
        }

        var actor = PageContext.Actor(http);
        var now = time.GetUtcNow();
        string done;
        try
        {
            switch (action)
            {
                case "progress":
                    var percent = int.TryParse(form["percent"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : (int?)null;
                    await progress.ReportAsync(mid, percent, PageContext.Text(form["note"]), unit.UnitId, "console", actor, now, ct, onBehalfOf: unit.Name);
                    done = "progress";
                    break;
                case "apply":
                    if (unit.Role != "lead")
                    {
                        return Refused($"{unit.Name}是配合单位，只有牵头单位可以申请办结。", StatusCodes.Status403Forbidden);
                    }

                    var finished = await progress.FinishAsync(mid, unit.UnitId, PageContext.Text(form["note"]), null, "console", actor, now, ct, unit.Name);
                    done = finished.PendingReview ? "applied" : "completed";
                    break;
                case "acknowledge":
                    await progress.AcknowledgeAsync(mid, unit.UnitId, "console", actor, now, ct, unit.Name);
                    done = "acknowledged";
                    break;
                default:
                    return Results.NotFound();
            }
        }
        catch (Supervisor.Core.BadInputException ex)
        {
            return Refused(ex.Chinese);
        }

        return Results.Redirect($"{back}?done={done}");
    }
}
