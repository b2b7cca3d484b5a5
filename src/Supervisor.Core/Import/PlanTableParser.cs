namespace Supervisor.Core.Import;

/// <summary>
/// Reads a plan given as rows of cells (XLSX sheet, CSV, or a Markdown/pipe table flattened to text):
/// finds the header row by column names (序号, 工作任务/重点工作, 责任领导, 牵头单位, 责任单位/配合单位, 完成时限/时间节点).
/// </summary>
public static class PlanTableParser
{
    /// <summary><paramref name="firstLine"/> is the 1-based line (or row) number of <paramref name="rows"/>[0], for warnings.</summary>
    public static ParsedDocument Parse(IReadOnlyList<IReadOnlyList<string>> rows, int firstLine = 1)
    {
        var table = TableReader.Read(rows ?? [], firstLine, [], previousHeader: null);
        var warnings = new List<ParseWarning>(table.Warnings);
        var tasks = DraftAssembler.Build(table.Drafts, warnings);
        return new ParsedDocument(table.Title, PlanTitle.YearIn(table.Title) ?? table.Year, tasks, warnings);
    }
}

internal enum ColumnKind
{
    Unknown,
    Number,
    Task,
    Title,
    Leader,
    Lead,
    Responsible,
    Co,
    Deadline,
    Target,

    /// <summary>The section path as one cell ("所属板块"), as <c>export plan</c> writes it: titles joined by " / ".</summary>
    Section,
}

/// <summary>Which column holds what; several columns may hold units or deadlines (配合单位 and 协办单位).</summary>
internal sealed class TableHeader
{
    public required int ColumnCount { get; init; }

    public required int Line { get; init; }

    public required IReadOnlyDictionary<ColumnKind, int[]> Columns { get; init; }

    /// <summary>The task column; without one, a targets table (预期目标 + 责任单位) has its targets as tasks, a projects table its 项目名称.</summary>
    public int Task => Columns.TryGetValue(ColumnKind.Task, out var task) ? task[^1]
        : Columns.TryGetValue(ColumnKind.Target, out var target) ? target[0]
        : Columns.TryGetValue(ColumnKind.Title, out var title) ? title[0] : -1;

    public int Title => Columns.TryGetValue(ColumnKind.Title, out var title) ? title[0]
        : Columns.TryGetValue(ColumnKind.Task, out var task) && task.Length > 1 ? task[0] : -1;

    public int Number => Columns.TryGetValue(ColumnKind.Number, out var number) ? number[0] : -1;

    public int[] Of(ColumnKind kind) => Columns.TryGetValue(kind, out var columns) ? columns : [];
}

internal sealed record TableResult(TableHeader? Header, List<TaskDraft> Drafts, List<ParseWarning> Warnings, string? Title, int? Year);

internal static class TableReader
{
    private const int HeaderSearchRows = 30;

    private static readonly string[] IgnoredHeaderWords = ["来源", "类别", "分类", "类型", "进展", "完成情况", "备注", "说明", "状态", "评价", "依据"];

