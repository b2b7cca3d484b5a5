using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Options;
using Supervisor.Core.Calendar;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Jobs;

/// <summary>One job as <c>job list</c>, the console and the API show it.</summary>
/// <param name="State">Normal, Paused (ours), Disabled, NotScheduled (no serve has started with it yet) or Error (Hangfire's message).</param>
/// <param name="StoredCron">The recurring job's cron in Hangfire when it differs from configuration (serve updates it at start-up).</param>
public sealed record JobListRow(
    string Name,
    string DisplayName,
    string Cron,
    WorkingDayRule Rule,
    string TimeZone,
    bool Enabled,
    DateTimeOffset? NextEffectiveFire,
    DateTimeOffset? PreviousFire,
    string State,
    string? StoredCron,
    JobPause? Pause,
    JobRun? LastRun);

/// <summary>Reads the registered jobs' configuration, their recurring jobs in Hangfire, their pauses and their last runs.</summary>
public sealed class JobListing(
    JobStorage storage,
    JobCatalog catalog,
    IOptions<JobsOptions> options,
    CalendarStore calendars,
    JobRunStore runs,
    JobPauseStore pauses,
    TimeZoneInfo zone,
    TimeProvider time)
{
    public async Task<IReadOnlyList<JobListRow>> ListAsync(CancellationToken ct)
    {
        var calendar = await calendars.LoadAsync(ct);
        var lastRuns = await runs.LatestPerJobAsync(ct);
        var paused = await pauses.AllAsync(ct);
        List<RecurringJobDto> stored;
        using (var connection = storage.GetConnection())
        {
            stored = connection.GetRecurringJobs();
        }

        var now = time.GetUtcNow();
        var rows = new List<JobListRow>();
        foreach (var job in catalog.All)
        {
            var schedule = options.Value.Schedules[job.Name];
            var recurring = stored.FirstOrDefault(r => string.Equals(r.Id, job.Name, StringComparison.Ordinal));
            var pause = paused.GetValueOrDefault(job.Name);
            string state;
            string? storedCron = null;
            DateTimeOffset? next = null;
            if (!schedule.Enabled)
            {
                state = recurring is null ? "Disabled" : "Disabled (serve removes its recurring job)";
            }
            else if (recurring is null)
            {
                state = "NotScheduled";
                next = FromConfiguration(schedule, calendar, now);
            }
            else
            {
                state = pause is not null ? "Paused" : recurring.Error is { Length: > 0 } error ? "Error: " + error : "Normal";
                if (!string.Equals(recurring.Cron, schedule.Cron, StringComparison.Ordinal) || !string.Equals(recurring.TimeZoneId, zone.Id, StringComparison.Ordinal))
                {
                    // Configuration changed since serve last started: it updates the recurring job, so configuration says what comes next.
                    storedCron = $"{recurring.Cron} {recurring.TimeZoneId}";
                    next = FromConfiguration(schedule, calendar, now);
                }
                else
                {
                    // A stored next execution in the past means no node has run since; the first one to start fires it once.
                    var first = recurring.NextExecution is { } n && new DateTimeOffset(DateTime.SpecifyKind(n, DateTimeKind.Utc)) >= now
                        ? new DateTimeOffset(DateTime.SpecifyKind(n, DateTimeKind.Utc))
                        : now;
                    var fireTimes = JobSchedules.CronFireTimes(schedule.Cron, zone);
                    next = JobSchedules.NextEffectiveFire(first == now ? fireTimes(now) : first, fireTimes, schedule.Rule, calendar, zone);
                }
            }

            if (pause is not null && state == "NotScheduled")
            {
                state = "Paused";
            }

            var previous = recurring?.LastExecution is { } last ? new DateTimeOffset(DateTime.SpecifyKind(last, DateTimeKind.Utc)) : (DateTimeOffset?)null;
            rows.Add(new JobListRow(
                job.Name, job.DisplayName, schedule.Cron, schedule.Rule, zone.Id, schedule.Enabled, next, previous, state, storedCron, pause,
                lastRuns.GetValueOrDefault(job.Name)));
        }

        return rows;
    }

    private DateTimeOffset? FromConfiguration(JobSchedule schedule, WorkingCalendar calendar, DateTimeOffset now)
    {
        var fireTimes = JobSchedules.CronFireTimes(schedule.Cron, zone);
        return JobSchedules.NextEffectiveFire(fireTimes(now), fireTimes, schedule.Rule, calendar, zone);
    }
}
