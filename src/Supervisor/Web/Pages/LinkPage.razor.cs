using System.Collections.Frozen;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Supervisor.Core;
using Supervisor.Core.Calendar;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Links;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Web.Auth;
using Supervisor.Web.Components;
using Supervisor.Web.Evidence;

namespace Supervisor.Web.Pages;

/// <summary>
/// /u/{token}: a department's page from a signed link, no account, read on a phone first. One card per task, the most
/// urgent first, each with its milestones and where they stand (overdue said as <see cref="OverdueText"/> says it,
/// 待审核, 已退回 with the office's reason, 已办结), 序时进度 against the unit's last report, one progress form with
/// 佐证材料 for the whole task, 签收, 申请办结 behind a confirmation (lead units only) and 申请延期 per milestone.
/// It shows and changes only the link's unit's tasks: a tampered, expired or foreign request gets 403. Every change is
/// audited with the actor "link:unit:{id}"; after one the page returns to the item acted on, with a notice naming it.
/// </summary>
public sealed partial class LinkPage
{
    /// <summary>The notices a redirect may ask for, by code: the page never prints text taken from its URL, only ids it looks up.</summary>
    private static readonly FrozenDictionary<string, string> Notices = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["acknowledged"] = "已签收",
        ["progress"] = "进展已报送",
        ["completed"] = "已标记办结",
        ["applied"] = "办结申请已提交，待督查室审核",
        ["extension"] = "延期申请已提交，待督查室审批",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Where a milestone stands for the unit, in words and the colour class the page gives them.</summary>
    public sealed record Standing(string Text, string Css);

    /// <param name="Extension">The open 延期 request on it, if any (at most one per milestone).</param>
    public sealed record MilestoneRow(MilestoneInfo Milestone, Standing Standing, PendingExtension? Extension)
    {
        public bool Open => Milestone.Status == "open";

        public bool AwaitingReview => Milestone.ReviewState == "pending";
    }

    /// <param name="Expected">序时进度 today (<see cref="ScheduleProgress"/>); null without a deadline.</param>
    /// <param name="Notice">The notice of the action just done on this task or one of its milestones.</param>
    /// <param name="Error">Why the action just tried on this task was refused.</param>
    public sealed record TaskCard(UnitTask Task, IReadOnlyList<MilestoneRow> Milestones, double? Expected, bool Behind, string? Notice, string? Error)
    {
        public bool Lead => Task.Role == "lead";

        public bool HasOpen => Milestones.Any(m => m.Open);

        public bool NotSignedFor => Milestones.Any(m => m.Open && !m.Milestone.Acknowledged);

        public string Anchor => TaskAnchor(Task.Id);
    }

    /// <param name="Cards">Tasks with something open, the most urgent first.</param>
    /// <param name="Closed">Tasks whose milestones are all 已办结.</param>
    /// <param name="Error">A refusal that belongs to no task card (shown at the top).</param>
    /// <param name="Notice">A notice that names no task card (shown at the top).</param>
    public sealed record View(
        UnitInfo Unit, string Token, IReadOnlyList<TaskCard> Cards, IReadOnlyList<TaskCard> Closed, int Overdue, int DueToday, int AwaitingReview, int Returned,
        string? Error, string? Notice, bool CompletionNeedsReview, EvidenceOptions Evidence, TimeZoneInfo Zone) : IPageModel<LinkPage>;

