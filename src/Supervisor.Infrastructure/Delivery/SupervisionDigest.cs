using System.Globalization;
using Supervisor.Core;
using Microsoft.Extensions.Options;
using Supervisor.Core.Calendar;
using Supervisor.Core.Delivery;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Excel;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Infrastructure.Delivery.Email;

namespace Supervisor.Infrastructure.Delivery;

/// <summary>A unit's place in the ranking and where it stood in the snapshot compared with (null: no row then).</summary>
public sealed record DigestRank(UnitRate Rate, DigestSnapshotRow? Previous)
{
    /// <summary>Places gained since the snapshot (positive = up); null without one.</summary>
    public int? RankChange => Previous is null ? null : Previous.Rank - Rate.Rank;

    /// <summary>On-time rate change in percentage points; null when either rate is missing.</summary>
    public double? OnTimeRateChange => Previous?.OnTimeRate is { } before && Rate.Lead.OnTimeRate is { } now ? (now - before) * 100 : null;
}

/// <summary>An overdue open item as it stands on the digest's day.</summary>
public sealed record DigestOverdueItem(DigestOverdueRow Row, int CalendarDaysOverdue, int WorkingDaysOverdue);

/// <summary>
/// The office's 督查通报 as of the end of <see cref="AsOf"/> (the day before it is sent, <see cref="Date"/>): totals, unit
/// ranking with the change since the snapshot about a week earlier, overdue items longest first, units and leaders
/// without usable contacts and failed deliveries of the seven days before <see cref="GeneratedAt"/>.
/// </summary>
public sealed record SupervisionDigest(
    DateOnly Date,
    DateOnly AsOf,
    bool Monthly,
    DateTimeOffset GeneratedAt,
    DigestTotals Totals,
    DateOnly? ComparedWith,
    IReadOnlyList<DigestRank> Ranking,
    IReadOnlyList<DigestOverdueItem> Overdue,
    IReadOnlyList<DigestGapRow> Gaps,
    IReadOnlyList<DigestFailureRow> Failures,
    DigestDeliveryCounts Deliveries)
{
    /// <summary>How many of the longest-overdue items the mail lists; the attachment has them all.</summary>
    public const int OverdueShown = 20;

    /// <summary>
    /// Units on a task that no channel reaches as the digest is made (no contact and no group robot, or every message of
    /// the week dead), besides those already in <see cref="Gaps"/>: said before a reminder finds nobody, not after.
    /// </summary>
    public IReadOnlyList<UnreachableUnit> Unreachable { get; init; } = [];

    /// <summary>The plan the figures are of ("2026 民生实事"), null for every plan: named in the title and the attachment.</summary>
    public string? Plan { get; init; }

    /// <summary>Milestones whose 办结 application the office returned (退回) and which are still open, one row per lead unit.</summary>
    public IReadOnlyList<ReturnedItem> Returned { get; init; } = [];

    /// <summary>未签收: units with tasks (with an open milestone) they have not signed for, most first.</summary>
    public IReadOnlyList<UnsignedUnit> NotSignedFor { get; init; } = [];
}

/// <summary>What goes into the outbox: subject, plain text, HTML, and the XLSX with the full tables.</summary>
public sealed record RenderedDigest(string Subject, string Text, string Html, string AttachmentName, byte[] Attachment);

