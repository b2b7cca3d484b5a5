using Microsoft.Extensions.Options;
using Quartz;

namespace Supervisor.Jobs;

/// <summary>
/// At <c>serve</c> start-up, before the scheduler starts: makes the Quartz store hold one durable job per
/// registered job and one cron trigger per enabled one, as configured.
/// </summary>
/// <remarks>
/// A stored trigger that already fires as configured is kept as it is: replacing it on every start is what makes
/// Quartz fire a slot twice when nodes start one after another (the same reason
/// <see cref="SchedulingOptions.IgnoreDuplicates"/> is on). Only a trigger whose cron or zone changed is rescheduled,
/// and a disabled job's trigger removed. Two nodes starting together may both do either; the store's locks make
/// each change atomic and job_runs' unique key absorbs a slot fired twice around it.
/// </remarks>
public sealed partial class JobScheduleReconciler(
    [FromKeyedServices(JobsServiceCollectionExtensions.SchedulerName)] ISchedulerFactory schedulers,
    JobCatalog catalog,
    IOptions<JobsOptions> options,
    TimeZoneInfo zone,
    ILogger<JobScheduleReconciler> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var job in catalog.All)
        {
            await ReconcileAsync(scheduler, job.Name, cancellationToken);
        }

        LogNode(logger, scheduler.SchedulerInstanceId, catalog.Names);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ReconcileAsync(IScheduler scheduler, string name, CancellationToken ct)
    {
        var job = JobSchedules.JobDetail(name);
        var storedJob = await scheduler.GetJobDetail(job.Key, ct);
        if (storedJob is null)
        {
            try
            {
                await scheduler.AddJob(job, default, ct);
            }
            catch (ObjectAlreadyExistsException)
            {
                // Another node added it between our check and our add: the same definition.
            }
        }
        else if (storedJob.RequestsRecovery != job.RequestsRecovery || !storedJob.Durable)
        {
            // Stored by an earlier build (no recovery): replaced in place, its trigger stays as it is.
            await scheduler.AddJob(job, AddJobOptions.Replacing, ct);
            LogJobUpdated(logger, name);
        }

        var schedule = options.Value.Schedules[name];
        var key = JobSchedules.TriggerKey(name);
        var stored = await scheduler.GetTrigger(key, ct);
        if (!schedule.Enabled)
        {
            if (stored is not null && await scheduler.UnscheduleJob(key, ct))
            {
                LogUnscheduled(logger, name);
            }

            return;
        }

        var trigger = JobSchedules.Trigger(name, schedule, zone, scheduler.TimeProvider);
        if (stored is null)
        {
            // Keep: a node that started a moment earlier may have stored it already, and its next fire time stands.
            var (nextFire, outcome) = await scheduler.ScheduleTrigger(trigger, TriggerConflict.Keep, ct);
            if (outcome == ScheduleOutcome.Created)
            {
                LogScheduled(logger, name, schedule.Cron, zone.Id, nextFire);
            }
        }
        else if (stored is ICronTrigger cron && JobSchedules.Matches(cron, schedule, zone))
        {
            LogKept(logger, name, schedule.Cron, stored.NextFireTimeUtc);
        }
        else
        {
            var was = stored is ICronTrigger old ? $"{old.CronExpressionString} {old.TimeZone.Id}" : stored.GetType().Name;
            var nextFire = await scheduler.RescheduleJob(key, trigger, ct);
            LogRescheduled(logger, name, was, schedule.Cron, zone.Id, nextFire);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler node {Instance} joins the cluster with jobs: {Jobs}")]
    private static partial void LogNode(ILogger logger, string instance, IReadOnlyList<string> jobs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} scheduled: {Cron} in {Zone}, next fire {NextFire:O}")]
    private static partial void LogScheduled(ILogger logger, string job, string cron, string zone, DateTimeOffset nextFire);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job} keeps its stored trigger {Cron}, next fire {NextFire:O}")]
    private static partial void LogKept(ILogger logger, string job, string cron, DateTimeOffset? nextFire);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} rescheduled: the stored trigger was {Was}, configuration says {Cron} {Zone}; next fire {NextFire:O}")]
    private static partial void LogRescheduled(ILogger logger, string job, string was, string cron, string zone, DateTimeOffset? nextFire);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: the stored job definition was updated (recovery of fires cut off by a dead node)")]
    private static partial void LogJobUpdated(ILogger logger, string job);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} is disabled: its trigger was removed")]
    private static partial void LogUnscheduled(ILogger logger, string job);
}
