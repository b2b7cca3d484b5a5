using Microsoft.AspNetCore.Antiforgery;
using Supervisor.Web.Security;

namespace Supervisor.Web.Auth;

/// <summary>
/// Every unsafe request (POST, PUT, PATCH, DELETE) must carry a valid antiforgery token, whatever its content type
/// and whatever endpoint it reaches: in the form field <c>__af</c> or the <c>RequestVerificationToken</c> header.
/// One check here instead of one per handler, so a text/plain or JSON post riding on the console cookie is refused
/// like a form without its token. Exempt: calls with a unit's bearer token (no cookie is read for them, so nothing
/// can be forged), the Hangfire Dashboard, which checks the same token itself, and a multipart upload to an endpoint
/// that reads its own body (<see cref="Evidence.EvidenceUploadEndpoint"/>): it checks the token before the first file.
/// </summary>
public static class AntiforgeryMiddleware
{
    public const string HeaderName = "RequestVerificationToken";

    public static IApplicationBuilder UseAntiforgeryOnUnsafeRequests(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (NeedsToken(http.Request) && !Evidence.EvidenceUploadEndpoint.Streams(http))
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                await RequestErrors.WriteAsync(http, StatusCodes.Status400BadRequest, "表单已过期或缺少防伪令牌（antiforgery token），请刷新页面后重试。");
                return;
            }
        }

        await next(http);
    });

    private static bool NeedsToken(HttpRequest request) =>
        !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        && !request.Path.StartsWithSegments(SecurityHeaders.HangfireDashboardPath)
        && !request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
}
