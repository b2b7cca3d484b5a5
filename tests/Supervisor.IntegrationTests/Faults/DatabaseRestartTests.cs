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

/// <summary>PostgreSQL restarted under a running dispatcher: the process survives, resumes, and nothing is lost.</summary>
// The gateway and the cluster are disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
[Trait("Category", "Faults")]
public sealed class DatabaseRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Messages = 3_000;
    private readonly PrivatePostgres _postgres = new();
    private readonly SmsGateway _gateway = new();
    private readonly string _data = Directory.CreateTempSubdirectory("supervisor-pgrestart-").FullName;

    public async Task InitializeAsync()
    {
        await _postgres.StartAsync();
        await _gateway.StartAsync();
        await using var dataSource = NpgsqlDataSource.Create(_postgres.ConnectionString);
        await new Migrator(dataSource, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await _postgres.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task PostgresRestartDuringDispatch_ProcessSurvives_AndEveryMessageIsDelivered()
    {
        await using (var dataSource = NpgsqlDataSource.Create(_postgres.ConnectionString))
        {
            var phones = Enumerable.Range(0, Messages).Select(i => "137" + i.ToString("D8", CultureInfo.InvariantCulture));
            await Outbox.QueueAsync(dataSource, "sms", phones, DateTimeOffset.UtcNow.AddMinutes(-1), kind: "escalation");
        }

        // Slow the gateway down so the restart lands mid-stream.
        _gateway.Answer = (_, _) =>
        {
            Thread.Sleep(5);
            return (200, "OK");
        };
        using var dispatch = SupervisorProcess.Start(["dispatch"], FaultEnvironment.SmsDispatch(_postgres.ConnectionString, _data, _gateway, TimeSpan.FromSeconds(10), batchSize: 100));
        var wait = Stopwatch.StartNew();
        while (_gateway.Accepted.Count < Messages / 5 && wait.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(20);
        }

        await _postgres.StopAsync();
        var down = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await _postgres.StartAsync();
        var outage = down.Elapsed;
        output.WriteLine($"PostgreSQL was down {outage.TotalSeconds:F1} s with {_gateway.Accepted.Count} accepted");

        NpgsqlConnection.ClearAllPools();
        await using var check = NpgsqlDataSource.Create(_postgres.ConnectionString);
        await using var connection = await check.OpenConnectionAsync();
        while (await connection.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'sent'") < Messages && down.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(200);
        }

        var accepted = _gateway.Accepted.Select(a => a.OutId).ToList();
        var duplicates = accepted.Count - accepted.Distinct().Count();
        output.WriteLine($"all sent {down.Elapsed.TotalSeconds:F1} s after the stop; accepted {accepted.Count}, duplicates {duplicates}");
        Console.WriteLine($"[figure] PostgreSQL restart mid-dispatch: lost 0 of {Messages}, duplicates {duplicates}, all delivered {down.Elapsed.TotalSeconds:F1} s after the stop");
        Assert.False(dispatch.Process.HasExited, "dispatch died with the database: " + dispatch.Tail);
        Assert.Equal(Messages, await connection.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'sent'"));
        Assert.Equal(Messages, accepted.Distinct().Count());
        Assert.InRange(duplicates, 0, 100);

        // A sent batch whose ack fails keeps retrying it until a tenth of its 10 s lease is left: an outage well inside
        // that (stop, 3 s, start) resends nothing. Only a longer one lets the lease run out and one batch go again.
        if (outage < TimeSpan.FromSeconds(7))
        {
            Assert.Equal(0, duplicates);
        }
        Assert.Contains("retrying in", dispatch.Tail, StringComparison.Ordinal);
    }
}
