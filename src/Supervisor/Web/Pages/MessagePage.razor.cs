using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>One message: its head, its body as text, its delivery attempts; retry or cancel.</summary>
public sealed partial class MessagePage
{
    public sealed record View(MessageInfo Message, string BodyText, IReadOnlyList<AttemptInfo> Attempts, TimeZoneInfo Zone) : IPageModel<MessagePage>;

    internal static async Task<IResult> RenderAsync(long id, MessageQueries messageQueries, TimeZoneInfo zone, CancellationToken ct)
    {
        var found = await messageQueries.MessageAsync(id, ct);
        return found is { } detail
            ? Render.Page(new View(detail.Message, detail.BodyText, detail.Attempts, zone))
            : Render.NotFound("消息不存在", "没有这条消息。");
    }
}
