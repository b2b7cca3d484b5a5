using Npgsql;
using Supervisor.Infrastructure.Postgres;
using Microsoft.Extensions.Logging.Abstractions;

namespace Supervisor.IntegrationTests.Infrastructure;

/// <summary>
/// A fresh, empty database on the test PostgreSQL server (scripts/test starts it and sets SUPERVISOR_TEST_PG):
/// one per test class, dropped afterwards, so classes can run in parallel and never see each other's rows.
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("SUPERVISOR_TEST_PG")
        ?? throw new InvalidOperationException("SUPERVISOR_TEST_PG is not set: run the tests with scripts/test, which starts PostgreSQL and sets it");

    public string Name { get; } = "supervisor_t_" + Guid.NewGuid().ToString("N")[..16];

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(ServerConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {Name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = Name, Pooling = true }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists {Name} with (force)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public Task<MigrationResult> MigrateAsync(IReadOnlyList<Migration>? migrations = null) =>
        new Migrator(DataSource, TimeProvider.System, NullLogger<Migrator>.Instance, migrations).MigrateAsync(CancellationToken.None);
}
