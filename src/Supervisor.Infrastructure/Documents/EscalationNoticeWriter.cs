using System.Globalization;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using QRCoder;
using Supervisor.Core.Documents;
using A = DocumentFormat.OpenXml.Drawing;
using DW = DocumentFormat.OpenXml.Drawing.Wordprocessing;
using PIC = DocumentFormat.OpenXml.Drawing.Pictures;

namespace Supervisor.Infrastructure.Documents;

/// <summary>A lead unit the notice goes to, with its signed link (null when no link secret is configured).</summary>
public sealed record NoticeUnit(string Name, string? Link);

/// <summary>What a 督办通知单 says: its number, who it goes to, the overdue item, what to do and by when.</summary>
public sealed record EscalationNotice(
    string Number,
    string Issuer,
    DateOnly Date,
    IReadOnlyList<NoticeUnit> Units,
    string Code,
    string Task,
    string Milestone,
    DateOnly DueDate,
    int CalendarDaysOverdue,
    int WorkingDaysOverdue,
    string Leaders,
    string Requirements,
    DateOnly FeedbackBy,
    int FeedbackWorkingDays);

/// <summary>
/// The 督办通知单 as a Word document in 公文 format: red 版头 "督办通知单" with its number and the red rule, the lead units
/// addressed, the 督办事项 table (task, milestone, due date, days overdue, leaders, 办理要求, 反馈时限) and each unit's
/// signed link as text and QR code.
/// </summary>
public static class EscalationNoticeWriter
{
    public const string NumberPrefix = "督办";

    public static string FileName(EscalationNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return $"督办通知单{notice.Number}.docx";
    }

    public static byte[] Write(EscalationNotice n)
    {
        ArgumentNullException.ThrowIfNull(n);
        using var doc = new GongwenDocument();
        doc.Paragraph(GongwenStyles.Title,
            new ParagraphProperties(new SpacingBetweenLines { Line = "240", LineRule = LineSpacingRuleValues.Auto, Before = "0", After = "240" }),
            GongwenDocument.Text("督办通知单", GongwenDocument.RunProps(GongwenFonts.Title, GongwenLayout.SizeSmall0, TongbaoWriter.Red)));
        var line = doc.Paragraph(GongwenStyles.Body,
            new ParagraphProperties(
                GongwenDocument.Rule(TongbaoWriter.Red, 18),
                new Tabs(new TabStop { Val = TabStopValues.Right, Position = GongwenLayout.TextWidth }),
                new SpacingBetweenLines { After = (GongwenLayout.LinePitch / 2).ToString(CultureInfo.InvariantCulture) },
                new Indentation { FirstLineChars = 0, FirstLine = "0" }),
            GongwenDocument.Text(n.Number));
        line.Append(new Run(new TabChar()), GongwenDocument.Text(GongwenLayout.Date(n.Date)));

        doc.Paragraph(GongwenStyles.Body, new ParagraphProperties(new Indentation { FirstLineChars = 0, FirstLine = "0" }),
            GongwenDocument.Text(string.Join("、", n.Units.Select(u => u.Name)) + "："));
        doc.BodyText($"你单位牵头负责的以下重点工作任务{Core.Engine.OverdueText.Of(n.WorkingDaysOverdue, n.CalendarDaysOverdue)}，经催办仍未办结。根据督查督办工作安排，现予督办。");

        Run[] Label(string text) => [GongwenDocument.Text(text, GongwenDocument.RunProps(GongwenFonts.Heading1))];
        Run[] Value(string text) => [GongwenDocument.Text(text)];
        var rows = new List<IReadOnlyList<Run[]>>
        {
            new[] { Label("督办事项"), Value($"{n.Code} {n.Task}") },
            new[] { Label("时间节点"), Value(n.Milestone) },
            new[] { Label("完成时限"), Value(GongwenLayout.Date(n.DueDate)) },
            new[] { Label("逾期情况"), Value(Core.Engine.OverdueText.Of(n.WorkingDaysOverdue, n.CalendarDaysOverdue)) },
            new[] { Label("责任领导"), Value(n.Leaders.Length == 0 ? "（未明确）" : n.Leaders) },
            new[] { Label("办理要求"), Value(n.Requirements) },
            new[] { Label("反馈时限"), Value($"请于{GongwenLayout.Date(n.FeedbackBy)}前（{n.FeedbackWorkingDays}个工作日内）反馈办理情况") },
        };
        // Each lead unit's signed link as text and as a QR code, in the table the unit works from.
        uint drawing = 1;
        foreach (var unit in n.Units)
        {
            var label = n.Units.Count == 1 ? "办理链接" : unit.Name + "办理链接";
            rows.Add(unit.Link is null
                ? new[] { Label(label), Value($"请登录督查督办系统或联系{n.Issuer}获取办理链接") }
                : new[]
                {
                    // The QR code under the label keeps the row short enough for the notice to stay on one page.
                    [.. Label(label), new Run(new Break()), Image(doc.Main, Qr(unit.Link), 22, drawing++, unit.Name + "办理二维码")],
                    new[]
                    {
                        GongwenDocument.Text("签收、报送进展、办结、申请延期，请打开以下链接或扫描左侧二维码："), new Run(new Break()),
                        GongwenDocument.Text(unit.Link),
                    },
                });
        }

        var table = doc.Table(["项目", "内容"], [4, 17], rows);

        // Left-align the long texts of the second column.
        foreach (var cell in table.Elements<TableRow>().Skip(1).Select(r => r.Elements<TableCell>().ElementAt(1)))
        {
            cell.GetFirstChild<Paragraph>()!.ParagraphProperties!.Justification!.Val = JustificationValues.Left;
        }

        foreach (var paragraph in table.Descendants<Paragraph>().Where(p => p.Descendants<Drawing>().Any()))
        {
            // Exact line spacing would clip the QR code to one line's height.
            paragraph.ParagraphProperties!.SpacingBetweenLines = new SpacingBetweenLines { Line = "240", LineRule = LineSpacingRuleValues.Auto };
        }

        // 落款: the issuer and the date, right-aligned four characters in, one line below the table.
        doc.Paragraph(GongwenStyles.Body, new ParagraphProperties(
                new SpacingBetweenLines { Before = (GongwenLayout.LinePitch / 2).ToString(CultureInfo.InvariantCulture) },
                new Indentation { FirstLineChars = 0, FirstLine = "0", Right = "640" }, new Justification { Val = JustificationValues.Right }),
            GongwenDocument.Text(n.Issuer));
        doc.Paragraph(GongwenStyles.Body, new ParagraphProperties(new Indentation { FirstLineChars = 0, FirstLine = "0", Right = "640" }, new Justification { Val = JustificationValues.Right }),
            GongwenDocument.Text(GongwenLayout.Date(n.Date)));
        return doc.ToBytes();
    }

