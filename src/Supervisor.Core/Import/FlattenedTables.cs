using System.Globalization;
using System.Text;

namespace Supervisor.Core.Import;

/// <summary>
/// A table that lost its grid when copied from a web page or PDF, or saved with one paragraph per cell: every cell on
/// its own line (often ending in " |"), the header first ("序号 / 工作任务 / 牵头领导 / 责任单位 / 时间节点"). The header
/// is recognised by its column names, the column count taken from it, and the rows rebuilt as pipe rows for the table
/// reader. With a 序号 column a row starts at the next row number, so a cell wrapped over two lines (or a missing one)
/// costs only that row's alignment, never merges two tasks. Lines are rewritten in place — a row on its first line,
/// "||" (an empty row) on the others — so warnings keep their line numbers.
/// </summary>
internal static class FlattenedTables
{
    private const int MaxHeaderCellLength = 12;
    private const int MaxColumns = 12;

    // Header words the table reader ignores but a header row still has: without them the column count is wrong.
    private static readonly string[] OtherHeaderWords = ["备注", "说明", "完成情况", "进展情况", "类别", "分类", "来源", "依据", "评价", "状态"];

    public static string Rewrite(string text, List<ParseWarning> warnings)
    {
        if (text.Length == 0 || !MayHoldHeader(text))
        {
            return text;
        }

        var lines = text.Split('\n');
        var changed = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (!IsHeaderCell(CellOf(lines[i])))
            {
                continue;
            }

            var header = ReadHeader(lines, i);
            if (header is null)
            {
                continue;
            }

            i = Rebuild(lines, header, warnings) - 1;
            changed = true;
        }

