using Dapper;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Documents;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Infrastructure;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Supervisor.IntegrationTests.Delivery;

/// <summary>
/// A plan's 通报 speaks of that plan only: with two plans, each one's 退回, 未签收, 无法送达 and 联系方式缺失 list only its own
/// items, and its failed deliveries only its units' messages, in the Word document (section 四) and in the e-mail's text;
/// the all-plans 通报 lists both.
/// </summary>
public sealed class PlanDigestTests : MigratedDatabaseTest
{
    private long _planA;
    private long _planB;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await DigestData.WriteAsync(Db.DataSource);
        await using var services = TestServices.Create(Db, null, new FixedTimeProvider(DigestData.SentAt));
        await using var c = await Db.DataSource.OpenConnectionAsync();
        _planA = await c.ExecuteScalarAsync<long>("select id from plans");

        // Plan B (民生实事): 区民政局, no contact and no robot, leads 建设社区食堂; its 办结 application was returned, it has not
        // signed for the task, and a reminder of the week found nobody there.
        var now = new DateTimeOffset(2023, 6, 1, 0, 0, 0, TimeSpan.Zero);
        _planB = await c.ExecuteScalarAsync<long>("insert into plans (year, title, imported_at, updated_at) values (2023, '2023年民生实事', @now, @now) returning id", new { now });
        var mzj = await c.ExecuteScalarAsync<long>("insert into units (name, created_at) values ('区民政局', @now) returning id", new { now });
        var task = await c.ExecuteScalarAsync<long>(
            "insert into tasks (plan_id, code, title, full_text, position, created_at, updated_at) values (@planB, 'B1', '建设社区食堂', '建设社区食堂', 0, @now, @now) returning id",
            new { planB = _planB, now });
        await c.ExecuteAsync("insert into task_units (task_id, unit_id, role) values (@task, @mzj, 'lead')", new { task, mzj });
        var milestone = await c.ExecuteScalarAsync<long>(
            "insert into milestones (task_id, key, kind, title, due_date, original_due_date, created_at, updated_at) values (@task, 'b1', 'completion', '食堂投用', '2023-07-05', '2023-07-05', @now, @now) returning id",
            new { task, now });
        var reminder = await c.ExecuteScalarAsync<long>(
            "insert into reminders (milestone_id, level, local_date, working_days_overdue, calendar_days_overdue, created_at, composed_at) values (@milestone, 2, '2023-07-07', 2, 2, @at, @at) returning id",
            new { milestone, at = new DateTimeOffset(2023, 7, 7, 8, 30, 0, TimeSpan.FromHours(8)).ToUniversalTime() });
        await c.ExecuteAsync(
            "insert into reminder_gaps (reminder_id, unit_id, reason, recorded_at) values (@reminder, @mzj, 'no liaison or head with e-mail or phone', @at)",
            new { reminder, mzj, at = new DateTimeOffset(2023, 7, 7, 8, 30, 0, TimeSpan.FromHours(8)).ToUniversalTime() });

