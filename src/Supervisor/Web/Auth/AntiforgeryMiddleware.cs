using Microsoft.AspNetCore.Antiforgery;

namespace Supervisor.Web.Auth;

/// <summary>
/// Every form post (urlencoded or multipart) must carry the antiforgery token, whatever endpoint it reaches and
/// however that endpoint reads the form: one check here instead of one per handler. JSON API calls are not forms.
/// </summary>
public static class AntiforgeryMiddleware
{
    public static IApplicationBuilder UseFormAntiforgery(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType)
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                await http.Response.WriteAsync("表单已过期或缺少防伪令牌（antiforgery token），请刷新页面后重试。", http.RequestAborted);
                return;
            }
        }

        await next(http);
    });
}
