using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

public sealed record UnitInfo(long Id, string Name, string Kind, DateTime? PausedAt, string? PausedBy);

public sealed record ContactInfo(string Role, string? Name, string? Phone, string? Email);

/// <summary>Units and their contacts as the console, the API and the CLI read them.</summary>
public sealed class UnitQueries(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<UnitInfo>> UnitsAsync(CancellationToken ct) =>
        await dataSource.ListAsync<UnitInfo>("select id, name, kind, paused_at as PausedAt, paused_by as PausedBy from units order by name", null, ct);

    public async Task<UnitInfo?> UnitAsync(long id, CancellationToken ct) =>
        (await dataSource.ListAsync<UnitInfo>("select id, name, kind, paused_at as PausedAt, paused_by as PausedBy from units where id = @id", new { id }, ct)).SingleOrDefault();

    public async Task<UnitInfo?> UnitByNameAsync(string name, CancellationToken ct)
    {
        const string sql = """
            select u.id, u.name, u.kind, u.paused_at as PausedAt, u.paused_by as PausedBy
            from units u where u.name = @name
            union all
            select u.id, u.name, u.kind, u.paused_at, u.paused_by
            from unit_aliases a join units u on u.id = a.unit_id where a.alias = @name
            limit 1
            """;
        return (await dataSource.ListAsync<UnitInfo>(sql, new { name }, ct)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<ContactInfo>> ContactsAsync(long unitId, CancellationToken ct) =>
        await dataSource.ListAsync<ContactInfo>("select role, name, phone, email from contacts where unit_id = @unitId order by role", new { unitId }, ct);
}
