using System.Globalization;
using Supervisor.Core.Delivery;
using Supervisor.Core.Engine;

namespace Supervisor.Infrastructure.Delivery;

/// <summary>One owed reminder with what a message needs to say about it.</summary>
public sealed record ReminderItem(
    long ReminderId, int Level, DateOnly LocalDate, int WorkingDaysOverdue, int CalendarDaysOverdue,
    long MilestoneId, string Milestone, DateOnly DueDate, long TaskId, string Code, string TaskTitle);

/// <summary>A 签收 reminder: the unit has not signed for the task (Supervision:AcknowledgeWithinWorkingDays); <see cref="SignedSince"/> when it signed after the scan recorded it.</summary>
public sealed record UnsignedItem(long ReminderId, long TaskId, long UnitId, string Code, string TaskTitle, bool SignedSince);

/// <summary>
/// A unit on a task, with one of its contacts (liaison or head) when it has any, or one of its group robots (ContactRole
/// wecom or dingtalk, the webhook URL in <see cref="Webhook"/>).
/// </summary>
public sealed record TaskUnitContact(long TaskId, string TaskRole, long UnitId, string UnitName, string? ContactRole, string? ContactName, string? Phone, string? Email, string? Webhook = null);

/// <summary>A responsible leader of a task, with the leader's contact when there is one.</summary>
public sealed record TaskLeaderContact(long TaskId, long LeaderId, string LeaderName, string? ContactName, string? Phone, string? Email);

public sealed record ComposedMessage(
    string Key, string Channel, string Kind, DateOnly LocalDate, string Address, string? Name, long? UnitId, long? LeaderId,
    string? Subject, string BodyText, string? BodyHtml, IReadOnlyList<long> ReminderIds)
{
    /// <summary>SMS: the provider template this text stands for (reminder, overdue, escalation), for Aliyun/Tencent.</summary>
    public string? SmsTemplate { get; init; }

    /// <summary>SMS: that template's variables (names as declared in Core's SmsTemplates).</summary>
    public IReadOnlyDictionary<string, string>? TemplateParams { get; init; }
}

/// <summary>A reminder that reached nobody for a unit or leader: recorded for the office's digest.</summary>
public sealed record ReminderGap(long ReminderId, long? UnitId, long? LeaderId, string Who, string Reason);

public sealed record Composition(IReadOnlyList<ComposedMessage> Messages, IReadOnlyList<ReminderGap> Gaps, IReadOnlyList<long> ReminderIds);

/// <summary>A unit's signed links in one message: its page, a milestone on it, the short form for SMS, and when they expire.</summary>
public sealed record UnitLinks(string Page, Func<long, string> Milestone, string ShortPage, DateOnly Expires);

/// <summary>What the templates are filled with besides the items; <paramref name="LinksFor"/> signs a unit's links.</summary>
public sealed record CompositionContext(DateOnly Today, string Office, string Sign, Func<long, UnitLinks> LinksFor, bool CoUnitNotices, int EscalateAfterWorkingDays, IReadOnlyList<string> OfficeEmails, IReadOnlyList<string> OfficePhones)
{
    /// <summary>By unit: milestones whose 办结 application the office returned (退回), still open; the unit's digest names each with its reason.</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<Postgres.ReturnedItem>> Returned { get; init; } = new Dictionary<long, IReadOnlyList<Postgres.ReturnedItem>>();

    /// <summary>Whether 签收 reminders go to the liaison's mobile: the gateway (free text), or a provider with Sms:Templates:Acknowledge.</summary>
    public bool AcknowledgeBySms { get; init; } = true;

    /// <summary>The office's zone, for the dates of 退回 decisions.</summary>
    public TimeZoneInfo Zone { get; init; } = TimeZoneInfo.Utc;
}

/// <summary>
/// Turns owed reminders into one e-mail and one SMS per recipient, kind and day: level 1 → unit liaison (co units
/// marked 配合 when enabled); level 2 → liaison and head; level 3 → responsible leaders and the office list. Pure.
/// </summary>
public static class MessageComposer
{
    public const string UnitDigest = "unit_digest";
    public const string Escalation = "escalation";

