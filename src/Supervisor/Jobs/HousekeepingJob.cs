using Microsoft.Extensions.Options;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Jobs;

/// <summary>Configuration section "Housekeeping": how long history is kept.</summary>
public sealed class HousekeepingOptions
{
    public const string Section = "Housekeeping";

    /// <summary>job_runs rows started longer ago than this are deleted.</summary>
    public TimeSpan KeepJobRuns { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Delivery attempts of messages sent longer ago than this are deleted; the messages stay as the send ledger.</summary>
    public TimeSpan KeepDeliveryAttempts { get; set; } = TimeSpan.FromDays(180);
}

public sealed class HousekeepingOptionsValidator : IValidateOptions<HousekeepingOptions>
{
    public ValidateOptionsResult Validate(string? name, HousekeepingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.KeepJobRuns < TimeSpan.FromDays(1))
        {
            failures.Add($"Housekeeping:KeepJobRuns {options.KeepJobRuns} must be at least 1.00:00:00 (one day)");
        }

        if (options.KeepDeliveryAttempts < TimeSpan.FromDays(1))
        {
            failures.Add($"Housekeeping:KeepDeliveryAttempts {options.KeepDeliveryAttempts} must be at least 1.00:00:00 (one day)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Daily: deletes old job runs, the delivery attempts of long-sent messages and unconfirmed uploads. Idempotent: a second pass finds nothing.</summary>
public sealed class HousekeepingJob(JobRunStore jobRuns, HousekeepingStore housekeeping, IOptions<HousekeepingOptions> options, Supervisor.Hosting.UploadFolder uploads) : ISupervisorJob
{
    public async Task<JobPassResult> RunAsync(JobPassContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var keep = options.Value;
        var now = context.Now;
        var runsBefore = now - keep.KeepJobRuns;
        var attemptsBefore = now - keep.KeepDeliveryAttempts;
        var runs = await jobRuns.DeleteStartedBeforeAsync(runsBefore, ct);
        var attempts = await housekeeping.DeleteDeliveryAttemptsOfMessagesSentBeforeAsync(attemptsBefore, ct);
        var uploadsDeleted = uploads.DeleteExpired();
        return JobPassResult.Done(
            ("uploadsDeleted", uploadsDeleted),
            ("jobRunsDeleted", runs),
            ("jobRunsBefore", runsBefore),
            ("deliveryAttemptsDeleted", attempts),
            ("deliveryAttemptsOfMessagesSentBefore", attemptsBefore));
    }
}
