using Supervisor.Infrastructure.Documents;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>One 督查通报: its figures; released, its issue line and download; a draft, its 下步工作要求 to edit and release.</summary>
public sealed partial class DigestPage
{
    /// <param name="Done">The notice a redirect asked for by code (saved, released): the page never prints text from its URL but this error.</param>
    public sealed record View(DigestIssue Issue, string? Done, string? Error, TimeZoneInfo Zone) : IPageModel<DigestPage>;

    internal static async Task<IResult> RenderAsync(long id, DigestIssueStore issues, TimeZoneInfo zone, string? error, string? done, CancellationToken ct) =>
        await issues.FindAsync(id, ct) is { } issue
            ? Render.Page(new View(issue, done, error, zone))
            : Render.NotFound("通报不存在", "没有这期通报。");
}
