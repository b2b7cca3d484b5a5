using Dapper;
using Npgsql;
using Supervisor.Core.Calendar;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Bench;

/// <summary>What the baseline computes for one unit: the same figures as a <see cref="UnitRate"/> row.</summary>
public sealed record BaselineRates(RoleCounts Lead, RoleCounts Co, int WorstOverdueWorkingDays, bool HasDueSoon)
{
    public bool SameAs(UnitRate rate) =>
        rate is not null && rate.Lead == Lead && rate.Co == Co && rate.WorstOverdueWorkingDays == WorstOverdueWorkingDays && rate.HasDueSoon == HasDueSoon;
}

/// <summary>
/// The way rates are usually first written: one query per unit, starting from its task_units rows (index-driven),
/// computing everything the set-based <see cref="RatesStore"/> computes for that unit — lead and co counts, the oldest
/// overdue due date, whether something is due soon. Benchmarks only — it is the baseline the set-based query is
/// measured against, and a cross-check of it.
/// </summary>
public static class RatesBaseline
{
    public static async Task<BaselineRates> UnitAsync(
        NpgsqlConnection connection, long unitId, DateOnly asOf, DateOnly horizon, DateTimeOffset endOfDay, string zone, WorkingCalendar calendar, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        const string sql = """
            select tu.role,
                   count(*) filter (where m.due_date <= @asOf)::int as due,
                   count(*) filter (where m.due_date <= @asOf and m.status = 'done' and m.completed_at < @endOfDay
                                    and (m.completed_at at time zone @zone)::date <= m.due_date)::int as ontime,
                   count(*) filter (where m.due_date <= @asOf and m.status = 'done' and m.completed_at < @endOfDay
                                    and (m.completed_at at time zone @zone)::date > m.due_date)::int as late,
                   count(*) filter (where m.due_date <= @asOf and not (m.status = 'done' and m.completed_at < @endOfDay))::int as overdueopen,
                   min(m.due_date) filter (where m.due_date < @asOf and not (m.status = 'done' and m.completed_at < @endOfDay))::timestamp as oldest,
                   coalesce(bool_or(m.due_date > @asOf and not (m.status = 'done' and m.completed_at < @endOfDay)), false) as duesoon
            from task_units tu
            join milestones m on m.task_id = tu.task_id
            where tu.unit_id = @unitId and m.due_date <= @horizon
            group by tu.role
            """;
        var rows = (await connection.QueryAsync<(string Role, int Due, int OnTime, int Late, int OverdueOpen, DateTime? Oldest, bool DueSoon)>(
            new CommandDefinition(sql, new { unitId, asOf, horizon, endOfDay, zone }, cancellationToken: ct))).ToList();
        var lead = rows.FirstOrDefault(r => r.Role == "lead");
        var co = rows.FirstOrDefault(r => r.Role == "co");
        var worst = lead.Oldest is { } oldest ? calendar.WorkingDaysBetween(DateOnly.FromDateTime(oldest), asOf) : 0;
        return new BaselineRates(
            new RoleCounts(lead.Due, lead.OnTime, lead.Late, lead.OverdueOpen),
            new RoleCounts(co.Due, co.OnTime, co.Late, co.OverdueOpen),
            worst,
            lead.DueSoon);
    }

    /// <summary>Rates for every unit, one query each; returns the figures by unit id.</summary>
    public static async Task<Dictionary<long, BaselineRates>> AllUnitsAsync(
        NpgsqlDataSource dataSource, IEnumerable<long> unitIds, DateOnly asOf, TimeZoneInfo zone, WorkingCalendar calendar, SupervisionOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(unitIds);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var endOfDay = RatesStore.EndOfDay(asOf, zone);
        var horizon = MilestoneScanStore.DueSoonHorizon(asOf, calendar, options);
        var result = new Dictionary<long, BaselineRates>();
        foreach (var unitId in unitIds)
        {
            result[unitId] = await UnitAsync(connection, unitId, asOf, horizon, endOfDay, zone.Id, calendar, ct);
        }

        return result;
    }

    /// <summary>The fixed cost of the baseline: <paramref name="count"/> parameterised statements that read nothing.</summary>
    public static async Task EmptyRoundTripsAsync(NpgsqlDataSource dataSource, int count, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        for (var i = 0; i < count; i++)
        {
            _ = await connection.QuerySingleAsync<long>(new CommandDefinition("select @unitId::bigint", new { unitId = (long)i }, cancellationToken: ct));
        }
    }
}
