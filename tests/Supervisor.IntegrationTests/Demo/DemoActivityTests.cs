using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core.Demo;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Demo;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Demo;

/// <summary>
/// The demo as scripts/run loads it (scripts/load-demo with the built executable, on a fresh database): the overview
/// a newcomer sees shows the loop — milestones done on time and late, one 办结 waiting for review with a photo, one
/// returned with its reason, reports near 序时进度 — and loading it again changes nothing.
/// </summary>
public sealed class DemoActivityTests : MigratedDatabaseTest
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private async Task<(int ExitCode, string Output)> LoadDemoAsync()
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Path.Combine(RepoFiles.Root, "scripts", "load-demo"));
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "supervisor"));
        foreach (var (key, value) in SupervisorProcess.Env(Db))
        {
            info.Environment[key] = value;
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>What a second run must not change: rows of every table the demo writes, and each milestone's state.</summary>
    private async Task<string> FingerprintAsync()
    {
        await using var c = await Db.DataSource.OpenConnectionAsync();
        var text = new StringBuilder();
        foreach (var (table, count) in await RowCounts.ReadAsync(Db.DataSource))
        {
            text.Append(CultureInfo.InvariantCulture, $"{table}={count};");
        }

        text.Append(await c.QuerySingleAsync<string>("""
            select concat_ws(';',
                (select count(*) from evidence), (select count(*) from acknowledgements), (select count(*) from unit_rate_snapshots),
                (select string_agg(concat(state, ':', decided_at), ',' order by id) from completion_applications),
                (select count(*) from audit_log where actor = 'demo'),
                (select string_agg(concat(id, ':', status, ':', completed_at), ',' order by id) from milestones))
            """));
        return text.ToString();
    }

    [Fact]
    public async Task LoadDemo_TwiceOnAFreshDatabase_ShowsDoneOnTimeAndLate_OneAwaitingReviewWithAPhoto_OneReturned_AndTheSecondRunChangesNothing()
    {
        var (exit, output) = await LoadDemoAsync();
        Assert.True(exit == 0, output);
        Assert.Contains("Recorded demo activity on plan #", output, StringComparison.Ordinal);

        var now = DateTimeOffset.UtcNow;
        var engine = Services.GetRequiredService<SupervisionEngine>();
        var today = engine.LocalDate(now);
        await using var c = await Db.DataSource.OpenConnectionAsync();

        // Milestones 已办结 on time and late, as their completion date compares with the due date.
        var done = (await c.QueryAsync<(DateTime Due, DateTime CompletedAt)>("select due_date::timestamp, completed_at from milestones where status = 'done'"))
            .Select(m => (Due: DateOnly.FromDateTime(m.Due), Local: DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(m.CompletedAt, DateTimeKind.Utc)), Shanghai).DateTime)))
            .ToList();
        Assert.Contains(done, m => m.Local <= m.Due);
        Assert.Contains(done, m => m.Local > m.Due);
        Assert.All(done, m => Assert.True(m.Local <= today, $"a milestone was completed in the future ({m.Local})"));

        // Exactly one 待审核, with an image the office can preview: the committed demo photo, recognised as a PNG.
        var reviews = Services.GetRequiredService<ReviewStore>();
        var pending = Assert.Single(await reviews.PendingAsync(CancellationToken.None));
        Assert.NotNull(pending.ProgressReportId);
        var files = (await Services.GetRequiredService<EvidenceStore>().ListAsync([pending.ProgressReportId!.Value], CancellationToken.None))[pending.ProgressReportId.Value];
        var photo = Assert.Single(files);
        Assert.Equal("image/png", photo.MediaType);
        var stored = await Services.GetRequiredService<EvidenceStore>().FindAsync(photo.Id, CancellationToken.None);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(RepoFiles.Root, "demo", "site-photo.png")), stored!.Content);
        Assert.Equal(1, await reviews.PendingCountAsync(CancellationToken.None));

        // Exactly one 退回, open again with its reason (what the unit's page and next message show).
        var returned = Assert.Single((await reviews.ReturnedAsync(null, CancellationToken.None)).DistinctBy(r => r.MilestoneId));
        Assert.Equal(DemoScenario.ReturnReason, returned.ReturnReason);
        Assert.Equal("open", await c.QuerySingleAsync<string>("select status from milestones where id = @id", new { id = returned.MilestoneId }));

        // The rates are not all zero, and the lights are not all red.
        var rates = await engine.RatesAsync(today, CancellationToken.None);
        Assert.Contains(rates, r => r.Lead.OnTimeRate > 0.5);
        Assert.Contains(rates, r => r.Lead.Late > 0);
        Assert.Contains(rates, r => r.Light != Light.Red);
        Assert.Contains(rates, r => r.Light == Light.Red);
        Assert.NotEmpty(await Services.GetRequiredService<TaskQueries>().TrendAsync(90, CancellationToken.None));

        // Progress reports with percentages, so 序时进度 has a figure beside it on a unit's page.
        Assert.True(await c.QuerySingleAsync<int>("select count(*)::int from progress_reports where percent between 1 and 99") > 5);

        // Written as the real flow writes it: audited, as the demo, never dated after the run.
        var actions = (await c.QueryAsync<string>("select distinct action from audit_log where actor = @actor", new { actor = DemoActivity.Actor })).ToHashSet();
        Assert.Superset(new HashSet<string> { "milestone.acknowledge", "milestone.progress", "milestone.complete", "completion.apply", "completion.approve", "completion.return", "demo.activity" }, actions);
        Assert.True(await c.QuerySingleAsync<bool>("select max(at) <= now() from audit_log where actor = @actor", new { actor = DemoActivity.Actor }));

        var before = await FingerprintAsync();
        (exit, output) = await LoadDemoAsync();
        Assert.True(exit == 0, output);
        Assert.Contains("nothing changed", output, StringComparison.Ordinal);
        Assert.Equal(before, await FingerprintAsync());
    }

    [Fact]
    public async Task DemoActivity_LeavesMilestonesSomeoneActedOnAlone_AndRecordsTheRest()
    {
        await LoadDemoDirectoryAndPlanAsync();
        await using var c = await Db.DataSource.OpenConnectionAsync();
        var plan = await c.QuerySingleAsync<long>("select id from plans");
        var zone = Shanghai;
        var now = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.FromHours(8));

        // Before the demo step, an admin closed one completion milestone and a unit reported on another and signed.
        var milestones = (await c.QueryAsync<(long Id, string Kind, long Lead)>("""
            select m.id, m.kind, (select unit_id from task_units where task_id = m.task_id and role = 'lead' order by position limit 1)
            from milestones m order by m.due_date, m.id
            """)).ToList();
        var closed = milestones.First(m => m.Kind == "completion");
        var reported = milestones.First(m => m.Kind == "report");
        var progress = Services.GetRequiredService<ProgressStore>();
        var closedAt = new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.FromHours(8));
        await progress.CompleteAsync(closed.Id, closedAt, zone, "console", "admin", CancellationToken.None);
        await progress.ReportAsync(reported.Id, 30, "先行报送", reported.Lead, "link", $"link:unit:{reported.Lead}", closedAt, CancellationToken.None);

        var result = await Services.GetRequiredService<DemoActivity>().RecordAsync(plan, null, now, CancellationToken.None);

        Assert.True(result.Changed);
        Assert.Equal(2, result.LeftAlone);
        Assert.Equal(1, result.AwaitingReview);
        Assert.Equal(1, result.Returned);
        Assert.True(result.DoneOnTime > result.DoneLate && result.DoneLate > 0, $"{result.DoneOnTime} on time, {result.DoneLate} late");
        foreach (var id in new[] { closed.Id, reported.Id })
        {
            Assert.Equal(0, await c.QuerySingleAsync<int>(
                "select count(*)::int from audit_log where actor = 'demo' and target = @target", new { target = $"milestone:{id}" }));
        }

        Assert.Equal(closedAt.UtcDateTime, await c.QuerySingleAsync<DateTime>("select completed_at from milestones where id = @id", new { id = closed.Id }));
        Assert.Equal(1, await c.QuerySingleAsync<int>("select count(*)::int from progress_reports where milestone_id = @id", new { id = reported.Id }));

        // Every step is dated before "now", and a second call is a no-op that names the first.
        Assert.True(await c.QuerySingleAsync<bool>("select max(at) <= @now from audit_log where actor = 'demo'", new { now = now.UtcDateTime }));
        var again = await Services.GetRequiredService<DemoActivity>().RecordAsync(plan, null, now.AddDays(7), CancellationToken.None);
        Assert.False(again.Changed);
        Assert.Equal(now, again.RecordedBefore);
    }

    [Fact]
    public async Task DemoActivityCommand_RefusesAFileThatIsNotAnImage_AndAPlanThatDoesNotExist_WritingNothing()
    {
        await LoadDemoDirectoryAndPlanAsync();
        var env = SupervisorProcess.Env(Db);
        long plan;
        await using (var connection = await Db.DataSource.OpenConnectionAsync())
        {
            plan = await connection.QuerySingleAsync<long>("select id from plans");
        }

        var notAnImage = await SupervisorProcess.RunAsync(["demo", "activity", "--plan", plan.ToString(CultureInfo.InvariantCulture), "--photo", Path.Combine(RepoFiles.Root, "demo", "units.csv")], env);
        Assert.Equal(2, notAnImage.ExitCode);
        Assert.Contains("--photo", notAnImage.StdErr, StringComparison.Ordinal);
        Assert.Contains("不是可接受的佐证材料", notAnImage.StdErr, StringComparison.Ordinal);

        var noPlan = await SupervisorProcess.RunAsync(["demo", "activity", "--plan", "999999"], env);
        Assert.Equal(2, noPlan.ExitCode);
        Assert.Contains("no such plan", noPlan.StdErr, StringComparison.Ordinal);

        await using var c = await Db.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await c.QuerySingleAsync<int>("select count(*)::int from audit_log where actor = 'demo'"));
        Assert.Equal(0, await c.QuerySingleAsync<int>("select count(*)::int from progress_reports"));
    }

    private async Task LoadDemoDirectoryAndPlanAsync()
    {
        foreach (var args in new[]
        {
            new[] { "units", "import", Path.Combine(RepoFiles.Root, "demo", "units.csv") },
            ["leaders", "import", Path.Combine(RepoFiles.Root, "demo", "leaders.csv")],
            ["import", Path.Combine(RepoFiles.Root, "demo", "plan-2026.txt"), "--year", "2026"],
        })
        {
            var run = await SupervisorProcess.RunAsync(args, SupervisorProcess.Env(Db));
            Assert.True(run.ExitCode == 0, run.StdErr);
        }
    }
}
