using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
using Supervisor.Infrastructure.Excel;

namespace Supervisor.IntegrationTests.Excel;

public sealed class XlsxWriterTests
{
    private static byte[] OverdueList() => XlsxWriter.ToBytes(
    [
        new XlsxSheet("逾期清单", ["序号", "工作任务", "里程碑", "牵头单位", "责任领导", "到期日", "逾期工作日", "最近进展"],
            Enumerable.Range(1, 300).Select(i => (IReadOnlyList<object?>)
            [
                i, $"第{i}项：推进县域重点项目建设，完成年度投资计划并按季度报送进展情况，确保项目按期竣工投产。", "完成", "县发改局",
                "王建国", new DateOnly(2026, 6, 30), i % 40, "已完成主体工程的百分之六十，设备采购进入招标程序。",
            ])),
        new XlsxSheet("O'Brien's sheet", ["a"], [["1"]]),
    ]);

    [Fact]
    public void Export_IsAValidWorkbook()
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(OverdueList()), false);

        var errors = new OpenXmlValidator().Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();

        Assert.Empty(errors);
    }

    [Fact]
    public void Export_PrintsLandscapeOnePageWide_WithTheHeaderRowOnEveryPage()
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(OverdueList()), false);
        var workbook = document.WorkbookPart!;
        var first = (WorksheetPart)workbook.GetPartById(workbook.Workbook.Sheets!.Elements<Sheet>().First().Id!);
        var sheet = first.Worksheet;

        var setup = sheet.GetFirstChild<PageSetup>()!;
        Assert.Equal(OrientationValues.Landscape, setup.Orientation!.Value);
        Assert.Equal(9U, setup.PaperSize!.Value); // A4
        Assert.Equal(1U, setup.FitToWidth!.Value);
        Assert.Equal(0U, setup.FitToHeight!.Value);
        Assert.True(sheet.GetFirstChild<SheetProperties>()!.PageSetupProperties!.FitToPage!.Value);
        Assert.Contains("第 &P 页", sheet.GetFirstChild<HeaderFooter>()!.OddFooter!.Text, StringComparison.Ordinal);

        var titles = workbook.Workbook.DefinedNames!.Elements<DefinedName>().ToList();
        Assert.Equal(["'逾期清单'!$1:$1", "'O''Brien''s sheet'!$1:$1"], titles.Select(t => t.Text));
        Assert.All(titles, t => Assert.Equal("_xlnm.Print_Titles", t.Name!.Value));
        Assert.Equal([0U, 1U], titles.Select(t => t.LocalSheetId!.Value));

        var pane = sheet.Descendants<Pane>().Single();
        Assert.Equal(PaneStateValues.Frozen, pane.State!.Value);
        Assert.Equal("A2", pane.TopLeftCell!.Value);
        Assert.All(sheet.Descendants<Column>(), c => Assert.True(c.Width!.Value <= 48, $"column {c.Min} is {c.Width} wide"));
    }
}
