using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Jobs;

/// <summary>Hangfire never creates its own tables: without `migrate`, serve stops with one line saying so.</summary>
public sealed class UnmigratedDatabaseTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task Serve_WithoutMigrateOnStart_OnAnEmptyDatabase_ExitsOne_AskingForMigrate()
    {
        var env = SupervisorProcess.Env(_db);
        env["Supervisor__MigrateOnStart"] = "false";
        env["Console__Urls"] = "http://127.0.0.1:0";

        var result = await SupervisorProcess.RunAsync(["serve"], env);

        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith(
            "supervisor: the database is not migrated for this build (no migration has been applied): run 'supervisor migrate' first",
            result.StdErr.TrimEnd(),
            StringComparison.Ordinal);
    }
}
