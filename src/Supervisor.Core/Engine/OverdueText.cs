using System.Globalization;
using Supervisor.Core.Calendar;

namespace Supervisor.Core.Engine;

/// <summary>
/// How late an open milestone is, said one way on every page, export, e-mail, text and document:
/// "已逾期172个工作日（252天）" — working days from the Chinese calendar first (what 催办 and 督办 count), calendar days
/// in brackets (what a reader checks on a wall calendar). "N天" always means calendar days, "N个工作日" working days.
/// </summary>
public static class OverdueText
{
    /// <summary>A milestone due today (overdue only from tomorrow 00:00).</summary>
    public const string DueToday = "今日到期";

    /// <summary>已逾期W个工作日（C天）.</summary>
    public static string Of(int workingDays, int calendarDays) =>
        string.Create(CultureInfo.InvariantCulture, $"已逾期{workingDays}个工作日（{calendarDays}天）");

    /// <summary>How late a milestone due on <paramref name="due"/> is on <paramref name="today"/>, counted on <paramref name="calendar"/>.</summary>
    public static string Of(DateOnly due, DateOnly today, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return Of(calendar.WorkingDaysBetween(due, today), today.DayNumber - due.DayNumber);
    }

    /// <summary>An open milestone's standing: the overdue text, 今日到期, or "N天后到期" (calendar days).</summary>
    public static string Standing(DateOnly due, DateOnly today, WorkingCalendar calendar) =>
        due < today ? Of(due, today, calendar)
        : due == today ? DueToday
        : string.Create(CultureInfo.InvariantCulture, $"{due.DayNumber - today.DayNumber}天后到期");

    /// <summary>The standing when the caller already has the counts (the scan wrote them on the reminder).</summary>
    public static string Standing(DateOnly due, DateOnly today, int workingDaysOverdue, int calendarDaysOverdue) =>
        due < today ? Of(workingDaysOverdue, calendarDaysOverdue)
        : due == today ? DueToday
        : string.Create(CultureInfo.InvariantCulture, $"{due.DayNumber - today.DayNumber}天后到期");
}
