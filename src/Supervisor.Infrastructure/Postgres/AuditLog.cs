using System.Text.Json;
using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>audit_log: who did what to which row, from the console, a signed link or the API.</summary>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    public async Task WriteAsync(DateTimeOffset at, string actor, string action, string? target, object? details, CancellationToken ct)
    {
        const string sql = """
            insert into audit_log (at, actor, action, target, details)
            values (@at, @actor, @action, @target, @details::jsonb)
            """;
        var json = details is null ? null : JsonSerializer.Serialize(details);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { at = at.ToUniversalTime(), actor, action, target, details = json }, cancellationToken: ct));
    }
}
