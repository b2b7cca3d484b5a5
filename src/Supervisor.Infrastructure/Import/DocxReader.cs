using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Supervisor.Core;
using Supervisor.Core.Import;

namespace Supervisor.Infrastructure.Import;

/// <summary>
/// Reads a Word document (.docx) into the lines the text parser takes: one line per paragraph, with its automatic
/// number rendered as Word shows it ("1.", "（一）", "一、"), and tables as pipe rows with merged cells repeated (the same
/// table reader as XLSX then reads them). Tracked changes count as accepted; headers, footers, footnotes, comments and
/// text boxes are not part of the body and are not read.
/// </summary>
public static class DocxReader
{
    public static string Read(byte[] bytes, string displayName, ImportOptions limits)
    {
        PackageGuard.Check(bytes, displayName, "Word document (.docx)", limits);
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var document = WordprocessingDocument.Open(stream, isEditable: false);
            var main = document.MainDocumentPart ?? throw NotWord(displayName, "no main document part");
            var body = main.Document?.Body ?? throw NotWord(displayName, "no document body");
            var writer = new Writer(new WordNumbering(main), displayName, limits.MaxCells);
            writer.Blocks(body.ChildElements);
            return writer.Text;
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or FileFormatException or System.Xml.XmlException or InvalidOperationException or IOException)
        {
            throw NotWord(displayName, ex.Message.ReplaceLineEndings(" "));
        }
    }

    private static ImportRefusedException NotWord(string name, string why) => new(
        $"{name}: not a readable Word document ({why}); open it in Word or WPS and save it again as .docx",
        $"{name}：无法作为 Word 文档读取，请用 Word 或 WPS 打开后重新另存为 .docx。");

    private sealed class Writer(WordNumbering numbering, string displayName, int maxCells)
    {
        private readonly StringBuilder _text = new();
        private long _cells;

        public string Text => _text.ToString();

        public void Blocks(OpenXmlElementList elements)
        {
            foreach (var element in elements)
            {
                switch (element)
                {
                    case Paragraph paragraph:
                        _text.Append(Line(Paragraph(paragraph))).Append('\n');
                        break;
                    case Table table:
                        Table(table);
                        break;

                    // Content controls, inserted blocks (tracked) and custom XML wrap ordinary paragraphs and tables.
                    case SdtBlock sdt when sdt.SdtContentBlock is { } content:
                        Blocks(content.ChildElements);
                        break;
                    case CustomXmlBlock or InsertedRun:
                        Blocks(element.ChildElements);
                        break;
                }
            }
        }

        /// <summary>A paragraph's text with its list number in front; a "|" typed in the text must not start a table row.</summary>
        private string Paragraph(Paragraph paragraph)
        {
            var text = new StringBuilder(numbering.Next(paragraph));
            Inline(paragraph, text);
            return text.ToString();
        }

        private static string Line(string text) => text.Replace('|', '｜').Replace('\n', ' ').TrimEnd();

        private static void Inline(OpenXmlElement element, StringBuilder text)
        {
            foreach (var child in element.ChildElements)
            {
                switch (child)
                {
                    case Text t:
                        text.Append(t.Text);
                        break;
                    case TabChar or PositionalTab:
                        text.Append(' ');
                        break;
                    case Break or CarriageReturn:
                        text.Append('\n');
                        break;
                    case NoBreakHyphen:
                        text.Append('-');
                        break;

                    // Deleted text (tracked), field codes, drawings and text boxes, and the paragraph's own properties
                    // (which hold its tracked-change marks) are not what the page says.
                    case DeletedRun or DeletedText or MoveFromRun or FieldCode or DeletedFieldCode or Drawing or Picture or EmbeddedObject
                        or AlternateContent or ParagraphProperties or RunProperties or FootnoteReference or EndnoteReference or CommentReference:
                        break;
                    default:
                        Inline(child, text);
                        break;
                }
            }
        }

        /// <summary>
        /// One pipe row per table row on the table's grid: a cell spanning columns (gridSpan) repeats its text in each,
        /// a vertically merged cell (vMerge continue) repeats the text above it, so every row stands alone.
        /// </summary>
        private void Table(Table table)
        {
            var gridColumns = table.GetFirstChild<TableGrid>()?.Elements<GridColumn>().Count() ?? 0;
            var above = new Dictionary<int, string>();
            foreach (var row in table.Elements<TableRow>())
            {
                var cells = new List<string>();
                var before = row.TableRowProperties?.GetFirstChild<GridBefore>()?.Val?.Value ?? 0;
                for (var i = 0; i < Math.Min(before, 64); i++)
                {
                    cells.Add("");
                }

                foreach (var cell in row.Elements<TableCell>())
                {
                    var properties = cell.TableCellProperties;
                    var span = Math.Clamp(properties?.GridSpan?.Val?.Value ?? 1, 1, Math.Max(gridColumns, 64));
                    var merge = properties?.VerticalMerge;
                    var continues = merge is not null && (merge.Val is null || merge.Val.Value == MergedCellValues.Continue);
                    var text = continues ? above.GetValueOrDefault(cells.Count, "") : CellText(cell);
                    for (var s = 0; s < span; s++)
                    {
                        above[cells.Count] = text;
                        cells.Add(text);
                    }
                }

                _cells += cells.Count;
                if (_cells > maxCells)
                {
                    throw new ImportRefusedException(
                        $"{displayName}: refused, its tables have more than {maxCells} cells (Import:MaxCells); nothing imported",
                        $"{displayName}：文件过大，表格超过 {maxCells} 个单元格，未导入。请删去无关内容或拆分后再上传。",
                        tooLarge: true);
                }

                if (cells.All(c => c.Length == 0))
                {
                    continue;
                }

                _text.Append('|');
                foreach (var cell in cells)
                {
                    _text.Append(' ').Append(cell).Append(" |");
                }

                _text.Append('\n');
            }

            _text.Append('\n');
        }

        /// <summary>A cell's paragraphs on one line: joined directly after sentence punctuation, else with "；" so names listed one per paragraph stay apart.</summary>
        private string CellText(TableCell cell)
        {
            var parts = new List<string>();
            foreach (var element in cell.Descendants())
            {
                if (element is Paragraph paragraph)
                {
                    var text = Line(Paragraph(paragraph)).Trim();
                    if (text.Length > 0)
                    {
                        parts.Add(text);
                    }
                }
            }

            var joined = new StringBuilder();
            foreach (var part in parts)
            {
                if (joined.Length > 0 && !"。；;，,、：:".Contains(joined[^1], StringComparison.Ordinal))
                {
                    joined.Append('；');
                }

                joined.Append(part);
            }

            return joined.ToString();
        }
    }
}

