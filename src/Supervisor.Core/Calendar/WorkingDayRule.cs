namespace Supervisor.Core.Calendar;

/// <summary>On which local dates a scheduled job does its work; the trigger fires on its cron, the rule decides per date.</summary>
public enum WorkingDayRule
{
    /// <summary>Every date.</summary>
    Always,

    /// <summary>Working days: Monday–Friday minus holidays plus make-up days (调休).</summary>
    WorkingDay,

    /// <summary>The first working day of each Monday–Sunday week: Monday, or the next working day when Monday is a holiday.</summary>
    FirstWorkingDayOfWeek,

    /// <summary>The first working day of each calendar month.</summary>
    FirstWorkingDayOfMonth,

    /// <summary>Either of the two: the weekly 通报 plus the monthly one.</summary>
    FirstWorkingDayOfWeekOrMonth,
}

/// <summary>The rules as pure functions of the official calendar; what a pass checks on its slot's local date before it works.</summary>
public static class WorkingDayRules
{
    public static bool Allows(this WorkingDayRule rule, WorkingCalendar calendar, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return rule switch
        {
            WorkingDayRule.Always => true,
            WorkingDayRule.WorkingDay => calendar.IsWorkingDay(date),
            WorkingDayRule.FirstWorkingDayOfWeek => IsFirstWorkingDaySince(calendar, date, StartOfWeek(date)),
            WorkingDayRule.FirstWorkingDayOfMonth => IsFirstWorkingDaySince(calendar, date, new DateOnly(date.Year, date.Month, 1)),
            WorkingDayRule.FirstWorkingDayOfWeekOrMonth =>
                IsFirstWorkingDaySince(calendar, date, StartOfWeek(date)) || IsFirstWorkingDaySince(calendar, date, new DateOnly(date.Year, date.Month, 1)),
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown working-day rule"),
        };
    }

    /// <summary>Why <paramref name="date"/> does not match, in one line for a job run's summary; null when it matches.</summary>
    public static string? Explain(this WorkingDayRule rule, WorkingCalendar calendar, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (rule.Allows(calendar, date))
        {
            return null;
        }

        var day = $"{date:yyyy-MM-dd} ({date.DayOfWeek})";
        if (!calendar.IsWorkingDay(date))
        {
            return calendar.Find(date) is { Kind: DayKind.Holiday } holiday
                ? $"{day} is a holiday ({holiday.Name}), not a working day"
                : $"{day} is not a working day";
        }

        return rule switch
        {
            WorkingDayRule.FirstWorkingDayOfWeek => $"{day} is not the first working day of its week",
            WorkingDayRule.FirstWorkingDayOfMonth => $"{day} is not the first working day of its month",
            _ => $"{day} is neither the first working day of its week nor of its month",
        };
    }

    /// <summary>The Monday of the Monday–Sunday week holding <paramref name="date"/>.</summary>
    public static DateOnly StartOfWeek(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    private static bool IsFirstWorkingDaySince(WorkingCalendar calendar, DateOnly date, DateOnly first)
    {
        if (!calendar.IsWorkingDay(date))
        {
            return false;
        }

        for (var day = first; day < date; day = day.AddDays(1))
        {
            if (calendar.IsWorkingDay(day))
            {
                return false;
            }
        }

        return true;
    }
}
