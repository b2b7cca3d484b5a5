using System.Text;
using Supervisor.Core.Documents;
using Supervisor.Infrastructure.Documents;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;

namespace Supervisor.Web.Pages;

/// <summary>通报: the archive of every issue, a draft's editable 下步工作要求 and its release (签发), downloads; 督办通知单 downloads.</summary>
public static class DigestsPage
{
    /// <summary>The longest 下步工作要求 the office may save.</summary>
    public const int MaxRequirements = 4000;

    private const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/digests", ListAsync);
        pages.MapGet("/digests/{id:long}", DetailAsync);
        pages.MapGet("/digests/{id:long}/tongbao.docx", DownloadAsync);
        pages.MapGet("/digests/{id:long}/draft.docx", DraftAsync);
        pages.MapPost("/digests/{id:long}/requirements", SaveAsync).RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/digests/{id:long}/release", ReleaseAsync).RequireAuthorization(ConsolePolicies.Act);
        pages.MapGet("/tasks/{id:long}/notices/{reminderId:long}.docx", NoticeAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, DigestIssueStore issues, TimeZoneInfo zone, CancellationToken ct)
    {
        var body = new StringBuilder("<p>每期督查通报的 Word 文档（公文格式）。开启 <code>Digest:RequireRelease</code> 时，作业生成草稿，由督查室修改“下步工作要求”后签发；签发时编号并发送。</p>");
        Html.Table(body, ["期号", "统计截至", "状态", "签发", "文档"], (await issues.ListAsync(200, ct)).Select(i => (IReadOnlyList<string>)
        [
            $"<a href=\"/digests/{i.Id}\">{Html.E(i.IssueLine ?? "草稿（未编号）")}</a>", Html.Date(i.AsOf), i.Released ? "已签发" : "<span class=\"yellow\">待签发</span>",
            i.Released ? $"{Html.E(i.ReleasedBy)}，{Html.Time(i.ReleasedAt, zone)}" : "—",
            i.Released ? $"<a href=\"/digests/{i.Id}/tongbao.docx\">下载 DOCX</a>" : $"<a href=\"/digests/{i.Id}/draft.docx\">预览草稿</a>",
        ]), "暂无通报");
        return Html.Page(http, "督查通报", body.ToString());
    }

    private static async Task<IResult> DetailAsync(long id, HttpContext http, DigestIssueStore issues, TimeZoneInfo zone, string? error, string? done, CancellationToken ct)
    {
        var issue = await issues.FindAsync(id, ct);
        if (issue is null)
        {
            return Html.Page(http, "通报不存在", "<p>没有这期通报。</p>", StatusCodes.Status404NotFound);
        }

        var t = issue.Totals;
        var body = new StringBuilder();
        if (done == "released")
        {
            body.Append("<p class=\"notice\">已签发并编号，邮件已排入发送队列。</p>");
        }
        else if (done == "saved")
        {
            body.Append("<p class=\"notice\">已保存。</p>");
        }

        if (error is not null)
        {
            body.Append("<p class=\"error\">").Append(Html.E(error)).Append("</p>");
        }

        body.Append("<p>统计截至 ").Append(Html.Date(issue.AsOf)).Append("，编发日期 ").Append(Html.Date(issue.PeriodDate))
            .Append("。任务 ").Append(Html.N(t.Tasks)).Append(" 项，到期节点 ").Append(Html.N(t.Due)).Append(" 个，按期完成 ").Append(Html.N(t.OnTime))
            .Append(" 个，逾期完成 ").Append(Html.N(t.Late)).Append(" 个，逾期未完成 ").Append(Html.N(t.OverdueOpen)).Append(" 个。</p>");
        if (issue.Released)
        {
            body.Append("<p>").Append(Html.E(issue.IssueLine)).Append('，').Append(Html.E(issue.ReleasedBy)).Append(" 于 ").Append(Html.Time(issue.ReleasedAt, zone))
                .Append(" 签发。<a href=\"/digests/").Append(Html.N(id)).Append("/tongbao.docx\">下载 DOCX</a></p>")
                .Append("<h2>下步工作要求</h2><pre class=\"message\">").Append(Html.E(issue.Requirements)).Append("</pre>");
            return Html.Page(http, "督查通报 " + issue.IssueLine, body.ToString());
        }

        body.Append("<p><a href=\"/digests/").Append(Html.N(id)).Append("/draft.docx\">预览草稿 DOCX</a></p><h2>下步工作要求</h2>");
        if (PageContext.CanAct(http))
        {
            body.Append("<form method=\"post\" action=\"/digests/").Append(Html.N(id)).Append("/requirements\">").Append(Html.Token(http))
                .Append("<p><textarea name=\"requirements\" rows=\"12\" style=\"width:100%;max-width:48rem\" maxlength=\"").Append(Html.N(MaxRequirements)).Append("\">")
                .Append(Html.E(issue.Requirements)).Append("</textarea></p><button type=\"submit\" class=\"secondary\">保存</button></form>")
                .Append("<p>").Append(Html.Button(http, $"/digests/{id}/release", "签发（编号并发送）")).Append("</p>");
        }
        else
        {
            body.Append("<pre class=\"message\">").Append(Html.E(issue.Requirements)).Append("</pre><p class=\"muted\">只读账号不能修改或签发。</p>");
        }

        return Html.Page(http, "督查通报草稿", body.ToString());
    }