/// <summary>Builds and renders the 督查通报 (supervision-digest, <c>supervisor digest</c>); Documents/TongbaoService numbers and queues it.</summary>
public sealed class SupervisionDigestComposer(
    SupervisionDigestStore store,
    ReachabilityStore reachability,
    SupervisionEngine engine,
    CalendarStore calendars,
    TemplateSet templates,
    IOptions<SmtpOptions> smtp,
    TimeZoneInfo zone,
    ReviewStore reviews,
    AcknowledgementQueries acknowledgements)
{
    public const string Kind = "supervision_digest";
    public const string TemplateName = "supervision-digest";

    /// <summary>"Last week" is the snapshot 7 days before the digest's date, or the latest within 7 days before that.</summary>
    public static readonly int CompareDays = 7;

    public Task<SupervisionDigest> BuildAsync(DateTimeOffset at, CancellationToken ct) => BuildAsync(at, null, ct);

    /// <summary>
    /// With <paramref name="plan"/>, totals, ranking, overdue items, gaps, unreachable units, 退回 and 未签收 are of that
    /// plan's tasks only, delivery failures and counts those of the plan's units and leaders (and the office's own), and
    /// there is no week-on-week comparison (the daily snapshots are over every plan).
    /// </summary>
    public async Task<SupervisionDigest> BuildAsync(DateTimeOffset at, (long Id, string Name)? plan, CancellationToken ct)
    {
        var date = engine.LocalDate(at);
        var asOf = date.AddDays(-1);
        var endOfDay = RatesStore.EndOfDay(asOf, zone);
        var calendar = await calendars.LoadAsync(ct);
        var planId = plan?.Id;
        var totals = await store.TotalsAsync(asOf, endOfDay, zone, planId, ct);
        var rates = await engine.RatesAsync(asOf, planId, ct);
        var (comparedWith, snapshot) = planId is null
            ? await store.SnapshotAsync(asOf.AddDays(-CompareDays), asOf.AddDays(-2 * CompareDays), ct)
            : (null, []);
        var previous = snapshot.ToDictionary(s => s.UnitId);
        var overdue = (await store.OverdueAsync(asOf, endOfDay, planId, ct))
            .Select(r =>
            {
                var standing = MilestoneClassifier.Classify(r.DueDate, done: false, date, calendar, 0);
                return new DigestOverdueItem(r, standing.CalendarDaysOverdue, standing.WorkingDaysOverdue);
            })
            .OrderByDescending(o => o.CalendarDaysOverdue).ThenByDescending(o => o.WorkingDaysOverdue).ThenBy(o => o.Row.Code, StringComparer.Ordinal).ThenBy(o => o.Row.MilestoneId)
            .ToList();
        var from = at - TimeSpan.FromDays(7);
        var gaps = await store.GapsAsync(from, at, planId, ct);
        var (failures, deliveries) = await store.FailuresAsync(from, at, planId, ct);
        failures = failures.Select(f => f with { CreatedAt = TimeZoneInfo.ConvertTime(f.CreatedAt, zone) }).ToList();
        var monthly = WorkingDayRule.FirstWorkingDayOfMonth.Allows(calendar, date);
        var gapUnits = gaps.Where(g => g.IsUnit).Select(g => g.Who).ToHashSet(StringComparer.Ordinal);
        // A plan's 通报 speaks of that plan only: its reminders' gaps, its units no channel reaches (its tasks counted),
        // its 退回 items and its 未签收 tasks.
        var unreachable = (await reachability.UnreachableUnitsAsync(from, at, planId, ct)).Where(u => !gapUnits.Contains(u.Name)).DistinctBy(u => u.Id).ToList();

        return new SupervisionDigest(date, asOf, monthly, at, totals, comparedWith,
            rates.Select(r => new DigestRank(r, previous.GetValueOrDefault(r.UnitId))).ToList(), overdue, gaps, failures, deliveries)
        {
            Unreachable = unreachable,
            Plan = plan?.Name,
            Returned = await reviews.ReturnedAsync(null, planId, ct),
            NotSignedFor = await acknowledgements.UnsignedByUnitAsync(planId, ct),
        };
    }

    public RenderedDigest Render(SupervisionDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var values = Values(digest, smtp.Value.FromName);
        return new RenderedDigest(
            templates.LoadOne(TemplateName + ".subject.txt", html: false).Render(values).Trim(),
            templates.LoadOne(TemplateName + ".txt", html: false).Render(values),
            templates.LoadOne(TemplateName + ".html", html: true).Render(values),
            AttachmentName(digest),
            XlsxWriter.ToBytes(Sheets(digest)));
    }

    /// <summary>How many of the longest-overdue items the office group's post lists.</summary>
    public const int OverdueInPost = 5;

    /// <summary>
    /// The post for the office's own work group (supervision-digest.md): the key figures, the red units, the longest
    /// overdue items, the units no channel reaches, and the link to the issue in the console. Text from the plan or the
    /// directory is escaped; items are dropped from the end until the post fits the platforms' 4,096 bytes.
    /// </summary>
    public string Markdown(SupervisionDigest digest, string issueLine, string link)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var template = templates.LoadOne(TemplateName + ".md", html: false);
        var red = digest.Ranking.Where(r => r.Rate.Light == Light.Red).Select(r => MessageComposer.Markdown(r.Rate.Unit)).ToList();
        var unreachable = digest.Gaps.Where(g => g.IsUnit).Select(g => g.Who).Concat(digest.Unreachable.Select(u => u.Name)).Distinct(StringComparer.Ordinal)
            .Select(MessageComposer.Markdown).ToList();
        static string Names(List<string> names, int max) => names.Count == 0 ? "无" : string.Join("、", names.Take(max)) + (names.Count > max ? $"等{names.Count}个" : "");
        string Render(int shown, int names) => template.Render(new Dictionary<string, object?>(Totals(digest), StringComparer.Ordinal)
        {
            ["office"] = MessageComposer.Markdown(smtp.Value.FromName),
            ["issueLine"] = MessageComposer.Markdown(issueLine),
            ["redCount"] = red.Count,
            ["redUnits"] = Names(red, names),
            ["overdueTotal"] = digest.Overdue.Count,
            ["noOverdue"] = digest.Overdue.Count == 0 ? "无。" : "",
            ["overdueTop"] = digest.Overdue.Take(shown).Select(o => Item(
                ("code", MessageComposer.Markdown(o.Row.Code)), ("task", MessageComposer.Markdown(Core.Delivery.SmsTemplates.Cut(o.Row.Task, 40))),
                ("milestone", MessageComposer.Markdown(Core.Delivery.SmsTemplates.Cut(o.Row.Milestone, 30))), ("days", o.CalendarDaysOverdue), ("overdueText", Core.Engine.OverdueText.Of(o.WorkingDaysOverdue, o.CalendarDaysOverdue)),
                ("units", MessageComposer.Markdown(Core.Delivery.SmsTemplates.Cut(Or(o.Row.Units), 30))))).ToList(),
            ["moreOverdue"] = digest.Overdue.Count > shown ? $"……另有{digest.Overdue.Count - shown}项，见通报附件。\n" : "",
            ["unreachableCount"] = unreachable.Count,
            ["unreachableUnits"] = Names(unreachable, names),
            ["link"] = link,
        }).Trim();

        // Shorter until it fits: fewer names (down to 5), then fewer items (down to 1), then fewer names, then no item.
        var most = Math.Min(OverdueInPost, digest.Overdue.Count);
        IEnumerable<(int Shown, int Names)> Sizes() =>
            Enumerable.Range(5, 6).Reverse().Select(n => (most, n))
                .Concat(Enumerable.Range(1, Math.Max(0, most - 1)).Reverse().Select(i => (i, 5)))
                .Concat(Enumerable.Range(1, 4).Reverse().Select(n => (Math.Min(1, most), n)))
                .Append((0, 1));
        var body = "";
        foreach (var (shown, names) in Sizes())
        {
            body = Render(shown, names);
            if (System.Text.Encoding.UTF8.GetByteCount(body) <= Robots.RobotSender.MaxMarkdownBytes)
            {
                break;
            }
        }

        return body;
    }

    /// <summary>The office's SMS of the digest: the gateway's free text (supervision-digest.sms.txt) and the Digest template's variables.</summary>
    public (string Text, Dictionary<string, string> Variables) Sms(SupervisionDigest digest, string signName)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["date"] = digest.Date.ToString("M月d日", CultureInfo.InvariantCulture),
            ["overdue"] = digest.Totals.OverdueOpen.ToString(CultureInfo.InvariantCulture),
            ["rate"] = RateText.Percent(digest.Totals.OnTimeRate),
        };
        var text = templates.LoadOne(TemplateName + ".sms.txt", html: false).Render(new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["sign"] = signName,
            ["date"] = variables["date"],
            ["overdue"] = variables["overdue"],
            ["rate"] = variables["rate"],
        }).Trim();
        return (SmsText.Fit(text), variables);
    }

    public static string AttachmentName(SupervisionDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return $"督查通报{digest.AsOf:yyyyMMdd}.xlsx";
    }

    private static string Day(DateOnly date) => date.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);

    public static string RankChange(int? change) => change switch
    {
        null => "—",
        0 => "持平",
        > 0 => $"↑{change}",
        _ => $"↓{-change}",
    };

    public static string RateChange(double? points) => points switch
    {
        null => "—",
        { } p when Math.Abs(p) < 0.05 => "持平",
        { } p => p.ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "个百分点",
    };

    private static string LightColor(Light light) => light switch
    {
        Light.Red => "#c00000",
        Light.Yellow => "#b8860b",
        _ => "#008000",
    };


    // A robot's address is its webhook URL, which holds its key: the 通报 shows it masked.
    private static string Recipient(string channel, string address) => Channels.IsRobot(channel) ? SecretMask.Url(address) : PhoneMask.Address(address);

    private static string KindName(string kind) => kind switch
    {
        MessageComposer.UnitDigest => "单位提醒",
        MessageComposer.Escalation => "督办",
        Kind => "督查通报",
        _ => "通知",
    };

    private static string StateName(string state) => state == "dead" ? "已放弃" : "重试中";

    /// <summary>The period and its totals, as every form of the 通报 (HTML, markdown, SMS) names them.</summary>
    private static Dictionary<string, object?> Totals(SupervisionDigest d) => new(StringComparer.Ordinal)
    {
        ["date"] = Day(d.Date),
        ["asOf"] = Day(d.AsOf),
        ["period"] = d.Monthly ? "月度" : "每周",
        ["tasks"] = d.Totals.Tasks,
        ["due"] = d.Totals.Due,
        ["onTime"] = d.Totals.OnTime,
        ["late"] = d.Totals.Late,
        ["overdue"] = d.Totals.OverdueOpen,
        ["completionRate"] = RateText.Percent(d.Totals.CompletionRate),
        ["onTimeRate"] = RateText.Percent(d.Totals.OnTimeRate),
    };

    private static Dictionary<string, object?> Values(SupervisionDigest d, string officeName)
    {
        var shown = d.Overdue.Take(SupervisionDigest.OverdueShown).ToList();
        return new Dictionary<string, object?>(Totals(d), StringComparer.Ordinal)
        {
            ["office"] = officeName,
            ["comparedWith"] = d.ComparedWith is { } c ? Day(c) : "上周（无快照，变化记为“—”）",
            ["ranking"] = d.Ranking.Select(r => Item(
                ("rank", r.Rate.Rank), ("unit", r.Rate.Unit), ("light", RateText.LightName(r.Rate.Light)), ("lightColor", LightColor(r.Rate.Light)),
                ("due", r.Rate.Lead.Due), ("onTime", r.Rate.Lead.OnTime), ("late", r.Rate.Lead.Late), ("overdue", r.Rate.Lead.OverdueOpen),
                ("onTimeRate", RateText.Percent(r.Rate.Lead.OnTimeRate)), ("rankChange", RankChange(r.RankChange)), ("rateChange", RateChange(r.OnTimeRateChange)))).ToList(),
            ["overdueShown"] = shown.Count,
            ["overdueTotal"] = d.Overdue.Count,
            ["noOverdue"] = d.Overdue.Count == 0 ? "无逾期未完成事项。" : "",
            ["overdueItems"] = shown.Select((o, i) => Item(
                ("no", i + 1), ("code", o.Row.Code), ("task", o.Row.Task), ("milestone", o.Row.Milestone),
                ("dueDate", o.Row.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("days", o.CalendarDaysOverdue), ("workingDays", o.WorkingDaysOverdue),
                ("overdueText", Core.Engine.OverdueText.Of(o.WorkingDaysOverdue, o.CalendarDaysOverdue)),
                ("units", Or(o.Row.Units)), ("leaders", Or(o.Row.Leaders)))).ToList(),
            ["noGaps"] = d.Gaps.Count == 0 && d.Unreachable.Count == 0 ? "无。" : "",
            ["unreachable"] = d.Unreachable.Select(u => Item(("unit", u.Name), ("reason", UnreachableReason(u.Reason)), ("tasks", u.Tasks))).ToList(),
            ["gaps"] = d.Gaps.Select(g => Item(("who", g.Who), ("whoKind", g.IsUnit ? "单位" : "责任领导"), ("reason", GapReason(g.Reason)), ("reminders", g.Reminders))).ToList(),
            ["noUnsigned"] = d.NotSignedFor.Count == 0 ? "无。" : "",
            ["unsigned"] = d.NotSignedFor.Select(u => Item(("unit", u.Unit), ("tasks", u.Tasks), ("codes", u.Tasks > 10 ? u.Codes + "等" : u.Codes))).ToList(),
            ["noReturned"] = d.Returned.Count == 0 ? "无。" : "",
            ["returned"] = ReturnedByApplication(d.Returned).Select(r => Item(
                ("code", r.Item.TaskCode), ("task", r.Item.TaskTitle), ("milestone", r.Item.Milestone),
                ("dueDate", r.Item.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("units", r.Units), ("reason", r.Item.ReturnReason),
                ("returnedBy", Labels.Actor(r.Item.DecidedBy)))).ToList(),
            ["attempts"] = d.Deliveries.Attempts,
            ["sent"] = d.Deliveries.Sent,
            ["failedAttempts"] = d.Deliveries.Failed,
            ["noFailures"] = d.Failures.Count == 0 ? "无投递失败。" : "",
            ["failures"] = d.Failures.Select(f => Item(
                ("owner", f.Owner ?? f.Name ?? ""), ("recipient", Recipient(f.Channel, f.Address)), ("channel", Labels.Channel(f.Channel)), ("kind", KindName(f.Kind)),
                ("state", StateName(f.State)), ("tries", f.Attempts), ("error", f.LastError ?? ""))).ToList(),
        };
    }

    /// <summary>退回 items once each, with their lead units joined (the digest's rows are per unit).</summary>
    public static IReadOnlyList<(ReturnedItem Item, string Units)> ReturnedByApplication(IReadOnlyList<ReturnedItem> returned)
    {
        ArgumentNullException.ThrowIfNull(returned);
        return [.. returned.GroupBy(r => r.ApplicationId)
            .Select(g => (g.First(), string.Join("、", g.Select(r => r.Unit).Distinct(StringComparer.Ordinal))))
            .OrderBy(r => r.Item2, StringComparer.Ordinal).ThenBy(r => r.Item1.TaskCode, StringComparer.Ordinal)];
    }

    private static string Or(string text) => text.Length == 0 ? "（未明确）" : text;

    /// <summary>The reasons are recorded in English for logs; the office reads them in Chinese.</summary>
    public static string GapReason(string reason) => reason switch
    {
        "no liaison with e-mail or phone" => "无联络员邮箱或手机号",
        "no liaison or head with e-mail or phone" => "无联络员或负责人邮箱、手机号",
        "responsible leader has no e-mail or phone" => "责任领导无邮箱或手机号",
        _ => reason,
    };

    /// <summary>Why no channel reaches a unit, as the office reads it.</summary>
    public static string UnreachableReason(string reason) => reason switch
    {
        ReachabilityStore.NoChannel => "无联络员、负责人的邮箱或手机号，也未配置企业微信、钉钉群机器人",
        ReachabilityStore.AllFailed => "近7天发给该单位的消息全部投递失败",
        _ => reason,
    };

    private static Dictionary<string, object?> Item(params (string Key, object? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public static readonly IReadOnlyList<string> RankingHeader =
    [
        "排名", "单位", "灯", "应完成", "按期完成", "逾期完成", "逾期未完成", "完成率", "按期完成率", "最长逾期(工作日)",
        "上周排名", "排名变化", "上周按期完成率", "按期率变化", "配合:应完成", "配合:按期", "配合:逾期完成", "配合:逾期未完成",
    ];

    /// <summary>The attachment: the ranking first (the sheet a reader opens on), then totals, overdue items, 退回, 未签收, gaps, failures.</summary>
    public static IReadOnlyList<XlsxSheet> Sheets(SupervisionDigest d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var t = d.Totals;
        return
        [
            new XlsxSheet("单位排名", RankingHeader, d.Ranking.Select(r => (IReadOnlyList<object?>)
            [
                r.Rate.Rank, r.Rate.Unit, RateText.LightName(r.Rate.Light), r.Rate.Lead.Due, r.Rate.Lead.OnTime, r.Rate.Lead.Late, r.Rate.Lead.OverdueOpen,
                RateText.Percent(r.Rate.Lead.CompletionRate), RateText.Percent(r.Rate.Lead.OnTimeRate), r.Rate.WorstOverdueWorkingDays,
                r.Previous is { } p ? p.Rank : "—", RankChange(r.RankChange), r.Previous is { } q ? RateText.Percent(q.OnTimeRate) : "—", RateChange(r.OnTimeRateChange),
                r.Rate.Co.Due, r.Rate.Co.OnTime, r.Rate.Co.Late, r.Rate.Co.OverdueOpen,
            ])),
            new XlsxSheet("总体情况", ["项目", "数值"],
            [
                ["方案", d.Plan ?? "全部方案"], ["截至", Day(d.AsOf)], ["编发", Day(d.Date)], ["对比快照", d.ComparedWith is { } c ? Day(c) : "—"],
                ["任务", t.Tasks], ["到期节点", t.Due], ["按期完成", t.OnTime], ["逾期完成", t.Late], ["逾期未完成", t.OverdueOpen],
                ["完成率", RateText.Percent(t.CompletionRate)], ["按期完成率", RateText.Percent(t.OnTimeRate)],
                ["近7天投递次数", d.Deliveries.Attempts], ["近7天投递成功", d.Deliveries.Sent], ["近7天投递失败", d.Deliveries.Failed],
            ]),
            new XlsxSheet("逾期事项", ["序号", "编号", "任务", "节点", "完成时限", "逾期天数", "逾期工作日", "牵头单位", "责任领导"],
                d.Overdue.Select((o, i) => (IReadOnlyList<object?>)
                [
                    i + 1, o.Row.Code, o.Row.Task, o.Row.Milestone, o.Row.DueDate, o.CalendarDaysOverdue, o.WorkingDaysOverdue, Or(o.Row.Units), Or(o.Row.Leaders),
                ])),
            new XlsxSheet("已退回", ["序号", "编号", "任务", "节点", "完成时限", "牵头单位", "退回理由", "退回人"],
                ReturnedByApplication(d.Returned).Select((r, i) => (IReadOnlyList<object?>)
                [
                    i + 1, r.Item.TaskCode, r.Item.TaskTitle, r.Item.Milestone, DateOnly.FromDateTime(r.Item.DueDate), r.Units, r.Item.ReturnReason, Labels.Actor(r.Item.DecidedBy),
                ])),
            new XlsxSheet("未签收", ["序号", "单位", "未签收任务数", "任务编号"],
                d.NotSignedFor.Select((u, i) => (IReadOnlyList<object?>)[i + 1, u.Unit, u.Tasks, u.Codes])),
            new XlsxSheet("联系方式缺失", ["单位/领导", "类别", "原因", "未送达提醒"],
                d.Gaps.Select(g => (IReadOnlyList<object?>)[g.Who, g.IsUnit ? "单位" : "责任领导", GapReason(g.Reason), g.Reminders])
                    .Concat(d.Unreachable.Select(u => (IReadOnlyList<object?>)[u.Name, "单位（无法送达）", UnreachableReason(u.Reason), 0]))),
            new XlsxSheet("投递失败", ["对象", "地址", "渠道", "类别", "状态", "尝试次数", "原因", "入队时间"],
                d.Failures.Select(f => (IReadOnlyList<object?>)
                [
                    f.Owner ?? f.Name ?? "", Recipient(f.Channel, f.Address), Labels.Channel(f.Channel), KindName(f.Kind), StateName(f.State), f.Attempts, f.LastError ?? "",
                    f.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                ])),
        ];
    }
}
