using System.Data;
using System.Text.Json;
using Dapper;
using Npgsql;
using Supervisor.Core.Import;
using Supervisor.Core.Milestones;

namespace Supervisor.Infrastructure.Postgres;

public sealed record ImportSummary(
    long PlanId,
    bool PlanCreated,
    int TasksCreated,
    int TasksUpdated,
    int TasksNotInFile,
    int MilestonesCreated,
    int MilestonesUpdated,
    int MilestonesRemoved,
    int UnitsCreated,
    int LeadersCreated,
    int GroupsCreated)
{
    /// <summary>Task–unit pairs whose 签收 this import cleared: what the unit is asked to do changed.</summary>
    public int SignaturesCleared { get; init; }

    /// <summary>Units that must sign again for at least one task (their 签收 was cleared).</summary>
    public int UnitsToSignAgain { get; init; }
}

/// <summary>
/// Writes an assembled plan in one transaction. Re-importing the same plan (title + year) updates tasks by code and
/// milestones by key; done milestones keep their completion and approved extensions keep their due date.
/// Statements are set-based (arrays through unnest), so a 5,000-task plan is a handful of round trips.
/// </summary>
public sealed class PlanStore(NpgsqlDataSource dataSource)
{
    // Serialises concurrent imports: two imports of overlapping units would otherwise race on unit creation.
    private const long ImportLockKey = 0x5375_7065_7249_6d70;

    /// <param name="chaseFrom">When set, the plan's milestones due before it are not chased (plans.chase_from); null keeps what the plan had.</param>
    public async Task<ImportSummary> SaveAsync(AssembledPlan plan, string? source, DateTimeOffset now, DateOnly? chaseFrom, CancellationToken ct)
    {
        now = now.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(@key)", new { key = ImportLockKey }, tx, cancellationToken: ct));

        const string upsertPlan = """
            insert into plans (year, title, source, imported_at, updated_at, chase_from)
            values (@Year, @Title, @source, @now, @now, @chaseFrom)
            on conflict (title, year) do update set source = excluded.source, updated_at = excluded.updated_at,
                chase_from = coalesce(excluded.chase_from, plans.chase_from)
            returning id, (xmax = 0) as inserted
            """;
        var (planId, planCreated) = await connection.QuerySingleAsync<(long, bool)>(
            new CommandDefinition(upsertPlan, new { plan.Year, plan.Title, source, now, chaseFrom }, tx, cancellationToken: ct));

        var sectionIds = await SaveSectionsAsync(connection, tx, planId, plan, ct);
        var unitIds = await UpsertNamesAsync(connection, tx, UnitNames, plan.Units.Select(u => u.Name), now, ct);
        await SaveAliasesAsync(connection, tx, plan, unitIds, ct);
        var groupNames = plan.Tasks.SelectMany(t => t.Source.UnitGroups).Distinct(StringComparer.Ordinal).ToList();
        var groupIds = await UpsertNamesAsync(connection, tx, GroupNames, groupNames, now, ct);
        var leaderNames = plan.Tasks.SelectMany(t => t.Source.Leaders).Distinct(StringComparer.Ordinal).ToList();
        var leaderIds = await UpsertNamesAsync(connection, tx, LeaderNames, leaderNames, now, ct);

        const string upsertTasks = """
            insert into tasks (plan_id, section_id, code, title, full_text, targets, deadline, no_responsible_unit, position, source_line, created_at, updated_at)
            select @planId, t.section_id, t.code, t.title, t.full_text, array(select jsonb_array_elements_text(t.targets::jsonb)),
                   t.deadline, t.no_unit, t.position, t.line, @now, @now
            from unnest(@sectionIds, @codes, @titles, @texts, @targets, @deadlines, @noUnit, @positions, @lines)
                 as t(section_id, code, title, full_text, targets, deadline, no_unit, position, line)
            on conflict (plan_id, code) do update set
                section_id = excluded.section_id, title = excluded.title, full_text = excluded.full_text,
                targets = excluded.targets, deadline = excluded.deadline, no_responsible_unit = excluded.no_responsible_unit,
                position = excluded.position, source_line = excluded.source_line, updated_at = excluded.updated_at
            returning id, code, (xmax = 0) as inserted
            """;
        var tasks = plan.Tasks;
        var taskRows = (await connection.QueryAsync<(long Id, string Code, bool Inserted)>(new CommandDefinition(
            upsertTasks,
            new
            {
                planId,
                now,
                sectionIds = tasks.Select(t => t.Source.SectionPath.Count == 0 ? (long?)null : sectionIds[SectionKey(t.Source.SectionPath)]).ToArray(),
                codes = tasks.Select(t => t.Source.Code).ToArray(),
                titles = tasks.Select(t => t.Source.Title).ToArray(),
                texts = tasks.Select(t => t.Source.Text).ToArray(),
                targets = tasks.Select(t => JsonSerializer.Serialize(t.Source.Targets)).ToArray(),
                deadlines = tasks.Select(t => t.Deadline).ToArray(),
                noUnit = tasks.Select(t => t.LeadUnits.Count == 0 && t.CoUnits.Count == 0 && t.Source.UnitGroups.Count == 0).ToArray(),
                positions = Enumerable.Range(1, tasks.Count).ToArray(),
                lines = tasks.Select(t => t.Source.Line).ToArray(),
            },
            tx,
            cancellationToken: ct))).ToList();
        var taskIdByCode = taskRows.ToDictionary(r => r.Code, r => r.Id, StringComparer.Ordinal);
        var taskIds = taskRows.Select(r => r.Id).ToArray();

        var (signaturesCleared, unitsToSignAgain) = await ReplaceLinksAsync(connection, tx, taskIds, tasks, taskIdByCode, unitIds, groupIds, leaderIds, now, ct);
        var (created, updated, removed) = await SaveMilestonesAsync(connection, tx, taskIds, tasks, taskIdByCode, now, ct);

        var notInFile = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*)::int from tasks where plan_id = @planId and not (id = any(@taskIds))", new { planId, taskIds }, tx, cancellationToken: ct));

