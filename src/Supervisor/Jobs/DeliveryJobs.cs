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