    /// <summary>The 签收 text when the template directory has no unit-digest.acknowledge.sms.txt (one edited before it shipped).</summary>
    public const string DefaultAcknowledgeSms = "【{{sign}}】贵单位有{{unsignedCount}}项交办任务尚未签收，请打开链接签收：{{shortLink}}";

    private sealed record Recipient(string Address, string Channel, string Kind, string? Name, long? UnitId, long? LeaderId);

    private sealed record Line(ReminderItem Item, string Role, string Unit);

    public static Composition Compose(
        IReadOnlyList<ReminderItem> reminders,
        IReadOnlyList<TaskUnitContact> units,
        IReadOnlyList<TaskLeaderContact> leaders,
        CompositionContext context,
        Func<string, MessageTemplates> templates,
        IReadOnlyList<UnsignedItem>? toSign = null)
    {
        ArgumentNullException.ThrowIfNull(reminders);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(templates);
        var unitsByTask = units.ToLookup(u => u.TaskId);
        var leadersByTask = leaders.ToLookup(l => l.TaskId);
        var lines = new Dictionary<Recipient, List<Line>>();
        var gaps = new List<ReminderGap>();

        void Add(Recipient recipient, Line line)
        {
            if (!lines.TryGetValue(recipient, out var list))
            {
                lines[recipient] = list = [];
            }

            if (!list.Any(l => l.Item.ReminderId == line.Item.ReminderId))
            {
                list.Add(line);
            }
        }

        void AddContact(string kind, string? name, string? email, string? phone, long? unitId, long? leaderId, Line line)
        {
            if (email is not null)
            {
                Add(new Recipient(email.Trim().ToLowerInvariant(), Channels.Email, kind, name, unitId, leaderId), line);
            }

            if (phone is not null)
            {
                Add(new Recipient(phone.Trim(), Channels.Sms, kind, name, unitId, leaderId), line);
            }
        }

        foreach (var r in reminders)
        {
            var taskUnits = unitsByTask[r.TaskId].GroupBy(u => u.UnitId).ToList();
            var leadNames = string.Join("、", taskUnits.Where(g => g.First().TaskRole == "lead").Select(g => g.First().UnitName));
            if (r.Level is 1 or 2)
            {
                foreach (var unit in taskUnits)
                {
                    var first = unit.First();
                    var co = first.TaskRole == "co";
                    if (co && (r.Level != 1 || !context.CoUnitNotices))
                    {
                        continue;
                    }

                    var roles = r.Level == 1 ? new[] { "liaison" } : ["liaison", "head"];
                    var usable = unit.Where(c => c.ContactRole is not null && roles.Contains(c.ContactRole) && (c.Email is not null || c.Phone is not null)).ToList();

                    // The unit's work groups get the same digest as its liaison: one post per robot per day.
                    var robots = unit.Where(c => c.Webhook is not null && c.ContactRole is Channels.WeCom or Channels.DingTalk).ToList();
                    foreach (var robot in robots)
                    {
                        Add(new Recipient(robot.Webhook!, robot.ContactRole!, UnitDigest, first.UnitName, first.UnitId, null), new Line(r, co ? "配合" : "牵头", first.UnitName));
                    }

                    if (usable.Count == 0 && robots.Count == 0)
                    {
                        gaps.Add(new ReminderGap(r.ReminderId, first.UnitId, null, first.UnitName, r.Level == 1 ? "no liaison with e-mail or phone" : "no liaison or head with e-mail or phone"));
                        continue;
                    }

                    foreach (var c in usable)
                    {
                        AddContact(UnitDigest, c.ContactName, c.Email, c.Phone, first.UnitId, null, new Line(r, co ? "配合" : "牵头", first.UnitName));
                    }
                }
            }
            else
            {
                foreach (var leader in leadersByTask[r.TaskId])
                {
                    if (leader.Email is null && leader.Phone is null)
                    {
                        gaps.Add(new ReminderGap(r.ReminderId, null, leader.LeaderId, leader.LeaderName, "responsible leader has no e-mail or phone"));
                        continue;
                    }

                    AddContact(Escalation, leader.ContactName ?? leader.LeaderName, leader.Email, leader.Phone, null, leader.LeaderId, new Line(r, "督办", leadNames));
                }

                foreach (var email in context.OfficeEmails)
                {
                    Add(new Recipient(email.Trim().ToLowerInvariant(), Channels.Email, Escalation, context.Office, null, null), new Line(r, "督办", leadNames));
                }

                foreach (var phone in context.OfficePhones)
                {
                    Add(new Recipient(phone.Trim(), Channels.Sms, Escalation, context.Office, null, null), new Line(r, "督办", leadNames));
                }
            }
        }

        // 签收 lines join the unit's digest of the day: its liaison's e-mail, its work groups, and its liaison's mobile (so
        // a unit reached by SMS only hears of them too) when SMS can carry them (context.AcknowledgeBySms: the gateway's
        // free text, or a provider with an Acknowledge template).
        var unsignedLines = new Dictionary<Recipient, List<UnsignedItem>>();
        void AddUnsignedLine(Recipient recipient, UnsignedItem item)
        {
            if (!unsignedLines.TryGetValue(recipient, out var list))
            {
                unsignedLines[recipient] = list = [];
            }

            if (!list.Any(l => l.ReminderId == item.ReminderId))
            {
                list.Add(item);
            }
        }

        foreach (var item in (toSign ?? []).Where(u => !u.SignedSince))
        {
            var contacts = unitsByTask[item.TaskId].Where(u => u.UnitId == item.UnitId).ToList();
            foreach (var c in contacts)
            {
                if (c.Webhook is not null && c.ContactRole is Channels.WeCom or Channels.DingTalk)
                {
                    AddUnsignedLine(new Recipient(c.Webhook, c.ContactRole, UnitDigest, c.UnitName, c.UnitId, null), item);
                    continue;
                }

                if (c.ContactRole != "liaison")
                {
                    continue;
                }

                if (c.Email is not null)
                {
                    AddUnsignedLine(new Recipient(c.Email.Trim().ToLowerInvariant(), Channels.Email, UnitDigest, c.ContactName, c.UnitId, null), item);
                }

                if (c.Phone is not null && context.AcknowledgeBySms)
                {
                    AddUnsignedLine(new Recipient(c.Phone.Trim(), Channels.Sms, UnitDigest, c.ContactName, c.UnitId, null), item);
                }
            }
        }

        var unitNames = units.GroupBy(u => u.UnitId).ToDictionary(g => g.Key, g => g.First().UnitName);

        foreach (var recipient in unsignedLines.Keys.Where(r => !lines.ContainsKey(r)))
        {
            lines[recipient] = [];
        }

        var messages = lines.OrderBy(p => p.Key.Kind, StringComparer.Ordinal).ThenBy(p => p.Key.Address, StringComparer.Ordinal).ThenBy(p => p.Key.Channel, StringComparer.Ordinal)
            .Select(p => Render(p.Key, p.Value, context, templates(p.Key.Kind == Escalation ? "escalation" : "unit-digest"), unsignedLines.GetValueOrDefault(p.Key) ?? [], unitNames))
            .ToList();
        return new Composition(messages, gaps, reminders.Select(r => r.ReminderId).ToList());
    }

