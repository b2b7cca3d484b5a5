using Supervisor.Infrastructure.Documents;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>通报: the archive of every issue, a draft's editable 下步工作要求 and its release (签发, <see cref="DigestPage"/>), downloads; 督办通知单 downloads.</summary>
public sealed partial class DigestsPage
{
    /// <summary>The longest 下步工作要求 the office may save.</summary>
    public const int MaxRequirements = 4000;

    private const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    public sealed record View(IReadOnlyList<DigestIssue> Issues, TimeZoneInfo Zone) : IPageModel<DigestsPage>
    {
        public IReadOnlyList<(long Id, int Year, string Title)> Plans { get; init; } = [];
    }

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/digests", ListAsync);
        pages.MapGet("/digests/preview.docx", PreviewAsync);
        pages.MapGet("/digests/{id:long}", DigestPage.RenderAsync);
        pages.MapGet("/digests/{id:long}/tongbao.docx", DownloadAsync);
        pages.MapGet("/digests/{id:long}/draft.docx", DraftAsync);
        pages.MapPost("/digests/{id:long}/requirements", SaveAsync).RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/digests/{id:long}/release", ReleaseAsync).RequireAuthorization(ConsolePolicies.Act);
        pages.MapGet("/tasks/{id:long}/notices/{reminderId:long}.docx", NoticeAsync);
    }

    private static async Task<IResult> ListAsync(DigestIssueStore issues, TaskQueries taskQueries, TimeZoneInfo zone, CancellationToken ct) =>
        Render.Page(new View(await issues.ListAsync(200, ct), zone) { Plans = await taskQueries.PlansAsync(ct) });

    /// <summary>This period's 通报 over one plan (or every plan), unnumbered: the office sees a plan's figures apart.</summary>
    private static async Task<IResult> PreviewAsync(TongbaoService tongbao, TaskQueries taskQueries, TimeProvider time, string? plan, CancellationToken ct)
    {
        var plans = await taskQueries.PlansAsync(ct);
        var planId = UnitsPage.PlanOf(plans, plan);
        (long, string)? named = planId is { } id ? (id, PlanFilter.Label(plans, id)) : null;
        var (fileName, docx, _) = await tongbao.PreviewAsync(time.GetUtcNow(), named, ct);
        return Results.File(docx, DocxType, fileName);
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
            return Render.NotFound("通报不存在", "没有这期通报。");
        }
    }

    private static async Task<IResult> DownloadAsync(long id, DigestIssueStore issues, CancellationToken ct) =>
        await issues.DocxAsync(id, ct) is { } file ? Results.File(file.Docx, DocxType, file.FileName) : Results.NotFound();

    private static async Task<IResult> DraftAsync(long id, TongbaoService tongbao, CancellationToken ct) =>
        await tongbao.DraftDocxAsync(id, ct) is { } file ? Results.File(file.Docx, DocxType, file.FileName) : Results.NotFound();

    private static async Task<IResult> NoticeAsync(long id, long reminderId, EscalationNoticeStore notices, CancellationToken ct) =>
        await notices.DocxAsync(id, reminderId, ct) is { } file ? Results.File(file.Docx, DocxType, file.FileName) : Results.NotFound();
}
