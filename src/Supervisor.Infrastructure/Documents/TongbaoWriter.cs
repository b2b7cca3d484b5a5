using System.Globalization;
using Supervisor.Core;
using DocumentFormat.OpenXml.Wordprocessing;
using Supervisor.Core.Documents;
using Supervisor.Core.Delivery;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Delivery;

namespace Supervisor.Infrastructure.Documents;

/// <summary>The previous released 通报 the 总体情况 compares with.</summary>
public sealed record TongbaoPrevious(string IssueLine, DateOnly AsOf, DigestTotals Totals);

/// <summary>Everything the 通报 prints besides the digest's data: who issues it, its 期号 line, the edited 下步工作要求.</summary>
public sealed record TongbaoContent(
    SupervisionDigest Digest,
    string Issuer,
    string IssueLine,
    string Requirements,
    TongbaoPrevious? Previous,
    OnTimeChart Chart);

/// <summary>
/// The 督查通报 as a Word document in 公文 format: red 版头 with the issue line and the red rule, title, 一、总体情况 (with the
/// change since the previous 通报), 二、单位排名 (table and chart), 三、逾期事项 (by lead unit, longest overdue first),
/// 四、退回/未签收/无法送达, 五、下步工作要求, and the 版记.
/// </summary>
public static class TongbaoWriter
{
    /// <summary>The 通报 lists this many overdue items; the XLSX of the e-mail has them all.</summary>
    public const int OverdueListed = 100;

    public const string Red = "E60012";

    public static string FileName(string issueLine, DateOnly asOf) => $"督查通报{issueLine}（截至{asOf:yyyyMMdd}）.docx";

    public static string Title(SupervisionDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var subject = digest.Plan is { } plan ? $"《{plan}》" : "重点工作任务";
        return digest.Monthly ? $"关于{subject}推进情况的月度通报" : $"关于{subject}推进情况的通报";
    }

    public static byte[] Write(TongbaoContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var d = content.Digest;
        using var doc = new GongwenDocument();
        Masthead(doc, content);
        doc.Title(Title(d));
        doc.Paragraph(GongwenStyles.Heading2, new ParagraphProperties(new Indentation { FirstLineChars = 0 }, new Justification { Val = JustificationValues.Center }),
            GongwenDocument.Text($"（截至{GongwenLayout.Date(d.AsOf)}）"));

        var section = 0;
        doc.Heading1(GongwenLayout.ChineseNumber(++section) + "、总体情况");
        foreach (var text in Overview(content))
        {
            doc.BodyText(text);
        }

        doc.Heading1(GongwenLayout.ChineseNumber(++section) + "、单位排名");
        Ranking(doc, content);

        doc.Heading1(GongwenLayout.ChineseNumber(++section) + "、逾期事项");
        Overdue(doc, d);

        doc.Heading1(GongwenLayout.ChineseNumber(++section) + "、退回、未签收及无法送达情况");
        Undelivered(doc, d);

        doc.Heading1(GongwenLayout.ChineseNumber(++section) + "、下步工作要求");
        foreach (var line in Paragraphs(content.Requirements))
        {
            doc.BodyText(line);
        }

        Colophon(doc, content);
        return doc.ToBytes();
    }

    /// <summary>The text of the office's paragraph split into 公文 paragraphs (blank lines and line breaks both separate).</summary>
    public static IReadOnlyList<string> Paragraphs(string text) =>
        (text ?? "").Split('\n').Select(l => l.Trim().TrimEnd('\r')).Where(l => l.Length > 0).ToList();

