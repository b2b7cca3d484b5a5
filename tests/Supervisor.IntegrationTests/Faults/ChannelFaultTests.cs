using System.Diagnostics;
using System.Globalization;
using Dapper;
using Supervisor.IntegrationTests.Delivery.Channels;
using Supervisor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Supervisor.IntegrationTests.Faults;

/// <summary>
/// The outbox's guarantees hold for the new channels too, each fault played with a template-SMS provider (Alibaba Cloud)
/// and a robot channel (WeCom) at once: kill -9 of a dispatching process mid-batch, and both providers down for two
/// minutes — every message delivered, none lost, duplicates at most one claim batch and each visible in delivery_attempts.
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

    private async Task<int> RowsAsync(string sql)
    {
        await using var c = await _db.DataSource.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<int>(sql);
    }

    /// <summary>Each duplicate (by SMS key or robot webhook) has two attempts, one left open by the killed process.</summary>
    private async Task AssertDuplicatesVisibleAsync(List<string> keys, List<string> webhooks)
    {
        const string attempts = """
            select count(*)::int from messages m
            where (m.key = any(@keys) or m.recipient_address = any(@webhooks))
              and (select count(*) from delivery_attempts d where d.message_id = m.id) >= 2
              and exists (select 1 from delivery_attempts d where d.message_id = m.id and d.outcome is null)
            """;
        await using var c = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(keys.Count + webhooks.Count, await c.ExecuteScalarAsync<int>(attempts, new { keys = keys.ToArray(), webhooks = webhooks.ToArray() }));
    }

    private string Robot(int i) => $"{_fakes.Base}/cgi-bin/webhook/send?key=fault-{i}";

    /// <summary>One post to each of <paramref name="count"/> robots: the per-robot limit of 20 a minute does not pace them.</summary>
    private async Task QueueRobotsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await ChannelData.QueueRobotAsync(_db.DataSource, "wecom", Robot(i), 1, DateTimeOffset.UtcNow.AddMinutes(-1));
        }
    }

    [Fact]
    public async Task AliyunSmsAndWeComRobots_KillDashNineMidBatch_LosesNothing_DuplicatesAtMostOneBatchAndVisible()
    {
        const int texts = 2_000;
        const int robots = 200;
        const int messages = texts + robots;
        var phones = Enumerable.Range(0, texts).Select(i => "139" + i.ToString("D8", CultureInfo.InvariantCulture)).ToList();
        await ChannelData.QueueSmsAsync(_db.DataSource, phones, DateTimeOffset.UtcNow.AddMinutes(-1));
        await QueueRobotsAsync(robots);

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

            var sms = _fakes.Accepted.Where(a => a.Platform == "aliyun").Select(a => a.OutId!).ToList();
            var posts = _fakes.Accepted.Where(a => a.Platform == "wecom").Select(a => a.Recipient).ToList();
            var duplicatedSms = sms.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            var duplicatedPosts = posts.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            var duplicates = duplicatedSms.Count + duplicatedPosts.Count;
            output.WriteLine($"Aliyun + WeCom: accepted at kill {atKill}, texts {sms.Count} ({sms.Distinct().Count()} distinct), posts {posts.Count} ({posts.Distinct().Count()} distinct), all sent {killed.Elapsed.TotalSeconds:F1} s after the kill");
            Console.WriteLine($"[figure] Aliyun + WeCom kill -9 mid-batch: lost 0 of {messages}, duplicates {duplicates} (≤ batch {BatchSize}), all delivered {killed.Elapsed.TotalSeconds:F1} s after the kill");

            Assert.Equal(messages, await SentAsync());
            Assert.Equal(texts, sms.Distinct().Count());
            Assert.Equal(robots, posts.Distinct().Count());
            Assert.InRange(duplicates, 0, BatchSize);
            Assert.Equal(0, _fakes.BadSignatures);
            await AssertDuplicatesVisibleAsync(duplicatedSms, duplicatedPosts.Select(k => Robot(int.Parse(k["fault-".Length..], CultureInfo.InvariantCulture))).ToList());
        }
        finally
        {
            secondRun.Process.Kill(entireProcessTree: true);
            await secondRun.Process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task AliyunSmsAndWeComRobots_ProvidersDownForTwoMinutes_EveryMessageDeliveredOnceAfterTheyReturn()
    {
        const int texts = 300;
        const int robots = 300;
        const int messages = texts + robots;
        await ChannelData.QueueSmsAsync(_db.DataSource, Enumerable.Range(0, texts).Select(i => "137" + i.ToString("D8", CultureInfo.InvariantCulture)), DateTimeOffset.UtcNow.AddMinutes(-1));
        await QueueRobotsAsync(robots);

        var port = _fakes.Port;
        await _fakes.StopAsync();
        using var run = SupervisorProcess.Start(["dispatch"], Env("Aliyun"));
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(2));
            Assert.False(run.Process.HasExited, "dispatch exited during the outage: " + run.Tail);
            Assert.Equal(0, await SentAsync());
            Assert.True(await RowsAsync("select count(distinct message_id)::int from delivery_attempts where outcome = 'transient'") == messages, "every message was tried while the providers were down");
            var triesDuringOutage = await RowsAsync("select count(*)::int from delivery_attempts");

            await _fakes.StartAsync(port);
            var back = Stopwatch.StartNew();
            while (await SentAsync() < messages && back.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(200);
            }

            var sms = _fakes.Accepted.Where(a => a.Platform == "aliyun").Select(a => a.OutId!).ToList();
            var posts = _fakes.Accepted.Where(a => a.Platform == "wecom").Select(a => a.Recipient).ToList();
            output.WriteLine($"Aliyun + WeCom: {triesDuringOutage} tries during the outage; texts {sms.Count} ({sms.Distinct().Count()} distinct), posts {posts.Count} ({posts.Distinct().Count()} distinct), all sent {back.Elapsed.TotalSeconds:F1} s after the return");
            Console.WriteLine($"[figure] Aliyun + WeCom down 2 min: lost 0 of {messages}, duplicates {sms.Count - sms.Distinct().Count() + posts.Count - posts.Distinct().Count()}, all delivered {back.Elapsed.TotalSeconds:F1} s after they returned");
            Assert.Equal(messages, await SentAsync());
            Assert.Equal((texts, texts), (sms.Count, sms.Distinct().Count()));
            Assert.Equal((robots, robots), (posts.Count, posts.Distinct().Count()));
            Assert.Equal(0, await RowsAsync("select count(*)::int from messages where state = 'dead'"));
            Assert.Equal(0, _fakes.BadSignatures);
        }
        finally
        {
            run.Process.Kill(entireProcessTree: true);
            await run.Process.WaitForExitAsync();
        }
    }
}
