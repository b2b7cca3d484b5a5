using System.Globalization;
using Dapper;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Infrastructure;
using Supervisor.Jobs;

namespace Supervisor.IntegrationTests.Jobs;

/// <summary>The pass runner's claim, pause, rule and record path on a real database, and Hangfire driving it on a real server.</summary>
public sealed class JobRunRecordingTests : IAsyncLifetime
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private readonly TestDatabase _db = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
    }

    public Task DisposeAsync() => _db.DisposeAsync();

    private IHost Host(PassLog log, string rule = "Always", bool server = false, string countingCron = "0 3 * * *") => JobsHost.Build(
        _db,
        server,
        new Dictionary<string, string?>
        {
            ["Jobs:counting:Cron"] = countingCron,
            ["Jobs:counting:Rule"] = rule,
            ["Jobs:failing:Cron"] = "0 3 * * *",
            ["Jobs:SchedulePollingInterval"] = "00:00:00.5",
            ["Jobs:QueuePollInterval"] = "00:00:00.5",
            ["Jobs:WorkerCount"] = "4",
        },
        services =>
        {
            services.AddSingleton(log);
            services.AddSupervisorJob<CountingJob>("counting", "计数");
            services.AddSupervisorJob<FailingJob>("failing", "失败");
        });

    private async Task<List<(string InstanceId, string TriggerKind, DateTime ScheduledAt, string Outcome, string? Error, string? Summary)>> RunsAsync(string job)
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<(string, string, DateTime, string, string?, string?)>(
            "select instance_id, trigger_kind, scheduled_at, outcome, error, summary::text from job_runs where job_name = @job order by scheduled_at, id", new { job })];
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Claim_TakesASlotOnce_AndRefusesEveryOtherClaimOfIt()
    {
        using var host = Host(new PassLog());
        var store = host.Services.GetRequiredService<JobRunStore>();
        var slot = new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

        var first = await store.TryStartAsync(new JobRunStart("counting", "node-a", "schedule", slot, slot, "11"), CancellationToken.None);
        var second = await store.TryStartAsync(new JobRunStart("counting", "node-b", "schedule", slot, slot, "12"), CancellationToken.None);

        Assert.NotNull(first);
        Assert.Null(second);

        // Eight nodes racing for the next slot: PostgreSQL lets exactly one through.
        var next = slot.AddMinutes(1);
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            store.TryStartAsync(new JobRunStart("counting", $"node-{i}", "schedule", next, next, $"2{i}"), CancellationToken.None)));
        Assert.Single(claims, c => c is not null);

        // An enqueued pass is claimed by its Hangfire job: fetched again, it is refused; another job of the same kind is not.
        Assert.NotNull(await store.TryStartAsync(new JobRunStart("counting", "node-a", "manual", slot, slot, "31"), CancellationToken.None));
        Assert.Null(await store.TryStartAsync(new JobRunStart("counting", "node-b", "manual", slot, slot, "31"), CancellationToken.None));
        Assert.NotNull(await store.TryStartAsync(new JobRunStart("counting", "node-b", "manual", slot, slot, "32"), CancellationToken.None));

        // Runs by hand without a Hangfire job (job run) always get their own row.
        Assert.NotNull(await store.TryStartAsync(new JobRunStart("counting", "cli", "manual", slot, slot), CancellationToken.None));
        Assert.NotNull(await store.TryStartAsync(new JobRunStart("counting", "cli", "manual", slot, slot), CancellationToken.None));
        Assert.Equal(6, (await RunsAsync("counting")).Count);
    }

    [Fact]
    public async Task SecondFireOfOneSlot_DoesNothing_AndTheSlotHasOneSucceededRun()
    {
        var log = new PassLog();
        using var host = Host(log);
        var runner = host.Services.GetRequiredService<JobPassRunner>();
        var slot = At("2026-03-02T09:00+08:00");

        var first = await runner.RunAsync(new JobFire("counting", TriggerKind.Schedule, slot, "41"), "node-a", CancellationToken.None);
        var again = await runner.RunAsync(new JobFire("counting", TriggerKind.Schedule, slot, "41"), "node-a", CancellationToken.None);
        var otherNode = await runner.RunAsync(new JobFire("counting", TriggerKind.Schedule, slot, "42"), "node-b", CancellationToken.None);

        Assert.Equal(("succeeded", "duplicate", "duplicate"), (first.Outcome, again.Outcome, otherNode.Outcome));
        Assert.Single(log.Passes);
        var run = Assert.Single(await RunsAsync("counting"));
        Assert.Equal(("succeeded", "schedule", "node-a"), (run.Outcome, run.TriggerKind, run.InstanceId));
        Assert.Equal(slot.UtcDateTime, run.ScheduledAt);
        Assert.Contains("\"pass\": 1", run.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlotsMissedWhileANodeWasUp_RunLateInOrder_ButAfterDowntimeOnlyTheNewestSlotRuns()
    {
        var log = new PassLog();
        using var host = Host(log, countingCron: "* * * * *");
        var runner = host.Services.GetRequiredService<JobPassRunner>();
        var cron = JobSchedules.Parse("* * * * *");
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<JobsOptions>>().Value;

        // 2 × (1 min lock timeout + 0.5 s poll) + 5 min invisibility.
        Assert.Equal(TimeSpan.FromMinutes(7) + TimeSpan.FromSeconds(1), JobPassRunner.CatchUpWindow(options));
        var first = At("2026-03-02T09:00+08:00");
        await runner.RunAsync(new JobFire("counting", TriggerKind.Schedule, first), "node-a", CancellationToken.None);

        // A node died holding the scheduler's lock: 09:01 and 09:02 were never fired; the survivor's scheduler fires
        // 09:03. The missed slots run first, in order, each its own pass; then 09:03.
        Assert.Equal(2, await runner.CatchUpAsync("counting", cron, At("2026-03-02T09:03+08:00"), "node-b", CancellationToken.None));
        await runner.RunAsync(new JobFire("counting", TriggerKind.Schedule, At("2026-03-02T09:03+08:00")), "node-b", CancellationToken.None);

        // The dead node's job for 09:02, fetched again, finds it claimed; asking again for 09:03 finds nothing missing.
        Assert.Equal("duplicate", (await runner.RunAsync(new JobFire("counting", TriggerKind.Schedule, At("2026-03-02T09:02+08:00")), "node-a", CancellationToken.None)).Outcome);
        Assert.Equal(0, await runner.CatchUpAsync("counting", cron, At("2026-03-02T09:03+08:00"), "node-a", CancellationToken.None));

        // Every node was down from 09:04 to 12:00: the 12:00 pass is the one catch-up pass, nothing in between runs.
        Assert.Equal(0, await runner.CatchUpAsync("counting", cron, At("2026-03-02T12:00+08:00"), "node-a", CancellationToken.None));
        await runner.RunAsync(new JobFire("counting", TriggerKind.Schedule, At("2026-03-02T12:00+08:00")), "node-a", CancellationToken.None);

        Assert.Equal(
            [first, At("2026-03-02T09:01+08:00"), At("2026-03-02T09:02+08:00"), At("2026-03-02T09:03+08:00"), At("2026-03-02T12:00+08:00")],
            log.Passes.Select(p => p.ScheduledAt));
        Assert.Equal(5, (await RunsAsync("counting")).Count(r => r.Outcome == "succeeded" && r.TriggerKind == "schedule"));
    }

    [Fact]
    public async Task ScheduledPasses_FollowTheWorkingDayRule_OnTheSlotsLocalDate()
    {
        var log = new PassLog();
        using var host = Host(log, rule: "WorkingDay");
        var runner = host.Services.GetRequiredService<JobPassRunner>();
        var holidayMonday = At("2026-02-16T09:00+08:00");
        var makeUpSaturday = At("2026-02-14T09:00+08:00");

        await runner.RunAsync(new JobFire("counting", TriggerKind.Schedule, holidayMonday), "node", CancellationToken.None);
        await runner.RunAsync(new JobFire("counting", TriggerKind.Schedule, makeUpSaturday), "node", CancellationToken.None);
        var byHand = await runner.RunAsync(new JobFire("counting", TriggerKind.Manual, holidayMonday), "cli", CancellationToken.None);

        Assert.Equal([makeUpSaturday, holidayMonday], log.Passes.Select(p => p.ScheduledAt));
        Assert.Equal("succeeded", byHand.Outcome);
        var runs = await RunsAsync("counting");
        Assert.Equal(["succeeded", "skipped", "succeeded"], runs.Select(r => r.Outcome));
        Assert.Contains("2026-02-16 (Monday) is a holiday (春节), not a working day", runs[1].Summary, StringComparison.Ordinal);
        Assert.Contains("\"rule\": \"WorkingDay\"", runs[1].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PausedJob_RecordsPaused_AndDoesNothing_UntilResumed_ButARunByHandStillWorks()
    {
        var log = new PassLog();
        using var host = Host(log);
        var runner = host.Services.GetRequiredService<JobPassRunner>();
        var control = host.Services.GetRequiredService<JobControl>();

        await control.PauseAsync("counting", "admin", CancellationToken.None);
        var scheduled = await runner.RunAsync(new JobFire("counting", TriggerKind.Schedule, At("2026-03-02T09:00+08:00")), "node", CancellationToken.None);
        var immediate = await runner.RunAsync(new JobFire("counting", TriggerKind.Immediate, At("2026-03-02T09:01+08:00"), "51"), "node", CancellationToken.None);
        var listed = Assert.Single(await control.ListAsync(CancellationToken.None), j => j.Name == "counting");
        var byHand = await runner.RunAsync(new JobFire("counting", TriggerKind.Manual, At("2026-03-02T09:02+08:00")), "cli", CancellationToken.None);
        await control.ResumeAsync("counting", "admin", CancellationToken.None);
        var resumed = await runner.RunAsync(new JobFire("counting", TriggerKind.Schedule, At("2026-03-02T09:03+08:00")), "node", CancellationToken.None);

        Assert.Equal(("paused", "paused", "succeeded", "succeeded"), (scheduled.Outcome, immediate.Outcome, byHand.Outcome, resumed.Outcome));
        Assert.Equal(2, log.Passes.Count);
        Assert.Equal("Paused", listed.State);
        Assert.Equal("admin", listed.Pause?.PausedBy);
        var runs = await RunsAsync("counting");
        Assert.Equal(["paused", "paused", "succeeded", "succeeded"], runs.Select(r => r.Outcome));
        Assert.Contains("\"pausedBy\": \"admin\"", runs[0].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedPass_IsRecordedAsFailed_WithItsMessageOnly()
    {
        using var host = Host(new PassLog());
        var runner = host.Services.GetRequiredService<JobPassRunner>();

        var outcome = await runner.RunAsync(new JobFire("failing", TriggerKind.Schedule, At("2026-03-02T09:00+08:00")), "node", CancellationToken.None);

        Assert.Equal(("failed", "the gateway said no"), (outcome.Outcome, outcome.Error));
        var run = Assert.Single(await RunsAsync("failing"));
        Assert.Equal(("failed", "the gateway said no"), (run.Outcome, run.Error));
    }

    [Theory]
    [InlineData("*/15 * * * *", "2026-03-02T09:07:31+08:00", "2026-03-02T09:00:00+08:00")]
    [InlineData("*/15 * * * *", "2026-03-02T09:15:00+08:00", "2026-03-02T09:15:00+08:00")]
    [InlineData("30 8 * * *", "2026-03-02T08:29:59+08:00", "2026-03-01T08:30:00+08:00")]
    [InlineData("30 8 * * *", "2026-03-05T10:00:00+08:00", "2026-03-05T08:30:00+08:00")]
    [InlineData("*/2 * * * * *", "2026-03-02T09:00:03+08:00", "2026-03-02T09:00:02+08:00")]
    [InlineData("0 9 1 * *", "2026-03-31T23:00:00+08:00", "2026-03-01T09:00:00+08:00")]
    public void SlotOf_RoundsHangfiresTimeDownToTheCronOccurrence_InTheOfficesZone(string cron, string time, string slot) =>
        Assert.Equal(At(slot), JobSchedules.SlotOf(JobSchedules.Parse(cron), Shanghai, At(time)));

    [Fact]
    public async Task HangfireServer_RunsEverySlotOfASecondsCronOnce_AndAJobFetchedAgainDoesNothing()
    {
        var log = new PassLog();
        using var host = Host(log, server: true, countingCron: "* * * * * *");
        await host.StartAsync();
        try
        {
            var start = DateTimeOffset.UtcNow;
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                while (log.Passes.Count(p => p.ScheduledAt > start.AddSeconds(1)) < 6)
                {
                    await Task.Delay(100, timeout.Token);
                }
            }

            // Hangfire fetching a job again (its server died mid-pass, or an admin requeues it) runs the same background job
            // a second time: its slot is taken, so the pass does not run again.
            await using var connection = await _db.DataSource.OpenConnectionAsync();
            var jobId = await connection.QuerySingleAsync<string>(
                "select background_job_id from job_runs where job_name = 'counting' and outcome = 'succeeded' order by id limit 1");
            var client = host.Services.GetRequiredService<IBackgroundJobClient>();
            Assert.True(client.Requeue(jobId));
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                while (await connection.ExecuteScalarAsync<string>("select statename from hangfire.job where id = @id", new { id = long.Parse(jobId, CultureInfo.InvariantCulture) }) != "Succeeded")
                {
                    await Task.Delay(100, timeout.Token);
                }
            }

            await host.StopAsync();
            var runs = await RunsAsync("counting");
            Assert.All(runs, r => Assert.Equal(0, r.ScheduledAt.Ticks % TimeSpan.TicksPerSecond));
            Assert.Equal(runs.Count, runs.Select(r => r.ScheduledAt).Distinct().Count());
            Assert.Equal(runs.Count, log.Passes.Count);
            Assert.Equal(log.Passes.Count, log.Passes.Select(p => p.ScheduledAt).Distinct().Count());
            Assert.All(runs, r => Assert.Equal("schedule", r.TriggerKind));
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
