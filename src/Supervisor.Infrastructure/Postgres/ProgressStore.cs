using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Supervisor.Core;
using Supervisor.Core.Engine;
using Supervisor.Core.Evidence;

namespace Supervisor.Infrastructure.Postgres;

public sealed record CompletionResult(long MilestoneId, DateOnly DueDate, DateTimeOffset CompletedAt, bool OnTime, bool AlreadyDone);

/// <summary>
/// What a unit's 办结 did: with review on, an application (<see cref="ApplicationId"/>, the milestone 待审核); with review
/// off, the completion itself.
/// </summary>
public sealed record FinishResult(long MilestoneId, long? ApplicationId, CompletionResult? Completion)
{
    public bool PendingReview => ApplicationId is not null;
}

/// <summary>
/// What a unit reports on a milestone: 签收, progress and completion (办结); the history is kept, never overwritten.
/// With <see cref="SupervisionOptions.CompletionNeedsReview"/> a unit's 办结 is an application the office decides
/// (<see cref="ReviewStore"/>). Staff entering what a unit phoned in pass <c>onBehalfOf</c> (the unit's name): the row
/// names the unit, the audit row names the staff user and says "代 {unit} 录入".
/// </summary>
public sealed class ProgressStore(NpgsqlDataSource dataSource, IOptions<SupervisionOptions> options, TimeZoneInfo zone)
{
    /// <summary>
    /// A progress report with its 佐证材料 and its audit row, in one transaction. A report by a unit of the task on an open
    /// 进展报送 milestone (kind report) fulfils it: done at the report's time, on time when made by its due date. A report
    /// is its own evidence, so this needs no review.
    /// </summary>
    public async Task<long> ReportAsync(
        long milestoneId, int? percent, string? note, long? unitId, string source, string? reportedBy, DateTimeOffset at, CancellationToken ct,
        IReadOnlyList<EvidenceFile>? files = null, string? onBehalfOf = null)
    {
        if (percent is < 0 or > 100)
        {
            throw new BadInputException("进度须在 0 到 100 之间");
        }

        if (percent is null && string.IsNullOrWhiteSpace(note) && (files is null || files.Count == 0))
        {
            throw new BadInputException("请填写进度百分比或进展说明");
        }

        InputLimits.Check(note?.Trim(), InputLimits.ProgressNote, "进展说明");

        at = at.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await EnsureExistsAsync(connection, milestoneId, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var id = await InsertReportAsync(connection, tx, milestoneId, percent, note, unitId, source, reportedBy, at, files, ct);
        await AuditLog.WriteAsync(
            connection, tx, at, reportedBy ?? source, "milestone.progress", $"milestone:{milestoneId}",
            new { percent, source, report = id, files = files?.Count ?? 0, entered = Entered(onBehalfOf) }, ct);

        // 进展报送: the report is what was asked for. Only a unit of the task fulfils it (a staff note without a unit does
        // not); a 办结 application someone made on it directly waits for the office instead.
        const string fulfil = """
            update milestones m set status = 'done', completed_at = @at, updated_at = @at
            where m.id = @milestoneId and m.kind = 'report' and m.status = 'open'
              and exists (select 1 from task_units tu where tu.task_id = m.task_id and tu.unit_id = @unitId)
              and not exists (select 1 from completion_applications ca where ca.milestone_id = m.id and ca.state = 'pending')
            returning m.id
            """;
        if (unitId is not null
            && await connection.ExecuteScalarAsync<long?>(new CommandDefinition(fulfil, new { milestoneId, at, unitId }, tx, cancellationToken: ct)) is not null)
        {
            await AuditLog.WriteAsync(connection, tx, at, reportedBy ?? source, "milestone.complete", $"milestone:{milestoneId}", new { source, report = id, by = "progress report" }, ct);
        }

        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>
    /// A unit's 办结 (signed link, unit API, staff entering it for the unit): an application when the office reviews
    /// completions, else the completion itself. The note and files, if any, become a progress report: the evidence.
    /// </summary>
    public async Task<FinishResult> FinishAsync(
        long milestoneId, long unitId, string? note, IReadOnlyList<EvidenceFile>? files, string source, string actor, DateTimeOffset at, CancellationToken ct,
        string? onBehalfOf = null)
    {
        // A 进展报送 milestone needs no review (a report is its own evidence): its 办结 takes effect at once.
        if (options.Value.CompletionNeedsReview && await KindAsync(milestoneId, ct) == "completion")
        {
            return new FinishResult(milestoneId, await ApplyAsync(milestoneId, unitId, note, files, source, actor, at, ct, onBehalfOf), null);
        }

        if (!string.IsNullOrWhiteSpace(note) || files is { Count: > 0 })
        {
            await ReportAsync(milestoneId, 100, note, unitId, source, actor, at, ct, files, onBehalfOf);
        }

        return new FinishResult(milestoneId, null, await CompleteAsync(milestoneId, at, zone, source, actor, ct, onBehalfOf));
    }

    /// <summary>
    /// 办结申请: the milestone is 待审核 (not done, not chased) until the office approves or returns it. Refused when the
    /// milestone is done or already has a pending application; nothing is written then.
    /// </summary>
    public async Task<long> ApplyAsync(
        long milestoneId, long unitId, string? note, IReadOnlyList<EvidenceFile>? files, string source, string actor, DateTimeOffset at, CancellationToken ct,
        string? onBehalfOf = null)
    {
        note = InputLimits.Check(string.IsNullOrWhiteSpace(note) ? null : note.Trim(), InputLimits.ProgressNote, "办结说明");
        at = at.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        // The milestone row is locked so that an approval, a reopening or a second application waits for this one.
        const string lockMilestone = """
            select m.status, exists (select 1 from task_units tu where tu.task_id = m.task_id and tu.unit_id = @unitId and tu.role = 'lead') as lead
            from milestones m where m.id = @milestoneId for update of m
            """;
        var (status, lead) = await connection.QuerySingleOrDefaultAsync<(string Status, bool Lead)?>(new CommandDefinition(
            lockMilestone, new { milestoneId, unitId }, tx, cancellationToken: ct))
            ?? throw new BadInputException($"milestone {milestoneId} does not exist", $"时间节点 {milestoneId} 不存在");
        if (!lead)
        {
            throw new BadInputException("只有牵头单位可以申请办结；配合单位请报送进展。");
        }

        if (status == "done")
        {
            throw new BadInputException("该时间节点已办结，无需再次申请。");
        }

        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "select id from completion_applications where milestone_id = @milestoneId and state = 'pending'", new { milestoneId }, tx, cancellationToken: ct)) is not null)
        {
            throw new BadInputException("该时间节点已申请办结，正在等待督查室审核。");
        }

