using System.Globalization;
using Microsoft.Extensions.Options;
using Supervisor.Core;
using Supervisor.Hosting;

namespace Supervisor.Web.Security;

/// <summary>
/// Bad input is the sender's fault and gets a 4xx with a message, never a 500: a body over the limit (413, refused
/// from its Content-Length before anyone reads it), a body that is not the form or JSON the endpoint expects (415),
/// a form value too long or a body that does not parse (400), a <see cref="BadInputException"/> from any handler (400).
/// </summary>
public static class RequestErrors
{
    public static IApplicationBuilder UseRequestErrors(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var limit = http.RequestServices.GetRequiredService<IOptions<ConsoleOptions>>().Value.MaxRequestBodyBytes;
        if (Evidence.EvidenceUploadEndpoint.BodyLimit(http) is { } uploadLimit)
        {
            // An upload of 佐证材料 has its own limit, and its endpoint refuses an oversized Content-Length itself, in
            // words naming the files; Kestrel still stops reading past the limit.
            limit = uploadLimit;
            if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = uploadLimit;
            }
        }
        else if (http.Request.ContentLength > limit)
        {
            // Refused before a byte is read; a client that sent Expect: 100-continue never uploads the body at all.
            await WriteAsync(http, StatusCodes.Status413PayloadTooLarge, TooLarge(limit));
            return;
        }

        try
        {
            await next(http);
        }
        catch (Exception ex) when (!http.Response.HasStarted && Classify(ex, limit) is { } error)
        {
            await WriteAsync(http, error.Status, error.Message);
        }
    });

    /// <summary>The 4xx a bad request deserves, looking through wrappers (antiforgery wraps the form reader's errors); null for a real fault.</summary>
    private static (int Status, string Message)? Classify(Exception ex, long limit)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case BadHttpRequestException bad:
                    return bad.StatusCode switch
                    {
                        StatusCodes.Status413PayloadTooLarge => (bad.StatusCode, TooLarge(limit)),
                        StatusCodes.Status415UnsupportedMediaType => (bad.StatusCode, "请求的内容类型不受支持：表单请以 application/x-www-form-urlencoded 或 multipart/form-data 提交，API 请以 application/json 提交。"),
                        >= 400 and < 500 => (bad.StatusCode, "请求有误：" + bad.Message),
                        _ => (StatusCodes.Status400BadRequest, "请求有误：" + bad.Message),
                    };
                case InvalidDataException invalid:
                    // The form reader's limits (a value, a key count, a multipart section) or a malformed multipart body.
                    return (StatusCodes.Status400BadRequest, $"表单内容超出限制或格式有误（单个字段不超过 {InputLimits.FormValueBytes / 1024} KB）：{invalid.Message}");
                case BadInputException input:
                    return (StatusCodes.Status400BadRequest, input.Chinese);
            }
        }

        return null;
    }

    /// <summary>Problem details under /api, a plain page elsewhere; the message is what the user reads.</summary>
    public static async Task WriteAsync(HttpContext http, int status, string message)
    {
        http.Response.Clear();
        var result = Auth.ConsoleAuth.IsApi(http.Request)
            ? Results.Problem(title: "请求有误", detail: message, statusCode: status)
            : Components.Render.Notice("请求有误", message, status, nav: false, error: true);
        await result.ExecuteAsync(http);
    }

    private static string TooLarge(long limit) =>
        string.Create(CultureInfo.InvariantCulture, $"请求内容过大：上限为 {limit / (1024.0 * 1024):0.#} MB。");
}
