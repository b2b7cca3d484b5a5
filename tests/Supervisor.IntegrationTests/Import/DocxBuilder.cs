using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Supervisor.IntegrationTests.Import;

/// <summary>
/// Builds .docx fixtures with OpenXml the way Word stores them: typed numbers become list numbering (一、 / （一） / 1.),
/// items numbered through their paragraph style, restarts through a new num with a start override.
/// </summary>
internal sealed partial class DocxBuilder : IDisposable
{
    private const int AbstractId = 1;
    private const string ItemStyle = "TaskItem";

    private readonly WordprocessingDocument _document;
    private readonly Body _body = new();
    private readonly Numbering _numbering;
    private readonly int?[] _expected = new int?[3];
    private readonly int[] _numOfLevel = [1, 1, 1];
    private int _nextNumId = 2;

    public DocxBuilder(string path)
    {
        _document = WordprocessingDocument.Create(path, WordprocessingDocumentType.Document);
        var main = _document.AddMainDocumentPart();
        main.Document = new Document(_body);
        _numbering = new Numbering(
            new AbstractNum(
                Level(0, NumberFormatValues.ChineseCounting, "%1、"),
                Level(1, NumberFormatValues.ChineseCounting, "（%2）"),
                Level(2, NumberFormatValues.Decimal, "%3."))
            { AbstractNumberId = AbstractId },
            new NumberingInstance(new AbstractNumId { Val = AbstractId }) { NumberID = 1 });
        main.AddNewPart<NumberingDefinitionsPart>().Numbering = _numbering;
        main.AddNewPart<StyleDefinitionsPart>().Styles = new Styles(
            new Style(
                new StyleName { Val = "Task Item" },
                new StyleParagraphProperties(new NumberingProperties(new NumberingLevelReference { Val = 2 }, new NumberingId { Val = 1 })))
            { Type = StyleValues.Paragraph, StyleId = ItemStyle });
    }

    public MainDocumentPart Main => _document.MainDocumentPart!;

    public Body Body => _body;

    /// <summary>A text document line by line; lines that start with a typed number get Word numbering instead.</summary>
    public DocxBuilder Lines(string text)
    {
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var match = TypedNumber().Match(raw);
            if (!match.Success)
            {
                Paragraph(raw);
                continue;
            }

            var (level, value) = match.Groups["item"].Success ? (2, int.Parse(match.Groups["item"].Value, System.Globalization.CultureInfo.InvariantCulture))
                : match.Groups["sub"].Success ? (1, ChineseValue(match.Groups["sub"].Value))
                : (0, ChineseValue(match.Groups["part"].Value));
            Numbered(level, value, match.Groups["bold"].Value + match.Groups["rest"].Value.TrimStart());
        }

        return this;
    }

    public DocxBuilder Paragraph(string text, params OpenXmlElement[] extra)
    {
        var paragraph = new Paragraph(Run(text));
        paragraph.Append(extra);
        _body.Append(paragraph);
        return this;
    }

    /// <summary>A list paragraph showing <paramref name="value"/> at <paramref name="level"/>; items (level 2) take their numbering from the style until a restart.</summary>
    public DocxBuilder Numbered(int level, int value, string text)
    {
        var expected = _expected[level] ?? 1;
        if (value != expected)
        {
            var numId = _nextNumId++;
            _numbering.Append(new NumberingInstance(
                new AbstractNumId { Val = AbstractId },
                new LevelOverride(new StartOverrideNumberingValue { Val = value }) { LevelIndex = level })
            { NumberID = numId });
            _numOfLevel[level] = numId;
        }

        _expected[level] = value + 1;
        for (var deeper = level + 1; deeper < 3; deeper++)
        {
            _expected[deeper] = null;
        }

        var properties = level == 2 && _numOfLevel[2] == 1
            ? new ParagraphProperties(new ParagraphStyleId { Val = ItemStyle })
            : new ParagraphProperties(new NumberingProperties(new NumberingLevelReference { Val = level }, new NumberingId { Val = _numOfLevel[level] }));
        _body.Append(new Paragraph(properties, Run(text)));
        return this;
    }

    public static Run Run(string text) => new(new Text(text) { Space = SpaceProcessingModeValues.Preserve });

    public void Dispose() => _document.Dispose();

    private static Level Level(int index, NumberFormatValues format, string text) =>
        new(new StartNumberingValue { Val = 1 }, new NumberingFormat { Val = format }, new LevelText { Val = text }) { LevelIndex = index };

    private static int ChineseValue(string text) => text switch
    {
        _ when text.Length == 1 => "一二三四五六七八九十".IndexOf(text[0], StringComparison.Ordinal) + 1,
        _ when text[0] == '十' => 10 + ChineseValue(text[1..]),
        _ when text.Length == 2 => ChineseValue(text[..1]) * 10,
        _ => (ChineseValue(text[..1]) * 10) + ChineseValue(text[2..]),
    };

    [GeneratedRegex(@"^\s*(#+\s*)?(?<bold>\*\*)?((?<item>\d{1,3})[.．]|（(?<sub>[一二三四五六七八九十]{1,3})）|(?<part>[一二三四五六七八九十]{1,3})、)(?<rest>.*)$")]
    private static partial Regex TypedNumber();
}
