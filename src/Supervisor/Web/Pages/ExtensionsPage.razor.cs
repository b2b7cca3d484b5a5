using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>延期: requests from units; approving moves the due date and keeps the original for assessment.</summary>
public sealed partial class ExtensionsPage
{
    public sealed record View(IReadOnlyList<ExtensionInfo> Extensions, TimeZoneInfo Zone) : IPageModel<ExtensionsPage>;

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/extensions", ListAsync);
        pages.MapPost("/extensions/{id:long}/approve", (long id, HttpContext http, ExtensionStore extensions, TimeProvider time, CancellationToken ct) => DecideAsync(id, true, http, extensions, time, ct))
            .RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/extensions/{id:long}/reject", (long id, HttpContext http, ExtensionStore extensions, TimeProvider time, CancellationToken ct) => DecideAsync(id, false, http, extensions, time, ct))
            .RequireAuthorization(ConsolePolicies.Act);
    }

    private static async Task<IResult> ListAsync(MilestoneQueries milestoneQueries, TimeZoneInfo zone, string? status, CancellationToken ct) =>
        Render.Page(new View(await milestoneQueries.ExtensionsAsync(PageContext.Text(status), null, ct), zone));

    private static async Task<IResult> DecideAsync(long id, bool approve, HttpContext http, ExtensionStore extensions, TimeProvider time, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        await extensions.DecideExtensionAsync(id, approve, form["note"], PageContext.Actor(http), time.GetUtcNow(), ct);
        return Results.Redirect("/extensions");
    }
}
