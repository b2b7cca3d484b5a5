using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Supervisor.IntegrationTests.Infrastructure;
using Supervisor.Jobs;

namespace Supervisor.IntegrationTests.Jobs;

/// <summary>The listeners' claim/veto/record path, through a real Quartz scheduler (in memory) on a real database.</summary>
public sealed class JobRunRecordingTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
    }

    public Task DisposeAsync() => _db.DisposeAsync();

    private Microsoft.Extensions.Hosting.IHost Host(PassLog log, string rule = "Always") => JobsHost.Build(
        _db,
        SchedulerMode.InMemory,
        new Dictionary<string, string?>
        {
            ["Jobs:counting:Cron"] = "0 0 3 * * ?",
            ["Jobs:counting:Rule"] = rule,
            ["Jobs:failing:Cron"] = "0 0 3 * * ?",
        },
        services =>
        {
            services.AddSingleton(log);
            services.AddSupervisorJob<CountingJob>("counting");
            services.AddSupervisorJob<FailingJob>("failing");
        });

    private static async Task<IScheduler> StartSchedulerAsync(Microsoft.Extensions.Hosting.IHost host, params string[] jobs)
    {
        var scheduler = await host.Services.GetRequiredKeyedService<ISchedulerFactory>(JobsServiceCollectionExtensions.SchedulerName).GetScheduler();
        foreach (var job in jobs)
        {
            await scheduler.AddJob(JobSchedules.JobDetail(job), default);
        }

        await scheduler.Start();
        return scheduler;
    }

    /// <summary>A one-shot trigger whose scheduled fire time is <paramref name="slot"/>, even when that is long past.</summary>
    private static ITrigger OneShot(string job, string name, DateTimeOffset slot) =>
        TriggerBuilder.Create(TimeProvider.System)
            .WithIdentity(name, "test")
            .ForJob(JobSchedules.JobKey(job))
            .StartAt(slot)
            .WithSchedule(SimpleScheduleBuilder.Create().WithRepeatCount(0).WithMisfireInstruction(SimpleTriggerMisfireInstruction.IgnoreMisfires))
            .Build();

    private static async Task WaitUntilFiredAsync(IScheduler scheduler, params string[] triggers)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var trigger in triggers)
        {
            while (await scheduler.Exists(new TriggerKey(trigger, "test")))
            {
                await Task.Delay(50, timeout.Token);
            }
        }

        // The last one's listeners finish after Quartz deletes its trigger.
        await scheduler.Shutdown(waitForJobsToComplete: true);
    }

    private async Task<List<(string InstanceId, string TriggerKind, DateTime ScheduledAt, string Outcome, string? Error, string? Summary)>> RunsAsync(string job)
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<(string, string, DateTime, string, string?, string?)>(
            "select instance_id, trigger_kind, scheduled_at, outcome, error, summary::text from job_runs where job_name = @job order by scheduled_at, id", new { job })];
    }

    [Fact]
    public async Task TryBegin_ClaimsASlotOnce_AndVetoesEveryOtherClaimOfIt()
    {
        using var host = Host(new PassLog());
        var recorder = host.Services.GetRequiredService<JobRunRecorder>();
        var slot = new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);
        var fire = new JobFire("counting", TriggerKind.Schedule, slot);

        var first = await recorder.TryBeginAsync(fire, "node-a", slot, CancellationToken.None);
        var second = await recorder.TryBeginAsync(fire, "node-b", slot.AddMilliseconds(30), CancellationToken.None);

        Assert.NotNull(first);
        Assert.Null(second);
        var run = Assert.Single(await RunsAsync("counting"));
        Assert.Equal(("node-a", "schedule", "running"), (run.InstanceId, run.TriggerKind, run.Outcome));

        // Eight nodes racing for the next slot: PostgreSQL lets exactly one through.
        var racing = new JobFire("counting", TriggerKind.Schedule, slot.AddMinutes(1));
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => recorder.TryBeginAsync(racing, $"node-{i}", slot, CancellationToken.None)));
        Assert.Single(claims, c => c is not null);

        // Runs by hand are never vetoed: each is its own row.
        var manual = new JobFire("counting", TriggerKind.Manual, slot);
        Assert.NotNull(await recorder.TryBeginAsync(manual, "cli", slot, CancellationToken.None));
        Assert.NotNull(await recorder.TryBeginAsync(manual, "cli", slot, CancellationToken.None));
        Assert.Equal(4, (await RunsAsync("counting")).Count);
    }

    [Fact]
    public async Task DoubleFireOfOneSlot_RunsThePassOnce_AndRecordsOneRun()
    {
        var log = new PassLog();
        using var host = Host(log);
        var scheduler = await StartSchedulerAsync(host, "counting");
        var slot = DateTimeOffset.UtcNow.AddSeconds(1);
        slot = slot.AddTicks(-(slot.Ticks % TimeSpan.TicksPerSecond));

        // Two triggers for the same job and the same scheduled fire time: what a second node's copy of the trigger does.
        await scheduler.ScheduleJob(OneShot("counting", "first", slot), default);
        await scheduler.ScheduleJob(OneShot("counting", "second", slot), default);
        await WaitUntilFiredAsync(scheduler, "first", "second");

        var pass = Assert.Single(log.Passes);
        Assert.Equal(slot, pass.ScheduledAt);
        Assert.Equal(TriggerKind.Schedule, pass.TriggerKind);
        var run = Assert.Single(await RunsAsync("counting"));
        Assert.Equal("succeeded", run.Outcome);
        Assert.Equal(slot.UtcDateTime, run.ScheduledAt);
        Assert.Contains("\"pass\": 1", run.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VetoedDoubleFire_LeavesTheCronTriggerFiring()
    {
        var log = new PassLog();
        using var host = Host(log);
        var scheduler = await StartSchedulerAsync(host, "counting");
        var everySecond = new JobSchedule { Cron = "* * * * * ?" };
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var slot = DateTimeOffset.UtcNow.AddSeconds(2);
        slot = slot.AddTicks(-(slot.Ticks % TimeSpan.TicksPerSecond));

        // The job's own cron trigger, and a stray copy of one of its slots.
        await scheduler.ScheduleJob(JobSchedules.Trigger("counting", everySecond, zone, TimeProvider.System), default);
        await scheduler.ScheduleJob(OneShot("counting", "stray", slot), default);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (!log.Passes.Any(p => p.ScheduledAt >= slot.AddSeconds(3)))
            {
                await Task.Delay(50, timeout.Token);
            }
        }

        var state = await scheduler.GetTriggerState(JobSchedules.TriggerKey("counting"));
        var strayPending = await scheduler.Exists(new TriggerKey("stray", "test"));
        await scheduler.Shutdown(waitForJobsToComplete: true);

        // The stray fire came and went (vetoed), and the cron trigger is alive: not completed, not in error.
        Assert.False(strayPending);
        Assert.Contains(state, new[] { TriggerState.Normal, TriggerState.Executing, TriggerState.Blocked });
        Assert.Single(log.Passes, p => p.ScheduledAt == slot);
        var runs = await RunsAsync("counting");
        Assert.Equal(runs.Count, runs.Select(r => r.ScheduledAt).Distinct().Count());
        Assert.Equal(log.Passes.Count, runs.Count);
    }

    [Fact]
    public async Task ScheduledFires_FollowTheWorkingDayRule_OnTheSlotsLocalDate()
    {
        var log = new PassLog();
        using var host = Host(log, rule: "WorkingDay");
        var scheduler = await StartSchedulerAsync(host, "counting");
        var holidayMonday = DateTimeOffset.Parse("2026-02-16T09:00+08:00", System.Globalization.CultureInfo.InvariantCulture);
        var makeUpSaturday = DateTimeOffset.Parse("2026-02-14T09:00+08:00", System.Globalization.CultureInfo.InvariantCulture);

        await scheduler.ScheduleJob(OneShot("counting", "holiday", holidayMonday), default);
        await scheduler.ScheduleJob(OneShot("counting", "make-up", makeUpSaturday), default);
        await WaitUntilFiredAsync(scheduler, "holiday", "make-up");

        Assert.Equal([makeUpSaturday], log.Passes.Select(p => p.ScheduledAt));
        var runs = await RunsAsync("counting");
        Assert.Equal(["succeeded", "skipped"], runs.Select(r => r.Outcome));
        Assert.Contains("2026-02-16 (Monday) is a holiday (春节), not a working day", runs[1].Summary, StringComparison.Ordinal);
        Assert.Contains("\"rule\": \"WorkingDay\"", runs[1].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedPass_IsRecordedAsFailed_WithItsMessageOnly()
    {
        using var host = Host(new PassLog());
        var scheduler = await StartSchedulerAsync(host, "failing");
        var slot = DateTimeOffset.UtcNow.AddSeconds(-5);

        await scheduler.ScheduleJob(OneShot("failing", "once", slot), default);
        await WaitUntilFiredAsync(scheduler, "once");

        var run = Assert.Single(await RunsAsync("failing"));
        Assert.Equal(("failed", "the gateway said no"), (run.Outcome, run.Error));
    }
}
