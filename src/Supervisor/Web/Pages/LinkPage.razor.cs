using System.Collections.Frozen;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Supervisor.Core;
using Supervisor.Infrastructure.Links;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>
/// /u/{token}: a department's page from a signed link, no account. It shows and changes only the milestones of the
/// link's unit: 签收, progress, done, extension request. A tampered, expired or foreign-milestone request gets 403.
/// Every change is audited with the actor "link:unit:{id}". 办结 is offered to and accepted from lead units only.
/// </summary>
public sealed partial class LinkPage
{
    /// <summary>The notices a redirect may ask for, by code: the page never prints text taken from its URL.</summary>
    private static readonly FrozenDictionary<string, string> Notices = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["acknowledged"] = "已签收。",
        ["progress"] = "进展已报送。",
        ["completed"] = "已标记办结。",
        ["applied"] = "办结申请已提交，待督查室审核。",
        ["extension"] = "延期申请已提交，待督查室审批。",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <param name="Roles">The unit's role on each task (lead or co), by task id.</param>
    public sealed record View(UnitInfo Unit, string Token, string? Notice, IReadOnlyList<MilestoneInfo> Milestones, IReadOnlyDictionary<long, string> Roles) : IPageModel<LinkPage>;

    public static void Map(WebApplication app)
    {
        var links = app.MapGroup("/u/{token}").AllowAnonymous().ExcludeFromDescription();
        links.MapGet("", RenderAsync);
        links.MapPost("/milestones/{id:long}/{action}", ActAsync);

        // The short form SMS carry: checked, then exchanged for the full link (same unit, same expiry).
        app.MapGet("/s/{code}", (string code, HttpContext http, LinkSigner signer) =>
            signer.VerifyShort(code, out var token) is var check && check == LinkCheck.Valid
                ? Results.Redirect("/u/" + Uri.EscapeDataString(token))
                : Forbidden(http, check.ToString()))
            .AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> RenderAsync(string token, string? done, HttpContext http, LinkSigner signer, UnitQueries units, MilestoneQueries milestoneQueries, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var check = signer.Verify(token, out var unitId);
        if (check != LinkCheck.Valid || await units.UnitAsync(unitId, ct) is not { } unit)
        {
            return Forbidden(http, check == LinkCheck.Valid ? "unknown unit" : check.ToString());
        }

        var milestones = await milestoneQueries.MilestonesOfUnitAsync(unitId, openOnly: true, ct);
        var roles = await milestoneQueries.TaskRolesOfUnitAsync(unitId, ct);
        await audit.WriteAsync(time.GetUtcNow(), Actor(unitId), "link.view", $"unit:{unitId}", null, ct);
        return Render.Page(new View(unit, token, Notices.GetValueOrDefault(done ?? ""), milestones, roles));
    }

    private static async Task<IResult> ActAsync(
        string token, long id, string action, HttpContext http, LinkSigner signer, MilestoneQueries milestones, ProgressStore progress, ExtensionStore extensions,
        TimeProvider time, CancellationToken ct)
    {
        var check = signer.Verify(token, out var unitId);
        if (check != LinkCheck.Valid || !await milestones.UnitOwnsMilestoneAsync(unitId, id, ct))
        {
            return Forbidden(http, check == LinkCheck.Valid ? $"unit {unitId} does not own milestone {id}" : check.ToString());
        }

        var form = await PageContext.FormAsync(http, ct);
        var now = time.GetUtcNow();
        var actor = Actor(unitId);
        string done;
        try
        {
            switch (action)
            {
                case "acknowledge":
                    await progress.AcknowledgeAsync(id, unitId, "link", actor, now, ct);
                    done = "acknowledged";
                    break;
                case "progress":
                    var percent = int.TryParse(form["percent"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : (int?)null;
                    await progress.ReportAsync(id, percent, PageContext.Text(form["note"]), unitId, "link", actor, now, ct);
                    done = "progress";
                    break;
                case "complete":
                    if (!await milestones.UnitLeadsMilestoneAsync(unitId, id, ct))
                    {
                        return Refused(token, StatusCodes.Status403Forbidden, "只有牵头单位可以标记办结；配合单位请报送进展。");
                    }

                    var finished = await progress.FinishAsync(id, unitId, PageContext.Text(form["note"]), null, "link", actor, now, ct);
                    done = finished.PendingReview ? "applied" : "completed";
                    break;
                case "extension":
                    if (!DateOnly.TryParseExact(form["date"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    {
                        throw new BadInputException("请填写新的完成时限（yyyy-MM-dd）");
                    }

                    await extensions.RequestExtensionAsync(id, unitId, date, form["reason"].ToString(), actor, now, ct);
                    done = "extension";
                    break;
                default:
                    return Results.NotFound();
            }
        }
        catch (BadInputException ex)
        {
            return Refused(token, StatusCodes.Status400BadRequest, ex.Chinese);
        }

        return Results.Redirect($"/u/{Uri.EscapeDataString(token)}?done={done}");
    }

    /// <summary>Nothing was changed: the reason, and the way back to the unit's page.</summary>
    private static RazorComponentResult<NoticePage> Refused(string token, int status, string message) =>
        Render.Notice("未能办理", "未能办理：" + message, status, nav: false, error: true, backHref: "/u/" + Uri.EscapeDataString(token), backLabel: "返回本单位事项");

    private static string Actor(long unitId) => string.Create(CultureInfo.InvariantCulture, $"link:unit:{unitId}");

    private static RazorComponentResult<NoticePage> Forbidden(HttpContext http, string reason)
    {
        // The path without the token: a log must not hand out a working link.
        var path = http.Request.Path.Value ?? "";
        var prefix = path.StartsWith("/s/", StringComparison.Ordinal) ? "/s/" : "/u/";
        var afterToken = path.IndexOf('/', prefix.Length);
        SecurityLog.LinkRefused(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Supervisor.Web.Links"), reason, afterToken < 0 ? prefix + "…" : prefix + "…" + path[afterToken..]);
        return Render.Notice("链接无效", "链接无效、已过期，或无权查看该事项。请使用最新提醒中的链接，或联系督查室。", StatusCodes.Status403Forbidden, nav: false);
    }
}