    private static void Masthead(GongwenDocument doc, TongbaoContent content)
    {
        // 发文机关标志: red 小标宋, centred; then the 期号, then issuer and date on one line over the red rule.
        doc.Paragraph(GongwenStyles.Title,
            new ParagraphProperties(new SpacingBetweenLines { Line = "240", LineRule = LineSpacingRuleValues.Auto, Before = "0", After = "240" }),
            GongwenDocument.Text("督查通报", GongwenDocument.RunProps(GongwenFonts.Title, GongwenLayout.Size0, Red)));
        doc.Paragraph(GongwenStyles.Body, new ParagraphProperties(new Indentation { FirstLineChars = 0 }, new Justification { Val = JustificationValues.Center }),
            GongwenDocument.Text(content.IssueLine));
        var line = doc.Paragraph(GongwenStyles.Body,
            new ParagraphProperties(
                GongwenDocument.Rule(Red, 18),
                new Tabs(new TabStop { Val = TabStopValues.Right, Position = GongwenLayout.TextWidth }),
                new SpacingBetweenLines { After = (GongwenLayout.LinePitch * 2).ToString(CultureInfo.InvariantCulture) },
                new Indentation { FirstLineChars = 0, FirstLine = "0" }),
            GongwenDocument.Text(content.Issuer));
        line.Append(new Run(new TabChar()), GongwenDocument.Text(GongwenLayout.Date(content.Digest.Date)));
    }

    private static IEnumerable<string> Overview(TongbaoContent content)
    {
        var d = content.Digest;
        var t = d.Totals;
        yield return $"截至{GongwenLayout.Date(d.AsOf)}，纳入督办的重点工作任务共{t.Tasks}项，到期节点{t.Due}个，其中按期完成{t.OnTime}个、逾期完成{t.Late}个、逾期未完成{t.OverdueOpen}个，"
            + $"完成率{RateText.Percent(t.CompletionRate)}，按期完成率{RateText.Percent(t.OnTimeRate)}。";
        var red = d.Ranking.Count(r => r.Rate.Light == Light.Red);
        var yellow = d.Ranking.Count(r => r.Rate.Light == Light.Yellow);
        var green = d.Ranking.Count(r => r.Rate.Light == Light.Green);
        yield return $"参与排名的牵头单位{d.Ranking.Count}个，其中红灯{red}个、黄灯{yellow}个、绿灯{green}个。";
        if (content.Previous is { } p)
        {
            var pt = p.Totals;
            yield return $"与上期（{p.IssueLine}，截至{GongwenLayout.Date(p.AsOf)}）相比，到期节点{Change(t.Due - pt.Due, "个")}，按期完成{Change(t.OnTime - pt.OnTime, "个")}，"
                + $"逾期未完成{Change(t.OverdueOpen - pt.OverdueOpen, "个")}，按期完成率{PointChange(t.OnTimeRate, pt.OnTimeRate)}。";
        }
        else
        {
            yield return "本期为首期通报，暂无上期数据对比。";
        }
    }

    public static string Change(int delta, string unit) => delta switch
    {
        0 => "持平",
        > 0 => $"增加{delta}{unit}",
        _ => $"减少{-delta}{unit}",
    };

    public static string PointChange(double? now, double? before)
    {
        if (now is not { } n || before is not { } b)
        {
            return "无可比数据";
        }

        var points = Math.Round((n - b) * 100, 1);
        return points switch
        {
            0 => "持平",
            > 0 => $"上升{points.ToString("0.0", CultureInfo.InvariantCulture)}个百分点",
            _ => $"下降{(-points).ToString("0.0", CultureInfo.InvariantCulture)}个百分点",
        };
    }

