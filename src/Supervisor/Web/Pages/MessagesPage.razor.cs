using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>消息: the outbox by state, one message with its attempts (<see cref="MessagePage"/>); retry a dead one, cancel a pending one.</summary>
public sealed partial class MessagesPage
{
    private static readonly string[] States = ["pending", "held", "sending", "sent", "failed", "dead", "cancelled"];

    private static readonly string[] Kinds = ["unit_digest", "escalation", "supervision_digest", "notice"];

    private static IReadOnlyList<string> ChannelNames => Core.Delivery.Channels.All;

    public sealed record Query(string? State, string? Channel, string? Kind, string? Unit);

    public sealed record View(
        Query Asked, IReadOnlyDictionary<string, int> Counts, IReadOnlyList<UnitInfo> Units, IReadOnlyList<MessageInfo> Messages,
        IReadOnlyList<OwedReminder> Owed) : IPageModel<MessagesPage>;

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/messages", ListAsync);
        pages.MapGet("/messages/{id:long}", MessagePage.RenderAsync);
        pages.MapPost("/messages/{id:long}/retry", async (long id, HttpContext http, Infrastructure.Delivery.OutboxStore outbox, TimeProvider time, CancellationToken ct) =>
        {
            await outbox.RetryMessageAsync(id, PageContext.Actor(http), time.GetUtcNow(), ct);
            return Results.Redirect($"/messages/{id}");
        }).RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/messages/{id:long}/cancel", async (long id, HttpContext http, Infrastructure.Delivery.OutboxStore outbox, TimeProvider time, CancellationToken ct) =>
        {
            await outbox.CancelMessageAsync(id, PageContext.Actor(http), time.GetUtcNow(), ct);
            return Results.Redirect($"/messages/{id}");
        }).RequireAuthorization(ConsolePolicies.Act);
    }

    private static async Task<IResult> ListAsync(MessageQueries messageQueries, UnitQueries unitQueries, string? state, string? channel, string? kind, string? unit, CancellationToken ct)
    {
        var counts = await messageQueries.MessageCountsAsync(ct);
        var messages = await messageQueries.MessagesAsync(PageContext.Text(state), PageContext.Text(channel), PageContext.Text(kind), PageContext.Id(unit), null, 500, ct);

        // The next batch: reminders the scan recorded as owed that no message carries yet.
        var owed = await messageQueries.OwedRemindersAsync(200, ct);
        return Render.Page(new View(new Query(state, channel, kind, unit), counts, await unitQueries.UnitsAsync(ct), messages, owed));
    }
}
