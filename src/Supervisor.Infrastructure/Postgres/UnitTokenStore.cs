using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>One unit API token as an admin sees it (never the token itself).</summary>
public sealed record UnitTokenInfo(long Id, long UnitId, string Unit, string Name, DateTime CreatedAt, DateTime ExpiresAt, DateTime? RevokedAt, DateTime? LastUsedAt);

/// <summary>unit_api_tokens: random tokens shown once, stored as SHA-256 hashes (a leaked table grants nothing).</summary>
public sealed class UnitTokenStore(NpgsqlDataSource dataSource)
{
    /// <summary>A new token of the unit, audited (its name and expiry, never the token).</summary>
    /// <returns>The token in clear, to hand to the unit's system once.</returns>
    public async Task<string> CreateAsync(long unitId, string name, string actor, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var token = "sut_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        const string sql = """
            insert into unit_api_tokens (unit_id, name, token_hash, created_at, expires_at)
            values (@unitId, @name, @hash, @now, @expiresAt)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            sql, new { unitId, name, hash = Hash(token), now = now.ToUniversalTime(), expiresAt = expiresAt.ToUniversalTime() }, tx, cancellationToken: ct));
        await AuditLog.WriteAsync(connection, tx, now, actor, "unit-token.create", $"unit:{unitId}", new { name, expiresAt }, ct);
        await tx.CommitAsync(ct);
        return token;
    }

    /// <summary>The unit of a live token (not revoked, not expired), marking it used; null for any other token.</summary>
    public async Task<(long UnitId, string TokenName)?> FindUnitAsync(string token, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            update unit_api_tokens set last_used_at = @now
            where token_hash = @hash and revoked_at is null and expires_at > @now
            returning unit_id as UnitId, name as TokenName
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<(long, string)?>(new CommandDefinition(sql, new { hash = Hash(token), now = now.ToUniversalTime() }, cancellationToken: ct));
    }

    /// <param name="unitId">One unit's tokens, or every unit's when null.</param>
    public async Task<IReadOnlyList<UnitTokenInfo>> ListAsync(long? unitId, CancellationToken ct)
    {
        const string sql = """
            select t.id, t.unit_id as UnitId, u.name as Unit, t.name, t.created_at as CreatedAt, t.expires_at as ExpiresAt,
                   t.revoked_at as RevokedAt, t.last_used_at as LastUsedAt
            from unit_api_tokens t join units u on u.id = t.unit_id
            where @unitId::bigint is null or t.unit_id = @unitId
            order by t.unit_id, t.id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return [.. await connection.QueryAsync<UnitTokenInfo>(new CommandDefinition(sql, new { unitId }, cancellationToken: ct))];
    }

    /// <summary>Revokes a token at once (the next request with it gets 401), audited.</summary>
    /// <returns>The token's unit; null when no unrevoked token has that id.</returns>
    public async Task<long?> RevokeAsync(long tokenId, string actor, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            update unit_api_tokens set revoked_at = @now
            where id = @tokenId and revoked_at is null
            returning unit_id
            """;
        now = now.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var unitId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql, new { tokenId, now }, tx, cancellationToken: ct));
        if (unitId is null)
        {
            return null;
        }

        await AuditLog.WriteAsync(connection, tx, now, actor, "unit-token.revoke", $"unit:{unitId}", new { token = tokenId }, ct);
        await tx.CommitAsync(ct);
        return unitId;
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
