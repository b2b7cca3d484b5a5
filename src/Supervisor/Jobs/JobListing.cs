using Microsoft.Extensions.Options;
using Quartz;
using Supervisor.Core.Calendar;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Jobs;

/// <summary>One job as <c>job list</c> shows it.</summary>
/// <param name="State">The stored trigger's Quartz state (Normal, Paused, Blocked, Error…), or why there is none.</param>
/// <param name="StoredCron">The stored trigger's cron when it differs from configuration (serve reschedules it at start-up).</param>
public sealed record JobListRow(
    string Name,
    string Cron,
    WorkingDayRule Rule,
    string TimeZone,
    bool Enabled,
    DateTimeOffset? NextEffectiveFire,
    DateTimeOffset? PreviousFire,
    string State,
    string? StoredCron,
    JobRun? LastRun);

/// <summary>Reads the registered jobs' configuration, their triggers in the Quartz store and their last runs.</summary>
public sealed class JobListing(
    [FromKeyedServices(JobsServiceCollectionExtensions.SchedulerName)] ISchedulerFactory schedulers,
    JobCatalog catalog,
    IOptions<JobsOptions> options,
    CalendarStore calendars,
    JobRunStore runs,
    TimeZoneInfo zone,
    TimeProvider time)
{
    /// <summary>For <c>job list</c>: reads the store through a scheduler that is never started, then releases it.</summary>
    public async Task<IReadOnlyList<JobListRow>> ListAsync(CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        try
        {
            return await ListAsync(scheduler, ct);
        }
        finally
        {
            // Never started, so this node never joined the cluster; shutting down only releases the store.
            await scheduler.Shutdown(waitForJobsToComplete: false, CancellationToken.None);
        }
    }

    /// <summary>Through a scheduler the caller owns (the console's running one): never shuts it down.</summary>
    public async Task<IReadOnlyList<JobListRow>> ListAsync(IScheduler scheduler, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        var calendar = await calendars.LoadAsync(ct);
        var lastRuns = await runs.LatestPerJobAsync(ct);
        var now = time.GetUtcNow();
        var rows = new List<JobListRow>();
        {
            foreach (var job in catalog.All)
            {
                var schedule = options.Value.Schedules[job.Name];
                var key = JobSchedules.TriggerKey(job.Name);
                var stored = await scheduler.GetTrigger(key, ct);
                string state;
                string? storedCron = null;
                DateTimeOffset? next = null;
                if (stored is null)
                {
                    state = schedule.Enabled ? "not stored yet (serve schedules it)" : "disabled";
                    if (schedule.Enabled)
                    {
                        next = NextFromConfiguration(schedule, calendar, now);
                    }
                }
                else
                {
                    state = (await scheduler.GetTriggerState(key, ct)).ToString();
                    if (!schedule.Enabled)
                    {
                        state += ", disabled (serve removes it)";
                    }
                    else if (stored is ICronTrigger cron && !JobSchedules.Matches(cron, schedule, zone))
                    {
                        // Configuration changed since the trigger was stored: the next serve start reschedules it, so
                        // the configured cron is the one to read the next fire from.
                        storedCron = $"{cron.CronExpressionString} {cron.TimeZone.Id}";
                        next = NextFromConfiguration(schedule, calendar, now);
                    }
                    else
                    {
                        // A stored next fire in the past means no node has run since; the scheduler fires it once on start.
                        var first = stored.NextFireTimeUtc is { } n && n >= now ? n : stored.GetFireTimeAfter(now);
                        next = JobSchedules.NextEffectiveFire(first, t => stored.GetFireTimeAfter(t), schedule.Rule, calendar, zone);
                    }
                }

                rows.Add(new JobListRow(
                    job.Name, schedule.Cron, schedule.Rule, zone.Id, schedule.Enabled, next, stored?.PreviousFireTimeUtc, state, storedCron,
                    lastRuns.GetValueOrDefault(job.Name)));
            }
        }

        return rows;
    }

    private DateTimeOffset? NextFromConfiguration(JobSchedule schedule, WorkingCalendar calendar, DateTimeOffset now)
    {
        var fireTimes = JobSchedules.CronFireTimes(schedule.Cron, zone);
        return JobSchedules.NextEffectiveFire(fireTimes(now), fireTimes, schedule.Rule, calendar, zone);
    }
}
