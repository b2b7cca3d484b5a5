namespace Supervisor.Core.Import;

/// <summary>Reads a decomposition document given as plain text or Markdown (docs/import.md lists the forms it understands).</summary>
public static class PlanTextParser
{
    private const int TitleSearchLines = 60;
    private const int YearSearchLines = 30;

    public static ParsedDocument Parse(string text)
    {
        var tableWarnings = new List<ParseWarning>();
        var lines = SourceLine.Read(FlattenedTables.Rewrite(BracketedItems.Rewrite(text ?? string.Empty), tableWarnings));
        var taskLevel = TaskLevelOf(lines);
        var titleIndex = FindTitleLine(lines, taskLevel, out var isFallbackTitle);
        var reader = new OutlineReader(lines, taskLevel, isFallbackTitle ? -1 : titleIndex);
        reader.Run();

        var warnings = reader.Warnings;
        warnings.AddRange(tableWarnings);
        var tasks = DraftAssembler.Build(reader.Drafts, warnings, DocumentConventions.FirstListedLeadLine(lines));
        var title = titleIndex < 0 ? reader.TableTitle : TitleText(lines[titleIndex]);
        var year = PlanTitle.YearIn(title) ?? FirstYear(lines) ?? reader.TableYear;
        return new ParsedDocument(title, year, tasks, warnings);
    }

    /// <summary>
    /// Tasks are the "1." items. A document without any takes its "（1）" items; one without either, its "（一）" or
    /// "一、" headings when they carry responsibility clauses (a 责任分解 written one level up).
    /// </summary>
    private static NumberingLevel TaskLevelOf(List<SourceLine> lines)
    {
        var hasSubItems = false;
        var subItemClauses = 0;
        var chapterClauses = 0;
        var partClauses = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Kind != LineKind.Numbered)
            {
                continue;
            }

            switch (line.Numbering.Level)
            {
                case NumberingLevel.Item:
                    return NumberingLevel.Item;
                case NumberingLevel.SubItem:
                    hasSubItems = true;
                    subItemClauses += CarriesClause(lines, i) ? 1 : 0;
                    break;
                case NumberingLevel.Chapter:
                    chapterClauses += CarriesClause(lines, i) ? 1 : 0;
                    break;
                case NumberingLevel.Part:
                    partClauses += CarriesClause(lines, i) ? 1 : 0;
                    break;
            }
        }

        // "（一）…（X牵头）" with "（1）" points inside: the level that carries most clauses holds the tasks.
        return hasSubItems && subItemClauses >= chapterClauses ? NumberingLevel.SubItem
            : chapterClauses > 0 ? NumberingLevel.Chapter
            : partClauses > 0 ? NumberingLevel.Part
            : NumberingLevel.None;
    }

    /// <summary>The heading ends with a clause, or a labelled line ("牵头单位：…") follows it.</summary>
    private static bool CarriesClause(List<SourceLine> lines, int index)
    {
        if (ResponsibilityClause.EndsWithClause(lines[index].Text))
        {
            return true;
        }

        for (var i = index + 1; i < lines.Count; i++)
        {
            if (lines[i].Kind is LineKind.Blank or LineKind.Noise)
            {
                continue;
            }

            return lines[i].Kind == LineKind.Labelled;
        }

        return false;
    }

    /// <summary>The first title-like line before the first task, else the first line with text; -1 when there is none.</summary>
    private static int FindTitleLine(List<SourceLine> lines, NumberingLevel taskLevel, out bool isFallback)
    {
        isFallback = false;
        var first = -1;
        var seen = 0;
        for (var i = 0; i < lines.Count && seen < TitleSearchLines; i++)
        {
            var line = lines[i];
            if (line.Kind is LineKind.Blank or LineKind.Noise or LineKind.Footer or LineKind.TableRow)
            {
                continue;
            }

            seen++;
            if (line.Kind == LineKind.Numbered && line.Numbering.Level == taskLevel)
            {
                break;
            }

            if (first < 0)
            {
                first = i;
            }

            if (line.Kind is LineKind.Plain or LineKind.Numbered && PlanTitle.LooksLikeTitle(TitleText(line)))
            {
                return i;
            }
        }

        if (first < 0)
        {
            first = lines.FindIndex(line => line.Kind is LineKind.Plain or LineKind.Numbered or LineKind.Labelled);
        }

        isFallback = true;
        return first;
    }

    private static string TitleText(SourceLine line) =>
        PlanTitle.Shorten(line.Kind == LineKind.Numbered && line.Numbering.Level is NumberingLevel.Part or NumberingLevel.Chapter ? line.Content : line.Text);

    private static int? FirstYear(List<SourceLine> lines)
    {
        var seen = 0;
        foreach (var line in lines)
        {
            if (line.Kind is LineKind.Blank or LineKind.Noise or LineKind.Footer)
            {
                continue;
            }

            if (++seen > YearSearchLines)
            {
                break;
            }

            if (PlanTitle.YearIn(line.Text, requireNian: true) is { } year)
            {
                return year;
            }
        }

        return null;
    }
}

