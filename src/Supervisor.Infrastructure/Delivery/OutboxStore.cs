using Dapper;
using Npgsql;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Infrastructure.Delivery;

/// <summary>A file sent with a message; with a <see cref="ContentId"/> it is shown inline in the HTML body (cid:).</summary>
public sealed record MessageAttachment(string FileName, string ContentType, byte[] Content, string? ContentId = null)
{
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Png = "image/png";
}

/// <summary>A message claimed for sending.</summary>
public sealed record OutboxMessage(
    long Id, string Key, string Channel, string Kind, DateOnly LocalDate, string Address, string? Name, string? Subject,
    string BodyText, string? BodyHtml, IReadOnlyList<MessageAttachment> Attachments, int Attempts, DateTimeOffset CreatedAt)
{
    /// <summary>For a template SMS provider: which template (reminder, overdue, escalation, digest), null when not composed for one.</summary>
    public string? SmsTemplate { get; init; }

    /// <summary>For a template SMS provider: the template's variables by name.</summary>
    public IReadOnlyDictionary<string, string>? TemplateParams { get; init; }
}

public enum AttemptOutcome
{
    Sent,
    Transient,
    Permanent,
}

/// <summary>What becomes of a claimed message: its new state, and the attempt to record (none when it was only held).</summary>
public sealed record MessageAck(long Id, string State, DateTimeOffset? NextAttemptAt, AttemptOutcome? Outcome, string? Error, string? ProviderMessageId, DateTimeOffset StartedAt);

