using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <param name="ReviewState">
/// The 办结 review of an open milestone: null (none, or the last application was approved and staff reopened it),
/// "pending" (待审核: applied, not chased, not yet done) or "returned" (已退回: open again, <paramref name="ReturnReason"/> says why).
/// </param>
/// <param name="ReturnReason">The office's reason on the latest application when it was returned; null otherwise.</param>
/// <param name="AppliedAt">When the latest 办结 application was made (UTC), whatever its state; null when none was.</param>
public sealed record MilestoneInfo(
    long Id, long TaskId, string TaskCode, string TaskTitle, string Key, string Kind, string Title, DateTime DueDate,
    DateTime OriginalDueDate, string Status, DateTime? CompletedAt, int? LatestPercent, bool Acknowledged,
    string? ReviewState = null, string? ReturnReason = null, DateTime? AppliedAt = null);

public sealed record ExtensionInfo(
    long Id, long MilestoneId, string MilestoneTitle, string TaskCode, long TaskId, string? Unit, DateTime RequestedDue, DateTime DueDate,
    DateTime OriginalDueDate, string Reason, string Status, DateTime RequestedAt, string? DecidedBy, string? DecisionNote);

/// <summary>Milestones, which unit answers for them, and the extension requests made on them.</summary>
public sealed class MilestoneQueries(NpgsqlDataSource dataSource)
{
    private const string MilestoneColumns = """
        m.id, m.task_id as TaskId, t.code as TaskCode, t.title as TaskTitle, m.key, m.kind, m.title, m.due_date::timestamp as DueDate,
        m.original_due_date::timestamp as OriginalDueDate, m.status, m.completed_at as CompletedAt,
        (select p.percent from progress_reports p where p.milestone_id = m.id and p.percent is not null order by p.reported_at desc, p.id desc limit 1) as LatestPercent
        """;

    // The latest 办结 application of each milestone; its state says the review state while the milestone is open.
    private const string ReviewJoin = """
        left join lateral (
            select ca.state, ca.return_reason, ca.applied_at from completion_applications ca
            where ca.milestone_id = m.id order by ca.applied_at desc, ca.id desc limit 1) ca on true
        """;

    private const string ReviewColumns = """
        case when m.status = 'open' and ca.state in ('pending', 'returned') then ca.state end as ReviewState,
        case when m.status = 'open' and ca.state = 'returned' then ca.return_reason end as ReturnReason,
        ca.applied_at as AppliedAt
        """;

    public async Task<IReadOnlyList<MilestoneInfo>> MilestonesOfTaskAsync(long taskId, CancellationToken ct) =>
        await dataSource.ListAsync<MilestoneInfo>($"""
            select {MilestoneColumns}, exists (select 1 from acknowledgements a where a.milestone_id = m.id) as Acknowledged, {ReviewColumns}
            from milestones m join tasks t on t.id = m.task_id {ReviewJoin} where m.task_id = @taskId order by m.due_date, m.key
            """, new { taskId }, ct);

    /// <summary>Milestones of every task the unit is lead or co on; <paramref name="openOnly"/> for the signed-link page.</summary>
    public async Task<IReadOnlyList<MilestoneInfo>> MilestonesOfUnitAsync(long unitId, bool openOnly, CancellationToken ct) =>
        await dataSource.ListAsync<MilestoneInfo>($"""
            select {MilestoneColumns}, exists (select 1 from acknowledgements a where a.milestone_id = m.id and a.unit_id = @unitId) as Acknowledged, {ReviewColumns}
            from milestones m join tasks t on t.id = m.task_id {ReviewJoin}
            where exists (select 1 from task_units tu where tu.task_id = t.id and tu.unit_id = @unitId)
              and (not @openOnly or m.status = 'open')
            order by m.due_date, t.position, m.key
            """, new { unitId, openOnly }, ct);

    public async Task<IReadOnlyList<MilestoneInfo>> MilestonesAsync(DateOnly? dueBefore, bool openOnly, CancellationToken ct) =>
        await dataSource.ListAsync<MilestoneInfo>($"""
            select {MilestoneColumns}, exists (select 1 from acknowledgements a where a.milestone_id = m.id) as Acknowledged, {ReviewColumns}
            from milestones m join tasks t on t.id = m.task_id {ReviewJoin}
            where (@dueBefore::date is null or m.due_date < @dueBefore) and (not @openOnly or m.status = 'open')
            order by m.due_date, t.position, m.key
            """, new { dueBefore, openOnly }, ct);