    private static void Ranking(GongwenDocument doc, TongbaoContent content)
    {
        var d = content.Digest;
        var compared = d.ComparedWith is { } c ? $"排名变化与{GongwenLayout.Date(c)}的统计相比" : "暂无上周统计，排名变化记为“—”";
        doc.BodyText($"按按期完成率、完成率、逾期未完成数依次排序（无到期节点的单位不计比率，记为“—”），{compared}。");
        if (d.Ranking.Count == 0)
        {
            doc.BodyText("本期无参与排名的单位。");
            return;
        }

        Run[] Cell(string text, string? color = null) =>
            [GongwenDocument.Text(text, color is null ? null : GongwenDocument.RunProps(GongwenFonts.Body, null, color, bold: true))];
        doc.Table(
            ["排名", "单位", "灯", "应完成", "按期", "逾期完成", "逾期未完成", "按期完成率", "排名变化"],
            [3, 10, 3, 4, 3, 5, 5, 5, 5],
            d.Ranking.Select(r => (IReadOnlyList<Run[]>)
            [
                Cell(r.Rate.Rank.ToString(CultureInfo.InvariantCulture)), Cell(r.Rate.Unit),
                Cell(RateText.LightName(r.Rate.Light), LightColor(r.Rate.Light)),
                Cell(N(r.Rate.Lead.Due)), Cell(N(r.Rate.Lead.OnTime)), Cell(N(r.Rate.Lead.Late)), Cell(N(r.Rate.Lead.OverdueOpen)),
                Cell(RateText.Percent(r.Rate.Lead.OnTimeRate)),
                Cell(SupervisionDigestComposer.RankChange(r.RankChange), r.RankChange switch { > 0 => "2E8B57", < 0 => "C00000", _ => null }),
            ]));

        if (content.Chart.Bars.Count > 0)
        {
            content.Chart.AppendTo(doc, 1);
            doc.Paragraph(GongwenStyles.Table, new ParagraphProperties(new Justification { Val = JustificationValues.Center }),
                GongwenDocument.Text($"图1 各单位按期完成率（红线{content.Chart.RedLine * 100:0}%：低于此线为红灯；黄线{content.Chart.YellowLine * 100:0}%：预警）{content.Chart.Note}"));
        }
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string LightColor(Light light) => light switch
    {
        Light.Red => "C00000",
        Light.Yellow => "B8860B",
        _ => "2E8B57",
    };

    private static void Overdue(GongwenDocument doc, SupervisionDigest d)
    {
        if (d.Overdue.Count == 0)
        {
            doc.BodyText("截至统计日，无逾期未完成事项。");
            return;
        }

        var listed = d.Overdue.Take(OverdueListed).ToList();
        var more = d.Overdue.Count > listed.Count ? $"本通报列出逾期时间最长的{listed.Count}项，其余见附件XLSX" : "逾期时间长者在前";
        doc.BodyText($"截至{GongwenLayout.Date(d.AsOf)}，逾期未完成事项{d.Overdue.Count}项，按牵头单位分列如下（{more}）：");
        var groups = listed
            .GroupBy(o => o.Row.Units.Length == 0 ? "未明确牵头单位" : o.Row.Units, StringComparer.Ordinal)
            .Select(g => (Unit: g.Key, Items: g.OrderByDescending(o => o.CalendarDaysOverdue).ThenBy(o => o.Row.Code, StringComparer.Ordinal).ToList()))
            .OrderByDescending(g => g.Items[0].CalendarDaysOverdue).ThenBy(g => g.Unit, StringComparer.Ordinal)
            .ToList();
        var no = 0;
        foreach (var (unit, items) in groups)
        {
            doc.Heading2($"（{GongwenLayout.ChineseNumber(Math.Min(++no, 99))}）{unit}（{items.Count}项）");
            var i = 0;
            foreach (var o in items)
            {
                var leaders = o.Row.Leaders.Length == 0 ? "" : $"；责任领导：{o.Row.Leaders}";
                doc.BodyText($"{++i}. {o.Row.Code} {o.Row.Task}——{o.Row.Milestone}，完成时限{GongwenLayout.Date(o.Row.DueDate)}，"
                    + $"{Core.Engine.OverdueText.Of(o.WorkingDaysOverdue, o.CalendarDaysOverdue)}{leaders}。");
            }
        }
    }

    private static void Undelivered(GongwenDocument doc, SupervisionDigest d)
    {
        doc.Heading2("（一）无法送达");
        if (d.Unreachable.Count > 0)
        {
            doc.BodyText($"以下{d.Unreachable.Count}个单位目前没有可用的送达渠道，提醒无法送达，请尽快补充联系方式或工作群机器人：");
            var u = 0;
            foreach (var unit in d.Unreachable)
            {
                doc.BodyText($"{++u}. {unit.Name}：{SupervisionDigestComposer.UnreachableReason(unit.Reason)}（涉及{unit.Tasks}项任务）。");
            }
        }

        if (d.Gaps.Count == 0 && d.Unreachable.Count == 0)
        {
            doc.BodyText("近7日各单位、责任领导均有可用联系方式，提醒均已投递。");
        }
        else if (d.Gaps.Count > 0)
        {
            doc.BodyText($"近7日以下{d.Gaps.Count}个单位或责任领导缺少可用联系方式，提醒未能送达，请尽快补充：");
            var i = 0;
            foreach (var g in d.Gaps)
            {
                doc.BodyText($"{++i}. {g.Who}（{(g.IsUnit ? "单位" : "责任领导")}）：{SupervisionDigestComposer.GapReason(g.Reason)}，{g.Reminders}条提醒未能送达。");
            }
        }

        var c = d.Deliveries;
        doc.BodyText(d.Failures.Count == 0
            ? $"近7日投递{c.Attempts}次，成功{c.Sent}次，无投递失败的消息。"
            : $"近7日投递{c.Attempts}次，成功{c.Sent}次，失败{c.Failed}次；以下{d.Failures.Count}条消息投递失败：");
        var n = 0;
        foreach (var f in d.Failures.Take(50))
        {
            var state = f.State == "dead" ? "已放弃" : "重试中";
            doc.BodyText($"{++n}. {f.Owner ?? f.Name ?? ""}（{PhoneMask.Address(f.Address)}，{Labels.Channel(f.Channel)}）：{state}，已尝试{f.Attempts}次。");
        }

        doc.Heading2("（二）退回");
        var returned = SupervisionDigestComposer.ReturnedByApplication(d.Returned);
        if (returned.Count == 0)
        {
            doc.BodyText("截至统计日，无被退回后尚未重新申请办结的事项。");
        }
        else
        {
            doc.BodyText($"以下{returned.Count}项办结申请经督查室审核退回，请责任单位按退回理由整改后重新申请办结：");
            var r = 0;
            foreach (var (item, units) in returned)
            {
                doc.BodyText($"{++r}. {item.TaskCode} {item.TaskTitle}——{item.Milestone}（{units}），完成时限{GongwenLayout.Date(DateOnly.FromDateTime(item.DueDate))}，退回理由：{item.ReturnReason.TrimEnd('。')}。");
            }
        }

        doc.Heading2("（三）未签收");
        if (d.NotSignedFor.Count == 0)
        {
            doc.BodyText("截至统计日，无未签收的任务。");
        }
        else
        {
            doc.BodyText($"以下{d.NotSignedFor.Count}个单位尚有交办任务未签收，请及时签收：");
            var u = 0;
            foreach (var unit in d.NotSignedFor)
            {
                doc.BodyText($"{++u}. {unit.Unit}：{unit.Tasks}项（任务{unit.Codes}{(unit.Tasks > 10 ? "等" : "")}）。");
            }
        }
    }

    private static void Colophon(GongwenDocument doc, TongbaoContent content)
    {
        // 版记: a thin rule, the issuer and the printing date, a thin rule; placed after a blank line.
        doc.BodyText("");
        var line = doc.Paragraph(GongwenStyles.Body,
            new ParagraphProperties(
                new ParagraphBorders(
                    new TopBorder { Val = BorderValues.Single, Size = 8, Color = "000000", Space = 1 },
                    new BottomBorder { Val = BorderValues.Single, Size = 8, Color = "000000", Space = 1 }),
                new Tabs(new TabStop { Val = TabStopValues.Right, Position = GongwenLayout.TextWidth - 280 }),
                new Indentation { FirstLineChars = 0, FirstLine = "0", Left = "280" }),
            GongwenDocument.Text(content.Issuer, GongwenDocument.RunProps(GongwenFonts.Body, GongwenLayout.Size4)));
        line.Append(new Run(new TabChar()), GongwenDocument.Text(GongwenLayout.Date(content.Digest.Date) + "印发", GongwenDocument.RunProps(GongwenFonts.Body, GongwenLayout.Size4)));
    }
}
