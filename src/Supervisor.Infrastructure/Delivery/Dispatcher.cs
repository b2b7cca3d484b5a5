using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Supervisor.Core.Delivery;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Infrastructure.Delivery.Email;

namespace Supervisor.Infrastructure.Delivery;

public sealed record DispatchResult(int Composed, int Claimed, int Sent, int Retrying, int Dead, int Held);

/// <summary>
/// One dispatch pass: compose owed escalations (level 3 goes out now, not tomorrow morning), then claim → send → ack
/// batch after batch until nothing is due. E-mail and SMS run side by side, each with its own bounded parallelism.
/// </summary>
public sealed partial class Dispatcher(
    OutboxStore outbox,
    ReminderComposer composer,
    [FromKeyedServices(Channels.Email)] IMessageSender email,
    [FromKeyedServices(Channels.Sms)] IMessageSender sms,
    [FromKeyedServices(Channels.WeCom)] IMessageSender wecom,
    [FromKeyedServices(Channels.DingTalk)] IMessageSender dingtalk,
    IOptions<Robots.RobotOptions> robotOptions,
    CalendarStore calendars,
    IOptions<DeliveryOptions> delivery,
    IOptions<SmsOptions> smsOptions,
    TimeZoneInfo zone,
    ILogger<Dispatcher> logger) : IDisposable
{
    private readonly RateLimiter _smsRate = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = Math.Max(1, (int)Math.Ceiling(smsOptions.Value.RatePerSecond)),
        TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(smsOptions.Value.RatePerSecond)),
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = int.MaxValue,
        AutoReplenishment = true,
    });

    public static string NewWorkerId() => $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    public async Task<DispatchResult> RunPassAsync(TimeProvider time, string worker, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(time);
        // Runs every few minutes on some node: when nothing is due, one query is the whole pass.
        if (!await outbox.AnythingToDoAsync(time.GetUtcNow(), ct))
        {
            return new DispatchResult(0, 0, 0, 0, 0, 0);
        }

        var composed = await composer.ComposeAsync(time.GetUtcNow(), ReminderComposer.EscalationOnly, ct);
        var calendar = await calendars.LoadAsync(ct);
        var claimed = 0;

        // A pipeline with the guarantees of one batch at a time. Messages are claimed Delivery:BatchSize at a time, the
        // next batch while the current one is being sent (the claim reads the bodies: the heaviest statement). They are
        // sent in halves ("chunks"). A chunk of e-mail starts while the previous chunk's last messages are still with
        // the server, so the connections never wait for a chunk's slowest message; before it starts, the chunk two back
        // is acknowledged. A worker killed at any point therefore leaves at most two chunks (one batch) sent but
        // unacknowledged, as before. A chunk with texts or robot posts waits until everything before it is acknowledged:
        // the SMS daily cap counts acknowledged texts, and robots keep their own parallelism. What was claimed and not
        // sent when the pass ends early is handed back at once instead of waiting out its lease.
        var chunkSize = Math.Max(1, delivery.Value.BatchSize / 2);
        var overlap = 2 * chunkSize <= delivery.Value.BatchSize;
        var queue = new Queue<(OutboxMessage Message, DateTimeOffset LeaseEnd)>();
        var sending = new Queue<Sending>();
        var inHand = new List<(OutboxMessage Message, DateTimeOffset LeaseEnd)>();
        var counts = new Tally();
        Task<ClaimedBatch>? ahead = ClaimAsync(worker, time, ct);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (queue.Count < chunkSize && ahead is not null)
                {
                    var next = await ahead;
                    ahead = null;
                    foreach (var m in next.Messages)
                    {
                        queue.Enqueue((m, next.LeaseEnd));
                    }

                    if (next.Messages.Count > 0)
                    {
                        // Whatever waited too long is renewed first: the claim below would otherwise take it again.
                        queue = new Queue<(OutboxMessage Message, DateTimeOffset LeaseEnd)>(await RenewIfKeptWaitingAsync(worker, [.. queue], time, ct));

                        // Not cancellable once started: a claim cancelled after it took its rows would leave them leased to
                        // a pass that does not know; finished, it is handed back below if the pass ends first.
                        ahead = ClaimAsync(worker, time, CancellationToken.None);
                    }
                }

                if (queue.Count == 0)
                {
                    break;
                }

                // At most one chunk still sending when this one starts, and nothing older unacknowledged.
                var emailOnly = overlap && queue.Take(chunkSize).All(c => c.Message.Channel == Channels.Email);
                while (sending.Count > (emailOnly ? 1 : 0))
                {
                    await FinishAsync(worker, sending.Dequeue(), time, counts);
                }

                while (inHand.Count < chunkSize && queue.TryDequeue(out var item))
                {
                    inHand.Add(item);
                }

                // Renewed right before sending: the wait above may have outlasted part of the lease.
                var chunk = await RenewIfKeptWaitingAsync(worker, inHand, time, ct);
                inHand = [];
                if (chunk.Count == 0)
                {
                    continue;
                }

                claimed += chunk.Count;
                sending.Enqueue(new Sending(ProcessAsync(chunk.ConvertAll(c => c.Message), worker, time, calendar, ct), chunk.Min(c => c.LeaseEnd)));
            }

            while (sending.Count > 0)
            {
                await FinishAsync(worker, sending.Dequeue(), time, counts);
            }
        }
        finally
        {
            await LeaveAsync(worker, sending, inHand.Concat(queue).Select(q => q.Message.Id), ahead, time, counts);
        }

        return new DispatchResult(composed.Messages, claimed, counts.Sent, counts.Retrying, counts.Dead, counts.Held);
    }

    /// <summary>A chunk handed to the senders: the sends under way, and when its lease runs out.</summary>
    private sealed record Sending(Task<List<(OutboxMessage Message, MessageAck Ack)>> Sends, DateTimeOffset LeaseEnd);

    /// <summary>What a pass's acknowledged messages became.</summary>
    private sealed class Tally
    {
        public int Sent { get; private set; }

        public int Retrying { get; private set; }

        public int Dead { get; private set; }

        public int Held { get; private set; }

        public void Add(MessageAck ack)
        {
            switch (ack.State)
            {
                case "sent": Sent++; break;
                case "failed": Retrying++; break;
                case "dead": Dead++; break;
                case "held": Held++; break;
            }
        }
    }

    /// <summary>Waits for a chunk's sends and acknowledges them, then counts them.</summary>
    private async Task FinishAsync(string worker, Sending chunk, TimeProvider time, Tally counts)
    {
        var acks = await chunk.Sends;
        await AckWithRetryAsync(worker, acks, chunk.LeaseEnd, time);
        foreach (var (_, ack) in acks)
        {
            counts.Add(ack);
        }
    }

    private sealed record ClaimedBatch(IReadOnlyList<OutboxMessage> Messages, DateTimeOffset LeaseEnd);

    private async Task<ClaimedBatch> ClaimAsync(string worker, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return new ClaimedBatch(await outbox.ClaimAsync(worker, now, delivery.Value.Lease, delivery.Value.BatchSize, ct), now + delivery.Value.Lease);
    }

    /// <summary>
    /// Messages claimed ahead and kept waiting (by a slow provider, say) get their lease renewed before anything is sent
    /// and before the next claim, which would otherwise find the expired lease; a message whose lease ran out meanwhile
    /// and that another worker took is left to that worker. Returns what may be sent and until when it is leased.
    /// </summary>
    private async Task<List<(OutboxMessage Message, DateTimeOffset LeaseEnd)>> RenewIfKeptWaitingAsync(
        string worker, List<(OutboxMessage Message, DateTimeOffset LeaseEnd)> claimed, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var lease = delivery.Value.Lease;
        if (claimed.Count == 0 || claimed.Min(c => c.LeaseEnd) - now >= lease - (lease / 10))
        {
            return claimed;
        }

        var owned = await outbox.RenewLeaseAsync(worker, claimed.Select(c => c.Message.Id).ToArray(), now + lease, ct);
        return claimed.Where(c => owned.Contains(c.Message.Id)).Select(c => (c.Message, now + lease)).ToList();
    }

    /// <summary>
    /// The pass ends early (stopped, or the database went away): chunks whose sends finish are acknowledged (those
    /// messages have left), and what was claimed but not sent is handed back.
    /// </summary>
    private async Task LeaveAsync(string worker, Queue<Sending> sending, IEnumerable<long> unsent, Task<ClaimedBatch>? ahead, TimeProvider time, Tally counts)
    {
        var ids = unsent.ToList();
        try
        {
            while (sending.TryDequeue(out var chunk))
            {
                try
                {
                    await FinishAsync(worker, chunk, time, counts);
                }
                catch (Exception ex) when (ex is OperationCanceledException or Npgsql.NpgsqlException or TimeoutException)
                {
                    // Stopped mid-chunk, or the database went away: those leases run out and the messages are sent again.
                }
            }

            if (ahead is not null)
            {
                ids.AddRange((await ahead).Messages.Select(m => m.Id));
            }

            if (ids.Count > 0)
            {
                await outbox.ReleaseAsync(worker, [.. ids], CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            // Not handed back: their leases run out and another pass sends them.
            LogReleaseFailed(logger, ids.Count, ex.Message);
        }
    }

    /// <summary>
    /// The batch is sent; only the ack remains. If the database is away (a restart, a fail-over), keep retrying the ack
    /// until shortly before the batch's lease runs out instead of giving up: giving up means the lease expires and the
    /// whole batch is sent again. The last tenth of the lease is left as a margin, so an ack never lands after another
    /// worker could have taken the batch over (it would change nothing then: the ack only updates rows still leased to
    /// this worker).
    /// </summary>
    private async Task AckWithRetryAsync(string worker, List<(OutboxMessage Message, MessageAck Ack)> acks, DateTimeOffset leaseEnd, TimeProvider time)
    {
        // Not cancellable: the messages have left; an ack dropped at shutdown would send them all again.
        var deadline = leaseEnd - (delivery.Value.Lease / 10);
        var wait = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await outbox.AckAsync(worker, acks, time.GetUtcNow(), CancellationToken.None);
                return;
            }
            catch (Npgsql.NpgsqlException ex) when (ex.IsTransient && deadline - time.GetUtcNow() > TimeSpan.Zero)
            {
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks, (deadline - time.GetUtcNow()).Ticks));
                LogAckRetry(logger, acks.Count, ex.Message, wait.TotalSeconds);
                await Task.Delay(wait, time, CancellationToken.None);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task<List<(OutboxMessage Message, MessageAck Ack)>> ProcessAsync(
        List<OutboxMessage> batch, string worker, TimeProvider time, Core.Calendar.WorkingCalendar calendar, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var acks = new System.Collections.Concurrent.ConcurrentBag<(OutboxMessage, MessageAck)>();
        var toSend = new List<OutboxMessage>();
        var robotPosts = new List<OutboxMessage>();
        var o = smsOptions.Value;
        var quiet = new QuietHours(o.QuietHoursStart, o.QuietHoursEnd);
        // The daily cap counts texts acknowledged as sent: a chunk with texts starts once everything before it is acknowledged.
        var smsMessages = batch.Where(m => m.Channel == Channels.Sms).ToList();
        var sentToday = smsMessages.Count == 0 ? [] : await outbox.SmsSentOnAsync(smsMessages.Select(m => m.Address).Distinct().ToList(), LocalDate(now), ct);
        foreach (var m in batch)
        {
            if (m.Channel == Channels.Email)
            {
                toSend.Add(m);
                continue;
            }

            // Quiet hours and non-working days hold a text (or a work-group post) until the next allowed time; it is never dropped.
            if (!(m.Kind == MessageComposer.Escalation && o.EscalationIgnoresQuietHours) && quiet.NextAllowed(now, zone, calendar) is var allowed && allowed > now)
            {
                acks.Add((m, new MessageAck(m.Id, "held", allowed, null, "quiet hours", null, now)));
                continue;
            }

            if (Channels.IsRobot(m.Channel))
            {
                robotPosts.Add(m);
                continue;
            }

            var count = sentToday.GetValueOrDefault(m.Address);
            if (count >= o.DailyCapPerRecipient)
            {
                var tomorrow = LocalDate(now).AddDays(1).ToDateTime(TimeOnly.MinValue);
                var next = quiet.NextAllowed(new DateTimeOffset(tomorrow, zone.GetUtcOffset(tomorrow)), zone, calendar);
                acks.Add((m, new MessageAck(m.Id, "held", next, null, $"daily SMS cap {o.DailyCapPerRecipient} reached", null, now)));
                continue;
            }

            sentToday[m.Address] = count + 1;
            toSend.Add(m);
        }

        await outbox.BeginAttemptsAsync(worker, toSend, now, ct);

        // Both platforms refuse a robot's 21st post in a minute. The window is counted in the database, so it holds
        // however many nodes dispatch; a post over it is held for a few seconds, not sent and refused.
        var granted = await outbox.BeginRobotAttemptsAsync(worker, robotPosts, now, TimeSpan.FromMinutes(1), robotOptions.Value.RatePerMinute, ct);
        foreach (var m in robotPosts)
        {
            if (granted.Contains(m.Id))
            {
                toSend.Add(m);
            }
            else
            {
                acks.Add((m, new MessageAck(m.Id, "held", now + TimeSpan.FromSeconds(10), null, "robot rate limit", null, now)));
            }
        }

        await Task.WhenAll(
            SendAllAsync(toSend.Where(m => m.Channel == Channels.Email), email, null, acks, time, ct),
            SendAllAsync(toSend.Where(m => m.Channel == Channels.Sms), sms, _smsRate, acks, time, ct),
            SendAllAsync(toSend.Where(m => m.Channel == Channels.WeCom), wecom, null, acks, time, ct),
            SendAllAsync(toSend.Where(m => m.Channel == Channels.DingTalk), dingtalk, null, acks, time, ct));
        return [.. acks];
    }

    /// <summary>
    /// A provider that takes many numbers in one request (Tencent) gets the messages that share a template and variables
    /// together, at most its batch size a request; its per-number answer is acknowledged message by message.
    /// </summary>
    private async Task SendBatchesAsync(
        IEnumerable<OutboxMessage> messages, IBatchMessageSender sender, RateLimiter? rate, System.Collections.Concurrent.ConcurrentBag<(OutboxMessage, MessageAck)> acks, TimeProvider time, CancellationToken ct)
    {
        var groups = messages.GroupBy(m => sender.BatchKey(m) ?? "\u0000" + m.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .SelectMany(g => g.Chunk(sender.MaxBatch))
            .ToList();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = sender.Parallelism, CancellationToken = ct }, async (group, token) =>
        {
            if (rate is not null)
            {
                foreach (var _ in group)
                {
                    using var lease = await rate.AcquireAsync(1, token);
                }
            }

            var started = time.GetUtcNow();
            IReadOnlyList<SendResult> results;
            try
            {
                results = await sender.SendBatchAsync(group, token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                results = group.Select(_ => new SendResult(AttemptOutcome.Transient, ex.GetType().Name + ": " + ex.Message)).ToList();
            }

            var finished = time.GetUtcNow();
            for (var i = 0; i < group.Length; i++)
            {
                acks.Add((group[i], Decide(group[i], results[i], started, finished)));
            }
        });
    }

    private async Task SendAllAsync(
        IEnumerable<OutboxMessage> messages, IMessageSender sender, RateLimiter? rate, System.Collections.Concurrent.ConcurrentBag<(OutboxMessage, MessageAck)> acks, TimeProvider time, CancellationToken ct)
    {
        if (sender is IBatchMessageSender batches)
        {
            await SendBatchesAsync(messages, batches, rate, acks, time, ct);
            return;
        }

        await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = sender.Parallelism, CancellationToken = ct }, async (m, token) =>
        {
            if (rate is not null)
            {
                using var lease = await rate.AcquireAsync(1, token);
            }

            var started = time.GetUtcNow();
            SendResult result;
            try
            {
                result = await sender.SendAsync(m, token);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                // The message cannot be built (an address or name no library will put in a header): it never will be,
                // so it is dead now with the reason, not retried until give-up.
                result = new SendResult(AttemptOutcome.Permanent, "message cannot be built: " + ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A sender bug must not lose the message: it is retried like any transient failure.
                result = new SendResult(AttemptOutcome.Transient, ex.GetType().Name + ": " + ex.Message);
            }

            acks.Add((m, Decide(m, result, started, time.GetUtcNow())));
        });
    }

    private MessageAck Decide(OutboxMessage m, SendResult result, DateTimeOffset started, DateTimeOffset now)
    {
        // A robot's address is its webhook URL, which holds its key: logs get it masked.
        var address = Channels.IsRobot(m.Channel) ? SecretMask.Url(m.Address) : PhoneMask.Address(m.Address);
        switch (result.Outcome)
        {
            case AttemptOutcome.Sent:
                LogSent(logger, m.Channel, address, m.Key.Length, m.Attempts + 1);
                return new MessageAck(m.Id, "sent", null, AttemptOutcome.Sent, null, result.ProviderMessageId, started);
            case AttemptOutcome.Permanent:
                LogDead(logger, m.Channel, address, result.Error);
                return new MessageAck(m.Id, "dead", null, AttemptOutcome.Permanent, result.Error, null, started);
            default:
                var d = delivery.Value;
                var next = Backoff.Next(now, m.CreatedAt, m.Attempts + 1, d.BackoffMin, d.BackoffMax, d.GiveUpAfter, Random.Shared.NextDouble());
                if (next is null)
                {
                    LogDead(logger, m.Channel, address, "gave up: " + result.Error);
                    return new MessageAck(m.Id, "dead", null, AttemptOutcome.Transient, $"gave up after {d.GiveUpAfter}: {result.Error}", null, started);
                }

                LogRetry(logger, m.Channel, address, result.Error, next.Value);
                return new MessageAck(m.Id, "failed", next, AttemptOutcome.Transient, result.Error, null, started);
        }
    }

    private DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    public void Dispose() => _smsRate.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} claimed messages could not be handed back ({Error}); they are sent once their lease runs out")]
    private static partial void LogReleaseFailed(ILogger logger, int count, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ack of {Count} sent messages failed ({Error}); retrying in {Seconds} s")]
    private static partial void LogAckRetry(ILogger logger, int count, string error, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Channel} to {Address} sent (key length {KeyLength}, attempt {Attempt})")]
    private static partial void LogSent(ILogger logger, string channel, string address, int keyLength, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Channel} to {Address} failed, retry at {Next}: {Error}")]
    private static partial void LogRetry(ILogger logger, string channel, string address, string? error, DateTimeOffset next);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Channel} to {Address} is dead: {Error}")]
    private static partial void LogDead(ILogger logger, string channel, string address, string? error);
}
