using Dapper;
using Npgsql;
using Supervisor.Core;

namespace Supervisor.Infrastructure.Postgres;

public sealed record UnitInfo(long Id, string Name, string Kind, DateTime? PausedAt, string? PausedBy);

public sealed record ContactInfo(string Role, string? Name, string? Phone, string? Email);

public sealed record TaskInfo(
    long Id, long PlanId, string PlanTitle, int PlanYear, string Code, string Title, string FullText, string? Section,
    string? LeadUnits, string? CoUnits, string? Leaders, DateTime? Deadline, DateTime? PausedAt, string? PausedBy, bool NoResponsibleUnit);

public sealed record MilestoneInfo(
    long Id, long TaskId, string TaskCode, string TaskTitle, string Key, string Kind, string Title, DateTime DueDate,
    DateTime OriginalDueDate, string Status, DateTime? CompletedAt, int? LatestPercent, bool Acknowledged);

public sealed record ProgressInfo(long Id, long MilestoneId, string MilestoneTitle, int? Percent, string? Note, DateTime ReportedAt, string Source, string? ReportedBy, string? Unit);

public sealed record ReminderInfo(long Id, long MilestoneId, string MilestoneTitle, int Level, DateTime LocalDate, int WorkingDaysOverdue, DateTime? ComposedAt);

public sealed record MessageInfo(
    long Id, string Channel, string Kind, DateTime LocalDate, string RecipientAddress, string? RecipientName, long? UnitId, string? Unit,
    string? Subject, string State, int Attempts, DateTime NextAttemptAt, string? LastError, DateTime CreatedAt, DateTime? SentAt);

public sealed record AttemptInfo(int Attempt, string Worker, DateTime StartedAt, DateTime? FinishedAt, string? Outcome, string? Error, string? ProviderMessageId);

public sealed record ExtensionInfo(
    long Id, long MilestoneId, string MilestoneTitle, string TaskCode, long TaskId, string? Unit, DateTime RequestedDue, DateTime DueDate,
    DateTime OriginalDueDate, string Reason, string Status, DateTime RequestedAt, string? DecidedBy, string? DecisionNote);

public sealed record OwedReminder(long Id, DateTime LocalDate, int Level, long TaskId, string TaskCode, string MilestoneTitle, DateTime DueDate, string? LeadUnits);

public sealed record TrendPoint(DateTime Date, int Due, int OnTime);

public sealed record TaskFilter(long? PlanId, string? Section, long? UnitId, long? LeaderId, string? Search);

/// <summary>What the console pages and the API read and the few things they change (pause, extensions, messages, acknowledgements).</summary>
public sealed class ConsoleStore(NpgsqlDataSource dataSource)
{
    private const string TaskColumns = """
        t.id, t.plan_id as PlanId, p.title as PlanTitle, p.year as PlanYear, t.code, t.title, t.full_text as FullText, s.path as Section,
        (select string_agg(u.name, '、' order by tu.position) from task_units tu join units u on u.id = tu.unit_id where tu.task_id = t.id and tu.role = 'lead') as LeadUnits,
        (select string_agg(u.name, '、' order by tu.position) from task_units tu join units u on u.id = tu.unit_id where tu.task_id = t.id and tu.role = 'co') as CoUnits,
        (select string_agg(l.name, '、' order by tl.position) from task_leaders tl join leaders l on l.id = tl.leader_id where tl.task_id = t.id) as Leaders,
        t.deadline::timestamp as Deadline, t.paused_at as PausedAt, t.paused_by as PausedBy, t.no_responsible_unit as NoResponsibleUnit
        """;

    private const string MilestoneColumns = """
        m.id, m.task_id as TaskId, t.code as TaskCode, t.title as TaskTitle, m.key, m.kind, m.title, m.due_date::timestamp as DueDate,
        m.original_due_date::timestamp as OriginalDueDate, m.status, m.completed_at as CompletedAt,
        (select p.percent from progress_reports p where p.milestone_id = m.id and p.percent is not null order by p.reported_at desc, p.id desc limit 1) as LatestPercent
        """;

    private const string MessageColumns = """
        m.id, m.channel, m.kind, m.local_date::timestamp as LocalDate, m.recipient_address as RecipientAddress, m.recipient_name as RecipientName,
        m.unit_id as UnitId, u.name as Unit, m.subject, m.state, m.attempts, m.next_attempt_at as NextAttemptAt, m.last_error as LastError,
        m.created_at as CreatedAt, m.sent_at as SentAt
        """;

    public async Task<IReadOnlyList<UnitInfo>> UnitsAsync(CancellationToken ct) =>
        await QueryAsync<UnitInfo>("select id, name, kind, paused_at as PausedAt, paused_by as PausedBy from units order by name", null, ct);

