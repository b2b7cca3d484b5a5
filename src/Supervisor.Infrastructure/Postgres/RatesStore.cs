using Dapper;
using Npgsql;
using Supervisor.Core.Calendar;
using Supervisor.Core.Engine;

namespace Supervisor.Infrastructure.Postgres;

public sealed record TaskLight(long TaskId, string Code, Light Light, bool Overdue, bool DueSoon, bool BehindSchedule);

/// <summary>
/// Unit rates as of the end of a local date D, over milestones due on or before D: one set-based query for every unit,
/// lead and co counts side by side. A milestone done after D counts as open as of D, so past dates replay truthfully.
/// </summary>
public sealed class RatesStore(NpgsqlDataSource dataSource)
{
    /// <summary>Over every plan.</summary>
    /// <remarks>
    /// With a plan id (the overload below), only that plan's tasks count and only units with a task in it are ranked. Without it
    /// the filter folds away when the statement is planned with its parameters (a null plan makes both conditions
    /// constant true), so the all-plans path keeps its index-only plan.
    /// </remarks>
    public Task<IReadOnlyList<UnitRate>> ComputeAsync(DateOnly asOf, TimeZoneInfo zone, WorkingCalendar calendar, SupervisionOptions options, CancellationToken ct) =>
        ComputeAsync(asOf, zone, calendar, options, null, ct);

    public async Task<IReadOnlyList<UnitRate>> ComputeAsync(DateOnly asOf, TimeZoneInfo zone, WorkingCalendar calendar, SupervisionOptions options, long? planId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);

