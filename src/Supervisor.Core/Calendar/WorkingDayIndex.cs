namespace Supervisor.Core.Calendar;

/// <summary>
/// For each day of a range, the number of working days up to and including it. Working days in (a, b] are
/// Index(b) − Index(a): this is how set-based SQL does working-day arithmetic without a function per row.
/// </summary>
public sealed record WorkingDayIndex(DateOnly[] Days, int[] Index)
{
    public static WorkingDayIndex Build(WorkingCalendar calendar, DateOnly from, DateOnly to)
    {
        if (to < from)
        {
            (from, to) = (to, from);
        }

        var length = to.DayNumber - from.DayNumber + 1;
        var days = new DateOnly[length];
        var index = new int[length];
        var count = 0;
        for (var i = 0; i < length; i++)
        {
            days[i] = from.AddDays(i);
            if (calendar.IsWorkingDay(days[i]))
            {
                count++;
            }

            index[i] = count;
        }

        return new WorkingDayIndex(days, index);
    }

    public int this[DateOnly day] => Index[day.DayNumber - Days[0].DayNumber];
}
