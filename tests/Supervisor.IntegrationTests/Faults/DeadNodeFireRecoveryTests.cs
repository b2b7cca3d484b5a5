using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using Supervisor.IntegrationTests.Infrastructure;
using Supervisor.IntegrationTests.Jobs;
using Supervisor.Jobs;

namespace Supervisor.IntegrationTests.Faults;

/// <summary>
/// A node killed between Quartz marking a slot fired (the trigger already advanced past it) and our listener recording
/// the slot in job_runs: the slot must not be lost. The dead node is played by the rows kill -9 leaves in the store —
/// a stale check-in, an EXECUTING fired-trigger row, the job's trigger BLOCKED — for two slots: one it had not
/// recorded (the survivor runs it) and one it had recorded and was running (not run again).
/// </summary>
[Trait("Category", "Faults")]
public sealed class DeadNodeFireRecoveryTests : IAsyncLifetime
{
    private const string DeadNode = "dead-node-1";
    private readonly TestDatabase _db = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
    }

    public Task DisposeAsync() => _db.DisposeAsync();

    private IHost Node() => JobsHost.Build(
        _db,
        SchedulerMode.Cluster,
        new Dictionary<string, string?>
        {
            // Nothing fires by schedule during the test: every run in job_runs comes from the recovery.
            ["Jobs:housekeeping:Cron"] = "0 0 3 1 1 ?",
            ["Jobs:milestone-scan:Cron"] = "0 0 3 1 1 ?",
            ["Jobs:reminder-dispatch:Enabled"] = "false",
            ["Jobs:unit-digest:Enabled"] = "false",
            ["Jobs:rates-snapshot:Enabled"] = "false",
            ["Jobs:supervision-digest:Enabled"] = "false",
            ["Jobs:CheckinInterval"] = "00:00:01",
            ["Jobs:MisfireThreshold"] = "00:01:00",
        });

    [Fact]
    public async Task SlotFiredByANodeThatDiedBeforeRecordingIt_RunsOnTheSurvivor_ARecordedOneDoesNotRunAgain()
    {
        using var host = Node();
        await host.StartAsync();
        try
        {
            var survivor = host.Services.GetRequiredKeyedService<IScheduler>(JobsServiceCollectionExtensions.SchedulerName).SchedulerInstanceId;
            var now = DateTimeOffset.UtcNow;
            var slot = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(-20);

            await using (var connection = await _db.DataSource.OpenConnectionAsync())
            await using (var tx = await connection.BeginTransactionAsync())
            {
                // What kill -9 leaves behind, all at once so the survivor's check-in sees all of it or nothing.
                await connection.ExecuteAsync(
                    "insert into qrtz_scheduler_state (sched_name, instance_name, last_checkin_time, checkin_interval) values ('supervisor', @DeadNode, @checkin, 1000)",
                    new { DeadNode, checkin = now.AddMinutes(-1).UtcTicks },
                    tx);
                foreach (var (job, entry) in new[] { ("housekeeping", "1"), ("milestone-scan", "2") })
                {
                    await connection.ExecuteAsync(
                        """
                        insert into qrtz_fired_triggers (sched_name, entry_id, trigger_name, trigger_group, instance_name, fired_time, sched_time, priority, state, job_name, job_group, is_nonconcurrent, requests_recovery)
                        select 'supervisor', @entry, @job, 'supervisor', @DeadNode, @fired, @scheduled, 5, 'EXECUTING', @job, 'supervisor', true, j.requests_recovery
                        from qrtz_job_details j where j.sched_name = 'supervisor' and j.job_name = @job and j.job_group = 'supervisor'
                        """,
                        new { entry = DeadNode + entry, job, DeadNode, fired = slot.AddMilliseconds(7).UtcTicks, scheduled = slot.UtcTicks },
                        tx);
                    await connection.ExecuteAsync(
                        "update qrtz_triggers set trigger_state = 'BLOCKED' where sched_name = 'supervisor' and trigger_name = @job and trigger_group = 'supervisor'",
                        new { job },
                        tx);
                }

                // milestone-scan's slot was recorded before the node died: its pass was cut off mid-way.
                await connection.ExecuteAsync(
                    "insert into job_runs (job_name, instance_id, trigger_kind, scheduled_at, started_at, outcome) values ('milestone-scan', @DeadNode, 'schedule', @slot, @started, 'running')",
                    new { DeadNode, slot = slot.UtcDateTime, started = slot.AddMilliseconds(12).UtcDateTime },
                    tx);
                await tx.CommitAsync();
            }

            // The survivor finds the node dead within a few check-ins, frees the triggers and fires the recovery triggers.
            await using var c = await _db.DataSource.OpenConnectionAsync();
            var wait = Stopwatch.StartNew();
            while (wait.Elapsed < TimeSpan.FromSeconds(30)
                && !await c.ExecuteScalarAsync<bool>(
                    """
                    select not exists (select 1 from qrtz_fired_triggers where instance_name = @DeadNode)
                       and not exists (select 1 from qrtz_triggers where trigger_group = 'RECOVERING_JOBS')
                       and not exists (select 1 from qrtz_scheduler_state where instance_name = @DeadNode)
                       and exists (select 1 from job_runs where job_name = 'housekeeping' and outcome <> 'running')
                       and not exists (select 1 from qrtz_triggers where trigger_group = 'supervisor' and trigger_state <> 'WAITING')
                    """,
                    new { DeadNode }))
            {
                await Task.Delay(200);
            }

            var runs = (await c.QueryAsync<(string Job, string Instance, DateTime ScheduledAt, string Outcome)>(
                "select job_name, instance_id, scheduled_at, outcome from job_runs order by job_name")).ToList();
            var states = (await c.QueryAsync<(string Trigger, string State)>(
                "select trigger_name, trigger_state from qrtz_triggers where trigger_name in ('housekeeping', 'milestone-scan') order by trigger_name")).ToList();

            // The unrecorded slot ran once, on the survivor, as that slot; the recorded one kept its single (cut) run.
            Assert.Equal(
                [("housekeeping", survivor, slot.UtcDateTime, "succeeded"), ("milestone-scan", DeadNode, slot.UtcDateTime, "running")],
                runs.Select(r => (r.Job, r.Instance, DateTime.SpecifyKind(r.ScheduledAt, DateTimeKind.Utc), r.Outcome)));
            Assert.Equal([("housekeeping", "WAITING"), ("milestone-scan", "WAITING")], states);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task JobStoredWithoutRecovery_IsUpdatedAtStartUp_KeepingItsTrigger()
    {
        using (var first = Node())
        {
            await first.StartAsync();
            await first.StopAsync();
        }

        await using var c = await _db.DataSource.OpenConnectionAsync();
        var next = await c.ExecuteScalarAsync<long>("select next_fire_time from qrtz_triggers where trigger_name = 'housekeeping'");
        await c.ExecuteAsync("update qrtz_job_details set requests_recovery = false");

        using (var second = Node())
        {
            await second.StartAsync();
            await second.StopAsync();
        }

        Assert.Equal(0, await c.ExecuteScalarAsync<int>("select count(*)::int from qrtz_job_details where job_group = 'supervisor' and not requests_recovery"));
        Assert.Equal(next, await c.ExecuteScalarAsync<long>("select next_fire_time from qrtz_triggers where trigger_name = 'housekeeping'"));
    }
}
