using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Documents;

namespace Supervisor.Jobs;

/// <summary>
/// unit-digest (08:30 working days): every reminder owed and not yet composed becomes part of one e-mail and one SMS per
/// recipient for the day. The key (recipient, channel, kind, day) makes a re-run or a second node queue nothing twice.
/// </summary>
public sealed class UnitDigestJob(ReminderComposer composer, ImmediateDispatch dispatch) : ISupervisorJob
{
    public async Task<JobPassResult> RunAsync(JobPassContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await composer.ComposeAsync(context.Now, ReminderComposer.AllLevels, ct);
        var dispatchJob = result.Messages > 0 ? dispatch.Request("unit-digest queued messages") : null;
        return JobPassResult.Done(
            ("reminders", result.Reminders),
            ("messagesQueued", result.Messages),
            ("messagesAlreadyQueued", result.MessagesAlreadyQueued),
            ("unreachable", result.Gaps),
            ("dispatchJob", dispatchJob));
    }
}

/// <summary>
/// reminder-dispatch (every five minutes by default, and at once after a compose queued messages): compose owed escalations, then send every due message — claimed under a lease,
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

/// <summary>
/// supervision-digest (09:00, first working day of the week or month): the office's 督查通报 as of the end of the day
/// before the slot. The period's issue is recorded once; without Digest:RequireRelease it is released at once (numbered,
/// queued as one e-mail per <c>Supervision:OfficeEmails</c> address for reminder-dispatch to send), with it it waits as
/// a draft for 签发 in the console. A second pass for the same period neither numbers nor queues again.
/// </summary>
public sealed class SupervisionDigestJob(TongbaoService tongbao, ImmediateDispatch dispatch) : ISupervisorJob
{
    public async Task<JobPassResult> RunAsync(JobPassContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var r = await tongbao.RunAsync(context.ScheduledAt, context.Now, ct);
        if (r.Queued > 0)
        {
            dispatch.Request("supervision-digest queued messages");
        }

        return JobPassResult.Done(
            ("date", r.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), ("outcome", r.Outcome), ("issue", r.Issue.IssueLine ?? "draft"),
            ("recipients", r.Recipients), ("queued", r.Queued));
    }
}
