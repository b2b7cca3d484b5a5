using System.Globalization;
using System.Text;
using Supervisor.Core.Calendar;

namespace Supervisor.Cli;

/// <summary>A month as text: a grid Monday..Sunday with non-working days bracketed, then the official exceptions.</summary>
public static class CalendarMonth
{
    public static string Render(WorkingCalendar calendar, DateOnly first)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{first:yyyy-MM}    working days: {Enumerable.Range(0, DateTime.DaysInMonth(first.Year, first.Month)).Count(d => calendar.IsWorkingDay(first.AddDays(d)))}");
        text.AppendLine("  Mon  Tue  Wed  Thu  Fri  Sat  Sun");
        var offset = ((int)first.DayOfWeek + 6) % 7;
        text.Append(new string(' ', offset * 5));
        for (var day = first; day.Month == first.Month; day = day.AddDays(1))
        {
            text.Append(calendar.IsWorkingDay(day) ? $"  {day.Day,2} " : $" [{day.Day,2}]");
            if (day.DayOfWeek == DayOfWeek.Sunday)
            {
                text.AppendLine();
            }
        }

        text.AppendLine();
        text.AppendLine("[ ] = not a working day");
        for (var day = first; day.Month == first.Month; day = day.AddDays(1))
        {
            if (calendar.Find(day) is { } official)
            {
                var what = official.Kind == DayKind.Workday ? "make-up working day (调休上班)" : "holiday";
                text.AppendLine(CultureInfo.InvariantCulture, $"  {day:yyyy-MM-dd} {day.DayOfWeek,-9} {what} {official.Name}");
            }
        }

        return text.ToString();
    }
}