        return changed ? string.Join('\n', lines) : text;
    }

    /// <summary>A header names who or when: without one of these words no line can start one.</summary>
    private static bool MayHoldHeader(string text) =>
        text.Contains("单位", StringComparison.Ordinal) || text.Contains("部门", StringComparison.Ordinal) ||
        text.Contains("领导", StringComparison.Ordinal) || text.Contains("时限", StringComparison.Ordinal) ||
        text.Contains("时间", StringComparison.Ordinal) || text.Contains("节点", StringComparison.Ordinal) ||
        text.Contains("进度", StringComparison.Ordinal) || text.Contains("牵头", StringComparison.Ordinal);

    private sealed record Header(List<(int Line, string Cell)> Cells, int End, int NumberColumn, int TaskColumn);

    /// <summary>Two or more header cells in a row (blank lines between allowed), one a task or target column, the kinds distinct.</summary>
    private static Header? ReadHeader(string[] lines, int start)
    {
        var cells = new List<(int Line, string Cell)>();
        var kinds = new List<ColumnKind>();
        var i = start;
        for (; i < lines.Length && cells.Count <= MaxColumns; i++)
        {
            var cell = CellOf(lines[i]);
            if (cell.Length == 0)
            {
                continue;
            }

            if (!IsHeaderCell(cell))
            {
                break;
            }

            var kind = TableReader.KindOf(cell);
            if (kind != ColumnKind.Unknown && kinds.Contains(kind) && kind is not (ColumnKind.Co or ColumnKind.Deadline or ColumnKind.Responsible))
            {
                break;
            }

            cells.Add((i, cell));
            kinds.Add(kind);
        }

        var task = kinds.IndexOf(ColumnKind.Task);
        if (task < 0)
        {
            task = kinds.IndexOf(ColumnKind.Target);
        }

        if (task < 0)
        {
            task = kinds.IndexOf(ColumnKind.Title);
        }

        var namesWho = kinds.Exists(k => k is ColumnKind.Lead or ColumnKind.Responsible or ColumnKind.Co or ColumnKind.Leader or ColumnKind.Deadline);
        if (cells.Count < 2 || cells.Count > MaxColumns || task < 0 || !namesWho)
        {
            return null;
        }

        // A real pipe table's header is not flattened: leave it to the table reader.
        if (cells.Exists(c => lines[c.Line].Count(ch => ch == '|') >= 2))
        {
            return null;
        }

        return new Header(cells, cells[^1].Line + 1, kinds.IndexOf(ColumnKind.Number), task);
    }

    /// <summary>Rewrites the header and its rows; returns the index of the first line after the table.</summary>
    private static int Rebuild(string[] lines, Header header, List<ParseWarning> warnings)
    {
        var columns = header.Cells.Count;
        Emit(lines, header.Cells, [.. header.Cells.Select(c => c.Cell)]);

        // The lines after the header that are cells: stops at a line that already is a pipe row.
        var cells = new List<(int Line, string Cell)>();
        var i = header.End;
        for (; i < lines.Length; i++)
        {
            var raw = lines[i].Trim();
            if (raw.Count(ch => ch == '|') >= 2)
            {
                break;
            }

            var cell = CellOf(lines[i]);
            if (cell.Length > 0)
            {
                cells.Add((i, cell));
            }
        }

        var end = header.NumberColumn == 0
            ? RebuildByNumber(lines, cells, columns, header.TaskColumn, warnings)
            : RebuildByCount(lines, cells, columns);

        // Blank lines inside the table would end the pipe block: they become empty rows too.
        var last = end - 1;
        while (last > header.Cells[0].Line && lines[last].Trim().Length == 0)
        {
            last--;
        }

        for (var line = header.Cells[0].Line; line <= last; line++)
        {
            if (lines[line].Trim().Length == 0)
            {
                lines[line] = "||";
            }
        }

        return end;
    }

    /// <summary>
    /// Rows start at the row number that follows the previous one; a heading ("一、城市建设") just before a row number
    /// is a section row. The table ends where no next row number comes: its last row takes the header's column count.
    /// </summary>
    private static int RebuildByNumber(string[] lines, List<(int Line, string Cell)> cells, int columns, int taskColumn, List<ParseWarning> warnings)
    {
        var k = 0;
        int? expected = null;
        while (k < cells.Count)
        {
            if (IsSectionCell(cells[k].Cell) && k + 1 < cells.Count && RowNumber(cells[k + 1].Cell) is { } following && (expected is null || following == expected))
            {
                Emit(lines, [cells[k]], [cells[k].Cell]);
                k++;
                continue;
            }

            if (RowNumber(cells[k].Cell) is not { } number || (expected is not null && number != expected))
            {
                break;
            }

            // The row runs to the next row number (or a section row before it); past three rows' worth of cells it is
            // not a row any more, and the table ends after this row's own cells.
            var next = k + 1;
            while (next < cells.Count && next - k <= columns * 3 && !StartsNextRow(cells, next, number + 1))
            {
                next++;
            }

            var last = next >= cells.Count || next - k > columns * 3;
            var count = last ? Math.Min(columns, cells.Count - k) : next - k;
            var row = cells.GetRange(k, count);
            if (count != columns)
            {
                warnings.Add(new ParseWarning(row[0].Line + 1, string.Create(CultureInfo.InvariantCulture,
                    $"表格第{number}行有{count}个单元格，表头有{columns}列：已按序号重新对齐，请核对该行的单位和时限")));
            }

            Emit(lines, row, Align(row.Select(c => c.Cell).ToList(), columns, taskColumn));
            k += count;
            expected = number + 1;
            if (last)
            {
                break;
            }
        }

        return k < cells.Count ? cells[k].Line : lines.Length;
    }

    private static bool StartsNextRow(List<(int Line, string Cell)> cells, int index, int number) =>
        RowNumber(cells[index].Cell) == number ||
        (IsSectionCell(cells[index].Cell) && index + 1 < cells.Count && RowNumber(cells[index + 1].Cell) == number);

    /// <summary>Without a 序号 column: rows of exactly the header's column count while cells last.</summary>
    private static int RebuildByCount(string[] lines, List<(int Line, string Cell)> cells, int columns)
    {
        var k = 0;
        for (; k + columns <= cells.Count; k += columns)
        {
            var row = cells.GetRange(k, columns);
            if (row.Exists(c => IsHeaderCell(c.Cell) && TableReader.KindOf(c.Cell) == ColumnKind.Task))
            {
                break;
            }

            Emit(lines, row, [.. row.Select(c => c.Cell)]);
        }

        return k < cells.Count ? cells[k].Line : lines.Length;
    }

    /// <summary>
    /// Fits a row's cells to the columns. Extra cells are a task cell wrapped over lines: the columns before the task
    /// take the first cells, those after it the last ones, the task the rest. Missing cells are missing after the task
    /// (an empty unit or leader cell leaves no line): front columns first, then the last columns from the end.
    /// </summary>
    internal static string[] Align(List<string> cells, int columns, int taskColumn)
    {
        var row = new string[columns];
        Array.Fill(row, string.Empty);
        if (cells.Count == columns)
        {
            cells.CopyTo(row);
            return row;
        }

        var after = columns - taskColumn - 1;
        if (cells.Count > columns)
        {
            for (var c = 0; c < taskColumn; c++)
            {
                row[c] = cells[c];
            }

            for (var c = 0; c < after; c++)
            {
                row[columns - 1 - c] = cells[cells.Count - 1 - c];
            }

            row[taskColumn] = string.Concat(cells.Skip(taskColumn).Take(cells.Count - taskColumn - after));
            return row;
        }

        var front = Math.Min(cells.Count, taskColumn + 1);
        for (var c = 0; c < front; c++)
        {
            row[c] = cells[c];
        }

        for (var c = 0; c < cells.Count - front; c++)
        {
            row[columns - 1 - c] = cells[cells.Count - 1 - c];
        }

        return row;
    }

    private static void Emit(string[] lines, List<(int Line, string Cell)> source, string[] cells)
    {
        var row = new StringBuilder("|");
        foreach (var cell in cells)
        {
            row.Append(' ').Append(cell.Replace('|', '｜')).Append(" |");
        }

        for (var i = source[0].Line + 1; i <= source[^1].Line; i++)
        {
            lines[i] = "||";
        }

        lines[source[0].Line] = row.ToString();
    }

    /// <summary>The line as a cell: trimmed, a trailing (or leading) "|" from a copied grid removed.</summary>
    private static string CellOf(string line)
    {
        var s = line.Trim();
        if (s.EndsWith('|') || s.EndsWith('｜'))
        {
            s = s[..^1].TrimEnd();
        }

        if (s.StartsWith('|') || s.StartsWith('｜'))
        {
            s = s[1..].TrimStart();
        }

        return s.Replace("**", string.Empty, StringComparison.Ordinal);
    }

    private static bool IsHeaderCell(string cell)
    {
        if (cell.Length is 0 or > MaxHeaderCellLength || cell.IndexOfAny(['。', '，', ',', '；', ';', '|']) >= 0)
        {
            return false;
        }

        return TableReader.KindOf(cell) != ColumnKind.Unknown || Array.IndexOf(OtherHeaderWords, cell) >= 0;
    }

    /// <summary>"12", "12.", "12、": a row number.</summary>
    private static int? RowNumber(string cell)
    {
        var s = cell.TrimEnd('.', '．', '、');
        if (s.Length is 0 or > 4 || !s.All(ChineseText.IsDigit))
        {
            return null;
        }

        return int.Parse(new string([.. s.Select(ChineseText.ToAsciiDigit)]), CultureInfo.InvariantCulture);
    }

    /// <summary>"一、城市建设" or "（二）公共服务" alone on a line, short and without a sentence.</summary>
    private static bool IsSectionCell(string cell)
    {
        var numbering = Numbering.Parse(cell);
        return numbering.Level is NumberingLevel.Part or NumberingLevel.Chapter && cell.Length <= 40 && cell.IndexOf('。', StringComparison.Ordinal) < 0;
    }
}