        await tx.CommitAsync(ct);
        return new ImportSummary(
            planId,
            planCreated,
            taskRows.Count(r => r.Inserted),
            taskRows.Count(r => !r.Inserted),
            notInFile,
            created,
            updated,
            removed,
            unitIds.Created,
            leaderIds.Created,
            groupIds.Created)
        {
            SignaturesCleared = signaturesCleared,
            UnitsToSignAgain = unitsToSignAgain,
        };
    }

    /// <summary>
    /// For a preview, without writing: the task–unit pairs whose 签收 saving <paramref name="plan"/> would clear (the same
    /// plan already stored, the unit signed, and what it is asked to do changed) and the distinct units among them.
    /// </summary>
    public async Task<(int Pairs, int Units)> SignaturesToClearAsync(AssembledPlan plan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        const string sql = """
            select t.code, u.name, tu.assignment_hash
            from plans p
            join tasks t on t.plan_id = p.id
            join task_units tu on tu.task_id = t.id
            join units u on u.id = tu.unit_id
            where p.title = @Title and p.year = @Year and tu.assignment_hash is not null
              and exists (select 1 from acknowledgements a join milestones m on m.id = a.milestone_id
                          where a.unit_id = tu.unit_id and m.task_id = tu.task_id)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var signed = (await connection.QueryAsync<(string Code, string Unit, string Hash)>(new CommandDefinition(sql, new { plan.Title, plan.Year }, cancellationToken: ct))).ToList();
        var asked = new Dictionary<(string, string), string>();
        foreach (var task in plan.Tasks)
        {
            foreach (var unit in task.LeadUnits)
            {
                asked[(task.Source.Code, unit)] = AssignmentDigest.Of(task, "lead");
            }

            foreach (var unit in task.CoUnits)
            {
                asked.TryAdd((task.Source.Code, unit), AssignmentDigest.Of(task, "co"));
            }
        }

        var cleared = signed.Where(s => asked.TryGetValue((s.Code, s.Unit), out var hash) && hash != s.Hash).ToList();
        return (cleared.Count, cleared.Select(c => c.Unit).Distinct(StringComparer.Ordinal).Count());
    }

    private static string SectionKey(IEnumerable<string> path) => string.Join(" / ", path);

    private static async Task<Dictionary<string, long>> SaveSectionsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long planId, AssembledPlan plan, CancellationToken ct)
    {
        // Every prefix of every task's path is a section, in document order.
        var paths = new List<IReadOnlyList<string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in plan.Tasks)
        {
            for (var depth = 1; depth <= task.Source.SectionPath.Count; depth++)
            {
                var prefix = task.Source.SectionPath.Take(depth).ToList();
                if (seen.Add(SectionKey(prefix)))
                {
                    paths.Add(prefix);
                }
            }
        }

        const string upsert = """
            insert into sections (plan_id, parent_id, path, title, position)
            select @planId, s.parent_id, s.path, s.title, s.position
            from unnest(@parentIds, @paths, @titles, @positions) as s(parent_id, path, title, position)
            on conflict (plan_id, path) do update set parent_id = excluded.parent_id, title = excluded.title, position = excluded.position
            returning id, path
            """;
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        // One statement per depth: a section's parent id is known once the shallower level is written.
        foreach (var level in paths.Select((p, i) => (Path: p, Position: i + 1)).GroupBy(p => p.Path.Count).OrderBy(g => g.Key))
        {
            var rows = level.ToList();
            var written = await connection.QueryAsync<(long Id, string Path)>(new CommandDefinition(
                upsert,
                new
                {
                    planId,
                    parentIds = rows.Select(r => r.Path.Count == 1 ? (long?)null : ids[SectionKey(r.Path.Take(r.Path.Count - 1))]).ToArray(),
                    paths = rows.Select(r => SectionKey(r.Path)).ToArray(),
                    titles = rows.Select(r => r.Path[^1]).ToArray(),
                    positions = rows.Select(r => r.Position).ToArray(),
                },
                tx,
                cancellationToken: ct));
            foreach (var (id, path) in written)
            {
                ids[path] = id;
            }
        }

        return ids;
    }

    private sealed class NameIds(Dictionary<string, long> ids, int created)
    {
        public int Created { get; } = created;

        public long this[string name] => ids[name];
    }

    private sealed record NameSql(string Insert, string Select);

    private static readonly NameSql UnitNames = new(
        "insert into units (name, created_at) select n, @now from unnest(@names) as n on conflict (name) do nothing returning id",
        "select id, name from units where name = any(@names)");

    private static readonly NameSql GroupNames = new(
        "insert into unit_groups (name) select n from unnest(@names) as n on conflict (name) do nothing returning id",
        "select id, name from unit_groups where name = any(@names)");

    private static readonly NameSql LeaderNames = new(
        "insert into leaders (name, created_at) select n, @now from unnest(@names) as n on conflict (name) do nothing returning id",
        "select id, name from leaders where name = any(@names)");

    private static async Task<NameIds> UpsertNamesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, NameSql sql, IEnumerable<string> names, DateTimeOffset now, CancellationToken ct)
    {
        var list = names.Distinct(StringComparer.Ordinal).ToArray();
        var created = (await connection.QueryAsync<long>(new CommandDefinition(sql.Insert, new { names = list, now }, tx, cancellationToken: ct))).Count();
        var rows = await connection.QueryAsync<(long Id, string Name)>(new CommandDefinition(sql.Select, new { names = list }, tx, cancellationToken: ct));
        return new NameIds(rows.ToDictionary(r => r.Name, r => r.Id, StringComparer.Ordinal), created);
    }

    private static async Task SaveAliasesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, AssembledPlan plan, NameIds unitIds, CancellationToken ct)
    {
        var pairs = plan.Units.SelectMany(u => u.Aliases.Select(a => (Alias: a, UnitId: unitIds[u.Name]))).ToList();
        if (pairs.Count == 0)
        {
            return;
        }

        // An alias already pointing at a unit keeps pointing there: the directory (or an earlier import) decided.
        const string sql = """
            insert into unit_aliases (alias, unit_id)
            select a.alias, a.unit_id from unnest(@aliases, @unitIds) as a(alias, unit_id)
            where not exists (select 1 from units u where u.name = a.alias)
            on conflict (alias) do nothing
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            sql, new { aliases = pairs.Select(p => p.Alias).ToArray(), unitIds = pairs.Select(p => p.UnitId).ToArray() }, tx, cancellationToken: ct));
    }

    /// <summary>
    /// Replaces the tasks' units, groups and leaders. Each unit's assignment keeps its date (assigned_at) when what the unit
    /// is asked to do is unchanged (<see cref="AssignmentDigest"/>); a new or changed one is dated now, and a changed one
    /// loses the unit's 签收 of the task's milestones: the task is 待签收 for that unit again. Returns the pairs cleared
    /// and the distinct units among them.
    /// </summary>
    private static async Task<(int Pairs, int Units)> ReplaceLinksAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction tx,
        long[] taskIds,
        IReadOnlyList<AssembledTask> tasks,
        Dictionary<string, long> taskIdByCode,
        NameIds unitIds,
        NameIds groupIds,
        NameIds leaderIds,
        DateTimeOffset now,
        CancellationToken ct)
    {
        var before = (await connection.QueryAsync<(long TaskId, long UnitId, DateTime? AssignedAt, string? Hash)>(new CommandDefinition(
                "select task_id, unit_id, assigned_at, assignment_hash from task_units where task_id = any(@taskIds)", new { taskIds }, tx, cancellationToken: ct)))
            .ToDictionary(r => (r.TaskId, r.UnitId));
        var units = tasks.SelectMany(t =>
            t.LeadUnits.Select((u, i) => (Task: taskIdByCode[t.Source.Code], Unit: unitIds[u], Role: "lead", Position: i, Hash: AssignmentDigest.Of(t, "lead")))
             .Concat(t.CoUnits.Select((u, i) => (Task: taskIdByCode[t.Source.Code], Unit: unitIds[u], Role: "co", Position: t.LeadUnits.Count + i, Hash: AssignmentDigest.Of(t, "co")))))
            .Select(u =>
            {
                // A row from before assignments were dated (no hash) adopts the digest without counting as a change.
                var old = before.TryGetValue((u.Task, u.Unit), out var o) ? o : default((long, long, DateTime? AssignedAt, string? Hash)?);
                var changed = old is { Hash: { } hash } && hash != u.Hash;
                DateTime? assignedAt = old is null || changed ? now.UtcDateTime : old.Value.AssignedAt;
                return (u.Task, u.Unit, u.Role, u.Position, u.Hash, AssignedAt: assignedAt, Changed: changed);
            })
            .ToList();
        var groups = tasks.SelectMany(t => t.Source.UnitGroups.Distinct(StringComparer.Ordinal).Select((g, i) => (Task: taskIdByCode[t.Source.Code], Group: groupIds[g], Position: i))).ToList();
        var leaders = tasks.SelectMany(t => t.Source.Leaders.Distinct(StringComparer.Ordinal).Select((l, i) => (Task: taskIdByCode[t.Source.Code], Leader: leaderIds[l], Position: i))).ToList();

        const string sql = """
            delete from task_units where task_id = any(@taskIds);
            delete from task_unit_groups where task_id = any(@taskIds);
            delete from task_leaders where task_id = any(@taskIds);
            insert into task_units (task_id, unit_id, role, position, assigned_at, assignment_hash)
            select * from unnest(@unitTasks, @unitIds, @roles, @unitPositions, @assignedAts, @hashes);
            insert into task_unit_groups (task_id, group_id, position)
            select * from unnest(@groupTasks, @groupIds, @groupPositions);
            insert into task_leaders (task_id, leader_id, position)
            select * from unnest(@leaderTasks, @leaderIds, @leaderPositions);
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new
            {
                taskIds,
                unitTasks = units.Select(u => u.Task).ToArray(),
                unitIds = units.Select(u => u.Unit).ToArray(),
                roles = units.Select(u => u.Role).ToArray(),
                unitPositions = units.Select(u => u.Position).ToArray(),
                assignedAts = units.Select(u => u.AssignedAt).ToArray(),
                hashes = units.Select(u => u.Hash).ToArray(),
                groupTasks = groups.Select(g => g.Task).ToArray(),
                groupIds = groups.Select(g => g.Group).ToArray(),
                groupPositions = groups.Select(g => g.Position).ToArray(),
                leaderTasks = leaders.Select(l => l.Task).ToArray(),
                leaderIds = leaders.Select(l => l.Leader).ToArray(),
                leaderPositions = leaders.Select(l => l.Position).ToArray(),
            },
            tx,
            cancellationToken: ct));

        var changed = units.Where(u => u.Changed).ToList();
        if (changed.Count == 0)
        {
            return (0, 0);
        }

        const string clear = """
            delete from acknowledgements a
            using milestones m, unnest(@tasks, @units) as c(task_id, unit_id)
            where m.id = a.milestone_id and m.task_id = c.task_id and a.unit_id = c.unit_id
            returning m.task_id, a.unit_id
            """;
        var cleared = (await connection.QueryAsync<(long TaskId, long UnitId)>(new CommandDefinition(
            clear, new { tasks = changed.Select(c => c.Task).ToArray(), units = changed.Select(c => c.Unit).ToArray() }, tx, cancellationToken: ct))).ToList();
        return (cleared.Distinct().Count(), cleared.Select(c => c.UnitId).Distinct().Count());
    }

    private static async Task<(int Created, int Updated, int Removed)> SaveMilestonesAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction tx,
        long[] taskIds,
        IReadOnlyList<AssembledTask> tasks,
        Dictionary<string, long> taskIdByCode,
        DateTimeOffset now,
        CancellationToken ct)
    {
        var rows = tasks.SelectMany(t => t.Milestones.Select(m => (Task: taskIdByCode[t.Source.Code], Milestone: m))).ToList();

        // A done milestone keeps its dates and completion; an open one with an approved extension
        // (due_date moved away from original_due_date) keeps its extended date.
        const string upsert = """
            insert into milestones (task_id, key, kind, title, due_date, original_due_date, created_at, updated_at)
            select m.task_id, m.key, m.kind, m.title, m.due, m.due, @now, @now
            from unnest(@taskIds, @keys, @kinds, @titles, @dues) as m(task_id, key, kind, title, due)
            on conflict (task_id, key) do update set
                kind = excluded.kind,
                title = excluded.title,
                due_date = case when milestones.status = 'open' and milestones.due_date = milestones.original_due_date
                                then excluded.due_date else milestones.due_date end,
                original_due_date = case when milestones.status = 'open' and milestones.due_date = milestones.original_due_date
                                then excluded.original_due_date else milestones.original_due_date end,
                updated_at = excluded.updated_at
            returning (xmax = 0) as inserted
            """;
        var written = (await connection.QueryAsync<bool>(new CommandDefinition(
            upsert,
            new
            {
                now,
                taskIds = rows.Select(r => r.Task).ToArray(),
                keys = rows.Select(r => r.Milestone.Key).ToArray(),
                kinds = rows.Select(r => r.Milestone.Kind == MilestoneKind.Report ? "report" : "completion").ToArray(),
                titles = rows.Select(r => r.Milestone.Title).ToArray(),
                dues = rows.Select(r => r.Milestone.Due).ToArray(),
            },
            tx,
            cancellationToken: ct))).ToList();

        // Milestones the new file no longer implies go, unless someone already acted on them.
        const string removeStale = """
            delete from milestones m
            where m.task_id = any(@taskIds)
              and m.status = 'open'
              and not exists (select 1 from unnest(@keepTasks, @keepKeys) as k(task_id, key) where k.task_id = m.task_id and k.key = m.key)
              and not exists (select 1 from progress_reports p where p.milestone_id = m.id)
              and not exists (select 1 from reminders r where r.milestone_id = m.id)
              and not exists (select 1 from extension_requests e where e.milestone_id = m.id)
            """;
        var removed = await connection.ExecuteAsync(new CommandDefinition(
            removeStale,
            new { taskIds, keepTasks = rows.Select(r => r.Task).ToArray(), keepKeys = rows.Select(r => r.Milestone.Key).ToArray() },
            tx,
            cancellationToken: ct));
        return (written.Count(i => i), written.Count(i => !i), removed);
    }
}
