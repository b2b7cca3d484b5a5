using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Delivery;

/// <summary>Milestone totals as of the end of a date: due by then, done on time, done late, still open (overdue).</summary>
public sealed record DigestTotals(int Tasks, int Due, int OnTime, int Late, int OverdueOpen)
{
    public double? CompletionRate => Due == 0 ? null : (double)(OnTime + Late) / Due;

    public double? OnTimeRate => Due == 0 ? null : (double)OnTime / Due;
}

/// <summary>An open milestone past its due date, with the task's lead units and responsible leaders.</summary>
public sealed record DigestOverdueRow(long MilestoneId, string Code, string Task, string Milestone, DateOnly DueDate, string Units, string Leaders);

/// <summary>A unit's row of the rates snapshot the change column compares with.</summary>
public sealed record DigestSnapshotRow(long UnitId, int Rank, double? OnTimeRate);

/// <summary>A unit or leader that reminders could not reach (reminder_gaps), grouped.</summary>
public sealed record DigestGapRow(string Who, bool IsUnit, string Reason, int Reminders, DateTimeOffset LastRecordedAt);

/// <summary>A message of the week that is dead or still retrying.</summary>
public sealed record DigestFailureRow(string Address, string? Name, string? Owner, string Channel, string Kind, string State, int Attempts, string? LastError, DateTimeOffset CreatedAt);

/// <summary>Delivery attempts in the week: all, sent, failed.</summary>
public sealed record DigestDeliveryCounts(int Attempts, int Sent, int Failed);

/// <summary>The reads behind the office's 督查通报, each one set-based query.</summary>
public sealed class SupervisionDigestStore(NpgsqlDataSource dataSource)
{
    /// <summary>Same rules as the unit rates: due by <paramref name="asOf"/>, done when completed before <paramref name="endOfDay"/>, on time when done by the due date.</summary>
    public Task<DigestTotals> TotalsAsync(DateOnly asOf, DateTimeOffset endOfDay, TimeZoneInfo zone, CancellationToken ct) =>
        TotalsAsync(asOf, endOfDay, zone, null, ct);

    /// <summary>The same over one plan's tasks (null: every plan).</summary>
    public async Task<DigestTotals> TotalsAsync(DateOnly asOf, DateTimeOffset endOfDay, TimeZoneInfo zone, long? planId, CancellationToken ct)
    {
        const string sql = """
            select (select count(*) from tasks where @planId::bigint is null or plan_id = @planId)::int as tasks,
                   count(*) filter (where due_date <= @asOf)::int as due,
                   count(*) filter (where due_date <= @asOf and done and done_date <= due_date)::int as ontime,
                   count(*) filter (where due_date <= @asOf and done and done_date > due_date)::int as late,
                   count(*) filter (where due_date <= @asOf and not done)::int as overdueopen
            from (
                select due_date, status = 'done' and completed_at < @endOfDay as done, (completed_at at time zone @zone)::date as done_date
                from milestones
                where @planId::bigint is null or task_id in (select id from tasks where plan_id = @planId)
            ) m
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<DigestTotals>(new CommandDefinition(
            sql, new { asOf, endOfDay = endOfDay.ToUniversalTime(), zone = zone.Id, planId }, cancellationToken: ct));
    }

    /// <summary>Every milestone due by <paramref name="asOf"/> and not done before <paramref name="endOfDay"/>, longest overdue first.</summary>
    public Task<IReadOnlyList<DigestOverdueRow>> OverdueAsync(DateOnly asOf, DateTimeOffset endOfDay, CancellationToken ct) =>
        OverdueAsync(asOf, endOfDay, null, ct);

    /// <summary>The same of one plan's tasks (null: every plan).</summary>
    public async Task<IReadOnlyList<DigestOverdueRow>> OverdueAsync(DateOnly asOf, DateTimeOffset endOfDay, long? planId, CancellationToken ct)
    {
        const string sql = """
            select m.id as milestoneid, t.code, t.title as task, m.title as milestone, m.due_date as duedate,
                   coalesce((select string_agg(u.name, '、' order by tu.position, u.id)
                             from task_units tu join units u on u.id = tu.unit_id
                             where tu.task_id = t.id and tu.role = 'lead'), '') as units,
                   coalesce((select string_agg(l.name, '、' order by tl.position, l.id)
                             from task_leaders tl join leaders l on l.id = tl.leader_id
                             where tl.task_id = t.id), '') as leaders
            from milestones m
            join tasks t on t.id = m.task_id
            where m.due_date <= @asOf and not (m.status = 'done' and m.completed_at < @endOfDay)
              and (@planId::bigint is null or t.plan_id = @planId)
            order by m.due_date, t.position, t.code, m.id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(long MilestoneId, string Code, string Task, string Milestone, DateTime DueDate, string Units, string Leaders)>(
            new CommandDefinition(sql, new { asOf, endOfDay = endOfDay.ToUniversalTime(), planId }, cancellationToken: ct));
        return rows.Select(r => new DigestOverdueRow(r.MilestoneId, r.Code, r.Task, r.Milestone, DateOnly.FromDateTime(r.DueDate), r.Units, r.Leaders)).ToList();
    }

