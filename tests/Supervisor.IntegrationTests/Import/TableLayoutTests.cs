using System.Globalization;
using Supervisor.Infrastructure.Import;

namespace Supervisor.IntegrationTests.Import;

/// <summary>
/// The fixtures of Import/Fixtures as a real word processor writes them, made once per run: the flattened table
/// (one cell per paragraph, a declared first-listed lead, a progress column) saved by LibreOffice as .docx and that
/// .docx printed to PDF; the one-cell-per-line table with trailing "|" printed to PDF.
/// </summary>
public sealed class TableLayoutFixture : IDisposable
{
    public TableLayoutFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("supervisor-layouts-").FullName;
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Import", "Fixtures");
        var docx = WordProcessor.Convert([Path.Combine(fixtures, "flattened-table.html")], "docx:MS Word 2007 XML", Path.Combine(Directory, "docx"));
        WordProcessor.Convert([docx[0], Path.Combine(fixtures, "pipe-cells.txt")], "pdf", Path.Combine(Directory, "pdf"));
        PipeCellsText = Path.Combine(fixtures, "pipe-cells.txt");
    }

    public string Directory { get; }

    public string PipeCellsText { get; }

    public string File(string name) => Path.Combine(Directory, Path.GetExtension(name).TrimStart('.'), name);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>Issue 15: flattened tables, table columns and document conventions in documents LibreOffice wrote.</summary>
public sealed class TableLayoutTests(TableLayoutFixture documents) : IClassFixture<TableLayoutFixture>
{
    private static string Iso(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";

    [Theory]
    [InlineData("flattened-table.docx")]
    [InlineData("flattened-table.pdf")]
    public void FlattenedTable_OneCellPerParagraph_GivesTheTasksUnitsMilestonesAndWarningsTheOfficeSees(string name)
    {
        var result = DocumentFormatTests.DryRun(documents.File(name), year: null);
        var plan = result.Plan;

        Assert.Equal(name.EndsWith(".pdf", StringComparison.Ordinal) ? PlanFileFormat.Pdf : PlanFileFormat.Docx, result.File.Format);
        Assert.Equal(("2024年城区更新重点任务分解表", 2024), (plan.Title, plan.Year));
        Assert.Equal(["1", "2", "3"], plan.Tasks.Select(t => t.Source.Code));

        var first = plan.Tasks[0];
        Assert.Equal("改造老旧小区十二个，完善水电气配套设施", first.Source.Title);
        Assert.Equal(["一、城市建设"], first.Source.SectionPath);
        Assert.Equal(["王建平"], first.Source.Leaders);
        Assert.Equal(["县住建局"], first.LeadUnits);
        Assert.Equal(["县自然资源局"], first.CoUnits);
        Assert.Equal(["各街道、社区居委会"], first.UnitGroups);
        Assert.Equal([("2024-04-30", "完成设计"), ("2024-08-30", "主体完工"), ("2024-11-29", "完成：通过验收")],
            first.Milestones.Where(m => m.Kind == Core.Milestones.MilestoneKind.Completion).Select(m => (Iso(m.Due), m.Title)));

        Assert.Equal(["县文旅局"], plan.Tasks[1].LeadUnits);
        Assert.Empty(plan.Tasks[1].Source.Leaders);
        Assert.Equal("2024-12-31", Iso(plan.Tasks[1].Deadline));
        Assert.Equal(["二、平安建设"], plan.Tasks[2].Source.SectionPath);
        Assert.Equal(["县城管局"], plan.Tasks[2].LeadUnits);
        Assert.Equal(["县交警大队"], plan.Tasks[2].CoUnits);
        Assert.DoesNotContain(plan.Units, u => u.Name.Contains("有关部门", StringComparison.Ordinal) || u.Name.StartsWith('各'));

        var warnings = plan.Warnings.Select(w => w.Message).ToList();
        Assert.Contains("按文件约定“排在第一位的为牵头单位”，2项任务（第1、3项）所列的第一个单位定为牵头单位，其余为配合单位", warnings);
        Assert.Contains("表格第1行有6个单元格，表头有5列：已按序号重新对齐，请核对该行的单位和时限", warnings);
        Assert.Contains("表格第2行有4个单元格，表头有5列：已按序号重新对齐，请核对该行的单位和时限", warnings);
        Assert.Contains("完成时限写作“全年”的1项任务（第2项）按年底（2024年12月31日）跟踪：该日期是约定而非文件所写，请核对", warnings);
        Assert.Contains("完成时限写作“持续推进”的1项任务（第3项）按年底（2024年12月31日）跟踪：该日期是约定而非文件所写，请核对", warnings);
        Assert.Contains("1项任务（第3项）的单位名单以“等有关部门”“等相关单位”之类结尾：名单未列全，只导入了写明的单位，请核对是否需要补充", warnings);
        Assert.Contains("“各街道、社区居委会”未能展开为具体单位：单位通讯录中没有“街道”“社区居委会”这类单位，保留为一个集体单位（第1项），请在通讯录中补充或手工指定", warnings);
    }

    [Fact]
    public void CellsWithTrailingPipes_ThroughPdf_MatchTheirTextImportFieldForField()
    {
        var text = DocumentFormatTests.DryRun(documents.PipeCellsText, year: null);
        var pdf = DocumentFormatTests.DryRun(documents.File("pipe-cells.pdf"), year: null);

        Assert.Equal(PlanFileFormat.Pdf, pdf.File.Format);
        Assert.Equal(text.Plan.Title, pdf.Plan.Title);
        Assert.Equal(DocumentFormatTests.TasksAsJson(text), DocumentFormatTests.TasksAsJson(pdf));
        Assert.Equal(["县城管局"], pdf.Plan.Tasks[0].LeadUnits);
        Assert.Equal(["县住建局", "县公安局"], pdf.Plan.Tasks[0].CoUnits);
        Assert.Equal("2024-10-31", Iso(pdf.Plan.Tasks[0].Deadline));
        Assert.Equal(["各县、自治县"], pdf.Plan.Tasks[1].UnitGroups);
        Assert.Empty(pdf.Plan.Tasks[1].CoUnits);
    }
}
