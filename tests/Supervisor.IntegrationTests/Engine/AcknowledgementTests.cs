using System.Text;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Import;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Engine;

/// <summary>
/// 签收 follow-up against a real database: a plan assigned on Wednesday 30 September 2026, the day before the National
/// Day holiday (1–7 October; Saturday 10 October is a make-up working day). With two working days to sign (8 and 9
/// October), a unit that has not signed gets its one 签收 reminder on Saturday 10 October.
/// </summary>
public sealed class AcknowledgementTests : IAsyncLifetime
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Assigned = new(2026, 9, 30, 10, 0, 0, China);

    private const string Plan = """
        2026年区重点工作任务责任分解方案

        1.推进城区道路改造，年底前完成。(责任领导:张明;牵头单位:区交通运输局;责任单位:区发改局)

        2.建设智慧园区，年底前完成。(责任领导:张明;牵头单位:区发改局)
        """;

    private readonly TestDatabase _db = new();
    private readonly Clock _clock = new(Assigned);
    private ServiceProvider _services = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        _services = TestServices.Create(_db, new Dictionary<string, string?> { ["Supervision:AcknowledgeWithinWorkingDays"] = "2" }, _clock);
        _dir = Directory.CreateTempSubdirectory("ack-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<ImportSummary> ImportAsync(string text, DateTimeOffset at) => (await ImportAsync(text, at, dryRun: false)).Summary!;

    private async Task<PlanImportResult> ImportAsync(string text, DateTimeOffset at, bool dryRun)
    {
        _clock.Now = at;
        var path = Path.Combine(_dir, "plan.txt");
        await File.WriteAllTextAsync(path, text, Encoding.UTF8);
        return await _services.GetRequiredService<PlanImportService>().ImportAsync(
            new PlanImportRequest(path, 2026, "2026年区重点工作任务责任分解方案", PlanFileFormat.Auto, dryRun), CancellationToken.None);
    }

    private async Task<int> ScanAsync(int month, int day)
    {
        var result = await _services.GetRequiredService<SupervisionEngine>().ScanAsync(new DateTimeOffset(2026, month, day, 8, 0, 0, China), CancellationToken.None);
        return result.AcknowledgementRemindersOwed;
    }

    private async Task SignAsync(string code, string unit, DateTimeOffset at)
    {
        await using var c = await _db.DataSource.OpenConnectionAsync();
        var (milestoneId, unitId) = await c.QuerySingleAsync<(long, long)>(
            """
            select (select m.id from milestones m join tasks t on t.id = m.task_id where t.code = @code order by m.due_date limit 1),
                   (select id from units where name = @unit)
            """, new { code, unit });
        await _services.GetRequiredService<ProgressStore>().AcknowledgeAsync(milestoneId, unitId, "link", "test", at, CancellationToken.None);
    }

    private async Task<int> CountAcknowledgementsAsync()
    {
        await using var c = await _db.DataSource.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<int>("select count(*)::int from acknowledgements");
    }

    private async Task<List<(string Code, string Unit, DateTime LocalDate)>> RemindersAsync()
    {
        await using var c = await _db.DataSource.OpenConnectionAsync();
        return (await c.QueryAsync<(string, string, DateTime)>(
            "select t.code, u.name, r.local_date::timestamp from acknowledgement_reminders r join tasks t on t.id = r.task_id join units u on u.id = r.unit_id order by t.code, u.name, r.id")).ToList();
    }

    [Fact]
    public async Task Scan_RecordsExactlyOneAcknowledgementReminder_OnTheFirstWorkingDayAfterTwoWorkingDaysOverTheHoliday()
    {
        await ImportAsync(Plan, Assigned);

        var byDay = new List<(int Day, int Owed)>();
        for (var day = 1; day <= 13; day++)
        {
            byDay.Add((day, await ScanAsync(10, day)));
            if (day == 10)
            {
                Assert.Equal(0, await ScanAsync(10, 10)); // a re-run the same day adds nothing
            }
        }

        // 8 and 9 October are the two working days to sign; Saturday 10 October (make-up day) owes the reminders.
        Assert.All(byDay.Where(d => d.Day != 10), d => Assert.Equal(0, d.Owed));
        Assert.Equal(3, byDay.Single(d => d.Day == 10).Owed);
        var reminders = await RemindersAsync();
        Assert.Equal(
            [("1", "区交通运输局", new DateTime(2026, 10, 10)), ("1", "区发改局", new DateTime(2026, 10, 10)), ("2", "区发改局", new DateTime(2026, 10, 10))],
            reminders);
    }

    [Fact]
    public async Task Signing_StopsTheAcknowledgementReminder_ForThatUnitOnly()
    {
        await ImportAsync(Plan, Assigned);
        await SignAsync("1", "区交通运输局", new DateTimeOffset(2026, 10, 9, 16, 0, 0, China));

        Assert.Equal(2, await ScanAsync(10, 10));

        Assert.DoesNotContain(await RemindersAsync(), r => r.Code == "1" && r.Unit == "区交通运输局");
        var unsigned = await _services.GetRequiredService<AcknowledgementQueries>().CountByUnitAsync(null, CancellationToken.None);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        var transport = await c.QuerySingleAsync<long>("select id from units where name = '区交通运输局'");
        var development = await c.QuerySingleAsync<long>("select id from units where name = '区发改局'");
        Assert.False(unsigned.ContainsKey(transport));
        Assert.Equal(2, unsigned[development]);
    }

    [Fact]
    public async Task UnchangedReimport_KeepsTheSignature_AndChangedReimportMakesTheTaskToSignAgain()
    {
        await ImportAsync(Plan, Assigned);
        await SignAsync("1", "区交通运输局", Assigned.AddHours(2));
        await SignAsync("1", "区发改局", Assigned.AddHours(2));
        await SignAsync("2", "区发改局", Assigned.AddHours(2));

        var repeat = await ImportAsync(Plan, new DateTimeOffset(2026, 10, 9, 9, 0, 0, China));
        Assert.Equal(0, repeat.SignaturesCleared);
        Assert.Equal(0, await ScanAsync(10, 12));
        Assert.Empty(await _services.GetRequiredService<AcknowledgementQueries>().UnsignedAsync(null, null, CancellationToken.None));

        // Task 1's deadline moves (年底前 → 11月底前): both its units must sign again; task 2 keeps its signature.
        var changedPlan = Plan.Replace("推进城区道路改造，年底前完成", "推进城区道路改造，11月底前完成", StringComparison.Ordinal);
        var preview = await ImportAsync(changedPlan, new DateTimeOffset(2026, 10, 12, 8, 0, 0, China), dryRun: true);
        Assert.Contains(preview.Plan.Warnings, w => w.Message.Contains("改变了2个单位已签收任务的内容、时限或责任（共2项）", StringComparison.Ordinal));
        Assert.Equal(3, await CountAcknowledgementsAsync()); // the preview cleared nothing
        var changed = await ImportAsync(changedPlan, new DateTimeOffset(2026, 10, 12, 9, 0, 0, China));

        Assert.Equal(2, changed.SignaturesCleared);
        Assert.Equal(2, changed.UnitsToSignAgain);
        var unsigned = await _services.GetRequiredService<AcknowledgementQueries>().UnsignedAsync(null, null, CancellationToken.None);
        Assert.Equal(2, unsigned.Count);
        Assert.All(unsigned, u => Assert.Equal(new DateTimeOffset(2026, 10, 12, 1, 0, 0, TimeSpan.Zero).UtcDateTime, u.AssignedAt!.Value.ToUniversalTime()));

        // Changed on Monday 12 October: signs by Wednesday 14th, reminded on Thursday 15th.
        Assert.Equal(0, await ScanAsync(10, 14));
        Assert.Equal(2, await ScanAsync(10, 15));
        Assert.Equal(0, await ScanAsync(10, 16));
    }

    [Fact]
    public async Task RoleChange_MakesTheTaskToSignAgain_ForThatUnit()
    {
        await ImportAsync(Plan, Assigned);
        await SignAsync("1", "区发改局", Assigned.AddHours(2));

        var changed = await ImportAsync(Plan.Replace("牵头单位:区交通运输局;责任单位:区发改局", "牵头单位:区交通运输局、区发改局", StringComparison.Ordinal), Assigned.AddDays(1));

        Assert.Equal(1, changed.SignaturesCleared);
        Assert.Contains(
            await _services.GetRequiredService<AcknowledgementQueries>().UnsignedAsync(null, null, CancellationToken.None),
            u => u.Role == "lead" && u.AssignedAt is not null);
    }

    [Fact]
    public async Task Compose_PutsTheUnsignedTasksInTheUnitDigest_WithTheSignedLink_AndNotAfterSigning()
    {
        await ImportAsync(Plan, Assigned);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        await c.ExecuteAsync(
            """
            insert into contacts (unit_id, role, name, phone, email, updated_at)
            select id, 'liaison', '王联络', '13800000201', 'wang@jtj.gov.cn', now() from units where name = '区交通运输局'
            union all
            select id, 'liaison', '李联络', null, 'li@fgj.gov.cn', now() from units where name = '区发改局'
            """);
        Assert.Equal(3, await ScanAsync(10, 10));
        await SignAsync("2", "区发改局", new DateTimeOffset(2026, 10, 10, 8, 10, 0, China));

        var composed = await _services.GetRequiredService<ReminderComposer>().ComposeAsync(new DateTimeOffset(2026, 10, 10, 8, 30, 0, China), ReminderComposer.AllLevels, CancellationToken.None);

        Assert.True(composed.Messages >= 2);
        var messages = (await c.QueryAsync<(string Address, string Channel, string Body)>("select recipient_address, channel, body_text from messages order by recipient_address")).ToList();
        var wang = Assert.Single(messages, m => m.Address == "wang@jtj.gov.cn");
        Assert.Contains("以下任务尚未签收（1项）", wang.Body, StringComparison.Ordinal);
        Assert.Contains("1 推进城区道路改造", wang.Body, StringComparison.Ordinal);
        Assert.Matches(@"签收：http://127\.0\.0\.1:5080/u/\d+\.\d+\.[A-Za-z0-9_-]{43}", wang.Body);
        var li = Assert.Single(messages, m => m.Address == "li@fgj.gov.cn");
        var liToSign = li.Body[li.Body.IndexOf("以下任务尚未签收", StringComparison.Ordinal)..];
        Assert.Contains("以下任务尚未签收（1项）", liToSign, StringComparison.Ordinal);
        Assert.Contains("1 推进城区道路改造", liToSign, StringComparison.Ordinal);
        Assert.DoesNotContain("智慧园区", liToSign, StringComparison.Ordinal); // signed for after the scan
        // 区交通运输局's liaison has a mobile too: its text of the day (overdue quarterly reports) keeps to one segment,
        // so it names no 签收 beside the deadlines and its link opens the page where 签收 comes first.
        var wangSms = Assert.Single(messages, m => m.Address == "13800000201").Body;
        Assert.True(Core.Delivery.SmsText.FitsOneSegment(wangSms), wangSms);
        Assert.Matches(@"^【某县督查室】贵单位有1项任务逾期、0项临期，请今日反馈：http://127\.0\.0\.1:5080/s/", wangSms);
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("select count(*)::int from acknowledgement_reminders where composed_at is null"));

        var again = await _services.GetRequiredService<ReminderComposer>().ComposeAsync(new DateTimeOffset(2026, 10, 10, 9, 30, 0, China), ReminderComposer.AllLevels, CancellationToken.None);
        Assert.Equal(0, again.Messages);
    }

    [Fact]
    public async Task Scan_OwesNoAcknowledgementReminder_WhenTheSettingIsZero()
    {
        await using var services = TestServices.Create(_db, new Dictionary<string, string?> { ["Supervision:AcknowledgeWithinWorkingDays"] = "0" }, _clock);
        await ImportAsync(Plan, Assigned);

        var result = await services.GetRequiredService<SupervisionEngine>().ScanAsync(new DateTimeOffset(2026, 10, 12, 8, 0, 0, China), CancellationToken.None);

        Assert.Equal(0, result.AcknowledgementRemindersOwed);
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }
}
