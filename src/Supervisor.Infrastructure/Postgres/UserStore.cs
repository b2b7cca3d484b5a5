using Dapper;
using Npgsql;
using Supervisor.Core;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>A console user as the login needs it.</summary>
public sealed record ConsoleUser(long Id, string Name, string PasswordHash, string Role, Guid SessionStamp);

/// <summary>users: staff accounts of the console; passwords arrive hashed, never in clear.</summary>
public sealed class UserStore(NpgsqlDataSource dataSource)
{
    public static readonly IReadOnlyList<string> Roles = ["admin", "supervisor", "viewer"];

    public async Task<long> AddAsync(string name, string passwordHash, string role, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            insert into users (name, password_hash, role, created_at)
            values (@name, @passwordHash, @role, @now)
            on conflict (name) do nothing
            returning id
            """;
        now = now.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql, new { name, passwordHash, role, now }, tx, cancellationToken: ct))
            ?? throw new BadInputException($"user '{name}' already exists");
        await AuditLog.WriteAsync(connection, tx, now, "cli", "user.add", $"user:{name}", new { role }, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    public async Task<ConsoleUser?> FindAsync(string name, CancellationToken ct)
    {
        const string sql = """
            select id, name, password_hash as PasswordHash, role, session_stamp as SessionStamp
            from users where name = @name
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(sql, new { name }, cancellationToken: ct));
        return row?.ToUser();
    }

    /// <summary>The stamp a session cookie of this user must carry; null when the user no longer exists.</summary>
    public async Task<Guid?> SessionStampAsync(long id, CancellationToken ct)
    {
        // One primary-key read per cookie request: the price of a logout that ends the session on every node at once.
        const string sql = "select session_stamp from users where id = @id";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    /// <summary>Gives the user a new session stamp: every cookie issued before stops working (logout, password change).</summary>
    public async Task EndSessionsAsync(long id, CancellationToken ct)
    {
        const string sql = "update users set session_stamp = gen_random_uuid() where id = @id";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct));
    }

    /// <summary>Sets a new password hash and ends every session of the user, audited; false when no such user.</summary>
    public async Task<bool> SetPasswordAsync(string name, string passwordHash, string actor, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            update users set password_hash = @passwordHash, session_stamp = gen_random_uuid()
            where name = @name
            returning id
            """;
        now = now.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql, new { name, passwordHash }, tx, cancellationToken: ct));
        if (id is null)
        {
            return false;
        }

        await AuditLog.WriteAsync(connection, tx, now, actor, "user.password", $"user:{name}", null, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task RecordSuccessAsync(long id, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = "update users set failed_logins = 0, locked_until = null, last_login_at = @now where id = @id";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { id, now = now.ToUniversalTime() }, cancellationToken: ct));
    }

    private sealed record UserRow(long Id, string Name, string PasswordHash, string Role, Guid SessionStamp)
    {
        public ConsoleUser ToUser() => new(Id, Name, PasswordHash, Role, SessionStamp);
    }
}
