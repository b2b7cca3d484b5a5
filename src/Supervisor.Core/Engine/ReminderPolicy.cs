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

    /// <summary>
    /// 签收: a unit assigned a task (or whose task changed) on local date <paramref name="assignedOn"/> has until the end of
    /// the <c>AcknowledgeWithinWorkingDays</c>-th working day after it to sign; null when 签收 reminders are off.
    /// </summary>
    public static DateOnly? SignBy(DateOnly assignedOn, WorkingCalendar calendar, SupervisionOptions options)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(options);
        return options.AcknowledgeWithinWorkingDays > 0 ? calendar.AddWorkingDays(assignedOn, options.AcknowledgeWithinWorkingDays) : null;
    }

    /// <summary>
    /// Whether a 签收 reminder is owed today for an assignment: on a working day after its sign-by date, not yet signed.
    /// Once per assignment (the scan's unique key): a reminder already recorded for it means nothing more is owed.
    /// </summary>
    public static bool AcknowledgementOwed(DateOnly assignedOn, bool acknowledged, bool alreadyReminded, DateOnly today, WorkingCalendar calendar, SupervisionOptions options)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return !acknowledged && !alreadyReminded && calendar.IsWorkingDay(today) && SignBy(assignedOn, calendar, options) is { } by && by < today;
    }

    /// <summary>
    /// The latest assignment date whose sign-by date is before <paramref name="today"/>: the scan owes 签收 reminders for
    /// assignments on or before it (sign-by is monotonic in the assignment date). Null when 签收 reminders are off.
    /// </summary>
    public static DateOnly? LatestAssignmentOwed(DateOnly today, WorkingCalendar calendar, SupervisionOptions options)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(options);
        if (options.AcknowledgeWithinWorkingDays <= 0)
        {
            return null;
        }

        // At most AcknowledgeWithinWorkingDays working days plus the holidays between: a few dozen steps.
        var day = today.AddDays(-1);
        while (calendar.AddWorkingDays(day, options.AcknowledgeWithinWorkingDays) >= today)
        {
            day = day.AddDays(-1);
        }

        return day;
    }
}