/// <summary>
/// One pass over the lines: keeps the stack of headings, builds the current item from its lines, hands pipe tables to
/// the table reader. An item ends at the next item, heading, table or page footer.
/// </summary>
internal sealed class OutlineReader(List<SourceLine> lines, NumberingLevel taskLevel, int titleIndex)
{
    private readonly List<SectionEntry> sections = [];
    private ItemBuilder? item;
    private TableHeader? lastTableHeader;

    public List<TaskDraft> Drafts { get; } = [];

    public List<ParseWarning> Warnings { get; } = [];

    public string? TableTitle { get; private set; }

    public int? TableYear { get; private set; }

    public void Run()
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            switch (line.Kind)
            {
                case LineKind.Blank:
                case LineKind.Noise:
                    break;
                case LineKind.Footer:
                    FinishItem();
                    break;
                case LineKind.TableRow:
                    i = ReadTable(i) - 1;
                    break;
                case LineKind.Numbered:
                    OnNumbered(line);
                    break;
                case LineKind.Labelled:
                    OnLabelled(line);
                    break;
                default:
                    if (i != titleIndex)
                    {
                        OnPlain(line);
                    }

                    break;
            }
        }

        FinishItem();
    }

    private void OnNumbered(SourceLine line)
    {
        var level = line.Numbering.Level;
        if (level == taskLevel)
        {
            FinishItem();
            item = new ItemBuilder(line, sections.ToArray());
            return;
        }

        if (level > taskLevel && taskLevel != NumberingLevel.None)
        {
            // "（1）" points inside a task are part of its text, also when they follow its clause.
            item?.StartParagraph(line.Text, line.EndsBold);
            return;
        }

        FinishItem();
        SectionEntry.Push(sections, new SectionEntry(SectionEntry.RankOf(level), line.Numbering.Token + HeadingTitle(line), line.Numbering.Value, DocumentConventions.HeadingLead(line.Content)));
    }

    private void OnLabelled(SourceLine line)
    {
        if (item is null)
        {
            return;
        }

        if (item.HasOpenClause)
        {
            item.Continue(line.Text, line.EndsBold);
        }
        else
        {
            item.AddLabelledLine(line.Text);
        }
    }

    private void OnPlain(SourceLine line)
    {
        if (item is null)
        {
            if (line.IsMarkdownHeading || line.IsHeadingLike())
            {
                PushUnnumbered(line);
            }

            return;
        }

        if (item.HasOpenClause)
        {
            item.Continue(line.Text, line.EndsBold);
        }
        else if (item.IsClosed)
        {
            // After its clause an item is complete; only another clause-carrying paragraph still belongs to it.
            if (ResponsibilityClause.EndsWithClause(line.Text))
            {
                item.StartParagraph(line.Text, line.EndsBold);
            }
            else if (line.IsMarkdownHeading || line.IsHeadingLike())
            {
                FinishItem();
                PushUnnumbered(line);
            }
        }
        else if (line.IsMarkdownHeading)
        {
            FinishItem();
            PushUnnumbered(line);
        }
        else if (item.EndsMidSentence)
        {
            // A sentence cut by a page break: "争取举办第三届中国（平江）" + "休闲食品文化节、…".
            item.Continue(line.Text, line.EndsBold);
        }
        else if (line.IsHeadingLike())
        {
            FinishItem();
            PushUnnumbered(line);
        }
        else
        {
            item.StartParagraph(line.Text, line.EndsBold);
        }
    }

    private void PushUnnumbered(SourceLine line) =>
        SectionEntry.Push(sections, new SectionEntry(SectionEntry.UnnumberedRank, HeadingTitle(line), null, DocumentConventions.HeadingLead(line.Content)));

    private static string HeadingTitle(SourceLine line) => line.BoldLead ?? ChineseText.FirstSentence(line.Content);

    private int ReadTable(int start)
    {
        FinishItem();
        var end = start;
        var rows = new List<IReadOnlyList<string>>();
        while (end < lines.Count && lines[end].Kind == LineKind.TableRow)
        {
            rows.Add(TableReader.SplitPipeRow(lines[end].Text));
            end++;
        }

        var table = TableReader.Read(rows, lines[start].Number, sections, lastTableHeader);
        // A pipe block without a plan header (a statistics table, a stray "|") is text, not a plan table: no warning.
        if (table.Header is not null)
        {
            lastTableHeader = table.Header;
            Drafts.AddRange(table.Drafts);
            Warnings.AddRange(table.Warnings);
        }

        TableTitle ??= table.Title;
        TableYear ??= table.Year;
        return end;
    }

    private void FinishItem()
    {
        if (item is not null)
        {
            Drafts.Add(item.Build());
            item = null;
        }
    }
}