    /// <summary>A QR code of <paramref name="text"/> as PNG (error correction M, a quiet zone of four modules).</summary>
    public static byte[] Qr(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(8);
    }

    /// <summary>An inline PNG <paramref name="millimetres"/> square.</summary>
    public static Run Image(MainDocumentPart main, byte[] png, int millimetres, uint id, string name)
    {
        ArgumentNullException.ThrowIfNull(main);
        var part = main.AddImagePart(ImagePartType.Png);
        using (var stream = new MemoryStream(png))
        {
            part.FeedData(stream);
        }

        var relationship = main.GetIdOfPart(part);
        long size = millimetres * 36000L;
        var picture = new PIC.Picture(
            new PIC.NonVisualPictureProperties(new PIC.NonVisualDrawingProperties { Id = id, Name = name }, new PIC.NonVisualPictureDrawingProperties()),
            new PIC.BlipFill(new A.Blip { Embed = relationship }, new A.Stretch(new A.FillRectangle())),
            new PIC.ShapeProperties(
                new A.Transform2D(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = size, Cy = size }),
                new A.PresetGeometry(new A.AdjustValueList()) { Preset = A.ShapeTypeValues.Rectangle }));
        var inline = new DW.Inline(
            new DW.Extent { Cx = size, Cy = size },
            new DW.EffectExtent { LeftEdge = 0, TopEdge = 0, RightEdge = 0, BottomEdge = 0 },
            new DW.DocProperties { Id = id + 100, Name = name },
            new DW.NonVisualGraphicFrameDrawingProperties(new A.GraphicFrameLocks { NoChangeAspect = true }),
            new A.Graphic(new A.GraphicData(picture) { Uri = "http://schemas.openxmlformats.org/drawingml/2006/picture" }))
        { DistanceFromTop = 0, DistanceFromBottom = 0, DistanceFromLeft = 0, DistanceFromRight = 0 };
        return new Run(new Drawing(inline));
    }
}
