using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Supervisor.Core.Documents;

namespace Supervisor.Infrastructure.Documents;

/// <summary>The fonts a 公文 names, each declared in the font table with the substitute Word/WPS use when it is missing.</summary>
public static class GongwenFonts
{
    public const string Title = "方正小标宋简体";
    public const string Body = "仿宋_GB2312";
    public const string Heading1 = "黑体";
    public const string Heading2 = "楷体_GB2312";
    public const string Song = "宋体";
    public const string Latin = "Times New Roman";

    /// <summary>Name, the alternative Word tries next (w:altName), family.</summary>
    internal static readonly (string Name, string Alt, FontFamilyValues Family)[] Table =
    [
        (Title, "宋体", FontFamilyValues.Roman),
        (Body, "仿宋", FontFamilyValues.Modern),
        (Heading1, "SimHei", FontFamilyValues.Modern),
        (Heading2, "楷体", FontFamilyValues.Modern),
        (Song, "SimSun", FontFamilyValues.Auto),
    ];
}

/// <summary>Paragraph styles every 公文 here uses; the office restyles the document by editing them in Word or WPS.</summary>
public static class GongwenStyles
{
    public const string Title = "GongwenTitle";
    public const string Heading1 = "GongwenHeading1";
    public const string Heading2 = "GongwenHeading2";
    public const string Body = "GongwenBody";
    public const string Table = "GongwenTable";
}

/// <summary>
/// Writes a Word document on the GB/T 9704-2012 page: A4, margins 37/35/28/26 mm, 3号仿宋_GB2312 text on a 28.95 pt line,
/// 2号小标宋 title, 黑体 and 楷体 headings, page numbers "— N —" bottom outside (odd pages right, even pages left).
/// </summary>
public sealed class GongwenDocument : IDisposable
{
    private readonly MemoryStream _stream = new();
    private readonly WordprocessingDocument _package;
    private readonly Body _body;

    public GongwenDocument()
    {
        _package = WordprocessingDocument.Create(_stream, WordprocessingDocumentType.Document, autoSave: true);
        var main = _package.AddMainDocumentPart();
        main.Document = new Document(_body = new Body());
        AddStyles(main);
        AddFonts(main);
        AddSettings(main);
        AddFooters(main);
    }

    public MainDocumentPart Main => _package.MainDocumentPart!;

    public Body Body => _body;

    /// <summary>Closes the package and returns its bytes; the section properties (page, margins, footers) go last.</summary>
    public byte[] ToBytes()
    {
        _body.Append(SectionProperties());
        _package.Dispose();
        return _stream.ToArray();
    }

    public void Dispose()
    {
        _package.Dispose();
        _stream.Dispose();
    }

    public static RunProperties RunProps(string? font = null, double? sizePt = null, string? color = null, bool bold = false)
    {
        var props = new RunProperties();
        if (font is not null)
        {
            props.Append(new RunFonts { Ascii = GongwenFonts.Latin, HighAnsi = GongwenFonts.Latin, EastAsia = font, ComplexScript = GongwenFonts.Latin, Hint = FontTypeHintValues.EastAsia });
        }

        if (bold)
        {
            props.Append(new Bold());
        }

        if (color is not null)
        {
            props.Append(new Color { Val = color });
        }

        if (sizePt is { } s)
        {
            var half = HalfPoints(s);
            props.Append(new FontSize { Val = half }, new FontSizeComplexScript { Val = half });
        }

        return props;
    }

    public static Run Text(string text, RunProperties? props = null)
    {
        var run = new Run();
        if (props is not null)
        {
            run.Append(props);
        }

        run.Append(new Text(text) { Space = SpaceProcessingModeValues.Preserve });
        return run;
    }

    public Paragraph Paragraph(string style, params Run[] runs) => Paragraph(style, null, runs);

    public Paragraph Paragraph(string style, ParagraphProperties? extra, params Run[] runs)
    {
        var props = extra ?? new ParagraphProperties();
        props.PrependChild(new ParagraphStyleId { Val = style });
        var p = new Paragraph(props);
        p.Append(runs);
        _body.Append(p);
        return p;
    }

