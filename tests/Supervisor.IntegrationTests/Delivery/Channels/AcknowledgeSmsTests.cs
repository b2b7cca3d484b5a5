using System.Text;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Import;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Delivery.Channels;

/// <summary>
/// 签收 reminders reach a unit whose only contact is its liaison's mobile: a plan assigned on Wednesday 30 September 2026,
/// two working days to sign (8 and 9 October, after the National Day holiday), the reminder owed on Saturday 10 October
/// (a make-up working day) and sent that morning — through the free-text gateway and through a template provider's
/// Acknowledge template, as the handset shows it.
/// </summary>
// The fakes are disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
public sealed class AcknowledgeSmsTests : IAsyncLifetime
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Assigned = new(2026, 9, 30, 10, 0, 0, China);
    private static readonly DateTimeOffset Saturday0830 = new(2026, 10, 10, 8, 30, 0, China);

    private const string Plan = """
        2026年区重点工作任务责任分解方案

        1.推进城区道路改造，年底前完成。(责任领导:张明;牵头单位:区交通运输局)

        2.建设智慧交通平台，年底前完成。(责任领导:张明;牵头单位:区交通运输局)
        """;

    private readonly TestDatabase _db = new();
    private readonly SmsGateway _gateway = new();
    private readonly ProviderFakes _fakes = new();
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        await _gateway.StartAsync();
        await _fakes.StartAsync();
        _dir = Directory.CreateTempSubdirectory("ack-sms-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _fakes.DisposeAsync();
        await _db.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Imports the plan on 30 September, gives 区交通运输局 a liaison with a mobile only, scans on 10 October.</summary>
    private async Task OweAsync(ServiceProvider services)
    {
        var path = Path.Combine(_dir, "plan.txt");
        await File.WriteAllTextAsync(path, Plan, Encoding.UTF8);
        await services.GetRequiredService<PlanImportService>().ImportAsync(
            new PlanImportRequest(path, 2026, "2026年区重点工作任务责任分解方案", PlanFileFormat.Auto, DryRun: false), CancellationToken.None);
        await using (var c = await _db.DataSource.OpenConnectionAsync())
        {
            await c.ExecuteAsync("insert into contacts (unit_id, role, name, phone, email, updated_at) select id, 'liaison', '王联络', '13800000201', null, now() from units where name = '区交通运输局'");
        }

        var scan = await services.GetRequiredService<SupervisionEngine>().ScanAsync(new DateTimeOffset(2026, 10, 10, 8, 0, 0, China), CancellationToken.None);
        Assert.Equal(2, scan.AcknowledgementRemindersOwed);

        // The plan's earlier quarterly reports are overdue too; this is about a day with 签收 alone owed, so those
        // deadline reminders are taken as sent the day before.
        await using (var c = await _db.DataSource.OpenConnectionAsync())
        {
            await c.ExecuteAsync("update reminders set composed_at = now()");
        }
    }

    private static async Task<DispatchResult> ComposeAndDispatchAsync(ServiceProvider services)
    {
        await services.GetRequiredService<ReminderComposer>().ComposeAsync(Saturday0830, ReminderComposer.AllLevels, CancellationToken.None);
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(Saturday0830), "test-worker", CancellationToken.None);
    }

    [Fact]
    public async Task SmsOnlyUnit_GetsAnAcknowledgementText_NamingTheTasksToSignAndItsShortLink_ThroughTheGateway()
    {
        var clock = new Clock(Assigned);
        await using var services = TestServices.Create(_db, new Dictionary<string, string?>
        {
            ["Sms:Url"] = _gateway.Url.ToString(),
            ["Sms:Secret"] = SmsGateway.Secret,
            ["Sms:RatePerSecond"] = "1000",
            ["Supervision:AcknowledgeWithinWorkingDays"] = "2",
        }, clock);
        await OweAsync(services);
        clock.Now = Saturday0830;

        var pass = await ComposeAndDispatchAsync(services);
        var again = await ComposeAndDispatchAsync(services);

        var sms = Assert.Single(_gateway.Accepted);
        Assert.Equal("13800000201", sms.Phone);
        Assert.Matches(@"^【某县督查室】贵单位有2项交办任务尚未签收，请打开链接签收：http://127\.0\.0\.1:5080/s/[A-Za-z0-9_-]{16}$", sms.Text);
        Assert.True(Core.Delivery.SmsText.FitsOneSegment(sms.Text), sms.Text);
        Assert.Equal((1, 1), (pass.Claimed, pass.Sent));
        Assert.Equal(0, again.Claimed);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("select count(*)::int from acknowledgement_reminders where composed_at is null"));
    }

    [Fact]
    public async Task DeadlineTextOfTheSameDay_AlsoNamesTheTasksToSign_WhenItStillFitsOneSegment()
    {
        var clock = new Clock(Assigned);
        await using var services = TestServices.Create(_db, new Dictionary<string, string?>
        {
            ["Sms:Url"] = _gateway.Url.ToString(),
            ["Sms:Secret"] = SmsGateway.Secret,
            ["Sms:RatePerSecond"] = "1000",
            ["Supervision:AcknowledgeWithinWorkingDays"] = "2",
            ["Console:PublicUrl"] = "https://d.gov.cn",
        }, clock);
        await OweAsync(services);
        await using (var c = await _db.DataSource.OpenConnectionAsync())
        {
            await c.ExecuteAsync("update reminders set composed_at = null");
        }

        clock.Now = Saturday0830;
        await ComposeAndDispatchAsync(services);

        var sms = Assert.Single(_gateway.Accepted);
        Assert.Matches(@"^【某县督查室】贵单位有2项任务逾期、0项临期、2项待签收，请今日反馈：https://d\.gov\.cn/s/[A-Za-z0-9_-]{16}$", sms.Text);
        Assert.True(Core.Delivery.SmsText.FitsOneSegment(sms.Text), sms.Text);
    }

    [Fact]
    public async Task SmsOnlyUnit_GetsTheAcknowledgeTemplate_ThroughAliyun_AsTheHandsetShowsIt()
    {
        _fakes.TemplateTexts["SMS_0005"] = "${unit}有${count}项交办任务尚未签收，请登录督查督办系统签收。";
        _fakes.NumberVariables.Add("count");
        var clock = new Clock(Assigned);
        var settings = _fakes.Settings("Aliyun");
        settings["Sms:Templates:Acknowledge"] = "SMS_0005";
        settings["Supervision:AcknowledgeWithinWorkingDays"] = "2";
        await using var services = TestServices.Create(_db, settings, clock);
        await OweAsync(services);
        clock.Now = Saturday0830;

        await ComposeAndDispatchAsync(services);

        var sms = Assert.Single(_fakes.Accepted);
        Assert.Equal("13800000201", sms.Recipient);
        Assert.StartsWith("SMS_0005 ", sms.Content, StringComparison.Ordinal);
        Assert.Equal("【某县督查室】区交通运输局有2项交办任务尚未签收，请登录督查督办系统签收。", sms.Text);
        Assert.Equal(0, _fakes.BadSignatures);
    }

    [Fact]
    public async Task TemplateProviderWithoutAnAcknowledgeTemplate_QueuesNoAcknowledgementText_ThatCouldNeverBeSent()
    {
        var clock = new Clock(Assigned);
        var settings = _fakes.Settings("Aliyun");
        settings["Supervision:AcknowledgeWithinWorkingDays"] = "2";
        await using var services = TestServices.Create(_db, settings, clock);
        await OweAsync(services);
        clock.Now = Saturday0830;

        await ComposeAndDispatchAsync(services);

        Assert.Empty(_fakes.Accepted);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("select count(*)::int from messages"));
    }

    /// <summary>The import dates the assignment by the clock; the compose and dispatch run later on it.</summary>
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }
}
