using System.Diagnostics;
using Dapper;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

public sealed record MigrationResult(IReadOnlyList<string> Applied, int AlreadyApplied);

/// <summary>
/// Applies the numbered migrations in order, each in its own transaction, recording a checksum per file.
/// A session advisory lock serialises concurrent migrators: the second waits, then finds nothing to do. Under the same
/// lock it installs or upgrades Hangfire's tables (schema <see cref="HangfireSchema"/>) with the package's own
/// installer, so serving nodes never race to create them.
/// </summary>
public sealed partial class Migrator(NpgsqlDataSource dataSource, TimeProvider time, ILogger<Migrator> logger, IReadOnlyList<Migration>? migrations = null)
{
    // Arbitrary but fixed: every Supervisor process must use the same key.
    public const long AdvisoryLockKey = 0x5375_7065_7276_6973;

    /// <summary>The PostgreSQL schema of Hangfire's job storage.</summary>
    public const string HangfireSchema = "hangfire";

    private readonly IReadOnlyList<Migration> _migrations = migrations ?? Migration.Embedded;

    /// <summary>
    /// What is missing for this build to run on the database: pending migrations and Hangfire's schema, or null when
    /// nothing is. Read-only; <c>serve</c> without <c>MigrateOnStart</c> and the readiness check ask it.
    /// </summary>
    public async Task<string?> MissingAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select to_regclass('schema_migrations') is not null", cancellationToken: ct));
        if (!exists)
        {
            return "no migration has been applied";
        }

        var applied = (await connection.QueryAsync<int>(new CommandDefinition("select version from schema_migrations", cancellationToken: ct))).ToHashSet();
        var pending = _migrations.Where(m => !applied.Contains(m.Version)).Select(m => m.FileName).ToList();
        if (pending.Count > 0)
        {
            return "pending migrations " + string.Join(", ", pending);
        }

        var hangfire = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select to_regclass(@table) is not null", new { table = HangfireSchema + ".schema" }, cancellationToken: ct));
        return hangfire ? null : $"Hangfire's tables (schema {HangfireSchema}) are not installed";
    }

    public async Task<MigrationResult> MigrateAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: ct));
        try
        {
            return await MigrateLockedAsync(connection, ct);
        }
        finally
        {
            await connection.ExecuteAsync("select pg_advisory_unlock(@key)", new { key = AdvisoryLockKey });
        }
    }

    private async Task<MigrationResult> MigrateLockedAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string createLedger = """
            create table if not exists schema_migrations (
                version     integer primary key,
                file_name   text not null,
                checksum    text not null,
                applied_at  timestamptz not null,
                duration_ms integer not null
            )
            """;
        await connection.ExecuteAsync(new CommandDefinition(createLedger, cancellationToken: ct));

        const string readLedger = "select version, file_name as FileName, checksum from schema_migrations order by version";
        var applied = (await connection.QueryAsync<AppliedMigration>(new CommandDefinition(readLedger, cancellationToken: ct)))
            .ToDictionary(m => m.Version);

        var known = _migrations.ToDictionary(m => m.Version);
        var unknown = applied.Values.FirstOrDefault(a => !known.ContainsKey(a.Version));
        if (unknown is not null)
        {
            throw new MigrationException(
                $"The database has migration {unknown.FileName} which this build does not contain; run a newer supervisor against it.");
        }

        foreach (var migration in _migrations)
        {
            if (applied.TryGetValue(migration.Version, out var record) && record.Checksum != migration.Checksum)
            {
                throw new MigrationException(
                    $"Migration {migration.FileName} was changed after it was applied (applied checksum {record.Checksum[..12]}, file now {migration.Checksum[..12]}). " +
                    "Applied migrations are never edited: restore the file and put the change in a new numbered file.");
            }
        }

        var appliedNow = new List<string>();
        foreach (var migration in _migrations.Where(m => !applied.ContainsKey(m.Version)))
        {
            var stopwatch = Stopwatch.StartNew();
            await using var transaction = await connection.BeginTransactionAsync(ct);
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: ct, commandTimeout: 600));
            }
            catch (PostgresException ex)
            {
                throw new MigrationException($"Migration {migration.FileName} failed and was rolled back: {ex.MessageText} (SQLSTATE {ex.SqlState}).", ex);
            }

            const string record = """
                insert into schema_migrations (version, file_name, checksum, applied_at, duration_ms)
                values (@Version, @FileName, @Checksum, @appliedAt, @durationMs)
                """;
            await connection.ExecuteAsync(new CommandDefinition(
                record,
                new { migration.Version, migration.FileName, migration.Checksum, appliedAt = time.GetUtcNow(), durationMs = (int)stopwatch.ElapsedMilliseconds },
                transaction,
                cancellationToken: ct));
            await transaction.CommitAsync(ct);
            appliedNow.Add(migration.FileName);
            LogApplied(logger, migration.FileName, stopwatch.ElapsedMilliseconds);
        }

        // Idempotent: applies only the package's scripts this database lacks (one version query each when up to date).
        PostgreSqlObjectsInstaller.Install(connection, HangfireSchema);

        if (appliedNow.Count == 0)
        {
            LogUpToDate(logger, applied.Count);
        }

        return new MigrationResult(appliedNow, applied.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Migration} in {ElapsedMs} ms")]
    private static partial void LogApplied(ILogger logger, string migration, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date ({Count} migrations)")]
    private static partial void LogUpToDate(ILogger logger, int count);

    private sealed record AppliedMigration(int Version, string FileName, string Checksum);
}
