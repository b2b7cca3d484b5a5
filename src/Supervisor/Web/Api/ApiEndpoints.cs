using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Supervisor.Core;
using Supervisor.Core.Engine;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Delivery;
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

/// <param name="ReviewState">null, "pending" (办结 applied, 待审核) or "returned" (退回, <paramref name="ReturnReason"/> says why).</param>
public sealed record MilestoneDto(
    long Id, long TaskId, string TaskCode, string Key, string Kind, string Title, string DueDate, string OriginalDueDate, string Status, DateTimeOffset? CompletedAt, int? LatestPercent,
    string? ReviewState, string? ReturnReason);

public sealed record TaskDetailDto(TaskDto Task, IReadOnlyList<MilestoneDto> Milestones);

public sealed record ProgressRequest(int? Percent, string? Note);

public sealed record ProgressResponse(long Id, long MilestoneId);

public sealed record CompletionResponse(long MilestoneId, string DueDate, DateTimeOffset CompletedAt, bool OnTime, bool AlreadyDone);

/// <summary>A unit's 办结 made an application the office reviews (State "pending").</summary>
public sealed record CompletionApplicationResponse(long MilestoneId, long ApplicationId, string State);

public sealed record JobDto(string Name, string Cron, string Rule, string TimeZone, bool Enabled, DateTimeOffset? NextFire, DateTimeOffset? PreviousFire, string State, string? LastOutcome, DateTimeOffset? LastStartedAt);

public sealed record MessageDto(long Id, string Channel, string Kind, string LocalDate, string Recipient, long? UnitId, string? Subject, string State, int Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);

public sealed record TokenRequest(string? Name);

public sealed record TokenResponse(long UnitId, string Name, string Token, DateTimeOffset ExpiresAt);

public sealed record ReopenRequest(string? Reason);

/// <summary>Query of <c>GET /api/tasks</c>: every filter optional.</summary>
public sealed record TaskListQuery(
    [FromQuery(Name = "plan")] long? Plan,
    [FromQuery(Name = "unit")] long? Unit,
    [FromQuery(Name = "leader")] long? Leader,
    [FromQuery(Name = "section")] string? Section,
    [FromQuery(Name = "q")] string? Q);

/// <summary>Query of <c>GET /api/milestones</c>.</summary>
public sealed record MilestoneListQuery(
    [FromQuery(Name = "unit")] long? Unit,
    [FromQuery(Name = "dueBefore")] string? DueBefore,
    [FromQuery(Name = "open")] bool? Open);

/// <summary>Query of <c>GET /api/messages</c>.</summary>
public sealed record MessageListQuery(
    [FromQuery(Name = "state")] string? State,
    [FromQuery(Name = "channel")] string? Channel,
    [FromQuery(Name = "kind")] string? Kind,
    [FromQuery(Name = "unit")] long? Unit,
    [FromQuery(Name = "limit")] int? Limit);

/// <summary>What the handlers on one milestone need besides its id and body: the caller, the stores and the clock.</summary>
public sealed record MilestoneContext(HttpContext Http, MilestoneQueries Milestones, ProgressStore Progress, TimeProvider Time, TimeZoneInfo Zone, CancellationToken Ct);

/// <summary>
/// JSON under /api: staff by cookie, or a unit's system by bearer token (progress and completion of its own milestones
/// only). Errors are problem details; validation errors name the field for machines and say what is wrong in Chinese.
/// Handlers return typed results so the OpenAPI document (/openapi/v1.json) describes every response.
/// </summary>
public static class ApiEndpoints
{
    public const string ReportPolicy = "report";

