using Microsoft.Net.Http.Headers;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.Web.Evidence;

/// <summary>
/// 佐证材料 for staff: <c>/evidence/{id}</c> serves a stored file with the type decided at upload. Photos a browser
/// can show open in the page (预览); everything else downloads. Nothing is ever rendered as a page or run: the type is
/// never sniffed again (nosniff), and a sandboxing CSP applies even to an image opened on its own.
/// </summary>
public static class EvidenceEndpoints
{
    public const string Path = "/evidence";

    public static void Map(RouteGroupBuilder staff)
    {
        ArgumentNullException.ThrowIfNull(staff);
        staff.MapGet(Path + "/{id:long}", async (long id, bool? download, EvidenceStore store, HttpContext http, CancellationToken ct) =>
        {
            if (await store.FindAsync(id, ct) is not { } file)
            {
                return Results.NotFound();
            }

            var previewable = Supervisor.Core.Evidence.EvidenceTypes.IsPreviewable(file.Info.MediaType) && download != true;
            var disposition = new ContentDispositionHeaderValue(previewable ? "inline" : "attachment");
            disposition.SetHttpFileName(file.Info.FileName);
            var headers = http.Response.Headers;
            headers.ContentDisposition = disposition.ToString();
            return Results.Bytes(file.Content, file.Info.MediaType);
        });
    }
}
