using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using Supervisor.Infrastructure.Excel;
using A = DocumentFormat.OpenXml.Drawing;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using DW = DocumentFormat.OpenXml.Drawing.Wordprocessing;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Supervisor.Infrastructure.Documents;

/// <summary>
/// On-time rates by unit, highest first, with the red line (a unit under it is red) and the yellow warning line. Units
/// with nothing due have no rate and no bar. At most <see cref="MaxBars"/> bars: beyond that the lowest rates are kept
/// (the units the office has to look at), and <see cref="Omitted"/> says how many were left out.
/// </summary>
public sealed record OnTimeChart(string Title, IReadOnlyList<(string Unit, double Rate)> Bars, double RedLine, double YellowLine, int Omitted)
{
    public const int MaxBars = 40;

    public static OnTimeChart Create(string title, IEnumerable<(string Unit, double? Rate)> units, double redLine, double yellowLine)
    {
        ArgumentNullException.ThrowIfNull(units);
        var rated = units.Where(u => u.Rate is not null).Select(u => (u.Unit, Rate: u.Rate!.Value))
            .OrderByDescending(u => u.Rate).ThenBy(u => u.Unit, StringComparer.Ordinal).ToList();
        var omitted = Math.Max(0, rated.Count - MaxBars);
        return new OnTimeChart(title, rated.Skip(omitted).ToList(), redLine, yellowLine, omitted);
    }

    /// <summary>The band a rate falls in: under the red line red, under the yellow line yellow, else green.</summary>
    public string BarColor(double rate) => rate < RedLine ? "C00000" : rate < YellowLine ? "E0A800" : "2E8B57";

    public string Note => Omitted == 0 ? "" : $"（另有{Omitted}个单位按期完成率较高，未列入图中）";

    /// <summary>A PNG of the chart for the e-mail (ScottPlot, the CJK font installed on the machine).</summary>
    public byte[] ToPng(int width = 1000, int height = 520)
    {
        var plot = new ScottPlot.Plot();
        plot.Font.Set(ScottPlot.Fonts.Detect("按期完成率"));
        var bars = Bars.Select((b, i) => new ScottPlot.Bar
        {
            Position = i,
            Value = Math.Round(b.Rate * 100, 1),
            FillColor = ScottPlot.Color.FromHex("#" + BarColor(b.Rate)),
            LineWidth = 0,
            Label = (b.Rate * 100).ToString("0.0", CultureInfo.InvariantCulture),
        }).ToList();
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 11;
        Line(plot, RedLine, "#C00000", $"红线 {RedLine * 100:0}%");
        Line(plot, YellowLine, "#E0A800", $"黄线 {YellowLine * 100:0}%");
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var i = 0; i < Bars.Count; i++)
        {
            ticks.AddMajor(i, Bars[i].Unit);
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.TickLabelStyle.Rotation = Bars.Count > 8 ? -45 : 0;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Bars.Count > 8 ? ScottPlot.Alignment.MiddleRight : ScottPlot.Alignment.UpperCenter;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.Label.Text = "按期完成率（%）";
        plot.Axes.SetLimits(-0.6, Math.Max(Bars.Count, 1) - 0.4, 0, 110);
        plot.Title(Title + Note);
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        return plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
    }

    private static void Line(ScottPlot.Plot plot, double rate, string color, string text)
    {
        var line = plot.Add.HorizontalLine(rate * 100);
        line.Color = ScottPlot.Color.FromHex(color);
        line.LineWidth = 2;
        line.LinePattern = ScottPlot.LinePattern.Dashed;
        line.Text = text;
        line.LabelFontColor = ScottPlot.Colors.White;
        line.LabelBackgroundColor = ScottPlot.Color.FromHex(color);
    }

