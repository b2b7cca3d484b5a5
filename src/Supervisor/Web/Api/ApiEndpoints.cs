using System.Globalization;
using System.Security.Claims;
using Supervisor.Core;
using Supervisor.Core.Engine;
using Microsoft.Extensions.Options;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Jobs;
using Supervisor.Web.Auth;

namespace Supervisor.Web.Api;

public sealed record UnitDto(long Id, string Name, string Kind, bool Paused);

public sealed record RateDto(
    long UnitId, string Unit, int Rank, int Due, int OnTime, int Late, int OverdueOpen, double? CompletionRate, double? OnTimeRate,
    int WorstOverdueWorkingDays, string Light);

public sealed record RatesDto(string AsOf, IReadOnlyList<RateDto> Units);

public sealed record TaskDto(long Id, long PlanId, string Plan, string Code, string Title, string? Section, string? LeadUnits, string? CoUnits, string? Leaders, string? Deadline, bool Paused);

public sealed record MilestoneDto(long Id, long TaskId, string TaskCode, string Key, string Kind, string Title, string DueDate, string OriginalDueDate, string Status, DateTimeOffset? CompletedAt, int? LatestPercent);

public sealed record TaskDetailDto(TaskDto Task, IReadOnlyList<MilestoneDto> Milestones);

public sealed record ProgressRequest(int? Percent, string? Note);

public sealed record ProgressResponse(long Id, long MilestoneId);

public sealed record CompletionResponse(long MilestoneId, string DueDate, DateTimeOffset CompletedAt, bool OnTime, bool AlreadyDone);

public sealed record JobDto(string Name, string Cron, string Rule, string TimeZone, bool Enabled, DateTimeOffset? NextFire, DateTimeOffset? PreviousFire, string State, string? LastOutcome, DateTimeOffset? LastStartedAt);

public sealed record MessageDto(long Id, string Channel, string Kind, string LocalDate, string Recipient, long? UnitId, string? Subject, string State, int Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);

public sealed record TokenRequest(string? Name);

public sealed record TokenResponse(long UnitId, string Name, string Token, DateTimeOffset ExpiresAt);

public sealed record ReopenRequest(string? Reason);

/// <summary>
/// JSON under /api: staff by cookie, or a unit's system by bearer token (progress and completion of its own milestones
/// only). Errors are problem details; validation errors name the field for machines and say what is wrong in Chinese.
/// </summary>
public static class ApiEndpoints
{
    public const string ReportPolicy = "report";

    public static WebApplication MapSupervisorApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").WithTags("Supervisor");
        var staff = api.MapGroup("").RequireAuthorization(ConsolePolicies.Staff);
        staff.MapGet("/units", UnitsAsync);
        staff.MapGet("/units/{id:long}", UnitAsync);
        staff.MapGet("/rates", RatesAsync);
        staff.MapGet("/tasks", TasksAsync);
        staff.MapGet("/tasks/{id:long}", TaskAsync);
        staff.MapGet("/jobs", JobsAsync);
        staff.MapGet("/messages", MessagesAsync);
        staff.MapPost("/messages/{id:long}/retry", RetryAsync).RequireAuthorization(ConsolePolicies.Act);
        staff.MapPost("/jobs/{name}/trigger", (string name, HttpContext http, JobControl jobs, CancellationToken ct) => JobActionAsync(jobs.TriggerAsync, name, http, ct))
            .RequireAuthorization(ConsolePolicies.Admin);
        staff.MapPost("/jobs/{name}/pause", (string name, HttpContext http, JobControl jobs, CancellationToken ct) => JobActionAsync(jobs.PauseAsync, name, http, ct))
            .RequireAuthorization(ConsolePolicies.Admin);
        staff.MapPost("/jobs/{name}/resume", (string name, HttpContext http, JobControl jobs, CancellationToken ct) => JobActionAsync(jobs.ResumeAsync, name, http, ct))
            .RequireAuthorization(ConsolePolicies.Admin);
        staff.MapPost("/units/{id:long}/tokens", CreateTokenAsync).RequireAuthorization(ConsolePolicies.Admin);
        staff.MapPost("/tokens/{tokenId:long}/revoke", RevokeTokenAsync).RequireAuthorization(ConsolePolicies.Admin);
        staff.MapPost("/milestones/{id:long}/reopen", ReopenAsync).RequireAuthorization(ConsolePolicies.Act);

