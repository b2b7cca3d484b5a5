using Dapper;
using Npgsql;
using Supervisor.Core;

namespace Supervisor.Infrastructure.Postgres;

public sealed record CompletionResult(long MilestoneId, DateOnly DueDate, DateTimeOffset CompletedAt, bool OnTime, bool AlreadyDone);

/// <summary>Progress reports and completion (办结): the history is kept, never overwritten.</summary>
public sealed class ProgressStore(NpgsqlDataSource dataSource)
{
    public async Task<long> ReportAsync(long milestoneId, int? percent, string? note, long? unitId, string source, string? reportedBy, DateTimeOffset at, CancellationToken ct)
    {
        if (percent is < 0 or > 100)
        {
            throw new BadInputException($"--percent {percent} must be 0–100");
        }

        if (percent is null && string.IsNullOrWhiteSpace(note))
        {
            throw new BadInputException("a progress report needs a percent or a note");
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
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            sql, new { milestoneId, unitId, percent, note = note?.Trim(), at, source, reportedBy }, cancellationToken: ct));
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
            ?? throw new BadInputException($"milestone {milestoneId} does not exist");
        if (updated is not null)
        {
            const string audit = """
                insert into audit_log (at, actor, action, target, details)
                values (@at, @actor, 'milestone.complete', @target, jsonb_build_object('source', @source::text))
                """;
            await connection.ExecuteAsync(new CommandDefinition(audit, new { at, actor = by ?? source, target = $"milestone:{milestoneId}", source }, tx, cancellationToken: ct));
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

        const string audit = """
            insert into audit_log (at, actor, action, target, details)
            values (@at, @actor, 'milestone.reopen', @target, jsonb_build_object('reason', @reason::text, 'completedAt', @completedAt))
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            audit, new { at, actor, target = $"milestone:{milestoneId}", reason, completedAt = DateTime.SpecifyKind(completedAt.Value, DateTimeKind.Utc) }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return true;
    }

    private static async Task EnsureExistsAsync(NpgsqlConnection connection, long milestoneId, CancellationToken ct)
    {
        if (await connection.ExecuteScalarAsync<int?>(new CommandDefinition("select 1 from milestones where id = @milestoneId", new { milestoneId }, cancellationToken: ct)) is null)
        {
            throw new BadInputException($"milestone {milestoneId} does not exist");
        }
    }
}