    public static WebApplication MapSupervisorApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").WithTags("Supervisor");
        var staff = api.MapGroup("").RequireAuthorization(ConsolePolicies.Staff);
        staff.MapGet("/units", UnitsAsync);
        staff.MapGet("/units/{id:long}", UnitAsync).ProducesProblem(StatusCodes.Status404NotFound);
        staff.MapGet("/rates", RatesAsync);
        staff.MapGet("/tasks", TasksAsync);
        staff.MapGet("/tasks/{id:long}", TaskAsync).ProducesProblem(StatusCodes.Status404NotFound);
        staff.MapGet("/jobs", JobsAsync);
        staff.MapGet("/messages", MessagesAsync);
        staff.MapPost("/messages/{id:long}/retry", RetryAsync).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(ConsolePolicies.Act);
        staff.MapPost("/jobs/{name}/trigger", (string name, HttpContext http, JobControl jobs, CancellationToken ct) => JobActionAsync(jobs.TriggerAsync, name, http, ct))
            .ProducesProblem(StatusCodes.Status404NotFound).RequireAuthorization(ConsolePolicies.Admin);
        staff.MapPost("/jobs/{name}/pause", (string name, HttpContext http, JobControl jobs, CancellationToken ct) => JobActionAsync(jobs.PauseAsync, name, http, ct))
            .ProducesProblem(StatusCodes.Status404NotFound).RequireAuthorization(ConsolePolicies.Admin);
        staff.MapPost("/jobs/{name}/resume", (string name, HttpContext http, JobControl jobs, CancellationToken ct) => JobActionAsync(jobs.ResumeAsync, name, http, ct))
            .ProducesProblem(StatusCodes.Status404NotFound).RequireAuthorization(ConsolePolicies.Admin);
        staff.MapPost("/units/{id:long}/tokens", CreateTokenAsync).ProducesProblem(StatusCodes.Status404NotFound).RequireAuthorization(ConsolePolicies.Admin);
        staff.MapPost("/tokens/{tokenId:long}/revoke", RevokeTokenAsync).ProducesProblem(StatusCodes.Status404NotFound).RequireAuthorization(ConsolePolicies.Admin);
        staff.MapPost("/milestones/{id:long}/reopen", ReopenAsync)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(ConsolePolicies.Act);

        // Staff who act, or a unit's token on its own milestones.
        var report = api.MapGroup("").RequireAuthorization(ReportPolicy);
        report.MapGet("/milestones", MilestonesAsync).ProducesProblem(StatusCodes.Status403Forbidden);
        report.MapPost("/milestones/{id:long}/progress", ProgressAsync).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        report.MapPost("/milestones/{id:long}/complete", CompleteAsync)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static long? TokenUnit(ClaimsPrincipal user) =>
        user.IsInRole(ConsolePolicies.UnitRole) && long.TryParse(user.FindFirstValue(ConsolePolicies.UnitIdClaim), CultureInfo.InvariantCulture, out var id) ? id : null;

    private static string Actor(HttpContext http) => http.User.Identity?.Name ?? "api";

    private static string Day(DateTime date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Utc(DateTime? utc) => utc is { } u ? new DateTimeOffset(DateTime.SpecifyKind(u, DateTimeKind.Utc)) : null;

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "请求参数有误");

    private static ProblemHttpResult NotFound(string what) => TypedResults.Problem(title: "未找到", detail: what, statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult Forbidden(string detail) => TypedResults.Problem(title: "无权访问", detail: detail, statusCode: StatusCodes.Status403Forbidden);

    private static ProblemHttpResult Conflict(string title, string detail) => TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict);

    private static TaskDto ToDto(TaskInfo t) => new(t.Id, t.PlanId, $"{t.PlanYear} {t.PlanTitle}", t.Code, t.Title, t.Section, t.LeadUnits, t.CoUnits, t.Leaders, t.Deadline is { } d ? Day(d) : null, t.PausedAt is not null);

    private static MilestoneDto ToDto(MilestoneInfo m) =>
        new(m.Id, m.TaskId, m.TaskCode, m.Key, m.Kind, m.Title, Day(m.DueDate), Day(m.OriginalDueDate), m.Status, Utc(m.CompletedAt), m.LatestPercent, m.ReviewState, m.ReturnReason);

