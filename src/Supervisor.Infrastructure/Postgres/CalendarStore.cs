using Dapper;
using Npgsql;
using Supervisor.Core.Calendar;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>calendar_days: the official holidays and make-up working days the whole engine counts with.</summary>
public sealed class CalendarStore(NpgsqlDataSource dataSource)
{
    public async Task<WorkingCalendar> LoadAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(DateTime Day, string Kind, string? Name)>(
            new CommandDefinition("select day, kind, name from calendar_days order by day", cancellationToken: ct));
        return new WorkingCalendar(rows.Select(r => new CalendarDay(DateOnly.FromDateTime(r.Day), r.Kind == "workday" ? DayKind.Workday : DayKind.Holiday, r.Name)));
    }

    /// <summary>Upserts a year's official data; returns the rows written.</summary>
    public async Task<int> SaveAsync(IReadOnlyList<CalendarDay> days, CancellationToken ct)
    {
        const string sql = """
            insert into calendar_days (day, kind, name)
            select * from unnest(@days, @kinds, @names)
            on conflict (day) do update set kind = excluded.kind, name = excluded.name
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new
            {
                days = days.Select(d => d.Date).ToArray(),
                kinds = days.Select(d => d.Kind == DayKind.Workday ? "workday" : "holiday").ToArray(),
                names = days.Select(d => d.Name).ToArray(),
            },
            cancellationToken: ct));
    }
}
