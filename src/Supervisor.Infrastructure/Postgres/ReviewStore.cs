using Dapper;
using Npgsql;
using Supervisor.Core;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>A 办结 application as the office's 待审核 queue shows it. Times are UTC; <see cref="OnTime"/> compares the applied local date with the due date.</summary>
public sealed record ApplicationInfo(
    long Id, long MilestoneId, string Milestone, long TaskId, string TaskCode, string TaskTitle, long? UnitId, string? Unit, DateTime AppliedAt, DateTime AppliedDate,
    DateTime DueDate, DateTime OriginalDueDate, string? Note, long? ProgressReportId, string Source, string AppliedBy, string State, string? DecidedBy,
    DateTime? DecidedAt, string? ReturnReason)
{
    public bool OnTime => AppliedDate <= DueDate;
}

/// <summary>A milestone whose latest 办结 application the office returned (退回), still open: what the unit must hear.</summary>
public sealed record ReturnedItem(
    long ApplicationId, long MilestoneId, string Milestone, long TaskId, string TaskCode, string TaskTitle, long UnitId, string Unit, DateTime DueDate,
    DateTime DecidedAt, string DecidedBy, string ReturnReason);

/// <summary>
/// The office's review of 办结 applications (<see cref="ProgressStore.ApplyAsync"/> makes them): 销号 marks the
/// milestone done as of the application, so an application made on time and approved late counts on time; 退回 leaves
/// it open (overdue again when past due, chased again) with a reason. Each decision and its audit row in one transaction.
/// </summary>
public sealed class ReviewStore(NpgsqlDataSource dataSource)
{
    private const string ApplicationColumns = """
        ca.id, ca.milestone_id as MilestoneId, m.title as Milestone, t.id as TaskId, t.code as TaskCode, t.title as TaskTitle, ca.unit_id as UnitId, u.name as Unit,
        ca.applied_at as AppliedAt, ca.applied_date::timestamp as AppliedDate, m.due_date::timestamp as DueDate, m.original_due_date::timestamp as OriginalDueDate,
        ca.note, ca.progress_report_id as ProgressReportId, ca.source, ca.applied_by as AppliedBy, ca.state, ca.decided_by as DecidedBy, ca.decided_at as DecidedAt,
        ca.return_reason as ReturnReason
        from completion_applications ca
        join milestones m on m.id = ca.milestone_id
        join tasks t on t.id = m.task_id
        left join units u on u.id = ca.unit_id
        """;

    /// <summary>待审核: pending applications, oldest first (the office works them in order).</summary>
    public async Task<IReadOnlyList<ApplicationInfo>> PendingAsync(CancellationToken ct) =>
        await dataSource.ListAsync<ApplicationInfo>($"""
            select {ApplicationColumns}
            where ca.state = 'pending'
            order by ca.applied_at, ca.id
            """, null, ct);

    /// <summary>Decided applications, latest first: what the queue shows under 最近处理.</summary>
    public async Task<IReadOnlyList<ApplicationInfo>> RecentlyDecidedAsync(int limit, CancellationToken ct) =>
        await dataSource.ListAsync<ApplicationInfo>($"""
            select {ApplicationColumns}
            where ca.state <> 'pending'
            order by ca.decided_at desc, ca.id desc
            limit @limit
            """, new { limit }, ct);

    public async Task<ApplicationInfo?> ApplicationAsync(long id, CancellationToken ct) =>
        (await dataSource.ListAsync<ApplicationInfo>($"select {ApplicationColumns} where ca.id = @id", new { id }, ct)).SingleOrDefault();

    /// <summary>The progress reports of the milestones (newest first): where their 佐证材料 hang.</summary>
    public async Task<IReadOnlyList<(long ReportId, long MilestoneId)>> ReportsOfMilestonesAsync(IReadOnlyCollection<long> milestoneIds, CancellationToken ct) =>
        milestoneIds.Count == 0
            ? []
            : await dataSource.ListAsync<(long ReportId, long MilestoneId)>(
                "select id, milestone_id from progress_reports where milestone_id = any(@ids) order by reported_at desc, id desc", new { ids = milestoneIds.ToArray() }, ct);

    public async Task<int> PendingCountAsync(CancellationToken ct) =>
        (await dataSource.ListAsync<int>("select count(*)::int from completion_applications where state = 'pending'", null, ct))[0];

