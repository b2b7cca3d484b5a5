namespace Supervisor.Core.Calendar;

public enum DayKind
{
    Holiday,
    Workday,
}

/// <summary>An official exception to the Monday–Friday rule: a holiday, or a make-up working day (调休).</summary>
public sealed record CalendarDay(DateOnly Date, DayKind Kind, string? Name);

/// <summary>Chinese working days: Monday–Friday, minus official holidays, plus official make-up days.</summary>
/// <remarks>
/// The engine calls these in loops over every milestone, so everything is answered from a precomputed table:
/// over the whole years that have official entries, <c>_workingBefore[i]</c> counts the working days before the
/// i-th day of the table. Outside those years the plain Monday–Friday rule holds and is counted arithmetically.
/// </remarks>
public sealed class WorkingCalendar
{
    private readonly Dictionary<DateOnly, CalendarDay> _entries;
    private readonly int[] _years;

    // Day numbers of the first table day and of the day after the last; equal when there are no entries.
    private readonly int _tableStart;
    private readonly int _tableEnd;

    // Length (_tableEnd - _tableStart) + 1; _workingBefore[0] == 0.
    private readonly int[] _workingBefore;

    // Count(x) = WeekdaysBefore(x) + a correction that is constant on either side of the table.
    private readonly int _correctionAfterTable;

    public WorkingCalendar(IEnumerable<CalendarDay> days)
    {
        ArgumentNullException.ThrowIfNull(days);

        _entries = [];
        foreach (var day in days)
        {
            ArgumentNullException.ThrowIfNull(day, nameof(days));
            if (_entries.TryGetValue(day.Date, out var existing))
            {
                if (existing.Kind != day.Kind)
                {
                    throw new ArgumentException($"{day.Date:yyyy-MM-dd} is listed both as {existing.Kind} and as {day.Kind}.", nameof(days));
                }

                continue;
            }

            _entries.Add(day.Date, day);
        }

        _years = [.. _entries.Keys.Select(d => d.Year).Distinct().Order()];
        if (_years.Length == 0)
        {
            _workingBefore = [0];
            return;
        }

        _tableStart = new DateOnly(_years[0], 1, 1).DayNumber;
        _tableEnd = new DateOnly(_years[^1], 12, 31).DayNumber + 1;
        _workingBefore = new int[_tableEnd - _tableStart + 1];
        for (var i = 0; i < _tableEnd - _tableStart; i++)
        {
            var dayNumber = _tableStart + i;
            var working = _entries.TryGetValue(DateOnly.FromDayNumber(dayNumber), out var entry)
                ? entry.Kind == DayKind.Workday
                : IsWeekday(dayNumber);
            _workingBefore[i + 1] = _workingBefore[i] + (working ? 1 : 0);
        }

        _correctionAfterTable = _workingBefore[^1] - (WeekdaysBefore(_tableEnd) - WeekdaysBefore(_tableStart));
    }

    /// <summary>Years that have at least one official entry; outside them only the Monday–Friday rule applies.</summary>
    public IReadOnlyCollection<int> YearsCovered => _years;

    /// <summary>The official entry for <paramref name="date"/> (holiday name, make-up day), or null for an ordinary day.</summary>
    public CalendarDay? Find(DateOnly date) => _entries.GetValueOrDefault(date);

    public bool IsWorkingDay(DateOnly date)
    {
        var dayNumber = date.DayNumber;
        if (dayNumber >= _tableStart && dayNumber < _tableEnd)
        {
            var i = dayNumber - _tableStart;
            return _workingBefore[i + 1] != _workingBefore[i];
        }

        return IsWeekday(dayNumber);
    }

    /// <summary>The date <paramref name="workingDays"/> working days after (negative: before) <paramref name="from"/>; 0 returns <paramref name="from"/>.</summary>
    /// <remarks>The result is always a working day unless <paramref name="workingDays"/> is 0.</remarks>
    public DateOnly AddWorkingDays(DateOnly from, int workingDays)
    {
        if (workingDays == 0)
        {
            return from;
        }

        // Both directions reduce to "the first day x with Count(x + 1) reaching a target": the answer is a working
        // day, and Count steps by one exactly after each working day.
        long target = workingDays > 0
            ? Count(from.DayNumber + 1) + (long)workingDays
            : Count(from.DayNumber) + (long)workingDays + 1;
        if (target <= Count(0) || target > Count(DateOnly.MaxValue.DayNumber + 1))
        {
            throw new ArgumentOutOfRangeException(nameof(workingDays), workingDays, $"{workingDays} working days from {from:yyyy-MM-dd} is outside the supported date range.");
        }

        // Smallest x with Count(x) >= target; x - 1 is the answer.
        int low;
        int high;
        if (workingDays > 0)
        {
            low = from.DayNumber + 1;
            high = Grow(low, 1);
        }
        else
        {
            high = from.DayNumber;
            low = Grow(high, -1);
        }

        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            if (Count(mid) >= target)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return DateOnly.FromDayNumber(low - 1);

        // Widens the search from a bound in the given direction until it brackets the target. Working days are
        // at least 5 in 7 outside the table, so a span of twice the count plus slack is almost always enough.
        int Grow(int bound, int direction)
        {
            long span = (2L * Math.Abs((long)workingDays)) + 16;
            while (true)
            {
                var candidate = (int)Math.Clamp(bound + (direction * span), 0, DateOnly.MaxValue.DayNumber + 1);
                var brackets = direction > 0 ? Count(candidate) >= target : Count(candidate) < target;
                if (brackets || candidate == 0 || candidate == DateOnly.MaxValue.DayNumber + 1)
                {
                    return candidate;
                }

                span *= 2;
            }
        }
    }

    /// <summary>Working days in (from, to]; negative when <paramref name="to"/> is before <paramref name="from"/>.</summary>
    /// <remarks>When <paramref name="to"/> is before <paramref name="from"/> this is minus the working days in (to, from].</remarks>
    public int WorkingDaysBetween(DateOnly from, DateOnly to) => Count(to.DayNumber + 1) - Count(from.DayNumber + 1);

    /// <summary><paramref name="date"/> itself when it is a working day, else the last working day before it.</summary>
    public DateOnly PreviousWorkingDayOnOrBefore(DateOnly date) => IsWorkingDay(date) ? date : AddWorkingDays(date, -1);

    /// <summary><paramref name="date"/> itself when it is a working day, else the first working day after it.</summary>
    public DateOnly NextWorkingDayOnOrAfter(DateOnly date) => IsWorkingDay(date) ? date : AddWorkingDays(date, 1);

    /// <summary>Working days on day numbers 0 ≤ n &lt; <paramref name="dayNumber"/>; nondecreasing, steps by one after each working day.</summary>
    private int Count(int dayNumber)
    {
        if (dayNumber <= _tableStart)
        {
            return WeekdaysBefore(dayNumber);
        }

        if (dayNumber <= _tableEnd)
        {
            return WeekdaysBefore(_tableStart) + _workingBefore[dayNumber - _tableStart];
        }

        return WeekdaysBefore(dayNumber) + _correctionAfterTable;
    }

    // Day number 0 (0001-01-01) is a Monday, so day n is a weekday when n % 7 < 5.
    private static bool IsWeekday(int dayNumber) => dayNumber % 7 < 5;

    private static int WeekdaysBefore(int dayNumber) => (dayNumber / 7 * 5) + Math.Min(dayNumber % 7, 5);
}
