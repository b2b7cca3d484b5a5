using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Supervisor.Infrastructure.Excel;

/// <summary>A sheet to write: a header row, then rows of values (string, number, date or null).</summary>
public sealed record XlsxSheet(string Name, IReadOnlyList<string> Header, IEnumerable<IReadOnlyList<object?>> Rows);

/// <summary>
/// Writes simple workbooks (inline strings, a bold frozen header, widths fitted to the text) for exports and digests.
/// Every sheet prints as an office prints a 台账: A4 landscape, one page wide, the header row repeated on every page,
/// long text wrapped, "第 N 页，共 M 页" in the footer.
/// </summary>
public static class XlsxWriter
{
    public static void Write(Stream stream, IEnumerable<XlsxSheet> sheets)
    {
        using var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook);
        var workbookPart = document.AddWorkbookPart();
        workbookPart.Workbook = new Workbook();
        var styles = workbookPart.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = Stylesheet();
        var sheetList = workbookPart.Workbook.AppendChild(new Sheets());
        var printTitles = new DefinedNames();
        uint sheetId = 1;
        foreach (var sheet in sheets)
        {
            var part = workbookPart.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            var widths = sheet.Header.Select(h => Width(h)).ToArray();
            data.Append(Row(1, sheet.Header.Cast<object?>().ToList(), header: true));
            uint rowIndex = 2;
            foreach (var row in sheet.Rows)
            {
                for (var c = 0; c < Math.Min(widths.Length, row.Count); c++)
                {
                    widths[c] = Math.Max(widths[c], Width(row[c]?.ToString()));
                }

                data.Append(Row(rowIndex++, row, header: false));
            }

            var columns = new Columns(widths.Select((w, i) => new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = Math.Min(w, MaxColumnWidth), CustomWidth = true }));
            var view = new SheetViews(new SheetView(new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen }) { WorkbookViewId = 0 });
            var fitToPage = new SheetProperties(new PageSetupProperties { FitToPage = true });
            part.Worksheet = new Worksheet(
                fitToPage,
                view,
                columns,
                data,
                new PageMargins { Left = 0.4, Right = 0.4, Top = 0.6, Bottom = 0.6, Header = 0.3, Footer = 0.3 },
                // FitToHeight 0: as many pages down as the rows need, never more than one across.
                new PageSetup { PaperSize = 9, Orientation = OrientationValues.Landscape, FitToWidth = 1, FitToHeight = 0 },
                new HeaderFooter(new OddFooter("&C第 &P 页，共 &N 页")));
            sheetList.Append(new Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = sheetId, Name = sheet.Name });
            printTitles.Append(new DefinedName($"'{sheet.Name.Replace("'", "''", StringComparison.Ordinal)}'!$1:$1") { Name = "_xlnm.Print_Titles", LocalSheetId = sheetId - 1 });
            sheetId++;
        }

        if (printTitles.HasChildren)
        {
            workbookPart.Workbook.Append(printTitles);
        }

        workbookPart.Workbook.Save();
    }

    // Wider columns wrap: a 台账 of long task titles still fits one landscape page across.
    private const double MaxColumnWidth = 48;

    public static byte[] ToBytes(IEnumerable<XlsxSheet> sheets)
    {
        using var stream = new MemoryStream();
        Write(stream, sheets);
        return stream.ToArray();
    }

    private static Row Row(uint index, IReadOnlyList<object?> values, bool header)
    {
        var row = new Row { RowIndex = index };
        var column = 0;
        foreach (var value in values)
        {
            column++;
            row.Append(value switch
            {
                null => new Cell(),
                int or long or double or decimal => new Cell { DataType = CellValues.Number, CellValue = new CellValue(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)) },
                DateOnly d => Text(d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                _ => Text(value.ToString() ?? ""),
            });
            var cell = (Cell)row.LastChild!;
            cell.CellReference = ColumnName(column) + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            cell.StyleIndex = header ? 1U : 2U;
        }

        return row;
    }

    public static string ColumnName(int column)
    {
        var name = "";
        for (; column > 0; column = (column - 1) / 26)
        {
            name = (char)('A' + ((column - 1) % 26)) + name;
        }

        return name;
    }

    private static Cell Text(string text) => new() { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }) };

    // CJK characters are about twice as wide as Latin ones in Excel's width unit.
    private static double Width(string? text) => 2 + (text ?? "").Sum(c => c > 0x2E80 ? 2.0 : 1.0);

    private static Stylesheet Stylesheet() => new(
        new Fonts(new Font(), new Font(new Bold())),
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
        new Borders(new Border()),
        new CellFormats(
            new CellFormat(),
            new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Center }) { FontId = 1, ApplyFont = true, ApplyAlignment = true },
            new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top }) { ApplyAlignment = true }));
}
