using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using Supervisor.IntegrationTests.Infrastructure;
using Supervisor.Jobs;

namespace Supervisor.IntegrationTests.Jobs;

/// <summary>Quartz's clustered store on a database created by our migrator, and the start-up reconciliation of triggers.</summary>
public sealed class QuartzStoreTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
    }

    public Task DisposeAsync() => _db.DisposeAsync();

    private IHost Node(string cron = "0 0 3 * * ?", bool enabled = true, PassLog? counting = null) => JobsHost.Build(
        _db,
        SchedulerMode.Cluster,
        new Dictionary<string, string?>
        {
            ["Jobs:housekeeping:Cron"] = cron,
            ["Jobs:housekeeping:Enabled"] = enabled ? "true" : "false",
            ["Jobs:CheckinInterval"] = "00:00:01",
            ["Jobs:counting:Cron"] = "* * * * * ?",
        },
        services =>
        {
            if (counting is not null)
            {
                services.AddSingleton(counting);
                services.AddSupervisorJob<CountingJob>("counting");
            }
        });

    private async Task<(string? Cron, string? Zone, long? StartTime, string? State)> StoredTriggerAsync()
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<(string?, string?, long?, string?)>("""
            select c.cron_expression, c.time_zone_id, t.start_time, t.trigger_state
            from qrtz_triggers t join qrtz_cron_triggers c using (sched_name, trigger_name, trigger_group)
            where t.sched_name = 'supervisor' and t.trigger_name = 'housekeeping'
            """);
    }

    [Fact]
    public async Task Scheduler_StartsOnAMigratedDatabase_AsAClusterNode_WithTheConfiguredTrigger()
    {
        using var host = Node();
        await host.StartAsync();
        var scheduler = host.Services.GetRequiredKeyedService<IScheduler>(JobsServiceCollectionExtensions.SchedulerName);
        var metadata = await scheduler.GetMetadata();
        var instanceId = scheduler.SchedulerInstanceId;
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var checkedIn = 0;
        for (var wait = Stopwatch.StartNew(); checkedIn == 0 && wait.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100))
        {
            // The hosted service starts the scheduler once the host has started; the first check-in follows.
            checkedIn = await connection.QuerySingleAsync<int>(
                "select count(*)::int from qrtz_scheduler_state where sched_name = 'supervisor' and instance_name = @id", new { id = instanceId });
        }

        await host.StopAsync();

        Assert.True(metadata.JobStorePersistent);
        Assert.True(metadata.JobStoreClustered);
        Assert.Equal("supervisor", metadata.SchedulerName);
        Assert.NotEqual(QuartzSchedulerOptions.DefaultInstanceId, instanceId);
        Assert.Equal(1, checkedIn);
        var trigger = await StoredTriggerAsync();
        Assert.Equal(("0 0 3 * * ?", "Asia/Shanghai"), (trigger.Cron, trigger.Zone));
    }

    [Fact]
    public async Task Restart_KeepsAnUnchangedTrigger_ReschedulesAChangedOne_AndRemovesADisabledOne()
    {
        using (var first = Node())
        {
            await first.StartAsync();
            await first.StopAsync();
        }

        var stored = await StoredTriggerAsync();

        using (var again = Node())
        {
            await again.StartAsync();
            await again.StopAsync();
        }

        // Kept as it was: replacing it would move its start time (and is what double-fires a slot across nodes).
        Assert.Equal(stored, await StoredTriggerAsync());

        using (var changed = Node(cron: "0 15 3 * * ?"))
        {
            await changed.StartAsync();
            await changed.StopAsync();
        }

        Assert.Equal("0 15 3 * * ?", (await StoredTriggerAsync()).Cron);

        using (var disabled = Node(enabled: false))
        {
            await disabled.StartAsync();
            await disabled.StopAsync();
        }

        Assert.Null((await StoredTriggerAsync()).Cron);
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(1, await connection.QuerySingleAsync<int>("select count(*)::int from qrtz_job_details where job_name = 'housekeeping'"));
    }

    [Fact]
    public async Task VetoedDoubleFire_InTheClusteredStore_RunsTheSlotOnce_AndTheCronGoesOn()
    {
        var log = new PassLog();
        using var host = Node(counting: log);
        await host.StartAsync();
        var scheduler = host.Services.GetRequiredKeyedService<IScheduler>(JobsServiceCollectionExtensions.SchedulerName);
        var slot = DateTimeOffset.UtcNow.AddSeconds(3);
        slot = slot.AddTicks(-(slot.Ticks % TimeSpan.TicksPerSecond));

        // A second trigger for one slot of the every-second cron trigger, as a node replacing the trigger would make.
        await scheduler.ScheduleJob(
            TriggerBuilder.Create(TimeProvider.System).WithIdentity("stray", "test").ForJob(JobSchedules.JobKey("counting")).StartAt(slot)
                .WithSchedule(SimpleScheduleBuilder.Create().WithRepeatCount(0).WithMisfireInstruction(SimpleTriggerMisfireInstruction.IgnoreMisfires)).Build(),
            default);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (!log.Passes.Any(p => p.ScheduledAt >= slot.AddSeconds(3)) || await scheduler.Exists(new TriggerKey("stray", "test")))
            {
                await Task.Delay(100, timeout.Token);
            }
        }

        var state = await scheduler.GetTriggerState(JobSchedules.TriggerKey("counting"));
        await host.StopAsync();

        Assert.Single(log.Passes, p => p.ScheduledAt == slot);
        Assert.Contains(state, new[] { TriggerState.Normal, TriggerState.Executing, TriggerState.Blocked });
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var runs = (await connection.QueryAsync<DateTime>("select scheduled_at from job_runs where job_name = 'counting'")).ToList();
        Assert.Equal(log.Passes.Count, runs.Count);
        Assert.Single(runs, r => r == slot.UtcDateTime);
    }
}
