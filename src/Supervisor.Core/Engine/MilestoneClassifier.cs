using Supervisor.Core.Calendar;

namespace Supervisor.Core.Engine;

public enum MilestoneState
{
    Upcoming,
    DueSoon,
    DueToday,
    Overdue,
    Done,
}

public enum Light
{
    Green,
    Yellow,
    Red,
}

/// <summary>Where an open milestone stands on a local date; overdue counts are zero unless overdue.</summary>
public sealed record MilestoneStanding(MilestoneState State, int WorkingDaysOverdue, int CalendarDaysOverdue, int WorkingDaysLeft);

/// <summary>
/// The reference rules the set-based scan implements in SQL. A milestone due on D is overdue from D+1 00:00 local time;
/// "working days overdue" counts working days in (due, today], so a Friday deadline is 0 working days overdue on Saturday.
/// </summary>
public static class MilestoneClassifier
{
    public static MilestoneStanding Classify(DateOnly due, bool done, DateOnly today, WorkingCalendar calendar, int dueSoonWorkingDays)
    {
        if (done)
        {
            return new MilestoneStanding(MilestoneState.Done, 0, 0, 0);
        }

        if (due < today)
        {
            return new MilestoneStanding(MilestoneState.Overdue, calendar.WorkingDaysBetween(due, today), today.DayNumber - due.DayNumber, 0);
        }

        if (due == today)
        {
            return new MilestoneStanding(MilestoneState.DueToday, 0, 0, 0);
        }

        var left = calendar.WorkingDaysBetween(today, due);
        return new MilestoneStanding(left <= dueSoonWorkingDays ? MilestoneState.DueSoon : MilestoneState.Upcoming, 0, 0, left);
    }
}
