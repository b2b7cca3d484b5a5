using Supervisor.Core;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>
/// 待审核: the office's queue of 办结 applications with their 佐证材料; 销号 (done as of the application) or 退回 (a
/// reason the unit hears in its next message). Supervisors and admins only; every decision audited with the login.
/// </summary>
public sealed partial class ReviewPage
{
    /// <param name="Evidence">The files on the milestone's progress reports, by milestone, the application's own report first.</param>
    public sealed record View(
        IReadOnlyList<ApplicationInfo> Pending, IReadOnlyDictionary<long, IReadOnlyList<EvidenceInfo>> Evidence, IReadOnlyList<ApplicationInfo> Decided,
        string? Notice, TimeZoneInfo Zone) : IPageModel<ReviewPage>;

    public const string Path = "/review";

    private const int DecidedShown = 30;

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet(Path, RenderAsync).RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost(Path + "/{id:long}/approve", (long id, HttpContext http, ReviewStore reviews, TimeProvider time, CancellationToken ct) => DecideAsync(id, true, http, reviews, time, ct))
            .RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost(Path + "/{id:long}/return", (long id, HttpContext http, ReviewStore reviews, TimeProvider time, CancellationToken ct) => DecideAsync(id, false, http, reviews, time, ct))
            .RequireAuthorization(ConsolePolicies.Act);
    }

    private static async Task<IResult> RenderAsync(string? done, ReviewStore reviews, EvidenceStore evidence, TimeZoneInfo zone, CancellationToken ct)
    {
        var pending = await reviews.PendingAsync(ct);
        var reports = await reviews.ReportsOfMilestonesAsync([.. pending.Select(a => a.MilestoneId).Distinct()], ct);
        var files = await evidence.ListAsync([.. reports.Select(r => r.ReportId)], ct);
        var byMilestone = pending.Select(a => a.MilestoneId).Distinct().ToDictionary(
            id => id,
            id => (IReadOnlyList<EvidenceInfo>)[.. reports.Where(r => r.MilestoneId == id)
                .OrderByDescending(r => pending.Any(a => a.ProgressReportId == r.ReportId))
                .SelectMany(r => files.GetValueOrDefault(r.ReportId) ?? [])]);
        var notice = done switch
        {
            "approved" => "已销号：该节点按申请日期计为办结。",
            "returned" => "已退回：单位将在下一条提醒中看到退回理由。",
            "gone" => "该申请已被处理（可能已由他人销号或退回）。",
            _ => null,
        };
        return Render.Page(new View(pending, byMilestone, await reviews.RecentlyDecidedAsync(DecidedShown, ct), notice, zone));
    }

    private static async Task<IResult> DecideAsync(long id, bool approve, HttpContext http, ReviewStore reviews, TimeProvider time, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        bool decided;
        try
        {
            decided = approve
                ? await reviews.ApproveAsync(id, PageContext.Actor(http), time.GetUtcNow(), ct)
                : await reviews.ReturnAsync(id, form["reason"], PageContext.Actor(http), time.GetUtcNow(), ct);
        }
        catch (BadInputException ex)
        {
            return Render.Notice("未能退回", "未能退回：" + ex.Chinese, StatusCodes.Status400BadRequest, error: true, backHref: Path, backLabel: "返回待审核");
        }

        return Results.Redirect($"{Path}?done={(decided ? approve ? "approved" : "returned" : "gone")}");
    }
}