    /// <summary>
    /// The snapshot the "change since last week" column compares with: the latest one on or before
    /// <paramref name="target"/> and not older than <paramref name="oldest"/>; none → the column shows "—".
    /// </summary>
    public async Task<(DateOnly? Date, IReadOnlyList<DigestSnapshotRow> Rows)> SnapshotAsync(DateOnly target, DateOnly oldest, CancellationToken ct)
    {
        const string dateSql = "select max(snapshot_date)::timestamp from unit_rate_snapshots where snapshot_date <= @target and snapshot_date >= @oldest";
        const string rowsSql = "select unit_id as unitid, rank, on_time_rate::float8 as ontimerate from unit_rate_snapshots where snapshot_date = @date";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var found = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(dateSql, new { target, oldest }, cancellationToken: ct));
        if (found is not { } day)
        {
            return (null, []);
        }

        var date = DateOnly.FromDateTime(day);
        var rows = await connection.QueryAsync<DigestSnapshotRow>(new CommandDefinition(rowsSql, new { date }, cancellationToken: ct));
        return (date, rows.ToList());
    }

    /// <summary>Units and leaders recorded in reminder_gaps in [from, to), one row per who and reason; with a plan, for reminders of its tasks only (null: every plan).</summary>
    public async Task<IReadOnlyList<DigestGapRow>> GapsAsync(DateTimeOffset from, DateTimeOffset to, long? planId, CancellationToken ct)
    {
        const string sql = """
            select coalesce(u.name, l.name, '') as who, g.unit_id is not null as isunit, g.reason,
                   count(distinct g.reminder_id)::int as reminders, max(g.recorded_at) as lastrecordedat
            from reminder_gaps g
            left join units u on u.id = g.unit_id
            left join leaders l on l.id = g.leader_id
            where g.recorded_at >= @from and g.recorded_at < @to
              and (@planId::bigint is null or exists (
                  select 1 from reminders r join milestones m on m.id = r.milestone_id join tasks t on t.id = m.task_id
                  where r.id = g.reminder_id and t.plan_id = @planId))
            group by 1, 2, 3
            order by 2 desc, 4 desc, 1
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string Who, bool IsUnit, string Reason, int Reminders, DateTime Last)>(
            new CommandDefinition(sql, new { from = from.ToUniversalTime(), to = to.ToUniversalTime(), planId }, cancellationToken: ct));
        return rows.Select(r => new DigestGapRow(r.Who, r.IsUnit, r.Reason, r.Reminders, new DateTimeOffset(DateTime.SpecifyKind(r.Last, DateTimeKind.Utc)))).ToList();
    }

    /// <summary>
    /// Messages dead or still retrying that had an attempt in [from, to), and the week's attempt counts; with a plan (null:
    /// every plan), messages to units or leaders on a task of the plan, and the office's own
    /// (a unit's message may carry several plans' items, so a unit on two plans shows in both).
    /// </summary>
    public async Task<(IReadOnlyList<DigestFailureRow> Failures, DigestDeliveryCounts Counts)> FailuresAsync(DateTimeOffset from, DateTimeOffset to, long? planId, CancellationToken ct)
    {
        const string ofPlan = """
            (@planId::bigint is null
             or (m.unit_id is null and m.leader_id is null)
             or exists (select 1 from task_units tu join tasks t on t.id = tu.task_id where tu.unit_id = m.unit_id and t.plan_id = @planId)
             or exists (select 1 from task_leaders tl join tasks t on t.id = tl.task_id where tl.leader_id = m.leader_id and t.plan_id = @planId))
            """;
        const string failuresSql = $$"""
            select m.recipient_address as address, m.recipient_name as name, coalesce(u.name, l.name) as owner, m.channel, m.kind, m.state,
                   m.attempts, m.last_error as lasterror, m.created_at as createdat
            from messages m
            left join units u on u.id = m.unit_id
            left join leaders l on l.id = m.leader_id
            where m.state in ('dead', 'failed')
              and exists (select 1 from delivery_attempts a where a.message_id = m.id and a.started_at >= @from and a.started_at < @to)
              and {{ofPlan}}
            order by m.state, m.created_at, m.id
            """;
        const string countsSql = $$"""
            select count(*)::int as attempts,
                   count(*) filter (where a.outcome = 'sent')::int as sent,
                   count(*) filter (where a.outcome in ('transient', 'permanent'))::int as failed
            from delivery_attempts a
            join messages m on m.id = a.message_id
            where a.started_at >= @from and a.started_at < @to
              and {{ofPlan}}
            """;
        var args = new { from = from.ToUniversalTime(), to = to.ToUniversalTime(), planId };
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string Address, string? Name, string? Owner, string Channel, string Kind, string State, int Attempts, string? LastError, DateTime CreatedAt)>(
            new CommandDefinition(failuresSql, args, cancellationToken: ct));
        var counts = await connection.QuerySingleAsync<DigestDeliveryCounts>(new CommandDefinition(countsSql, args, cancellationToken: ct));
        var failures = rows.Select(r => new DigestFailureRow(r.Address, r.Name, r.Owner, r.Channel, r.Kind, r.State, r.Attempts, r.LastError,
            new DateTimeOffset(DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc)))).ToList();
        return (failures, counts);
    }
}
