using Dapper;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Documents;
using Supervisor.IntegrationTests.Delivery;
using Supervisor.IntegrationTests.Infrastructure;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Supervisor.IntegrationTests.Documents;

public sealed class TongbaoTests : MigratedDatabaseTest
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

    private ServiceProvider With(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(Office);
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        return TestServices.Create(Db, settings, new FixedTimeProvider(DigestData.SentAt));
    }

    private static string Text(byte[] docx)
    {
        using var stream = new MemoryStream(docx);
        using var document = WordprocessingDocument.Open(stream, false);
        return string.Join("\n", document.MainDocumentPart!.Document.Body!.Descendants<W.Paragraph>().Select(p => p.InnerText));
    }

    [Fact]
    public async Task TongbaoDocx_HasNoSchemaErrors_AndTheGbT9704PageFontsAndFooters()
    {
        var (_, docx, line) = await Services.GetRequiredService<TongbaoService>().PreviewAsync(DigestData.SentAt, CancellationToken.None);

        OfficeTools.AssertValid(docx);
        Assert.Equal("2023年第1期", line);
        using var stream = new MemoryStream(docx);
        using var document = WordprocessingDocument.Open(stream, false);
        var main = document.MainDocumentPart!;
        var section = main.Document.Body!.Elements<W.SectionProperties>().Single();

        // A4 and the GB/T 9704-2012 margins (top 37, bottom 35, left 28, right 26 mm) in twips.
        var size = section.GetFirstChild<W.PageSize>()!;
        Assert.Equal((11906u, 16838u), (size.Width!.Value, size.Height!.Value));
        var margin = section.GetFirstChild<W.PageMargin>()!;
        Assert.Equal((2098, 1984, 1587u, 1474u), (margin.Top!.Value, margin.Bottom!.Value, margin.Left!.Value, margin.Right!.Value));

        // Styles: title 2号 (22 pt = 44 half-points) 小标宋, text 3号 仿宋_GB2312, headings 黑体 and 楷体.
        var styles = main.StyleDefinitionsPart!.Styles!.Elements<W.Style>().ToDictionary(s => s.StyleId!.Value!);
        (string? Font, string? Size) Of(string id) => (
            styles[id].StyleRunProperties!.GetFirstChild<W.RunFonts>()!.EastAsia?.Value,
            styles[id].StyleRunProperties!.GetFirstChild<W.FontSize>()!.Val?.Value);
        Assert.Equal(("方正小标宋简体", "44"), Of(GongwenStyles.Title));
        Assert.Equal(("仿宋_GB2312", "32"), Of(GongwenStyles.Body));
        Assert.Equal(("黑体", "32"), Of(GongwenStyles.Heading1));
        Assert.Equal(("楷体_GB2312", "32"), Of(GongwenStyles.Heading2));
        Assert.Equal("579", styles[GongwenStyles.Body].StyleParagraphProperties!.SpacingBetweenLines!.Line!.Value);

        // Every Chinese font is declared with a substitute, so Word and WPS open it cleanly without the font installed.
        var fonts = main.FontTablePart!.Fonts!.Elements<W.Font>().ToDictionary(f => f.Name!.Value!, f => f.AltName?.Val?.Value);
        Assert.Equal("仿宋", fonts["仿宋_GB2312"]);
        Assert.Equal("楷体", fonts["楷体_GB2312"]);
        Assert.Equal("宋体", fonts["方正小标宋简体"]);
        Assert.Equal("SimHei", fonts["黑体"]);

        // Page numbers "— N —" on the outside: odd pages right, even pages left, odd/even footers switched on.
        Assert.NotNull(main.DocumentSettingsPart!.Settings!.GetFirstChild<W.EvenAndOddHeaders>());
        var footers = section.Elements<W.FooterReference>().ToDictionary(
            f => f.Type!.Value, f => ((FooterPart)main.GetPartById(f.Id!.Value!)).Footer!.Descendants<W.Paragraph>().Single());
        Assert.Equal(W.JustificationValues.Right, footers[W.HeaderFooterValues.Default].ParagraphProperties!.Justification!.Val!.Value);
        Assert.Equal(W.JustificationValues.Left, footers[W.HeaderFooterValues.Even].ParagraphProperties!.Justification!.Val!.Value);
        Assert.All(footers.Values, f =>
        {
            Assert.Equal("— 1 —", f.InnerText);
            Assert.Equal(" PAGE ", f.Descendants<W.SimpleField>().Single().Instruction!.Value);
        });

        // 版头: "督查通报" in red at 初号, the red rule under the issuer and date.
        var masthead = main.Document.Body!.Elements<W.Paragraph>().First();
        Assert.Equal("督查通报", masthead.InnerText);
        Assert.Equal(TongbaoWriter.Red, masthead.Descendants<W.Color>().Single().Val!.Value);
        var rule = main.Document.Body!.Elements<W.Paragraph>().First(p => p.ParagraphProperties?.ParagraphBorders is not null);
        Assert.Equal(TongbaoWriter.Red, rule.ParagraphProperties!.ParagraphBorders!.BottomBorder!.Color!.Value);
        Assert.Equal("某县人民政府督查室2023年7月10日", rule.InnerText);
    }

    [Fact]
    public async Task TongbaoDocx_HasTheSectionsTheRankingTableWithColouredLightsAndANativeChart()
    {
        var (_, docx, _) = await Services.GetRequiredService<TongbaoService>().PreviewAsync(DigestData.SentAt, CancellationToken.None);

        var text = Text(docx);
        var headings = new[] { "一、总体情况", "二、单位排名", "三、逾期事项", "四、退回、未签收及无法送达情况", "五、下步工作要求" };
        Assert.Equal(headings, headings.Where(h => text.Contains(h, StringComparison.Ordinal)));
        Assert.True(headings.Select(h => text.IndexOf(h, StringComparison.Ordinal)).SequenceEqual(headings.Select(h => text.IndexOf(h, StringComparison.Ordinal)).Order()));
        Assert.Contains("到期节点7个，其中按期完成3个、逾期完成1个、逾期未完成3个", text, StringComparison.Ordinal);
        Assert.Contains("本期为首期通报", text, StringComparison.Ordinal);

        // 三、逾期事项 by lead unit, the unit with the longest overdue item first: 区财政局 (20 days), then 区发改局 (4).
        Assert.True(text.IndexOf("（一）区财政局（2项）", StringComparison.Ordinal) < text.IndexOf("（二）区发改局（1项）", StringComparison.Ordinal));
        Assert.Contains("1. 2 完善财政预算绩效管理——出台绩效办法，完成时限2023年6月20日，已逾期13个工作日（20天）。", text, StringComparison.Ordinal);
        Assert.Contains("区财政局（单位）：无联络员或负责人邮箱、手机号，1条提醒未能送达。", text, StringComparison.Ordinal);

        // 下步工作要求 from the template with the period's figures: 3 overdue, feedback 5 working days after 07-10.
        Assert.Contains("仍有3个节点逾期未完成，涉及2个牵头单位", text, StringComparison.Ordinal);
        Assert.Contains("于2023年7月17日前将整改情况书面报送某县人民政府督查室", text, StringComparison.Ordinal);

        using var stream = new MemoryStream(docx);
        using var document = WordprocessingDocument.Open(stream, false);
        var main = document.MainDocumentPart!;
        var table = main.Document.Body!.Elements<W.Table>().Single();
        var rows = table.Elements<W.TableRow>().Select(r => r.Elements<W.TableCell>().Select(c => c.InnerText).ToList()).ToList();
        Assert.Equal(["排名", "单位", "灯", "应完成", "按期", "逾期完成", "逾期未完成", "按期完成率", "排名变化"], rows[0]);
        Assert.Equal(["2", "区发改局", "红灯", "3", "1", "1", "1", "33.3%", "↓1"], rows[2]);
        var light = table.Elements<W.TableRow>().ElementAt(1).Elements<W.TableCell>().ElementAt(2).Descendants<W.Color>().Single();
        Assert.Equal("2E8B57", light.Val!.Value);
        Assert.Equal("C00000", table.Elements<W.TableRow>().ElementAt(2).Elements<W.TableCell>().ElementAt(2).Descendants<W.Color>().Single().Val!.Value);

        // A native chart the office can restyle: bars sorted by on-time rate, coloured by band, the two lines, data in a workbook.
        var chart = main.ChartParts.Single();
        var bars = chart.ChartSpace!.Descendants<C.BarChartSeries>().Single();
        Assert.Equal(["区交通运输局", "区发改局", "区财政局"], bars.Descendants<C.CategoryAxisData>().Single().Descendants<C.NumericValue>().Select(v => v.Text));
        Assert.Equal(["100.0", "33.3", "33.3"], bars.Descendants<C.Values>().Single().Descendants<C.NumericValue>().Select(v => v.Text));
        Assert.Equal(["2E8B57", "C00000", "C00000"], bars.Elements<C.DataPoint>().Select(p => p.Descendants<DocumentFormat.OpenXml.Drawing.RgbColorModelHex>().Single().Val!.Value));
        var lines = chart.ChartSpace!.Descendants<C.LineChartSeries>().ToList();
        Assert.Equal(["60.0", "80.0"], lines.Select(l => l.Descendants<C.Values>().Single().Descendants<C.NumericValue>().First().Text));
        Assert.NotNull(chart.EmbeddedPackagePart);
    }

    [Fact]
    public async Task TongbaoDocx_ConvertsToPdfInLibreOffice_AndItsFirstPageRenders()
    {
        var dir = Directory.CreateTempSubdirectory("tongbao-");
        var path = Path.Combine(dir.FullName, "tongbao.docx");
        var run = await SupervisorProcess.RunAsync(["digest", "--as-of", "2023-07-10", "--docx", path], SupervisorProcess.Env(Db));
        Assert.True(run.ExitCode == 0, run.StdErr);

        var pdf = await OfficeTools.ToPdfAsync(path);
        var png = await OfficeTools.FirstPagePngAsync(pdf);

        var text = await OfficeTools.PdfTextAsync(pdf);
        Assert.Contains("督查通报", text, StringComparison.Ordinal);
        Assert.Contains("2023年第1期", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("区交通运输局", text, StringComparison.Ordinal);
        Assert.Contains("各单位按期完成率", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Matches(@"—\s*1\s*—", text);
        Assert.True(await OfficeTools.PdfPagesAsync(pdf) >= 2);

        // A4 at 80 dpi: 662 × 936 pixels (pdftoppm rounds up).
        var header = File.ReadAllBytes(png).AsSpan(16, 8).ToArray();
        Assert.Equal((662, 936), (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4))));
        dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Issues_AreNumberedPerYear_AndARerunForThePeriodNeitherNumbersNorSends()
    {
        await using var services = With();
        var tongbao = services.GetRequiredService<TongbaoService>();
        var next = DigestData.SentAt.AddDays(7);
        var nextYear = new DateTimeOffset(2024, 1, 8, 9, 0, 0, TimeSpan.FromHours(8));

        var first = await tongbao.RunAsync(DigestData.SentAt, DigestData.SentAt, CancellationToken.None);
        var rerun = await tongbao.RunAsync(DigestData.SentAt.AddHours(5), DigestData.SentAt.AddHours(5), CancellationToken.None);
        var second = await tongbao.RunAsync(next, next, CancellationToken.None);
        var third = await tongbao.RunAsync(nextYear, nextYear, CancellationToken.None);

        Assert.Equal(("released", "2023年第1期", 2), (first.Outcome, first.Issue.IssueLine, first.Queued));
        Assert.Equal(("already released", "2023年第1期", 0), (rerun.Outcome, rerun.Issue.IssueLine, rerun.Queued));
        Assert.Equal(("released", "2023年第2期", 2), (second.Outcome, second.Issue.IssueLine, second.Queued));
        Assert.Equal(("released", "2024年第1期", 2), (third.Outcome, third.Issue.IssueLine, third.Queued));
        await using var c = await Db.DataSource.OpenConnectionAsync();
        Assert.Equal(6, await c.ExecuteScalarAsync<int>("select count(*)::int from messages where kind = 'supervision_digest'"));
        Assert.Equal([(2023, 2), (2024, 1)], await c.QueryAsync<(int, int)>("select year, last from document_numbers where series = 'tongbao' order by year"));

        // The second issue compares with the first.
        var store = services.GetRequiredService<DigestIssueStore>();
        var kept = await store.DocxAsync(second.Issue.Id, CancellationToken.None);
        Assert.Contains("与上期（2023年第1期，截至2023年7月9日）相比", Text(kept!.Value.Docx), StringComparison.Ordinal);
        OfficeTools.AssertValid(kept.Value.Docx);
    }

    [Fact]
    public async Task RequireRelease_TheJobMakesADraft_TheOfficeEditsIt_AndReleaseNumbersAndQueuesIt()
    {
        await using var services = With(new() { ["Digest:RequireRelease"] = "true" });
        var tongbao = services.GetRequiredService<TongbaoService>();
        var store = services.GetRequiredService<DigestIssueStore>();

        var run = await tongbao.RunAsync(DigestData.SentAt, DigestData.SentAt, CancellationToken.None);
        Assert.Equal(("draft awaiting release", null, 0), (run.Outcome, run.Issue.IssueLine, run.Queued));
        await using (var c = await Db.DataSource.OpenConnectionAsync())
        {
            Assert.Equal(0, await c.ExecuteScalarAsync<int>("select count(*)::int from messages where kind = 'supervision_digest'"));
        }

        Assert.True(await store.UpdateRequirementsAsync(run.Issue.Id, "一是各单位本周内完成整改。\n\n二是红灯单位主要负责同志作出书面说明。", "chen", DigestData.SentAt, CancellationToken.None));
        var released = await tongbao.ReleaseAsync(run.Issue.Id, "chen", DigestData.SentAt.AddHours(2), CancellationToken.None);
        var twice = await tongbao.ReleaseAsync(run.Issue.Id, "chen", DigestData.SentAt.AddHours(3), CancellationToken.None);
        var rerun = await tongbao.RunAsync(DigestData.SentAt.AddHours(4), DigestData.SentAt.AddHours(4), CancellationToken.None);

        Assert.Equal((true, 2, "2023年第1期", "chen"), (released.Released, released.Queued, released.Issue.IssueLine, released.Issue.ReleasedBy));
        Assert.Equal((false, 0), (twice.Released, twice.Queued));
        Assert.Equal("already released", rerun.Outcome);
        Assert.False(await store.UpdateRequirementsAsync(run.Issue.Id, "改不了", "chen", DigestData.SentAt, CancellationToken.None));
        var text = Text((await store.DocxAsync(run.Issue.Id, CancellationToken.None))!.Value.Docx);
        Assert.Contains("一是各单位本周内完成整改。\n二是红灯单位主要负责同志作出书面说明。", text, StringComparison.Ordinal);
        await using (var c = await Db.DataSource.OpenConnectionAsync())
        {
            Assert.Equal(2, await c.ExecuteScalarAsync<int>("select count(*)::int from messages where kind = 'supervision_digest'"));
            Assert.Equal(1, await c.ExecuteScalarAsync<int>("select last from document_numbers where series = 'tongbao' and year = 2023"));
        }
    }
}