    private static ComposedMessage Render(Recipient recipient, List<Line> lines, CompositionContext context, MessageTemplates templates, List<UnsignedItem> toSign, IReadOnlyDictionary<long, string> unitNames)
    {
        if (Channels.IsRobot(recipient.Channel))
        {
            return RenderRobot(recipient, lines, context, templates, toSign);
        }

        // Every message that offers an action (the unit digests) carries the unit's own signed link.
        var links = recipient.UnitId is { } unitId ? context.LinksFor(unitId) : null;
        var ordered = lines.OrderByDescending(l => l.Item.CalendarDaysOverdue).ThenBy(l => l.Item.DueDate).ThenBy(l => l.Item.Code, StringComparer.Ordinal).ToList();
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = recipient.Name ?? "同志",
            ["date"] = context.Today.ToString("yyyy年M月d日", CultureInfo.InvariantCulture),
            ["unitNames"] = string.Join("、", lines.Select(l => l.Unit).Distinct(StringComparer.Ordinal)),
            ["office"] = context.Office,
            ["sign"] = context.Sign,
            ["count"] = ordered.Select(l => l.Item.MilestoneId).Distinct().Count(),
            ["overdue"] = ordered.Where(l => l.Item.DueDate < context.Today).Select(l => l.Item.MilestoneId).Distinct().Count(),
            ["dueSoon"] = ordered.Where(l => l.Item.DueDate >= context.Today).Select(l => l.Item.MilestoneId).Distinct().Count(),
            ["overdueTasks"] = ordered.Where(l => l.Item.DueDate < context.Today).Select(l => l.Item.TaskId).Distinct().Count(),
            ["dueSoonTasks"] = ordered.Where(l => l.Item.DueDate >= context.Today).Select(l => l.Item.TaskId).Distinct().Count(),
            ["overdueAtLeast"] = ordered.Count == 0 ? 0 : ordered.Min(l => l.Item.WorkingDaysOverdue),
            ["unitLink"] = links?.Page,
            ["shortLink"] = links?.ShortPage,
            ["linkExpires"] = links?.Expires.ToString("yyyy年M月d日", CultureInfo.InvariantCulture),
            ["returnedHeading"] = ReturnedHeading(recipient, context),
            ["returned"] = ReturnedValues(recipient, context, links, text => text),
            ["taskCount"] = ordered.Select(l => l.Item.TaskId).Distinct().Count(),
            ["tasks"] = TaskValues(ByTask(ordered), context, links, text => text),
            ["items"] = ordered.Select(l => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["code"] = l.Item.Code,
                ["task"] = l.Item.TaskTitle,
                ["milestone"] = l.Item.Milestone,
                ["due"] = l.Item.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["overdueDays"] = l.Item.CalendarDaysOverdue,
                ["status"] = OverdueText.Standing(l.Item.DueDate, context.Today, l.Item.WorkingDaysOverdue, l.Item.CalendarDaysOverdue),
                ["light"] = LightOf(l.Item, context),
                ["role"] = l.Role,
                ["unit"] = l.Unit,
                ["link"] = links?.Milestone(l.Item.MilestoneId),
            }).ToList(),
        };
        AddUnsigned(values, toSign, links?.Page);
        var key = MessageKey.For(recipient.Address, recipient.Channel, recipient.Kind, context.Today);
        var ids = ordered.Select(l => l.Item.ReminderId).ToList();
        if (recipient.Channel == Channels.Email)
        {
            return new ComposedMessage(key, Channels.Email, recipient.Kind, context.Today, recipient.Address, recipient.Name, recipient.UnitId, recipient.LeaderId,
                templates.Subject.Render(values), templates.Text.Render(values), templates.Html.Render(values), ids);
        }

        var (template, variables) = SmsVariables(recipient, ordered, context, links, toSign, unitNames);
        // A day with only 签收 owed has its own text; a deadline text names the tasks to sign too ("、N项待签收") when
        // that still fits one segment, else it stays as it was (the link opens the page, where 签收 comes first).
        var sms = ordered.Count == 0 ? templates.AcknowledgeSms ?? new Template(DefaultAcknowledgeSms, html: false) : templates.Sms;
        values["unsignedNote"] = ordered.Count > 0 && toSign.Count > 0 ? $"、{toSign.Select(u => u.TaskId).Distinct().Count()}项待签收" : "";
        var text = sms.Render(values);
        if (!SmsText.FitsOneSegment(text) && values["unsignedNote"] is string { Length: > 0 })
        {
            values["unsignedNote"] = "";
            text = sms.Render(values);
        }

        return new ComposedMessage(key, Channels.Sms, recipient.Kind, context.Today, recipient.Address, recipient.Name, recipient.UnitId, recipient.LeaderId,
            null, SmsText.FitKeeping(text, links?.ShortPage), null, ids)
        {
            SmsTemplate = SmsTemplates.Name(template),
            TemplateParams = variables,
        };
    }

    /// <summary>
    /// The provider template and its variables for one text: a unit's digest is 催办 (Overdue) when any item is overdue,
    /// else 提醒 (Reminder); an escalation is 督办. The link is the unit's short signed link (none for a leader's 督办);
    /// a provider's per-variable limit may leave it out, and the template then carries the console's address as fixed text.
    /// </summary>
    private static (SmsTemplateKind Template, Dictionary<string, string> Variables) SmsVariables(Recipient recipient, List<Line> ordered, CompositionContext context, UnitLinks? links, List<UnsignedItem> toSign, IReadOnlyDictionary<long, string> unitNames)
    {
        var link = links?.ShortPage ?? "";
        var units = string.Join("、", ordered.Select(l => l.Unit).Distinct(StringComparer.Ordinal));
        var overdue = ordered.Where(l => l.Item.DueDate < context.Today).ToList();
        // "N项重点工作": tasks, not milestones (a task with three overdue milestones is one 重点工作).
        string Count(IEnumerable<Line> lines) => lines.Select(l => l.Item.TaskId).Distinct().Count().ToString(CultureInfo.InvariantCulture);
        static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
        if (recipient.Kind == Escalation)
        {
            // Working and calendar days of one milestone, the longest overdue: 已逾期W个工作日（C天）.
            var longest = ordered.OrderByDescending(l => l.Item.WorkingDaysOverdue).ThenByDescending(l => l.Item.CalendarDaysOverdue).First().Item;
            return (SmsTemplateKind.Escalation, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["name"] = recipient.Name ?? "",
                ["unit"] = units,
                ["count"] = Count(ordered),
                ["days"] = Number(longest.WorkingDaysOverdue),
                ["link"] = link,
                ["caldays"] = Number(longest.CalendarDaysOverdue),
            });
        }

        if (ordered.Count == 0)
        {
            // Only 签收 owed today: the Acknowledge template (the composer queues this text only when it can be sent).
            return (SmsTemplateKind.Acknowledge, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["unit"] = string.Join("、", toSign.Select(u => unitNames.GetValueOrDefault(u.UnitId, "")).Distinct(StringComparer.Ordinal)),
                ["count"] = Number(toSign.Select(u => u.TaskId).Distinct().Count()),
                ["link"] = link,
            });
        }

        var oldest = overdue.OrderByDescending(l => l.Item.CalendarDaysOverdue).ThenByDescending(l => l.Item.WorkingDaysOverdue).FirstOrDefault()?.Item;
        return oldest is not null
            ? (SmsTemplateKind.Overdue, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["unit"] = units,
                ["count"] = Count(overdue),
                ["days"] = Number(oldest.CalendarDaysOverdue),
                ["link"] = link,
                ["workdays"] = Number(oldest.WorkingDaysOverdue),
            })
            : (SmsTemplateKind.Reminder, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["unit"] = units,
                ["count"] = Count(ordered),
                ["due"] = ordered.Min(l => l.Item.DueDate).ToString("M月d日", CultureInfo.InvariantCulture),
                ["link"] = link,
            });
    }

    /// <summary>
    /// A unit's digest for its work group as markdown (NAME.md): counts, tasks with their milestones, the most urgent first,
    /// the link. Tasks are dropped from the end (then a task's milestones) until the post fits the platforms' 4,096 bytes,
    /// with a line saying how many were left out.
    /// The key is the robot's (a hash of its URL, never the URL: the URL holds the robot's key).
    /// </summary>
    private static ComposedMessage RenderRobot(Recipient recipient, List<Line> lines, CompositionContext context, MessageTemplates templates, List<UnsignedItem> toSign)
    {
        var ordered = lines.OrderByDescending(l => l.Item.CalendarDaysOverdue).ThenBy(l => l.Item.DueDate).ThenBy(l => l.Item.Code, StringComparer.Ordinal).ToList();
        var tasks = ByTask(ordered);
        var markdown = templates.Markdown ?? throw new InvalidOperationException("the markdown template (NAME.md) for work-group robots is missing");
        var links = context.LinksFor(recipient.UnitId!.Value);
        string Render(int shown, int milestonesShown)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["date"] = context.Today.ToString("yyyy年M月d日", CultureInfo.InvariantCulture),
                ["unitNames"] = Markdown(string.Join("、", lines.Select(l => l.Unit).Distinct(StringComparer.Ordinal))),
                ["office"] = Markdown(context.Office),
                ["count"] = ordered.Select(l => l.Item.MilestoneId).Distinct().Count(),
                ["overdue"] = ordered.Where(l => l.Item.DueDate < context.Today).Select(l => l.Item.MilestoneId).Distinct().Count(),
                ["dueSoon"] = ordered.Where(l => l.Item.DueDate >= context.Today).Select(l => l.Item.MilestoneId).Distinct().Count(),
                ["link"] = links.Page,
                ["linkExpires"] = links.Expires.ToString("yyyy年M月d日", CultureInfo.InvariantCulture),
                ["more"] = shown < tasks.Count ? $"另有{tasks.Count - shown}项任务未列出，请打开链接查看。" : "",
                ["taskCount"] = tasks.Count,
                ["tasks"] = TaskValues(tasks.Take(shown).ToList(), context, links, Markdown, milestonesShown),
                ["returnedHeading"] = ReturnedHeading(recipient, context),
                ["returned"] = ReturnedValues(recipient, context, links, Markdown),
                ["items"] = tasks.Take(shown).SelectMany(t => t).Select(l => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["code"] = Markdown(l.Item.Code),
                    ["task"] = Markdown(l.Item.TaskTitle),
                    ["milestone"] = Markdown(l.Item.Milestone),
                    ["due"] = l.Item.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["status"] = OverdueText.Standing(l.Item.DueDate, context.Today, l.Item.WorkingDaysOverdue, l.Item.CalendarDaysOverdue),
                    ["light"] = LightOf(l.Item, context),
                    ["role"] = l.Role,
                    ["link"] = links.Milestone(l.Item.MilestoneId),
                }).ToList(),
            };
            AddUnsigned(values, toSign.Take(10).Select(u => u with { Code = Markdown(u.Code), TaskTitle = Markdown(u.TaskTitle) }).ToList(), links.Page);
            return markdown.Render(values).Trim();
        }

        // Tasks are dropped from the end first; a single task with very many milestones then shows fewer of them.
        var shown = Math.Min(tasks.Count, 20);
        var milestonesShown = 10;
        var body = Render(shown, milestonesShown);
        while (System.Text.Encoding.UTF8.GetByteCount(body) > Robots.RobotSender.MaxMarkdownBytes && (shown > 1 || milestonesShown > 1))
        {
            if (shown > 1)
            {
                shown--;
            }
            else
            {
                milestonesShown--;
            }

            body = Render(shown, milestonesShown);
        }

        var key = MessageKey.For(MessageKey.RobotAddress(recipient.Channel, recipient.Address), recipient.Channel, recipient.Kind, context.Today);
        return new ComposedMessage(key, recipient.Channel, recipient.Kind, context.Today, recipient.Address, recipient.Name, recipient.UnitId, null,
            $"督查督办：{recipient.Name}", body, null, ordered.Select(l => l.Item.ReminderId).ToList());
    }

    /// <summary>
    /// A digest's lines grouped by task, as the unit's page groups them: tasks in the order of their most urgent line (the
    /// lines come ordered most urgent first), each task's milestones once (two owed reminders of one milestone, e.g. a
    /// 提醒 and a 催办 composed together, are one line), most urgent first.
    /// </summary>
    private static List<List<Line>> ByTask(List<Line> ordered) =>
        [.. ordered.GroupBy(l => l.Item.TaskId).Select(g => g.DistinctBy(l => l.Item.MilestoneId).ToList())];

    /// <summary>
    /// The <c>tasks</c> section: per task its code, title, role(s), unit(s), light (red if any milestone is red), the
    /// standing of its most urgent milestone, the link anchored at that milestone, and <c>milestones</c> beneath it, each
    /// with its standing said the one way (<see cref="OverdueText"/>).
    /// </summary>
    private static List<IReadOnlyDictionary<string, object?>> TaskValues(List<List<Line>> tasks, CompositionContext context, UnitLinks? links, Func<string, string> escape, int milestonesShown = int.MaxValue) =>
        [.. tasks.Select(t =>
        {
            var first = t[0];
            var lights = t.Select(l => LightOf(l.Item, context)).ToList();
            return (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["code"] = escape(first.Item.Code),
                ["task"] = escape(first.Item.TaskTitle),
                ["role"] = string.Join("、", t.Select(l => l.Role).Distinct(StringComparer.Ordinal)),
                ["unit"] = escape(string.Join("、", t.Select(l => l.Unit).Distinct(StringComparer.Ordinal))),
                ["light"] = lights.Contains("红灯") ? "红灯" : lights[0],
                ["status"] = Standing(first.Item, context),
                ["milestoneCount"] = t.Count,
                ["link"] = links?.Milestone(first.Item.MilestoneId),
                ["moreMilestones"] = t.Count > milestonesShown
                    ? new List<IReadOnlyDictionary<string, object?>> { new Dictionary<string, object?>(StringComparer.Ordinal) { ["moreCount"] = t.Count - milestonesShown } }
                    : new List<IReadOnlyDictionary<string, object?>>(),
                ["milestones"] = t.Take(milestonesShown).Select(l => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["milestone"] = escape(l.Item.Milestone),
                    ["due"] = l.Item.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["status"] = Standing(l.Item, context),
                    ["light"] = LightOf(l.Item, context),
                    ["link"] = links?.Milestone(l.Item.MilestoneId),
                }).ToList(),
            };
        })];

    private static string Standing(ReminderItem item, CompositionContext context) =>
        OverdueText.Standing(item.DueDate, context.Today, item.WorkingDaysOverdue, item.CalendarDaysOverdue);

    /// <summary>
    /// The 签收 lines of a unit's digest: <c>unsigned</c> (code, task, link) and <c>unsignedHeading</c>, a section that
    /// renders once when there is any, so a template can head the list without showing the heading for none.
    /// </summary>
    private static void AddUnsigned(Dictionary<string, object?> values, IReadOnlyList<UnsignedItem> toSign, string? link)
    {
        var ordered = toSign.OrderBy(u => u.Code, StringComparer.Ordinal).ToList();
        values["unsignedCount"] = ordered.Count;
        values["unsignedHeading"] = ordered.Count == 0
            ? new List<IReadOnlyDictionary<string, object?>>()
            : [new Dictionary<string, object?>(StringComparer.Ordinal) { ["unsignedCount"] = ordered.Count }];
        values["unsigned"] = ordered.Select(u => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["code"] = u.Code,
            ["task"] = u.TaskTitle,
            ["link"] = link,
        }).ToList();
    }

    private static IReadOnlyList<Postgres.ReturnedItem> ReturnedOf(Recipient recipient, CompositionContext context) =>
        recipient.Kind == UnitDigest && recipient.UnitId is { } unitId ? context.Returned.GetValueOrDefault(unitId) ?? [] : [];

    private static string ReturnedHeading(Recipient recipient, CompositionContext context) =>
        ReturnedOf(recipient, context) is { Count: > 0 } returned ? $"以下{returned.Count}项办结申请被督查室退回，请按退回理由整改后重新申请办结：" : "";

    /// <summary>退回 items for a unit's digest: each with the office's reason and the link to apply again.</summary>
    private static List<IReadOnlyDictionary<string, object?>> ReturnedValues(Recipient recipient, CompositionContext context, UnitLinks? links, Func<string, string> escape) =>
        [.. ReturnedOf(recipient, context).Select(r => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["code"] = escape(r.TaskCode),
            ["task"] = escape(r.TaskTitle),
            ["milestone"] = escape(r.Milestone),
            ["due"] = DateOnly.FromDateTime(r.DueDate).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["reason"] = escape(r.ReturnReason),
            ["returnedOn"] = TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(r.DecidedAt, DateTimeKind.Utc)), context.Zone).ToString("yyyy年M月d日", CultureInfo.InvariantCulture),
            ["link"] = links?.Milestone(r.MilestoneId),
        })];

    /// <summary>Text from the plan or directory inside markdown: characters that would format or link are escaped.</summary>
    public static string Markdown(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in text.ReplaceLineEndings(" "))
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '(' or ')' or '#' or '<' or '>' or '!' or '|' or '~')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>An item's light: red once escalated (督办 threshold), yellow when overdue or due soon.</summary>
    public static string LightOf(ReminderItem item, CompositionContext context)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        return item.Level == 3 || (item.DueDate < context.Today && item.WorkingDaysOverdue >= context.EscalateAfterWorkingDays) ? "红灯" : "黄灯";
    }
}
