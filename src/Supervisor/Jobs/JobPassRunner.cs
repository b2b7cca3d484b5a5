using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Cronos;
using Microsoft.Extensions.Options;
using Supervisor.Core;
using Supervisor.Core.Calendar;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Jobs;

/// <summary>Which pass to run: the job, why, the slot (or "as of" instant), and the Hangfire job carrying it, if any.</summary>
public sealed record JobFire(string JobName, TriggerKind Kind, DateTimeOffset ScheduledAt, string? BackgroundJobId = null)
{
    public string KindText => Kind switch
    {
        TriggerKind.Manual => "manual",
        TriggerKind.Immediate => "immediate",
        _ => "schedule",
    };
}

/// <summary>How one pass ended.</summary>
/// <param name="Outcome">succeeded, skipped, paused or failed as recorded; "duplicate" when the claim was taken and nothing ran or was recorded.</param>
public sealed record JobPassOutcome(string JobName, DateTimeOffset ScheduledAt, string Outcome, string? Error, JobPassResult? Result, TimeSpan Elapsed);

/// <summary>
/// Runs one pass of a job the same way whoever asked for it — a Hangfire recurring slot, the dashboard's or console's
/// "trigger now", the immediate dispatch after a compose, or <c>supervisor job run</c>: claim it in job_runs, then
/// check pause and the working-day rule, resolve the job in a scope of its own and run it, and record how it ended.
/// </summary>
/// <remarks>
/// The claim is an insert that does nothing on conflict: one row per (job, slot) for scheduled passes, one per Hangfire
/// job for enqueued ones. A second claim — another node's job for the same slot, or Hangfire fetching a job again after
/// its server died mid-pass (delivery is at-least-once) — returns nothing and the pass does not run again; the next
/// slot catches up on what a cut-off pass left. PostgreSQL's unique indexes decide between two nodes racing for a slot.
/// </remarks>
public sealed partial class JobPassRunner(
    IServiceScopeFactory scopes,
    JobCatalog catalog,
    IOptions<JobsOptions> options,
    CalendarStore calendars,
    JobRunStore runs,
    JobPauseStore pauses,
    TimeProvider time,
    TimeZoneInfo zone,
    ILogger<JobPassRunner> logger)
{
    private const int MaxErrorLength = 2000;

    private static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web);

    /// <summary>This process as job_runs names it when no Hangfire server runs the pass (<c>job run</c>).</summary>
    public static string CliInstanceId => string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-cli-{Environment.ProcessId}");

    /// <summary>This process as job_runs names it when a Hangfire server runs the pass.</summary>
    public static string NodeInstanceId => string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}");

    /// <summary>The "as of" instant of a run that is not for a cron slot: the injected clock's now (fixed under <c>--as-of</c>).</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <exception cref="BadInputException">No job of that name is registered; the message lists the known ones.</exception>
    public JobRegistration Require(string name) =>
        catalog.Find(name) ?? throw new BadInputException($"unknown job '{name}'; known jobs: {string.Join(", ", catalog.Names)}");

    public async Task<JobPassOutcome> RunAsync(JobFire fire, string instanceId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fire);
        var registration = Require(fire.JobName);
        var stopwatch = Stopwatch.StartNew();

        // The record's wall clock is real even under --as-of: job_runs says when a pass really ran.
        var wall = TimeProvider.System;
        var runId = await runs.TryStartAsync(
            new JobRunStart(registration.Name, instanceId, fire.KindText, fire.ScheduledAt, wall.GetUtcNow(), fire.BackgroundJobId), ct);
        if (runId is null)
        {
            LogDuplicate(logger, registration.Name, fire.ScheduledAt, fire.BackgroundJobId, instanceId);
            return new JobPassOutcome(registration.Name, fire.ScheduledAt, "duplicate", "this slot or job already has a run in job_runs", null, stopwatch.Elapsed);
        }

        string outcome;
        string? error = null;
        JobPassResult? result = null;
        try
        {
            (outcome, result) = await DecideAndRunAsync(registration, fire, ct);
        }
        catch (Exception ex)
        {
            // Recorded, not rethrown: the caller decides what a failure means (the CLI's exit code, Hangfire's failed state).
            outcome = "failed";
            error = ErrorText(ex);
            LogPassFailed(logger, ex, registration.Name, runId.Value, error);
        }

        try
        {
            // Not the pass's token: a pass that ended while the node shuts down must still be recorded.
            var summary = result is null ? null : JsonSerializer.Serialize(result.Summary, SummaryJson);
            await runs.FinishAsync(runId.Value, wall.GetUtcNow(), outcome, error, summary, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The pass is done; only its record is missing. The row stays 'running' and the log says why.
            LogFinishFailed(logger, ex, registration.Name, runId.Value, outcome);
        }

        return new JobPassOutcome(registration.Name, fire.ScheduledAt, outcome, error, result, stopwatch.Elapsed);
    }

    /// <summary>The most slots <see cref="CatchUpAsync"/> runs one by one; a longer gap is downtime.</summary>
    public const int MaxCatchUpSlots = 60;

    /// <summary>
    /// How far back a scheduled pass looks for the latest recorded slot of its job. A live cluster fails to fire slots
    /// only while a node that died holding the scheduler's lock blocks the others (the lock timeout and a scheduler
    /// poll); the slot recorded before that can be up to one such block older, and a job the dead node had fetched
    /// comes back after the invisibility timeout. A gap longer than this means every node was down.
    /// </summary>
    public static TimeSpan CatchUpWindow(JobsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ((options.DistributedLockTimeout + options.SchedulePollingInterval) * 2) + options.InvisibilityTimeout;
    }

    /// <summary>
    /// Runs, one by one and in order, the slots of a job between its latest recorded slot and <paramref name="slot"/>
    /// that no node ran, when that latest slot is within <see cref="CatchUpWindow"/>: a node died holding the
    /// scheduler's lock, or the database blinked, while another node was up; those slots are run late rather than lost.
    /// After a longer gap (every node was down) nothing is run here: the pass for <paramref name="slot"/> is the one
    /// catch-up pass. Each slot is claimed like any other, so a slot another node runs meanwhile is not run twice.
    /// </summary>
    /// <returns>How many missed slots were run here (claimed by this call).</returns>
    public async Task<int> CatchUpAsync(string jobName, CronExpression cron, DateTimeOffset slot, string instanceId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cron);
        var window = CatchUpWindow(options.Value);
        if (await runs.LatestScheduledSlotAsync(jobName, slot - window, slot, ct) is not { } latest)
        {
            return 0;
        }

        var missed = cron.GetOccurrences(latest, slot, zone, fromInclusive: false, toInclusive: false).Take(MaxCatchUpSlots + 1).ToList();
        if (missed.Count == 0)
        {
            return 0;
        }

        if (missed.Count > MaxCatchUpSlots)
        {
            LogTooManyMissed(logger, jobName, latest, slot, MaxCatchUpSlots);
            return 0;
        }

        LogCatchingUp(logger, jobName, missed.Count, latest, slot);
        var ran = 0;
        foreach (var occurrence in missed)
        {
            var outcome = await RunAsync(new JobFire(jobName, TriggerKind.Schedule, occurrence), instanceId, ct);
            ran += outcome.Outcome == "duplicate" ? 0 : 1;
        }

        return ran;
    }

    private async Task<(string Outcome, JobPassResult Result)> DecideAndRunAsync(JobRegistration registration, JobFire fire, CancellationToken ct)
    {
        // A pause holds the schedule and the product's own immediate passes; a run by hand is an explicit request.
        if (fire.Kind != TriggerKind.Manual && await pauses.FindAsync(registration.Name, ct) is { } pause)
        {
            return ("paused", JobPassResult.Skip("paused", ("pausedBy", pause.PausedBy), ("pausedAt", pause.PausedAt)));
        }

        // The rule filters what the schedule fires, on the slot's local date.
        if (fire.Kind == TriggerKind.Schedule
            && options.Value.Schedules.TryGetValue(registration.Name, out var schedule)
            && schedule.Rule != WorkingDayRule.Always)
        {
            var calendar = await calendars.LoadAsync(ct);
            var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(fire.ScheduledAt, zone).DateTime);
            if (schedule.Rule.Explain(calendar, date) is { } why)
            {
                return ("skipped", JobPassResult.Skip(why, ("rule", schedule.Rule.ToString()), ("localDate", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));
            }
        }

        await using var scope = scopes.CreateAsyncScope();
        var job = scope.ServiceProvider.GetRequiredKeyedService<ISupervisorJob>(registration.Name);
        var result = await job.RunAsync(new JobPassContext(registration.Name, fire.ScheduledAt, fire.Kind, time, zone), ct);
        return (result.Skipped ? "skipped" : "succeeded", result);
    }

    /// <summary>The failure as stored: the exception's own message, one line, bounded; never a stack trace or connection string.</summary>
    public static string ErrorText(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var text = exception.Message.ReplaceLineEndings(" ").Trim();
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: slot {ScheduledAt:O} (background job {BackgroundJobId}) already has a run; nothing done on {Instance}")]
    private static partial void LogDuplicate(ILogger logger, string job, DateTimeOffset scheduledAt, string? backgroundJobId, string instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: {Count} slots after {Latest:O} had no run before slot {Slot:O}; running them now, late")]
    private static partial void LogCatchingUp(ILogger logger, string job, int count, DateTimeOffset latest, DateTimeOffset slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: more than {Max} slots between {Latest:O} and {Slot:O} had no run; one catch-up pass for the newest")]
    private static partial void LogTooManyMissed(ILogger logger, string job, DateTimeOffset latest, DateTimeOffset slot, int max);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: could not record the end of run {RunId} ({Outcome}); the row stays 'running'")]
    private static partial void LogFinishFailed(ILogger logger, Exception exception, string job, long runId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: run {RunId} failed: {Error}")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string job, long runId, string error);
}
