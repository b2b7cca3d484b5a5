using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Delivery;

/// <summary>
/// A unit on some task that no channel reaches. <see cref="Reason"/>: <see cref="ReachabilityStore.NoChannel"/> (no
/// liaison or head with e-mail or phone, and no group robot) or <see cref="ReachabilityStore.AllFailed"/> (it has
/// channels, but every message to it of the period is dead: wrong numbers, a removed robot…).
/// </summary>
public sealed record UnreachableUnit(long Id, string Name, int Tasks, string Reason = ReachabilityStore.NoChannel);

/// <summary>Which units no channel reaches, for the console's overview and the 通报 ("无法送达的单位"): said before a reminder is owed, not after.</summary>
public sealed class ReachabilityStore(NpgsqlDataSource dataSource)
{
    public const string NoChannel = "no channel";
    public const string AllFailed = "every message failed";

    /// <summary>Units with no channel at all.</summary>
    public Task<IReadOnlyList<UnreachableUnit>> UnreachableUnitsAsync(CancellationToken ct) => UnreachableUnitsAsync((long?)null, ct);

    /// <summary>Units with no channel at all among one plan's units, their tasks of that plan counted (null: every plan).</summary>
    public async Task<IReadOnlyList<UnreachableUnit>> UnreachableUnitsAsync(long? planId, CancellationToken ct)
    {
        const string sql = """
            select u.id, u.name, count(distinct tu.task_id)::int as tasks
            from units u
            join task_units tu on tu.unit_id = u.id
            join tasks t on t.id = tu.task_id
            where u.paused_at is null and (@planId::bigint is null or t.plan_id = @planId)
              and not exists (select 1 from contacts c where c.unit_id = u.id and c.role in ('liaison', 'head') and (c.email is not null or c.phone is not null))
              and not exists (select 1 from unit_robots r where r.unit_id = u.id)
            group by u.id, u.name
            order by count(distinct tu.task_id) desc, u.name
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(long Id, string Name, int Tasks)>(new CommandDefinition(sql, new { planId }, cancellationToken: ct));
        return rows.Select(r => new UnreachableUnit(r.Id, r.Name, r.Tasks)).ToList();
    }

    /// <summary>
    /// Units with no channel at all, then units whose every message queued in [from, to) is dead — no channel that works
    /// (a unit with one dead address and one working one is reached, and its dead message is in the failures list);
    /// among one plan's units with <paramref name="planId"/> (null: every plan).
    /// </summary>
    public async Task<IReadOnlyList<UnreachableUnit>> UnreachableUnitsAsync(DateTimeOffset from, DateTimeOffset to, long? planId, CancellationToken ct)
    {
        const string sql = """
            select u.id, u.name, count(distinct tu.task_id)::int as tasks
            from units u
            join task_units tu on tu.unit_id = u.id
            join tasks t on t.id = tu.task_id
            where u.paused_at is null and (@planId::bigint is null or t.plan_id = @planId)
              and exists (select 1 from messages m where m.unit_id = u.id and m.created_at >= @from and m.created_at < @to)
              and not exists (select 1 from messages m where m.unit_id = u.id and m.created_at >= @from and m.created_at < @to and m.state <> 'dead')
            group by u.id, u.name
            order by count(distinct tu.task_id) desc, u.name
            """;
        var none = await UnreachableUnitsAsync(planId, ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var failed = await connection.QueryAsync<(long Id, string Name, int Tasks)>(
            new CommandDefinition(sql, new { from = from.ToUniversalTime(), to = to.ToUniversalTime(), planId }, cancellationToken: ct));
        return [.. none, .. failed.Select(f => new UnreachableUnit(f.Id, f.Name, f.Tasks, AllFailed))];
    }
}
