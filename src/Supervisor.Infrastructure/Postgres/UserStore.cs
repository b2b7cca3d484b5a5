using Dapper;
using Npgsql;
using Supervisor.Core;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>A console user as the login needs it.</summary>
public sealed record ConsoleUser(long Id, string Name, string PasswordHash, string Role, int FailedLogins, DateTimeOffset? LockedUntil);

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
        const string audit = """
            insert into audit_log (at, actor, action, target, details)
            values (@now, 'cli', 'user.add', @target, jsonb_build_object('role', @role::text))
            """;
        now = now.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql, new { name, passwordHash, role, now }, tx, cancellationToken: ct))
            ?? throw new BadInputException($"user '{name}' already exists");
        await connection.ExecuteAsync(new CommandDefinition(audit, new { now, target = $"user:{name}", role }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return id;
    }

    public async Task<ConsoleUser?> FindAsync(string name, CancellationToken ct)
    {
        const string sql = """
            select id, name, password_hash as PasswordHash, role, failed_logins as FailedLogins, locked_until as LockedUntil
            from users where name = @name
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(sql, new { name }, cancellationToken: ct));
        return row?.ToUser();
    }

    /// <summary>Counts a failed login; the <paramref name="threshold"/>-th in a row locks the account until now + <paramref name="lockout"/>.</summary>
    /// <returns>When the account is locked until, if this failure locked it.</returns>
    public async Task<DateTimeOffset?> RecordFailureAsync(long id, DateTimeOffset now, int threshold, TimeSpan lockout, CancellationToken ct)
    {
        // One statement: two concurrent failures both count, and exactly one of them crosses the threshold.
        const string sql = """
            update users
            set failed_logins = case when failed_logins + 1 >= @threshold then 0 else failed_logins + 1 end,
                locked_until = case when failed_logins + 1 >= @threshold then @until else locked_until end
            where id = @id
            returning (failed_logins = 0 and locked_until = @until) as locked
            """;
        now = now.ToUniversalTime();
        var until = now + lockout;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var locked = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { id, threshold, until }, cancellationToken: ct));
        return locked ? until : null;
    }

    public async Task RecordSuccessAsync(long id, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = "update users set failed_logins = 0, locked_until = null, last_login_at = @now where id = @id";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { id, now = now.ToUniversalTime() }, cancellationToken: ct));
    }

    private sealed record UserRow(long Id, string Name, string PasswordHash, string Role, int FailedLogins, DateTime? LockedUntil)
    {
        public ConsoleUser ToUser() => new(Id, Name, PasswordHash, Role, FailedLogins,
            LockedUntil is { } l ? new DateTimeOffset(DateTime.SpecifyKind(l, DateTimeKind.Utc)) : null);
    }
}