/// <summary>
/// Word's list numbering (numbering.xml): the number a paragraph shows, from its own numPr or its style's, counted per
/// abstract list as Word counts (a deeper level restarts after a higher one; a num's startOverride restarts the list).
/// </summary>
internal sealed class WordNumbering
{
    private const int Levels = 9;

    private readonly Dictionary<int, AbstractNum> _abstracts = [];
    private readonly Dictionary<int, NumberingInstance> _instances = [];
    private readonly Dictionary<string, Style> _styles = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int?[]> _counters = [];
    private readonly HashSet<int> _overridesApplied = [];

    public WordNumbering(MainDocumentPart main)
    {
        var numbering = main.NumberingDefinitionsPart?.Numbering;
        if (numbering is not null)
        {
            foreach (var abstractNum in numbering.Elements<AbstractNum>())
            {
                if (abstractNum.AbstractNumberId?.Value is { } id)
                {
                    _abstracts[id] = abstractNum;
                }
            }

            foreach (var instance in numbering.Elements<NumberingInstance>())
            {
                if (instance.NumberID?.Value is { } id)
                {
                    _instances[id] = instance;
                }
            }
        }

        foreach (var style in main.StyleDefinitionsPart?.Styles?.Elements<Style>() ?? [])
        {
            if (style.StyleId?.Value is { } id)
            {
                _styles.TryAdd(id, style);
            }
        }
    }

