using Cronos;
using Supervisor.Core.Calendar;

namespace Supervisor.Jobs;

/// <summary>Cron arithmetic for the jobs: which slot a Hangfire fire is for, and when a job will next really do its work.</summary>
public static class JobSchedules
{
    /// <summary>How many cron fire times <see cref="NextEffectiveFire"/> looks at: over a year of a daily cron, enough for any working-day rule.</summary>
    public const int MaxFireTimesScanned = 400;

    // Windows searched backwards for the latest occurrence: short first, so a frequent cron costs a few dozen steps.
    private static readonly TimeSpan[] SlotWindows =
        [TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(32), TimeSpan.FromDays(367), TimeSpan.FromDays(5 * 366)];

    /// <summary>
    /// Parses a cron the way Hangfire does: five fields ("min hour day month weekday"), or six with seconds first.
    /// </summary>
    /// <exception cref="CronFormatException">It does not parse; the message says why.</exception>
    public static CronExpression Parse(string cron)
    {
        ArgumentNullException.ThrowIfNull(cron);
        var fields = cron.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            throw new CronFormatException($"it has {fields} fields; a cron has 5 (min hour day month weekday) or 6 (seconds first)");
        }

        return CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
    }

    /// <summary>
    /// The slot a fire at <paramref name="time"/> is for: the latest occurrence of the cron at or before it, in the office's
    /// zone; null when there is none in the last five years.
    /// </summary>
    /// <remarks>
    /// Hangfire's default (relaxed) misfire handling stamps a recurring job's <c>Time</c> with the scheduler's clock when
    /// it notices the occurrence is due (up to one polling interval late), and after downtime fires once "now" for all
    /// the occurrences it missed. Rounding down to the occurrence names the slot the same on every node and every
    /// re-fetch, which is what the once-per-slot claim in job_runs needs; after downtime it names the latest missed slot,
    /// so the catch-up pass is one pass, for the newest slot (slots missed while a node was up are run by
    /// <see cref="JobPassRunner.CatchUpAsync"/>).
    /// </remarks>
    public static DateTimeOffset? SlotOf(CronExpression cron, TimeZoneInfo zone, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(cron);
        foreach (var window in SlotWindows)
        {
            DateTimeOffset? latest = null;
            foreach (var occurrence in cron.GetOccurrences(time - window, time, zone, fromInclusive: true, toInclusive: true))
            {
                latest = occurrence;
            }

            if (latest is not null)
            {
                return latest;
            }
        }

        return null;
    }

    /// <summary>
    /// The first of the fire times starting at <paramref name="first"/> (each next one from <paramref name="next"/>)
    /// whose local date the rule allows; null when none of the next <see cref="MaxFireTimesScanned"/> is.
    /// </summary>
    public static DateTimeOffset? NextEffectiveFire(
        DateTimeOffset? first, Func<DateTimeOffset, DateTimeOffset?> next, WorkingDayRule rule, WorkingCalendar calendar, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(next);
        var fire = first;
        for (var i = 0; i < MaxFireTimesScanned && fire is { } candidate; i++)
        {
            if (rule.Allows(calendar, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(candidate, zone).DateTime)))
            {
                return candidate;
            }

            fire = next(candidate);
        }

        return null;
    }

    /// <summary>The cron's fire times after a given instant, in the office's zone.</summary>
    public static Func<DateTimeOffset, DateTimeOffset?> CronFireTimes(string cron, TimeZoneInfo zone)
    {
        var expression = Parse(cron);
        return after => expression.GetNextOccurrence(after, zone);
    }
}
