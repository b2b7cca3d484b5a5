using Npgsql;

namespace Supervisor.Infrastructure.Postgres;

/// <summary>Pausing a task or a unit stops its reminders until resumed; each change audited.</summary>
public sealed class PauseStore(NpgsqlDataSource dataSource)
{
    public async Task<bool> PauseTaskAsync(long id, bool pause, string actor, DateTimeOffset now, CancellationToken ct) =>
        await AuditLog.ChangeAsync(
            dataSource, pause ? "update tasks set paused_at = @now, paused_by = @actor where id = @id and paused_at is null"
                  : "update tasks set paused_at = null, paused_by = null where id = @id and paused_at is not null",
            new { id, now = now.ToUniversalTime(), actor }, now, actor, pause ? "task.pause" : "task.resume", $"task:{id}", ct);

    public async Task<bool> PauseUnitAsync(long id, bool pause, string actor, DateTimeOffset now, CancellationToken ct) =>
        await AuditLog.ChangeAsync(
            dataSource, pause ? "update units set paused_at = @now, paused_by = @actor where id = @id and paused_at is null"
                  : "update units set paused_at = null, paused_by = null where id = @id and paused_at is not null",
            new { id, now = now.ToUniversalTime(), actor }, now, actor, pause ? "unit.pause" : "unit.resume", $"unit:{id}", ct);
}
