using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Delivery.Channels;

// The fakes are disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
public sealed class TemplateSmsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday10 = new(2023, 6, 26, 10, 0, 0, TimeSpan.FromHours(8));
    private readonly TestDatabase _db = new();
    private readonly ProviderFakes _fakes = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        await _fakes.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _fakes.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static async Task<DispatchResult> PassAsync(ServiceProvider services, DateTimeOffset at)
    {
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(at), "test-worker", CancellationToken.None);
    }

    private static string Phone(string provider, string phone) => provider == "Tencent" ? "+86" + phone : phone;

    [Theory]
    [InlineData("Aliyun")]
    [InlineData("Tencent")]
    public async Task Liaison_GetsOneTemplateSmsADay_ThroughAFakeThatVerifiedTheSignature_RerunningTheDaysJobsSendsNothingMore(string provider)
    {
        await DeliveryData.WriteAsync(_db.DataSource);
        await using var services = TestServices.Create(_db, _fakes.Settings(provider), new FixedTimeProvider(Monday10));
        var composer = services.GetRequiredService<ReminderComposer>();

        await composer.ComposeAsync(Monday10, ReminderComposer.AllLevels, CancellationToken.None);
        var first = await PassAsync(services, Monday10);
        await composer.ComposeAsync(Monday10.AddMinutes(30), ReminderComposer.AllLevels, CancellationToken.None);
        var again = await PassAsync(services, Monday10.AddMinutes(30));

        var liaison = Assert.Single(_fakes.Accepted, a => a.Recipient == Phone(provider, "13800000101"));
        Assert.Equal(0, _fakes.BadSignatures);
        Assert.Equal(0, again.Claimed);
        Assert.Equal(first.Claimed, first.Sent);

        // 区发改局 has an overdue item: the 催办 template (Sms:Templates:Overdue) with the unit and the earliest overdue days.
        Assert.StartsWith("SMS_0002 ", liaison.Content, StringComparison.Ordinal);
        Assert.Contains("区发改局", liaison.Content, StringComparison.Ordinal);
        Assert.Contains("\"days\":\"3\"", provider == "Aliyun" ? liaison.Content : "\"days\":\"3\"", StringComparison.Ordinal);
        var escalation = Assert.Single(_fakes.Accepted, a => a.Recipient == Phone(provider, "13900000201"));
        Assert.StartsWith("SMS_0003 ", escalation.Content, StringComparison.Ordinal);

        await using var c = await _db.DataSource.OpenConnectionAsync();
        var sms = (await c.QueryAsync<(string Address, string State, string Provider)>("select recipient_address, state, provider_message_id from messages where channel = 'sms'")).ToList();
        Assert.All(sms, m => Assert.Equal("sent", m.State));
        Assert.All(sms, m => Assert.StartsWith(provider == "Aliyun" ? "biz-" : "serial-", m.Provider, StringComparison.Ordinal));
        Assert.Equal(sms.Count, _fakes.Accepted.Count);
    }

    [Fact]
    public async Task Aliyun_FrequencyLimitIsRetriedLater_InvalidNumberIsDeadAtOnce_ServerErrorRetried()
    {
        _fakes.Aliyun = (phone, n) => phone switch
        {
            "13700000000" => "isv.MOBILE_NUMBER_ILLEGAL",
            "13800000001" when n <= 3 => "isv.BUSINESS_LIMIT_CONTROL",
            "13800000002" when n <= 3 => "500",
            _ => "OK",
        };
        await ChannelData.QueueSmsAsync(_db.DataSource, ["13800000001", "13800000002", "13700000000"], Monday10);
        await using var services = TestServices.Create(_db, _fakes.Settings("Aliyun"), new FixedTimeProvider(Monday10));

        var first = await PassAsync(services, Monday10);
        var soon = await PassAsync(services, Monday10.AddSeconds(10));
        var later = await PassAsync(services, Monday10.AddHours(1));

        Assert.Equal(1, first.Dead);
        Assert.Equal(2, first.Retrying);
        Assert.Equal(0, soon.Claimed);
        Assert.Equal(2, later.Sent);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        var dead = await c.QuerySingleAsync<(string Address, string Error, int Attempts)>("select recipient_address, last_error, attempts from messages where state = 'dead'");
        Assert.Equal("13700000000", dead.Address);
        Assert.Contains("isv.MOBILE_NUMBER_ILLEGAL", dead.Error, StringComparison.Ordinal);
        Assert.Equal(1, dead.Attempts);
        var errors = (await c.QueryAsync<string>("select error from delivery_attempts where outcome = 'transient' order by error")).ToList();
        Assert.Equal(["Aliyun HTTP 500", "Aliyun isv.BUSINESS_LIMIT_CONTROL: refused"], errors);
        Assert.Equal(2, _fakes.Accepted.Count);
        Assert.Equal(0, _fakes.BadSignatures);
    }

    [Fact]
    public async Task Tencent_BatchOfNumbersWithTheSameVariables_OneRequest_EachNumbersResultMappedToItsMessage()
    {
        _fakes.Tencent = (phone, n) => phone switch
        {
            "+8613700000000" => "InvalidParameterValue.IncorrectPhoneNumber",
            "+8613800000003" when n == 1 => "LimitExceeded.PhoneNumberDailyLimit",
            _ => "Ok",
        };
        await ChannelData.QueueSmsAsync(_db.DataSource, ["13800000001", "13800000002", "13800000003", "13700000000"], Monday10);
        await using var services = TestServices.Create(_db, _fakes.Settings("Tencent"), new FixedTimeProvider(Monday10));

        var first = await PassAsync(services, Monday10);

        await using var c = await _db.DataSource.OpenConnectionAsync();
        var why = string.Join("; ", await c.QueryAsync<string>("select coalesce(error, '') from delivery_attempts")) + " | " + string.Join("; ", _fakes.Requests);
        Assert.True(_fakes.RequestCount == 1, why);
        Assert.True((2, 1, 1) == (first.Sent, first.Retrying, first.Dead), why);
        var states = (await c.QueryAsync<(string Address, string State, string? Provider, string? Error)>("select recipient_address, state, provider_message_id, last_error from messages order by recipient_address")).ToList();
        Assert.Equal(("13700000000", "dead"), (states[0].Address, states[0].State));
        Assert.Contains("IncorrectPhoneNumber", states[0].Error, StringComparison.Ordinal);
        Assert.Equal([("13800000001", "sent"), ("13800000002", "sent"), ("13800000003", "failed")], states.Skip(1).Select(s => (s.Address, s.State)).ToList());
        Assert.Contains("PhoneNumberDailyLimit", states[3].Error, StringComparison.Ordinal);
        Assert.Equal(2, states.Count(s => s.Provider?.StartsWith("serial-1-", StringComparison.Ordinal) == true));

        var retry = await PassAsync(services, Monday10.AddHours(1));
        Assert.Equal(1, retry.Sent);
        Assert.Equal(3, _fakes.Accepted.Select(a => a.Recipient).Distinct().Count());
        Assert.Equal(0, _fakes.BadSignatures);
    }

    [Fact]
    public async Task TemplateSms_InQuietHours_IsHeldUntilTheNextWorkingMorning()
    {
        var friday22 = new DateTimeOffset(2023, 6, 30, 22, 0, 0, TimeSpan.FromHours(8));
        await ChannelData.QueueSmsAsync(_db.DataSource, ["13800000001"], friday22, kind: "unit_digest");
        await using var services = TestServices.Create(_db, _fakes.Settings("Aliyun"), new FixedTimeProvider(friday22));

        var night = await PassAsync(services, friday22);

        Assert.Equal(1, night.Held);
        Assert.Empty(_fakes.Accepted);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        var next = await c.ExecuteScalarAsync<DateTime>("select next_attempt_at from messages");
        Assert.Equal(new DateTimeOffset(2023, 7, 3, 8, 0, 0, TimeSpan.FromHours(8)), new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)));
        var monday = await PassAsync(services, new DateTimeOffset(2023, 7, 3, 8, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal(1, monday.Sent);
    }

    [Fact]
    public async Task Finding06_SmsThatCanNeverBeBuilt_IsDeadAtOnceWithItsReason_NotRetried()
    {
        // A text queued without template variables (before Sms:Provider was switched) cannot become an Aliyun request.
        await Outbox.QueueAsync(_db.DataSource, "sms", ["13800000001"], Monday10);
        await using var services = TestServices.Create(_db, _fakes.Settings("Aliyun"), new FixedTimeProvider(Monday10));

        var pass = await PassAsync(services, Monday10);

        Assert.Equal(1, pass.Dead);
        Assert.Equal(0, _fakes.RequestCount);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        Assert.Contains("no template variables", await c.ExecuteScalarAsync<string>("select last_error from messages"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding06_EmailToAnAddressThatCannotBeBuilt_IsDeadAtOnceWithItsReason()
    {
        // An address that got into the outbox before import validation existed: the sender cannot build the message.
        await Outbox.QueueAsync(_db.DataSource, "email", ["a,b@x"], Monday10);
        await using var services = TestServices.Create(_db, _fakes.Settings("Gateway"), new FixedTimeProvider(Monday10));

        var pass = await PassAsync(services, Monday10);

        Assert.Equal(1, pass.Dead);
        await using var c = await _db.DataSource.OpenConnectionAsync();
        var (state, attempts, error) = await c.QuerySingleAsync<(string, int, string)>("select state, attempts, last_error from messages");
        Assert.Equal(("dead", 1), (state, attempts));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
