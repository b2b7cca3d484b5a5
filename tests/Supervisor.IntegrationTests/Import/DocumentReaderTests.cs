using System.Diagnostics;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Supervisor.Core.Import;
using Supervisor.Infrastructure.Import;
using Supervisor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Supervisor.IntegrationTests.Import;

/// <summary>Issue 15: Word, web pages and PDF as offices receive them; what is read, what is skipped, what is refused.</summary>
public sealed class DocumentReaderTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("supervisor-docs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static readonly Dictionary<string, string?> NoDatabase = new() { ["ConnectionStrings__Supervisor"] = "" };

    [Fact]
    public void Docx_StyleNumberingRestartsMergedCellsAndTrackedChanges_ReadAsWordShowsThem()
    {
        var path = PathOf("plan.docx");
        using (var builder = new DocxBuilder(path))
        {
            builder.Paragraph("2024年城区更新重点工作任务分解表");
            builder.Numbered(0, 1, "基础设施");
            builder.Numbered(2, 1, "改造老旧管网三十公里（牵头单位：县住建局；责任单位：县水务公司）");
            var item = new Paragraph(
                new ParagraphProperties(new ParagraphStyleId { Val = "TaskItem" }),
                DocxBuilder.Run("新建口袋公园"),
                new InsertedRun(DocxBuilder.Run("六处")) { Author = "审核", Id = "1" },
                new DeletedRun(new Run(new DeletedText("九处"))) { Author = "审核", Id = "2" },
                DocxBuilder.Run("，10月底前完成（牵头单位：县园林中心）"),
                new Run(new FootnoteReference { Id = 1 }),
                new Run(new Drawing(new DocumentFormat.OpenXml.Drawing.Wordprocessing.Inline(
                    new DocumentFormat.OpenXml.Drawing.Graphic(new DocumentFormat.OpenXml.Drawing.GraphicData(
                        new TextBoxContent(new Paragraph(DocxBuilder.Run("文本框里的说明（牵头单位：县文本框局）"))))
                    { Uri = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape" })))));
            builder.Body.Append(item);
            builder.Numbered(0, 2, "公共服务");
            builder.Numbered(2, 1, "新增托位二百个，12月底前完成（牵头单位：县卫健局）");

            var table = new Table(
                new TableGrid(new GridColumn(), new GridColumn(), new GridColumn(), new GridColumn()),
                Row(Cell("序号"), Cell("工作任务"), Cell("牵头单位"), Cell("完成时限")),
                Row(Cell("三、城市管理", span: 4)),
                Row(Cell("1"), Cell("整治占道经营"), Cell("县城管局", merge: "restart"), Cell("6月底前")),
                Row(Cell("2"), Cell("规范共享单车停放"), Cell("", merge: "continue"), Cell("9月底前")));
            builder.Body.Append(table);
            var header = builder.Main.AddNewPart<HeaderPart>();
            header.Header = new Header(new Paragraph(DocxBuilder.Run("9. 页眉里的编号（牵头单位：县页眉局）")));
            var comments = builder.Main.AddNewPart<WordprocessingCommentsPart>();
            comments.Comments = new Comments(new Comment(new Paragraph(DocxBuilder.Run("8. 批注（牵头单位：县批注局）"))) { Id = "1", Author = "审核" });
        }

        var result = DocumentFormatTests.DryRun(path, year: null);

        Assert.Equal(2024, result.Plan.Year);
        var tasks = result.Plan.Tasks;
        Assert.Equal(["改造老旧管网三十公里", "新建口袋公园六处，10月底前完成", "新增托位二百个，12月底前完成", "整治占道经营", "规范共享单车停放"],
            tasks.Select(t => t.Source.Title.TrimEnd('。')));
        Assert.Equal(["一、基础设施", "一、基础设施", "二、公共服务", "三、城市管理", "三、城市管理"], tasks.Select(t => t.Source.SectionPath[^1]));
        Assert.Equal(["县住建局"], tasks[0].LeadUnits);
        Assert.Equal(["县园林中心"], tasks[1].LeadUnits);
        Assert.Equal(new DateOnly(2024, 10, 31), tasks[1].Deadline);
        Assert.Equal(["县城管局"], tasks[3].LeadUnits);
        Assert.Equal(["县城管局"], tasks[4].LeadUnits);
        Assert.Equal(new DateOnly(2024, 9, 30), tasks[4].Deadline);
        var units = string.Join(",", result.Plan.Units.Select(u => u.Name));
        Assert.DoesNotContain("文本框", units, StringComparison.Ordinal);
        Assert.DoesNotContain("页眉", units, StringComparison.Ordinal);
        Assert.DoesNotContain("批注", units, StringComparison.Ordinal);
        Assert.DoesNotContain(tasks, t => t.Source.Text.Contains("九处", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, "一")]
    [InlineData(10, "十")]
    [InlineData(12, "十二")]
    [InlineData(20, "二十")]
    [InlineData(101, "一百零一")]
    [InlineData(110, "一百一十")]
    public void ChineseCounting_IsWrittenAsWordWritesIt(int value, string expected) =>
        Assert.Equal(expected, WordNumbering.ChineseNumber(value));

    [Fact]
    public async Task Html_GbkPageWithNavigationScriptsFooterAndATable_ReadsOnlyTheArticle()
    {
        const string page = """
            <!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
            <title>某县人民政府门户网站</title><script>var plan = "1. 脚本里的任务（牵头单位：县脚本局）";</script></head>
            <body><nav><a href="/">首页</a> 1. 导航里的任务（牵头单位：县导航局）</nav>
            <div class="breadcrumb">当前位置：首页 &gt; 政务公开</div>
            <div class="article"><h1>2025年民生实事项目责任分解方案</h1>
            <p>一、教育</p><p>1.新建幼儿园两所，8月底前完成<br>（牵头单位：县教育局；责任单位：县财政局）</p>
            <table><tr><td>序号</td><td>工作任务</td><td>牵头单位</td><td>完成时限</td></tr>
            <tr><td colspan="4">二、交通</td></tr>
            <tr><td>1</td><td>改造农村公路四十公里</td><td rowspan="2">县交通运输局</td><td>10月底前</td></tr>
            <tr><td>2</td><td>新增公交线路三条</td><td>6月底前</td></tr></table></div>
            <footer>主办单位：某县人民政府办公室 1. 页脚任务（牵头单位：县页脚局）</footer></body></html>
            """;
        var path = PathOf("page.html");
        await File.WriteAllBytesAsync(path, TextDecoder.Gb18030.GetBytes(page));

        var result = DocumentFormatTests.DryRun(path, year: null);

        Assert.Equal(PlanFileFormat.Html, result.File.Format);
        Assert.StartsWith("GB18030", result.File.Encoding, StringComparison.Ordinal);
        Assert.Equal("2025年民生实事项目责任分解方案", result.Plan.Title);
        Assert.Equal(["新建幼儿园两所，8月底前完成", "改造农村公路四十公里", "新增公交线路三条"], result.Plan.Tasks.Select(t => t.Source.Title));
        Assert.Equal(["县教育局", "县交通运输局", "县交通运输局"], result.Plan.Tasks.Select(t => t.LeadUnits.Single()));
        Assert.Equal(["县财政局"], result.Plan.Tasks[0].CoUnits);
        Assert.Equal(new DateOnly(2025, 6, 30), result.Plan.Tasks[2].Deadline);
        Assert.DoesNotContain(result.Plan.Units, u => u.Name is "县脚本局" or "县导航局" or "县页脚局");
    }

    [Fact]
    public async Task ImportJson_HasTheSameShape_ForTextDocxHtmlAndPdf()
    {
        var text = PathOf("plan.txt");
        await File.WriteAllTextAsync(text, "2025年重点工作任务分解\n一、产业\n1.建成物流园一期，9月底前完成（牵头单位：县商务局）\n2.培育规上企业五家（牵头单位：县工信局）\n");
        var html = PathOf("plan.html");
        await File.WriteAllTextAsync(html, "<html><body><h1>2025年重点工作任务分解</h1><p>一、产业</p><p>1.建成物流园一期，9月底前完成（牵头单位：县商务局）</p><p>2.培育规上企业五家（牵头单位：县工信局）</p></body></html>");
        var converted = WordProcessor.Convert([text], "docx:MS Word 2007 XML", PathOf("docx"));
        var pdf = WordProcessor.Convert([text], "pdf", PathOf("pdf"));

        string Shape(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "{" + string.Join(",", e.EnumerateObject().Select(p => p.Name + ":" + Shape(p.Value))) + "}",
            JsonValueKind.Array => "[" + (e.EnumerateArray().Select(Shape).FirstOrDefault() ?? "") + "]",
            _ => e.ValueKind.ToString(),
        };

        var shapes = new List<string>();
        foreach (var file in new[] { text, converted[0], html, pdf[0] })
        {
            var result = await SupervisorProcess.RunAsync(["import", file, "--dry-run", "--json"], NoDatabase);
            Assert.True(result.ExitCode == 0, file + ": " + result.StdErr);
            using var json = JsonDocument.Parse(result.StdOut);
            Assert.Equal(2, json.RootElement.GetProperty("tasks").GetArrayLength());
            Assert.Equal(2025, json.RootElement.GetProperty("plan").GetProperty("year").GetInt32());
            Assert.Contains(json.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("message").GetString() == PlanImportService.OfflineWarning);
            shapes.Add(Shape(json.RootElement));
        }

        Assert.Single(shapes.Distinct());
    }

    [Fact]
    public async Task LegacyWordDocument_ExitsTwoWithOneLineToSaveAsDocx()
    {
        var text = PathOf("old.txt");
        await File.WriteAllTextAsync(text, "2023年工作要点\n1.完成一项工作（牵头单位：县某局）\n");
        var doc = WordProcessor.Convert([text], "doc", PathOf("doc"))[0];
        var disguised = PathOf("renamed.docx");
        File.Copy(doc, disguised);

        foreach (var file in new[] { doc, disguised })
        {
            var result = await SupervisorProcess.RunAsync(["import", file, "--dry-run"], NoDatabase);

            Assert.Equal(2, result.ExitCode);
            var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("save it as .docx", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PdfWithoutText_ExitsTwoSayingItHasNoTextLayer()
    {
        var path = PathOf("scan.pdf");
        await File.WriteAllBytesAsync(path, EmptyPdf());

        var result = await SupervisorProcess.RunAsync(["import", path, "--dry-run", "--year", "2023"], NoDatabase);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no text layer", Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_WithoutADatabase_ParsesAndWarnsOnceThatNoDirectoryWasConsulted()
    {
        var result = await SupervisorProcess.RunAsync(["import", SharedFiles.Seed("003"), "--dry-run", "--json"], NoDatabase);

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.StdOut);
        Assert.Equal(21, json.RootElement.GetProperty("tasks").GetArrayLength());
        Assert.Single(json.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("message").GetString() == PlanImportService.OfflineWarning);

        var write = await SupervisorProcess.RunAsync(["import", SharedFiles.Seed("003")], NoDatabase);
        Assert.Equal(2, write.ExitCode);
        Assert.Contains("ConnectionStrings:Supervisor", write.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void LargeDocx_OfFiveThousandTasks_Imports()
    {
        var path = PathOf("large.docx");
        using (var builder = new DocxBuilder(path))
        {
            builder.Lines(GeneratedPlan.Text(5_000));
        }

        var clock = Stopwatch.StartNew();
        var result = DocumentFormatTests.DryRun(path);
        clock.Stop();

        Assert.Equal(5_000, result.Plan.Tasks.Count);
        Assert.All(result.Plan.Tasks, t => Assert.NotEmpty(t.LeadUnits));
        output.WriteLine($"[figure] 5,000-task .docx ({new FileInfo(path).Length / 1024} KB, {new FileInfo(path).Length / 1024.0 / 1024:0.0} MB): read, parsed and assembled in {clock.Elapsed.TotalSeconds:0.00} s");
    }

    private static TableRow Row(params TableCell[] cells) => new(cells);

    private static TableCell Cell(string text, int span = 1, string? merge = null)
    {
        var properties = new TableCellProperties();
        if (span > 1)
        {
            properties.Append(new GridSpan { Val = span });
        }

        if (merge is not null)
        {
            properties.Append(new VerticalMerge { Val = merge == "restart" ? MergedCellValues.Restart : MergedCellValues.Continue });
        }

        return new TableCell(properties, new Paragraph(DocxBuilder.Run(text)));
    }

    /// <summary>A one-page PDF that draws nothing: what a scanner's image-only PDF is to a text reader.</summary>
    private static byte[] EmptyPdf()
    {
        var objects = new[]
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
            "<< /Length 0 >>\nstream\n\nendstream",
        };
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(i + 1).Append(" 0 obj\n").Append(objects[i]).Append("\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append("xref\n0 ").Append(objects.Length + 1).Append("\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(offset.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)).Append(" 00000 n \n");
        }

        pdf.Append("trailer\n<< /Size ").Append(objects.Length + 1).Append(" /Root 1 0 R >>\nstartxref\n").Append(xref).Append("\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}
