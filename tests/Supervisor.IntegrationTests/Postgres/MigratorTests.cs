using Dapper;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Postgres;

public sealed class MigratorTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task Migrate_CreatesEveryPipelineTable_OnAnEmptyDatabase()
    {
        var result = await _db.MigrateAsync();

        Assert.Equal(Migration.Embedded.Select(m => m.FileName), result.Applied);
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var tables = (await connection.QueryAsync<string>("select table_name from information_schema.tables where table_schema = 'public'")).ToHashSet();
        string[] pipeline =
        [
            "plans", "sections", "tasks", "units", "unit_aliases", "unit_groups", "leaders", "task_units", "task_leaders",
            "milestones", "progress_reports", "contacts", "calendar_days", "reminders", "messages", "delivery_attempts",
            "job_runs", "unit_rate_snapshots", "users", "schema_migrations",
        ];
        Assert.All(pipeline, t => Assert.Contains(t, tables));
    }

    [Fact]
    public async Task Migrate_LoadsTheOfficialCalendar_WithMakeUpSaturdays()
    {
        await _db.MigrateAsync();

        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var days = (await connection.QueryAsync<(DateTime Day, string Kind)>("select day, kind from calendar_days")).ToDictionary(d => DateOnly.FromDateTime(d.Day), d => d.Kind);
        var csvRows = File.ReadAllLines(Path.Combine(SharedFiles.Directory, "data", "cn-workdays.csv")).Skip(1).Where(l => l.Length > 0).ToList();
        Assert.Equal(csvRows.Count, days.Count);
        Assert.Equal("workday", days[new DateOnly(2026, 2, 14)]);
        Assert.Equal("workday", days[new DateOnly(2026, 2, 28)]);
        Assert.Equal("holiday", days[new DateOnly(2026, 2, 16)]);
    }

    [Fact]
    public async Task Migrate_IsANoOp_WhenRunAgain()
    {
        await _db.MigrateAsync();
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var before = await connection.QuerySingleAsync<DateTime>("select max(applied_at) from schema_migrations");

        var again = await _db.MigrateAsync();

        Assert.Empty(again.Applied);
        Assert.Equal(Migration.Embedded.Count, again.AlreadyApplied);
        Assert.Equal(before, await connection.QuerySingleAsync<DateTime>("select max(applied_at) from schema_migrations"));
        Assert.Equal(Migration.Embedded.Count, await connection.QuerySingleAsync<int>("select count(*)::int from schema_migrations"));
    }

    [Fact]
    public async Task Migrate_RefusesToStart_WhenAnAppliedFileWasEdited()
    {
        await _db.MigrateAsync();
        var tampered = Migration.Embedded
            .Select(m => m.Version == 1 ? Migration.FromFile(m.FileName, m.Sql + "\ncreate table sneaky (id int);") : m)
            .ToList();

        var error = await Assert.ThrowsAsync<MigrationException>(() => _db.MigrateAsync(tampered));

        Assert.Contains("0001_schema.sql was changed after it was applied", error.Message, StringComparison.Ordinal);
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await connection.QuerySingleAsync<int>("select count(*)::int from information_schema.tables where table_name = 'sneaky'"));
    }

    [Fact]
    public async Task Migrate_RollsBackAFailingFile_AndKeepsEarlierOnes()
    {
        var broken = Migration.Embedded.Append(Migration.FromFile("9001_broken.sql", "create table half_done (id int);\nselect no_such_function();")).ToList();

        var error = await Assert.ThrowsAsync<MigrationException>(() => _db.MigrateAsync(broken));

        Assert.Contains("9001_broken.sql failed and was rolled back", error.Message, StringComparison.Ordinal);
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await connection.QuerySingleAsync<int>("select count(*)::int from information_schema.tables where table_name = 'half_done'"));
        Assert.Equal(Migration.Embedded.Count, await connection.QuerySingleAsync<int>("select count(*)::int from schema_migrations"));
    }

    [Fact]
    public async Task TwoConcurrentMigrateProcesses_BothSucceed_AndApplyEachFileOnce()
    {
        var env = SupervisorProcess.Env(_db);

        var runs = await Task.WhenAll(SupervisorProcess.RunAsync(["migrate"], env), SupervisorProcess.RunAsync(["migrate"], env));

        Assert.All(runs, r => Assert.Equal(0, r.ExitCode));
        Assert.Single(runs, r => r.StdOut.Contains("Applied " + Migration.Embedded.Count, StringComparison.Ordinal));
        Assert.Single(runs, r => r.StdOut.Contains("Schema up to date", StringComparison.Ordinal));
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(Migration.Embedded.Count, await connection.QuerySingleAsync<int>("select count(*)::int from schema_migrations"));
    }
}
