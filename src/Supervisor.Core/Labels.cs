using System.Collections.Frozen;
using System.Globalization;
using Supervisor.Core.Calendar;
using Supervisor.Core.Engine;

namespace Supervisor.Core;

/// <summary>
/// The Chinese words the office and the departments read, one place for all of them: statuses, channels, levels, job
/// names and outcomes, as the console's pages, the exports and the messages show them. docs/glossary.md says what each
/// term means; a code value without a label is shown as it is, so a new value is noticed rather than hidden.
/// </summary>
public static class Labels
{
    /// <summary>按期完成率: done on time / due. The one name for the on-time rate, in pages, XLSX, 通报 and messages.</summary>
    public const string OnTimeRate = "按期完成率";

    /// <summary>按期完成: milestones done by their due date.</summary>
    public const string OnTime = "按期完成";

    /// <summary>完成率: (done on time + done late) / due.</summary>
    public const string CompletionRate = "完成率";

    /// <summary>A task or unit the office follows (not paused). Not 督办, which is the third reminder level.</summary>
    public const string Tracking = "跟踪中";

    /// <summary>A task or unit the office stopped chasing for now.</summary>
    public const string Paused = "已暂停督办";

    /// <summary>Shown where a value is missing or a rate has nothing due.</summary>
    public const string None = "—";

    public static string Light(Light light) => light switch
    {
        Engine.Light.Red => "红灯",
        Engine.Light.Yellow => "黄灯",
        Engine.Light.Green => "绿灯",
        _ => light.ToString(),
    };

    /// <summary>提醒 (before the due date), 催办 (overdue, repeats), 督办 (escalation to the leader and the office).</summary>
    public static string Level(int level) => level switch
    {
        1 => "提醒",
        2 => "催办",
        3 => "督办",
        _ => level.ToString(CultureInfo.InvariantCulture),
    };

    public static string MilestoneStatus(string status) => Find(MilestoneStatuses, status);

    public static string MilestoneKind(string kind) => Find(MilestoneKinds, kind);

    public static string MessageState(string state) => Find(MessageStates, state);

    public static string MessageKind(string kind) => Find(MessageKinds, kind);

    public static string ExtensionStatus(string status) => Find(ExtensionStatuses, status);

    /// <summary>A 办结 application's state (pending 待审核, approved 已销号, returned 已退回); also a milestone's review state.</summary>
    public static string ApplicationState(string state) => Find(ApplicationStates, state);

    public static string Channel(string channel) => Find(Channels, channel);

    public static string AttemptOutcome(string? outcome) => outcome is null ? "未完成" : Find(AttemptOutcomes, outcome);

    public static string JobOutcome(string outcome) => Find(JobOutcomes, outcome);

    public static string TriggerKind(string kind) => Find(TriggerKinds, kind);

    public static string Role(string? role) => role is null ? "" : Find(Roles, role);

    public static string ContactRole(string role) => Find(ContactRoles, role);

    /// <summary>牵头 (lead, accountable, counted in rates) or 配合 (co-responsible, informed).</summary>
    public static string UnitRole(string role) => Find(UnitRoles, role);

    /// <summary>Where a progress report or a completion came from.</summary>
    public static string Source(string source) => Find(Sources, source);

    /// <summary>Who did something, as a page names them: a person's login as it is, the product and a unit's link in words.</summary>
    public static string Actor(string? actor) => actor switch
    {
        null => None,
        "system" => "系统自动",
        "demo" => "演示数据",
        _ when actor.StartsWith("link:unit:", StringComparison.Ordinal) => "单位（办理链接）",
        _ => actor,
    };

    /// <summary>The Chinese name of a scheduled job, or its id when this build does not know it.</summary>
    public static string Job(string name) => Find(Jobs, name);