    /// <summary>
    /// Reads rows after the header. <paramref name="previousHeader"/> lets a table continued after a page break (same
    /// column count, no header of its own) be read with the header seen before it.
    /// </summary>
    public static TableResult Read(IReadOnlyList<IReadOnlyList<string>> rows, int firstLine, IReadOnlyList<SectionEntry> outerSections, TableHeader? previousHeader)
    {
        var drafts = new List<TaskDraft>();
        var warnings = new List<ParseWarning>();
        string? title = null;
        int? year = null;
        TableHeader? header = null;
        var dataStart = 0;
        for (var r = 0; r < rows.Count && r < HeaderSearchRows; r++)
        {
            var cells = CleanRow(rows[r]);
            header = TryReadHeader(cells, firstLine + r);
            if (header is not null)
            {
                dataStart = r + 1;
                break;
            }

            var single = SingleValue(cells);
            if (single is not null && title is null && PlanTitle.LooksLikeTitle(single))
            {
                title = single;
            }

            year ??= cells.Select(cell => PlanTitle.YearIn(cell, requireNian: true)).FirstOrDefault(found => found is not null);
        }

        if (header is null && previousHeader is not null && rows.Count > 0 && rows.All(row => row is null || row.Count == previousHeader.ColumnCount))
        {
            header = previousHeader;
            dataStart = 0;
        }

        if (header is null)
        {
            if (rows.Count > 0)
            {
                warnings.Add(new ParseWarning(firstLine, "未找到表头：表格需要“工作任务”（或“重点工作”“任务内容”）列"));
            }

            return new TableResult(null, drafts, warnings, title, year);
        }

        if (header.Task < 0)
        {
            warnings.Add(new ParseWarning(header.Line, $"表格缺少“工作任务”列（或“重点工作”“任务内容”），第{header.Line}行的表头无法读取任务"));
            return new TableResult(header, drafts, warnings, title, year);
        }

        var sections = new List<SectionEntry>(outerSections);
        for (var r = dataStart; r < rows.Count; r++)
        {
            var cells = CleanRow(rows[r]);
            if (cells.All(cell => cell.Length == 0) || IsSeparatorRow(cells) || TryReadHeader(cells, 0) is not null)
            {
                continue;
            }

            if (TryReadSection(cells, header) is { } section)
            {
                SectionEntry.Push(sections, section);
                continue;
            }

            var draft = ReadTask(cells, header, sections, firstLine + r);
            if (draft is not null)
            {
                drafts.Add(draft);
            }
        }

        return new TableResult(header, drafts, warnings, title, year);
    }

    /// <summary>Splits a Markdown/pipe row ("| 1 | 任务 | 区发改局 |") into trimmed cells.</summary>
    public static string[] SplitPipeRow(string line)
    {
        var s = line.Trim();
        if (s.StartsWith('|'))
        {
            s = s[1..];
        }

        if (s.EndsWith('|'))
        {
            s = s[..^1];
        }

        return s.Split('|');
    }

    internal static ColumnKind KindOf(string header)
    {
        var h = new string([.. header.Where(c => !char.IsWhiteSpace(c) && c is not ('*' or ':' or '：'))]);
        if (h.Length is 0 or > 20)
        {
            return ColumnKind.Unknown;
        }

        if (h.Contains("序号", StringComparison.Ordinal) || h is "编号" or "序列" or "No" or "No." or "NO" or "NO.")
        {
            return ColumnKind.Number;
        }

        if (ContainsAny(h, "板块", "章节", "所属"))
        {
            return ColumnKind.Section;
        }

        if (h.Contains("领导", StringComparison.Ordinal))
        {
            return ColumnKind.Leader;
        }

        if (ContainsAny(h, "时限", "时间", "节点", "期限", "截止", "进度安排", "进度计划", "推进计划", "计划安排"))
        {
            return ColumnKind.Deadline;
        }

        if (ContainsAny(h, "牵头", "主办", "主责"))
        {
            return ColumnKind.Lead;
        }

        if (ContainsAny(h, "配合", "协办", "协同", "参与"))
        {
            return ColumnKind.Co;
        }

        if (ContainsAny(h, "责任单位", "责任部门", "承办", "实施单位", "落实单位") || h == "单位")
        {
            return ColumnKind.Responsible;
        }

        if (h.Contains("名称", StringComparison.Ordinal))
        {
            return ColumnKind.Title;
        }

        if (ContainsAny(h, IgnoredHeaderWords))
        {
            return ColumnKind.Unknown;
        }

        if (ContainsAny(h, "任务", "重点工作", "工作内容", "事项", "内容", "措施"))
        {
            return ColumnKind.Task;
        }

        return ContainsAny(h, "目标", "指标") ? ColumnKind.Target : ColumnKind.Unknown;
    }

