using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>A task on a unit's page: its plan year and deadline (for 序时进度), the unit's role, and the unit's latest report on it.</summary>
public sealed record UnitTask(
    long Id, string Code, string Title, int PlanYear, DateTime? Deadline, string Role,
    DateTime? LastReportedAt, int? LastPercent, string? LastNote, int LastFiles);

/// <summary>A 延期 request waiting for the office, as the unit page names it.</summary>
public sealed record PendingExtension(long Id, long MilestoneId, DateTime RequestedDue, DateTime RequestedAt);

/// <summary>What a unit's signed-link page (/u/{token}) reads beyond its milestones: its tasks with their last report, and open 延期 requests.</summary>
public sealed class UnitPageQueries(NpgsqlDataSource dataSource)
{
    /// <summary>Every task the unit is lead or co on, with the unit's own latest progress report on any of the task's milestones.</summary>
    public async Task<IReadOnlyList<UnitTask>> TasksOfUnitAsync(long unitId, CancellationToken ct) =>
        await dataSource.ListAsync<UnitTask>("""
            select t.id, t.code, t.title, p.year as PlanYear, t.deadline::timestamp as Deadline, tu.role,
                   r.reported_at as LastReportedAt, r.percent as LastPercent, r.note as LastNote,
                   coalesce((select count(*)::int from evidence e where e.progress_report_id = r.id), 0) as LastFiles
            from task_units tu
            join tasks t on t.id = tu.task_id
            join plans p on p.id = t.plan_id
            left join lateral (
                select pr.id, pr.reported_at, pr.percent, pr.note from progress_reports pr join milestones m on m.id = pr.milestone_id
                where m.task_id = t.id and pr.unit_id = @unitId
                order by pr.reported_at desc, pr.id desc limit 1) r on true
            where tu.unit_id = @unitId
            order by t.position
            """, new { unitId }, ct);

    /// <summary>Open 延期 requests on the milestones of the unit's tasks (at most one per milestone), whoever made them.</summary>
    public async Task<IReadOnlyList<PendingExtension>> PendingExtensionsAsync(long unitId, CancellationToken ct) =>
        await dataSource.ListAsync<PendingExtension>("""
            select e.id, e.milestone_id as MilestoneId, e.requested_due::timestamp as RequestedDue, e.requested_at as RequestedAt
            from extension_requests e join milestones m on m.id = e.milestone_id
            where e.status = 'pending' and exists (select 1 from task_units tu where tu.task_id = m.task_id and tu.unit_id = @unitId)
            """, new { unitId }, ct);

    /// <summary>
    /// The milestone a task-level progress report is filed on: the unit's earliest-due open milestone of the task that is
    /// not waiting for 办结 review, else the earliest open one; null when the task has none open (or is not the unit's).
    /// </summary>
    public async Task<long?> ReportMilestoneAsync(long unitId, long taskId, CancellationToken ct) =>
        (await dataSource.ListAsync<long>("""
            select m.id from milestones m
            where m.task_id = @taskId and m.status = 'open'
              and exists (select 1 from task_units tu where tu.task_id = m.task_id and tu.unit_id = @unitId)
            order by exists (select 1 from completion_applications ca where ca.milestone_id = m.id and ca.state = 'pending'), m.due_date, m.key
            limit 1
            """, new { unitId, taskId }, ct)).Cast<long?>().FirstOrDefault();
}
