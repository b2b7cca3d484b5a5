using Dapper;
using Npgsql;
using Supervisor.Core.Calendar;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Infrastructure.Bench;

/// <summary>
/// The way rates are usually first written: one query per unit, starting from its task_units rows (index-driven).
/// Benchmarks only — it is the baseline the set-based <see cref="RatesStore"/> is measured against, and a cross-check.
/// </summary>
public static class RatesBaseline
{
    public static async Task<RoleCounts> LeadCountsAsync(NpgsqlConnection connection, long unitId, DateOnly asOf, DateTimeOffset endOfDay, string zone, CancellationToken ct)
    {
        const string sql = """
            select count(*)::int as due,
                   count(*) filter (where m.status = 'done' and m.completed_at < @endOfDay and (m.completed_at at time zone @zone)::date <= m.due_date)::int as ontime,
                   count(*) filter (where m.status = 'done' and m.completed_at < @endOfDay and (m.completed_at at time zone @zone)::date > m.due_date)::int as late,
                   count(*) filter (where not (m.status = 'done' and m.completed_at < @endOfDay))::int as overdueopen
            from task_units tu
            join milestones m on m.task_id = tu.task_id
            where tu.unit_id = @unitId and tu.role = 'lead' and m.due_date <= @asOf
            """;
        return await connection.QuerySingleAsync<RoleCounts>(new CommandDefinition(sql, new { unitId, asOf, endOfDay, zone }, cancellationToken: ct));
    }

    /// <summary>Rates for every unit, one query each; returns the counts by unit id.</summary>
    public static async Task<Dictionary<long, RoleCounts>> AllUnitsAsync(NpgsqlDataSource dataSource, IEnumerable<long> unitIds, DateOnly asOf, TimeZoneInfo zone, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var endOfDay = RatesStore.EndOfDay(asOf, zone);
        var result = new Dictionary<long, RoleCounts>();
        foreach (var unitId in unitIds)
        {
            result[unitId] = await LeadCountsAsync(connection, unitId, asOf, endOfDay, zone.Id, ct);
        }

        return result;
    }
}
