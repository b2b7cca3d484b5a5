using Supervisor.Core.Calendar;

namespace Supervisor.Core.Delivery;

/// <summary>
/// When an SMS may go out: working days, outside the quiet window (default 21:00–08:00, local time). A window whose
/// start is after its end wraps midnight; start = end means no quiet hours. Pure, so the dispatcher can hold a
/// message until <see cref="NextAllowed"/>.
/// </summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    public bool IsQuiet(TimeOnly time) =>
        Start != End && (Start < End ? time >= Start && time < End : time >= Start || time < End);

    /// <summary><paramref name="now"/> itself when sending is allowed, else the first allowed instant after it.</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset now, TimeZoneInfo zone, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        for (var day = today; day < today.AddDays(400); day = day.AddDays(1))
        {
            if (!calendar.IsWorkingDay(day))
            {
                continue;
            }

            foreach (var (from, to) in AllowedIntervals())
            {
                var start = day == today && time > from ? time : from;
                if (to is null || start < to)
                {
                    if (day == today && start == time)
                    {
                        return now;
                    }

                    var opening = day.ToDateTime(start);
                    return new DateTimeOffset(opening, zone.GetUtcOffset(opening));
                }
            }
        }

        throw new InvalidOperationException("no working day in the next 400 days: the calendar is wrong");
    }

    // Allowed [from, to) spans within one day, in order; to = null is the end of the day.
    private IEnumerable<(TimeOnly From, TimeOnly? To)> AllowedIntervals()
    {
        if (Start == End)
        {
            yield return (TimeOnly.MinValue, null);
        }
        else if (Start > End)
        {
            yield return (End, Start);
        }
        else
        {
            yield return (TimeOnly.MinValue, Start);
            yield return (End, null);
        }
    }
}