    /// <summary>
    /// Each task's most urgent open milestone: the earliest due, one waiting for review (待审核) only when nothing else is
    /// open — where the task list says a task stands. One row per task with an open milestone, picked in the database.
    /// </summary>
    public async Task<IReadOnlyList<MilestoneInfo>> MostUrgentOpenPerTaskAsync(CancellationToken ct) =>
        await dataSource.ListAsync<MilestoneInfo>($"""
            select distinct on (m.task_id) {MilestoneColumns}, exists (select 1 from acknowledgements a where a.milestone_id = m.id) as Acknowledged, {ReviewColumns}
            from milestones m join tasks t on t.id = m.task_id {ReviewJoin}
            where m.status = 'open'
            order by m.task_id, ca.state is not distinct from 'pending', m.due_date, m.key
            """, new { }, ct);

    public async Task<MilestoneInfo?> MilestoneAsync(long id, CancellationToken ct) =>
        (await dataSource.ListAsync<MilestoneInfo>($"""
            select {MilestoneColumns}, exists (select 1 from acknowledgements a where a.milestone_id = m.id) as Acknowledged, {ReviewColumns}
            from milestones m join tasks t on t.id = m.task_id {ReviewJoin} where m.id = @id
            """, new { id }, ct)).SingleOrDefault();

    /// <summary>Whether the milestone belongs to a task the unit is lead or co on: the whole scope of a signed link or unit token.</summary>
    public async Task<bool> UnitOwnsMilestoneAsync(long unitId, long milestoneId, CancellationToken ct) =>
        (await dataSource.ListAsync<int>("""
            select 1 from milestones m join task_units tu on tu.task_id = m.task_id
            where m.id = @milestoneId and tu.unit_id = @unitId limit 1
            """, new { unitId, milestoneId }, ct)).Count > 0;

    /// <summary>The unit's role on each task it answers for: "lead" (牵头, may 办结) or "co" (配合, reports progress only).</summary>
    public async Task<IReadOnlyDictionary<long, string>> TaskRolesOfUnitAsync(long unitId, CancellationToken ct) =>
        (await dataSource.ListAsync<(long TaskId, string Role)>(
            "select task_id, role from task_units where unit_id = @unitId", new { unitId }, ct)).ToDictionary(r => r.TaskId, r => r.Role);

    /// <summary>The units a task names, lead units first: whom staff may enter a phoned-in report for.</summary>
    public async Task<IReadOnlyList<(long UnitId, string Name, string Role)>> UnitsOfTaskAsync(long taskId, CancellationToken ct) =>
        await dataSource.ListAsync<(long UnitId, string Name, string Role)>("""
            select u.id, u.name, tu.role from task_units tu join units u on u.id = tu.unit_id
            where tu.task_id = @taskId order by tu.role = 'lead' desc, tu.position, u.name
            """, new { taskId }, ct);

    /// <summary>Whether the unit is a lead unit (牵头单位) of the milestone's task: only a lead unit may mark it done.</summary>
    public async Task<bool> UnitLeadsMilestoneAsync(long unitId, long milestoneId, CancellationToken ct) =>
        (await dataSource.ListAsync<int>("""
            select 1 from milestones m join task_units tu on tu.task_id = m.task_id
            where m.id = @milestoneId and tu.unit_id = @unitId and tu.role = 'lead' limit 1
            """, new { unitId, milestoneId }, ct)).Count > 0;

    public async Task<IReadOnlyList<ExtensionInfo>> ExtensionsAsync(string? status, long? unitId, CancellationToken ct) =>
        await dataSource.ListAsync<ExtensionInfo>("""
            select e.id, e.milestone_id as MilestoneId, m.title as MilestoneTitle, t.code as TaskCode, t.id as TaskId, u.name as Unit,
                   e.requested_due::timestamp as RequestedDue, m.due_date::timestamp as DueDate, m.original_due_date::timestamp as OriginalDueDate,
                   e.reason, e.status, e.requested_at as RequestedAt, e.decided_by as DecidedBy, e.decision_note as DecisionNote
            from extension_requests e join milestones m on m.id = e.milestone_id join tasks t on t.id = m.task_id left join units u on u.id = e.unit_id
            where (@status::text is null or e.status = @status) and (@unitId::bigint is null or e.unit_id = @unitId)
            order by e.status = 'pending' desc, e.requested_at desc
            """, new { status, unitId }, ct);
}