    private static UnitDto ToDto(UnitInfo u) => new(u.Id, u.Name, u.Kind, u.PausedAt is not null);

    private static async Task<Ok<List<UnitDto>>> UnitsAsync(UnitQueries units, CancellationToken ct) =>
        TypedResults.Ok((await units.UnitsAsync(ct)).Select(ToDto).ToList());

    private static async Task<Results<Ok<UnitDto>, ProblemHttpResult>> UnitAsync(long id, UnitQueries units, CancellationToken ct) =>
        await units.UnitAsync(id, ct) is { } u ? TypedResults.Ok(ToDto(u)) : NotFound($"单位 {id} 不存在");

    /// <param name="asOf">yyyy-MM-dd; today in the office's zone when omitted.</param>
    private static async Task<Results<Ok<RatesDto>, ValidationProblem>> RatesAsync(string? asOf, SupervisionEngine engine, TimeProvider time, CancellationToken ct)
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
        return TypedResults.Ok(new RatesDto(Day(date), [.. rates.Select(r => new RateDto(
            r.UnitId, r.Unit, r.Rank, r.Lead.Due, r.Lead.OnTime, r.Lead.Late, r.Lead.OverdueOpen,
            r.Lead.CompletionRate is { } c ? Math.Round(c, 4) : null, r.Lead.OnTimeRate is { } o ? Math.Round(o, 4) : null,
            r.WorstOverdueWorkingDays, r.Light.ToString().ToLowerInvariant()))]));
    }

    private static async Task<Ok<List<TaskDto>>> TasksAsync([AsParameters] TaskListQuery query, TaskQueries tasks, CancellationToken ct) =>
        TypedResults.Ok((await tasks.TasksAsync(
            new TaskFilter(query.Plan, query.Section, query.Unit, query.Leader, string.IsNullOrWhiteSpace(query.Q) ? null : query.Q.Trim()), ct)).Select(ToDto).ToList());

    private static async Task<Results<Ok<TaskDetailDto>, ProblemHttpResult>> TaskAsync(long id, TaskQueries tasks, MilestoneQueries milestones, CancellationToken ct) =>
        await tasks.TaskAsync(id, ct) is { } task
            ? TypedResults.Ok(new TaskDetailDto(ToDto(task), [.. (await milestones.MilestonesOfTaskAsync(id, ct)).Select(ToDto)]))
            : NotFound($"任务 {id} 不存在");

    /// <summary>A unit token sees its own unit's milestones; staff pass <c>unit</c> or get the open ones due before <c>dueBefore</c>.</summary>
    private static async Task<Results<Ok<List<MilestoneDto>>, ValidationProblem, ProblemHttpResult>> MilestonesAsync(
        [AsParameters] MilestoneListQuery query, HttpContext http, MilestoneQueries milestones, CancellationToken ct)
    {
        var own = TokenUnit(http.User);
        if (own is not null && query.Unit is not null && query.Unit != own)
        {
            return Forbidden("令牌只能查看本单位的时间节点");
        }

        DateOnly? before = null;
        if (!string.IsNullOrEmpty(query.DueBefore))
        {
            if (!DateOnly.TryParseExact(query.DueBefore, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                return Invalid("dueBefore", "日期格式应为 yyyy-MM-dd");
            }

            before = d;
        }

        var open = query.Open ?? false;
        var rows = (own ?? query.Unit) is { } unit ? await milestones.MilestonesOfUnitAsync(unit, open, ct) : await milestones.MilestonesAsync(before, open, ct);
        return TypedResults.Ok(rows.Where(m => before is null || DateOnly.FromDateTime(m.DueDate) < before).Select(ToDto).ToList());
    }

    /// <summary>Null when the milestone exists and the caller may report on it; else the problem to answer.</summary>
    private static async Task<ProblemHttpResult?> CheckScopeAsync(long milestoneId, MilestoneContext c)
    {
        if (await c.Milestones.MilestoneAsync(milestoneId, c.Ct) is null)
        {
            return NotFound($"时间节点 {milestoneId} 不存在");
        }

        return TokenUnit(c.Http.User) is { } unit && !await c.Milestones.UnitOwnsMilestoneAsync(unit, milestoneId, c.Ct)
            ? Forbidden("令牌只能报送本单位的时间节点")
            : null;
    }

    private static async Task<Results<Created<ProgressResponse>, ValidationProblem, ProblemHttpResult>> ProgressAsync(
        long id, ProgressRequest request, [AsParameters] MilestoneContext c)
    {
        if (request.Percent is < 0 or > 100)
        {
            return Invalid("percent", "进度须在 0 到 100 之间");
        }

        if (request.Percent is null && string.IsNullOrWhiteSpace(request.Note))
        {
            return Invalid("percent", "请填写进度百分比或进展说明");
        }

        if (await CheckScopeAsync(id, c) is { } refused)
        {
            return refused;
        }

        var unit = TokenUnit(c.Http.User);
        var reportId = await c.Progress.ReportAsync(id, request.Percent, request.Note, unit, unit is null ? "console" : "api", Actor(c.Http), c.Time.GetUtcNow(), c.Ct);
        return TypedResults.Created($"/api/milestones/{id}", new ProgressResponse(reportId, id));
    }

    /// <summary>办结 belongs to the lead unit (and staff): a co-unit's token reports progress only.</summary>
    private static CompletionResponse ToResponse(CompletionResult r) => new(r.MilestoneId, Day(r.DueDate), r.CompletedAt, r.OnTime, r.AlreadyDone);

    /// <remarks>
    /// With Supervision:CompletionNeedsReview a unit token's 办结 is an application: 202 with its id, the milestone 待审核
    /// until the office decides. A second application while one waits, or 办结 of a done milestone, is 409.
    /// </remarks>
    private static async Task<Results<Ok<CompletionResponse>, Accepted<CompletionApplicationResponse>, ProblemHttpResult>> CompleteAsync(long id, [AsParameters] MilestoneContext c)
    {
        if (await CheckScopeAsync(id, c) is { } refused)
        {
            return refused;
        }

        var unit = TokenUnit(c.Http.User);
        if (unit is not null && !await c.Milestones.UnitLeadsMilestoneAsync(unit.Value, id, c.Ct))
        {
            return Forbidden("只有牵头单位可以办结；配合单位请报送进展");
        }

        try
        {
            if (unit is { } unitId)
            {
                var finished = await c.Progress.FinishAsync(id, unitId, null, null, "api", Actor(c.Http), c.Time.GetUtcNow(), c.Ct);
                if (finished.Completion is null)
                {
                    return TypedResults.Accepted($"/api/milestones/{id}", new CompletionApplicationResponse(id, finished.ApplicationId!.Value, "pending"));
                }

                return TypedResults.Ok(ToResponse(finished.Completion));
            }

            // Staff close a milestone themselves: the office's own 办结, no review of itself.
            return TypedResults.Ok(ToResponse(await c.Progress.CompleteAsync(id, c.Time.GetUtcNow(), c.Zone, "console", Actor(c.Http), c.Ct)));
        }
        catch (BadInputException ex)
        {
            return Conflict("无法办结", ex.Chinese);
        }
    }

    /// <summary>Staff reopen a milestone marked done by mistake; audited with the reason.</summary>
    private static async Task<Results<Ok<MilestoneDto>, ValidationProblem, ProblemHttpResult>> ReopenAsync(long id, ReopenRequest request, [AsParameters] MilestoneContext c)
    {
        if (await c.Milestones.MilestoneAsync(id, c.Ct) is null)
        {
            return NotFound($"时间节点 {id} 不存在");
        }

        if (request.Reason is { Length: > InputLimits.DecisionNote })
        {
            return Invalid("reason", $"理由不能超过 {InputLimits.DecisionNote} 个字符");
        }

        return await c.Progress.ReopenAsync(id, request.Reason, Actor(c.Http), c.Time.GetUtcNow(), c.Ct)
            ? TypedResults.Ok(ToDto((await c.Milestones.MilestoneAsync(id, c.Ct))!))
            : Conflict("无法重新打开", $"时间节点 {id} 尚未办结");
    }

    private static async Task<Ok<List<JobDto>>> JobsAsync(JobControl jobs, CancellationToken ct) =>
        TypedResults.Ok((await jobs.ListAsync(ct)).Select(j => new JobDto(
            j.Name, j.Cron, j.Rule.ToString(), j.TimeZone, j.Enabled, j.NextEffectiveFire, j.PreviousFire, j.State, j.LastRun?.Outcome, j.LastRun?.StartedAt)).ToList());

    private static async Task<Results<Accepted, ProblemHttpResult>> JobActionAsync(Func<string, string, CancellationToken, Task> action, string name, HttpContext http, CancellationToken ct)
    {
        try
        {
            await action(name, Actor(http), ct);
            return TypedResults.Accepted("/api/jobs");
        }
        catch (BadInputException ex)
        {
            return NotFound(ex.Chinese);
        }
    }

    private static async Task<Results<Ok<List<MessageDto>>, ValidationProblem>> MessagesAsync([AsParameters] MessageListQuery query, MessageQueries messages, CancellationToken ct)
    {
        if (query.Limit is < 1 or > 1000)
        {
            return Invalid("limit", "limit 须在 1 到 1000 之间");
        }

        var rows = await messages.MessagesAsync(query.State, query.Channel, query.Kind, query.Unit, null, query.Limit ?? 200, ct);
        return TypedResults.Ok(rows.Select(m => new MessageDto(
            m.Id, m.Channel, m.Kind, Day(m.LocalDate), SecretMask.Address(m.Channel, m.RecipientAddress), m.UnitId, m.Subject, m.State, m.Attempts, m.LastError, Utc(m.CreatedAt)!.Value, Utc(m.SentAt))).ToList());
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> RetryAsync(long id, HttpContext http, OutboxStore outbox, TimeProvider time, CancellationToken ct) =>
        await outbox.RetryMessageAsync(id, Actor(http), time.GetUtcNow(), ct)
            ? TypedResults.Accepted($"/api/messages/{id}")
            : Conflict("无法重发", $"消息 {id} 不存在或不处于“已放弃”（dead）状态");

    /// <summary>Issues a unit API token; the clear token is in this response only.</summary>
    private static async Task<Results<Created<TokenResponse>, ValidationProblem, ProblemHttpResult>> CreateTokenAsync(
        long id, TokenRequest request, HttpContext http, UnitQueries units, UnitTokenStore tokens, IOptions<ConsoleOptions> options, TimeProvider time, CancellationToken ct)
    {
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > InputLimits.Name)
        {
            return Invalid("name", $"令牌名称须为 1 到 {InputLimits.Name} 个字符");
        }

        if (await units.UnitAsync(id, ct) is null)
        {
            return NotFound($"单位 {id} 不存在");
        }

        var now = time.GetUtcNow();
        var expiresAt = now + options.Value.UnitTokenLifetime;
        var token = await tokens.CreateAsync(id, name, Actor(http), now, expiresAt, ct);
        return TypedResults.Created($"/api/units/{id}", new TokenResponse(id, name, token, expiresAt));
    }

    /// <summary>Revokes a unit API token at once: its next call gets 401.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeTokenAsync(long tokenId, HttpContext http, UnitTokenStore tokens, TimeProvider time, CancellationToken ct) =>
        await tokens.RevokeAsync(tokenId, Actor(http), time.GetUtcNow(), ct) is not null
            ? TypedResults.NoContent()
            : NotFound($"令牌 {tokenId} 不存在或已撤销");
}