        long? reportId = note is not null || files is { Count: > 0 }
            ? await InsertReportAsync(connection, tx, milestoneId, 100, note ?? "申请办结", unitId, source, actor, at, files, ct)
            : null;
        const string insert = """
            insert into completion_applications (milestone_id, unit_id, applied_at, applied_date, note, progress_report_id, source, applied_by)
            values (@milestoneId, @unitId, @at, @appliedDate, @note, @reportId, @source, @actor)
            returning id
            """;
        var appliedDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            insert, new { milestoneId, unitId, at, appliedDate, note, reportId, source, actor }, tx, cancellationToken: ct));
        await AuditLog.WriteAsync(
            connection, tx, at, actor, "completion.apply", $"milestone:{milestoneId}",
            new { application = id, unit = unitId, source, report = reportId, files = files?.Count ?? 0, entered = Entered(onBehalfOf) }, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>
    /// Marks a milestone done at <paramref name="at"/> (the office's own 办结, the CLI, or a unit with review off); a
    /// milestone already done keeps its first completion. Refused while a 办结 application waits: the office decides it
    /// in the 待审核 queue instead.
    /// </summary>
    public async Task<CompletionResult> CompleteAsync(long milestoneId, DateTimeOffset at, TimeZoneInfo zone, string source, string? by, CancellationToken ct, string? onBehalfOf = null)
    {
        at = at.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "select id from completion_applications where milestone_id = @milestoneId and state = 'pending'", new { milestoneId }, tx, cancellationToken: ct)) is { } pending)
        {
            throw new BadInputException($"该时间节点有待审核的办结申请（{pending}），请在“待审核”中销号或退回。");
        }

        const string sql = """
            update milestones set status = 'done', completed_at = @at, updated_at = @at
            where id = @milestoneId and status = 'open'
            returning id
            """;
        var updated = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(sql, new { milestoneId, at }, tx, cancellationToken: ct));
        var row = await connection.QuerySingleOrDefaultAsync<(DateTime Due, DateTime CompletedAt)?>(new CommandDefinition(
            "select due_date::timestamp, completed_at from milestones where id = @milestoneId", new { milestoneId }, tx, cancellationToken: ct))
            ?? throw new BadInputException($"milestone {milestoneId} does not exist", $"时间节点 {milestoneId} 不存在");
        if (updated is not null)
        {
            await AuditLog.WriteAsync(connection, tx, at, by ?? source, "milestone.complete", $"milestone:{milestoneId}", new { source, entered = Entered(onBehalfOf) }, ct);
        }

        await tx.CommitAsync(ct);
        var completedAt = new DateTimeOffset(DateTime.SpecifyKind(row.CompletedAt, DateTimeKind.Utc));
        var due = DateOnly.FromDateTime(row.Due);
        var localDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(completedAt, zone).DateTime);
        return new CompletionResult(milestoneId, due, completedAt, localDate <= due, updated is null);
    }

    /// <summary>
    /// Staff reopen a done milestone (a wrong 办结 or 销号): it is open again and scanned as before, and the rates no
    /// longer count it; the audit row keeps who reopened it, why, and when it had been completed. Its approved
    /// application stays in the history; the unit may apply again. False when the milestone is not done.
    /// </summary>
    public async Task<bool> ReopenAsync(long milestoneId, string? reason, string actor, DateTimeOffset at, CancellationToken ct)
    {
        reason = InputLimits.Check(string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), InputLimits.DecisionNote, "重新打开的理由");
        at = at.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await EnsureExistsAsync(connection, milestoneId, ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        const string sql = """
            update milestones m set status = 'open', completed_at = null, updated_at = @at
            from (select id, completed_at from milestones where id = @milestoneId and status = 'done' for update) prev
            where m.id = prev.id
            returning prev.completed_at
            """;
        var completedAt = await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(sql, new { milestoneId, at }, tx, cancellationToken: ct));
        if (completedAt is null)
        {
            return false;
        }

        await AuditLog.WriteAsync(
            connection, tx, at, actor, "milestone.reopen", $"milestone:{milestoneId}", new { reason, completedAt = DateTime.SpecifyKind(completedAt.Value, DateTimeKind.Utc) }, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>签收: idempotent; stops first-level reminders for the unit. False (and no audit) when it was signed already.</summary>
    public async Task<bool> AcknowledgeAsync(long milestoneId, long unitId, string source, string actor, DateTimeOffset now, CancellationToken ct, string? onBehalfOf = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "insert into acknowledgements (milestone_id, unit_id, acknowledged_at, source) values (@milestoneId, @unitId, @now, @source) on conflict do nothing",
            new { milestoneId, unitId, now = now.ToUniversalTime(), source }, tx, cancellationToken: ct));
        if (changed == 0)
        {
            return false;
        }

        await AuditLog.WriteAsync(connection, tx, now, actor, "milestone.acknowledge", $"milestone:{milestoneId}", onBehalfOf is null ? null : new { unit = unitId, entered = Entered(onBehalfOf) }, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>The audit's words for staff entering what a unit phoned in.</summary>
    public static string? Entered(string? onBehalfOf) => onBehalfOf is null ? null : $"代 {onBehalfOf} 录入";

    private static async Task<long> InsertReportAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, long milestoneId, int? percent, string? note, long? unitId, string source, string? reportedBy,
        DateTimeOffset at, IReadOnlyList<EvidenceFile>? files, CancellationToken ct)
    {
        const string sql = """
            insert into progress_reports (milestone_id, unit_id, percent, note, reported_at, source, reported_by)
            values (@milestoneId, @unitId, @percent, @note, @at, @source, @reportedBy)
            returning id
            """;
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            sql, new { milestoneId, unitId, percent, note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(), at, source, reportedBy }, tx, cancellationToken: ct));
        if (files is { Count: > 0 })
        {
            await EvidenceStore.AddAsync(connection, tx, id, files, at, ct);
        }

        return id;
    }

    private async Task<string> KindAsync(long milestoneId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition("select kind from milestones where id = @milestoneId", new { milestoneId }, cancellationToken: ct))
            ?? throw new BadInputException($"milestone {milestoneId} does not exist", $"时间节点 {milestoneId} 不存在");
    }

    private static async Task EnsureExistsAsync(NpgsqlConnection connection, long milestoneId, CancellationToken ct)
    {
        if (await connection.ExecuteScalarAsync<int?>(new CommandDefinition("select 1 from milestones where id = @milestoneId", new { milestoneId }, cancellationToken: ct)) is null)
        {
            throw new BadInputException($"milestone {milestoneId} does not exist", $"时间节点 {milestoneId} 不存在");
        }
    }
}
