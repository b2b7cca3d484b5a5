using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

public sealed record MessageInfo(
    long Id, string Channel, string Kind, DateTime LocalDate, string RecipientAddress, string? RecipientName, long? UnitId, string? Unit,
    string? Subject, string State, int Attempts, DateTime NextAttemptAt, string? LastError, DateTime CreatedAt, DateTime? SentAt);

public sealed record AttemptInfo(int Attempt, string Worker, DateTime StartedAt, DateTime? FinishedAt, string? Outcome, string? Error, string? ProviderMessageId);

public sealed record OwedReminder(long Id, DateTime LocalDate, int Level, long TaskId, string TaskCode, string MilestoneTitle, DateTime DueDate, string? LeadUnits);

/// <summary>Messages, their delivery attempts, and the reminders the next dispatch will compose.</summary>
public sealed class MessageQueries(NpgsqlDataSource dataSource)
{
    private const string MessageColumns = """
        m.id, m.channel, m.kind, m.local_date::timestamp as LocalDate, m.recipient_address as RecipientAddress, m.recipient_name as RecipientName,
        m.unit_id as UnitId, u.name as Unit, m.subject, m.state, m.attempts, m.next_attempt_at as NextAttemptAt, m.last_error as LastError,
        m.created_at as CreatedAt, m.sent_at as SentAt
        """;

    public async Task<IReadOnlyList<MessageInfo>> MessagesAsync(string? state, string? channel, string? kind, long? unitId, long? taskId, int limit, CancellationToken ct) =>
        await dataSource.ListAsync<MessageInfo>($"""
            select {MessageColumns}
            from messages m left join units u on u.id = m.unit_id
            where (@state::text is null or m.state = @state) and (@channel::text is null or m.channel = @channel)
              and (@kind::text is null or m.kind = @kind) and (@unitId::bigint is null or m.unit_id = @unitId)
              and (@taskId::bigint is null or exists (
                    select 1 from message_reminders mr join reminders r on r.id = mr.reminder_id join milestones ms on ms.id = r.milestone_id
                    where mr.message_id = m.id and ms.task_id = @taskId))
            order by m.created_at desc, m.id desc
            limit @limit
            """, new { state, channel, kind, unitId, taskId, limit }, ct);

    /// <summary>Reminders owed but not yet composed into messages: what the next dispatch will send.</summary>
    public async Task<IReadOnlyList<OwedReminder>> OwedRemindersAsync(int limit, CancellationToken ct) =>
        await dataSource.ListAsync<OwedReminder>("""
            select r.id, r.local_date::timestamp as LocalDate, r.level::int as Level, t.id as TaskId, t.code as TaskCode, m.title as MilestoneTitle,
                   m.due_date::timestamp as DueDate,
                   (select string_agg(u.name, '、' order by tu.position) from task_units tu join units u on u.id = tu.unit_id where tu.task_id = t.id and tu.role = 'lead') as LeadUnits
            from reminders r join milestones m on m.id = r.milestone_id join tasks t on t.id = m.task_id
            where r.composed_at is null
            order by r.local_date, r.level desc, m.due_date
            limit @limit
            """, new { limit }, ct);

    public async Task<IReadOnlyDictionary<string, int>> MessageCountsAsync(CancellationToken ct) =>
        (await dataSource.ListAsync<(string State, int Count)>("select state, count(*)::int from messages group by state", null, ct)).ToDictionary(r => r.State, r => r.Count);

    public async Task<(MessageInfo Message, string BodyText, string? BodyHtml, IReadOnlyList<AttemptInfo> Attempts)?> MessageAsync(long id, CancellationToken ct)
    {
        var message = (await dataSource.ListAsync<MessageInfo>($"select {MessageColumns} from messages m left join units u on u.id = m.unit_id where m.id = @id", new { id }, ct)).SingleOrDefault();
        if (message is null)
        {
            return null;
        }

        var body = (await dataSource.ListAsync<(string Text, string? Html)>("select body_text, body_html from messages where id = @id", new { id }, ct)).Single();
        var attempts = await dataSource.ListAsync<AttemptInfo>("""
            select attempt, worker, started_at as StartedAt, finished_at as FinishedAt, outcome, error, provider_message_id as ProviderMessageId
            from delivery_attempts where message_id = @id order by attempt
            """, new { id }, ct);
        return (message, body.Text, body.Html, attempts);
    }
}
