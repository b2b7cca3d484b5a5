using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Supervisor.Core;
using Supervisor.Core.Import;
using Supervisor.Core.Units;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Import;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;
using Supervisor.Web.Components;

namespace Supervisor.Web.Pages;

/// <summary>导入: upload a plan → preview what would be stored, with warnings (<see cref="ImportPreviewPage"/>) → confirm; upload the unit directory.</summary>
public sealed partial class ImportPage
{
    /// <param name="Notice">What the last upload did, or why it was refused (<paramref name="Refused"/>), with the rows at fault.</param>
    public sealed record View(string? Notice, bool Refused, IReadOnlyList<RowError> Errors) : IPageModel<ImportPage>;

    private static RazorComponentResult<ImportPage> Forms(string? notice = null, int status = StatusCodes.Status200OK, IReadOnlyList<RowError>? errors = null) =>
        Render.Page(new View(notice, status >= 400, errors ?? []), status);

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/import", () => Forms());
        pages.MapPost("/import/preview", PreviewAsync).RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/import/confirm", ConfirmAsync).RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/import/units", UnitsAsync).RequireAuthorization(ConsolePolicies.Act);
    }

    /// <summary>A refused file: the Chinese reason when the reader gave one (413 for a file past a size limit), else the reader's Chinese reason after the prefix.</summary>
    private static RazorComponentResult<ImportPage> Refused(BadInputException ex, string prefix) => ex is ImportRefusedException refused
        ? Forms(refused.Chinese, refused.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest)
        : Forms(prefix + ex.Chinese, StatusCodes.Status400BadRequest);

    private static async Task<IResult> PreviewAsync(HttpContext http, PlanImportService imports, UploadFolder uploads, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        var file = form.Files["file"];
        byte[] bytes;
        string name;
        var id = "";
        if (file is { Length: > 0 })
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
            name = Path.GetFileName(file.FileName);
        }
        else if (await uploads.ReadAsync(form["upload"].ToString(), ct) is { } kept)
        {
            // The year asked for after an upload whose document names none: the file is the one kept on disk.
            bytes = kept;
            id = form["upload"].ToString();
            name = Path.GetFileName(form["name"].ToString());
        }
        else
        {
            return Forms("请选择要导入的文件。", StatusCodes.Status400BadRequest);
        }

        int? year = int.TryParse(form["year"], out var y) ? y : null;
        async Task<string> KeepAsync()
        {
            // The upload waits on disk under a random id until confirmed; the id is all the next form carries.
            if (id.Length == 0)
            {
                id = await uploads.SaveAsync(bytes, ct);
            }

            return id;
        }

        try
        {
            var title = InputLimits.Check(PageContext.Text(form["title"]), InputLimits.PlanTitle, "标题");
            var result = await imports.ImportAsync(PlanFileReader.Read(bytes, name, imports.Limits), name, year, title, dryRun: true, chaseFromToday: false, ct);
            return Render.Page(new ImportPreviewPage.View(result.Plan, await KeepAsync(), name, result.Preview?.Warnings().ToList() ?? [], result.Preview?.Overdue ?? 0));
        }
        catch (ImportRefusedException ex) when (ex.MissingYear)
        {
            return Render.Page(new ImportYearPage.View(ex.Chinese, await KeepAsync(), name, PageContext.Text(form["title"])));
        }
        catch (BadInputException ex)
        {
            return Refused(ex, "无法解析：");
        }
    }

    private static async Task<IResult> ConfirmAsync(HttpContext http, PlanImportService imports, UploadFolder uploads, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        var upload = form["upload"].ToString();
        if (await uploads.ReadAsync(upload, ct) is not { } bytes)
        {
            return Forms("预览已过期，请重新上传。", StatusCodes.Status400BadRequest);
        }

        var name = Path.GetFileName(form["name"].ToString());
        PlanImportResult result;
        try
        {
            var title = InputLimits.Check(PageContext.Text(form["title"]), InputLimits.PlanTitle, "标题");
            result = await imports.ImportAsync(PlanFileReader.Read(bytes, name, imports.Limits), name, int.TryParse(form["year"], out var y) ? y : null, title, dryRun: false,
                chaseFromToday: form["chaseFromToday"] == "1", ct);
        }
        finally
        {
            // Confirmed or refused, the upload is done with: a retry starts from a new preview.
            uploads.Delete(upload);
        }

        var s = result.Summary!;
        await audit.WriteAsync(time.GetUtcNow(), PageContext.Actor(http), "plan.import", $"plan:{s.PlanId}", new { file = name, s.TasksCreated, s.TasksUpdated }, ct);
        return Render.Notice(
            "导入完成", $"已导入：新增任务 {s.TasksCreated} 项，更新 {s.TasksUpdated} 项，新增时间节点 {s.MilestonesCreated} 个。" + (s.SignaturesCleared > 0 ? PlanImportService.ResignWarning(s.SignaturesCleared, s.UnitsToSignAgain) + "。" : ""), backHref: $"/tasks?plan={s.PlanId}", backLabel: "查看任务");
    }

    private static async Task<IResult> UnitsAsync(HttpContext http, PlanImportService imports, DirectoryStore directory, AuditLog audit, TimeProvider time, IOptions<Infrastructure.Delivery.Robots.RobotOptions> robots, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        var file = form.Files["file"];
        if (file is null || file.Length == 0)
        {
            return Forms("请选择要导入的文件。", StatusCodes.Status400BadRequest);
        }

        // The tabular reader reads by path (and by extension): a private temp file, deleted at once.
        var temp = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + Path.GetExtension(file.FileName).ToLowerInvariant());
        try
        {
            var owner = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                owner.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var stream = new FileStream(temp, owner))
            {
                await file.CopyToAsync(stream, ct);
            }

            var parsed = UnitDirectoryParser.ParseUnits(PlanFileReader.ReadRows(temp, imports.Limits), robots.Value.EffectiveAllowedHosts);
            if (parsed.Errors.Count > 0 || parsed.Entries.Count == 0)
            {
                return Forms("通讯录有误，未写入任何数据：", StatusCodes.Status400BadRequest, parsed.Errors);
            }

            var summary = await directory.SaveUnitsAsync(parsed.Entries, time.GetUtcNow(), ct);
            await audit.WriteAsync(time.GetUtcNow(), PageContext.Actor(http), "units.import", null, new { summary.UnitsCreated, summary.UnitsUpdated }, ct);
            return Forms($"已导入 {parsed.Entries.Count} 个单位：新增 {summary.UnitsCreated}，更新 {summary.UnitsUpdated}，联系人 {summary.ContactsWritten}。");
        }
        catch (BadInputException ex)
        {
            return Refused(ex, "无法读取：");
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
