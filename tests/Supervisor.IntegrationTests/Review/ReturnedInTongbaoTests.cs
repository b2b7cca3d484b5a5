using Dapper;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Documents;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Delivery;
using Supervisor.IntegrationTests.Infrastructure;
using W = DocumentFormat.OpenXml.Wordprocessing;
using X = DocumentFormat.OpenXml.Spreadsheet;

namespace Supervisor.IntegrationTests.Review;

/// <summary>
/// The 通报 (Word, section 四) and the office's e-mail digest, its XLSX included, list 退回 items with their reasons and the
/// units that have not signed for their tasks; a pending one is not done.
/// </summary>
public sealed class ReturnedInTongbaoTests : MigratedDatabaseTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await DigestData.WriteAsync(Db.DataSource);
    }

    private static string Text(byte[] docx)
    {
        using var stream = new MemoryStream(docx);
        using var document = WordprocessingDocument.Open(stream, false);
        return string.Join("\n", document.MainDocumentPart!.Document.Body!.Descendants<W.Paragraph>().Select(p => p.InnerText));
    }

    [Fact]
    public async Task ReturnedApplication_IsListedWithItsReason_InTheTongbaoAndTheOfficeDigest()
    {
        await using var services = TestServices.Create(Db, null, new FixedTimeProvider(DigestData.SentAt));
        var returned = await ReturnOneAndReadTheTongbaoAsync(services, "开工许可证未上传");
        Assert.Contains("1. 1 推进城区道路改造——开工建设（区发改局），完成时限2023年7月6日，退回理由：开工许可证未上传。", returned, StringComparison.Ordinal);

        var composer = services.GetRequiredService<SupervisionDigestComposer>();
        var rendered = composer.Render(await composer.BuildAsync(DigestData.SentAt, CancellationToken.None));
        Assert.Contains("退回理由：开工许可证未上传", rendered.Text, StringComparison.Ordinal);
        Assert.Contains("<td>开工许可证未上传</td>", rendered.Html, StringComparison.Ordinal);

        // The attachment the office files and sorts: a sheet of its own, the same item and reason.
        Assert.Equal(
            ["序号|编号|任务|节点|完成时限|牵头单位|退回理由|退回人", "1|1|推进城区道路改造|开工建设|2023-07-06|区发改局|开工许可证未上传|督查室王科"],
            SheetRows(rendered.Attachment, "已退回"));
    }

    [Fact]
    public async Task TheOfficeDigestsAttachment_ListsUnitsThatHaveNotSignedFor_TheirTasks()
    {
        await using var services = TestServices.Create(Db, null, new FixedTimeProvider(DigestData.SentAt));
        var composer = services.GetRequiredService<SupervisionDigestComposer>();
        var digest = await composer.BuildAsync(DigestData.SentAt, CancellationToken.None);
        Assert.NotEmpty(digest.NotSignedFor);

        var rows = SheetRows(composer.Render(digest).Attachment, "未签收");
        Assert.Equal("序号|单位|未签收任务数|任务编号", rows[0]);
        Assert.Equal(digest.NotSignedFor.Select((u, i) => $"{i + 1}|{u.Unit}|{u.Tasks}|{u.Codes}"), rows.Skip(1));
    }

    /// <summary>A sheet of an XLSX as lines of cells joined by "|" (inline strings and numbers, as XlsxWriter writes them).</summary>
    private static List<string> SheetRows(byte[] xlsx, string sheet)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var workbook = document.WorkbookPart!;
        var id = workbook.Workbook.Sheets!.Elements<X.Sheet>().Single(s => s.Name == sheet).Id!;
        return ((WorksheetPart)workbook.GetPartById(id!)).Worksheet.Descendants<X.Row>()
            .Select(r => string.Join("|", r.Elements<X.Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "")))
            .ToList();
    }

    [Fact]
    public async Task ReasonWrittenAsASentence_EndsWithOneFullStop_InTheTongbao()
    {
        await using var services = TestServices.Create(Db, null, new FixedTimeProvider(DigestData.SentAt));
        var returned = await ReturnOneAndReadTheTongbaoAsync(services, "佐证材料不全，请补充验收结论。");
        Assert.Contains("退回理由：佐证材料不全，请补充验收结论。", returned, StringComparison.Ordinal);
        Assert.DoesNotContain("。。", returned, StringComparison.Ordinal);
    }

    /// <summary>The lead unit applies for m3, the office returns it with <paramref name="reason"/>; the 通报's 退回 section.</summary>
    private async Task<string> ReturnOneAndReadTheTongbaoAsync(ServiceProvider services, string reason)
    {
        long milestone, lead;
        await using (var c = await Db.DataSource.OpenConnectionAsync())
        {
            (milestone, lead) = await c.QuerySingleAsync<(long, long)>(
                "select m.id, tu.unit_id from milestones m join task_units tu on tu.task_id = m.task_id and tu.role = 'lead' where m.key = 'm3'");
        }

        var progress = services.GetRequiredService<ProgressStore>();
        var reviews = services.GetRequiredService<ReviewStore>();
        var application = await progress.ApplyAsync(milestone, lead, "已开工", null, "link", $"link:unit:{lead}", new DateTimeOffset(2023, 7, 5, 10, 0, 0, TimeSpan.FromHours(8)), CancellationToken.None);
        Assert.True(await reviews.ReturnAsync(application, reason, "督查室王科", new DateTimeOffset(2023, 7, 7, 10, 0, 0, TimeSpan.FromHours(8)), CancellationToken.None));

        var (_, docx, _) = await services.GetRequiredService<TongbaoService>().PreviewAsync(DigestData.SentAt, CancellationToken.None);
        var text = Text(docx);
        return text[text.IndexOf("（二）退回", StringComparison.Ordinal)..text.IndexOf("（三）未签收", StringComparison.Ordinal)];
    }

    [Fact]
    public async Task WithNothingReturned_TheTongbaoSaysSo()
    {
        await using var services = TestServices.Create(Db, null, new FixedTimeProvider(DigestData.SentAt));
        var (_, docx, _) = await services.GetRequiredService<TongbaoService>().PreviewAsync(DigestData.SentAt, CancellationToken.None);
        Assert.Contains("截至统计日，无被退回后尚未重新申请办结的事项。", Text(docx), StringComparison.Ordinal);
    }
}
