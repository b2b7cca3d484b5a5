using System.Globalization;
using System.IO.Packaging;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Supervisor.Core;

namespace Supervisor.Infrastructure.Import;

/// <summary>Reads a spreadsheet (XLSX) or CSV into rows of cell text, the shape Core's table parsers take.</summary>
public static class TabularReader
{
    private static readonly char[] CsvDelimiters = [',', '\t', ';', '，'];

    /// <summary>The first worksheet with any content; merged ranges repeat their top-left value so each row stands alone.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> ReadXlsx(Stream stream, string displayName)
    {
        try
        {
            using var document = SpreadsheetDocument.Open(stream, isEditable: false);
            var workbook = document.WorkbookPart ?? throw new BadInputException($"{displayName}: not a readable XLSX workbook (no workbook part)");
            var sharedStrings = workbook.SharedStringTablePart?.SharedStringTable?.Elements<SharedStringItem>().Select(s => s.InnerText).ToArray() ?? [];
            var sheets = workbook.Workbook.Sheets?.Elements<Sheet>().ToList() ?? [];
            foreach (var sheet in sheets)
            {
                if (sheet.Id?.Value is not { } id || workbook.GetPartById(id) is not WorksheetPart part)
                {
                    continue;
                }

                var rows = ReadSheet(part.Worksheet, sharedStrings);
                if (rows.Any(r => r.Any(c => c.Length > 0)))
                {
                    return rows;
                }
            }

            return [];
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or FileFormatException or System.Xml.XmlException or InvalidOperationException or IOException)
        {
            throw new BadInputException($"{displayName}: not a readable XLSX workbook ({ex.Message.ReplaceLineEndings(" ")})", ex);
        }
    }

    private static List<IReadOnlyList<string>> ReadSheet(Worksheet worksheet, string[] sharedStrings)
    {
        var cells = new Dictionary<(int Row, int Col), string>();
        var maxRow = 0;
        var maxCol = 0;
        var rowNumber = 0;
        foreach (var sheetRow in worksheet.Descendants<Row>())
        {
            // Row and cell references are optional in SpreadsheetML: without them, position counts.
            rowNumber = sheetRow.RowIndex?.Value is { } index and > 0 and <= 1_048_576 ? (int)index : rowNumber + 1;
            var col = 0;
            foreach (var cell in sheetRow.Elements<Cell>())
            {
                if (cell.CellReference?.Value is { } reference && TryParseReference(reference, out var refRow, out var refCol))
                {
                    col = refCol;
                    rowNumber = refRow;
                }
                else
                {
                    col++;
                }

                AddCell(cell, rowNumber, col);
            }
        }

        void AddCell(Cell cell, int row, int col)
        {
            var text = CellText(cell, sharedStrings);
            if (text.Length == 0 || col > 16384)
            {
                return;
            }

            cells[(row, col)] = text;
            maxRow = Math.Max(maxRow, row);
            maxCol = Math.Max(maxCol, col);
        }

        foreach (var merge in worksheet.Descendants<MergeCell>())
        {
            var range = merge.Reference?.Value?.Split(':');
            if (range is not { Length: 2 } || !TryParseReference(range[0], out var r1, out var c1) || !TryParseReference(range[1], out var r2, out var c2))
            {
                continue;
            }

            if (!cells.TryGetValue((r1, c1), out var value) || (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000)
            {
                continue;
            }

            for (var r = r1; r <= r2; r++)
            {
                for (var c = c1; c <= c2; c++)
                {
                    cells.TryAdd((r, c), value);
                }
            }

            maxRow = Math.Max(maxRow, r2);
            maxCol = Math.Max(maxCol, c2);
        }

        var rows = new List<IReadOnlyList<string>>(maxRow);
        for (var r = 1; r <= maxRow; r++)
        {
            var row = new string[maxCol];
            for (var c = 1; c <= maxCol; c++)
            {
                row[c - 1] = cells.TryGetValue((r, c), out var v) ? v : "";
            }

            rows.Add(row);
        }

        return rows;
    }

    private static string CellText(Cell cell, string[] sharedStrings)
    {
        if (cell.DataType?.Value == CellValues.InlineString)
        {
            return cell.InlineString?.InnerText.Trim() ?? "";
        }

        var raw = cell.CellValue?.Text ?? "";
        if (cell.DataType?.Value == CellValues.SharedString)
        {
            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) && index >= 0 && index < sharedStrings.Length
                ? sharedStrings[index].Trim()
                : "";
        }

        return raw.Trim();
    }

    private static bool TryParseReference(string reference, out int row, out int col)
    {
        row = 0;
        col = 0;
        var i = 0;
        while (i < reference.Length && char.IsAsciiLetter(reference[i]))
        {
            col = (col * 26) + (char.ToUpperInvariant(reference[i]) - 'A' + 1);
            i++;
        }

        return i > 0 && col <= 16384 && int.TryParse(reference.AsSpan(i), NumberStyles.None, CultureInfo.InvariantCulture, out row) && row is > 0 and <= 1_048_576;
    }

    /// <summary>RFC 4180 CSV (quotes, doubled quotes, newlines in quotes); the delimiter is whichever of , ; tab the header uses most.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> ReadCsv(string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var firstLine = newline >= 0 ? text[..newline] : text;
        var delimiter = CsvDelimiters.MaxBy(d => firstLine.Count(c => c == d));
        var rows = new List<IReadOnlyList<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                row.Add(field.ToString().Trim());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                row.Add(field.ToString().Trim());
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString().Trim());
            rows.Add(row);
        }

        return rows;
    }
}
