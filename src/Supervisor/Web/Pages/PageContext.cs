using System.Globalization;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;

namespace Supervisor.Web.Pages;

/// <summary>What every page endpoint needs: the office's today, who is acting, the query and form values it reads.</summary>
public static class PageContext
{
    public static string Actor(HttpContext http) => http.User.Identity?.Name ?? "anonymous";

    public static DateOnly Today(SupervisionEngine engine, TimeProvider time) => engine.LocalDate(time.GetUtcNow());

    public static bool IsAdmin(HttpContext http) => http.User.IsInRole("admin");

    public static long? Id(string? text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    public static string? Text(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>The posted form; anything that is not a form (no body, text/plain, JSON) is a 415 with a message, not a 500.</summary>
    public static Task<IFormCollection> FormAsync(HttpContext http, CancellationToken ct) =>
        http.Request.HasFormContentType
            ? http.Request.ReadFormAsync(ct)
            : throw new BadHttpRequestException("expected a form", StatusCodes.Status415UnsupportedMediaType);

    /// <summary>Pause and resume of a task or a unit: <c>POST /{kind}/{id}/pause|resume</c>, back to its page.</summary>
    public static void MapPause(RouteGroupBuilder pages, string kind, Func<PauseStore, long, bool, string, DateTimeOffset, CancellationToken, Task> set)
    {
        foreach (var (action, pause) in new[] { ("pause", true), ("resume", false) })
        {
            pages.MapPost($"/{kind}/{{id:long}}/{action}", async (long id, HttpContext http, PauseStore pauses, TimeProvider time, CancellationToken ct) =>
            {
                await set(pauses, id, pause, Actor(http), time.GetUtcNow(), ct);
                return Results.Redirect($"/{kind}/{id}");
            }).RequireAuthorization(ConsolePolicies.Act);
        }
    }
}