    /// <summary>
    /// Milestones still open whose latest application was returned, for the lead units of their tasks (the unit that
    /// applied and any other lead unit: either may apply again); all units when <paramref name="unitIds"/> is null.
    /// </summary>
    public Task<IReadOnlyList<ReturnedItem>> ReturnedAsync(IReadOnlyCollection<long>? unitIds, CancellationToken ct) => ReturnedAsync(unitIds, null, ct);

    /// <summary>The same of one plan's tasks (null: every plan): a plan's 通报 lists only its own 退回 items.</summary>
    public async Task<IReadOnlyList<ReturnedItem>> ReturnedAsync(IReadOnlyCollection<long>? unitIds, long? planId, CancellationToken ct) =>
        await dataSource.ListAsync<ReturnedItem>("""
            select ca.id as ApplicationId, m.id as MilestoneId, m.title as Milestone, t.id as TaskId, t.code as TaskCode, t.title as TaskTitle,
                   u.id as UnitId, u.name as Unit, m.due_date::timestamp as DueDate, ca.decided_at as DecidedAt, ca.decided_by as DecidedBy, ca.return_reason as ReturnReason
            from milestones m
            join lateral (select * from completion_applications c where c.milestone_id = m.id order by c.applied_at desc, c.id desc limit 1) ca on ca.state = 'returned'
            join tasks t on t.id = m.task_id
            join task_units tu on tu.task_id = t.id and tu.role = 'lead'
            join units u on u.id = tu.unit_id
            where m.status = 'open'
              and m.id in (select milestone_id from completion_applications where state = 'returned')
              and (@unitIds::bigint[] is null or u.id = any(@unitIds))
              and (@planId::bigint is null or t.plan_id = @planId)
            order by u.name, m.due_date, t.position, m.key
            """, new { unitIds = unitIds?.ToArray(), planId }, ct);

    /// <summary>销号: the milestone is done as of the application (completed_at = applied_at). False when the application is not pending.</summary>
    public async Task<bool> ApproveAsync(long id, string actor, DateTimeOffset now, CancellationToken ct)
    {
        now = now.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        const string decide = """
            update completion_applications set state = 'approved', decided_by = @actor, decided_at = @now
            where id = @id and state = 'pending'
            returning milestone_id as MilestoneId, applied_at as AppliedAt, applied_date::timestamp as AppliedDate
            """;
        var row = await connection.QuerySingleOrDefaultAsync<(long MilestoneId, DateTime AppliedAt, DateTime AppliedDate)?>(new CommandDefinition(
            decide, new { id, actor, now }, tx, cancellationToken: ct));
        if (row is null)
        {
            return false;
        }

        // A pending application keeps its milestone open (ProgressStore refuses a direct 办结 meanwhile), so this finds it open.
        const string complete = """
            update milestones set status = 'done', completed_at = @appliedAt, updated_at = @now
            where id = @milestoneId and status = 'open'
            returning due_date::timestamp
            """;
        var appliedAt = DateTime.SpecifyKind(row.Value.AppliedAt, DateTimeKind.Utc);
        var due = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            complete, new { milestoneId = row.Value.MilestoneId, appliedAt, now }, tx, cancellationToken: ct))
            ?? throw new InvalidOperationException($"milestone {row.Value.MilestoneId} of pending application {id} is not open");
        await AuditLog.WriteAsync(
            connection, tx, now, actor, "completion.approve", $"milestone:{row.Value.MilestoneId}",
            new { application = id, appliedAt, onTime = row.Value.AppliedDate <= due }, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// 退回: the milestone stays open, is chased again (overdue when past due) and the unit's next message names the
    /// reason. A missing or over-long reason is refused in Chinese and nothing changes. False when the application is not pending.
    /// </summary>
    public async Task<bool> ReturnAsync(long id, string? reason, string actor, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new BadInputException("请填写退回理由，单位将在下一条提醒中看到。");
        }

        reason = InputLimits.Check(reason.Trim(), InputLimits.DecisionNote, "退回理由");
        now = now.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        const string decide = """
            update completion_applications set state = 'returned', decided_by = @actor, decided_at = @now, return_reason = @reason
            where id = @id and state = 'pending'
            returning milestone_id
            """;
        var milestoneId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(decide, new { id, actor, now, reason }, tx, cancellationToken: ct));
        if (milestoneId is null)
        {
            return false;
        }

        await AuditLog.WriteAsync(connection, tx, now, actor, "completion.return", $"milestone:{milestoneId}", new { application = id, reason }, ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
