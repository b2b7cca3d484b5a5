using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Documents;
using Supervisor.Infrastructure.Import;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Delivery;

public sealed class SupervisionDigestTests : MigratedDatabaseTest
{
    private static readonly Dictionary<string, string?> Office = new()
    {
        ["Supervision:OfficeEmails:0"] = "office@gov.cn",
        ["Supervision:OfficeEmails:1"] = "Leader.Office@gov.cn",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await DigestData.WriteAsync(Db.DataSource);
    }

    private SupervisionDigestComposer Composer => Services.GetRequiredService<SupervisionDigestComposer>();

    [Fact]
    public async Task Digest_CountsTotalsRankingChangesOverdueGapsAndFailures_AsOfTheEndOfTheDayBefore()
    {
        var d = await Composer.BuildAsync(DigestData.SentAt, CancellationToken.None);

        Assert.Equal(new DateOnly(2023, 7, 10), d.Date);
        Assert.Equal(new DateOnly(2023, 7, 9), d.AsOf);
        Assert.False(d.Monthly);

        // 7 due by 07-09: on time m1 m6 m8, late m2, open m3 m5 m7 (m7 was done on the 10th: open as of the 9th).
        Assert.Equal(new DigestTotals(3, 7, 3, 1, 3), d.Totals);

        // Ranking: 区交通运输局 1/1; 区发改局 and 区财政局 both 1/3 on time, 区发改局 ahead on completion (2/3 vs 1/3).
        Assert.Equal(["区交通运输局", "区发改局", "区财政局"], d.Ranking.Select(r => r.Rate.Unit));
        Assert.Equal(new DateOnly(2023, 7, 2), d.ComparedWith);
        var fgj = d.Ranking[1];
        Assert.Equal(-1, fgj.RankChange);
        Assert.Equal("↓1", SupervisionDigestComposer.RankChange(fgj.RankChange));
        Assert.Equal("-16.7个百分点", SupervisionDigestComposer.RateChange(fgj.OnTimeRateChange));
        Assert.Equal("↓1", SupervisionDigestComposer.RankChange(d.Ranking[2].RankChange));
        Assert.Equal("—", SupervisionDigestComposer.RankChange(d.Ranking[0].RankChange));
        Assert.Equal("—", SupervisionDigestComposer.RateChange(d.Ranking[0].OnTimeRateChange));
        Assert.Equal(["green", "red", "red"], d.Ranking.Select(r => r.Rate.Light.ToString().ToLowerInvariant()));

        // Longest overdue first, standing on 07-10: m5 20 days (13 working days over the Dragon Boat holiday), m3 4, m7 3.
        Assert.Equal(["出台绩效办法", "开工建设", "报送结果"], d.Overdue.Select(o => o.Row.Milestone));
        Assert.Equal([20, 4, 3], d.Overdue.Select(o => o.CalendarDaysOverdue));
        Assert.Equal([13, 2, 1], d.Overdue.Select(o => o.WorkingDaysOverdue));
        Assert.Equal(("区发改局", "杜新国"), (d.Overdue[1].Row.Units, d.Overdue[1].Row.Leaders));
        Assert.Equal(("区财政局", ""), (d.Overdue[0].Row.Units, d.Overdue[0].Row.Leaders));

        var gap = Assert.Single(d.Gaps);
        Assert.Equal(("区财政局", true, 1), (gap.Who, gap.IsUnit, gap.Reminders));

        Assert.Equal(["dead", "failed"], d.Failures.Select(f => f.State));
        Assert.All(d.Failures, f => Assert.Equal("区发改局", f.Owner));
        Assert.Equal(new DigestDeliveryCounts(4, 1, 3), d.Deliveries);
    }

