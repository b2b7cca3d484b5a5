using System.Diagnostics;
using System.Globalization;
using Dapper;
using Supervisor.IntegrationTests.Delivery.Channels;
using Supervisor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Supervisor.IntegrationTests.Faults;

/// <summary>
/// The outbox's guarantees hold for the new channels too: kill -9 of a dispatching process sending through Alibaba
/// Cloud SMS, and a WeCom robot endpoint down for a while (20 s here instead of the two minutes, to keep CI
/// fast; the retry path is the same) — every message delivered, none lost, duplicates at most one claim batch and each
/// visible in delivery_attempts.
/// </summary>
// The fakes are disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
[Trait("Category", "Faults")]
public sealed class ChannelFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int BatchSize = 100;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private readonly TestDatabase _db = new();
    private readonly ProviderFakes _fakes = new();
    private readonly string _data = Directory.CreateTempSubdirectory("supervisor-channel-fault-").FullName;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        await _fakes.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _fakes.DisposeAsync();
        await _db.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private Dictionary<string, string?> Env(string provider)
    {
        var env = _fakes.Settings(provider).ToDictionary(p => p.Key.Replace(":", "__", StringComparison.Ordinal), p => p.Value);
        env["ConnectionStrings__Supervisor"] = _db.ConnectionString;
        env["Supervisor__DataDirectory"] = _data;
        env["Sms__RatePerSecond"] = "10000";
        env["Sms__EscalationIgnoresQuietHours"] = "true";
        env["Delivery__Lease"] = Lease.ToString();
        env["Delivery__BatchSize"] = BatchSize.ToString(CultureInfo.InvariantCulture);
        env["Delivery__PollInterval"] = "00:00:00.200";
        env["Delivery__BackoffMin"] = "00:00:01";
        env["Delivery__BackoffMax"] = "00:00:04";
        return env;
    }

    private async Task<int> SentAsync()
    {
        await using var c = await _db.DataSource.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'sent'");
    }

    private async Task AssertDuplicatesVisibleAsync(List<string> duplicated)
    {
        const string attempts = """
            select count(*)::int from messages m
            where m.key = any(@keys)
              and (select count(*) from delivery_attempts d where d.message_id = m.id) >= 2
              and exists (select 1 from delivery_attempts d where d.message_id = m.id and d.outcome is null)
            """;
        await using var c = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(duplicated.Count, await c.ExecuteScalarAsync<int>(attempts, new { keys = duplicated.ToArray() }));
    }

    [Fact]
    public async Task AliyunSms_KillDashNineMidDispatch_LosesNothing_DuplicatesAtMostOneBatchAndVisible()
    {
        const int messages = 2_000;
        var phones = Enumerable.Range(0, messages).Select(i => "139" + i.ToString("D8", CultureInfo.InvariantCulture)).ToList();
        await ChannelData.QueueSmsAsync(_db.DataSource, phones, DateTimeOffset.UtcNow.AddMinutes(-1));

        using var firstRun = SupervisorProcess.Start(["dispatch"], Env("Aliyun"));
        var deadline = Stopwatch.StartNew();
        while (_fakes.Accepted.Count < messages / 4 && deadline.Elapsed < TimeSpan.FromMinutes(2) && !firstRun.Process.HasExited)
        {
            await Task.Delay(20);
        }

        Assert.False(firstRun.Process.HasExited, "dispatch exited early: " + firstRun.Tail);
        firstRun.Process.Kill(entireProcessTree: true);
        await firstRun.Process.WaitForExitAsync();
        var killed = Stopwatch.StartNew();
        var atKill = _fakes.Accepted.Count;
        Assert.InRange(atKill, 1, messages - 1);

        using var secondRun = SupervisorProcess.Start(["dispatch"], Env("Aliyun"));
        try
        {
            while (await SentAsync() < messages && killed.Elapsed < TimeSpan.FromMinutes(3))
            {
                await Task.Delay(200);
            }

            var accepted = _fakes.Accepted.Select(a => a.OutId!).ToList();
            var duplicated = accepted.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            output.WriteLine($"Aliyun: accepted at kill {atKill}, total {accepted.Count}, distinct {accepted.Distinct().Count()}, duplicates {duplicated.Count}, all sent {killed.Elapsed.TotalSeconds:F1} s after the kill");
            Console.WriteLine($"[figure] Aliyun kill -9 mid-dispatch: lost 0 of {messages}, duplicates {duplicated.Count} (≤ batch {BatchSize}), all delivered {killed.Elapsed.TotalSeconds:F1} s after the kill");

            Assert.Equal(messages, await SentAsync());
            Assert.Equal(messages, accepted.Distinct().Count());
            Assert.InRange(duplicated.Count, 0, BatchSize);
            Assert.Equal(0, _fakes.BadSignatures);
            await AssertDuplicatesVisibleAsync(duplicated);
        }
        finally
        {
            secondRun.Process.Kill(entireProcessTree: true);
            await secondRun.Process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task WeComRobots_EndpointDownForTwentySeconds_EveryPostDeliveredOnceAfterItReturns()
    {
        const int robots = 300;
        for (var i = 0; i < robots; i++)
        {
            await ChannelData.QueueRobotAsync(_db.DataSource, "wecom", $"{_fakes.Base}/cgi-bin/webhook/send?key=fault-{i}", 1, DateTimeOffset.UtcNow.AddMinutes(-1));
        }

        var port = _fakes.Port;
        await _fakes.StopAsync();
        using var run = SupervisorProcess.Start(["dispatch"], Env("Gateway"));
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(20));
            await using (var c = await _db.DataSource.OpenConnectionAsync())
            {
                Assert.Equal(0, await c.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'sent'"));
                Assert.True(await c.ExecuteScalarAsync<int>("select count(*)::int from delivery_attempts where outcome = 'transient'") >= robots, "every post was tried while the endpoint was down");
            }

            await _fakes.StartAsync(port);
            var back = Stopwatch.StartNew();
            while (await SentAsync() < robots && back.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(200);
            }

            var accepted = _fakes.Accepted.Select(a => a.Recipient).ToList();
            output.WriteLine($"WeCom: {accepted.Count} accepted, {accepted.Distinct().Count()} distinct, all sent {back.Elapsed.TotalSeconds:F1} s after the endpoint returned");
            Console.WriteLine($"[figure] WeCom down 20 s: lost 0 of {robots}, duplicates {accepted.Count - accepted.Distinct().Count()}, all delivered {back.Elapsed.TotalSeconds:F1} s after it returned");
            Assert.Equal(robots, await SentAsync());
            Assert.Equal(robots, accepted.Distinct().Count());
            Assert.Equal(robots, accepted.Count);
            await using var c2 = await _db.DataSource.OpenConnectionAsync();
            Assert.Equal(0, await c2.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'dead'"));
        }
        finally
        {
            run.Process.Kill(entireProcessTree: true);
            await run.Process.WaitForExitAsync();
        }
    }
}
