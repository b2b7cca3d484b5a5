using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

public sealed record TaskInfo(
    long Id, long PlanId, string PlanTitle, int PlanYear, string Code, string Title, string FullText, string? Section,
    string? LeadUnits, string? CoUnits, string? Leaders, DateTime? Deadline, DateTime? PausedAt, string? PausedBy, bool NoResponsibleUnit);

public sealed record ProgressInfo(long Id, long MilestoneId, string MilestoneTitle, int? Percent, string? Note, DateTime ReportedAt, string Source, string? ReportedBy, string? Unit);

public sealed record ReminderInfo(long Id, long MilestoneId, string MilestoneTitle, int Level, DateTime LocalDate, int WorkingDaysOverdue, DateTime? ComposedAt);

public sealed record TrendPoint(DateTime Date, int Due, int OnTime);

public sealed record TaskFilter(long? PlanId, string? Section, long? UnitId, long? LeaderId, string? Search);

/// <summary>Plans, tasks and what happened on them (progress, reminders), and the office-wide figures of the overview.</summary>
public sealed class TaskQueries(NpgsqlDataSource dataSource)
{
    private const string TaskColumns = """
        t.id, t.plan_id as PlanId, p.title as PlanTitle, p.year as PlanYear, t.code, t.title, t.full_text as FullText, s.path as Section,
        (select string_agg(u.name, '、' order by tu.position) from task_units tu join units u on u.id = tu.unit_id where tu.task_id = t.id and tu.role = 'lead') as LeadUnits,
        (select string_agg(u.name, '、' order by tu.position) from task_units tu join units u on u.id = tu.unit_id where tu.task_id = t.id and tu.role = 'co') as CoUnits,
        (select string_agg(l.name, '、' order by tl.position) from task_leaders tl join leaders l on l.id = tl.leader_id where tl.task_id = t.id) as Leaders,
        t.deadline::timestamp as Deadline, t.paused_at as PausedAt, t.paused_by as PausedBy, t.no_responsible_unit as NoResponsibleUnit
        """;

    public async Task<IReadOnlyList<(long Id, int Year, string Title)>> PlansAsync(CancellationToken ct) =>
        await dataSource.ListAsync<(long, int, string)>("select id, year, title from plans order by year desc, title", null, ct);

    public async Task<IReadOnlyList<(long Id, string Name)>> LeadersAsync(CancellationToken ct) =>
        await dataSource.ListAsync<(long, string)>("select id, name from leaders order by name", null, ct);

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
        return await dataSource.ListAsync<TaskInfo>(sql, new { filter.PlanId, filter.Section, filter.UnitId, filter.LeaderId, filter.Search }, ct);
    }

    public async Task<TaskInfo?> TaskAsync(long id, CancellationToken ct) =>
        (await dataSource.ListAsync<TaskInfo>($"select {TaskColumns} from tasks t join plans p on p.id = t.plan_id left join sections s on s.id = t.section_id where t.id = @id", new { id }, ct)).SingleOrDefault();

    public async Task<IReadOnlyList<ProgressInfo>> ProgressOfTaskAsync(long taskId, CancellationToken ct) =>
        await dataSource.ListAsync<ProgressInfo>("""
            select p.id, p.milestone_id as MilestoneId, m.title as MilestoneTitle, p.percent, p.note, p.reported_at as ReportedAt, p.source,
                   p.reported_by as ReportedBy, u.name as Unit
            from progress_reports p join milestones m on m.id = p.milestone_id left join units u on u.id = p.unit_id
            where m.task_id = @taskId order by p.reported_at desc, p.id desc
            """, new { taskId }, ct);

    public async Task<IReadOnlyList<ReminderInfo>> RemindersOfTaskAsync(long taskId, CancellationToken ct) =>
        await dataSource.ListAsync<ReminderInfo>("""
            select r.id, r.milestone_id as MilestoneId, m.title as MilestoneTitle, r.level::int as Level, r.local_date::timestamp as LocalDate,
                   r.working_days_overdue as WorkingDaysOverdue, r.composed_at as ComposedAt
            from reminders r join milestones m on m.id = r.milestone_id
            where m.task_id = @taskId order by r.local_date desc, r.level desc
            """, new { taskId }, ct);

    /// <summary>The office-wide on-time rate per snapshot day: lead milestones done on time over those due, summed over units.</summary>
    public async Task<IReadOnlyList<TrendPoint>> TrendAsync(int days, CancellationToken ct) =>
        await dataSource.ListAsync<TrendPoint>("""
            select snapshot_date::timestamp as Date, sum(due)::int as Due, sum(done_on_time)::int as OnTime
            from unit_rate_snapshots
            where snapshot_date > (select max(snapshot_date) from unit_rate_snapshots) - @days
            group by snapshot_date order by snapshot_date
            """, new { days }, ct);

    public async Task<(int Plans, int Tasks, int Milestones, int Done, int Units, int PendingExtensions)> TotalsAsync(CancellationToken ct) =>
        (await dataSource.ListAsync<(int, int, int, int, int, int)>("""
            select (select count(*) from plans)::int, (select count(*) from tasks)::int, (select count(*) from milestones)::int,
                   (select count(*) from milestones where status = 'done')::int, (select count(*) from units)::int,
                   (select count(*) from extension_requests where status = 'pending')::int
            """, null, ct)).Single();
}
