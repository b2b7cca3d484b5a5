using Microsoft.Extensions.Options;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Links;
using Supervisor.Infrastructure.Delivery.Email;

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
    LinkSigner links,
    TimeZoneInfo zone)
{
    public static readonly int[] AllLevels = [1, 2, 3];
    public static readonly int[] EscalationOnly = [3];

    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    public CompositionContext Context(DateOnly today) => new(
        today, smtp.Value.FromName, sms.Value.SignName, LinksFor, delivery.Value.CoUnitNotices,
        supervision.Value.EscalateAfterWorkingDays, [.. office.Value.OfficeEmails], [.. office.Value.OfficePhones]);

    /// <summary>A unit's signed links, made at compose time (they expire Console:LinkLifetime later).</summary>
    public UnitLinks LinksFor(long unitId)
    {
        var page = links.Url(unitId);
        return new UnitLinks(page, milestone => page + "#" + LinkSigner.MilestoneAnchor(milestone), links.ShortUrl(unitId), LocalDate(links.ExpiresAt()));
    }

    public Task<ComposeResult> ComposeAsync(DateTimeOffset now, int[] levels, CancellationToken ct)
    {
        var today = LocalDate(now);
        var context = Context(today);
        return store.ComposeAsync(today, levels, now, (r, u, l) => MessageComposer.Compose(r, u, l, context, templates.Load), ct);
    }

    public async Task<Composition> PreviewAsync(DateTimeOffset now, CancellationToken ct)
    {
        var today = LocalDate(now);
        var (r, u, l) = await store.PeekAsync(today, AllLevels, ct);
        return MessageComposer.Compose(r, u, l, Context(today), templates.Load);
    }
}