        // Plan A: 区发改局's 开工建设 (task 1) returned too.
        var (m3, fgj) = await c.QuerySingleAsync<(long, long)>("select m.id, tu.unit_id from milestones m join task_units tu on tu.task_id = m.task_id and tu.role = 'lead' where m.key = 'm3'");
        var progress = services.GetRequiredService<ProgressStore>();
        var reviews = services.GetRequiredService<ReviewStore>();
        var at = new DateTimeOffset(2023, 7, 6, 10, 0, 0, TimeSpan.FromHours(8));
        Assert.True(await reviews.ReturnAsync(await progress.ApplyAsync(m3, fgj, "已开工", null, "link", $"link:unit:{fgj}", at, CancellationToken.None), "开工许可证未上传", "督查室王科", at.AddDays(1), CancellationToken.None));
        Assert.True(await reviews.ReturnAsync(await progress.ApplyAsync(milestone, mzj, "已投用", null, "link", $"link:unit:{mzj}", at, CancellationToken.None), "缺少验收照片", "督查室王科", at.AddDays(1), CancellationToken.None));
    }

    private static string Text(byte[] docx)
    {
        using var stream = new MemoryStream(docx);
        using var document = WordprocessingDocument.Open(stream, false);
        return string.Join("\n", document.MainDocumentPart!.Document.Body!.Descendants<W.Paragraph>().Select(p => p.InnerText));
    }

    private static string Between(string text, string from, string to)
    {
        var start = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{from}' not in:\n{text}");
        var end = text.IndexOf(to, start, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }

    private async Task<(string Docx, string Mail)> TongbaoAsync((long, string)? plan)
    {
        await using var services = TestServices.Create(Db, null, new FixedTimeProvider(DigestData.SentAt));
        var (_, docx, _) = await services.GetRequiredService<TongbaoService>().PreviewAsync(DigestData.SentAt, plan, CancellationToken.None);
        var composer = services.GetRequiredService<SupervisionDigestComposer>();
        var mail = composer.Render(await composer.BuildAsync(DigestData.SentAt, plan, CancellationToken.None));
        return (Text(docx), mail.Text);
    }

    [Fact]
    public async Task PlansTongbao_ListsOnlyItsOwnReturnedUnsignedAndUnreachableItems()
    {
        var (a, mailA) = await TongbaoAsync((_planA, "2023年重点工作"));
        var (b, mailB) = await TongbaoAsync((_planB, "2023年民生实事"));

        var sectionA = Between(a, "退回、未签收及无法送达情况", "下步工作");
        Assert.Contains("1 推进城区道路改造——开工建设（区发改局）", sectionA, StringComparison.Ordinal);
        Assert.Contains("区财政局", Between(a, "（一）", "（二）退回"), StringComparison.Ordinal);
        Assert.Contains("区发改局：1项（任务1）", Between(a, "（三）未签收", "下步工作"), StringComparison.Ordinal);
        Assert.DoesNotContain("区民政局", sectionA, StringComparison.Ordinal);
        Assert.DoesNotContain("建设社区食堂", sectionA, StringComparison.Ordinal);
        Assert.DoesNotContain("区民政局", Between(mailA, "四、", "完整表格见附件"), StringComparison.Ordinal);
        Assert.DoesNotContain("缺少验收照片", mailA, StringComparison.Ordinal);

        var sectionB = Between(b, "退回、未签收及无法送达情况", "下步工作");
        Assert.Contains("B1 建设社区食堂——食堂投用（区民政局）", sectionB, StringComparison.Ordinal);
        Assert.Contains("退回理由：缺少验收照片", sectionB, StringComparison.Ordinal);
        Assert.Contains("1. 区民政局：1项（任务B1）", Between(b, "（三）未签收", "下步工作"), StringComparison.Ordinal);
        Assert.Contains("区民政局", Between(b, "（一）", "（二）退回"), StringComparison.Ordinal);
        foreach (var other in new[] { "区发改局", "区财政局", "区交通运输局", "开工许可证未上传" })
        {
            Assert.DoesNotContain(other, sectionB, StringComparison.Ordinal);
            Assert.DoesNotContain(other, Between(mailB, "四、", "完整表格见附件"), StringComparison.Ordinal);
        }

        Assert.Contains("退回理由：缺少验收照片", mailB, StringComparison.Ordinal);
        Assert.Contains("- 区民政局：1项（任务B1）", mailB, StringComparison.Ordinal);
        Assert.DoesNotContain("开工许可证未上传", mailB, StringComparison.Ordinal);

        // Over every plan: both.
        var (all, _) = await TongbaoAsync(null);
        Assert.Contains("开工许可证未上传", all, StringComparison.Ordinal);
        Assert.Contains("缺少验收照片", all, StringComparison.Ordinal);
    }
}
