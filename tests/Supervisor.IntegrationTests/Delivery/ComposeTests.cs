using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Delivery;

public sealed class ComposeTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Morning = new(2023, 6, 26, 8, 30, 0, TimeSpan.FromHours(8));
    private readonly TestDatabase _db = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        await DeliveryData.WriteAsync(_db.DataSource);
        _services = TestServices.Create(_db, new Dictionary<string, string?> { ["Supervision:OfficeEmails:0"] = "office@gov.cn" }, new FixedTimeProvider(Morning));
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Compose_QueuesOneEmailAndOneSmsPerRecipient_AndASecondRunQueuesNothing()
    {
        var composer = _services.GetRequiredService<ReminderComposer>();

        var first = await composer.ComposeAsync(Morning, ReminderComposer.AllLevels, CancellationToken.None);
        var second = await composer.ComposeAsync(Morning, ReminderComposer.AllLevels, CancellationToken.None);

        Assert.Equal(4, first.Reminders);
        Assert.Equal(0, second.Reminders);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        var messages = (await c.QueryAsync<(string Key, string Channel, string Kind, string Address, string? Subject, string Body)>(
            "select key, channel, kind, recipient_address, subject, body_text from messages order by key")).ToList();
        Assert.Equal(messages.Count, messages.Select(m => m.Key).Distinct().Count());

        // 区发改局: liaison gets level 1 + 2 in one e-mail and one SMS; the head gets level 2 only.
        var zhang = Assert.Single(messages, m => m.Address == "zhang@fgj.gov.cn");
        Assert.Equal("unit_digest", zhang.Kind);
        Assert.Contains("推进城区道路改造", zhang.Body, StringComparison.Ordinal);
        Assert.Contains("建设智慧园区", zhang.Body, StringComparison.Ordinal);
        var sms = Assert.Single(messages, m => m.Address == "13800000101");
        // One segment, ending in the unit's short signed link (never cut); the e-mail links to each milestone on the unit's page.
        Assert.Matches(@"^【某县督查室】贵单位有1项任务逾期、1项临期，请今日反馈：http://127\.0\.0\.1:5080/s/[A-Za-z0-9_-]{16}$", sms.Body);
        Assert.True(Core.Delivery.SmsText.FitsOneSegment(sms.Body), sms.Body);
        Assert.Matches(@"http://127\.0\.0\.1:5080/u/\d+\.\d+\.[A-Za-z0-9_-]{43}#m\d+", zhang.Body);
        Assert.DoesNotContain("/progress/", zhang.Body, StringComparison.Ordinal);
        Assert.Single(messages, m => m.Address == "li@fgj.gov.cn");

        // Co unit 区交通运输局 gets the level-1 notice marked 配合.
        Assert.Contains("配合", Assert.Single(messages, m => m.Address == "wang@jtj.gov.cn").Body, StringComparison.Ordinal);

        // Level 3 → leader (e-mail and SMS) and the office list, kind escalation.
        Assert.Equal(3, messages.Count(m => m.Kind == "escalation"));
        Assert.Contains(messages, m => m.Address == "office@gov.cn" && m.Subject!.Contains("督办", StringComparison.Ordinal));

        // 区财政局 has no contact: recorded, not skipped silently.
        var gap = await c.QuerySingleAsync<string>("select u.name from reminder_gaps g join units u on u.id = g.unit_id");
        Assert.Equal("区财政局", gap);
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("select count(*)::int from reminders where composed_at is null"));
        Assert.True(await c.ExecuteScalarAsync<int>("select count(*)::int from message_reminders") >= 6);
    }

    [Fact]
    public async Task Preview_PrintsTheMessages_AndWritesNothing()
    {
        var before = await RowCounts.ReadAsync(_db.DataSource);

        var result = await SupervisorProcess.RunAsync(["preview", "--unit", "区发改局", "--as-of", "2023-06-26T08:30+08:00"], SupervisorProcess.Env(_db));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("zhang@fgj.gov.cn", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("贵单位有1项任务逾期、1项临期", result.StdOut, StringComparison.Ordinal);
        Assert.Equal(before, await RowCounts.ReadAsync(_db.DataSource));
    }
}
