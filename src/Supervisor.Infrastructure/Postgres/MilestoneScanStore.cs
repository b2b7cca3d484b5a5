using Dapper;
using Npgsql;
using Supervisor.Core.Calendar;
using Supervisor.Core.Engine;

namespace Supervisor.Infrastructure.Postgres;

public sealed record ScanCounts(int Upcoming, int DueSoon, int DueToday, int Overdue, int Done);

public sealed record ScanResult(DateTimeOffset AsOf, DateOnly LocalDate, bool WorkingDay, ScanCounts Counts, int RemindersOwed, IReadOnlyDictionary<int, int> OwedByLevel)
{
    /// <summary>签收 reminders recorded by this pass: units that have not signed a task within Supervision:AcknowledgeWithinWorkingDays.</summary>
    public int AcknowledgementRemindersOwed { get; init; }
}

/// <summary>
/// The milestone scan: classifies every milestone as of an instant and records the reminders owed, in two set-based
/// statements. Idempotent: reminders has a unique key (milestone, level, local date), so running twice, or on two
/// nodes at once, adds nothing the second time. Repeats are measured from the reminders already recorded.
/// </summary>
public sealed class MilestoneScanStore(NpgsqlDataSource dataSource)
{
    private const int AnalyzeAfterInserts = 5_000;

    /// <summary>
    /// The last date still "due soon" from <paramref name="today"/>: the day before the (n+1)th working day, so a due
    /// date on the weekend after the nth working day counts too (it has only n working days left).
    /// </summary>
    public static DateOnly DueSoonHorizon(DateOnly today, WorkingCalendar calendar, SupervisionOptions options) =>
        calendar.AddWorkingDays(today, options.DueSoonWorkingDays + 1).AddDays(-1);

    public async Task<ScanResult> ScanAsync(DateTimeOffset asOf, TimeZoneInfo zone, WorkingCalendar calendar, SupervisionOptions options, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(asOf, zone).DateTime);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var bounds = await connection.QuerySingleAsync<(DateTime? Min, DateTime? Max)>(
            new CommandDefinition("select min(due_date)::timestamp, max(due_date)::timestamp from milestones", cancellationToken: ct));
        var horizon = DueSoonHorizon(today, calendar, options);
        var from = bounds.Min is { } min ? DateOnly.FromDateTime(min) : today;
        var index = WorkingDayIndex.Build(calendar, from < today ? from.AddDays(-1) : today.AddDays(-1), horizon);

        // Done means done by the as-of instant, so a scan "as of" a past instant sees what was open then. "Due soon" is
        // the date range (today, horizon]: the horizon is the last day before the (DueSoonWorkingDays + 1)-th working
        // day, so no milestone needs its own working-day lookup. done ⇔ completed_at is set (a check constraint).
        const string classify = """
            select
                count(*) filter (where not done and due_date > @horizon)::int as upcoming,
                count(*) filter (where not done and due_date > @today and due_date <= @horizon)::int as duesoon,
                count(*) filter (where not done and due_date = @today)::int as duetoday,
                count(*) filter (where not done and due_date < @today)::int as overdue,
                count(*) filter (where done)::int as done
            from (select due_date, coalesce(completed_at <= @asOf, false) as done from milestones) m
            """;
        var parameters = new
        {
            days = index.Days,
            workIdx = index.Index,
            today,
            todayIdx = index[today],
            dueSoon = options.DueSoonWorkingDays,
            asOf = asOf.ToUniversalTime(),
            horizon,
            level2Since = calendar.AddWorkingDays(today, -options.OverdueRepeatWorkingDays),
            level3Since = calendar.AddWorkingDays(today, -Math.Max(options.EscalationRepeatWorkingDays, 1)),
            escalationRepeats = options.EscalationRepeatWorkingDays > 0,
            escalateAfter = options.EscalateAfterWorkingDays,
        };
        var counts = await connection.QuerySingleAsync<ScanCounts>(new CommandDefinition(classify, parameters, cancellationToken: ct));

