namespace Supervisor.Core.Calendar;

public enum DayKind
{
    Holiday,
    Workday,
}

/// <summary>An official exception to the Monday–Friday rule: a holiday, or a make-up working day (调休).</summary>
public sealed record CalendarDay(DateOnly Date, DayKind Kind, string? Name);

/// <summary>Chinese working days: Monday–Friday, minus official holidays, plus official make-up days.</summary>
public sealed class WorkingCalendar
{
    public WorkingCalendar(IEnumerable<CalendarDay> days) => throw new NotImplementedException();

    public bool IsWorkingDay(DateOnly date) => throw new NotImplementedException();

    /// <summary>The date <paramref name="workingDays"/> working days after (negative: before) <paramref name="from"/>; 0 returns <paramref name="from"/>.</summary>
    public DateOnly AddWorkingDays(DateOnly from, int workingDays) => throw new NotImplementedException();

    /// <summary>Working days in (from, to]; negative when <paramref name="to"/> is before <paramref name="from"/>.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to) => throw new NotImplementedException();
}