    /// <summary>The number text in front of the paragraph ("" when it has none), advancing the list's counters.</summary>
    public string Next(Paragraph paragraph)
    {
        var (numId, level) = NumberingOf(paragraph);
        if (numId is not { } num || num == 0 || !_instances.TryGetValue(num, out var instance)
            || instance.AbstractNumId?.Val?.Value is not { } abstractId || !_abstracts.TryGetValue(abstractId, out var abstractNum))
        {
            return "";
        }

        level = Math.Clamp(level, 0, Levels - 1);
        var counters = _counters.TryGetValue(abstractId, out var found) ? found : _counters[abstractId] = new int?[Levels];
        if (_overridesApplied.Add(num))
        {
            // A num that overrides a level's start begins that list again the first time it is used.
            foreach (var levelOverride in instance.Elements<LevelOverride>())
            {
                if (levelOverride.LevelIndex?.Value is { } index && index < Levels && levelOverride.StartOverrideNumberingValue is not null)
                {
                    for (var l = index; l < Levels; l++)
                    {
                        counters[l] = null;
                    }
                }
            }
        }

        var definition = LevelOf(instance, abstractNum, level);
        counters[level] = counters[level] is { } current ? current + 1 : StartOf(instance, abstractNum, level);
        for (var deeper = level + 1; deeper < Levels; deeper++)
        {
            counters[deeper] = null;
        }

        var format = definition?.NumberingFormat?.Val?.Value;
        if (format == NumberFormatValues.Bullet || definition?.LevelText?.Val?.Value is not { } template)
        {
            return "";
        }

        var legal = definition.IsLegalNumberingStyle is not null;
        var text = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] == '%' && i + 1 < template.Length && template[i + 1] is >= '1' and <= '9')
            {
                var referenced = template[i + 1] - '1';
                var value = counters[referenced] ?? StartOf(instance, abstractNum, referenced);
                var referencedFormat = LevelOf(instance, abstractNum, referenced)?.NumberingFormat?.Val?.Value;
                text.Append(Format(value, legal && referenced < level ? NumberFormatValues.Decimal : referencedFormat));
                i++;
            }
            else
            {
                text.Append(template[i]);
            }
        }

        var suffix = definition.LevelSuffix?.Val?.Value;
        if (suffix == LevelSuffixValues.Space && text.Length > 0)
        {
            text.Append(' ');
        }

        return text.ToString();
    }

    private (int? NumId, int Level) NumberingOf(Paragraph paragraph)
    {
        var direct = paragraph.ParagraphProperties?.NumberingProperties;
        var numId = direct?.NumberingId?.Val?.Value;
        int? level = direct?.NumberingLevelReference?.Val?.Value;
        var styleId = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value;
        for (var depth = 0; styleId is not null && depth < 16 && (numId is null || level is null); depth++)
        {
            if (!_styles.TryGetValue(styleId, out var style))
            {
                break;
            }

            var fromStyle = style.StyleParagraphProperties?.NumberingProperties;
            numId ??= fromStyle?.NumberingId?.Val?.Value;
            level ??= fromStyle?.NumberingLevelReference?.Val?.Value;
            styleId = style.BasedOn?.Val?.Value;
        }

        return (numId, level ?? 0);
    }

    private static Level? LevelOf(NumberingInstance instance, AbstractNum abstractNum, int level)
    {
        foreach (var levelOverride in instance.Elements<LevelOverride>())
        {
            if (levelOverride.LevelIndex?.Value == level && levelOverride.Level is { } replaced)
            {
                return replaced;
            }
        }

        return abstractNum.Elements<Level>().FirstOrDefault(l => l.LevelIndex?.Value == level);
    }

    private static int StartOf(NumberingInstance instance, AbstractNum abstractNum, int level)
    {
        foreach (var levelOverride in instance.Elements<LevelOverride>())
        {
            if (levelOverride.LevelIndex?.Value == level && levelOverride.StartOverrideNumberingValue?.Val?.Value is { } start)
            {
                return start;
            }
        }

        return LevelOf(instance, abstractNum, level)?.StartNumberingValue?.Val?.Value ?? 1;
    }

    internal static string Format(int value, NumberFormatValues? format)
    {
        if (format is null || format == NumberFormatValues.Decimal)
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        if (format == NumberFormatValues.ChineseCounting || format == NumberFormatValues.ChineseCountingThousand
            || format == NumberFormatValues.TaiwaneseCounting || format == NumberFormatValues.TaiwaneseCountingThousand
            || format == NumberFormatValues.JapaneseCounting)
        {
            return ChineseNumber(value);
        }

        if (format == NumberFormatValues.IdeographDigital || format == NumberFormatValues.TaiwaneseDigital)
        {
            return string.Concat(value.ToString(CultureInfo.InvariantCulture).Select(d => "〇一二三四五六七八九"[d - '0']));
        }

        if (format == NumberFormatValues.DecimalEnclosedCircle || format == NumberFormatValues.DecimalEnclosedCircleChinese)
        {
            return value is >= 1 and <= 20 ? ((char)('①' + value - 1)).ToString() : value.ToString(CultureInfo.InvariantCulture);
        }

        if (format == NumberFormatValues.DecimalFullWidth || format == NumberFormatValues.DecimalFullWidth2)
        {
            return string.Concat(value.ToString(CultureInfo.InvariantCulture).Select(d => (char)('０' + d - '0')));
        }

        if (format == NumberFormatValues.IdeographTraditional)
        {
            return value is >= 1 and <= 10 ? "甲乙丙丁戊己庚辛壬癸"[value - 1].ToString() : value.ToString(CultureInfo.InvariantCulture);
        }

        if (format == NumberFormatValues.UpperLetter || format == NumberFormatValues.LowerLetter)
        {
            var letter = (char)((format == NumberFormatValues.UpperLetter ? 'A' : 'a') + ((value - 1) % 26));
            return new string(letter, ((value - 1) / 26) + 1);
        }

        if (format == NumberFormatValues.UpperRoman || format == NumberFormatValues.LowerRoman)
        {
            var roman = Roman(value);
            return format == NumberFormatValues.LowerRoman ? roman.ToLowerInvariant() : roman;
        }

        return format == NumberFormatValues.None ? "" : value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>一 … 十, 十一, 二十, 二十一, 一百, 一百零一 — as Word's chineseCounting writes them.</summary>
    internal static string ChineseNumber(int value)
    {
        const string digits = "零一二三四五六七八九";
        if (value is < 1 or > 9999)
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        var text = new StringBuilder();
        var units = new[] { (1000, "千"), (100, "百"), (10, "十"), (1, "") };
        var zero = false;
        foreach (var (unit, name) in units)
        {
            var digit = value / unit % 10;
            if (digit == 0)
            {
                zero = text.Length > 0;
                continue;
            }

            if (zero)
            {
                text.Append('零');
                zero = false;
            }

            if (!(unit == 10 && digit == 1 && text.Length == 0))
            {
                text.Append(digits[digit]);
            }

            text.Append(name);
        }

        return text.ToString();
    }

    private static string Roman(int value)
    {
        var text = new StringBuilder();
        foreach (var (amount, symbol) in new[] { (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I") })
        {
            while (value >= amount)
            {
                text.Append(symbol);
                value -= amount;
            }
        }

        return text.ToString();
    }
}