    public async Task<UnitInfo?> UnitAsync(long id, CancellationToken ct) =>
        (await QueryAsync<UnitInfo>("select id, name, kind, paused_at as PausedAt, paused_by as PausedBy from units where id = @id", new { id }, ct)).SingleOrDefault();

    public async Task<UnitInfo?> UnitByNameAsync(string name, CancellationToken ct)
    {
        const string sql = """
            select u.id, u.name, u.kind, u.paused_at as PausedAt, u.paused_by as PausedBy
            from units u where u.name = @name
            union all
            select u.id, u.name, u.kind, u.paused_at, u.paused_by
            from unit_aliases a join units u on u.id = a.unit_id where a.alias = @name
            limit 1
            """;
        return (await QueryAsync<UnitInfo>(sql, new { name }, ct)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<ContactInfo>> ContactsAsync(long unitId, CancellationToken ct) =>
        await QueryAsync<ContactInfo>("select role, name, phone, email from contacts where unit_id = @unitId order by role", new { unitId }, ct);

    public async Task<IReadOnlyList<(long Id, int Year, string Title)>> PlansAsync(CancellationToken ct) =>
        await QueryAsync<(long, int, string)>("select id, year, title from plans order by year desc, title", null, ct);

    public async Task<IReadOnlyList<(long Id, string Name)>> LeadersAsync(CancellationToken ct) =>
        await QueryAsync<(long, string)>("select id, name from leaders order by name", null, ct);

    public async Task<IReadOnlyList<TaskInfo>> TasksAsync(TaskFilter filter, CancellationToken ct)
    {
        const string sql = $"""
            select {TaskColumns}
            from tasks t join plans p on p.id = t.plan_id left join sections s on s.id = t.section_id
            where (@planId::bigint is null or t.plan_id = @planId)
              and (@section::text is null or strpos(lower(s.path), lower(@section)) > 0)
              and (@unitId::bigint is null or exists (select 1 from task_units tu where tu.task_id = t.id and tu.unit_id = @unitId))
              and (@leaderId::bigint is null or exists (select 1 from task_leaders tl where tl.task_id = t.id and tl.leader_id = @leaderId))
              -- strpos, not ilike: a typed % or _ is text to find, not a wildcard.
              and (@search::text is null or strpos(lower(t.title), lower(@search)) > 0 or strpos(lower(t.full_text), lower(@search)) > 0 or t.code = @search)
            order by p.year desc, t.plan_id, t.position
            """;
        return await QueryAsync<TaskInfo>(sql, new { filter.PlanId, filter.Section, filter.UnitId, filter.LeaderId, filter.Search }, ct);
    }

    public async Task<TaskInfo?> TaskAsync(long id, CancellationToken ct) =>
        (await QueryAsync<TaskInfo>($"select {TaskColumns} from tasks t join plans p on p.id = t.plan_id left join sections s on s.id = t.section_id where t.id = @id", new { id }, ct)).SingleOrDefault();

    public async Task<IReadOnlyList<MilestoneInfo>> MilestonesOfTaskAsync(long taskId, CancellationToken ct) =>
        await QueryAsync<MilestoneInfo>($"""
            select {MilestoneColumns}, exists (select 1 from acknowledgements a where a.milestone_id = m.id) as Acknowledged
            from milestones m join tasks t on t.id = m.task_id where m.task_id = @taskId order by m.due_date, m.key
            """, new { taskId }, ct);

    /// <summary>Milestones of every task the unit is lead or co on; <paramref name="openOnly"/> for the signed-link page.</summary>
    public async Task<IReadOnlyList<MilestoneInfo>> MilestonesOfUnitAsync(long unitId, bool openOnly, CancellationToken ct) =>
        await QueryAsync<MilestoneInfo>($"""
            select {MilestoneColumns}, exists (select 1 from acknowledgements a where a.milestone_id = m.id and a.unit_id = @unitId) as Acknowledged
            from milestones m join tasks t on t.id = m.task_id
            where exists (select 1 from task_units tu where tu.task_id = t.id and tu.unit_id = @unitId)
              and (not @openOnly or m.status = 'open')
            order by m.due_date, t.position, m.key
            """, new { unitId, openOnly }, ct);

    public async Task<IReadOnlyList<MilestoneInfo>> MilestonesAsync(DateOnly? dueBefore, bool openOnly, CancellationToken ct) =>
        await QueryAsync<MilestoneInfo>($"""
            select {MilestoneColumns}, exists (select 1 from acknowledgements a where a.milestone_id = m.id) as Acknowledged
            from milestones m join tasks t on t.id = m.task_id
            where (@dueBefore::date is null or m.due_date < @dueBefore) and (not @openOnly or m.status = 'open')
            order by m.due_date, t.position, m.key
            """, new { dueBefore, openOnly }, ct);

    public async Task<MilestoneInfo?> MilestoneAsync(long id, CancellationToken ct) =>
        (await QueryAsync<MilestoneInfo>($"""
            select {MilestoneColumns}, exists (select 1 from acknowledgements a where a.milestone_id = m.id) as Acknowledged
            from milestones m join tasks t on t.id = m.task_id where m.id = @id
            """, new { id }, ct)).SingleOrDefault();

    /// <summary>Whether the milestone belongs to a task the unit is lead or co on: the whole scope of a signed link or unit token.</summary>
    public async Task<bool> UnitOwnsMilestoneAsync(long unitId, long milestoneId, CancellationToken ct) =>
        (await QueryAsync<int>("""
            select 1 from milestones m join task_units tu on tu.task_id = m.task_id
            where m.id = @milestoneId and tu.unit_id = @unitId limit 1
            """, new { unitId, milestoneId }, ct)).Count > 0;

    /// <summary>The unit's role on each task it answers for: "lead" (牵头, may 办结) or "co" (配合, reports progress only).</summary>
    public async Task<IReadOnlyDictionary<long, string>> TaskRolesOfUnitAsync(long unitId, CancellationToken ct) =>
        (await QueryAsync<(long TaskId, string Role)>(
            "select task_id, role from task_units where unit_id = @unitId", new { unitId }, ct)).ToDictionary(r => r.TaskId, r => r.Role);

    /// <summary>Whether the unit is a lead unit (牵头单位) of the milestone's task: only a lead unit may mark it done.</summary>
    public async Task<bool> UnitLeadsMilestoneAsync(long unitId, long milestoneId, CancellationToken ct) =>
        (await QueryAsync<int>("""
            select 1 from milestones m join task_units tu on tu.task_id = m.task_id
            where m.id = @milestoneId and tu.unit_id = @unitId and tu.role = 'lead' limit 1
            """, new { unitId, milestoneId }, ct)).Count > 0;

    public async Task<IReadOnlyList<ProgressInfo>> ProgressOfTaskAsync(long taskId, CancellationToken ct) =>
        await QueryAsync<ProgressInfo>("""
            select p.id, p.milestone_id as MilestoneId, m.title as MilestoneTitle, p.percent, p.note, p.reported_at as ReportedAt, p.source,
                   p.reported_by as ReportedBy, u.name as Unit
            from progress_reports p join milestones m on m.id = p.milestone_id left join units u on u.id = p.unit_id
            where m.task_id = @taskId order by p.reported_at desc, p.id desc
            """, new { taskId }, ct);

    public async Task<IReadOnlyList<ReminderInfo>> RemindersOfTaskAsync(long taskId, CancellationToken ct) =>
        await QueryAsync<ReminderInfo>("""
            select r.id, r.milestone_id as MilestoneId, m.title as MilestoneTitle, r.level::int as Level, r.local_date::timestamp as LocalDate,
                   r.working_days_overdue as WorkingDaysOverdue, r.composed_at as ComposedAt
            from reminders r join milestones m on m.id = r.milestone_id
            where m.task_id = @taskId order by r.local_date desc, r.level desc
            """, new { taskId }, ct);

    public async Task<IReadOnlyList<MessageInfo>> MessagesAsync(string? state, string? channel, string? kind, long? unitId, long? taskId, int limit, CancellationToken ct) =>
        await QueryAsync<MessageInfo>($"""
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
        await QueryAsync<OwedReminder>("""
            select r.id, r.local_date::timestamp as LocalDate, r.level::int as Level, t.id as TaskId, t.code as TaskCode, m.title as MilestoneTitle,
                   m.due_date::timestamp as DueDate,
                   (select string_agg(u.name, '、' order by tu.position) from task_units tu join units u on u.id = tu.unit_id where tu.task_id = t.id and tu.role = 'lead') as LeadUnits
            from reminders r join milestones m on m.id = r.milestone_id join tasks t on t.id = m.task_id
            where r.composed_at is null
            order by r.local_date, r.level desc, m.due_date
            limit @limit
            """, new { limit }, ct);

    public async Task<IReadOnlyDictionary<string, int>> MessageCountsAsync(CancellationToken ct) =>
        (await QueryAsync<(string State, int Count)>("select state, count(*)::int from messages group by state", null, ct)).ToDictionary(r => r.State, r => r.Count);

    public async Task<(MessageInfo Message, string BodyText, string? BodyHtml, IReadOnlyList<AttemptInfo> Attempts)?> MessageAsync(long id, CancellationToken ct)
    {
        var message = (await QueryAsync<MessageInfo>($"select {MessageColumns} from messages m left join units u on u.id = m.unit_id where m.id = @id", new { id }, ct)).SingleOrDefault();
        if (message is null)
        {
            return null;
        }

        var body = (await QueryAsync<(string Text, string? Html)>("select body_text, body_html from messages where id = @id", new { id }, ct)).Single();
        var attempts = await QueryAsync<AttemptInfo>("""
            select attempt, worker, started_at as StartedAt, finished_at as FinishedAt, outcome, error, provider_message_id as ProviderMessageId
            from delivery_attempts where message_id = @id order by attempt
            """, new { id }, ct);
        return (message, body.Text, body.Html, attempts);
    }

    /// <summary>A dead message goes back to pending, due now; the attempts so far are kept.</summary>
    public async Task<bool> RetryMessageAsync(long id, string actor, DateTimeOffset now, CancellationToken ct) =>
        await ChangeAsync(
            "update messages set state = 'pending', next_attempt_at = @now, lease_owner = null, lease_until = null where id = @id and state = 'dead'",
            new { id, now = now.ToUniversalTime() }, now, actor, "message.retry", $"message:{id}", ct);

    public async Task<bool> CancelMessageAsync(long id, string actor, DateTimeOffset now, CancellationToken ct) =>
        await ChangeAsync(
            "update messages set state = 'cancelled' where id = @id and state in ('pending', 'held', 'failed')",
            new { id }, now, actor, "message.cancel", $"message:{id}", ct);

    public async Task<bool> PauseTaskAsync(long id, bool pause, string actor, DateTimeOffset now, CancellationToken ct) =>
        await ChangeAsync(
            pause ? "update tasks set paused_at = @now, paused_by = @actor where id = @id and paused_at is null"
                  : "update tasks set paused_at = null, paused_by = null where id = @id and paused_at is not null",
            new { id, now = now.ToUniversalTime(), actor }, now, actor, pause ? "task.pause" : "task.resume", $"task:{id}", ct);

    public async Task<bool> PauseUnitAsync(long id, bool pause, string actor, DateTimeOffset now, CancellationToken ct) =>
        await ChangeAsync(
            pause ? "update units set paused_at = @now, paused_by = @actor where id = @id and paused_at is null"
                  : "update units set paused_at = null, paused_by = null where id = @id and paused_at is not null",
            new { id, now = now.ToUniversalTime(), actor }, now, actor, pause ? "unit.pause" : "unit.resume", $"unit:{id}", ct);

    public async Task<IReadOnlyList<ExtensionInfo>> ExtensionsAsync(string? status, long? unitId, CancellationToken ct) =>
        await QueryAsync<ExtensionInfo>("""
            select e.id, e.milestone_id as MilestoneId, m.title as MilestoneTitle, t.code as TaskCode, t.id as TaskId, u.name as Unit,
                   e.requested_due::timestamp as RequestedDue, m.due_date::timestamp as DueDate, m.original_due_date::timestamp as OriginalDueDate,
                   e.reason, e.status, e.requested_at as RequestedAt, e.decided_by as DecidedBy, e.decision_note as DecisionNote
            from extension_requests e join milestones m on m.id = e.milestone_id join tasks t on t.id = m.task_id left join units u on u.id = e.unit_id
            where (@status::text is null or e.status = @status) and (@unitId::bigint is null or e.unit_id = @unitId)
            order by e.status = 'pending' desc, e.requested_at desc
            """, new { status, unitId }, ct);

    public async Task<long> RequestExtensionAsync(long milestoneId, long unitId, DateOnly requestedDue, string reason, string actor, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new BadInputException("请填写延期理由");
        }

        InputLimits.Check(reason.Trim(), InputLimits.ExtensionReason, "延期理由");

        const string sql = """
            insert into extension_requests (milestone_id, unit_id, requested_due, reason, requested_at)
            select m.id, @unitId, @requestedDue, @reason, @now from milestones m where m.id = @milestoneId and m.status = 'open' and m.due_date < @requestedDue
            returning id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            sql, new { milestoneId, unitId, requestedDue, reason = reason.Trim(), now = now.ToUniversalTime() }, tx, cancellationToken: ct))
            ?? throw new BadInputException("新的完成时限须晚于当前时限，且时间节点尚未办结");
        await AuditAsync(connection, tx, now, actor, "extension.request", $"milestone:{milestoneId}", new { extension = id, requestedDue = requestedDue.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>Approve moves the milestone's due date to the requested one; original_due_date keeps the first, for assessment.</summary>
    public async Task<bool> DecideExtensionAsync(long id, bool approve, string? note, string actor, DateTimeOffset now, CancellationToken ct)
    {
        const string decide = """
            update extension_requests set status = @status, decided_at = @now, decided_by = @actor, decision_note = @note
            where id = @id and status = 'pending'
            returning milestone_id as MilestoneId, requested_due::timestamp as RequestedDue
            """;
        const string move = "update milestones set due_date = @due, updated_at = @now where id = @milestoneId";
        InputLimits.Check(note?.Trim(), InputLimits.DecisionNote, "审批意见");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var utc = now.ToUniversalTime();
        var row = await connection.QuerySingleOrDefaultAsync<(long MilestoneId, DateTime RequestedDue)?>(new CommandDefinition(
            decide, new { id, status = approve ? "approved" : "rejected", now = utc, actor, note = string.IsNullOrWhiteSpace(note) ? null : note.Trim() }, tx, cancellationToken: ct));
        if (row is null)
        {
            return false;
        }

        if (approve)
        {
            await connection.ExecuteAsync(new CommandDefinition(move, new { due = DateOnly.FromDateTime(row.Value.RequestedDue), now = utc, milestoneId = row.Value.MilestoneId }, tx, cancellationToken: ct));
        }

        await AuditAsync(connection, tx, now, actor, approve ? "extension.approve" : "extension.reject", $"extension:{id}", new { milestone = row.Value.MilestoneId, note }, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>签收: idempotent; stops first-level reminders for the unit.</summary>
    public async Task<bool> AcknowledgeAsync(long milestoneId, long unitId, string source, string actor, DateTimeOffset now, CancellationToken ct) =>
        await ChangeAsync(
            "insert into acknowledgements (milestone_id, unit_id, acknowledged_at, source) values (@milestoneId, @unitId, @now, @source) on conflict do nothing",
            new { milestoneId, unitId, now = now.ToUniversalTime(), source }, now, actor, "milestone.acknowledge", $"milestone:{milestoneId}", ct);

    public async Task WriteAuditAsync(DateTimeOffset now, string actor, string action, string target, object? details, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await AuditAsync(connection, tx, now, actor, action, target, details, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The office-wide on-time rate per snapshot day: lead milestones done on time over those due, summed over units.</summary>
    public async Task<IReadOnlyList<TrendPoint>> TrendAsync(int days, CancellationToken ct) =>
        await QueryAsync<TrendPoint>("""
            select snapshot_date::timestamp as Date, sum(due)::int as Due, sum(done_on_time)::int as OnTime
            from unit_rate_snapshots
            where snapshot_date > (select max(snapshot_date) from unit_rate_snapshots) - @days
            group by snapshot_date order by snapshot_date
            """, new { days }, ct);

    public async Task<int> JobFailuresSinceAsync(string jobName, DateTimeOffset since, CancellationToken ct) =>
        (await QueryAsync<int>("select count(*)::int from job_runs where job_name = @jobName and outcome = 'failed' and started_at >= @since", new { jobName, since = since.ToUniversalTime() }, ct)).Single();

    public async Task<(int Plans, int Tasks, int Milestones, int Done, int Units, int PendingExtensions)> TotalsAsync(CancellationToken ct) =>
        (await QueryAsync<(int, int, int, int, int, int)>("""
            select (select count(*) from plans)::int, (select count(*) from tasks)::int, (select count(*) from milestones)::int,
                   (select count(*) from milestones where status = 'done')::int, (select count(*) from units)::int,
                   (select count(*) from extension_requests where status = 'pending')::int
            """, null, ct)).Single();

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: ct))];
    }

    /// <summary>One change and its audit row in one transaction; false (and no audit) when nothing changed.</summary>
    private async Task<bool> ChangeAsync(string sql, object parameters, DateTimeOffset now, string actor, string action, string target, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(sql, parameters, tx, cancellationToken: ct));
        if (changed > 0)
        {
            await AuditAsync(connection, tx, now, actor, action, target, null, ct);
        }

        await tx.CommitAsync(ct);
        return changed > 0;
    }

    private static async Task AuditAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset now, string actor, string action, string target, object? details, CancellationToken ct)
    {
        const string sql = "insert into audit_log (at, actor, action, target, details) values (@at, @actor, @action, @target, @details::jsonb)";
        var json = details is null ? null : System.Text.Json.JsonSerializer.Serialize(details);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { at = now.ToUniversalTime(), actor, action, target, details = json }, tx, cancellationToken: ct));
    }
}