    private static async Task<IResult> SaveAsync(long id, HttpContext http, DigestIssueStore issues, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        var text = (form["requirements"].ToString() ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        var error = text.Length == 0 ? "“下步工作要求”不能为空。"
            : text.Length > MaxRequirements ? $"“下步工作要求”不能超过{MaxRequirements}字（现有{text.Length}字）。"
            : null;
        if (error is null && !await issues.UpdateRequirementsAsync(id, text, PageContext.Actor(http), time.GetUtcNow(), ct))
        {
            error = "这期通报已签发或不存在，不能再修改。";
        }

        if (error is not null)
        {
            return Results.Redirect($"/digests/{id}?error={Uri.EscapeDataString(error)}");
        }

        await audit.WriteAsync(time.GetUtcNow(), PageContext.Actor(http), "digest.edit", $"digest:{id}", new { length = text.Length }, ct);
        return Results.Redirect($"/digests/{id}?done=saved");
    }

    private static async Task<IResult> ReleaseAsync(long id, HttpContext http, TongbaoService tongbao, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        try
        {
            var (issue, released, queued) = await tongbao.ReleaseAsync(id, PageContext.Actor(http), time.GetUtcNow(), ct);
            if (released)
            {
                await audit.WriteAsync(time.GetUtcNow(), PageContext.Actor(http), "digest.release", $"digest:{id}", new { issue = issue.IssueLine, queued }, ct);
            }

            return Results.Redirect($"/digests/{id}?done=released");
        }
        catch (KeyNotFoundException)
        {
            return Html.Page(http, "通报不存在", "<p>没有这期通报。</p>", StatusCodes.Status404NotFound);
        }
    }

    private static async Task<IResult> DownloadAsync(long id, DigestIssueStore issues, CancellationToken ct) =>
        await issues.DocxAsync(id, ct) is { } file ? Results.File(file.Docx, DocxType, file.FileName) : Results.NotFound();

    private static async Task<IResult> DraftAsync(long id, TongbaoService tongbao, CancellationToken ct) =>
        await tongbao.DraftDocxAsync(id, ct) is { } file ? Results.File(file.Docx, DocxType, file.FileName) : Results.NotFound();

    private static async Task<IResult> NoticeAsync(long id, long reminderId, EscalationNoticeStore notices, CancellationToken ct) =>
        await notices.DocxAsync(id, reminderId, ct) is { } file ? Results.File(file.Docx, DocxType, file.FileName) : Results.NotFound();

    /// <summary>The task page's section: every 督办通知单 of the task's milestones.</summary>
    public static async Task AppendNoticesAsync(StringBuilder body, long taskId, EscalationNoticeStore notices, TimeZoneInfo zone, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(notices);
        body.Append("<section><h2>督办通知单</h2>");
        Html.Table(body, ["生成时间", "节点", "文档"], (await notices.ForTaskAsync(taskId, ct)).Select(n => (IReadOnlyList<string>)
        [
            Html.Time(n.CreatedAt, zone), Html.E(n.Milestone), $"<a href=\"/tasks/{taskId}/notices/{n.ReminderId}.docx\">{Html.E(n.FileName)}</a>",
        ]), "暂无督办通知单");
        body.Append("</section>");
    }
}
