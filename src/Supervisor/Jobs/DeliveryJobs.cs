using Supervisor.Infrastructure.Delivery;

namespace Supervisor.Jobs;

/// <summary>
/// unit-digest (08:30 working days): every reminder owed and not yet composed becomes part of one e-mail and one SMS per
/// recipient for the day. The key (recipient, channel, kind, day) makes a re-run or a second node queue nothing twice.
/// </summary>
public sealed class UnitDigestJob(ReminderComposer composer) : ISupervisorJob
{
    public async Task<JobPassResult> RunAsync(JobPassContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await composer.ComposeAsync(context.Now, ReminderComposer.AllLevels, ct);
        return JobPassResult.Done(
            ("reminders", result.Reminders),
            ("messagesQueued", result.Messages),
            ("messagesAlreadyQueued", result.MessagesAlreadyQueued),
            ("unreachable", result.Gaps));
    }
}

/// <summary>
/// reminder-dispatch (every minute): compose owed escalations, then send every due message — claimed under a lease,
/// sent with bounded concurrency, every attempt recorded. One pass ends when nothing is due.
/// </summary>
public sealed class ReminderDispatchJob(Dispatcher dispatcher) : ISupervisorJob
{
    public async Task<JobPassResult> RunAsync(JobPassContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var r = await dispatcher.RunPassAsync(context.Time, Dispatcher.NewWorkerId(), ct);
        return JobPassResult.Done(
            ("escalationsQueued", r.Composed), ("claimed", r.Claimed), ("sent", r.Sent), ("retrying", r.Retrying), ("dead", r.Dead), ("held", r.Held));
    }
}
