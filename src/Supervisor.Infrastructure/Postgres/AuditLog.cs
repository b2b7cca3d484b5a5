using System.Text.Json;
using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>audit_log: who did what to which row, from the console, a signed link, the API or the CLI.</summary>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// The one writer of audit_log. A change writes its row inside its own transaction, so a change that rolls back
    /// leaves no audit behind and a committed change always has one.
    /// </summary>
    public static async Task WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, DateTimeOffset at, string actor, string action, string? target, object? details, CancellationToken ct)
    {
        const string sql = """
            insert into audit_log (at, actor, action, target, details)
            values (@at, @actor, @action, @target, @details::jsonb)
            """;
        var json = details is null ? null : JsonSerializer.Serialize(details);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { at = at.ToUniversalTime(), actor, action, target, details = json }, transaction, cancellationToken: ct));
    }

    /// <summary>An event that changes no row of ours (a login, a page view, a job triggered in Hangfire): its audit row alone.</summary>
    public async Task WriteAsync(DateTimeOffset at, string actor, string action, string? target, object? details, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await WriteAsync(connection, null, at, actor, action, target, details, ct);
    }

    /// <summary>One statement and its audit row in one transaction; false (and no audit) when it changed no row.</summary>
    internal static async Task<bool> ChangeAsync(
        NpgsqlDataSource dataSource, string sql, object parameters, DateTimeOffset at, string actor, string action, string target, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(sql, parameters, tx, cancellationToken: ct));
        if (changed == 0)
        {
            return false;
        }

        await WriteAsync(connection, tx, at, actor, action, target, null, ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
