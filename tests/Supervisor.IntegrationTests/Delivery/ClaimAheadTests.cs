using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Delivery;

/// <summary>
/// The dispatcher claims the next batch while the current one is being sent. What that must never cost: a batch claimed
/// ahead and left behind by a stopping pass waits out no lease, and one kept waiting past its lease is not sent by a
/// worker that no longer holds it.
/// </summary>
// The sinks are disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
public sealed class ClaimAheadTests : IAsyncLifetime
{
    private const int Batch = 5;
    private static readonly DateTimeOffset Monday10 = new(2023, 6, 26, 10, 0, 0, TimeSpan.FromHours(8));
    private readonly TestDatabase _db = new();
    private readonly SmsGateway _gateway = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        await _gateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _db.DisposeAsync();
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Sms:Url"] = _gateway.Url.ToString(),
        ["Sms:Secret"] = SmsGateway.Secret,
        ["Sms:RatePerSecond"] = "1000",
        ["Delivery:BatchSize"] = Batch.ToString(CultureInfo.InvariantCulture),
    };

    private static IEnumerable<string> Phones(int count) => Enumerable.Range(0, count).Select(i => "1380000" + i.ToString("D4", CultureInfo.InvariantCulture));

    [Fact]
    public async Task PassStoppedMidBatch_HandsTheBatchClaimedAheadBack_SoTheNextPassSendsItAtOnce()
    {
        await Outbox.QueueAsync(_db.DataSource, "sms", Phones(3 * Batch), Monday10);
        await using var services = TestServices.Create(_db, Settings(), new FixedTimeProvider(Monday10));
        using var stop = new CancellationTokenSource();
        _gateway.Answer = (_, n) =>
        {
            if (n == 1)
            {
                // The node is told to stop while its first text is with the provider; the next batch is claimed by then.
                WaitForLeases(2 * Batch);
                stop.Cancel();
            }

            return (200, "OK");
        };

        using (var scope = services.CreateScope())
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(Monday10), "stopping-node", stop.Token));
        }

        await using var c = await _db.DataSource.OpenConnectionAsync();
        // Only the texts that were on their way wait for their lease (they may have reached the provider: a resend must
        // stay visible); everything else the pass had claimed, the batch claimed ahead included, is due again now.
        var onTheirWay = await c.ExecuteScalarAsync<int>("select count(distinct message_id)::int from delivery_attempts where finished_at is null");
        Assert.InRange(onTheirWay, 1, Batch);
        Assert.Equal(onTheirWay, await c.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'sending'"));
        Assert.Equal(3 * Batch - onTheirWay, await c.ExecuteScalarAsync<int>("select count(*)::int from messages where state = 'pending' and lease_owner is null and attempts = 0"));

        _gateway.Answer = (_, _) => (200, "OK");
        using (var scope = services.CreateScope())
        {
            var next = await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(Monday10.AddSeconds(5)), "other-node", CancellationToken.None);
            Assert.Equal(3 * Batch - onTheirWay, next.Sent);
        }
    }

    [Fact]
    public async Task BatchClaimedAheadWaitingPastItsLease_IsRenewedBeforeSending_AndAMessageAnotherWorkerTookIsNotSentAgain()
    {
        await Outbox.QueueAsync(_db.DataSource, "sms", Phones(2 * Batch), Monday10);
        await using var services = TestServices.Create(_db, Settings(), new FixedTimeProvider(Monday10));
        var clock = new SteppedTimeProvider(Monday10);
        string? taken = null;
        _gateway.Answer = (_, n) =>
        {
            if (n == 1)
            {
                // The first batch is slow: six minutes pass (the lease is five). Meanwhile another worker finds one
                // message of the batch claimed ahead with its lease run out, and takes it.
                WaitForLeases(2 * Batch);
                clock.Now = Monday10.AddMinutes(6);
                using var c = _db.DataSource.OpenConnection();
                taken = c.ExecuteScalar<string>(
                    """
                    update messages set lease_owner = 'other-worker', lease_until = @until
                    where id = (select m.id from messages m where m.state = 'sending'
                                and not exists (select 1 from delivery_attempts d where d.message_id = m.id) order by m.id limit 1)
                    returning recipient_address
                    """,
                    new { until = Monday10.AddMinutes(11).ToUniversalTime() });
            }

            return (200, "OK");
        };

        DispatchResult pass;
        using (var scope = services.CreateScope())
        {
            pass = await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(clock, "slow-worker", CancellationToken.None);
        }

        Assert.NotNull(taken);
        Assert.DoesNotContain(_gateway.Accepted, a => a.Phone == taken);
        Assert.Equal(2 * Batch - 1, _gateway.Accepted.Select(a => a.Phone).Distinct().Count());
        Assert.Equal(2 * Batch - 1, pass.Sent);
        await using var db = await _db.DataSource.OpenConnectionAsync();
        var left = await db.QuerySingleAsync<(string State, string Owner, int Attempts)>(
            "select state, lease_owner as owner, attempts from messages where recipient_address = @taken", new { taken });
        Assert.Equal(("sending", "other-worker", 0), left);
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("select count(*)::int from delivery_attempts d join messages m on m.id = d.message_id where m.recipient_address = @taken", new { taken }));
    }

    /// <summary>Blocks (inside the gateway's request) until the dispatcher has claimed <paramref name="count"/> messages.</summary>
    private void WaitForLeases(int count)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        using var c = _db.DataSource.OpenConnection();
        while (c.ExecuteScalar<int>("select count(*)::int from messages where state = 'sending'") < count)
        {
            Assert.True(DateTime.UtcNow < until, $"the dispatcher did not claim {count} messages within 30 s");
            Thread.Sleep(20);
        }
    }

    private sealed class SteppedTimeProvider(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public DateTimeOffset Now
        {
            set => Interlocked.Exchange(ref _ticks, value.UtcTicks);
        }

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
    }
}