        var owed = new Dictionary<int, int> { [1] = 0, [2] = 0, [3] = 0 };
        var workingDay = calendar.IsWorkingDay(today);
        if (workingDay)
        {
            // Reminders are owed on working days only (nobody is chased on a holiday). Paused tasks, and tasks whose
            // lead units are all paused, owe nothing. The rules mirror Core's ReminderPolicy.
            const string owe = """
                with idx as (select * from unnest(@days, @workIdx) as t(day, n)),
                candidates as (
                    select m.id, m.due_date, @todayIdx - i.n as wd_overdue, @today - m.due_date as cd_overdue, i.n - @todayIdx as wd_left
                    from milestones m
                    join idx i on i.day = m.due_date
                    where (m.status = 'open' or m.completed_at > @asOf)
                      and m.due_date <= @horizon
                      and (not @anyChaseFrom
                           or not exists (select 1 from tasks t join plans p on p.id = t.plan_id
                                          where t.id = m.task_id and m.due_date < p.chase_from))
                      and (not @anyTaskPaused
                           or not exists (select 1 from tasks t where t.id = m.task_id and t.paused_at is not null))
                      and (not @anyUnitPaused
                           or not exists (select 1 from task_units tu where tu.task_id = m.task_id and tu.role = 'lead')
                           or exists (select 1 from task_units tu join units u on u.id = tu.unit_id
                                      where tu.task_id = m.task_id and tu.role = 'lead' and u.paused_at is null))
                      -- 待审核: the unit has applied for 办结; the office's review, not the unit, is what is awaited.
                      and (not @anyPending
                           or not exists (select 1 from completion_applications ca where ca.milestone_id = m.id and ca.state = 'pending'))
                ),
                owed as (
                    select c.id, 1 as level, c.wd_overdue, c.cd_overdue from candidates c
                    where c.due_date >= @today and c.wd_left <= @dueSoon
                      and not exists (select 1 from acknowledgements a where a.milestone_id = c.id)
                    union all
                    select c.id, 2, c.wd_overdue, c.cd_overdue from candidates c
                    where c.due_date < @today and c.wd_overdue >= 1
                      and not exists (select 1 from reminders r where r.milestone_id = c.id and r.level = 2
                                      and r.local_date > @level2Since and r.local_date <= @today)
                    union all
                    select c.id, 3, c.wd_overdue, c.cd_overdue from candidates c
                    where c.due_date < @today and c.wd_overdue >= @escalateAfter
                      and not exists (select 1 from reminders r where r.milestone_id = c.id and r.level = 3 and r.local_date <= @today
                                      and (not @escalationRepeats or r.local_date > @level3Since))
                )
                select o.id, o.level, greatest(o.wd_overdue, 0) as wd, greatest(o.cd_overdue, 0) as cd from owed o
                """;
            // Almost always nothing is paused: asked first, the pause rules then fold away when the statement is planned
            // with its parameters (1M milestones: the owe query 0.85–0.92 s → 0.21–0.25 s).
            // The same for plans imported with "chase only from today" (plans.chase_from) and for 办结 applications waiting.
            var paused = await connection.QuerySingleAsync<(bool AnyTaskPaused, bool AnyUnitPaused, bool AnyChaseFrom, bool AnyPending)>(new CommandDefinition(
                """
                select exists (select 1 from tasks where paused_at is not null), exists (select 1 from units where paused_at is not null),
                       exists (select 1 from plans where chase_from is not null), exists (select 1 from completion_applications where state = 'pending')
                """,
                cancellationToken: ct));
            var oweParameters = new DynamicParameters(parameters);
            oweParameters.Add("anyTaskPaused", paused.AnyTaskPaused);
            oweParameters.Add("anyUnitPaused", paused.AnyUnitPaused);
            oweParameters.Add("anyChaseFrom", paused.AnyChaseFrom);
            oweParameters.Add("anyPending", paused.AnyPending);
            var rows = (await connection.QueryAsync<(long Id, int Level, int WorkingDays, int CalendarDays)>(
                new CommandDefinition(owe, oweParameters, commandTimeout: 300, cancellationToken: ct)))
                .OrderBy(r => r.Id).ThenBy(r => r.Level) // key order: the unique index and the foreign-key lookups walk their pages once
                .ToList();

            // A second statement, not INSERT … SELECT: inside one statement the anti-joins above would re-read the
            // table being inserted into, and with stale statistics (an empty table) that turns quadratic.
            // ON CONFLICT keeps it idempotent against another node scanning at the same moment.
            const string insert = """
                with inserted as (
                    insert into reminders (milestone_id, level, local_date, working_days_overdue, calendar_days_overdue, created_at)
                    select r.id, r.level, @today, r.wd, r.cd, @asOf
                    from unnest(@ids, @levels, @wds, @cds) as r(id, level, wd, cd)
                    on conflict (milestone_id, level, local_date) do nothing
                    returning level
                )
                select level::int, count(*)::int from inserted group by level
                """;
            var inserted = await connection.QueryAsync<(int Level, int Count)>(new CommandDefinition(
                insert,
                new
                {
                    today,
                    asOf = asOf.ToUniversalTime(),
                    ids = rows.Select(r => r.Id).ToArray(),
                    levels = rows.Select(r => (short)r.Level).ToArray(),
                    wds = rows.Select(r => r.WorkingDays).ToArray(),
                    cds = rows.Select(r => r.CalendarDays).ToArray(),
                },
                commandTimeout: 300,
                cancellationToken: ct));
            foreach (var (level, count) in inserted)
            {
                owed[level] = count;
            }

            // A large batch (a first scan, a backfill) leaves the planner believing reminders is small until autovacuum
            // runs, and the next scan's NOT EXISTS would then scan it per candidate: refresh the statistics now.
            if (owed.Values.Sum() > AnalyzeAfterInserts)
            {
                await connection.ExecuteAsync(new CommandDefinition("analyze reminders", commandTimeout: 300, cancellationToken: ct));
            }
        }