        // Staff who act, or a unit's token on its own milestones.
        var report = api.MapGroup("").RequireAuthorization(ReportPolicy);
        report.MapGet("/milestones", MilestonesAsync);
        report.MapPost("/milestones/{id:long}/progress", ProgressAsync);
        report.MapPost("/milestones/{id:long}/complete", CompleteAsync);
        return app;
    }

    private static long? TokenUnit(ClaimsPrincipal user) =>
        user.IsInRole(ConsolePolicies.UnitRole) && long.TryParse(user.FindFirstValue(ConsolePolicies.UnitIdClaim), CultureInfo.InvariantCulture, out var id) ? id : null;

    private static string Actor(HttpContext http) => http.User.Identity?.Name ?? "api";

    private static string Day(DateTime date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Utc(DateTime? utc) => utc is { } u ? new DateTimeOffset(DateTime.SpecifyKind(u, DateTimeKind.Utc)) : null;

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "请求参数有误");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string what) => TypedResults.Problem(title: "未找到", detail: what, statusCode: StatusCodes.Status404NotFound);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Forbidden(string detail) => TypedResults.Problem(title: "无权访问", detail: detail, statusCode: StatusCodes.Status403Forbidden);

    private static TaskDto ToDto(TaskInfo t) => new(t.Id, t.PlanId, $"{t.PlanYear} {t.PlanTitle}", t.Code, t.Title, t.Section, t.LeadUnits, t.CoUnits, t.Leaders, t.Deadline is { } d ? Day(d) : null, t.PausedAt is not null);

    private static MilestoneDto ToDto(MilestoneInfo m) =>
        new(m.Id, m.TaskId, m.TaskCode, m.Key, m.Kind, m.Title, Day(m.DueDate), Day(m.OriginalDueDate), m.Status, Utc(m.CompletedAt), m.LatestPercent);

    private static async Task<IResult> UnitsAsync(UnitQueries unitQueries, CancellationToken ct) =>
        TypedResults.Ok((await unitQueries.UnitsAsync(ct)).Select(u => new UnitDto(u.Id, u.Name, u.Kind, u.PausedAt is not null)).ToList());

    private static async Task<IResult> UnitAsync(long id, UnitQueries unitQueries, CancellationToken ct) =>
        await unitQueries.UnitAsync(id, ct) is { } u ? TypedResults.Ok(new UnitDto(u.Id, u.Name, u.Kind, u.PausedAt is not null)) : NotFound($"单位 {id} 不存在");

    /// <param name="asOf">yyyy-MM-dd; today in the office's zone when omitted.</param>
    private static async Task<IResult> RatesAsync(string? asOf, SupervisionEngine engine, TimeProvider time, CancellationToken ct)
    {
        DateOnly date;
        if (string.IsNullOrEmpty(asOf))
        {
            date = engine.LocalDate(time.GetUtcNow());
        }
        else if (!DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return Invalid("asOf", "日期格式应为 yyyy-MM-dd，例如 2026-06-30");
        }

        var rates = await engine.RatesAsync(date, ct);
        return TypedResults.Ok(new RatesDto(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), [.. rates.Select(r => new RateDto(
            r.UnitId, r.Unit, r.Rank, r.Lead.Due, r.Lead.OnTime, r.Lead.Late, r.Lead.OverdueOpen,
            r.Lead.CompletionRate is { } c ? Math.Round(c, 4) : null, r.Lead.OnTimeRate is { } o ? Math.Round(o, 4) : null,
            r.WorstOverdueWorkingDays, r.Light.ToString().ToLowerInvariant()))]));
    }

    private static async Task<IResult> TasksAsync(long? plan, long? unit, long? leader, string? section, string? q, TaskQueries taskQueries, CancellationToken ct) =>
        TypedResults.Ok((await taskQueries.TasksAsync(new TaskFilter(plan, section, unit, leader, string.IsNullOrWhiteSpace(q) ? null : q.Trim()), ct)).Select(ToDto).ToList());

    private static async Task<IResult> TaskAsync(long id, TaskQueries taskQueries, MilestoneQueries milestoneQueries, CancellationToken ct)
    {
        var task = await taskQueries.TaskAsync(id, ct);
        return task is null ? NotFound($"任务 {id} 不存在") : TypedResults.Ok(new TaskDetailDto(ToDto(task), [.. (await milestoneQueries.MilestonesOfTaskAsync(id, ct)).Select(ToDto)]));
    }

    /// <summary>A unit token sees its own unit's milestones; staff pass <c>unit</c> or get the open ones due before <c>dueBefore</c>.</summary>
    private static async Task<IResult> MilestonesAsync(HttpContext http, long? unit, string? dueBefore, bool? open, MilestoneQueries milestoneQueries, CancellationToken ct)
    {
        var own = TokenUnit(http.User);
        if (own is not null && unit is not null && unit != own)
        {
            return Forbidden("令牌只能查看本单位的时间节点");
        }

        DateOnly? before = null;
        if (!string.IsNullOrEmpty(dueBefore))
        {
            if (!DateOnly.TryParseExact(dueBefore, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                return Invalid("dueBefore", "日期格式应为 yyyy-MM-dd");
            }

            before = d;
        }

        var scope = own ?? unit;
        var rows = scope is { } u ? await milestoneQueries.MilestonesOfUnitAsync(u, open ?? false, ct) : await milestoneQueries.MilestonesAsync(before, open ?? false, ct);
        return TypedResults.Ok(rows.Where(m => before is null || DateOnly.FromDateTime(m.DueDate) < before).Select(ToDto).ToList());
    }

    private static async Task<IResult?> CheckScopeAsync(HttpContext http, long milestoneId, MilestoneQueries milestoneQueries, CancellationToken ct)
    {
        if (await milestoneQueries.MilestoneAsync(milestoneId, ct) is null)
        {
            return NotFound($"时间节点 {milestoneId} 不存在");
        }

        return TokenUnit(http.User) is { } unit && !await milestoneQueries.UnitOwnsMilestoneAsync(unit, milestoneId, ct)
            ? Forbidden("令牌只能报送本单位的时间节点")
            : null;
    }

    private static async Task<IResult> ProgressAsync(long id, ProgressRequest request, HttpContext http, MilestoneQueries milestoneQueries, ProgressStore progress, TimeProvider time, CancellationToken ct)
    {
        if (request.Percent is < 0 or > 100)
        {
            return Invalid("percent", "进度须在 0 到 100 之间");
        }

        if (request.Percent is null && string.IsNullOrWhiteSpace(request.Note))
        {
            return Invalid("percent", "请填写进度百分比或进展说明");
        }

        if (await CheckScopeAsync(http, id, milestoneQueries, ct) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        var unit = TokenUnit(http.User);
        var source = unit is null ? "console" : "api";
        var reportId = await progress.ReportAsync(id, request.Percent, request.Note, unit, source, Actor(http), now, ct);
        return TypedResults.Created($"/api/milestones/{id}", new ProgressResponse(reportId, id));
    }

    /// <summary>办结 belongs to the lead unit (and staff): a co-unit's token reports progress only.</summary>
    private static async Task<IResult> CompleteAsync(long id, HttpContext http, MilestoneQueries milestoneQueries, ProgressStore progress, TimeZoneInfo zone, TimeProvider time, CancellationToken ct)
    {
        if (await CheckScopeAsync(http, id, milestoneQueries, ct) is { } refused)
        {
            return refused;
        }

        if (TokenUnit(http.User) is { } unit && !await milestoneQueries.UnitLeadsMilestoneAsync(unit, id, ct))
        {
            return Forbidden("只有牵头单位可以办结；配合单位请报送进展");
        }

        var result = await progress.CompleteAsync(id, time.GetUtcNow(), zone, TokenUnit(http.User) is null ? "console" : "api", Actor(http), ct);
        return TypedResults.Ok(new CompletionResponse(result.MilestoneId, result.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), result.CompletedAt, result.OnTime, result.AlreadyDone));
    }

    /// <summary>Staff reopen a milestone marked done by mistake; audited with the reason.</summary>
    private static async Task<IResult> ReopenAsync(long id, ReopenRequest request, HttpContext http, MilestoneQueries milestoneQueries, ProgressStore progress, TimeProvider time, CancellationToken ct)
    {
        if (await milestoneQueries.MilestoneAsync(id, ct) is null)
        {
            return NotFound($"时间节点 {id} 不存在");
        }

        if (request.Reason is { Length: > InputLimits.DecisionNote })
        {
            return Invalid("reason", $"理由不能超过 {InputLimits.DecisionNote} 个字符");
        }

        return await progress.ReopenAsync(id, request.Reason, Actor(http), time.GetUtcNow(), ct)
            ? TypedResults.Ok(ToDto((await milestoneQueries.MilestoneAsync(id, ct))!))
            : TypedResults.Problem(title: "无法重新打开", detail: $"时间节点 {id} 尚未办结", statusCode: StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> JobsAsync(JobControl jobs, CancellationToken ct) =>
        TypedResults.Ok((await jobs.ListAsync(ct)).Select(j => new JobDto(
            j.Name, j.Cron, j.Rule.ToString(), j.TimeZone, j.Enabled, j.NextEffectiveFire, j.PreviousFire, j.State, j.LastRun?.Outcome, j.LastRun?.StartedAt)).ToList());

    private static async Task<IResult> JobActionAsync(Func<string, string, CancellationToken, Task> action, string name, HttpContext http, CancellationToken ct)
    {
        try
        {
            await action(name, Actor(http), ct);
            return TypedResults.Accepted($"/api/jobs");
        }
        catch (BadInputException ex)
        {
            return NotFound(ex.Message);
        }
    }

    private static async Task<IResult> MessagesAsync(string? state, string? channel, string? kind, long? unit, int? limit, MessageQueries messageQueries, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
        {
            return Invalid("limit", "limit 须在 1 到 1000 之间");
        }

        var rows = await messageQueries.MessagesAsync(state, channel, kind, unit, null, limit ?? 200, ct);
        return TypedResults.Ok(rows.Select(m => new MessageDto(
            m.Id, m.Channel, m.Kind, Day(m.LocalDate), Infrastructure.Delivery.SecretMask.Address(m.Channel, m.RecipientAddress), m.UnitId, m.Subject, m.State, m.Attempts, m.LastError, Utc(m.CreatedAt)!.Value, Utc(m.SentAt))).ToList());
    }

    private static async Task<IResult> RetryAsync(long id, HttpContext http, Infrastructure.Delivery.OutboxStore outbox, TimeProvider time, CancellationToken ct) =>
        await outbox.RetryMessageAsync(id, Actor(http), time.GetUtcNow(), ct)
            ? TypedResults.Accepted($"/api/messages/{id}")
            : TypedResults.Problem(title: "无法重发", detail: $"消息 {id} 不存在或不处于“已放弃”（dead）状态", statusCode: StatusCodes.Status409Conflict);

    /// <summary>Issues a unit API token; the clear token is in this response only.</summary>
    private static async Task<IResult> CreateTokenAsync(
        long id, TokenRequest request, HttpContext http, UnitQueries unitQueries, UnitTokenStore tokens, IOptions<ConsoleOptions> options, TimeProvider time, CancellationToken ct)
    {
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > InputLimits.Name)
        {
            return Invalid("name", $"令牌名称须为 1 到 {InputLimits.Name} 个字符");
        }

        if (await unitQueries.UnitAsync(id, ct) is null)
        {
            return NotFound($"单位 {id} 不存在");
        }

        var now = time.GetUtcNow();
        var expiresAt = now + options.Value.UnitTokenLifetime;
        var token = await tokens.CreateAsync(id, name, Actor(http), now, expiresAt, ct);
        return TypedResults.Created($"/api/units/{id}", new TokenResponse(id, name, token, expiresAt));
    }

    /// <summary>Revokes a unit API token at once: its next call gets 401.</summary>
    private static async Task<IResult> RevokeTokenAsync(long tokenId, HttpContext http, UnitTokenStore tokens, TimeProvider time, CancellationToken ct) =>
        await tokens.RevokeAsync(tokenId, Actor(http), time.GetUtcNow(), ct) is not null
            ? TypedResults.NoContent()
            : NotFound($"令牌 {tokenId} 不存在或已撤销");
}
