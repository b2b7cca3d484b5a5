using System.Globalization;

namespace Supervisor.Core.Delivery;

/// <summary>The approved templates a provider account holds for this worker (Sms:Templates:Reminder|Overdue|Escalation|Digest|Acknowledge).</summary>
public enum SmsTemplateKind
{
    Reminder,
    Overdue,
    Escalation,
    Digest,

    /// <summary>签收: tasks a unit has not signed for within Supervision:AcknowledgeWithinWorkingDays.</summary>
    Acknowledge,
}

/// <summary>
/// One variable of a template: its name in the provider's template (${unit} / {1}) and what it holds. A number variable
/// only ever holds digits, so the office may register it with the provider's number type (数字), which providers check.
/// </summary>
public sealed record SmsVariable(string Name, string Meaning, bool IsLink = false, bool IsNumber = false);

/// <summary>
/// The variables each template declares, in the order Tencent's {1}, {2}, … take them and under the names Aliyun's
/// ${…} use. The office registers the template text with the provider (examples in docs/channels.md); this list is the
/// contract between that text and what the composer fills in.
/// </summary>
public static class SmsTemplates
{
    /// <summary>提醒: 【签名】${unit}有${count}项重点工作将于${due}前到期，请及时办理并反馈：${link}</summary>
    public static readonly IReadOnlyList<SmsVariable> Reminder =
    [
        new("unit", "单位"), new("count", "任务数", IsNumber: true), new("due", "最近到期日"), new("link", "链接", IsLink: true),
    ];

    /// <summary>
    /// 催办: 【签名】${unit}有${count}项重点工作已逾期，最早已逾期${workdays}个工作日（${days}天），请抓紧办理并反馈：${link}.
    /// <c>days</c> (calendar days) and <c>workdays</c> (working days) are of the same, longest-overdue milestone, so the
    /// template says overdue the one way of OverdueText; <c>workdays</c> is last, so templates approved with the first
    /// four keep their Tencent positions ({1}…{4}; Sms:Templates:Variables:Overdue names what such a template takes).
    /// </summary>
    public static readonly IReadOnlyList<SmsVariable> Overdue =
    [
        new("unit", "单位"), new("count", "逾期任务数", IsNumber: true), new("days", "最早逾期天数（日历日）", IsNumber: true), new("link", "链接", IsLink: true),
        new("workdays", "最早逾期工作日数", IsNumber: true),
    ];

    /// <summary>
    /// 督办: 【签名】${name}：${unit}牵头的${count}项重点工作已逾期${days}个工作日（${caldays}天），已提请督办：${link}.
    /// <c>days</c> (working days, what 督办 counts) and <c>caldays</c> (calendar days) are of the same, longest-overdue
    /// milestone; <c>caldays</c> is last for the same reason as Overdue's <c>workdays</c>.
    /// </summary>
    public static readonly IReadOnlyList<SmsVariable> Escalation =
    [
        new("name", "收件人"), new("unit", "牵头单位"), new("count", "任务数", IsNumber: true), new("days", "最早逾期工作日数", IsNumber: true), new("link", "链接", IsLink: true),
        new("caldays", "最早逾期天数（日历日）", IsNumber: true),
    ];

    /// <summary>通报: 【签名】${date}督查通报：逾期${overdue}项，按期完成率${rate}，详见邮件。</summary>
    public static readonly IReadOnlyList<SmsVariable> Digest =
    [
        new("date", "通报日期"), new("overdue", "逾期件数"), new("rate", Labels.OnTimeRate),
    ];

    /// <summary>签收: 【签名】${unit}有${count}项交办任务尚未签收，请及时签收：${link}</summary>
    public static readonly IReadOnlyList<SmsVariable> Acknowledge =
    [
        new("unit", "单位"), new("count", "未签收任务数", IsNumber: true), new("link", "链接", IsLink: true),
    ];

    public static IReadOnlyList<SmsVariable> Variables(SmsTemplateKind kind) => kind switch
    {
        SmsTemplateKind.Reminder => Reminder,
        SmsTemplateKind.Overdue => Overdue,
        SmsTemplateKind.Escalation => Escalation,
        SmsTemplateKind.Acknowledge => Acknowledge,
        _ => Digest,
    };

    /// <summary>
    /// The variables a registered template takes: <paramref name="names"/> (Sms:Templates:Variables:KIND, for a template
    /// approved with fewer or reordered variables) or, without it, every declared one in declared order. Names must be
    /// declared for the kind (checked when options are validated; an unknown one here is skipped).
    /// </summary>
    public static IReadOnlyList<SmsVariable> Variables(SmsTemplateKind kind, IReadOnlyList<string>? names)
    {
        var declared = Variables(kind);
        return names is null || names.Count == 0
            ? declared
            : [.. names.Select(n => declared.FirstOrDefault(v => v.Name == n)).OfType<SmsVariable>()];
    }

    public static string Name(SmsTemplateKind kind) => kind.ToString().ToLowerInvariant();

    public static SmsTemplateKind? Parse(string? name) =>
        Enum.TryParse<SmsTemplateKind>(name, ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? kind : null;

    /// <summary>
    /// The values in the template's declared order, each cut to <paramref name="maxLength"/> characters as a handset
    /// counts them (a name too long ends in "…"; numbers never get that long). A link is never cut (half a link is no
    /// link): when it is longer than the limit it is left out (sent empty) and the template's fixed text must carry the
    /// console's address. A variable the values lack is sent empty rather than shifting the others. Pure, so each
    /// provider's limit is tested on its own.
    /// </summary>
    public static IReadOnlyList<(string Name, string Value)> Fit(SmsTemplateKind kind, IReadOnlyDictionary<string, string> values, int maxLength) =>
        Fit(kind, values, maxLength, null);

    /// <summary>The same for a template that takes <paramref name="names"/> (null: every declared variable).</summary>
    public static IReadOnlyList<(string Name, string Value)> Fit(SmsTemplateKind kind, IReadOnlyDictionary<string, string> values, int maxLength, IReadOnlyList<string>? names)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        return Variables(kind, names).Select(v =>
        {
            var value = (values.GetValueOrDefault(v.Name) ?? "").Trim();
            return (v.Name, v.IsLink ? (SmsText.Length(value) <= maxLength ? value : "") : Cut(value, maxLength));
        }).ToList();
    }

    /// <summary>A value cut to <paramref name="maxLength"/> text elements, ending in "…" when it had to be cut.</summary>
    public static string Cut(string value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        var info = new StringInfo(value.Trim());
        if (info.LengthInTextElements <= maxLength)
        {
            return info.String;
        }

        return maxLength == 1 ? info.SubstringByTextElements(0, 1) : info.SubstringByTextElements(0, maxLength - 1) + "…";
    }
}