/// <summary>The outbox: claim due messages under a lease, acknowledge what happened to them.</summary>
public sealed class OutboxStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> due messages for <paramref name="worker"/>. At-least-once: a worker that dies
    /// after sending but before its ack leaves the row 'sending'; once the lease runs out another worker claims it and
    /// sends again. The message key travels with every send (X-Supervisor-Key, SMS outId) so the far side can drop the
    /// repeat. SKIP LOCKED lets any number of workers claim side by side without waiting on each other.
    /// </summary>
    /// <summary>Whether a dispatch pass has anything to do: a message due or a lease expired, or a 督办 not yet composed.</summary>
    public async Task<bool> AnythingToDoAsync(DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            select exists (select 1 from messages
                           where (state in ('pending', 'failed', 'held') and next_attempt_at <= @now)
                              or (state = 'sending' and lease_until < @now))
                or exists (select 1 from reminders where composed_at is null and level = 3)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { now = now.ToUniversalTime() }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(string worker, DateTimeOffset now, TimeSpan lease, int limit, CancellationToken ct)
    {
        const string sql = """
            update messages m set state = 'sending', lease_owner = @worker, lease_until = @leaseUntil
            where m.id in (
                select id from messages
                where (state in ('pending', 'failed', 'held') and next_attempt_at <= @now)
                   or (state = 'sending' and lease_until < @now)
                order by next_attempt_at
                for update skip locked
                limit @limit)
            returning m.id, m.key, m.channel, m.kind, m.local_date as localdate, m.recipient_address as address, m.recipient_name as name,
                      m.subject, m.body_text as bodytext, m.body_html as bodyhtml,
                      exists (select 1 from message_attachments a where a.message_id = m.id) as hasattachments,
                      m.attempts, m.created_at as createdat, m.sms_template as smstemplate, m.template_params::text as templateparams
            """;
        now = now.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<ClaimedRow>(
            new CommandDefinition(sql, new { worker, now, leaseUntil = now + lease, limit }, cancellationToken: ct))).ToList();

        // Attachments in a second round trip, only when a claimed message has any (reminders and SMS have none).
        var attachments = rows.Any(r => r.HasAttachments)
            ? await AttachmentsAsync(connection, rows.Where(r => r.HasAttachments).Select(r => r.Id).ToArray(), ct)
            : [];
        return rows.Select(r => new OutboxMessage(r.Id, r.Key, r.Channel, r.Kind, r.LocalDate, r.Address, r.Name, r.Subject, r.BodyText, r.BodyHtml,
            attachments.TryGetValue(r.Id, out var files) ? files : [], r.Attempts, new DateTimeOffset(DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc)))
        {
            SmsTemplate = r.SmsTemplate,
            TemplateParams = TemplateParams(r.TemplateParams),
        }).ToList();
    }

    private static async Task<Dictionary<long, IReadOnlyList<MessageAttachment>>> AttachmentsAsync(NpgsqlConnection connection, long[] ids, CancellationToken ct)
    {
        const string sql = """
            select message_id as messageid, file_name as filename, content_type as contenttype, content, content_id as contentid
            from message_attachments where message_id = any(@ids)
            order by message_id, position
            """;
        var rows = await connection.QueryAsync<(long MessageId, string FileName, string ContentType, byte[] Content, string? ContentId)>(
            new CommandDefinition(sql, new { ids }, cancellationToken: ct));
        return rows.GroupBy(r => r.MessageId).ToDictionary(
            g => g.Key, g => (IReadOnlyList<MessageAttachment>)g.Select(r => new MessageAttachment(r.FileName, r.ContentType, r.Content, r.ContentId)).ToList());
    }

    /// <summary>
    /// Stores the attachments of messages just inserted in the caller's transaction, in list order. The messages are
    /// given by id (a message whose key was already taken is not in the list: it keeps what it had).
    /// </summary>
    public static async Task AddAttachmentsAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyCollection<(long MessageId, IReadOnlyList<MessageAttachment> Files)> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var rows = messages.SelectMany(m => m.Files.Select((f, i) => (m.MessageId, Position: (short)i, File: f))).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        const string sql = """
            insert into message_attachments (message_id, position, file_name, content_type, content_id, content)
            select * from unnest(@ids, @positions, @names, @types, @contentIds, @contents)
            on conflict do nothing
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new
            {
                ids = rows.Select(r => r.MessageId).ToArray(),
                positions = rows.Select(r => r.Position).ToArray(),
                names = rows.Select(r => r.File.FileName).ToArray(),
                types = rows.Select(r => r.File.ContentType).ToArray(),
                contentIds = rows.Select(r => r.File.ContentId).ToArray(),
                contents = rows.Select(r => r.File.Content).ToArray(),
            },
            tx,
            cancellationToken: ct));
    }

    /// <summary>
    /// Opens one delivery_attempts row per message about to be sent, before anything leaves the process: if the worker
    /// dies between sending and acknowledging, the row stays open (no outcome) and the resend that follows the lease
    /// expiry shows up beside it — a duplicate at the recipient is always visible here.
    /// </summary>
    public async Task BeginAttemptsAsync(string worker, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now, CancellationToken ct)
    {
        if (messages.Count == 0)
        {
            return;
        }

        const string sql = """
            insert into delivery_attempts (message_id, attempt, worker, started_at)
            select a.message_id, a.attempt, @worker, @now from unnest(@ids, @attemptNos) as a(message_id, attempt)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new { worker, now = now.ToUniversalTime(), ids = messages.Select(m => m.Id).ToArray(), attemptNos = messages.Select(m => m.Attempts + 1).ToArray() },
            cancellationToken: ct));
    }

    /// <summary>
    /// Opens the attempts of robot posts like <see cref="BeginAttemptsAsync"/>, but at most <paramref name="limit"/> per
    /// robot (webhook URL) in any <paramref name="window"/>, counted over every node: under a transaction-scoped lock per
    /// robot (taken in one order, so two nodes never deadlock), the robot's attempts started since now − window are
    /// counted and only the posts that fit get an attempt. Returns their ids; the rest are for the caller to hold. An
    /// attempt that failed still counts: the platform counted the request too.
    /// </summary>
    public async Task<IReadOnlySet<long>> BeginRobotAttemptsAsync(
        string worker, IReadOnlyList<OutboxMessage> messages, DateTimeOffset now, TimeSpan window, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return new HashSet<long>();
        }

        // A subquery with ORDER BY is not flattened: the locks are taken in key order.
        const string lockSql = """
            select count(pg_advisory_xact_lock(k))
            from (select distinct hashtextextended(a, 20) as k from unnest(@addresses) as a order by 1) s
            """;
        const string grantSql = """
            with wanted as (
                select w.id, w.address, w.attempt, row_number() over (partition by w.address order by w.ord) as n
                from unnest(@ids, @addresses, @attemptNos) with ordinality as w(id, address, attempt, ord)
            ), used as (
                select m.recipient_address as address, count(*)::int as n
                from delivery_attempts d join messages m on m.id = d.message_id
                where m.recipient_address = any(@addresses) and m.channel in ('wecom', 'dingtalk') and d.started_at > @since
                group by m.recipient_address
            )
            insert into delivery_attempts (message_id, attempt, worker, started_at)
            select w.id, w.attempt, @worker, @now
            from wanted w left join used u on u.address = w.address
            where w.n + coalesce(u.n, 0) <= @limit
            returning message_id
            """;
        now = now.ToUniversalTime();
        var addresses = messages.Select(m => m.Address).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(lockSql, new { addresses = addresses.Distinct(StringComparer.Ordinal).ToArray() }, tx, cancellationToken: ct));
        var granted = await connection.QueryAsync<long>(new CommandDefinition(grantSql, new
        {
            worker, now, since = now - window, limit, addresses,
            ids = messages.Select(m => m.Id).ToArray(),
            attemptNos = messages.Select(m => m.Attempts + 1).ToArray(),
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return granted.ToHashSet();
    }

    /// <summary>
    /// Records the attempts and moves the messages on, in one transaction. Only rows this worker still leases are
    /// updated: if the lease ran out and another worker took a message over, its outcome wins; the attempt is kept.
    /// </summary>
    public async Task AckAsync(string worker, IReadOnlyList<(OutboxMessage Message, MessageAck Ack)> acks, DateTimeOffset now, CancellationToken ct)
    {
        if (acks.Count == 0)
        {
            return;
        }

        now = now.ToUniversalTime();
        var attempted = acks.Where(a => a.Ack.Outcome is not null).ToList();

        // One statement, so one round trip and atomic without a transaction block: the first part completes the rows
        // BeginAttemptsAsync opened before sending (a row left open is a send whose worker died), the second moves the
        // messages on.
        const string sql = """
            with attempts as (
                update delivery_attempts d set
                    started_at = a.started_at, finished_at = @now, outcome = a.outcome, error = a.error, provider_message_id = a.provider_id
                from unnest(@attemptIds, @attemptNos, @startedAt, @outcomes, @attemptErrors, @attemptProviderIds)
                     as a(message_id, attempt, started_at, outcome, error, provider_id)
                where d.message_id = a.message_id and d.attempt = a.attempt and d.worker = @worker and d.finished_at is null
            )
            update messages m set
                state = a.state,
                next_attempt_at = coalesce(a.next_at, m.next_attempt_at),
                attempts = m.attempts + a.attempted::int,
                last_error = case when a.state = 'sent' then null else coalesce(a.error, m.last_error) end,
                provider_message_id = coalesce(a.provider_id, m.provider_message_id),
                sent_at = case when a.state = 'sent' then @now else m.sent_at end,
                lease_owner = null,
                lease_until = null
            from unnest(@ids, @states, @nextAt, @attempted, @errors, @providerIds) as a(id, state, next_at, attempted, error, provider_id)
            where m.id = a.id and m.lease_owner = @worker and m.state = 'sending'
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new
            {
                worker,
                now,
                attemptIds = attempted.Select(a => a.Message.Id).ToArray(),
                attemptNos = attempted.Select(a => a.Message.Attempts + 1).ToArray(),
                startedAt = attempted.Select(a => a.Ack.StartedAt.ToUniversalTime()).ToArray(),
                outcomes = attempted.Select(a => a.Ack.Outcome!.Value.ToString().ToLowerInvariant()).ToArray(),
                attemptErrors = attempted.Select(a => a.Ack.Error).ToArray(),
                attemptProviderIds = attempted.Select(a => a.Ack.ProviderMessageId).ToArray(),
                ids = acks.Select(a => a.Message.Id).ToArray(),
                states = acks.Select(a => a.Ack.State).ToArray(),
                nextAt = acks.Select(a => a.Ack.NextAttemptAt?.ToUniversalTime()).ToArray(),
                attempted = acks.Select(a => a.Ack.Outcome is not null).ToArray(),
                errors = acks.Select(a => a.Ack.Error).ToArray(),
                providerIds = acks.Select(a => a.Ack.ProviderMessageId).ToArray(),
            },
            cancellationToken: ct));
    }

    /// <summary>The jsonb column as a name → value map; a value that is not a string keeps its JSON text.</summary>
    public static IReadOnlyDictionary<string, string>? TemplateParams(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(
            p => p.Name, p => p.Value.ValueKind == System.Text.Json.JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
    }

    // Dapper maps by column name; a class because the row has more columns than a value tuple carries by name.
    private sealed record ClaimedRow(
        long Id, string Key, string Channel, string Kind, DateOnly LocalDate, string Address, string? Name, string? Subject, string BodyText, string? BodyHtml,
        bool HasAttachments, int Attempts, DateTime CreatedAt, string? SmsTemplate, string? TemplateParams);

    /// <summary>SMS already sent to each of <paramref name="addresses"/> on a local date: the per-recipient daily cap.</summary>
    public async Task<Dictionary<string, int>> SmsSentOnAsync(IReadOnlyCollection<string> addresses, DateOnly date, CancellationToken ct)
    {
        const string sql = """
            select recipient_address, count(*)::int from messages
            where channel = 'sms' and state = 'sent' and local_date = @date and recipient_address = any(@addresses)
            group by recipient_address
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string Address, int Count)>(new CommandDefinition(sql, new { date, addresses = addresses.ToArray() }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Address, r => r.Count, StringComparer.Ordinal);
    }

    /// <summary>
    /// Hands claimed messages that were never sent back to the outbox (a pass leaving with a batch claimed ahead): due
    /// again at once, as they were. Only rows this worker still leases.
    /// </summary>
    public async Task ReleaseAsync(string worker, long[] ids, CancellationToken ct)
    {
        const string sql = """
            update messages set state = case when attempts = 0 then 'pending' else 'failed' end, lease_owner = null, lease_until = null
            where id = any(@ids) and lease_owner = @worker and state = 'sending'
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { worker, ids }, cancellationToken: ct));
    }

    /// <summary>Extends this worker's lease on claimed messages; returns those it still holds.</summary>
    public async Task<IReadOnlySet<long>> RenewLeaseAsync(string worker, long[] ids, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        const string sql = """
            update messages set lease_until = @leaseUntil
            where id = any(@ids) and lease_owner = @worker and state = 'sending'
            returning id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var owned = await connection.QueryAsync<long>(new CommandDefinition(sql, new { worker, ids, leaseUntil = leaseUntil.ToUniversalTime() }, cancellationToken: ct));
        return owned.ToHashSet();
    }

    /// <summary>Staff send a dead message again: it goes back to pending, due now; the attempts so far are kept.</summary>
    public async Task<bool> RetryMessageAsync(long id, string actor, DateTimeOffset now, CancellationToken ct) =>
        await AuditLog.ChangeAsync(
            dataSource, "update messages set state = 'pending', next_attempt_at = @now, lease_owner = null, lease_until = null where id = @id and state = 'dead'",
            new { id, now = now.ToUniversalTime() }, now, actor, "message.retry", $"message:{id}", ct);

    public async Task<bool> CancelMessageAsync(long id, string actor, DateTimeOffset now, CancellationToken ct) =>
        await AuditLog.ChangeAsync(
            dataSource, "update messages set state = 'cancelled' where id = @id and state in ('pending', 'held', 'failed')",
            new { id }, now, actor, "message.cancel", $"message:{id}", ct);
}
