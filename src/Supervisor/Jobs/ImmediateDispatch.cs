using Hangfire;
using Hangfire.States;

namespace Supervisor.Jobs;

/// <summary>
/// Starts a reminder-dispatch pass now, so messages a compose just queued leave within seconds instead of at the next
/// dispatch slot. The pass is a Hangfire job (recorded in job_runs as trigger kind 'immediate'); enqueued in a serving
/// process it wakes a local worker at once, enqueued by the CLI the nodes pick it up within <c>Jobs:QueuePollInterval</c>.
/// The recurring dispatch stays the safety net: if this cannot be enqueued, the next slot sends the messages.
/// </summary>
public sealed partial class ImmediateDispatch(IBackgroundJobClient client, ILogger<ImmediateDispatch> logger)
{
    public const string Job = "reminder-dispatch";

    /// <returns>The Hangfire job id, or null when it could not be enqueued (logged).</returns>
    public string? Request(string why)
    {
        try
        {
            var id = client.Create<HangfireJobs>(j => j.RunNowAsync(Job, "immediate", null, CancellationToken.None), new EnqueuedState());
            LogRequested(logger, why, id);
            return id;
        }
        catch (BackgroundJobClientException ex)
        {
            LogNotRequested(logger, ex, why);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatch requested now ({Why}): background job {JobId}")]
    private static partial void LogRequested(ILogger logger, string why, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not request a dispatch now ({Why}); the next reminder-dispatch slot sends the messages")]
    private static partial void LogNotRequested(ILogger logger, Exception exception, string why);
}
