using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Delivery;

/// <summary>A unit on some task that no channel reaches: no liaison or head with e-mail or phone, and no group robot.</summary>
public sealed record UnreachableUnit(long Id, string Name, int Tasks);

/// <summary>Which units no channel reaches, for the console's overview ("无法送达的单位"): said before a reminder is owed, not after.</summary>
public sealed class ReachabilityStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<UnreachableUnit>> UnreachableUnitsAsync(CancellationToken ct)
    {
        const string sql = """
            select u.id, u.name, count(distinct tu.task_id)::int as tasks
            from units u
            join task_units tu on tu.unit_id = u.id
            where u.paused_at is null
              and not exists (select 1 from contacts c where c.unit_id = u.id and c.role in ('liaison', 'head') and (c.email is not null or c.phone is not null))
              and not exists (select 1 from unit_robots r where r.unit_id = u.id)
            group by u.id, u.name
            order by count(distinct tu.task_id) desc, u.name
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<UnreachableUnit>(new CommandDefinition(sql, cancellationToken: ct))).ToList();
    }
}
