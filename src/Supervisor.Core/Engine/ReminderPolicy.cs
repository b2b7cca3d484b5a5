using Supervisor.Core.Calendar;

namespace Supervisor.Core.Engine;

/// <summary>What the reminder history of one milestone holds, as far as the policy needs it.</summary>
public sealed record ReminderHistory(DateOnly? LastLevel2, DateOnly? LastLevel3);

/// <summary>
/// Which reminder levels a milestone owes on a local date (the scan implements the same rules set-based in SQL):
/// nothing on non-working days; level 1 (提醒) while due soon or due today unless acknowledged (签收);
/// level 2 (催办) while overdue by ≥ 1 working day, again every <c>OverdueRepeatWorkingDays</c>;
/// level 3 (督办) once overdue by ≥ <c>EscalateAfterWorkingDays</c>, again every <c>EscalationRepeatWorkingDays</c> (0 = once).
/// Repeats are measured from the last reminder actually recorded, so a day the scan missed is caught up, not lost.
/// </summary>
public static class ReminderPolicy
{
    public static IReadOnlyList<int> Owed(
        MilestoneStanding standing,
        bool acknowledged,
        ReminderHistory history,
        DateOnly today,
        WorkingCalendar calendar,
        SupervisionOptions options)
    {
        if (!calendar.IsWorkingDay(today))
        {
            return [];
        }

        var levels = new List<int>(2);
        if (standing.State is MilestoneState.DueSoon or MilestoneState.DueToday && !acknowledged)
        {
            levels.Add(1);
        }

        if (standing.State == MilestoneState.Overdue && standing.WorkingDaysOverdue >= 1
            && (history.LastLevel2 is null || history.LastLevel2 <= calendar.AddWorkingDays(today, -options.OverdueRepeatWorkingDays)))
        {
            levels.Add(2);
        }

        if (standing.State == MilestoneState.Overdue && standing.WorkingDaysOverdue >= options.EscalateAfterWorkingDays
            && (history.LastLevel3 is null
                || (options.EscalationRepeatWorkingDays > 0 && history.LastLevel3 <= calendar.AddWorkingDays(today, -options.EscalationRepeatWorkingDays))))
        {
            levels.Add(3);
        }

        return levels;
    }
}
