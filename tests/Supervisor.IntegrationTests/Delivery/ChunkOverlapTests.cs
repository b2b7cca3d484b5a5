using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Delivery;

/// <summary>
/// E-mail goes out in chunks of half a batch, and a chunk does not wait for the previous chunk's slowest message: a
/// mail server stuck on one message holds up one connection, not the others. What that must never cost: more than one
/// batch sent and not yet acknowledged (what a killed worker would send again).
/// </summary>
// The sink is disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
public sealed class ChunkOverlapTests : IAsyncLifetime
{
    private const int Batch = 4;
    private static readonly DateTimeOffset Monday10 = new(2023, 6, 26, 10, 0, 0, TimeSpan.FromHours(8));
    private readonly TestDatabase _db = new();
    private readonly string _release = Path.Combine(Path.GetTempPath(), "supervisor-release-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly SmtpSink _smtp;

    public ChunkOverlapTests() => _smtp = new SmtpSink { ScriptArguments = ["--hold-until", _release] };

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        await _smtp.StartAsync();
    }

    public async Task DisposeAsync()
    {
        File.Delete(_release);
        await _smtp.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task ServerStuckOnOneMessage_TheOtherConnectionSendsTheNextChunk_ButNoMoreThanOneBatchGoesOutUnacknowledged()
    {
        // The stuck message is the oldest, so it is in the first chunk; eight more follow.
        await Outbox.QueueAsync(_db.DataSource, "email", ["slow@example.cn"], Monday10.AddSeconds(-1));
        await Outbox.QueueAsync(_db.DataSource, "email", Enumerable.Range(1, 8).Select(i => $"r{i}@example.cn"), Monday10);
        await using var services = TestServices.Create(_db, new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:Timeout"] = "00:01:00",
            ["Smtp:Connections"] = "2",
            ["Delivery:BatchSize"] = Batch.ToString(CultureInfo.InvariantCulture),
        }, new FixedTimeProvider(Monday10));

        using var scope = services.CreateScope();
        var pass = scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(Monday10), "test-worker", CancellationToken.None);

        // While the server sits on the stuck message, the other connection delivers the rest of the first chunk and
        // the whole second chunk: three messages.
        var until = DateTime.UtcNow.AddSeconds(30);
        while (_smtp.Messages().Count < 3)
        {
            Assert.True(DateTime.UtcNow < until, $"only {_smtp.Messages().Count} messages arrived while one was stuck");
            Assert.False(pass.IsCompleted, "the pass ended while the server still held a message");
            await Task.Delay(20);
        }

        // And no more: the third chunk waits until the first is acknowledged, so at most a batch (4: the stuck one and
        // these three) is out and unacknowledged.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(3, _smtp.Messages().Count);
        await using (var c = await _db.DataSource.OpenConnectionAsync())
        {
            Assert.Equal(0, await c.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'sent'"));
        }

        await File.WriteAllTextAsync(_release, "");
        var result = await pass;

        Assert.Equal(9, result.Sent);
        Assert.Equal(9, _smtp.Messages().Select(m => m.To).Distinct().Count());
        await using var db = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(9, await db.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'sent'"));
    }
}