    private static TableHeader? TryReadHeader(string[] cells, int line)
    {
        var columns = new Dictionary<ColumnKind, List<int>>();
        for (var c = 0; c < cells.Length; c++)
        {
            var kind = KindOf(cells[c]);
            if (kind == ColumnKind.Unknown)
            {
                continue;
            }

            if (!columns.TryGetValue(kind, out var list))
            {
                columns[kind] = list = [];
            }

            list.Add(c);
        }

        if (columns.Count < 2)
        {
            return null;
        }

        return new TableHeader
        {
            ColumnCount = cells.Length,
            Line = line,
            Columns = columns.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray()),
        };
    }

    /// <summary>A row that only names a heading: "一、稳增长" alone, or a Chinese numeral in 序号 ("一", "（二）").</summary>
    private static SectionEntry? TryReadSection(string[] cells, TableHeader header)
    {
        var numberCell = Cell(cells, header.Number);
        var taskCell = Cell(cells, header.Task);
        var namesUnits = new[] { ColumnKind.Leader, ColumnKind.Lead, ColumnKind.Responsible, ColumnKind.Co }
            .Any(kind => header.Of(kind).Any(c => Cell(cells, c).Length > 0));
        if (!namesUnits && numberCell.Length > 0 && numberCell.All(c => "零〇一二两三四五六七八九十百、（）()．.".Contains(c, StringComparison.Ordinal)))
        {
            var numbering = Numbering.Parse(numberCell.Contains('、', StringComparison.Ordinal) || numberCell.Contains('）', StringComparison.Ordinal) || numberCell.Contains(')', StringComparison.Ordinal) ? numberCell : numberCell + "、");
            if (numbering.Level is NumberingLevel.Part or NumberingLevel.Chapter)
            {
                var heading = taskCell.Length > 0 ? taskCell : cells.FirstOrDefault(cell => cell.Length > 0 && cell != numberCell) ?? string.Empty;
                return new SectionEntry(SectionEntry.RankOf(numbering.Level), numbering.Token + ChineseText.FirstSentence(heading), numbering.Value);
            }
        }

        // A lone value in the task column is a task without units, not a heading.
        var single = SingleValue(cells);
        if (single is null || (single == taskCell && Array.IndexOf(cells, single) == header.Task && Numbering.Parse(single).Level == NumberingLevel.None))
        {
            return null;
        }

        var numbered = Numbering.Parse(single);
        if (numbered.Level is NumberingLevel.Part or NumberingLevel.Chapter)
        {
            return new SectionEntry(SectionEntry.RankOf(numbered.Level), numbered.Token + ChineseText.FirstSentence(single[numbered.ContentStart..]), numbered.Value);
        }

        var isHeading = numbered.Level == NumberingLevel.None && single.Length <= 30 && single.IndexOfAny(['。', '；', ';', '，', ',']) < 0;
        return isHeading ? new SectionEntry(SectionEntry.UnnumberedRank, single, null) : null;
    }

    private static TaskDraft? ReadTask(string[] cells, TableHeader header, List<SectionEntry> sections, int line)
    {
        var taskCell = Cell(cells, header.Task);
        if (taskCell.Length == 0)
        {
            return null;
        }

        var responsibility = new Responsibility();
        var text = string.Join('\n', taskCell.Split('\n').Select(part => ResponsibilityClause.Extract(part, responsibility)).Where(part => part.Length > 0));
        foreach (var c in header.Of(ColumnKind.Leader))
        {
            responsibility.AddLeaders(Cell(cells, c));
        }

        foreach (var (kind, role) in new[] { (ColumnKind.Lead, UnitRole.Lead), (ColumnKind.Responsible, UnitRole.Responsible), (ColumnKind.Co, UnitRole.Co) })
        {
            foreach (var c in header.Of(kind))
            {
                ResponsibilityClause.ReadUnitCell(Cell(cells, c), role, responsibility);
            }
        }

        var deadline = string.Join("；", header.Of(ColumnKind.Deadline).Select(c => Cell(cells, c)).Where(cell => cell.Length > 0));
        var target = string.Join("\n", header.Of(ColumnKind.Target).Select(c => Cell(cells, c)).Where(cell => cell.Length > 0));
        var titleCell = Cell(cells, header.Title);
        var targetTitle = string.Empty;
        if (header.Title < 0 && header.Of(ColumnKind.Target).FirstOrDefault(header.Task) is var targetColumn && targetColumn != header.Task)
        {
            // 预期目标 beside 工作任务: the target is what the office calls the task by.
            targetTitle = ChineseText.FirstSentence(Cell(cells, targetColumn), 60);
        }

        var number = ChineseText.TrimPunctuation(Cell(cells, header.Number));
        var numbering = Numbering.Parse(number + ".");
        return new TaskDraft
        {
            Number = number.Length == 0 ? null : numbering.Level == NumberingLevel.Item ? numbering.Value : number,
            Sections = SectionsOf(Cell(cells, header.Of(ColumnKind.Section).FirstOrDefault(-1)), sections),
            Title = titleCell.Length > 0 ? ChineseText.FirstSentence(titleCell, 60) : targetTitle.Length > 0 ? targetTitle : TaskTitle.Of(text),
            Text = titleCell.Length > 0 && !text.StartsWith(titleCell, StringComparison.Ordinal) ? titleCell + "\n" + text : text,
            Responsibility = responsibility,
            DeadlineText = deadline.Length == 0 ? responsibility.DeadlineText : deadline,
            TargetText = target.Length == 0 ? null : target,
            Line = line,
        };
    }

    /// <summary>A 所属板块 cell, when the table has one and the row fills it, names the whole path; else the section rows above.</summary>
    private static SectionEntry[] SectionsOf(string sectionCell, List<SectionEntry> sections) =>
        sectionCell.Length == 0
            ? [.. sections]
            : [.. sectionCell.Split(" / ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select((title, i) => new SectionEntry(i + 1, title, null))];

    private static string[] CleanRow(IReadOnlyList<string>? row)
    {
        if (row is null)
        {
            return [];
        }

        var cells = new string[row.Count];
        for (var i = 0; i < row.Count; i++)
        {
            cells[i] = CleanCell(row[i]);
        }

        return cells;
    }

    /// <summary>Removes bold marks and &lt;br&gt; tags, trims every line of a multi-line cell.</summary>
    private static string CleanCell(string? cell)
    {
        if (string.IsNullOrWhiteSpace(cell))
        {
            return string.Empty;
        }

        var s = cell.Replace("**", string.Empty, StringComparison.Ordinal)
            .Replace("<br/>", "\n", StringComparison.OrdinalIgnoreCase)
            .Replace("<br />", "\n", StringComparison.OrdinalIgnoreCase)
            .Replace("<br>", "\n", StringComparison.OrdinalIgnoreCase)
            .Replace("\r\n", "\n", StringComparison.Ordinal)
            .Replace('\r', '\n');
        var lines = s.Split('\n').Select(part => new string([.. part.Where(c => !char.IsControl(c))]).Trim()).Where(part => part.Length > 0);
        return string.Join('\n', lines);
    }

    private static bool IsSeparatorRow(string[] cells) =>
        cells.Any(cell => cell.Contains('-', StringComparison.Ordinal)) && cells.All(cell => cell.All(c => c is '-' or ':' or ' ' or '—'));

    private static string? SingleValue(string[] cells)
    {
        string? value = null;
        foreach (var cell in cells)
        {
            if (cell.Length == 0 || cell == value)
            {
                continue;
            }

            if (value is not null)
            {
                return null;
            }

            value = cell;
        }

        return value;
    }

    private static string Cell(string[] cells, int index) => index >= 0 && index < cells.Length ? cells[index] : string.Empty;

    private static bool ContainsAny(string s, params string[] words) => words.Any(word => s.Contains(word, StringComparison.Ordinal));
}
