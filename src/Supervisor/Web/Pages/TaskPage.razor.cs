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
        /// <summary>Today and the calendar, for where each milestone stands (<see cref="Format.Standing"/>).</summary>
        public required (DateOnly Today, Core.Calendar.WorkingCalendar Calendar) Clock { get; init; }

        /// <summary>佐证材料 by progress report.</summary>
        public required IReadOnlyDictionary<long, IReadOnlyList<EvidenceInfo>> Evidence { get; init; }
    }

    internal static async Task<IResult> RenderAsync(
        long id, TaskQueries taskQueries, MilestoneQueries milestoneQueries, MessageQueries messageQueries, SupervisionEngine engine, EscalationNoticeStore notices,
        CalendarStore calendars, EvidenceStore evidence, TimeProvider time, TimeZoneInfo zone, CancellationToken ct)
    {
        var task = await taskQueries.TaskAsync(id, ct);
        if (task is null)
        {
            return Render.NotFound("任务不存在", "没有这项任务。");
        }

        var today = PageContext.Today(engine, time);
        var light = (await engine.TaskLightsAsync(today, task.PlanId, ct)).FirstOrDefault(l => l.TaskId == id);
        var progress = await taskQueries.ProgressOfTaskAsync(id, ct);
        return Render.Page(new View(
            task, light, await milestoneQueries.MilestonesOfTaskAsync(id, ct), progress, await taskQueries.RemindersOfTaskAsync(id, ct),
            await notices.ForTaskAsync(id, ct), await messageQueries.MessagesAsync(null, null, null, null, id, 200, ct), zone)
        {
            Clock = (today, await calendars.LoadAsync(ct)),
            Evidence = await evidence.ListAsync([.. progress.Select(p => p.Id)], ct),
        });
    }
}
