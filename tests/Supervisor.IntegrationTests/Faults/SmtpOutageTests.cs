using System.Diagnostics;
using System.Globalization;
using Dapper;
using Supervisor.IntegrationTests.Delivery;
using Supervisor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Supervisor.IntegrationTests.Faults;

/// <summary>The SMTP server is down for two minutes under a running dispatcher: everything arrives once when it returns.</summary>
// The sink is disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
[Trait("Category", "Faults")]
public sealed class SmtpOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Messages = 200;
    private static readonly TimeSpan Outage = TimeSpan.FromMinutes(2);
    private readonly TestDatabase _db = new();
    private readonly SmtpSink _smtp = new();
    private readonly string _data = Directory.CreateTempSubdirectory("supervisor-smtp-outage-").FullName;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        await _db.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task SmtpDownTwoMinutes_AllMessagesArriveOnceAfterItReturns()
    {
        var addresses = Enumerable.Range(0, Messages).Select(i => $"unit{i:D3}@outage.example.cn");
        await Outbox.QueueAsync(_db.DataSource, "email", addresses, DateTimeOffset.UtcNow.AddMinutes(-1));
        using var dispatch = SupervisorProcess.Start(["dispatch"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__Supervisor"] = _db.ConnectionString,
            ["Supervisor__DataDirectory"] = _data,
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp__Timeout"] = "00:00:03",
            // Shortened so the test sees several retries within the outage; production defaults are 1 min → 1 h.
            ["Delivery__BackoffMin"] = "00:00:02",
            ["Delivery__BackoffMax"] = "00:00:15",
            ["Delivery__Lease"] = "00:00:30",
            ["Delivery__PollInterval"] = "00:00:01",
        });

        await Task.Delay(Outage);
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        var failedDuringOutage = await connection.ExecuteScalarAsync<int>("select count(*)::int from delivery_attempts where outcome = 'transient'");
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*)::int from messages where state in ('sent', 'dead')"));

        await _smtp.StartAsync();
        var back = Stopwatch.StartNew();
        while (await connection.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'sent'") < Messages && back.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(250);
        }

        var mails = _smtp.Messages();
        output.WriteLine($"{failedDuringOutage} transient attempts during the outage; all sent {back.Elapsed.TotalSeconds:F1} s after SMTP returned; {mails.Count} mails at the sink");
        Console.WriteLine($"[figure] SMTP down 2 min: lost 0 of {Messages}, duplicates {mails.Count - mails.Select(m => m.Key).Distinct().Count()}, all delivered {back.Elapsed.TotalSeconds:F1} s after it returned ({failedDuringOutage} retries recorded)");
        Assert.False(dispatch.Process.HasExited, dispatch.Tail);
        Assert.Equal(Messages, await connection.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'sent'"));
        Assert.Equal(Messages, mails.Count);
        Assert.Equal(Messages, mails.Select(m => m.Key).Distinct().Count());
        Assert.True(failedDuringOutage >= Messages, $"only {failedDuringOutage} transient attempts recorded during the outage");
    }
}
