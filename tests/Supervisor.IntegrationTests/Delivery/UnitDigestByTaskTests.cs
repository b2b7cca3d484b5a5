using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.IntegrationTests.Delivery.Channels;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Delivery;

/// <summary>
/// A unit's digest groups milestones under their task, as the unit's page does: a task with three owed milestones is named
/// once, its milestones beneath it with their standing said the one way, in the e-mail (text and HTML, as aiosmtpd
/// received it) and in the work group's markdown (as the WeCom fake received it).
/// </summary>
// The sinks are disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
public sealed partial class UnitDigestByTaskTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday10 = new(2023, 6, 26, 10, 0, 0, TimeSpan.FromHours(8));
    private readonly TestDatabase _db = new();
    private readonly SmtpSink _smtp = new();
    private readonly ProviderFakes _fakes = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        await _smtp.StartAsync();
        await _fakes.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        await _fakes.DisposeAsync();
        await _db.DisposeAsync();
    }

    /// <summary>Task 3 建设智慧园区 of 区发改局 gets two more owed milestones: three of its milestones in one digest.</summary>
    private async Task WriteThreeMilestonesOfOneTaskAsync()
    {
        await DeliveryData.WriteAsync(_db.DataSource);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        var task = await c.ExecuteScalarAsync<long>("select id from tasks where code = '3'");
        var now = new DateTimeOffset(2023, 6, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var (key, title, due, level, wd, cd) in new[] { ("m-plan", "完成园区规划", new DateOnly(2023, 6, 9), 2, 10, 17), ("m-build", "完成一期建设", new DateOnly(2023, 6, 28), 1, 0, 0) })
        {
            var m = await c.ExecuteScalarAsync<long>(
                "insert into milestones (task_id, key, kind, title, due_date, original_due_date, created_at, updated_at) values (@task, @key, 'completion', @title, @due, @due, @now, @now) returning id",
                new { task, key, title, due, now });
            await c.ExecuteAsync(
                "insert into reminders (milestone_id, level, local_date, working_days_overdue, calendar_days_overdue, created_at) values (@m, @level, @day, @wd, @cd, @now)",
                new { m, level = (short)level, day = DeliveryData.Day, wd, cd, now });
        }
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = _fakes.Settings("Gateway");
        settings["Smtp:Host"] = "127.0.0.1";
        settings["Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture);
        settings["Smtp:Timeout"] = "00:00:05";
        return settings;
    }

    private static int Count(string? text, string what) => Regex.Count(text ?? "", Regex.Escape(what));

    [Fact]
    public async Task UnitDigest_NamesATaskOnce_WithItsThreeMilestonesBeneath_InTheEmailTextAndHtml_AndTheGroupsMarkdown()
    {
        await WriteThreeMilestonesOfOneTaskAsync();
        await ChannelData.AddRobotsAsync(_db.DataSource, "区发改局", _fakes.WeComUrl, null, null);
        await using var services = TestServices.Create(_db, Settings(), new FixedTimeProvider(Monday10));
        await services.GetRequiredService<ReminderComposer>().ComposeAsync(Monday10, ReminderComposer.AllLevels, CancellationToken.None);
        using (var scope = services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(Monday10), "test-worker", CancellationToken.None);
        }

        // The liaison's e-mail, as the SMTP server received it.
        var mail = Assert.Single(_smtp.MimeMessages(), m => m.To.ToString().Contains("zhang@fgj.gov.cn", StringComparison.Ordinal));
        var text = mail.TextBody ?? "";
        Assert.Equal(1, Count(text, "建设智慧园区"));
        Assert.Contains("有以下2项督查督办任务需要关注（逾期节点2个，临期节点2个）", text, StringComparison.Ordinal);
        var task = text[text.IndexOf("3 建设智慧园区（牵头）", StringComparison.Ordinal)..];
        task = task[..task.IndexOf("反馈进展：", StringComparison.Ordinal)];
        Assert.Equal(
            "3 建设智慧园区（牵头）\n  · 完成园区规划：完成时限 2023-06-09，已逾期10个工作日（17天）\n  · 完成建设：完成时限 2023-06-23，已逾期1个工作日（3天）\n  · 完成一期建设：完成时限 2023-06-28，2天后到期\n  ",
            task.ReplaceLineEndings("\n"));

        // The task's link opens the unit's page at its most urgent milestone (完成园区规划).
        var planMilestone = await ScalarAsync<long>("select id from milestones where key = 'm-plan'");
        var link = Regex.Match(text, @"建设智慧园区[\s\S]*?反馈进展：(\S+)").Groups[1].Value;
        Assert.EndsWith("#m" + planMilestone.ToString(CultureInfo.InvariantCulture), link, StringComparison.Ordinal);

        var html = mail.HtmlBody ?? "";
        Assert.Equal(1, Count(html, "建设智慧园区"));
        Assert.Contains("完成园区规划（2023-06-09）：<b>已逾期10个工作日（17天）</b><br>", html, StringComparison.Ordinal);
        Assert.Contains("完成一期建设（2023-06-28）：<b>2天后到期</b><br>", html, StringComparison.Ordinal);
        Assert.Equal(2, Count(html, ">反馈进展</a>"));

        // The text counts tasks too: 建设智慧园区 (two milestones overdue, one due soon) is one task overdue and one due soon.
        var sms = await ScalarAsync<string>("select body_text from messages where recipient_address = '13800000101'");
        Assert.StartsWith("【某县督查室】贵单位有1项任务逾期、2项临期，请今日反馈：", sms, StringComparison.Ordinal);
        Assert.Equal("【督查督办】2023年6月26日 区发改局：2个节点逾期、2个临期", mail.Subject);

        // The unit's work group, as the WeCom fake received it.
        var post = Assert.Single(_fakes.Accepted, a => a.Platform == "wecom").Content;
        Assert.Equal(1, Count(post, "建设智慧园区"));
        Assert.Contains("2 项任务需要关注：逾期节点 **2** 个，临期节点 **2** 个。", post, StringComparison.Ordinal);
        Assert.Matches(@"- 红灯 3 建设智慧园区（牵头） \[反馈进展\]\(http://[^)]+#m" + planMilestone.ToString(CultureInfo.InvariantCulture) + @"\)\n  - 完成园区规划，时限 2023-06-09，\*\*已逾期10个工作日（17天）\*\*\n  - 完成建设，时限 2023-06-23，\*\*已逾期1个工作日（3天）\*\*\n  - 完成一期建设，时限 2023-06-28，\*\*2天后到期\*\*\n", post);
    }

    [Fact]
    public async Task GroupsMarkdown_WithManyMilestonesOnOneTask_StaysWithinTheRobotsByteLimit_AndSaysWhatWasLeftOut()
    {
        await DeliveryData.WriteAsync(_db.DataSource);
        await ChannelData.AddRobotsAsync(_db.DataSource, "区发改局", _fakes.WeComUrl, null, null);
        await using (var c = await _db.DataSource.OpenConnectionAsync())
        {
            var task = await c.ExecuteScalarAsync<long>("select id from tasks where code = '3'");
            await c.ExecuteAsync(
                """
                with m as (
                    insert into milestones (task_id, key, kind, title, due_date, original_due_date, created_at, updated_at)
                    select @task, 'many-' || i, 'completion', '第' || i || '项节点：' || repeat('推进园区基础设施配套建设', 4), date '2023-06-01' + i, date '2023-06-01' + i, now(), now()
                    from generate_series(1, 60) as i
                    returning id)
                insert into reminders (milestone_id, level, local_date, working_days_overdue, calendar_days_overdue, created_at)
                select id, 2, date '2023-06-26', 1, 3, now() from m
                """,
                new { task });
        }

        await using var services = TestServices.Create(_db, Settings(), new FixedTimeProvider(Monday10));
        await services.GetRequiredService<ReminderComposer>().ComposeAsync(Monday10, ReminderComposer.AllLevels, CancellationToken.None);
        using (var scope = services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(Monday10), "test-worker", CancellationToken.None);
        }

        var post = Assert.Single(_fakes.Accepted, a => a.Platform == "wecom").Content;
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(post) <= 4096, post);
        Assert.Equal(1, Count(post, "建设智慧园区"));
        Assert.Matches(@"另有[0-9]+个节点未列出", post);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var c = await _db.DataSource.OpenConnectionAsync();
        return (await c.ExecuteScalarAsync<T>(sql))!;
    }
}