    public static string Rule(WorkingDayRule rule) => rule switch
    {
        WorkingDayRule.Always => "每天",
        WorkingDayRule.WorkingDay => "工作日",
        WorkingDayRule.FirstWorkingDayOfWeek => "每周首个工作日",
        WorkingDayRule.FirstWorkingDayOfMonth => "每月首个工作日",
        WorkingDayRule.FirstWorkingDayOfWeekOrMonth => "每周或每月首个工作日",
        _ => rule.ToString(),
    };

    /// <summary>A scheduled job's state as the job listing reports it (Normal, Paused, NotScheduled, Disabled…, Error: …).</summary>
    public static string JobState(string state) => state switch
    {
        "Normal" => "正常",
        "Paused" => "已暂停",
        "NotScheduled" => "未排程（待服务启动）",
        _ when state.StartsWith("Disabled", StringComparison.Ordinal) => "已停用",
        _ when state.StartsWith("Error: ", StringComparison.Ordinal) => "错误：" + state["Error: ".Length..],
        _ => state,
    };

    /// <summary>
    /// A message's last error or an attempt's error in Chinese where the dispatcher wrote it (holds and give-ups); a
    /// provider's own error text is kept as the provider wrote it, after the Chinese part.
    /// </summary>
    public static string? DeliveryError(string? error)
    {
        if (error is null)
        {
            return null;
        }

        const string capPrefix = "daily SMS cap ";
        const string gaveUpPrefix = "gave up after ";
        return error switch
        {
            "quiet hours" => "免打扰时段（非工作时间不发短信），到时发送",
            "robot rate limit" => "群机器人限流，稍后重发",
            _ when error.StartsWith(capPrefix, StringComparison.Ordinal) && error.EndsWith(" reached", StringComparison.Ordinal) =>
                $"已达每人每日短信上限（{error[capPrefix.Length..^" reached".Length]} 条），次日发送",
            _ when error.StartsWith(gaveUpPrefix, StringComparison.Ordinal) && error.IndexOf(": ", StringComparison.Ordinal) is > 0 and var colon =>
                $"超过重试期限（{error[gaveUpPrefix.Length..colon]}），已放弃：{error[(colon + 2)..]}",
            _ => error,
        };
    }

    /// <summary>The Chinese name of a number or word in a job run's summary (job_runs.summary), or the key itself.</summary>
    public static string SummaryKey(string key) => Find(SummaryKeys, key);

    /// <summary>Where a summary key is read among the others; a key without a label comes last.</summary>
    public static int SummaryOrder(string key) => SummaryKeyOrder.GetValueOrDefault(key, int.MaxValue);

    /// <summary>A word a job wrote into its summary as a value (the 通报's outcome, a draft's issue line).</summary>
    public static string SummaryValue(string value) => Find(SummaryValues, value);

    private static string Find(FrozenDictionary<string, string> labels, string key) => labels.GetValueOrDefault(key, key);

