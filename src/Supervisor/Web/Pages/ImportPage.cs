using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Supervisor.Core;
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
        <label>文件（txt/md/docx/xlsx/csv） <input type="file" name="file" required></label>
        <label>年度 <input name="year" size="6" placeholder="自动识别"></label>
        <label>标题 <input name="title" placeholder="自动识别" maxlength="{InputLimits.PlanTitle}"></label>
        <button type="submit">解析预览</button></form></section>
        <section><h2>导入单位通讯录</h2>
        <form method="post" action="/import/units" enctype="multipart/form-data" class="filters">{Html.Token(http)}
        <label>文件（xlsx/csv：单位名称, 别名, 类型, 联络员, 联络员手机…） <input type="file" name="file" required></label>
        <button type="submit">导入</button></form></section>
        """;

    private static async Task<IResult> PreviewAsync(HttpContext http, PlanImportService imports, UploadFolder uploads, CancellationToken ct)
    {
        var form = await PageContext.FormAsync(http, ct);
        var file = form.Files["file"];
        if (file is null || file.Length == 0)
        {
            return Html.Page(http, "导入", Forms(http, "请选择要导入的文件。"), StatusCodes.Status400BadRequest);
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        var name = Path.GetFileName(file.FileName);
        int? year = int.TryParse(form["year"], out var y) ? y : null;
        try
        {
            var title = InputLimits.Check(PageContext.Text(form["title"]), InputLimits.PlanTitle, "标题");
            var result = await imports.ImportAsync(PlanFileReader.Read(bytes, name), name, year, title, dryRun: true, ct);

            // The upload waits on disk under a random id until confirmed; the id is all the confirm form carries.
            var id = await uploads.SaveAsync(bytes, ct);
            var plan = result.Plan;
            var body = new StringBuilder();
            body.Append("<p>").Append(Html.E($"{plan.Year} 年《{plan.Title}》：{plan.Tasks.Count} 项任务，{plan.Tasks.Sum(t => t.Milestones.Count)} 个时间节点，{plan.Units.Count} 个单位。")).Append("</p>");
            body.Append("<section><h2>警告（").Append(plan.Warnings.Count).Append("）</h2><ul>");
            foreach (var w in plan.Warnings)
            {
                body.Append("<li>第 ").Append(w.Line).Append(" 行：").Append(Html.E(w.Message)).Append("</li>");
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
        catch (BadInputException ex)
        {
            return Html.Page(http, "导入", Forms(http, Html.E("无法解析：" + ex.Message)), StatusCodes.Status400BadRequest);
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
            result = await imports.ImportAsync(PlanFileReader.Read(bytes, name), name, int.TryParse(form["year"], out var y) ? y : null, title, dryRun: false, ct);
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

    private static async Task<IResult> UnitsAsync(HttpContext http, DirectoryStore directory, AuditLog audit, TimeProvider time, IOptions<Infrastructure.Delivery.Robots.RobotOptions> robots, CancellationToken ct)
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

            var parsed = UnitDirectoryParser.ParseUnits(PlanFileReader.ReadRows(temp), robots.Value.EffectiveAllowedHosts);
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
            return Html.Page(http, "导入", Forms(http, Html.E("无法读取：" + ex.Message)), StatusCodes.Status400BadRequest);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