        var acknowledgementsOwed = workingDay ? await OweAcknowledgementsAsync(connection, asOf, today, zone, calendar, options, ct) : 0;
        return new ScanResult(asOf, today, workingDay, counts, owed.Values.Sum(), owed) { AcknowledgementRemindersOwed = acknowledgementsOwed };
    }

    /// <summary>
    /// 签收 reminders (Core's ReminderPolicy.AcknowledgementOwed, set-based): one per assignment (task, unit, assigned_at)
    /// not signed by the end of its sign-by date, while the task has an open milestone. Signed means the unit has
    /// acknowledged any milestone of the task. Paused tasks and paused units owe nothing. Assignments without a date
    /// (stored before 签收 was followed up) are not chased.
    /// </summary>
    private static async Task<int> OweAcknowledgementsAsync(
        NpgsqlConnection connection, DateTimeOffset asOf, DateOnly today, TimeZoneInfo zone, WorkingCalendar calendar, SupervisionOptions options, CancellationToken ct)
    {
        if (ReminderPolicy.LatestAssignmentOwed(today, calendar, options) is not { } latest)
        {
            return 0;
        }

        const string owe = """
            select tu.task_id, tu.unit_id, tu.assigned_at
            from task_units tu
            join tasks t on t.id = tu.task_id
            join units u on u.id = tu.unit_id
            where tu.assigned_at < @assignedBefore
              and t.paused_at is null and u.paused_at is null
              and not exists (select 1 from acknowledgement_reminders r
                              where r.task_id = tu.task_id and r.unit_id = tu.unit_id and r.assigned_at = tu.assigned_at)
              and not exists (select 1 from acknowledgements a join milestones m on m.id = a.milestone_id
                              where a.unit_id = tu.unit_id and m.task_id = tu.task_id)
              and exists (select 1 from milestones m where m.task_id = tu.task_id and (m.completed_at is null or m.completed_at > @asOf))
            """;
        var rows = (await connection.QueryAsync<(long TaskId, long UnitId, DateTime AssignedAt)>(new CommandDefinition(
            owe, new { assignedBefore = RatesStore.EndOfDay(latest, zone), asOf = asOf.ToUniversalTime() }, commandTimeout: 300, cancellationToken: ct))).ToList();
        if (rows.Count == 0)
        {
            return 0;
        }

        // The unique key (task, unit, assigned_at) keeps a second node scanning at the same moment from adding it twice.
        const string insert = """
            insert into acknowledgement_reminders (task_id, unit_id, assigned_at, local_date, created_at)
            select r.task_id, r.unit_id, r.assigned_at, @today, @asOf
            from unnest(@taskIds, @unitIds, @assignedAts) as r(task_id, unit_id, assigned_at)
            on conflict (task_id, unit_id, assigned_at) do nothing
            """;
        return await connection.ExecuteAsync(new CommandDefinition(
            insert,
            new
            {
                today,
                asOf = asOf.ToUniversalTime(),
                taskIds = rows.Select(r => r.TaskId).ToArray(),
                unitIds = rows.Select(r => r.UnitId).ToArray(),
                assignedAts = rows.Select(r => DateTime.SpecifyKind(r.AssignedAt, DateTimeKind.Utc)).ToArray(),
            },
            commandTimeout: 300,
            cancellationToken: ct));
    }
}
