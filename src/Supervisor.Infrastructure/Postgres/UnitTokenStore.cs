using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>unit_api_tokens: random tokens shown once, stored as SHA-256 hashes (a leaked table grants nothing).</summary>
public sealed class UnitTokenStore(NpgsqlDataSource dataSource)
{
    /// <returns>The token in clear, to hand to the unit's system once.</returns>
    public async Task<string> CreateAsync(long unitId, string name, DateTimeOffset now, CancellationToken ct)
    {
        var token = "sut_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        const string sql = """
            insert into unit_api_tokens (unit_id, name, token_hash, created_at)
            values (@unitId, @name, @hash, @now)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { unitId, name, hash = Hash(token), now = now.ToUniversalTime() }, cancellationToken: ct));
        return token;
    }

    public async Task<(long UnitId, string TokenName)?> FindUnitAsync(string token, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            update unit_api_tokens set last_used_at = @now
            where token_hash = @hash and revoked_at is null
            returning unit_id as UnitId, name as TokenName
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<(long, string)?>(new CommandDefinition(sql, new { hash = Hash(token), now = now.ToUniversalTime() }, cancellationToken: ct));
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
