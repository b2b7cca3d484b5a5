using Hangfire;
using Hangfire.Common;
using Hangfire.Storage;
using Microsoft.Extensions.Options;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Jobs;

/// <summary>
/// At <c>serve</c> start-up, before the Hangfire server starts: checks that the database is migrated (the server never
/// creates its tables), then makes Hangfire hold one recurring job per enabled job, as configured, and none for a
/// disabled one or one this build no longer has.
/// </summary>
/// <remarks>
/// Updating a recurring job whose cron and zone are unchanged keeps its next execution, so a node that starts after
/// downtime still finds the missed slot due and fires it once (the catch-up pass). Two nodes starting together both
/// update; Hangfire's per-job lock makes each update atomic and the claim in job_runs absorbs anything fired twice.
/// </remarks>
public sealed partial class RecurringJobSync(
    Migrator migrator,
    IRecurringJobManager recurringJobs,
    JobStorage storage,
    JobCatalog catalog,
    IOptions<JobsOptions> options,
    TimeZoneInfo zone,
    ILogger<RecurringJobSync> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await migrator.MissingAsync(cancellationToken) is { } missing)
        {
            throw new MigrationException($"the database is not migrated for this build ({missing}): run 'supervisor migrate' first");
        }

        foreach (var job in catalog.All)
        {
            var schedule = options.Value.Schedules[job.Name];
            if (schedule.Enabled)
            {
                var name = job.Name;
                recurringJobs.AddOrUpdate(
                    name,
                    Job.FromExpression<HangfireJobs>(j => j.RunScheduledAsync(name, null, CancellationToken.None)),
                    schedule.Cron,
                    new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Relaxed });
                LogScheduled(logger, name, schedule.Cron, zone.Id);
            }
            else
            {
                recurringJobs.RemoveIfExists(job.Name);
                LogDisabled(logger, job.Name);
            }
        }

        using var connection = storage.GetConnection();
        foreach (var stale in connection.GetRecurringJobs().Where(r => catalog.Find(r.Id) is null))
        {
            recurringJobs.RemoveIfExists(stale.Id);
            LogRemoved(logger, stale.Id);
        }

        LogNode(logger, JobPassRunner.NodeInstanceId, catalog.Names);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Hangfire server node {Instance} serves jobs: {Jobs}")]
    private static partial void LogNode(ILogger logger, string instance, IReadOnlyList<string> jobs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} scheduled: {Cron} in {Zone}")]
    private static partial void LogScheduled(ILogger logger, string job, string cron, string zone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} is disabled: its recurring job is removed")]
    private static partial void LogDisabled(ILogger logger, string job);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recurring job {Job} is not in this build: removed")]
    private static partial void LogRemoved(ILogger logger, string job);
}
