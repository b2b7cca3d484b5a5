using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Quartz;
using Quartz.Extensibility;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Jobs;

/// <summary>
/// Records every pass in job_runs and makes a double fire do no double work. Registered with Quartz both as a
/// trigger listener (to claim the slot before the pass) and as a job listener (to record how it ended), so no job
/// records itself.
/// </summary>
/// <remarks>
/// The claim is an insert of a 'running' row keyed by (job, scheduled fire time) that does nothing on conflict.
/// When the slot already has a row — another node fired the same slot (Quartz 4's start-up double fire), or Quartz
/// fires it again after a recovery — the insert returns nothing and <see cref="VetoJobExecution"/> vetoes, so the
/// pass never starts a second time. Cluster recovery re-fires a slot whose node died after Quartz marked it fired
/// (the jobs request recovery): that fire runs only when the dead node had not recorded the slot yet.
/// PostgreSQL's unique index decides between two nodes racing for one slot.
/// </remarks>
public sealed partial class JobRunRecorder(JobRunStore store, ILogger<JobRunRecorder> logger) : ITriggerListener, IJobListener
{
    private const int MaxErrorLength = 2000;

    private static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web);

    // Run ids by Quartz fire instance, from the claim to the finish of the same fire.
    private readonly ConcurrentDictionary<string, long> _runs = new(StringComparer.Ordinal);

    public string Name => "supervisor-job-runs";

    public async ValueTask<bool> VetoJobExecution(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.JobDetail.Key.Group != JobSchedules.Group)
        {
            return false;
        }

        var runId = await TryBeginAsync(JobFire.Read(context), InstanceId(context.Scheduler), context.FireTimeUtc, cancellationToken);
        if (runId is null)
        {
            return true;
        }

        _runs[context.FireInstanceId] = runId.Value;
        return false;
    }

    /// <summary>
    /// The veto path without Quartz: claims the fire's slot and returns the new run's id, or null when the pass must
    /// not run — the slot is taken, or the claim could not be written.
    /// </summary>
    public async Task<long?> TryBeginAsync(JobFire fire, string instanceId, DateTimeOffset startedAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fire);
        long? runId;
        try
        {
            var start = new JobRunStart(fire.JobName, instanceId, fire.KindText, fire.ScheduledAt, startedAt);
            runId = fire.Recovered ? await store.TryStartRecoveredAsync(start, ct) : await store.TryStartAsync(start, ct);
        }
        catch (Exception ex)
        {
            // Nothing may escape a listener: Quartz treats that as a broken fire. Without a claim nothing stops a second
            // node from doing the same slot, so the slot is given up instead; the next fire comes soon, and every pass
            // catches up on what earlier ones missed. (A cancelled claim means the scheduler is shutting down anyway.)
            LogClaimFailed(logger, ex, fire.JobName, fire.ScheduledAt);
            return null;
        }

        if (fire.Recovered)
        {
            // Not a double fire: the node that fired this slot died. If it had recorded the slot, its pass (finished or
            // cut off) stands and the next fire catches up; if it died before recording it, the slot runs now, late.
            if (runId is null)
            {
                LogRecoveryVetoed(logger, fire.JobName, fire.ScheduledAt, instanceId);
            }
            else
            {
                LogRecoveryRuns(logger, fire.JobName, fire.ScheduledAt, instanceId);
            }
        }
        else if (runId is null)
        {
            LogDuplicateVetoed(logger, fire.JobName, fire.ScheduledAt, instanceId);
        }

        return runId;
    }

    public async ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_runs.TryRemove(context.FireInstanceId, out var runId))
        {
            return;
        }

        var result = context.Result as JobPassResult;
        var (outcome, error) = jobException is not null
            ? ("failed", ErrorText(jobException))
            : (result?.Skipped == true ? "skipped" : "succeeded", null);
        await FinishAsync(context, runId, outcome, error, result);
    }

    public async ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Only reached with a claimed row when a listener after this one vetoed the fire.
        if (_runs.TryRemove(context.FireInstanceId, out var runId))
        {
            await FinishAsync(context, runId, "skipped", "vetoed by another trigger listener", null);
        }
    }

    public ValueTask TriggerMisfired(ITrigger trigger, IScheduler scheduler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        LogMisfired(logger, trigger.JobKey.Name, trigger.NextFireTimeUtc);
        return default;
    }

    public ValueTask TriggerFired(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken) => default;

    public ValueTask TriggerSkipped(ITrigger trigger, IScheduler scheduler, CancellationToken cancellationToken) => default;

    public ValueTask TriggerComplete(ITrigger trigger, IJobExecutionContext context, SchedulerInstruction triggerInstructionCode, CancellationToken cancellationToken) => default;

    public ValueTask TriggerRetriesExhausted(ITrigger trigger, IJobExecutionContext context, JobExecutionException exception, CancellationToken cancellationToken) => default;

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken) => default;

    public ValueTask JobProgressChanged(IJobExecutionContext context, FireInstanceProgress progress, CancellationToken cancellationToken) => default;

    /// <summary>The cluster node's Quartz instance id; the in-memory scheduler of <c>job run</c> has none, so host and process stand in.</summary>
    public static string InstanceId(IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        return scheduler.SchedulerInstanceId == QuartzSchedulerOptions.DefaultInstanceId
            ? string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-cli-{Environment.ProcessId}")
            : scheduler.SchedulerInstanceId;
    }

    /// <summary>The failure as stored: the job's own exception message, one line, bounded; never a stack trace or connection string.</summary>
    public static string ErrorText(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var cause = exception;
        while (cause is SchedulerException { InnerException: { } inner })
        {
            cause = inner;
        }

        var text = cause.Message.ReplaceLineEndings(" ").Trim();
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }

    private async Task FinishAsync(IJobExecutionContext context, long runId, string outcome, string? error, JobPassResult? result)
    {
        var summary = result is null ? null : JsonSerializer.Serialize(result.Summary, SummaryJson);
        try
        {
            // Not the fire's token: a pass that ended while the scheduler shuts down must still be recorded.
            await store.FinishAsync(runId, context.Scheduler.TimeProvider.GetUtcNow(), outcome, error, summary, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // As above: a listener must not throw into Quartz; the row stays 'running' and the log says why.
            LogFinishFailed(logger, ex, context.JobDetail.Key.Name, runId, outcome);
        }

        if (outcome == "failed")
        {
            LogPassFailed(logger, context.JobDetail.Key.Name, runId, error);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: slot {ScheduledAt:O} already has a run; this fire on {Instance} is vetoed")]
    private static partial void LogDuplicateVetoed(ILogger logger, string job, DateTimeOffset scheduledAt, string instance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: slot {ScheduledAt:O} was fired by a node that died after recording it; its recovery on {Instance} is vetoed")]
    private static partial void LogRecoveryVetoed(ILogger logger, string job, DateTimeOffset scheduledAt, string instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: slot {ScheduledAt:O} was fired by a node that died before recording it; it runs now on {Instance}")]
    private static partial void LogRecoveryRuns(ILogger logger, string job, DateTimeOffset scheduledAt, string instance);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: could not record the start of slot {ScheduledAt:O}; this fire is skipped")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception, string job, DateTimeOffset scheduledAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: could not record the end of run {RunId} ({Outcome}); the row stays 'running'")]
    private static partial void LogFinishFailed(ILogger logger, Exception exception, string job, long runId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: run {RunId} failed: {Error}")]
    private static partial void LogPassFailed(ILogger logger, string job, long runId, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job} misfired (the scheduler was down or busy); it runs once now, next fire {NextFire:O}")]
    private static partial void LogMisfired(ILogger logger, string job, DateTimeOffset? nextFire);
}
