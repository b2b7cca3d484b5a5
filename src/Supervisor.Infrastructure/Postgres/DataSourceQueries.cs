using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>Reads that open a pooled connection, run one query and hand back a list.</summary>
internal static class DataSourceQueries
{
    public static async Task<IReadOnlyList<T>> ListAsync<T>(this NpgsqlDataSource dataSource, string sql, object? parameters, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: ct))];
    }
}
