using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
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
        catalog.Find(name) ?? throw new BadInputException(
            $"unknown job '{name}'; known jobs: {string.Join(", ", catalog.Names)}", $"没有名为“{name}”的作业（现有：{string.Join("、", catalog.Names)}）");

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: could not record the end of run {RunId} ({Outcome}); the row stays 'running'")]
    private static partial void LogFinishFailed(ILogger logger, Exception exception, string job, long runId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: run {RunId} failed: {Error}")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string job, long runId, string error);
}
