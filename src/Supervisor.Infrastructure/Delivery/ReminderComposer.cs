using Microsoft.Extensions.Options;
using Supervisor.Core.Calendar;
using Supervisor.Core.Documents;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Delivery.Email;
using Supervisor.Infrastructure.Documents;
using Supervisor.Infrastructure.Links;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Infrastructure.Delivery;

/// <summary>The compose step with options, zone and templates loaded: shared by unit-digest, reminder-dispatch and preview.</summary>
public sealed class ReminderComposer(
    ComposeStore store,
    TemplateSet templates,
    IOptions<DeliveryOptions> delivery,
    IOptions<SmtpOptions> smtp,
    IOptions<SmsOptions> sms,
    IOptions<OfficeOptions> office,
    IOptions<SupervisionOptions> supervision,
    TimeZoneInfo zone,
    CalendarStore calendars,
    IOptions<NoticeOptions> notices,
    LinkSigner links,
    ReviewStore reviews)
{
    public static readonly int[] AllLevels = [1, 2, 3];
    public static readonly int[] EscalationOnly = [3];

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    public CompositionContext Context(DateOnly today) => new(
        today, smtp.Value.FromName, sms.Value.SignName, LinksFor, delivery.Value.CoUnitNotices,
        supervision.Value.EscalateAfterWorkingDays, [.. office.Value.OfficeEmails], [.. office.Value.OfficePhones])
    {
        Zone = zone,
        AcknowledgeBySms = sms.Value.Provider == Sms.SmsProvider.Gateway || !string.IsNullOrWhiteSpace(sms.Value.Templates.Acknowledge),
    };

    /// <summary>A unit's signed links, made at compose time (they expire Console:LinkLifetime later).</summary>
    public UnitLinks LinksFor(long unitId)
    {
        var page = links.Url(unitId);
        return new UnitLinks(page, milestone => LinkSigner.Anchored(page, milestone), links.ShortUrl(unitId), LocalDate(links.ExpiresAt()));
    }

    /// <summary>The context with the 退回 items each unit must hear about (read now: a unit hears a return in its next digest).</summary>
    public async Task<CompositionContext> ContextWithReturnsAsync(DateOnly today, CancellationToken ct) =>
        Context(today) with
        {
            Returned = (await reviews.ReturnedAsync(null, ct)).GroupBy(r => r.UnitId).ToDictionary(g => g.Key, g => (IReadOnlyList<ReturnedItem>)[.. g]),
        };

    public async Task<ComposeResult> ComposeAsync(DateTimeOffset now, int[] levels, CancellationToken ct)
    {
        var today = LocalDate(now);
        var context = await ContextWithReturnsAsync(today, ct);
        WorkingCalendar? calendar = null;
        async Task<(string, byte[])> Notice(ReminderItem r, IReadOnlyList<TaskUnitContact> u, IReadOnlyList<TaskLeaderContact> l, int number)
        {
            calendar ??= await calendars.LoadAsync(ct);
            return WriteNotice(r, u, l, number, today, calendar);
        }

        return await store.ComposeAsync(today, levels, now, (r, u, l, toSign) => MessageComposer.Compose(r, u, l, context, templates.Load, toSign), ct, Notice);
    }

    /// <summary>The 督办通知单 of one escalation: lead units with their signed links (none without Console:LinkSecret), 反馈时限 on the calendar.</summary>
    public (string FileName, byte[] Docx) WriteNotice(
        ReminderItem reminder, IReadOnlyList<TaskUnitContact> units, IReadOnlyList<TaskLeaderContact> leaders, int number, DateOnly today, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        ArgumentNullException.ThrowIfNull(calendar);
        var days = notices.Value.FeedbackWorkingDays;
        var feedbackBy = calendar.AddWorkingDays(today, days);
        var canSign = links.CanSign;
        var leads = units.Where(u => u.TaskRole == "lead").GroupBy(u => u.UnitId).Select(g => g.First())
            .Select(u => new NoticeUnit(u.UnitName, canSign ? links.MilestoneUrl(u.UnitId, reminder.MilestoneId) : null)).ToList();
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["feedbackDate"] = GongwenLayout.Date(feedbackBy),
            ["feedbackWorkingDays"] = days,
            ["office"] = smtp.Value.FromName,
            ["units"] = string.Join("、", leads.Select(u => u.Name)),
        };
        var notice = new EscalationNotice(
            GongwenLayout.DocumentNumber(EscalationNoticeWriter.NumberPrefix, today.Year, number), smtp.Value.FromName, today,
            leads.Count == 0 ? [new NoticeUnit("（未明确牵头单位）", null)] : leads,
            reminder.Code, reminder.TaskTitle, reminder.Milestone, reminder.DueDate, reminder.CalendarDaysOverdue, reminder.WorkingDaysOverdue,
            string.Join("、", leaders.Select(l => l.LeaderName).Distinct(StringComparer.Ordinal)),
            templates.LoadOne("escalation-notice.txt", html: false).Render(values).Trim(), feedbackBy, days);
        return (EscalationNoticeWriter.FileName(notice), EscalationNoticeWriter.Write(notice));
    }

    public async Task<Composition> PreviewAsync(DateTimeOffset now, CancellationToken ct)
    {
        var today = LocalDate(now);
        var (r, u, l, toSign) = await store.PeekAsync(today, AllLevels, ct);
        return MessageComposer.Compose(r, u, l, await ContextWithReturnsAsync(today, ct), templates.Load, toSign);
    }
}
