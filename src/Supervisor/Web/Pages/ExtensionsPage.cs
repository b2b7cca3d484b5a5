using System.Text;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;

namespace Supervisor.Web.Pages;

/// <summary>延期: requests from units; approving moves the due date and keeps the original for assessment.</summary>
public static class ExtensionsPage
{
    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/extensions", ListAsync);
        pages.MapPost("/extensions/{id:long}/approve", (long id, HttpContext http, ExtensionStore extensions, TimeProvider time, CancellationToken ct) => DecideAsync(id, true, http, extensions, time, ct))
            .RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/extensions/{id:long}/reject", (long id, HttpContext http, ExtensionStore extensions, TimeProvider time, CancellationToken ct) => DecideAsync(id, false, http, extensions, time, ct))
            .RequireAuthorization(ConsolePolicies.Act);
    }

    private static async Task<IResult> ListAsync(HttpContext http, MilestoneQueries milestones, TimeZoneInfo zone, string? status, CancellationToken ct)
    {
        var body = new StringBuilder("<p><a href=\"/extensions?status=pending\">待审批</a> · <a href=\"/extensions?status=approved\">已批准</a> · <a href=\"/extensions?status=rejected\">已驳回</a> · <a href=\"/extensions\">全部</a></p>");
        var act = PageContext.CanAct(http);
        Html.Table(body, ["申请时间", "任务", "节点", "单位", "当前时限", "原时限", "申请延至", "理由", "状态", "审批"], (await milestones.ExtensionsAsync(PageContext.Text(status), null, ct)).Select(e => (IReadOnlyList<string>)
        [
            PageContext.T(e.RequestedAt, zone), $"<a href=\"/tasks/{e.TaskId}\">{Html.E(e.TaskCode)}</a>", Html.E(e.MilestoneTitle), Html.E(e.Unit),
            PageContext.D(e.DueDate), PageContext.D(e.OriginalDueDate), PageContext.D(e.RequestedDue), Html.E(e.Reason), Html.E(PageContext.Status(e.Status)),
            e.Status == "pending" && act
                ? $"<form method=\"post\" action=\"/extensions/{e.Id}/approve\" class=\"inline\">{Html.Token(http)}<input name=\"note\" placeholder=\"审批意见\" maxlength=\"{Supervisor.Core.InputLimits.DecisionNote}\"><button type=\"submit\">批准</button>"
                  + $"<button type=\"submit\" formaction=\"/extensions/{e.Id}/reject\" class=\"secondary\">驳回</button></form>"
                : Html.E($"{e.DecidedBy} {e.DecisionNote}"),
        ]), "暂无延期申请");
        return Html.Page(http, "延期", body.ToString());
    }

    private static async Task<IResult> DecideAsync(long id, bool approve, HttpContext http, ExtensionStore extensions, TimeProvider time, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        await extensions.DecideExtensionAsync(id, approve, form["note"], PageContext.Actor(http), time.GetUtcNow(), ct);
        return Results.Redirect("/extensions");
    }
}
