namespace Supervisor.Web.Security;

/// <summary>
/// Response headers on every response, set when the response starts so no handler can forget them: a CSP without
/// inline script, nosniff, no framing, a referrer policy, and no-store for everything but the stylesheet.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The console's pages: scripts, styles and images from this site only; no plugin, no base change, no framing.</summary>
    public const string ConsolePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Where the Hangfire Dashboard is mapped. Its pages get <see cref="HangfireDashboardPolicy"/> and keep their own caching.</summary>
    public const string HangfireDashboardPath = Dashboard.HangfireDashboard.Path;

    /// <summary>
    /// The Hangfire Dashboard's pages carry inline scripts and styles, so this one policy allows them, for paths under
    /// <see cref="HangfireDashboardPath"/> only (staff-only pages that render no department's text unencoded).
    /// </summary>
    public const string HangfireDashboardPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// 佐证材料 served back (<see cref="Evidence.EvidenceEndpoints.Path"/>): nothing may run or load, even if a browser
    /// opened a file as a page; an image opened on its own still shows.
    /// </summary>
    public const string EvidencePolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            Apply(http);
            return Task.CompletedTask;
        });
        return next(http);
    });

    private static void Apply(HttpContext http)
    {
        var path = http.Request.Path;
        var headers = http.Response.Headers;
        var hangfire = path.StartsWithSegments(HangfireDashboardPath);
        headers.ContentSecurityPolicy = hangfire ? HangfireDashboardPolicy
            : path.StartsWithSegments(Evidence.EvidenceEndpoints.Path) ? EvidencePolicy
            : ConsolePolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";

        // A signed link's token is in its path: no other site may see it in a Referer header.
        headers["Referrer-Policy"] = path.StartsWithSegments("/u") || path.StartsWithSegments("/s") ? "no-referrer" : "same-origin";

        // Pages, exports, /api and /u/ carry names, rates and contacts: no shared or browser cache keeps a copy.
        if (!hangfire && !path.StartsWithSegments("/static"))
        {
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
        }
    }
}