    [Fact]
    public async Task Digest_RendersChineseHtmlAndText_FromTheTemplates()
    {
        var r = Composer.Render(await Composer.BuildAsync(DigestData.SentAt, CancellationToken.None));

        Assert.Equal("【督查通报】重点任务推进情况每周通报（截至2023年7月9日）", r.Subject);
        Assert.Equal("督查通报20230709.xlsx", r.AttachmentName);
        Assert.Contains("任务3项；到期节点7个，其中按期完成3个、逾期完成1个、逾期未完成3个。", r.Text, StringComparison.Ordinal);
        Assert.Contains("2. 区发改局 [红灯] 应完成3 按期1 逾期完成1 逾期未完成1 按期完成率33.3%（排名↓1，按期率-16.7个百分点）", r.Text, StringComparison.Ordinal);
        Assert.Contains("1. 区交通运输局 [绿灯] 应完成1 按期1 逾期完成0 逾期未完成0 按期完成率100.0%（排名—，按期率—）", r.Text, StringComparison.Ordinal);
        Assert.Contains("1. 2 完善财政预算绩效管理 — 出台绩效办法，时限2023-06-20，已逾期13个工作日（20天）；牵头单位：区财政局；责任领导：（未明确）", r.Text, StringComparison.Ordinal);
        Assert.Contains("- 区财政局（单位）：无联络员或负责人邮箱、手机号，1条提醒未能送达", r.Text, StringComparison.Ordinal);
        Assert.Contains("138****0101（短信，单位提醒）：已放弃", r.Text, StringComparison.Ordinal);
        Assert.Contains("<td>区发改局</td><td style=\"color:#c00000\">红灯</td>", r.Html, StringComparison.Ordinal);
        Assert.Contains("<td>开工建设</td>", r.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attachment_OpensWithTheTableReader_AndHasTheRanking()
    {
        var r = Composer.Render(await Composer.BuildAsync(DigestData.SentAt, CancellationToken.None));

        using var stream = new MemoryStream(r.Attachment);
        var rows = TabularReader.ReadXlsx(stream, r.AttachmentName);

        Assert.Equal(SupervisionDigestComposer.RankingHeader, rows[0]);
        Assert.Equal(4, rows.Count);
        Assert.Equal(["2", "区发改局", "红灯", "3", "1", "1", "1", "66.7%", "33.3%", "1", "1", "↓1", "50.0%", "-16.7个百分点"], rows[2].Take(14));
        Assert.Equal(["1", "区交通运输局"], rows[1].Take(2));
        Assert.Equal("—", rows[1][10]);
    }

    [Fact]
    public async Task JobRunTwiceOnTheSameDay_QueuesOneMessagePerOfficeAddress()
    {
        var env = SupervisorProcess.Env(Db);
        env["Supervision__OfficeEmails__0"] = "office@gov.cn";
        env["Supervision__OfficeEmails__1"] = "Leader.Office@gov.cn";

        var first = await SupervisorProcess.RunAsync(["job", "run", "supervision-digest", "--as-of", "2023-07-10"], env);
        var second = await SupervisorProcess.RunAsync(["job", "run", "supervision-digest", "--as-of", "2023-07-10T15:00+08:00"], env);

        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.True(second.ExitCode == 0, second.StdErr);
        await using var c = await Db.DataSource.OpenConnectionAsync();
        var queued = (await c.QueryAsync<(string Key, string Address, string Subject, string Files)>(
            """
            select key, recipient_address, subject,
                   (select string_agg(file_name, ' | ' order by position) from message_attachments a where a.message_id = m.id)
            from messages m where kind = 'supervision_digest' order by recipient_address
            """)).ToList();
        Assert.Equal(["leader.office@gov.cn", "office@gov.cn"], queued.Select(q => q.Address));
        Assert.Equal("office@gov.cn|email|supervision_digest|2023-07-10", queued[1].Key);
        Assert.All(queued, q => Assert.Equal("督查通报2023年第1期（截至20230709）.docx | 督查通报20230709.xlsx | 按期完成率.png", q.Files));
        Assert.Contains("queued: 2", first.StdOut, StringComparison.Ordinal);
        Assert.Contains("issue: 2023年第1期", first.StdOut, StringComparison.Ordinal);
        Assert.Contains("queued: 0", second.StdOut, StringComparison.Ordinal);
        Assert.Contains("outcome: already released", second.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DigestCommand_WritesHtmlAndXlsx_AndQueuesNothing()
    {
        var dir = Directory.CreateTempSubdirectory("digest-");
        var html = Path.Combine(dir.FullName, "digest.html");
        var xlsx = Path.Combine(dir.FullName, "digest.xlsx");
        var before = await RowCounts.ReadAsync(Db.DataSource);

        var run = await SupervisorProcess.RunAsync(["digest", "--as-of", "2023-07-10", "--out", html, "--xlsx", xlsx], SupervisorProcess.Env(Db));

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("逾期时间最长的事项", await File.ReadAllTextAsync(html), StringComparison.Ordinal);
        await using (var stream = File.OpenRead(xlsx))
        {
            Assert.Equal("区交通运输局", TabularReader.ReadXlsx(stream, xlsx)[1][1]);
        }

        Assert.Equal(before, await RowCounts.ReadAsync(Db.DataSource));
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task QueuedDigest_IsDeliveredThroughDispatch_WithChineseSubjectAndAttachmentNameIntact()
    {
        await using var smtp = new SmtpSink();
        await smtp.StartAsync();
        var settings = new Dictionary<string, string?>(Office)
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:Timeout"] = "00:00:05",
        };
        await using var services = TestServices.Create(Db, settings, new FixedTimeProvider(DigestData.SentAt));
        var tongbao = services.GetRequiredService<TongbaoService>();

        var queued = await tongbao.RunAsync(DigestData.SentAt, DigestData.SentAt, CancellationToken.None);
        var again = await tongbao.RunAsync(DigestData.SentAt.AddHours(3), DigestData.SentAt.AddHours(3), CancellationToken.None);
        using var scope = services.CreateScope();
        var pass = await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(DigestData.SentAt), "digest-test", CancellationToken.None);

        Assert.Equal((2, 2, "released"), (queued.Recipients, queued.Queued, queued.Outcome));
        Assert.Equal((0, "already released"), (again.Queued, again.Outcome));
        Assert.True(pass.Sent >= 2);
        await using (var c = await Db.DataSource.OpenConnectionAsync())
        {
            Assert.Equal(["sent", "sent"], await c.QueryAsync<string>("select state from messages where kind = 'supervision_digest'"));
        }

        var mails = smtp.Messages().Where(m => m.Key.Contains("supervision_digest", StringComparison.Ordinal)).ToList();
        Assert.Equal(["leader.office@gov.cn", "office@gov.cn"], mails.Select(m => Regex.Match(m.To, @"[\w.]+@[\w.]+").Value).Order(StringComparer.Ordinal));
        foreach (var mail in mails)
        {
            Assert.Equal("【督查通报】重点任务推进情况每周通报（截至2023年7月9日）（2023年第1期）", mail.Subject);
            Assert.Contains("区发改局", mail.Body, StringComparison.Ordinal);
            var mime = MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mail.Raw)));
            Assert.Equal(["督查通报2023年第1期（截至20230709）.docx", "督查通报20230709.xlsx"], mime.Attachments.Select(a => ((MimeKit.MimePart)a).FileName));
            var xlsxPart = (MimeKit.MimePart)mime.Attachments.Single(a => ((MimeKit.MimePart)a).FileName?.EndsWith(".xlsx", StringComparison.Ordinal) == true);
            using var xlsx = new MemoryStream();
            xlsxPart.Content!.DecodeTo(xlsx);
            xlsx.Position = 0;
            Assert.Equal("区发改局", TabularReader.ReadXlsx(xlsx, "attachment")[2][1]);

            // The chart is an image the HTML shows inline (cid:), not a file to open.
            var chart = mime.BodyParts.OfType<MimeKit.MimePart>().Single(p => p.ContentType.MimeType == "image/png");
            Assert.Equal(TongbaoService.ChartContentId, chart.ContentId);
            Assert.Contains("cid:" + TongbaoService.ChartContentId, mime.HtmlBody, StringComparison.Ordinal);
        }
    }
}