    private static FrozenDictionary<string, string> Map(params (string Key, string Label)[] pairs) =>
        pairs.ToFrozenDictionary(p => p.Key, p => p.Label, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> MilestoneStatuses = Map(("open", "进行中"), ("done", "已办结"));

    private static readonly FrozenDictionary<string, string> MilestoneKinds = Map(("completion", "完成节点"), ("report", "进展报送"));

    private static readonly FrozenDictionary<string, string> MessageStates = Map(
        ("pending", "待发送"), ("held", "暂缓发送"), ("sending", "发送中"), ("sent", "已发送"), ("failed", "失败待重发"),
        ("dead", "已放弃"), ("cancelled", "已取消"));

    private static readonly FrozenDictionary<string, string> MessageKinds = Map(
        ("unit_digest", "单位提醒"), ("escalation", "督办"), ("supervision_digest", "督查通报"), ("notice", "通知"));

    private static readonly FrozenDictionary<string, string> ApplicationStates = Map(("pending", "待审核"), ("approved", "已销号"), ("returned", "已退回"));

    private static readonly FrozenDictionary<string, string> ExtensionStatuses = Map(("pending", "待审批"), ("approved", "已批准"), ("rejected", "已驳回"));

    private static readonly FrozenDictionary<string, string> Channels = Map(
        (Delivery.Channels.Email, "邮件"), (Delivery.Channels.Sms, "短信"), (Delivery.Channels.WeCom, "企业微信群"), (Delivery.Channels.DingTalk, "钉钉群"));

    private static readonly FrozenDictionary<string, string> AttemptOutcomes = Map(("sent", "已送达服务商"), ("transient", "暂时失败"), ("permanent", "无法送达"));

    private static readonly FrozenDictionary<string, string> JobOutcomes = Map(
        ("succeeded", "成功"), ("failed", "失败"), ("skipped", "按规则跳过"), ("paused", "已暂停（未执行）"), ("running", "运行中"), ("duplicate", "重复（未执行）"));

    private static readonly FrozenDictionary<string, string> TriggerKinds = Map(
        ("schedule", "计划"), ("manual", "手动"), ("immediate", "即时"));

    private static readonly FrozenDictionary<string, string> Roles = Map(("admin", "管理员"), ("supervisor", "督查室"), ("viewer", "只读"), ("unit", "单位"));

    private static readonly FrozenDictionary<string, string> ContactRoles = Map(("liaison", "联络员"), ("head", "负责人"));

    private static readonly FrozenDictionary<string, string> UnitRoles = Map(("lead", "牵头"), ("co", "配合"));

    private static readonly FrozenDictionary<string, string> Sources = Map(
        ("link", "办理链接"), ("api", "接口"), ("console", "控制台"), ("cli", "命令行"));

    private static readonly FrozenDictionary<string, string> Jobs = Map(
        ("milestone-scan", "节点扫描"), ("rates-snapshot", "完成率快照"), ("housekeeping", "历史清理"), ("unit-digest", "单位每日提醒"),
        ("reminder-dispatch", "催办发送"), ("supervision-digest", "督查通报"));

    /// <summary>In the order a run's summary is read: what was looked at, what was found, what was done, what was skipped and why.</summary>
    private static readonly (string Key, string Label)[] SummaryKeyList =
    [
        ("localDate", "日期"), ("date", "日期"), ("snapshotDate", "快照日期"), ("workingDay", "工作日"), ("upcoming", "未到期"), ("dueSoon", "临期"),
        ("dueToday", "今日到期"), ("overdue", "逾期"), ("done", "已办结"), ("remindersOwed", "新记应发提醒"), ("units", "单位数"),
        ("reminders", "提醒"), ("messagesQueued", "新排消息"), ("messagesAlreadyQueued", "此前已排消息"), ("unreachable", "无法送达"),
        ("dispatchJob", "即时发送作业编号"), ("escalationsQueued", "新排督办"), ("claimed", "取出"), ("sent", "已发送"), ("retrying", "待重发"),
        ("held", "暂缓"), ("dead", "已放弃"), ("issue", "期号"), ("outcome", "结果"), ("recipients", "收件人"), ("queued", "已排发送"),
        ("uploadsDeleted", "清理上传文件"), ("jobRunsDeleted", "清理运行记录"), ("jobRunsBefore", "运行记录早于"),
        ("deliveryAttemptsDeleted", "清理投递记录"), ("deliveryAttemptsOfMessagesSentBefore", "投递记录早于"), ("skipped", "跳过原因"),
        ("rule", "工作日规则"), ("pausedBy", "暂停人"), ("pausedAt", "暂停时间"),
    ];

    private static readonly FrozenDictionary<string, string> SummaryKeys = Map(SummaryKeyList);

    private static readonly FrozenDictionary<string, int> SummaryKeyOrder =
        SummaryKeyList.Select((p, i) => (p.Key, i)).ToFrozenDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> SummaryValues = Map(
        ("released", "已签发"), ("already released", "本期已签发"), ("draft awaiting release", "草稿待签发"), ("draft", "草稿（未编号）"),
        ("paused", "作业已暂停"));
}
