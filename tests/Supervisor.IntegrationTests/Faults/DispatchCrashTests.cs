using System.Diagnostics;
using System.Globalization;
using Dapper;
using Supervisor.IntegrationTests.Delivery;
using Supervisor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Supervisor.IntegrationTests.Faults;

/// <summary>
/// kill -9 of a dispatching process in the middle of 10,000 messages: after restart every message is delivered;
/// the duplicates at the sink are at most one claim batch (sent, then killed before the ack) and each one shows in
/// delivery_attempts as an attempt left open by the dead worker beside the one that finished.
/// </summary>
// The gateway is disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
[Trait("Category", "Faults")]
public sealed class DispatchCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Messages = 10_000;
    private const int BatchSize = 200;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private readonly TestDatabase _db = new();
    private readonly SmsGateway _gateway = new();
    private readonly string _data = Directory.CreateTempSubdirectory("supervisor-crash-").FullName;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        await _gateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _db.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private Dictionary<string, string?> Env() => FaultEnvironment.SmsDispatch(_db.ConnectionString, _data, _gateway, Lease, BatchSize);

    [Fact]
    public async Task KillDashNineMidDispatch_LosesNothing_AndEveryDuplicateIsInDeliveryAttempts()
    {
        var phones = Enumerable.Range(0, Messages).Select(i => "139" + i.ToString("D8", CultureInfo.InvariantCulture));
        await Outbox.QueueAsync(_db.DataSource, "sms", phones, DateTimeOffset.UtcNow.AddMinutes(-1), kind: "escalation");

        using var firstRun = SupervisorProcess.Start(["dispatch"], Env());
        var first = firstRun.Process;
        var deadline = Stopwatch.StartNew();
        while (_gateway.Accepted.Count < Messages / 4 && deadline.Elapsed < TimeSpan.FromMinutes(2) && !first.HasExited)
        {
            await Task.Delay(20);
        }

        if (first.HasExited)
        {
            Assert.Fail($"dispatch exited early ({first.ExitCode}): {firstRun.Tail}");
        }

        first.Kill(entireProcessTree: true);   // SIGKILL: no shutdown, no ack of the batch in flight
        await first.WaitForExitAsync();
        var killed = Stopwatch.StartNew();
        var acceptedAtKill = _gateway.Accepted.Count;
        Assert.InRange(acceptedAtKill, 1, Messages - 1);

        using var secondRun = SupervisorProcess.Start(["dispatch"], Env());
        var second = secondRun.Process;
        try
        {
            await using var connection = await _db.DataSource.OpenConnectionAsync();
            while (await connection.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'sent'") < Messages && killed.Elapsed < TimeSpan.FromMinutes(3))
            {
                await Task.Delay(200);
            }

            var recovered = killed.Elapsed;
            var accepted = _gateway.Accepted.Select(a => a.OutId).ToList();
            var duplicated = accepted.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            output.WriteLine($"accepted at kill {acceptedAtKill}, total accepted {accepted.Count}, distinct {accepted.Distinct().Count()}, duplicates {duplicated.Count}, all sent {recovered.TotalSeconds:F1} s after the kill (lease {Lease.TotalSeconds} s)");
            Console.WriteLine($"[figure] kill -9 mid-dispatch: lost 0 of {Messages}, duplicates {duplicated.Count} (≤ batch {BatchSize}), all delivered {recovered.TotalSeconds:F1} s after the kill");

            Assert.Equal(Messages, await connection.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'sent'"));
            Assert.Equal(Messages, accepted.Distinct().Count());
            Assert.InRange(duplicated.Count, 0, BatchSize);
            const string attempts = """
                select count(*)::int from messages m
                where m.key = any(@keys)
                  and (select count(*) from delivery_attempts d where d.message_id = m.id) >= 2
                  and exists (select 1 from delivery_attempts d where d.message_id = m.id and d.outcome is null)
                """;
            Assert.Equal(duplicated.Count, await connection.ExecuteScalarAsync<int>(attempts, new { keys = duplicated.ToArray() }));
            Assert.True(recovered < Lease + TimeSpan.FromSeconds(50), $"redelivery took {recovered}");
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }
    }
}