    public Paragraph Title(string text) => Paragraph(GongwenStyles.Title, Text(text));

    public Paragraph Heading1(string text) => Paragraph(GongwenStyles.Heading1, Text(text));

    public Paragraph Heading2(string text) => Paragraph(GongwenStyles.Heading2, Text(text));

    public Paragraph BodyText(string text) => Paragraph(GongwenStyles.Body, Text(text));

    /// <summary>A paragraph with a red (or black) rule under it across the type area: the 版头 分隔线 or a 版记 line.</summary>
    public static ParagraphBorders Rule(string color, uint eighthsOfPoint, bool top = false)
    {
        var borders = new ParagraphBorders();
        if (top)
        {
            borders.Append(new TopBorder { Val = BorderValues.Single, Size = eighthsOfPoint, Color = color, Space = 1 });
        }
        else
        {
            borders.Append(new BottomBorder { Val = BorderValues.Single, Size = eighthsOfPoint, Color = color, Space = 1 });
        }

        return borders;
    }

    /// <summary>A table across the type area: header row in 黑体, cells in 5号仿宋, single borders.</summary>
    public Table Table(IReadOnlyList<string> header, IReadOnlyList<int> widthsInChars, IEnumerable<IReadOnlyList<Run[]>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(widthsInChars);
        var total = widthsInChars.Sum();
        var widths = widthsInChars.Select(w => GongwenLayout.TextWidth * w / total).ToArray();
        var border = new Func<BorderType, BorderType>(b => { b.Val = BorderValues.Single; b.Size = 4; b.Color = "000000"; return b; });
        var table = new Table(new TableProperties(
            new TableWidth { Width = GongwenLayout.TextWidth.ToString(System.Globalization.CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa },
            new TableJustification { Val = TableRowAlignmentValues.Center },
            new TableBorders(
                border(new TopBorder()), border(new LeftBorder()), border(new BottomBorder()), border(new RightBorder()),
                border(new InsideHorizontalBorder()), border(new InsideVerticalBorder())),
            new TableLayout { Type = TableLayoutValues.Fixed },
            new TableCellMarginDefault(new TopMargin { Width = "0", Type = TableWidthUnitValues.Dxa }, new TableCellLeftMargin { Width = 57, Type = TableWidthValues.Dxa },
                new BottomMargin { Width = "0", Type = TableWidthUnitValues.Dxa }, new TableCellRightMargin { Width = 57, Type = TableWidthValues.Dxa })));
        var grid = new TableGrid();
        foreach (var w in widths)
        {
            grid.Append(new GridColumn { Width = w.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        table.Append(grid);
        table.Append(Row(header.Select(h => new[] { Text(h, RunProps(GongwenFonts.Heading1)) }).ToList(), widths, isHeader: true));
        foreach (var row in rows)
        {
            table.Append(Row(row, widths, isHeader: false));
        }

        _body.Append(table);
        return table;
    }

    private static TableRow Row(IReadOnlyList<Run[]> cells, int[] widths, bool isHeader)
    {
        var row = new TableRow();
        var rowProps = new TableRowProperties(new CantSplit());
        if (isHeader)
        {
            rowProps.Append(new TableHeader());
        }

        row.Append(rowProps);
        for (var i = 0; i < widths.Length; i++)
        {
            var p = new Paragraph(new ParagraphProperties(new ParagraphStyleId { Val = GongwenStyles.Table }, new Justification { Val = JustificationValues.Center }));
            p.Append(i < cells.Count ? cells[i] : []);
            row.Append(new TableCell(
                new TableCellProperties(
                    new TableCellWidth { Width = widths[i].ToString(System.Globalization.CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Dxa },
                    new TableCellVerticalAlignment { Val = TableVerticalAlignmentValues.Center }),
                p));
        }

        return row;
    }

    private static string HalfPoints(double points) => ((int)Math.Round(points * 2)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void AddStyles(MainDocumentPart main)
    {
        var part = main.AddNewPart<StyleDefinitionsPart>();
        static Style ParagraphStyle(string id, string name, RunProperties run, ParagraphProperties paragraph, bool primary = true)
        {
            var style = new Style { Type = StyleValues.Paragraph, StyleId = id };
            style.Append(new StyleName { Val = name }, new BasedOn { Val = "Normal" }, new NextParagraphStyle { Val = GongwenStyles.Body });
            if (primary)
            {
                style.Append(new PrimaryStyle());
            }

            style.Append(new StyleParagraphProperties(paragraph.ChildElements.Select(e => e.CloneNode(true))), new StyleRunProperties(run.ChildElements.Select(e => e.CloneNode(true))));
            return style;
        }

        ParagraphProperties Exact(int line, JustificationValues? justify = null, int? firstLineChars = null, int before = 0, int after = 0)
        {
            var p = new ParagraphProperties(new SpacingBetweenLines
            {
                Line = line.ToString(System.Globalization.CultureInfo.InvariantCulture),
                LineRule = LineSpacingRuleValues.Exact,
                Before = before.ToString(System.Globalization.CultureInfo.InvariantCulture),
                After = after.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            if (firstLineChars is { } chars)
            {
                p.Append(new Indentation { FirstLineChars = chars });
            }

            if (justify is { } j)
            {
                p.Append(new Justification { Val = j });
            }

            return p;
        }

        // Table text and pictures keep their own line height instead of snapping to the 28.95 pt grid of the body.
        static ParagraphProperties Unsnapped(ParagraphProperties p)
        {
            p.PrependChild(new SnapToGrid { Val = false });
            return p;
        }

        var normal = new Style { Type = StyleValues.Paragraph, StyleId = "Normal", Default = true };
        normal.Append(new StyleName { Val = "Normal" }, new PrimaryStyle(),
            new StyleParagraphProperties(new SpacingBetweenLines { Line = GongwenLayout.LinePitch.ToString(System.Globalization.CultureInfo.InvariantCulture), LineRule = LineSpacingRuleValues.Exact, Before = "0", After = "0" },
                new Justification { Val = JustificationValues.Both }),
            new StyleRunProperties(RunProps(GongwenFonts.Body, GongwenLayout.Size3).ChildElements.Select(e => e.CloneNode(true))));

        var styles = new Styles(
            new DocDefaults(
                new RunPropertiesDefault(new RunPropertiesBaseStyle(
                    new RunFonts { Ascii = GongwenFonts.Latin, HighAnsi = GongwenFonts.Latin, EastAsia = GongwenFonts.Body, ComplexScript = GongwenFonts.Latin },
                    new FontSize { Val = HalfPoints(GongwenLayout.Size3) }, new FontSizeComplexScript { Val = HalfPoints(GongwenLayout.Size3) },
                    new Languages { Val = "en-US", EastAsia = "zh-CN" })),
                new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(new SpacingBetweenLines { After = "0", Line = "240", LineRule = LineSpacingRuleValues.Auto }))),
            normal,
            ParagraphStyle(GongwenStyles.Title, "公文标题", RunProps(GongwenFonts.Title, GongwenLayout.Size2), Exact(700, JustificationValues.Center, before: 0, after: GongwenLayout.LinePitch)),
            ParagraphStyle(GongwenStyles.Heading1, "一级标题", RunProps(GongwenFonts.Heading1, GongwenLayout.Size3), Exact(GongwenLayout.LinePitch, firstLineChars: 200)),
            ParagraphStyle(GongwenStyles.Heading2, "二级标题", RunProps(GongwenFonts.Heading2, GongwenLayout.Size3), Exact(GongwenLayout.LinePitch, firstLineChars: 200)),
            ParagraphStyle(GongwenStyles.Body, "公文正文", RunProps(GongwenFonts.Body, GongwenLayout.Size3), Exact(GongwenLayout.LinePitch, firstLineChars: 200)),
            ParagraphStyle(GongwenStyles.Table, "表格文字", RunProps(GongwenFonts.Body, GongwenLayout.Size5), Unsnapped(Exact(380)), primary: false));
        var footer = new Style { Type = StyleValues.Paragraph, StyleId = "Footer" };
        footer.Append(new StyleName { Val = "footer" }, new BasedOn { Val = "Normal" },
            new StyleParagraphProperties(new SpacingBetweenLines { Line = "240", LineRule = LineSpacingRuleValues.Auto }),
            new StyleRunProperties(RunProps(GongwenFonts.Song, GongwenLayout.Size4).ChildElements.Select(e => e.CloneNode(true))));
        styles.Append(footer);
        part.Styles = styles;
    }

    private static void AddFonts(MainDocumentPart main)
    {
        var part = main.AddNewPart<FontTablePart>();
        var fonts = new Fonts();
        foreach (var (name, alt, family) in GongwenFonts.Table)
        {
            // Charset 86 = GB2312: Word and WPS substitute the alternative (or any Chinese font of the family) when the named one is missing.
            fonts.Append(new Font(new AltName { Val = alt }, new FontCharSet { Val = "86" }, new FontFamily { Val = family }, new Pitch { Val = FontPitchValues.Variable }) { Name = name });
        }

        fonts.Append(new Font(new FontCharSet { Val = "00" }, new FontFamily { Val = FontFamilyValues.Roman }, new Pitch { Val = FontPitchValues.Variable }) { Name = GongwenFonts.Latin });
        part.Fonts = fonts;
    }

    private static void AddSettings(MainDocumentPart main)
    {
        var part = main.AddNewPart<DocumentSettingsPart>();

        // Odd and even pages have their own footer: the page number sits on the outside edge.
        part.Settings = new Settings(new DefaultTabStop { Val = 420 }, new EvenAndOddHeaders(), new CharacterSpacingControl { Val = CharacterSpacingValues.CompressPunctuation },
            new Compatibility(new CompatibilitySetting { Name = CompatSettingNameValues.CompatibilityMode, Uri = "http://schemas.microsoft.com/office/word", Val = "15" }));
    }

    private string _oddFooterId = "";
    private string _evenFooterId = "";

    private void AddFooters(MainDocumentPart main)
    {
        // One character (4号, 14 pt = 280 twips) in from the type area's outside edge.
        _oddFooterId = AddFooter(main, JustificationValues.Right, new Indentation { Right = "280" });
        _evenFooterId = AddFooter(main, JustificationValues.Left, new Indentation { Left = "280" });
    }

    private static string AddFooter(MainDocumentPart main, JustificationValues side, Indentation indent)
    {
        var part = main.AddNewPart<FooterPart>();
        var props = RunProps(GongwenFonts.Song, GongwenLayout.Size4);
        var paragraph = new Paragraph(
            new ParagraphProperties(new ParagraphStyleId { Val = "Footer" }, indent, new Justification { Val = side }),
            Text("— ", (RunProperties)props.CloneNode(true)),
            new SimpleField(Text("1", (RunProperties)props.CloneNode(true))) { Instruction = " PAGE " },
            Text(" —", (RunProperties)props.CloneNode(true)));
        part.Footer = new Footer(paragraph);
        return main.GetIdOfPart(part);
    }

    private SectionProperties SectionProperties() => new(
        new FooterReference { Type = HeaderFooterValues.Default, Id = _oddFooterId },
        new FooterReference { Type = HeaderFooterValues.Even, Id = _evenFooterId },
        new PageSize { Width = (uint)GongwenLayout.PageWidth, Height = (uint)GongwenLayout.PageHeight },
        new PageMargin
        {
            Top = GongwenLayout.MarginTop,
            Bottom = GongwenLayout.MarginBottom,
            Left = (uint)GongwenLayout.MarginLeft,
            Right = (uint)GongwenLayout.MarginRight,
            Header = (uint)GongwenLayout.Twips(15),
            Footer = (uint)GongwenLayout.Twips(24),
            Gutter = 0,
        },
        new DocGrid { Type = DocGridValues.Lines, LinePitch = GongwenLayout.LinePitch });
}
