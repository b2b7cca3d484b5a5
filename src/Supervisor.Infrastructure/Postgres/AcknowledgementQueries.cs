using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>A task a unit has not signed for (签收), with when it was assigned or last changed (null: before dates were kept).</summary>
public sealed record UnsignedTask(long TaskId, long UnitId, string Role, DateTime? AssignedAt);

/// <summary>A unit's 未签收 tasks in the 通报: how many, and the codes of the first ten.</summary>
public sealed record UnsignedUnit(string Unit, int Tasks, string Codes);

/// <summary>
/// 签收 as the office reads it. A unit has signed for a task when it acknowledged any of the task's milestones; a task is
/// 待签收 for each of its units (lead and co) that has not, while the task still has an open milestone (a finished task
/// asks nothing more of anyone). A changed re-import clears the unit's acknowledgements (PlanStore), so it counts again.
/// </summary>
public sealed class AcknowledgementQueries(NpgsqlDataSource dataSource)
{
    private const string Unsigned = """
        select tu.task_id as taskid, tu.unit_id as unitid, tu.role, tu.assigned_at as assignedat
        from task_units tu
        join tasks t on t.id = tu.task_id
        where (@planId::bigint is null or t.plan_id = @planId)
          and (@unitId::bigint is null or tu.unit_id = @unitId)
          and exists (select 1 from milestones m where m.task_id = tu.task_id and m.status = 'open')
          and not exists (select 1 from acknowledgements a join milestones m on m.id = a.milestone_id
                          where a.unit_id = tu.unit_id and m.task_id = tu.task_id)
        """;

    /// <summary>Every unsigned (task, unit), optionally of one plan or one unit.</summary>
    public async Task<IReadOnlyList<UnsignedTask>> UnsignedAsync(long? planId, long? unitId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<UnsignedTask>(new CommandDefinition(Unsigned, new { planId, unitId }, cancellationToken: ct))).ToList();
    }

    /// <summary>未签收 for the 通报: per unit, its unsigned tasks' count and codes, most first (units with none are absent).</summary>
    public async Task<IReadOnlyList<UnsignedUnit>> UnsignedByUnitAsync(long? planId, CancellationToken ct)
    {
        const string sql = """
            select u.name as unit, count(*)::int as tasks, array_to_string((array_agg(t.code order by t.plan_id, t.position, t.code))[1:10], '、') as codes
            from (
            """ + Unsigned + """
            ) x
            join units u on u.id = x.unitid
            join tasks t on t.id = x.taskid
            group by u.id, u.name
            order by count(*) desc, u.name
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<UnsignedUnit>(new CommandDefinition(sql, new { planId, unitId = (long?)null }, cancellationToken: ct))).ToList();
    }

    /// <summary>未签收 per unit: how many tasks each unit has not signed for (units with none are absent).</summary>
    public async Task<IReadOnlyDictionary<long, int>> CountByUnitAsync(long? planId, CancellationToken ct) =>
        (await UnsignedAsync(planId, null, ct)).GroupBy(u => u.UnitId).ToDictionary(g => g.Key, g => g.Count());
}
