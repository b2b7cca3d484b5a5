using System.Globalization;
using System.IO.Packaging;
using Supervisor.Core.Import;
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

    /// <summary>
    /// The first worksheet with any content; merged ranges repeat their top-left value so each row stands alone.
    /// The package is checked against <paramref name="limits"/> first, and sheets are streamed, not loaded: a sheet whose
    /// cells span more than <see cref="ImportOptions.MaxCells"/> is refused before its grid is built.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> ReadXlsx(byte[] bytes, string displayName, ImportOptions limits)
    {
        PackageGuard.Check(bytes, displayName, "XLSX workbook", limits);
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var document = SpreadsheetDocument.Open(stream, isEditable: false);
            var workbook = document.WorkbookPart ?? throw new BadInputException($"{displayName}: not a readable XLSX workbook (no workbook part)", $"{displayName}：不是可读的 XLSX 工作簿。");
            var sharedStrings = ReadSharedStrings(workbook.SharedStringTablePart, displayName, limits);
            var sheets = workbook.Workbook.Sheets?.Elements<Sheet>().ToList() ?? [];
            foreach (var sheet in sheets)
            {
                if (sheet.Id?.Value is not { } id || workbook.GetPartById(id) is not WorksheetPart part)
                {
                    continue;
                }

                var rows = ReadSheet(part, sharedStrings, new SheetLimit(displayName, sheet.Name?.Value ?? id, limits.MaxCells));
                if (rows.Any(r => r.Any(c => c.Length > 0)))
                {
                    return rows;
                }
            }

            return [];
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or FileFormatException or System.Xml.XmlException or InvalidOperationException or IOException)
        {
            throw new BadInputException($"{displayName}: not a readable XLSX workbook ({ex.Message.ReplaceLineEndings(" ")})", $"{displayName}：不是可读的 XLSX 工作簿。");
        }
    }

    /// <summary>A workbook from a stream (tests, exports read back) under the default limits.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> ReadXlsx(Stream stream, string displayName)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return ReadXlsx(copy.ToArray(), displayName, ImportOptions.Default);
    }

    private static string[] ReadSharedStrings(SharedStringTablePart? part, string displayName, ImportOptions limits)
    {
        if (part is null)
        {
            return [];
        }

        var strings = new List<string>();
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType == typeof(SharedStringItem) && reader.IsStartElement)
            {
                if (strings.Count >= limits.MaxCells)
                {
                    throw new SheetLimit(displayName, "sharedStrings", limits.MaxCells).TooMany(strings.Count + 1);
                }

                strings.Add(reader.LoadCurrentElement()?.InnerText ?? "");
            }
        }

        return [.. strings];
    }

    /// <summary>Refuses a sheet past the cell limit, counting both the cells read and the grid their positions span.</summary>
    private sealed record SheetLimit(string File, string Sheet, int MaxCells)
    {
        public ImportRefusedException TooMany(long read) => new(
            $"{File}: refused, sheet \"{Sheet}\" has more than {MaxCells} cells ({read}+ read; Import:MaxCells); nothing imported",
            $"{File}：文件过大，工作表“{Sheet}”超过 {MaxCells} 个单元格，未导入。请删去无关内容或拆分后再上传。",
            tooLarge: true);

        public ImportRefusedException Spans(int rows, int cols) => new(
            $"{File}: refused, sheet \"{Sheet}\" spans {rows} rows × {cols} columns, more than {MaxCells} cells (Import:MaxCells); nothing imported",
            $"{File}：文件过大，工作表“{Sheet}”的内容跨越 {rows} 行 × {cols} 列，超过 {MaxCells} 个单元格，未导入。请删去远处的零散内容后再上传。",
            tooLarge: true);

        public void CheckSpan(int rows, int cols)
        {
            if ((long)rows * cols > MaxCells)
            {
                throw Spans(rows, cols);
            }
        }
    }

    private static List<IReadOnlyList<string>> ReadSheet(WorksheetPart part, string[] sharedStrings, SheetLimit limit)
    {
        var cells = new Dictionary<(int Row, int Col), string>();
        var merges = new List<string>();
        var maxRow = 0;
        var maxCol = 0;
        var rowNumber = 0;
        var col = 0;
        long read = 0;
        using (var reader = OpenXmlReader.Create(part))
        {
            while (reader.Read())
            {
                if (!reader.IsStartElement)
                {
                    continue;
                }

                if (reader.ElementType == typeof(Row))
                {
                    // Row and cell references are optional in SpreadsheetML: without them, position counts.
                    var index = reader.Attributes.FirstOrDefault(a => a.LocalName == "r").Value;
                    rowNumber = uint.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r is > 0 and <= 1_048_576 ? (int)r : rowNumber + 1;
                    col = 0;
                }
                else if (reader.ElementType == typeof(Cell))
                {
                    if (++read > limit.MaxCells)
                    {
                        throw limit.TooMany(read);
                    }

                    var cell = (Cell)reader.LoadCurrentElement()!;
                    if (cell.CellReference?.Value is { } reference && TryParseReference(reference, out var refRow, out var refCol))
                    {
                        col = refCol;
                        rowNumber = refRow;
                    }
                    else
                    {
                        col++;
                    }

                    var text = CellText(cell, sharedStrings);
                    if (text.Length == 0 || col > 16384 || rowNumber == 0)
                    {
                        continue;
                    }

                    cells[(rowNumber, col)] = text;
                    maxRow = Math.Max(maxRow, rowNumber);
                    maxCol = Math.Max(maxCol, col);
                    limit.CheckSpan(maxRow, maxCol);
                }
                else if (reader.ElementType == typeof(MergeCell))
                {
                    if (merges.Count >= limit.MaxCells)
                    {
                        throw limit.TooMany(read + merges.Count);
                    }

                    merges.Add(((MergeCell)reader.LoadCurrentElement()!).Reference?.Value ?? "");
                }
            }
        }

        foreach (var merge in merges)
        {
            var range = merge.Split(':');
            if (range is not { Length: 2 } || !TryParseReference(range[0], out var r1, out var c1) || !TryParseReference(range[1], out var r2, out var c2))
            {
                continue;
            }

            if (!cells.TryGetValue((r1, c1), out var value) || r2 < r1 || c2 < c1)
            {
                continue;
            }

            // A merge only widens the grid up to the limit: past it the sheet is refused like any other.
            limit.CheckSpan(Math.Max(maxRow, r2), Math.Max(maxCol, c2));
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