    /// <summary>
    /// Appends the chart to the document as a native Word chart (a chart part with its data in an embedded workbook), so
    /// the office can restyle it or edit its numbers in Word or WPS: one clustered column series coloured per bar by
    /// band, and the two lines as line series over the same axes.
    /// </summary>
    public W.Paragraph AppendTo(GongwenDocument document, uint drawingId)
    {
        ArgumentNullException.ThrowIfNull(document);
        var main = document.Main;
        var chartPart = main.AddNewPart<ChartPart>();
        var embedded = chartPart.AddEmbeddedPackagePart(EmbeddedPackagePartType.Xlsx);
        const string sheet = "数据";
        using (var data = new MemoryStream(XlsxWriter.ToBytes([new XlsxSheet(sheet, ["单位", "按期完成率(%)", "红线(%)", "黄线(%)"],
            Bars.Select(b => (IReadOnlyList<object?>)[b.Unit, Percent(b.Rate), Percent(RedLine), Percent(YellowLine)]))])))
        {
            embedded.FeedData(data);
        }

        var n = Bars.Count;
        string Range(char column) => $"'{sheet}'!${column}$2:${column}${n + 1}";
        string Header(char column) => $"'{sheet}'!${column}$1";
        C.CategoryAxisData Categories() => new(new C.StringReference(new C.Formula(Range('A')), Cache(Bars.Select(b => b.Unit))));

        var bar = new C.BarChart(
            new C.BarDirection { Val = C.BarDirectionValues.Column },
            new C.BarGrouping { Val = C.BarGroupingValues.Clustered },
            new C.VaryColors { Val = false });
        var series = new C.BarChartSeries(
            new C.Index { Val = 0 }, new C.Order { Val = 0 },
            new C.SeriesText(new C.StringReference(new C.Formula(Header('B')), Cache(["按期完成率(%)"]))),
            Fill("2E8B57"),
            new C.InvertIfNegative { Val = false });
        for (var i = 0; i < n; i++)
        {
            series.Append(new C.DataPoint(new C.Index { Val = (uint)i }, new C.InvertIfNegative { Val = false }, new C.Bubble3D { Val = false }, Fill(BarColor(Bars[i].Rate))));
        }

        series.Append(
            new C.DataLabels(
                new C.NumberingFormat { FormatCode = "0.0", SourceLinked = false },
                TextProperties(900),
                new C.ShowLegendKey { Val = false }, new C.ShowValue { Val = true }, new C.ShowCategoryName { Val = false },
                new C.ShowSeriesName { Val = false }, new C.ShowPercent { Val = false }, new C.ShowBubbleSize { Val = false }),
            Categories(),
            new C.Values(new C.NumberReference(new C.Formula(Range('B')), NumberCache(Bars.Select(b => Percent(b.Rate))))));
        bar.Append(series, new C.GapWidth { Val = 60 }, new C.AxisId { Val = 1 }, new C.AxisId { Val = 2 });

        var lines = new C.LineChart(new C.Grouping { Val = C.GroupingValues.Standard }, new C.VaryColors { Val = false });
        uint index = 1;
        foreach (var (column, name, rate, color) in new[] { ('C', "红线(%)", RedLine, "C00000"), ('D', "黄线(%)", YellowLine, "E0A800") })
        {
            lines.Append(new C.LineChartSeries(
                new C.Index { Val = index }, new C.Order { Val = index },
                new C.SeriesText(new C.StringReference(new C.Formula(Header(column)), Cache([name]))),
                new C.ChartShapeProperties(new A.Outline(new A.SolidFill(new A.RgbColorModelHex { Val = color }), new A.PresetDash { Val = A.PresetLineDashValues.Dash }) { Width = 22225 }),
                new C.Marker(new C.Symbol { Val = C.MarkerStyleValues.None }),
                Categories(),
                new C.Values(new C.NumberReference(new C.Formula(Range(column)), NumberCache(Enumerable.Repeat(Percent(rate), n)))),
                new C.Smooth { Val = false }));
            index++;
        }

        lines.Append(new C.ShowMarker { Val = false }, new C.AxisId { Val = 1 }, new C.AxisId { Val = 2 });

        var categoryAxis = new C.CategoryAxis(
            new C.AxisId { Val = 1 }, new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }), new C.Delete { Val = false },
            new C.AxisPosition { Val = C.AxisPositionValues.Bottom }, new C.NumberingFormat { FormatCode = "General", SourceLinked = false },
            new C.MajorTickMark { Val = C.TickMarkValues.None }, new C.MinorTickMark { Val = C.TickMarkValues.None },
            new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo }, TextProperties(1000, rotate: n > 8 ? -2700000 : 0),
            new C.CrossingAxis { Val = 2 }, new C.Crosses { Val = C.CrossesValues.AutoZero }, new C.AutoLabeled { Val = true },
            new C.LabelAlignment { Val = C.LabelAlignmentValues.Center }, new C.LabelOffset { Val = 100 }, new C.NoMultiLevelLabels { Val = false });
        var valueAxis = new C.ValueAxis(
            new C.AxisId { Val = 2 }, new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }, new C.MaxAxisValue { Val = 100 }, new C.MinAxisValue { Val = 0 }),
            new C.Delete { Val = false }, new C.AxisPosition { Val = C.AxisPositionValues.Left },
            new C.MajorGridlines(new C.ChartShapeProperties(new A.Outline(new A.SolidFill(new A.RgbColorModelHex { Val = "D9D9D9" })) { Width = 6350 })),
            new C.Title(RichText("按期完成率（%）", 1000), new C.Overlay { Val = false }),
            new C.NumberingFormat { FormatCode = "0", SourceLinked = false },
            new C.MajorTickMark { Val = C.TickMarkValues.Outside }, new C.MinorTickMark { Val = C.TickMarkValues.None },
            new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo }, TextProperties(1000),
            new C.CrossingAxis { Val = 1 }, new C.Crosses { Val = C.CrossesValues.AutoZero },
            new C.CrossBetween { Val = C.CrossBetweenValues.Between }, new C.MajorUnit { Val = 20 });

        chartPart.ChartSpace = new C.ChartSpace(
            new C.EditingLanguage { Val = "zh-CN" },
            new C.RoundedCorners { Val = false },
            new C.Chart(
                new C.Title(RichText(Title, 1400), new C.Overlay { Val = false }),
                new C.AutoTitleDeleted { Val = false },
                new C.PlotArea(new C.Layout(), bar, lines, categoryAxis, valueAxis),
                new C.Legend(new C.LegendPosition { Val = C.LegendPositionValues.Bottom }, new C.Overlay { Val = false }, TextProperties(1000)),
                new C.PlotVisibleOnly { Val = true },
                new C.DisplayBlanksAs { Val = C.DisplayBlanksAsValues.Gap }),
            TextProperties(1000),
            new C.ExternalData(new C.AutoUpdate { Val = false }) { Id = chartPart.GetIdOfPart(embedded) });

        // 156 mm wide (the type area), 95 mm high; EMU = 36,000 per millimetre.
        const long width = 156L * 36000, height = 95L * 36000;
        var inline = new DW.Inline(
            new DW.Extent { Cx = width, Cy = height },
            new DW.EffectExtent { LeftEdge = 0, TopEdge = 0, RightEdge = 0, BottomEdge = 0 },
            new DW.DocProperties { Id = drawingId, Name = "按期完成率图" + drawingId.ToString(CultureInfo.InvariantCulture), Description = Title },
            new DW.NonVisualGraphicFrameDrawingProperties(),
            new A.Graphic(new A.GraphicData(new C.ChartReference { Id = main.GetIdOfPart(chartPart) }) { Uri = "http://schemas.openxmlformats.org/drawingml/2006/chart" }))
        { DistanceFromTop = 0, DistanceFromBottom = 0, DistanceFromLeft = 0, DistanceFromRight = 0 };
        return document.Paragraph(GongwenStyles.Table,
            new W.ParagraphProperties(new W.SpacingBetweenLines { Line = "240", LineRule = W.LineSpacingRuleValues.Auto }, new W.Justification { Val = W.JustificationValues.Center }),
            new W.Run(new W.Drawing(inline)));
    }

    private static double Percent(double rate) => Math.Round(rate * 100, 1);

    private static C.ChartShapeProperties Fill(string color) => new(new A.SolidFill(new A.RgbColorModelHex { Val = color }));

    private static C.StringCache Cache(IEnumerable<string> values)
    {
        var list = values.ToList();
        var cache = new C.StringCache(new C.PointCount { Val = (uint)list.Count });
        for (var i = 0; i < list.Count; i++)
        {
            cache.Append(new C.StringPoint(new C.NumericValue(list[i])) { Index = (uint)i });
        }

        return cache;
    }

    private static C.NumberingCache NumberCache(IEnumerable<double> values)
    {
        var list = values.ToList();
        var cache = new C.NumberingCache(new C.FormatCode("0.0"), new C.PointCount { Val = (uint)list.Count });
        for (var i = 0; i < list.Count; i++)
        {
            cache.Append(new C.NumericPoint(new C.NumericValue(list[i].ToString("0.0", CultureInfo.InvariantCulture))) { Index = (uint)i });
        }

        return cache;
    }

    private static A.ListStyle ListStyle() => new();

    private static A.RunProperties Latin(int size) => new(
        new A.LatinFont { Typeface = GongwenFonts.Latin }, new A.EastAsianFont { Typeface = GongwenFonts.Heading1 })
    { Language = "zh-CN", FontSize = size };

    private static C.TextProperties TextProperties(int size, int rotate = 0) => new(
        new A.BodyProperties { Rotation = rotate, Vertical = A.TextVerticalValues.Horizontal },
        ListStyle(),
        new A.Paragraph(new A.ParagraphProperties(new A.DefaultRunProperties(
            new A.LatinFont { Typeface = GongwenFonts.Latin }, new A.EastAsianFont { Typeface = GongwenFonts.Heading1 })
        { FontSize = size }), new A.EndParagraphRunProperties { Language = "zh-CN" }));

    private static C.ChartText RichText(string text, int size) => new(new C.RichText(
        new A.BodyProperties(),
        ListStyle(),
        new A.Paragraph(new A.ParagraphProperties(new A.DefaultRunProperties { FontSize = size }), new A.Run(Latin(size), new A.Text(text)))));
}
