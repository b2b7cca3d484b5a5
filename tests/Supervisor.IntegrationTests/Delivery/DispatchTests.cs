using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Delivery;

// The sinks are disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
public sealed class DispatchTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday10 = new(2023, 6, 26, 10, 0, 0, TimeSpan.FromHours(8));
    private readonly TestDatabase _db = new();
    private readonly SmtpSink _smtp = new();
    private readonly SmsGateway _gateway = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        await _gateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        await _gateway.DisposeAsync();
        await _db.DisposeAsync();
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Smtp:Timeout"] = "00:00:05",
        ["Sms:Url"] = _gateway.Url.ToString(),
        ["Sms:Secret"] = SmsGateway.Secret,
        ["Sms:RatePerSecond"] = "1000",
        ["Supervision:OfficeEmails:0"] = "office@gov.cn",
    };

    private static async Task<DispatchResult> PassAsync(ServiceProvider services, DateTimeOffset at)
    {
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(at), "test-worker", CancellationToken.None);
    }

    [Fact]
    public async Task Dispatch_DeliversComposedMessages_WithRecipientsChineseIntactAndOneEmailPerRecipient()
    {
        await _smtp.StartAsync();
        await DeliveryData.WriteAsync(_db.DataSource);
        await using var services = TestServices.Create(_db, Settings(), new FixedTimeProvider(Monday10));
        await services.GetRequiredService<ReminderComposer>().ComposeAsync(Monday10, ReminderComposer.AllLevels, CancellationToken.None);

        var result = await PassAsync(services, Monday10);
        var again = await PassAsync(services, Monday10);

        await using var c = await _db.DataSource.OpenConnectionAsync();
        var expected = (await c.QueryAsync<(string Key, string Address, string Subject)>("select key, recipient_address, subject from messages where channel = 'email'")).ToList();
        var mails = _smtp.Messages();
        Assert.Equal(expected.Count, mails.Count);
        Assert.Equal(expected.Select(e => e.Key).Order(StringComparer.Ordinal), mails.Select(m => m.Key).Order(StringComparer.Ordinal));
        foreach (var e in expected)
        {
            var mail = Assert.Single(mails, m => m.Key == e.Key);
            Assert.Contains(e.Address, mail.To, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(e.Subject, mail.Subject);
        }

        var zhang = Assert.Single(mails, m => m.To.Contains("zhang@fgj.gov.cn", StringComparison.Ordinal));
        Assert.Contains("张联络", zhang.To, StringComparison.Ordinal);
        Assert.Contains("推进城区道路改造", zhang.Body, StringComparison.Ordinal);
        Assert.Contains("<table", zhang.Body, StringComparison.Ordinal);
        Assert.Equal(0, again.Claimed);
        Assert.Equal(result.Claimed, result.Sent);
        Assert.Contains(_gateway.Accepted, a => a.Phone == "13800000101" && a.Text.StartsWith("【某县督查室】贵单位有1项任务逾期、1项临期，请今日反馈：http://127.0.0.1:5080/s/", StringComparison.Ordinal));
        Assert.Equal(0, _gateway.BadSignatures);
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("select count(*)::int from messages where state <> 'sent'"));
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("select count(*)::int from messages where channel = 'sms' and provider_message_id is null"));
    }

    [Fact]
    public async Task SmtpDown_FiftyQueued_ThenRestarted_AllFiftyDeliveredOnce_AttemptsRecorded()
    {
        await Outbox.QueueAsync(_db.DataSource, "email", Enumerable.Range(0, 50).Select(i => $"u{i}@example.cn"), Monday10);
        await using var services = TestServices.Create(_db, Settings(), new FixedTimeProvider(Monday10));

        var down = await PassAsync(services, Monday10);
        await _smtp.StartAsync();
        var early = await PassAsync(services, Monday10.AddSeconds(10));
        var up = await PassAsync(services, Monday10.AddHours(2));

        Assert.Equal(50, down.Retrying);
        Assert.Equal(0, early.Claimed);
        Assert.Equal(50, up.Sent);
        var mails = _smtp.Messages();
        Assert.Equal(50, mails.Count);
        Assert.Equal(50, mails.Select(m => m.Key).Distinct().Count());
        await using var c = await _db.DataSource.OpenConnectionAsync();
        var attempts = (await c.QueryAsync<(int Attempt, string Outcome)>("select attempt, outcome from delivery_attempts")).ToList();
        Assert.Equal(50, attempts.Count(a => a.Attempt == 1 && a.Outcome == "transient"));
        Assert.Equal(50, attempts.Count(a => a.Attempt == 2 && a.Outcome == "sent"));
        Assert.Equal(50, await c.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'sent' and attempts = 2"));
    }

    [Fact]
    public async Task SmsGatewayFailingForAWhile_IsRetriedAndDelivered_InvalidNumberIsDeadAtOnce()
    {
        _gateway.Answer = (phone, n) => phone == "13700000000" ? (200, "INVALID_NUMBER") : n <= 6 ? (500, "") : (200, "OK");
        await Outbox.QueueAsync(_db.DataSource, "sms", ["13800000001", "13800000002", "13800000003", "13700000000"], Monday10);
        await using var services = TestServices.Create(_db, Settings(), new FixedTimeProvider(Monday10));

        var first = await PassAsync(services, Monday10);
        var second = await PassAsync(services, Monday10.AddMinutes(2));
        var third = await PassAsync(services, Monday10.AddHours(1));

        Assert.Equal(1, first.Dead);
        Assert.Equal(3, first.Retrying);
        Assert.Equal(3, second.Sent + third.Sent);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        var states = (await c.QueryAsync<(string Address, string State, string? Error, string? Provider)>("select recipient_address, state, last_error, provider_message_id from messages")).ToList();
        var dead = Assert.Single(states, s => s.State == "dead");
        Assert.Equal("13700000000", dead.Address);
        Assert.Contains("INVALID_NUMBER", dead.Error, StringComparison.Ordinal);
        Assert.All(states.Where(s => s.Address != "13700000000"), s => Assert.Equal("sent", s.State));
        Assert.All(states.Where(s => s.State == "sent"), s => Assert.StartsWith("gw-", s.Provider, StringComparison.Ordinal));
        Assert.Equal(3, _gateway.Accepted.Count);
        Assert.Equal(0, _gateway.BadSignatures);
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("select count(*)::int from delivery_attempts where outcome = 'permanent'"));
    }

    [Fact]
    public async Task Sms_InQuietHoursOrOnAHoliday_IsHeldNotDropped_UntilTheNextWorkingMorning()
    {
        await Outbox.QueueAsync(_db.DataSource, "sms", ["13800000009"], Monday10);
        await using var services = TestServices.Create(_db, Settings(), new FixedTimeProvider(Monday10));

        var evening = await PassAsync(services, new DateTimeOffset(2023, 6, 30, 22, 0, 0, TimeSpan.FromHours(8)));
        var saturday = await PassAsync(services, new DateTimeOffset(2023, 7, 1, 10, 0, 0, TimeSpan.FromHours(8)));
        var monday = await PassAsync(services, new DateTimeOffset(2023, 7, 3, 8, 0, 0, TimeSpan.FromHours(8)));

        Assert.Equal(1, evening.Held);
        Assert.Equal(0, saturday.Claimed);
        Assert.Equal(1, monday.Sent);
        Assert.Single(_gateway.Accepted);
    }

    [Fact]
    public async Task TwoDispatchProcesses_OverAThousandQueued_DeliverEachExactlyOnce()
    {
        await _smtp.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await Outbox.QueueAsync(_db.DataSource, "email", Enumerable.Range(0, 1000).Select(i => $"r{i}@example.cn"), now.AddMinutes(-1));
        var env = SupervisorProcess.Env(_db);
        foreach (var (k, v) in Settings())
        {
            env[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        }

        env["Delivery__BatchSize"] = "50";
        var runs = await Task.WhenAll(
            SupervisorProcess.RunAsync(["dispatch", "--once"], env, TimeSpan.FromMinutes(3)),
            SupervisorProcess.RunAsync(["dispatch", "--once"], env, TimeSpan.FromMinutes(3)));

        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.StdErr));
        var mails = _smtp.Messages();
        Assert.Equal(1000, mails.Count);
        Assert.Equal(1000, mails.Select(m => m.Key).Distinct().Count());
        await using var c = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(1000, await c.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'sent' and attempts = 1"));
        Assert.Equal(2, await c.ExecuteScalarAsync<int>("select count(distinct worker)::int from delivery_attempts"));
    }
}
