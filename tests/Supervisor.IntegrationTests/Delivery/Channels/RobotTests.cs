using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Delivery.Channels;

// The fakes are disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
public sealed class RobotTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday10 = new(2023, 6, 26, 10, 0, 0, TimeSpan.FromHours(8));
    private readonly TestDatabase _db = new();
    private readonly ProviderFakes _fakes = new();

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
    }

    private static async Task<DispatchResult> PassAsync(ServiceProvider services, DateTimeOffset at)
    {
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(at), "test-worker", CancellationToken.None);
    }

    [Fact]
    public async Task UnitWithWeComAndDingTalkRobots_GetsOneMarkdownPostADayInEachGroup_RerunningTheDaysJobsSendsNothingMore()
    {
        await DeliveryData.WriteAsync(_db.DataSource);
        await ChannelData.AddRobotsAsync(_db.DataSource, "区财政局", _fakes.WeComUrl, _fakes.DingTalkUrl, ProviderFakes.DingTalkSecret);
        await using var services = TestServices.Create(_db, _fakes.Settings("Gateway"), new FixedTimeProvider(Monday10));
        var composer = services.GetRequiredService<ReminderComposer>();

        var composed = await composer.ComposeAsync(Monday10, ReminderComposer.AllLevels, CancellationToken.None);
        await PassAsync(services, Monday10);
        await composer.ComposeAsync(Monday10.AddHours(1), ReminderComposer.AllLevels, CancellationToken.None);
        var again = await PassAsync(services, Monday10.AddHours(1));

        var wecom = Assert.Single(_fakes.Accepted, a => a.Platform == "wecom");
        var dingtalk = Assert.Single(_fakes.Accepted, a => a.Platform == "dingtalk");
        Assert.Equal(0, _fakes.BadSignatures);
        Assert.Equal(0, again.Claimed);
        foreach (var post in new[] { wecom.Content, dingtalk.Content })
        {
            Assert.StartsWith("### 督查督办提醒：区财政局", post, StringComparison.Ordinal);
            Assert.Contains("完善财政预算绩效管理", post, StringComparison.Ordinal);
            Assert.Matches("已逾期[0-9]+个工作日（3天）", post);
            Assert.Contains("[反馈进展](http://", post, StringComparison.Ordinal);
        }

        // 区财政局 has no liaison: its groups reach it, so it is no longer an unreachable unit.
        await using var c = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("select count(*)::int from reminder_gaps g join units u on u.id = g.unit_id where u.name = '区财政局'"));
        var keys = (await c.QueryAsync<string>("select key from messages where channel in ('wecom', 'dingtalk')")).ToList();
        Assert.Equal(2, keys.Count);
        Assert.All(keys, k => Assert.DoesNotContain(ProviderFakes.WeComKey, k, StringComparison.Ordinal));
        Assert.All(keys, k => Assert.DoesNotContain(ProviderFakes.DingTalkToken, k, StringComparison.Ordinal));
        Assert.True(composed.Messages > 2);
    }

    [Fact]
    public async Task UnreachableUnits_ListsAUnitWithNoContactAndNoRobot_UntilItsGroupRobotIsAdded()
    {
        await DeliveryData.WriteAsync(_db.DataSource);
        await using var services = TestServices.Create(_db, _fakes.Settings("Gateway"), new FixedTimeProvider(Monday10));
        var store = services.GetRequiredService<ReachabilityStore>();

        var before = await store.UnreachableUnitsAsync(CancellationToken.None);
        await ChannelData.AddRobotsAsync(_db.DataSource, "区财政局", _fakes.WeComUrl, null, null);
        var after = await store.UnreachableUnitsAsync(CancellationToken.None);

        Assert.Equal(["区财政局"], before.Select(u => u.Name));
        Assert.Empty(after);
    }

    [Fact]
    public async Task DingTalkTooFast130101_IsRetriedLater_InvalidTokenIsDeadAtOnce()
    {
        await ChannelData.QueueRobotAsync(_db.DataSource, "dingtalk", _fakes.DingTalkUrl, 1, Monday10);
        await ChannelData.QueueRobotAsync(_db.DataSource, "dingtalk", _fakes.DingTalkUrl.Replace(ProviderFakes.DingTalkToken, "wrong-token", StringComparison.Ordinal), 1, Monday10, kind: "unit_digest");
        await using var services = TestServices.Create(_db, _fakes.Settings("Gateway"), new FixedTimeProvider(Monday10));
        await using (var c0 = await _db.DataSource.OpenConnectionAsync())
        {
            await c0.ExecuteAsync("insert into units (name, created_at) values ('区财政局', now())");
            await ChannelData.AddRobotsAsync(_db.DataSource, "区财政局", null, _fakes.DingTalkUrl, ProviderFakes.DingTalkSecret);
        }

        _fakes.Robot = (platform, n) => 130101;
        var first = await PassAsync(services, Monday10);
        _fakes.Robot = (platform, n) => 0;
        var later = await PassAsync(services, Monday10.AddHours(1));

        Assert.Equal((1, 1), (first.Retrying, first.Dead));
        Assert.Equal(1, later.Sent);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        var rows = (await c.QueryAsync<(string State, string Error)>("select state, coalesce(last_error, '') from messages order by state")).ToList();
        Assert.Contains("300005", rows.Single(r => r.State == "dead").Error, StringComparison.Ordinal);
        Assert.Contains("130101", await c.ExecuteScalarAsync<string>("select error from delivery_attempts where outcome = 'transient'"), StringComparison.Ordinal);
        Assert.Single(_fakes.Accepted);
        Assert.Equal(0, _fakes.BadSignatures);

        // The token is a secret: neither the attempts nor the errors hold it.
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("select count(*)::int from delivery_attempts where error like '%' || @t || '%'", new { t = ProviderFakes.DingTalkToken }));
    }

    [Fact]
    public async Task WeComOverTheFrequencyLimit45009OrDown_IsRetried_InvalidKeyIsDead()
    {
        _fakes.Robot = (platform, n) => n == 1 ? 45009 : 500;
        await ChannelData.QueueRobotAsync(_db.DataSource, "wecom", _fakes.WeComUrl, 2, Monday10);
        await ChannelData.QueueRobotAsync(_db.DataSource, "wecom", _fakes.WeComUrl.Replace(ProviderFakes.WeComKey, "not-a-key", StringComparison.Ordinal), 1, Monday10, kind: "unit_digest");
        await using var services = TestServices.Create(_db, _fakes.Settings("Gateway"), new FixedTimeProvider(Monday10));

        var first = await PassAsync(services, Monday10);
        _fakes.Robot = (platform, n) => 0;
        var later = await PassAsync(services, Monday10.AddHours(1));

        Assert.Equal((2, 1), (first.Retrying, first.Dead));
        Assert.Equal(2, later.Sent);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        Assert.Contains("93000", await c.ExecuteScalarAsync<string>("select last_error from messages where state = 'dead'"), StringComparison.Ordinal);
        var transient = (await c.QueryAsync<string>("select error from delivery_attempts where outcome = 'transient' order by error")).ToList();
        Assert.Equal(["WeCom 45009: refused", "WeCom HTTP 500"], transient);
    }

    [Fact]
    public async Task RobotRateLimit_TwentyFivePostsForOneRobot_TwentyGoInTheMinute_TheRestAreHeldNotRefused()
    {
        await ChannelData.QueueRobotAsync(_db.DataSource, "wecom", _fakes.WeComUrl, 25, Monday10);
        await using var services = TestServices.Create(_db, _fakes.Settings("Gateway"), new FixedTimeProvider(Monday10));

        var first = await PassAsync(services, Monday10);

        Assert.Equal(20, first.Sent);
        Assert.Equal(5, first.Held);
        Assert.Equal(20, _fakes.RequestCount);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(5, await c.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'held' and last_error = 'robot rate limit'"));
    }

    [Fact]
    public async Task RobotRateLimit_TwoDispatchingNodesSharingOneRobot_SendTwentyInTheMinuteBetweenThem()
    {
        // Two containers are two nodes: nothing in memory is shared, only the database. Small batches make both claim.
        await ChannelData.QueueRobotAsync(_db.DataSource, "wecom", _fakes.WeComUrl, 45, Monday10);
        var settings = new Dictionary<string, string?>(_fakes.Settings("Gateway")) { ["Delivery:BatchSize"] = "5" };
        await using var nodeA = TestServices.Create(_db, settings, new FixedTimeProvider(Monday10));
        await using var nodeB = TestServices.Create(_db, settings, new FixedTimeProvider(Monday10));

        var together = await Task.WhenAll(PassAsync(nodeA, Monday10), PassAsync(nodeB, Monday10));
        var sentTogether = _fakes.RequestCount;
        var halfMinuteLater = await PassAsync(nodeB, Monday10.AddSeconds(30));
        var minuteLater = await Task.WhenAll(PassAsync(nodeA, Monday10.AddSeconds(61)), PassAsync(nodeB, Monday10.AddSeconds(61)));

        Assert.Equal(20, sentTogether);
        Assert.Equal(20, together.Sum(r => r.Sent));
        Assert.Equal(25, together.Sum(r => r.Held));
        Assert.Equal((0, 25), (halfMinuteLater.Sent, halfMinuteLater.Held));
        Assert.Equal(20, minuteLater.Sum(r => r.Sent));
        Assert.Equal(40, _fakes.RequestCount);
        Assert.Equal(40, _fakes.Accepted.Count);
    }

    [Fact]
    public async Task RobotPost_InQuietHours_IsHeldUntilTheNextWorkingMorning()
    {
        var sunday = new DateTimeOffset(2023, 7, 2, 15, 0, 0, TimeSpan.FromHours(8));
        await ChannelData.QueueRobotAsync(_db.DataSource, "dingtalk", _fakes.DingTalkUrl, 1, sunday, kind: "unit_digest");
        await using var services = TestServices.Create(_db, _fakes.Settings("Gateway"), new FixedTimeProvider(sunday));

        var held = await PassAsync(services, sunday);

        Assert.Equal(1, held.Held);
        Assert.Equal(0, _fakes.RequestCount);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        var next = await c.ExecuteScalarAsync<DateTime>("select next_attempt_at from messages");
        Assert.Equal(new DateTimeOffset(2023, 7, 3, 8, 0, 0, TimeSpan.FromHours(8)), new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)));
    }
}