    public static void Map(WebApplication app)
    {
        var links = app.MapGroup("/u/{token}").AllowAnonymous().ExcludeFromDescription();
        links.MapGet("", RenderAsync);
        links.MapPost("/milestones/{id:long}/{action}", ActAsync);
        links.MapPost("/tasks/{taskId:long}/progress", ReportAsync).WithMetadata(EvidenceUploadEndpoint.Instance);
        links.MapPost("/tasks/{taskId:long}/acknowledge", AcknowledgeTaskAsync);
        app.MapGet("/static/unit.css", () => Results.Text(UnitCss, "text/css; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();

        // The short form SMS carry: checked, then exchanged for the full link (same unit, same expiry).
        app.MapGet("/s/{code}", (string code, HttpContext http, LinkSigner signer) =>
            signer.VerifyShort(code, out var token) is var check && check == LinkCheck.Valid
                ? Results.Redirect("/u/" + Uri.EscapeDataString(token))
                : Forbidden(http, check.ToString()))
            .AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>The anchor of a task's card; a milestone's is <see cref="LinkSigner.MilestoneAnchor"/>.</summary>
    public static string TaskAnchor(long taskId) => string.Create(CultureInfo.InvariantCulture, $"t{taskId}");

    private static async Task<IResult> RenderAsync(
        string token, string? done, long? m, long? t, int? files, HttpContext http, LinkSigner signer, UnitQueries units, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var check = signer.Verify(token, out var unitId);
        if (check != LinkCheck.Valid || await units.UnitAsync(unitId, ct) is not { } unit)
        {
            return Forbidden(http, check == LinkCheck.Valid ? "unknown unit" : check.ToString());
        }

        await audit.WriteAsync(time.GetUtcNow(), Actor(unitId), "link.view", $"unit:{unitId}", null, ct);
        var notice = done is not null && Notices.TryGetValue(done, out var n) ? new Acted(n, m, t, files ?? 0) : null;
        return Render.Page(await LoadAsync(http, unit, token, notice, null, ct));
    }

    /// <summary>What was just done, to name on the page: the milestone or task acted on, and the files a report carried.</summary>
    private sealed record Acted(string Text, long? MilestoneId, long? TaskId, int Files);

    /// <summary>A refusal: its message, and the task (or milestone) it is shown at.</summary>
    private sealed record Refusal(string Message, long? MilestoneId, long? TaskId);

    private static async Task<View> LoadAsync(HttpContext http, UnitInfo unit, string token, Acted? acted, Refusal? refusal, CancellationToken ct)
    {
        var services = http.RequestServices;
        var milestoneQueries = services.GetRequiredService<MilestoneQueries>();
        var pageQueries = services.GetRequiredService<UnitPageQueries>();
        var engine = services.GetRequiredService<SupervisionEngine>();
        var calendar = await services.GetRequiredService<CalendarStore>().LoadAsync(ct);
        var supervision = services.GetRequiredService<IOptions<SupervisionOptions>>().Value;
        var today = PageContext.Today(engine, services.GetRequiredService<TimeProvider>());

        var milestones = await milestoneQueries.MilestonesOfUnitAsync(unit.Id, openOnly: false, ct);
        var extensions = (await pageQueries.PendingExtensionsAsync(unit.Id, ct)).ToDictionary(e => e.MilestoneId);
        var byTask = milestones.ToLookup(x => x.TaskId);
        var refusalTask = refusal?.TaskId ?? (refusal?.MilestoneId is { } rm ? milestones.FirstOrDefault(x => x.Id == rm)?.TaskId : null);
        var actedTask = acted?.TaskId ?? (acted?.MilestoneId is { } am ? milestones.FirstOrDefault(x => x.Id == am)?.TaskId : null);

        var cards = new List<TaskCard>();
        foreach (var task in await pageQueries.TasksOfUnitAsync(unit.Id, ct))
        {
            var rows = byTask[task.Id].Select(x => new MilestoneRow(x, StandingOf(x, today, calendar), extensions.GetValueOrDefault(x.Id))).ToList();
            var expected = ScheduleProgress.ExpectedPercent(task.PlanYear, task.Deadline is { } d ? DateOnly.FromDateTime(d) : null, today);
            cards.Add(new TaskCard(
                task, rows, expected, ScheduleProgress.IsBehind(task.LastPercent, expected, supervision.BehindSchedulePercent),
                actedTask == task.Id ? NoticeText(acted!, task, rows) : null, refusalTask == task.Id ? refusal!.Message : null));
        }

        // Most urgent first: the earliest due date among milestones still to be done (not done, not waiting for review);
        // tasks with nothing left to do but wait for the office next; all-done tasks folded at the end.
        static DateTime Urgency(TaskCard c) =>
            c.Milestones.Where(r => r.Open && !r.AwaitingReview).Select(r => r.Milestone.DueDate).DefaultIfEmpty(DateTime.MaxValue).Min();
        var open = cards.Where(c => c.HasOpen).OrderBy(Urgency).ToList();
        var openRows = open.SelectMany(c => c.Milestones).Where(r => r.Open).ToList();

        // 待审核 and 已退回 are the lead unit's applications: counted on its page, shown but not counted on a co unit's.
        var leadRows = open.Where(c => c.Lead).SelectMany(c => c.Milestones).Where(r => r.Open).ToList();
        return new View(
            unit, token, open, [.. cards.Where(c => !c.HasOpen)],
            openRows.Count(r => !r.AwaitingReview && DateOnly.FromDateTime(r.Milestone.DueDate) < today),
            openRows.Count(r => !r.AwaitingReview && DateOnly.FromDateTime(r.Milestone.DueDate) == today),
            leadRows.Count(r => r.AwaitingReview),
            leadRows.Count(r => r.Milestone.ReviewState == "returned"),
            refusal is not null && refusalTask is null ? refusal.Message : null,
            acted is not null && actedTask is null ? acted.Text + "。" : null,
            supervision.CompletionNeedsReview,
            services.GetRequiredService<IOptions<EvidenceOptions>>().Value,
            engine.Zone);
    }

    /// <summary>A milestone as the unit reads it: 已办结, 待审核, or how late or near it is (已退回 adds the reason on the page).</summary>
    public static Standing StandingOf(MilestoneInfo m, DateOnly today, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(m);
        var due = DateOnly.FromDateTime(m.DueDate);
        var css = m.Status == "done" ? "green" : m.ReviewState == "pending" ? "blue" : due < today ? "red" : due == today ? "yellow" : "muted";
        return new Standing(Format.Standing(m, today, calendar), css);
    }

    private static string NoticeText(Acted acted, UnitTask task, IReadOnlyList<MilestoneRow> rows)
    {
        var milestone = acted.MilestoneId is { } id ? rows.FirstOrDefault(r => r.Milestone.Id == id)?.Milestone.Title : null;
        var item = milestone is null ? $"{task.Code} {task.Title}" : $"{task.Code} {milestone}";
        var files = acted.Files > 0 ? string.Create(CultureInfo.InvariantCulture, $"（附佐证材料 {acted.Files} 个）") : "";
        return $"“{item}”：{acted.Text}{files}。";
    }

    private static async Task<IResult> ActAsync(
        string token, long id, string action, HttpContext http, LinkSigner signer, UnitQueries units, MilestoneQueries milestones, ProgressStore progress, ExtensionStore extensions,
        TimeProvider time, CancellationToken ct)
    {
        var check = signer.Verify(token, out var unitId);
        if (check != LinkCheck.Valid || !await milestones.UnitOwnsMilestoneAsync(unitId, id, ct) || await units.UnitAsync(unitId, ct) is not { } unit)
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
                        return await RefusedAsync(http, unit, token, new Refusal("只有牵头单位可以申请办结；配合单位请报送进展。", id, null), StatusCodes.Status403Forbidden, ct);
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
            return await RefusedAsync(http, unit, token, new Refusal("未能办理：" + ex.Chinese.TrimEnd('。') + "。", id, null), StatusCodes.Status400BadRequest, ct);
        }

        return Results.Redirect(string.Create(CultureInfo.InvariantCulture, $"/u/{Uri.EscapeDataString(token)}?done={done}&m={id}#{LinkSigner.MilestoneAnchor(id)}"));
    }

    /// <summary>
    /// 报送进展 for a whole task, with 佐证材料: read as it arrives (<see cref="EvidenceUpload"/>: the antiforgery field
    /// checked before the first file, each limit refused as soon as it is passed), then the report and its files stored
    /// in one transaction on the milestone the unit is chased for (<see cref="UnitPageQueries.ReportMilestoneAsync"/>).
    /// A refusal stores nothing and is shown on the page at the task, in Chinese, naming the file and the limit.
    /// </summary>
    private static async Task<IResult> ReportAsync(
        string token, long taskId, HttpContext http, LinkSigner signer, UnitQueries units, UnitPageQueries pageQueries, ProgressStore progress,
        IOptions<EvidenceOptions> evidence, TimeProvider time, CancellationToken ct)
    {
        var check = signer.Verify(token, out var unitId);
        if (check != LinkCheck.Valid || await units.UnitAsync(unitId, ct) is not { } unit)
        {
            return Forbidden(http, check.ToString());
        }

        var milestoneId = await pageQueries.ReportMilestoneAsync(unitId, taskId, ct);
        if (milestoneId is null && !(await pageQueries.TasksOfUnitAsync(unitId, ct)).Any(t => t.Id == taskId))
        {
            return Forbidden(http, $"unit {unitId} is not on task {taskId}");
        }

        EvidenceForm form;
        try
        {
            form = await EvidenceUpload.ReadAsync(http.Request, evidence.Value, EvidenceUploadEndpoint.AntiforgeryBeforeFiles(http), ct);
        }
        catch (EvidenceRefusedException refused)
        {
            return await RefusedAsync(http, unit, token, new Refusal("未能报送：" + refused.Chinese.TrimEnd('。') + "。本次报送未保存，请调整后重新提交。", null, taskId), refused.Status, ct);
        }

        try
        {
            if (milestoneId is null)
            {
                throw new BadInputException("该任务的时间节点均已办结，无需再报送进展");
            }

            var percentText = form.Fields.GetValueOrDefault("percent");
            int? percent = string.IsNullOrWhiteSpace(percentText) ? null
                : int.TryParse(percentText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p
                : throw new BadInputException("进度须为 0 到 100 之间的整数");
            await progress.ReportAsync(milestoneId.Value, percent, PageContext.Text(form.Fields.GetValueOrDefault("note")), unitId, "link", Actor(unitId), time.GetUtcNow(), ct, form.Files);
        }
        catch (BadInputException ex)
        {
            return await RefusedAsync(http, unit, token, new Refusal("未能报送：" + ex.Chinese.TrimEnd('。') + "。", null, taskId), StatusCodes.Status400BadRequest, ct);
        }

        return Results.Redirect(string.Create(CultureInfo.InvariantCulture, $"/u/{Uri.EscapeDataString(token)}?done=progress&t={taskId}&files={form.Files.Count}#{TaskAnchor(taskId)}"));
    }

    /// <summary>签收 a task: every open milestone of it the unit has not signed for yet.</summary>
    private static async Task<IResult> AcknowledgeTaskAsync(
        string token, long taskId, HttpContext http, LinkSigner signer, UnitQueries units, MilestoneQueries milestones, ProgressStore progress, TimeProvider time, CancellationToken ct)
    {
        var check = signer.Verify(token, out var unitId);
        if (check != LinkCheck.Valid || await units.UnitAsync(unitId, ct) is null)
        {
            return Forbidden(http, check.ToString());
        }

        var unsigned = (await milestones.MilestonesOfUnitAsync(unitId, openOnly: true, ct)).Where(m => m.TaskId == taskId).ToList();
        if (unsigned.Count == 0 && !(await milestones.TaskRolesOfUnitAsync(unitId, ct)).ContainsKey(taskId))
        {
            return Forbidden(http, $"unit {unitId} is not on task {taskId}");
        }

        var now = time.GetUtcNow();
        foreach (var m in unsigned.Where(m => !m.Acknowledged))
        {
            await progress.AcknowledgeAsync(m.Id, unitId, "link", Actor(unitId), now, ct);
        }

        return Results.Redirect(string.Create(CultureInfo.InvariantCulture, $"/u/{Uri.EscapeDataString(token)}?done=acknowledged&t={taskId}#{TaskAnchor(taskId)}"));
    }

    /// <summary>Nothing was changed: the unit's page again, with the reason at the item it concerns.</summary>
    private static async Task<RazorComponentResult<LinkPage>> RefusedAsync(HttpContext http, UnitInfo unit, string token, Refusal refusal, int status, CancellationToken ct) =>
        Render.Page(await LoadAsync(http, unit, token, null, refusal, ct), status);

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