/// <summary>
/// Collects one item's paragraphs. Lines are joined without a break when the previous one stops mid-sentence or inside
/// an open clause bracket (page breaks), and start a new paragraph otherwise. The bracket and punctuation state of the
/// current paragraph is kept as it grows, so each line costs its own length, however long the paragraph gets.
/// </summary>
internal sealed class ItemBuilder
{
    private readonly string? number;
    private readonly SectionEntry[] sections;
    private readonly int line;
    private readonly string? boldLead;
    private readonly List<string> paragraphs = [];
    private readonly List<string> labelledLines = [];
    private readonly System.Text.StringBuilder current = new();
    private readonly List<int> openBrackets = [];
    private int lastPairOpen = -1;
    private int lastPairClose = -1;
    private int lastSignificant = -1;
    private char last;
    private char beforeLast;
    private bool endsBold;

    public ItemBuilder(SourceLine first, SectionEntry[] sections)
    {
        number = first.Numbering.Value;
        this.sections = sections;
        line = first.Number;
        boldLead = first.BoldLead;
        Continue(first.Content, first.EndsBold);
    }

    /// <summary>The current paragraph has a bracket opened recently and never closed: a clause cut by a page break.</summary>
    public bool HasOpenClause => openBrackets.Count > 0 && current.Length - openBrackets[^1] <= ResponsibilityClause.MaxLabelledClauseLength;

    /// <summary>The item has its responsibility: a clause closes its last paragraph, or labelled lines followed it.</summary>
    public bool IsClosed => labelledLines.Count > 0 || EndsWithClause;

    /// <summary>The current paragraph stops without sentence punctuation (and is not a bold title line).</summary>
    public bool EndsMidSentence
    {
        get
        {
            if (last == '\0')
            {
                return paragraphs.Count == 0;
            }

            if (endsBold || ChineseText.IsTerminal(last))
            {
                return false;
            }

            // "…“小巨人”企业。" ends a sentence; "坚持以“五好”" does not.
            if (last is '”' or '’' or '"' && ChineseText.IsTerminal(beforeLast))
            {
                return false;
            }

            return !EndsWithClause;
        }
    }

    private bool EndsWithClause =>
        lastPairClose >= 0 && lastSignificant == lastPairClose &&
        lastPairClose - lastPairOpen - 1 <= ResponsibilityClause.MaxLabelledClauseLength &&
        ResponsibilityClause.IsClause(current.ToString(lastPairOpen + 1, lastPairClose - lastPairOpen - 1));

    public void Continue(string text, bool lineEndsBold)
    {
        if (current.Length > 0 && text.Length > 0 && IsWordChar(current[^1]) && IsWordChar(text[0]))
        {
            Append(' ');
        }

        foreach (var c in text)
        {
            Append(c);
        }

        endsBold = lineEndsBold;
    }

    public void StartParagraph(string text, bool lineEndsBold)
    {
        EndParagraph();
        Continue(text, lineEndsBold);
    }

    public void AddLabelledLine(string text)
    {
        EndParagraph();
        labelledLines.Add(text);
    }

    public TaskDraft Build()
    {
        EndParagraph();
        var responsibility = new Responsibility();
        var texts = new List<string>(paragraphs.Count);
        foreach (var paragraph in paragraphs)
        {
            var text = ResponsibilityClause.Extract(paragraph, responsibility);
            if (text.Length > 0)
            {
                texts.Add(text);
            }
        }

        foreach (var labelled in labelledLines)
        {
            ResponsibilityClause.ReadLabelledLine(labelled, responsibility);
        }

        var fullText = string.Join('\n', texts);
        return new TaskDraft
        {
            Number = number,
            Sections = sections,
            Title = boldLead ?? TaskTitle.Of(fullText),
            Text = fullText,
            Responsibility = responsibility,
            Line = line,
        };
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c);

    private void Append(char c)
    {
        var index = current.Length;
        current.Append(c);
        if (ChineseText.IsOpenBracket(c))
        {
            openBrackets.Add(index);
        }
        else if (ChineseText.IsCloseBracket(c) && openBrackets.Count > 0)
        {
            lastPairOpen = openBrackets[^1];
            lastPairClose = index;
            openBrackets.RemoveAt(openBrackets.Count - 1);
        }

        if (char.IsWhiteSpace(c))
        {
            return;
        }

        beforeLast = last;
        last = c;
        if (!ChineseText.IsTrailingPunctuation(c))
        {
            lastSignificant = index;
        }
    }

    private void EndParagraph()
    {
        if (current.Length > 0)
        {
            paragraphs.Add(current.ToString().Trim());
            current.Clear();
        }

        openBrackets.Clear();
        lastPairOpen = lastPairClose = lastSignificant = -1;
        last = beforeLast = '\0';
        endsBold = false;
    }
}
