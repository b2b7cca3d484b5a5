using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Supervisor.IntegrationTests.Engine;
using Supervisor.IntegrationTests.Infrastructure;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.IntegrationTests.Postgres;

/// <summary>A change and its audit row stand or fall together: each store writes audit_log inside its own transaction.</summary>
public sealed class AuditLogTests : MigratedDatabaseTest
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task RolledBackWrite_LeavesNoAuditRow()
    {
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await AuditLog.WriteAsync(connection, tx, Now, "tester", "task.pause", "task:1", new { reason = "试验" }, CancellationToken.None);
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*)::int from audit_log", transaction: tx));
            await tx.RollbackAsync();
        }

        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*)::int from audit_log"));
    }

    [Fact]
    public async Task ProgressReport_IsNotSaved_WhenItsAuditRowCannotBeWritten()
    {
        var (milestones, _, _) = await RandomPlan.WriteAsync(Db.DataSource, seed: 3, tasks: 2, new DateOnly(2026, 5, 1), new DateOnly(2026, 8, 31), Now);
        var milestone = milestones[0].Id;
        var progress = Services.GetRequiredService<ProgressStore>();
        await using var connection = await Db.DataSource.OpenConnectionAsync();

        // The audit insert fails (as a full disk or a lost connection would): the report must not stay behind without it.
        await connection.ExecuteAsync("alter table audit_log add constraint refuse_progress check (action <> 'milestone.progress') not valid");
        await Assert.ThrowsAsync<PostgresException>(() => progress.ReportAsync(milestone, 40, "招标完成", null, "console", "staff", Now, CancellationToken.None));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*)::int from progress_reports"));

        await connection.ExecuteAsync("alter table audit_log drop constraint refuse_progress");
        await progress.ReportAsync(milestone, 40, "招标完成", null, "console", "staff", Now, CancellationToken.None);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("select count(*)::int from progress_reports"));
        Assert.Equal(
            ("staff", $"milestone:{milestone}", 40),
            await connection.QuerySingleAsync<(string, string, int)>("select actor, target, (details->>'percent')::int from audit_log where action = 'milestone.progress'"));
    }

    [Fact]
    public async Task ExtensionDecision_LeavesNeitherChangeNorAudit_WhenItsAuditRowFails()
    {
        var (milestones, roles, _) = await RandomPlan.WriteAsync(Db.DataSource, seed: 5, tasks: 2, new DateOnly(2026, 7, 1), new DateOnly(2026, 8, 31), Now);
        var milestone = milestones.First(m => m.CompletedAt is null);
        var unit = roles.First(r => r.TaskId == milestone.TaskId).UnitId;
        var extensions = Services.GetRequiredService<ExtensionStore>();
        var requested = milestone.Due.AddDays(30);
        var id = await extensions.RequestExtensionAsync(milestone.Id, unit, requested, "汛期停工", "link:unit", Now, CancellationToken.None);
        await using var connection = await Db.DataSource.OpenConnectionAsync();

        await connection.ExecuteAsync("alter table audit_log add constraint refuse_approve check (action <> 'extension.approve') not valid");
        await Assert.ThrowsAsync<PostgresException>(() => extensions.DecideExtensionAsync(id, approve: true, "同意", "staff", Now, CancellationToken.None));
        Assert.Equal(milestone.Due, DateOnly.FromDateTime(await connection.ExecuteScalarAsync<DateTime>("select due_date::timestamp from milestones where id = @id", new { id = milestone.Id })));
        Assert.Equal("pending", await connection.ExecuteScalarAsync<string>("select status from extension_requests where id = @id", new { id }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*)::int from audit_log where action = 'extension.approve'"));
    }
}
