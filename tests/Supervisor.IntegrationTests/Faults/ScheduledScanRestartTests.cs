using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Delivery;
using Supervisor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Supervisor.IntegrationTests.Faults;

/// <summary>PostgreSQL restarted under `serve` while milestone-scan fires every 2 s: the node survives and scans again.</summary>
// The cluster is disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
[Trait("Category", "Faults")]
public sealed class ScheduledScanRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly PrivatePostgres _postgres = new();

    public async Task InitializeAsync()
    {
        await _postgres.StartAsync();
        await using var dataSource = NpgsqlDataSource.Create(_postgres.ConnectionString);
        await new Migrator(dataSource, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _postgres.DisposeAsync();
    }

    private static async Task<int> SucceededScansAsync(NpgsqlConnection connection, DateTime after) =>
        await connection.ExecuteScalarAsync<int>(
            "select count(*)::int from job_runs where job_name = 'milestone-scan' and outcome = 'succeeded' and started_at > @after", new { after });

    [Fact]
    public async Task PostgresRestartDuringScheduledScans_ServeSurvives_AndLaterSlotsSucceed()
    {
        var env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Supervisor"] = _postgres.ConnectionString,
            ["Console__Urls"] = "http://127.0.0.1:" + SmtpSink.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Jobs__milestone-scan__Cron"] = "*/2 * * * * *",
            ["Jobs__SchedulePollingInterval"] = "00:00:01",
            ["Jobs__QueuePollInterval"] = "00:00:01",
            ["Console__LinkSecret"] = SupervisorProcess.TestLinkSecret,
        };
        Assert.Equal(0, (await SupervisorProcess.RunAsync(["import", SharedFiles.Seed("003"), "--year", "2023"], env)).ExitCode);
        using var serve = SupervisorProcess.Start(["serve"], env);

        var wait = Stopwatch.StartNew();
        await using (var dataSource = NpgsqlDataSource.Create(_postgres.ConnectionString))
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            while (await SucceededScansAsync(connection, DateTime.MinValue) < 2 && wait.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(250);
            }

            Assert.True(await SucceededScansAsync(connection, DateTime.MinValue) >= 2, "no scans before the restart: " + serve.Tail);
        }

        NpgsqlConnection.ClearAllPools();
        await _postgres.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(5));
        await _postgres.StartAsync();
        var restarted = DateTime.UtcNow;
        var back = Stopwatch.StartNew();

        await using var check = NpgsqlDataSource.Create(_postgres.ConnectionString);
        await using var c = await check.OpenConnectionAsync();
        while (await SucceededScansAsync(c, restarted) < 2 && back.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(250);
        }

        output.WriteLine($"scans succeeding again {back.Elapsed.TotalSeconds:F1} s after PostgreSQL came back");
        Console.WriteLine($"[figure] PostgreSQL restart under serve: scans succeeding again {back.Elapsed.TotalSeconds:F1} s after it came back");
        Assert.False(serve.Process.HasExited, "serve died with the database: " + serve.Tail);
        Assert.True(await SucceededScansAsync(c, restarted) >= 2, "no scan after the restart: " + serve.Tail);
        Assert.Equal(0, await c.ExecuteScalarAsync<int>(
            "select count(*)::int from (select scheduled_at from job_runs where trigger_kind = 'schedule' group by job_name, scheduled_at having count(*) > 1) d"));
    }
}
