using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Supervisor.Web.Evidence;

/// <summary>
/// Endpoint metadata: this endpoint reads a multipart body itself with <see cref="EvidenceUpload"/>, as it arrives. The
/// pipeline then leaves the body alone — the antiforgery middleware does not read the form (which would buffer every
/// file before the endpoint could refuse one), and the request size limit is <see cref="EvidenceOptions.MaxRequestBytes"/>
/// instead of Console:MaxRequestBodyBytes, enforced by the upload reader from the Content-Length and by Kestrel while
/// reading. The endpoint must check the antiforgery field itself: <see cref="AntiforgeryBeforeFiles"/>.
/// </summary>
public sealed class EvidenceUploadEndpoint
{
    public static readonly EvidenceUploadEndpoint Instance = new();

    private EvidenceUploadEndpoint()
    {
    }

    /// <summary>Whether this request is a multipart upload to an endpoint that reads it itself.</summary>
    public static bool Streams(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.GetEndpoint()?.Metadata.GetMetadata<EvidenceUploadEndpoint>() is not null
            && http.Request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true;
    }

    /// <summary>The body limit for this request when it <see cref="Streams"/>; null for every other request.</summary>
    public static long? BodyLimit(HttpContext http) =>
        Streams(http) ? http.RequestServices.GetRequiredService<IOptions<EvidenceOptions>>().Value.MaxRequestBytes : null;

    /// <summary>
    /// The antiforgery check of a streamed form, run by <see cref="EvidenceUpload"/> before the first file's bytes:
    /// the token field already read is handed to the antiforgery service as its header, so the service validates it
    /// against the cookie without reading the body.
    /// </summary>
    public static Func<IReadOnlyDictionary<string, string>, Task> AntiforgeryBeforeFiles(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return async fields =>
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            var options = http.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value;
            if (!fields.TryGetValue(options.FormFieldName, out var token) || token.Length == 0 || options.HeaderName is null)
            {
                throw Expired();
            }

            http.Request.Headers[options.HeaderName] = token;
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                throw Expired();
            }
        };
    }

    private static EvidenceRefusedException Expired() =>
        new("表单已过期或缺少防伪令牌（antiforgery token），请刷新页面后重试。", StatusCodes.Status400BadRequest);
}
