using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core.Engine;
using Supervisor.Infrastructure.Import;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Engine;

/// <summary>
/// Seed 003 (21 tasks, 2023) walked through the Dragon Boat holiday with a fixed clock. Every expected number below
/// was worked out by hand from the plan and the official calendar:
/// - each task has quarterly report milestones: Q1 due 2023-03-24 (the 25th is a Saturday, moved back), Q2 due
///   2023-06-25 — a Sunday, but the make-up working day (调休) after 端午节 (06-22..06-24), so it stays;
/// - the story: every Q1 report is done on 03-23, except task 12's (区交通运输局), done late on 03-28, and task 8's
///   (区人社局), never done; every Q2 report is done on 06-25 evening, except task 3's (区科经局), done late on
///   06-26 10:00, and task 8's, never done.
/// </summary>
public sealed class Seed003ScenarioTests : MigratedDatabaseTest
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Services.GetRequiredService<PlanImportService>().ImportAsync(
            new PlanImportRequest(SharedFiles.Seed("003"), 2023, null, PlanFileFormat.Auto, DryRun: false), CancellationToken.None);
    }

    private static DateTimeOffset At(string local) => DateTimeOffset.Parse(local + "+08:00", System.Globalization.CultureInfo.InvariantCulture);

    private SupervisionEngine Engine => Services.GetRequiredService<SupervisionEngine>();

    private async Task CompleteAsync(string quarterKey, string at, params string[] exceptCodes)
    {
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        var ids = await connection.QueryAsync<long>(
            "select m.id from milestones m join tasks t on t.id = m.task_id where m.key = @quarterKey and not (t.code = any(@exceptCodes))",
            new { quarterKey, exceptCodes });
        foreach (var id in ids)
        {
            await Services.GetRequiredService<ProgressStore>().CompleteAsync(id, At(at), Engine.Zone, "cli", "test", CancellationToken.None);
        }
    }

    private async Task CompleteTaskAsync(string code, string quarterKey, string at)
    {
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        var id = await connection.QuerySingleAsync<long>(
            "select m.id from milestones m join tasks t on t.id = m.task_id where m.key = @quarterKey and t.code = @code", new { quarterKey, code });
        await Services.GetRequiredService<ProgressStore>().CompleteAsync(id, At(at), Engine.Zone, "cli", "test", CancellationToken.None);
    }

    [Fact]
    public async Task WalkingThroughTheDragonBoatHoliday_GivesTheHandComputedCountsRemindersRatesAndLights()
    {
        await CompleteAsync("report-2023Q1", "2023-03-23T10:00:00", "12", "8");
        await CompleteTaskAsync("12", "report-2023Q1", "2023-03-28T10:00:00");

        // Tue 06-20: Q2 reports have 2 working days left (06-21, then 06-25; 06-22..24 are the holiday) → due soon,
        // 21 × 提醒; task 8's Q1 report is far overdue → 催办 + 督办. 20 done, 1 overdue, 21 + 21 + 1 upcoming.
        var tuesday = await Engine.ScanAsync(At("2023-06-20T09:00:00"), CancellationToken.None);
        Assert.Equal(new ScanCounts(Upcoming: 43, DueSoon: 21, DueToday: 0, Overdue: 1, Done: 20), tuesday.Counts);
        Assert.Equal(23, tuesday.RemindersOwed);
        Assert.Equal([21, 1, 1], new[] { tuesday.OwedByLevel[1], tuesday.OwedByLevel[2], tuesday.OwedByLevel[3] });

        // Thu 06-22, 端午节: nobody is chased on a holiday.
        var holiday = await Engine.ScanAsync(At("2023-06-22T09:00:00"), CancellationToken.None);
        Assert.False(holiday.WorkingDay);
        Assert.Equal(0, holiday.RemindersOwed);
        Assert.Equal(21, holiday.Counts.DueSoon);

        // Sun 06-25, the make-up working day: Q2 due today → 21 × 提醒; task 8's 催办 repeats (last on 06-20, two
        // working days back is 06-20); its 督办 does not (last on 06-20, within 5 working days).
        var makeUpSunday = await Engine.ScanAsync(At("2023-06-25T09:00:00"), CancellationToken.None);
        Assert.True(makeUpSunday.WorkingDay);
        Assert.Equal(21, makeUpSunday.Counts.DueToday);
        Assert.Equal([21, 1, 0], new[] { makeUpSunday.OwedByLevel[1], makeUpSunday.OwedByLevel[2], makeUpSunday.OwedByLevel[3] });

        await CompleteAsync("report-2023Q2", "2023-06-25T18:00:00", "3", "8");
        await CompleteTaskAsync("3", "report-2023Q2", "2023-06-26T10:00:00");

        // Mon 06-26 09:00: task 3's and task 8's Q2 reports are 1 working day overdue → 2 × 催办; task 8's Q1 催办
        // was yesterday. Done: 20 + 19.
        var monday = await Engine.ScanAsync(At("2023-06-26T09:00:00"), CancellationToken.None);
        Assert.Equal(new ScanCounts(Upcoming: 43, DueSoon: 0, DueToday: 0, Overdue: 3, Done: 39), monday.Counts);
        Assert.Equal([0, 2, 0], new[] { monday.OwedByLevel[1], monday.OwedByLevel[2], monday.OwedByLevel[3] });
        Assert.Equal(0, (await Engine.ScanAsync(At("2023-06-26T09:15:00"), CancellationToken.None)).RemindersOwed);

        // Rates at the end of 06-30, over Q1 + Q2 (2 per task).
        var rates = (await Engine.RatesAsync(new DateOnly(2023, 6, 30), CancellationToken.None)).ToDictionary(r => r.Unit);
        var renshe = rates["区人社局"];
        Assert.Equal(new RoleCounts(Due: 2, OnTime: 0, Late: 0, OverdueOpen: 2), renshe.Lead);
        // Working days from 03-24 to 06-30: March 5 + April 20 (清明 off, 04-23 on) + May 21 (3 off, 05-06 on) + June 21 (2 off, 06-25 on).
        Assert.Equal(67, renshe.WorstOverdueWorkingDays);
        Assert.Equal(Light.Red, renshe.Light);
        Assert.Equal(new RoleCounts(2, 1, 1, 0), rates["区科经局"].Lead);
        Assert.Equal(Light.Red, rates["区科经局"].Light);            // on-time 50% < 60%
        Assert.Equal(new RoleCounts(2, 1, 1, 0), rates["区交通运输局"].Lead);
        Assert.Equal(new RoleCounts(12, 12, 0, 0), rates["区发改局"].Lead);   // tasks 1, 2, 7, 10, 13, 19
        Assert.Equal(Light.Green, rates["区发改局"].Light);
        Assert.Null(rates["区自然资源和规划局"].Lead.OnTimeRate);          // co unit only (task 12): no rate, not 0%
        Assert.Equal(new RoleCounts(2, 1, 1, 0), rates["区自然资源和规划局"].Co);

        // Ranking: the 100% units, then 区交通运输局 before 区科经局 (equal rates and overdue: pinyin jiao < ke),
        // then 区人社局 at 0%, then the units with nothing due.
        var ordered = rates.Values.OrderBy(r => r.Rank).ToList();
        var withRate = ordered.Where(r => r.Lead.OnTimeRate is not null).ToList();
        Assert.Equal(["区交通运输局", "区科经局", "区人社局"], withRate.TakeLast(3).Select(r => r.Unit));
        Assert.All(ordered.SkipWhile(r => r.Lead.OnTimeRate is not null), r => Assert.Null(r.Lead.OnTimeRate));

        // As of 06-20 the Q2 reports were due soon: 区发改局 was yellow, not green.
        var before = (await Engine.RatesAsync(new DateOnly(2023, 6, 20), CancellationToken.None)).Single(r => r.Unit == "区发改局");
        Assert.Equal(Light.Yellow, before.Light);
    }

    [Fact]
    public async Task TaskLight_TurnsYellow_WhenReportedProgressTrailsTheElapsedShareOfTheYear()
    {
        // Task 18 is due 2023-12-31 (年底前). On 07-01 about 50% of its window has passed.
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        var completion = await connection.QuerySingleAsync<long>(
            "select m.id from milestones m join tasks t on t.id = m.task_id where t.code = '18' and m.kind = 'completion'");
        await CompleteAsync("report-2023Q1", "2023-03-20T10:00:00");
        await CompleteAsync("report-2023Q2", "2023-06-20T10:00:00");
        var progress = Services.GetRequiredService<ProgressStore>();

        await progress.ReportAsync(completion, 20, "前期工作", null, "cli", "test", At("2023-06-28T10:00:00"), CancellationToken.None);
        var behind = (await Engine.TaskLightsAsync(new DateOnly(2023, 7, 1), null, CancellationToken.None)).Single(t => t.Code == "18");
        await progress.ReportAsync(completion, 40, "主体推进", null, "cli", "test", At("2023-06-29T10:00:00"), CancellationToken.None);
        var onTrack = (await Engine.TaskLightsAsync(new DateOnly(2023, 7, 1), null, CancellationToken.None)).Single(t => t.Code == "18");

        // The latest report of the task counts, whichever of its milestones it was made on.
        var q3 = await connection.QuerySingleAsync<long>(
            "select m.id from milestones m join tasks t on t.id = m.task_id where t.code = '18' and m.key = 'report-2023Q3'");
        await progress.ReportAsync(q3, 15, "调整方案", null, "cli", "test", At("2023-06-30T10:00:00"), CancellationToken.None);
        var behindAgain = (await Engine.TaskLightsAsync(new DateOnly(2023, 7, 1), null, CancellationToken.None)).Single(t => t.Code == "18");

        Assert.Equal(Light.Yellow, behind.Light);     // ~50% elapsed − 20% reported = 30 points > 20
        Assert.True(behind.BehindSchedule);
        Assert.Equal(Light.Green, onTrack.Light);     // ~50% − 40% = 10 points
        Assert.True(behindAgain.BehindSchedule);      // ~50% − 15% reported last, on the Q3 report = 35 points
    }

    [Fact]
    public async Task CompleteCommand_SaysLateOrOnTime_AndKeepsTheFirstCompletion()
    {
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        var id = await connection.QuerySingleAsync<long>("select m.id from milestones m join tasks t on t.id = m.task_id where t.code = '1' and m.key = 'report-2023Q1'");
        var env = SupervisorProcess.Env(Db);

        var late = await SupervisorProcess.RunAsync(["complete", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--at", "2023-03-27T10:00+08:00"], env);
        var again = await SupervisorProcess.RunAsync(["complete", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--at", "2023-03-20T10:00+08:00"], env);
        var missing = await SupervisorProcess.RunAsync(["complete", "999999"], env);
        var progress = await SupervisorProcess.RunAsync(["progress", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--percent", "160"], env);

        Assert.Contains("due 2023-03-24: late", late.StdOut, StringComparison.Ordinal);
        Assert.Contains("already done on 2023-03-27", again.StdOut, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("milestone 999999 does not exist", missing.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, progress.ExitCode);
        Assert.Contains("--percent 160", progress.StdErr, StringComparison.Ordinal);
    }
}
