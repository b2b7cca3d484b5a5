using Dapper;
using Npgsql;
using Supervisor.Core;

namespace Supervisor.Infrastructure.Postgres;

public sealed record CompletionResult(long MilestoneId, DateOnly DueDate, DateTimeOffset CompletedAt, bool OnTime, bool AlreadyDone);

/// <summary>What a unit reports on a milestone: 签收, progress and completion (办结); the history is kept, never overwritten.</summary>
public sealed class ProgressStore(NpgsqlDataSource dataSource)
{
    /// <summary>A progress report, its 佐证材料 (<paramref name="evidence"/>, already checked) and its audit row, in one transaction.</summary>
    public async Task<long> ReportAsync(
        long milestoneId, int? percent, string? note, long? unitId, string source, string? reportedBy, DateTimeOffset at, CancellationToken ct,
        IReadOnlyList<Core.Evidence.EvidenceFile>? evidence = null)
    {
        if (percent is < 0 or > 100)
        {
            throw new BadInputException("进度须在 0 到 100 之间");
        }

        if (percent is null && string.IsNullOrWhiteSpace(note))
        {
            throw new BadInputException("请填写进度百分比或进展说明");
        }

        InputLimits.Check(note?.Trim(), InputLimits.ProgressNote, "进展说明");

        at = at.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await EnsureExistsAsync(connection, milestoneId, ct);
        const string sql = """
            insert into progress_reports (milestone_id, unit_id, percent, note, reported_at, source, reported_by)
            values (@milestoneId, @unitId, @percent, @note, @at, @source, @reportedBy)
            returning id
            """;
        await using var tx = await connection.BeginTransactionAsync(ct);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            sql, new { milestoneId, unitId, percent, note = note?.Trim(), at, source, reportedBy }, tx, cancellationToken: ct));
        var files = evidence is { Count: > 0 } ? await EvidenceStore.AddAsync(connection, tx, id, evidence, at, ct) : [];
        await AuditLog.WriteAsync(connection, tx, at, reportedBy ?? source, "milestone.progress", $"milestone:{milestoneId}", new { percent, source, evidence = files }, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>Marks a milestone done at <paramref name="at"/>; a milestone already done keeps its first completion.</summary>
    public async Task<CompletionResult> CompleteAsync(long milestoneId, DateTimeOffset at, TimeZoneInfo zone, string source, string? by, CancellationToken ct)
    {
        at = at.ToUniversalTime();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
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
            await AuditLog.WriteAsync(connection, tx, at, by ?? source, "milestone.complete", $"milestone:{milestoneId}", new { source }, ct);
        }

        await tx.CommitAsync(ct);
        var completedAt = new DateTimeOffset(DateTime.SpecifyKind(row.CompletedAt, DateTimeKind.Utc));
        var due = DateOnly.FromDateTime(row.Due);
        var localDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(completedAt, zone).DateTime);
        return new CompletionResult(milestoneId, due, completedAt, localDate <= due, updated is null);
    }

    /// <summary>
    /// Staff reopen a done milestone (a wrong 办结): it is open again and scanned as before; the audit row keeps who
    /// reopened it, why, and when it had been completed. False when the milestone is not done.
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

    /// <summary>签收: idempotent; stops first-level reminders for the unit.</summary>
    public async Task<bool> AcknowledgeAsync(long milestoneId, long unitId, string source, string actor, DateTimeOffset now, CancellationToken ct) =>
        await AuditLog.ChangeAsync(
            dataSource, "insert into acknowledgements (milestone_id, unit_id, acknowledged_at, source) values (@milestoneId, @unitId, @now, @source) on conflict do nothing",
            new { milestoneId, unitId, now = now.ToUniversalTime(), source }, now, actor, "milestone.acknowledge", $"milestone:{milestoneId}", ct);

    private static async Task EnsureExistsAsync(NpgsqlConnection connection, long milestoneId, CancellationToken ct)
    {
        if (await connection.ExecuteScalarAsync<int?>(new CommandDefinition("select 1 from milestones where id = @milestoneId", new { milestoneId }, cancellationToken: ct)) is null)
        {
            throw new BadInputException($"milestone {milestoneId} does not exist", $"时间节点 {milestoneId} 不存在");
        }
    }
}
