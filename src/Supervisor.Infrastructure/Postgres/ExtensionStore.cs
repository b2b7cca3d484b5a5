using Dapper;
using Npgsql;
using Supervisor.Core;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>延期 requests: a unit asks for a later due date, staff approve or reject it; each step audited.</summary>
public sealed class ExtensionStore(NpgsqlDataSource dataSource)
{
    public async Task<long> RequestExtensionAsync(long milestoneId, long unitId, DateOnly requestedDue, string reason, string actor, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new BadInputException("请填写延期理由");
        }

        InputLimits.Check(reason.Trim(), InputLimits.ExtensionReason, "延期理由");

        // One open request per milestone (unique index extension_requests_one_open_key, 0018): the check before the
        // insert names the waiting request; the index settles two requests racing past the check.
        const string waiting = """
            select requested_due::timestamp from extension_requests where milestone_id = @milestoneId and status = 'pending'
            """;
        const string sql = """
            insert into extension_requests (milestone_id, unit_id, requested_due, reason, requested_at)
            select m.id, @unitId, @requestedDue, @reason, @now from milestones m where m.id = @milestoneId and m.status = 'open' and m.due_date < @requestedDue
            returning id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(waiting, new { milestoneId }, tx, cancellationToken: ct)) is { } open)
        {
            throw OneOpen(open);
        }

        long id;
        try
        {
            id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                sql, new { milestoneId, unitId, requestedDue, reason = reason.Trim(), now = now.ToUniversalTime() }, tx, cancellationToken: ct))
                ?? throw new BadInputException("新的完成时限须晚于当前时限，且时间节点尚未办结");
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw OneOpen(null);
        }

        await AuditLog.WriteAsync(connection, tx, now, actor, "extension.request", $"milestone:{milestoneId}", new { extension = id, requestedDue = requestedDue.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    private static BadInputException OneOpen(DateTime? requestedDue) => new(
        "an extension request for this milestone is already pending",
        requestedDue is { } due
            ? $"该时间节点已有一项延期申请（延至 {due:yyyy-MM-dd}）待督查室审批，审批前不能再次申请"
            : "该时间节点已有一项延期申请待督查室审批，审批前不能再次申请");

    /// <summary>Approve moves the milestone's due date to the requested one; original_due_date keeps the first, for assessment.</summary>
    public async Task<bool> DecideExtensionAsync(long id, bool approve, string? note, string actor, DateTimeOffset now, CancellationToken ct)
    {
        const string decide = """
            update extension_requests set status = @status, decided_at = @now, decided_by = @actor, decision_note = @note
            where id = @id and status = 'pending'
            returning milestone_id as MilestoneId, requested_due::timestamp as RequestedDue
            """;
        const string move = "update milestones set due_date = @due, updated_at = @now where id = @milestoneId";
        InputLimits.Check(note?.Trim(), InputLimits.DecisionNote, "审批意见");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var utc = now.ToUniversalTime();
        var row = await connection.QuerySingleOrDefaultAsync<(long MilestoneId, DateTime RequestedDue)?>(new CommandDefinition(
            decide, new { id, status = approve ? "approved" : "rejected", now = utc, actor, note = string.IsNullOrWhiteSpace(note) ? null : note.Trim() }, tx, cancellationToken: ct));
        if (row is null)
        {
            return false;
        }

        if (approve)
        {
            await connection.ExecuteAsync(new CommandDefinition(move, new { due = DateOnly.FromDateTime(row.Value.RequestedDue), now = utc, milestoneId = row.Value.MilestoneId }, tx, cancellationToken: ct));
        }

        await AuditLog.WriteAsync(connection, tx, now, actor, approve ? "extension.approve" : "extension.reject", $"extension:{id}", new { milestone = row.Value.MilestoneId, note }, ct);
        await tx.CommitAsync(ct);
        return true;
    }
}