        // Milestones are folded per task first (1M rows → one per task, read in task order from milestones_task_due_idx),
        // then spread over the task's units by (unit, role): joining task_units to every milestone would multiply the
        // rows by the units per task. Nothing is joined per milestone: "due soon" is a date range (working days in
        // (D, horizon] are at most DueSoonWorkingDays by construction of the horizon), and the worst overdue is the
        // unit's oldest open due date, turned into working days here from the calendar — the working-day count is
        // monotonic in the date, so the oldest date is the worst. done ⇔ completed_at is set (a check constraint).
        const string sql = """
            with per_task as (
                select task_id,
                    count(*) filter (where due_date <= @asOf) as due,
                    count(*) filter (where due_date <= @asOf and completed_at < @endOfDay) as done,
                    count(*) filter (where due_date <= @asOf and completed_at < @endOfDay and (completed_at at time zone @zone)::date <= due_date) as on_time,
                    min(due_date) filter (where due_date < @asOf and (completed_at is null or completed_at >= @endOfDay)) as oldest_overdue,
                    count(*) filter (where due_date > @asOf and (completed_at is null or completed_at >= @endOfDay)) > 0 as due_soon
                from milestones
                where due_date <= @horizon
                  and (@planId::bigint is null or task_id in (select id from tasks where plan_id = @planId))
                group by task_id
            ),
            per_unit as (
                select tu.unit_id, tu.role,
                    sum(p.due)::int as due, sum(p.on_time)::int as on_time, sum(p.done - p.on_time)::int as late,
                    sum(p.due - p.done)::int as overdue_open, min(p.oldest_overdue) as oldest_overdue, bool_or(p.due_soon) as due_soon
                from task_units tu
                join per_task p on p.task_id = tu.task_id
                group by tu.unit_id, tu.role
            )
            select u.id as unitid, u.name as unit, r.role, coalesce(r.due, 0) as due, coalesce(r.on_time, 0) as ontime,
                   coalesce(r.late, 0) as late, coalesce(r.overdue_open, 0) as overdueopen,
                   r.oldest_overdue::timestamp as oldestoverdue, coalesce(r.due_soon, false) as duesoon
            from units u
            left join per_unit r on r.unit_id = u.id
            where @planId::bigint is null
               or exists (select 1 from task_units tu join tasks t on t.id = tu.task_id where tu.unit_id = u.id and t.plan_id = @planId)
            """;
        var rows = await connection.QueryAsync<RateRow>(new CommandDefinition(
            sql,
            new
            {
                asOf,
                horizon = MilestoneScanStore.DueSoonHorizon(asOf, calendar, options),
                endOfDay = EndOfDay(asOf, zone),
                zone = zone.Id,
                planId,
            },
            commandTimeout: 300,
            cancellationToken: ct));
        return UnitRanking.Rank(rows.GroupBy(r => (r.UnitId, r.Unit)).Select(g =>
        {
            var leadRow = g.FirstOrDefault(r => r.Role == "lead");
            var coRow = g.FirstOrDefault(r => r.Role == "co");
            var lead = leadRow is null ? new RoleCounts(0, 0, 0, 0) : new RoleCounts(leadRow.Due, leadRow.OnTime, leadRow.Late, leadRow.OverdueOpen);
            var co = coRow is null ? new RoleCounts(0, 0, 0, 0) : new RoleCounts(coRow.Due, coRow.OnTime, coRow.Late, coRow.OverdueOpen);
            var worst = leadRow?.OldestOverdue is { } oldest ? calendar.WorkingDaysBetween(DateOnly.FromDateTime(oldest), asOf) : 0;
            var dueSoon = leadRow?.DueSoon ?? false;
            return new UnitRate(g.Key.UnitId, g.Key.Unit, lead, co, worst, dueSoon, UnitRanking.LightOf(lead, worst, dueSoon, options), 0);
        }));
    }

    /// <summary>Writes the day's rates; running again the same day replaces that day's rows (idempotent per day).</summary>
    public async Task<int> SnapshotAsync(DateOnly date, IReadOnlyList<UnitRate> rates, CancellationToken ct)
    {
        const string sql = """
            insert into unit_rate_snapshots (snapshot_date, unit_id, due, done_on_time, done_late, overdue_open, completion_rate, on_time_rate,
                                             worst_overdue_working_days, co_due, co_done_on_time, co_done_late, co_overdue_open, light, rank)
            select @date, * from unnest(@unitIds, @due, @onTime, @late, @overdue, @completion, @onTimeRate, @worst, @coDue, @coOnTime, @coLate, @coOverdue, @lights, @ranks)
            on conflict (snapshot_date, unit_id) do update set
                due = excluded.due, done_on_time = excluded.done_on_time, done_late = excluded.done_late, overdue_open = excluded.overdue_open,
                completion_rate = excluded.completion_rate, on_time_rate = excluded.on_time_rate,
                worst_overdue_working_days = excluded.worst_overdue_working_days, co_due = excluded.co_due,
                co_done_on_time = excluded.co_done_on_time, co_done_late = excluded.co_done_late, co_overdue_open = excluded.co_overdue_open,
                light = excluded.light, rank = excluded.rank
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new
            {
                date,
                unitIds = rates.Select(r => r.UnitId).ToArray(),
                due = rates.Select(r => r.Lead.Due).ToArray(),
                onTime = rates.Select(r => r.Lead.OnTime).ToArray(),
                late = rates.Select(r => r.Lead.Late).ToArray(),
                overdue = rates.Select(r => r.Lead.OverdueOpen).ToArray(),
                completion = rates.Select(r => r.Lead.CompletionRate is { } v ? (decimal?)Math.Round((decimal)v, 4) : null).ToArray(),
                onTimeRate = rates.Select(r => r.Lead.OnTimeRate is { } v ? (decimal?)Math.Round((decimal)v, 4) : null).ToArray(),
                worst = rates.Select(r => r.WorstOverdueWorkingDays).ToArray(),
                coDue = rates.Select(r => r.Co.Due).ToArray(),
                coOnTime = rates.Select(r => r.Co.OnTime).ToArray(),
                coLate = rates.Select(r => r.Co.Late).ToArray(),
                coOverdue = rates.Select(r => r.Co.OverdueOpen).ToArray(),
                lights = rates.Select(r => r.Light.ToString().ToLowerInvariant()).ToArray(),
                ranks = rates.Select(r => r.Rank).ToArray(),
            },
            cancellationToken: ct));
    }

    /// <summary>
    /// Task lights during local date D: red when a milestone is overdue (due before D); yellow when one is due today or soon or the latest reported
    /// progress trails 序时进度 (<see cref="ScheduleProgress"/>: the elapsed share of the window from the plan's 1 January to
    /// the task's deadline) by more than <c>BehindSchedulePercent</c> points; green otherwise. Tasks without a progress report are not judged behind.
    /// </summary>
    public async Task<IReadOnlyList<TaskLight>> TaskLightsAsync(DateOnly asOf, TimeZoneInfo zone, WorkingCalendar calendar, SupervisionOptions options, long? planId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);

        // Open milestones are folded per task first (from milestones_task_due_idx), as the rates do: "due soon" is the
        // date range [D, horizon]. The latest report per task is found per milestone first, in the order of
        // progress_reports_milestone_idx, so only one row per reported milestone is sorted by task.
        const string sql = """
            with open_by_task as (
                select task_id,
                       bool_or(due_date < @asOf) as overdue,
                       bool_or(due_date >= @asOf and due_date <= @horizon) as due_soon
                from milestones
                where completed_at is null or completed_at >= @endOfDay
                group by task_id
            ),
            latest_by_milestone as (
                select distinct on (p.milestone_id) p.milestone_id, p.percent, p.reported_at
                from progress_reports p
                where p.reported_at < @endOfDay and p.percent is not null
                order by p.milestone_id, p.reported_at desc
            ),
            latest as (
                select distinct on (m.task_id) m.task_id, l.percent
                from latest_by_milestone l join milestones m on m.id = l.milestone_id
                order by m.task_id, l.reported_at desc
            )
            select t.id as taskid, t.code,
                   coalesce(o.overdue, false) as overdue,
                   coalesce(o.due_soon, false) as duesoon,
                   l.percent, p.year as planyear, t.deadline::timestamp as deadline
            from tasks t
            join plans p on p.id = t.plan_id
            left join open_by_task o on o.task_id = t.id
            left join latest l on l.task_id = t.id
            where @planId::bigint is null or t.plan_id = @planId
            order by t.position
            """;
        var rows = await connection.QueryAsync<(long TaskId, string Code, bool Overdue, bool DueSoon, int? Percent, int PlanYear, DateTime? Deadline)>(new CommandDefinition(
            sql,
            new
            {
                asOf,
                horizon = MilestoneScanStore.DueSoonHorizon(asOf, calendar, options),
                endOfDay = EndOfDay(asOf, zone),
                planId,
            },
            cancellationToken: ct));
        return rows.Select(r =>
        {
            var expected = ScheduleProgress.ExpectedPercent(r.PlanYear, r.Deadline is { } d ? DateOnly.FromDateTime(d) : null, asOf);
            var behind = ScheduleProgress.IsBehind(r.Percent, expected, options.BehindSchedulePercent);
            var light = r.Overdue ? Light.Red : r.DueSoon || behind ? Light.Yellow : Light.Green;
            return new TaskLight(r.TaskId, r.Code, light, r.Overdue, r.DueSoon, behind);
        }).ToList();
    }

    public static DateTimeOffset EndOfDay(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private sealed record RateRow(long UnitId, string Unit, string? Role, int Due, int OnTime, int Late, int OverdueOpen, DateTime? OldestOverdue, bool DueSoon);
}
