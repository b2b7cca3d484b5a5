using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Supervisor.Core;
using Supervisor.Core.Import;
using Supervisor.Core.Units;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Import;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;

namespace Supervisor.Web.Pages;

/// <summary>导入: upload a plan → preview what would be stored, with warnings → confirm; upload the unit directory.</summary>
public static class ImportPage
{
    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/import", (HttpContext http) => Html.Page(http, "导入", Forms(http, null)));
        pages.MapPost("/import/preview", PreviewAsync).RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/import/confirm", ConfirmAsync).RequireAuthorization(ConsolePolicies.Act);
        pages.MapPost("/import/units", UnitsAsync).RequireAuthorization(ConsolePolicies.Act);
    }

    private static string Forms(HttpContext http, string? message) =>
        (message is null ? "" : $"<p class=\"notice\">{message}</p>") + $"""
        <section><h2>导入工作方案</h2>
        <form method="post" action="/import/preview" enctype="multipart/form-data" class="filters">{Html.Token(http)}
        <label>文件（docx/pdf/html/txt/md/xlsx/csv） <input type="file" name="file" required></label>
        <label>年度 <input name="year" size="6" placeholder="自动识别"></label>
        <label>标题 <input name="title" placeholder="自动识别" maxlength="{InputLimits.PlanTitle}"></label>
        <button type="submit">解析预览</button></form></section>
        <section><h2>导入单位通讯录</h2>
        <form method="post" action="/import/units" enctype="multipart/form-data" class="filters">{Html.Token(http)}
        <label>文件（xlsx/csv：单位名称, 别名, 类型, 联络员, 联络员手机…） <input type="file" name="file" required></label>
        <button type="submit">导入</button></form></section>
        """;

    /// <summary>A refused file: the Chinese reason when the reader gave one (413 for a file past a size limit), else the English line.</summary>
    private static IResult Refused(HttpContext http, BadInputException ex, string prefix) => ex is ImportRefusedException refused
        ? Html.Page(http, "导入", Forms(http, Html.E(refused.Chinese)), refused.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest)
        : Html.Page(http, "导入", Forms(http, Html.E(prefix + ex.Message)), StatusCodes.Status400BadRequest);

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
            return Html.Page(http, "导入", Forms(http, "请选择要导入的文件。"), StatusCodes.Status400BadRequest);
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
            var result = await imports.ImportAsync(PlanFileReader.Read(bytes, name, imports.Limits), name, year, title, dryRun: true, ct);
            await KeepAsync();
            var plan = result.Plan;
            var body = new StringBuilder();
            body.Append("<p>").Append(Html.E($"{plan.Year} 年《{plan.Title}》：{plan.Tasks.Count} 项任务，{plan.Tasks.Sum(t => t.Milestones.Count)} 个时间节点，{plan.Units.Count} 个单位。")).Append("</p>");
            var beforeConfirming = result.Preview?.Warnings().ToList() ?? [];
            if (beforeConfirming.Count > 0)
            {
                body.Append("<section class=\"notice\"><h2>确认前请注意</h2><ul>");
                foreach (var w in beforeConfirming)
                {
                    body.Append("<li>").Append(Html.E(w.Message)).Append("</li>");
                }

                body.Append("</ul></section>");
            }

            body.Append("<section><h2>警告（").Append(plan.Warnings.Count).Append("）</h2><ul>");
            foreach (var w in plan.Warnings)
            {
                body.Append("<li>").Append(w.Line > 0 ? $"第 {w.Line} 行：" : "").Append(Html.E(w.Message)).Append("</li>");
            }

            body.Append("</ul></section>");
            body.Append(CultureInfo.InvariantCulture, $"""
                <form method="post" action="/import/confirm">{Html.Token(http)}
                <input type="hidden" name="upload" value="{id}"><input type="hidden" name="name" value="{Html.E(name)}">
                <input type="hidden" name="year" value="{plan.Year}"><input type="hidden" name="title" value="{Html.E(plan.Title)}">
                <button type="submit">确认导入</button> <a href="/import">放弃</a></form>
                """);
            Html.Table(body, ["编号", "任务", "牵头单位", "配合单位", "完成时限", "节点数"], plan.Tasks.Select(t => (IReadOnlyList<string>)
                [Html.E(t.Source.Code), Html.E(t.Source.Title), Html.E(string.Join("、", t.LeadUnits)), Html.E(string.Join("、", t.CoUnits)), Html.Date(t.Deadline), Html.N(t.Milestones.Count)]));
            return Html.Page(http, "导入预览", body.ToString());
        }
        catch (ImportRefusedException ex) when (ex.MissingYear)
        {
            var upload = await KeepAsync();
            return Html.Page(http, "导入", $"""
                <p class="notice">{Html.E(ex.Chinese)}</p>
                <section><h2>填写年度</h2>
                <form method="post" action="/import/preview" enctype="multipart/form-data" class="filters">{Html.Token(http)}
                <input type="hidden" name="upload" value="{upload}"><input type="hidden" name="name" value="{Html.E(name)}">
                <label>文件 {Html.E(name)}（已上传，无需重新选择）</label>
                <label>年度 <input name="year" size="6" inputmode="numeric" pattern="[0-9]+" required autofocus></label>
                <label>标题 <input name="title" value="{Html.E(PageContext.Text(form["title"]) ?? "")}" placeholder="自动识别" maxlength="{InputLimits.PlanTitle}"></label>
                <button type="submit">解析预览</button> <a href="/import">放弃</a></form></section>
                """);
        }
        catch (BadInputException ex)
        {
            return Refused(http, ex, "无法解析：");
        }
    }

    private static async Task<IResult> ConfirmAsync(HttpContext http, PlanImportService imports, UploadFolder uploads, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        var upload = form["upload"].ToString();
        if (await uploads.ReadAsync(upload, ct) is not { } bytes)
        {
            return Html.Page(http, "导入", Forms(http, "预览已过期，请重新上传。"), StatusCodes.Status400BadRequest);
        }

        var name = Path.GetFileName(form["name"].ToString());
        PlanImportResult result;
        try
        {
            var title = InputLimits.Check(PageContext.Text(form["title"]), InputLimits.PlanTitle, "标题");
            result = await imports.ImportAsync(PlanFileReader.Read(bytes, name, imports.Limits), name, int.TryParse(form["year"], out var y) ? y : null, title, dryRun: false, ct);
        }
        finally
        {
            // Confirmed or refused, the upload is done with: a retry starts from a new preview.
            uploads.Delete(upload);
        }

        var s = result.Summary!;
        await audit.WriteAsync(time.GetUtcNow(), PageContext.Actor(http), "plan.import", $"plan:{s.PlanId}", new { file = name, s.TasksCreated, s.TasksUpdated }, ct);
        return Html.Page(http, "导入完成", $"<p>已导入：新增任务 {s.TasksCreated} 项，更新 {s.TasksUpdated} 项，新增时间节点 {s.MilestonesCreated} 个。<a href=\"/tasks?plan={s.PlanId}\">查看任务</a></p>");
    }

    private static async Task<IResult> UnitsAsync(HttpContext http, PlanImportService imports, DirectoryStore directory, AuditLog audit, TimeProvider time, IOptions<Infrastructure.Delivery.Robots.RobotOptions> robots, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        var file = form.Files["file"];
        if (file is null || file.Length == 0)
        {
            return Html.Page(http, "导入", Forms(http, "请选择要导入的文件。"), StatusCodes.Status400BadRequest);
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
                var errors = string.Join("", parsed.Errors.Select(e => $"<li>第 {e.Row} 行：{Html.E(e.Message)}</li>"));
                return Html.Page(http, "导入", Forms(http, $"通讯录有误，未写入任何数据：<ul>{errors}</ul>"), StatusCodes.Status400BadRequest);
            }

            var summary = await directory.SaveUnitsAsync(parsed.Entries, time.GetUtcNow(), ct);
            await audit.WriteAsync(time.GetUtcNow(), PageContext.Actor(http), "units.import", null, new { summary.UnitsCreated, summary.UnitsUpdated }, ct);
            return Html.Page(http, "导入", Forms(http, $"已导入 {parsed.Entries.Count} 个单位：新增 {summary.UnitsCreated}，更新 {summary.UnitsUpdated}，联系人 {summary.ContactsWritten}。"));
        }
        catch (BadInputException ex)
        {
            return Refused(http, ex, "无法读取：");
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
