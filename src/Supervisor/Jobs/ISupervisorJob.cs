namespace Supervisor.Jobs;

/// <summary>
/// One pass of a scheduled job: fetch what is due, do it, return what happened. The schedule (Hangfire), the
/// working-day rule, pausing, recording in job_runs and the once-per-slot claim are <see cref="JobPassRunner"/>'s
/// business, not the job's.
/// Register one with <see cref="JobsServiceCollectionExtensions.AddSupervisorJob{TJob}"/>; it is resolved in a DI
/// scope of its own for each pass.
/// </summary>
public interface ISupervisorJob
{
    Task<JobPassResult> RunAsync(JobPassContext context, CancellationToken ct);
}

public enum TriggerKind
{
    /// <summary>A slot of the job's cron (Hangfire's recurring job).</summary>
    Schedule,

    /// <summary>Run by hand: <c>supervisor job run</c>, the console's or the dashboard's "trigger now".</summary>
    Manual,

    /// <summary>Started by the product itself: a compose that queued messages starts reminder-dispatch at once.</summary>
    Immediate,
}

/// <summary>What a pass is for.</summary>
/// <param name="JobName">The registered name, e.g. "housekeeping".</param>
/// <param name="ScheduledAt">The slot this pass is for: the cron occurrence, or for a manual or immediate run the instant it is run as of.</param>
/// <param name="Time">The clock to read "now" from: the system clock, or a fixed one under <c>--as-of</c>.</param>
/// <param name="TimeZone">The office's zone (<c>Supervisor:TimeZone</c>): what "today" means.</param>
public sealed record JobPassContext(string JobName, DateTimeOffset ScheduledAt, TriggerKind TriggerKind, TimeProvider Time, TimeZoneInfo TimeZone)
{
    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>The office's local date of <see cref="ScheduledAt"/>: the day a daily job is for.</summary>
    public DateOnly ScheduledLocalDate => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(ScheduledAt, TimeZone).DateTime);
}

/// <summary>What a pass did, in a few named numbers or words; stored as job_runs.summary (jsonb) and printed by <c>job run</c>.</summary>
public sealed record JobPassResult(IReadOnlyDictionary<string, object?> Summary, bool Skipped = false)
{
    public static JobPassResult Done(params (string Key, object? Value)[] summary) =>
        new(summary.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    /// <summary>The pass decided there was nothing to do today (e.g. the working-day rule); recorded as outcome 'skipped'.</summary>
    public static JobPassResult Skip(string reason, params (string Key, object? Value)[] details) =>
        new(details.Prepend(("skipped", reason)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), Skipped: true);
}
