using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Supervisor.Cli;
using Supervisor.Core;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Postgres;
using Supervisor.Infrastructure.Delivery.Email;
using Supervisor.Core.Delivery;

namespace Supervisor.Bench;

public sealed record DeliveryBenchScale(int Messages, int SingleRowMessages, int EmailMessages, int SmsMessages, int? SmtpPort, TimeSpan SmsLatency, TimeSpan SmtpLatency, IReadOnlySet<string>? Only = null)
{
    public bool Runs(string part) => Only is null || Only.Contains(part);
}

/// <summary>One line of the bench table: how many messages in how long, and what it is compared with.</summary>
public sealed record DeliveryFigure(string Name, int Messages, double Seconds, string Note)
{
    public double PerSecond => Seconds <= 0 ? 0 : Messages / Seconds;
}

/// <summary>
/// <c>bench delivery</c>: the outbox and the channels measured against the plainest code that does the same work.
/// (a) claim + ack with a no-op sender, batched vs one row per round trip; (b) e-mail through the dispatcher to a
/// loopback aiosmtpd vs plain MailKit SmtpClient loops over the same number of connections; (c) SMS through the dispatcher to an in-process
/// gateway vs a plain HttpClient loop. Everything runs in a database of its own, created and dropped here.
/// </summary>
public static class DeliveryBench
{
    // A Monday 10:00 in the shipped calendar: no quiet hours, a working day, so no SMS is held.
    private static readonly DateTimeOffset At = new(2026, 6, 15, 10, 0, 0, TimeSpan.FromHours(8));

    private static readonly string EmailBody = string.Concat(Enumerable.Repeat("- [黄灯] 12 推进城区道路改造（牵头）节点：完成主体工程；完成时限：2026-06-30；3天后到期\n", 12));

    public static async Task<List<DeliveryFigure>> RunAsync(IServiceProvider services, IConfiguration configuration, string database, DeliveryBenchScale scale, CancellationToken ct)
    {
        var main = services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString;
        var connectionString = await BenchDatabase.RecreateAsync(main, database, ct);
        var figures = new List<DeliveryFigure>();
        try
        {
            await using (var dataSource = NpgsqlDataSource.Create(connectionString))
            {
                await new Migrator(dataSource, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync(ct);
            }

            if (scale.Runs("outbox"))
            {
                figures.AddRange(await OutboxAsync(configuration, connectionString, scale, ct));
            }

            if (scale.Runs("email"))
            {
                figures.AddRange(await EmailAsync(configuration, connectionString, scale, ct));
            }

            if (!scale.Runs("sms"))
            {
                return figures;
            }

            figures.AddRange(await SmsAsync(configuration, connectionString, scale, TimeSpan.Zero, "s0", ct));
            figures.AddRange(await ChannelBench.RunAsync(configuration, connectionString, scale.SmsMessages, ct));
            if (scale.SmsLatency > TimeSpan.Zero)
            {
                figures.AddRange(await SmsAsync(configuration, connectionString, scale, scale.SmsLatency, "s1", ct));
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await BenchDatabase.DropAsync(main, database, CancellationToken.None);
        }

        return figures;
    }

    private static async Task<List<DeliveryFigure>> OutboxAsync(IConfiguration configuration, string connectionString, DeliveryBenchScale scale, CancellationToken ct)
    {
        await using var services = Build(configuration, connectionString, new Dictionary<string, string?>(), noOpSenders: true);
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var batch = services.GetRequiredService<IOptions<DeliveryOptions>>().Value.BatchSize;

        await QueueAsync(dataSource, "a", Channels.Email, scale.Messages, ct);
        var batched = await PassAsync(services, scale.Messages, ct);

        // The baseline: one row claimed per round trip, acknowledged on its own, as a naive outbox would.
        await QueueAsync(dataSource, "a1", Channels.Email, scale.SingleRowMessages, ct);
        var outbox = services.GetRequiredService<OutboxStore>();
        var stopwatch = Stopwatch.StartNew();
        var done = 0;
        while (true)
        {
            var claimed = await outbox.ClaimAsync("bench-single", At, TimeSpan.FromMinutes(5), 1, ct);
            if (claimed.Count == 0)
            {
                break;
            }

            var m = claimed[0];
            await outbox.AckAsync("bench-single", [(m, new MessageAck(m.Id, "sent", null, AttemptOutcome.Sent, null, null, At))], At, ct);
            done++;
        }

        var single = new DeliveryFigure("outbox claim+ack, LIMIT 1 per round trip", done, stopwatch.Elapsed.TotalSeconds, "baseline");
        return
        [
            batched with
            {
                Name = $"outbox claim+ack, batches of {batch}, no-op sender",
                Note = string.Create(CultureInfo.InvariantCulture, $"goal ≥ 5,000/s; {batched.PerSecond / single.PerSecond:F1}× the single-row baseline (goal ≥ 5×)"),
            },
            single,
        ];
    }

    private static async Task<List<DeliveryFigure>> EmailAsync(IConfiguration configuration, string connectionString, DeliveryBenchScale scale, CancellationToken ct)
    {
        // The same MIME message the dispatcher sends (EmailSender.Build), so only the outbox and the pool differ.
        var sample = new OutboxMessage(0, "plain|email|notice|2026-06-15", Channels.Email, "notice", DateOnly.FromDateTime(At.Date), "plain@example.cn", "张三",
            "【督查督办】区发改局：2项逾期、3项临期", EmailBody, "<p>" + WebUtility.HtmlEncode(EmailBody) + "</p>", [], 0, At);

        DeliveryFigure plainDefault;
        using (var sink = scale.SmtpPort is null ? await AiosmtpdSink.StartAsync(TimeSpan.Zero, ct) : null)
        {
            await using var services = EmailServices(configuration, connectionString, scale.SmtpPort ?? sink!.Port);
            var (email, smtp) = (services.GetRequiredService<EmailSender>(), services.GetRequiredService<IOptions<SmtpOptions>>().Value);
            await PlainSmtpAsync(email, sample, smtp, smtp.Port, Math.Min(20, scale.EmailMessages), noDelay: false, ct);
            var stopwatch = Stopwatch.StartNew();
            await PlainSmtpAsync(email, sample, smtp, smtp.Port, scale.EmailMessages, noDelay: false, ct);
            plainDefault = new DeliveryFigure($"e-mail: plain MailKit SmtpClient loops ×{smtp.Connections}, MailKit's own socket", scale.EmailMessages, stopwatch.Elapsed.TotalSeconds, "Nagle + delayed ACK stall each message");
        }

        List<DeliveryFigure> figures = [plainDefault];
        figures.AddRange(await EmailRoundsAsync(configuration, connectionString, scale, sample, TimeSpan.Zero, EmailWarmUpRounds, ct));
        if (scale.SmtpLatency > TimeSpan.Zero && scale.SmtpPort is null)
        {
            // Warm already: one round to settle the new sinks' timing.
            figures.AddRange(await EmailRoundsAsync(configuration, connectionString, scale, sample, scale.SmtpLatency, 1, ct));
        }

        return figures;
    }

    /// <summary>
    /// The plain loops against the dispatcher, in rounds. Two things skew a single run. aiosmtpd gets slower once a
    /// process has taken some 4,000 messages (its CPU per message doubles; a minimal asyncio sink stays flat), so every
    /// round gives the plain loops and the dispatcher a fresh sink each. And the dispatcher's methods run once per batch,
    /// so a cold pass is still in tier-0 JIT code: the first <paramref name="warmUpRounds"/> rounds warm both paths up
    /// and are not counted. The figures are the medians of EmailRounds rounds, with the CPU each side took (the bench
    /// process, the sink, PostgreSQL). With --smtp-port every round uses that one server.
    /// </summary>
    private static async Task<List<DeliveryFigure>> EmailRoundsAsync(
        IConfiguration configuration, string connectionString, DeliveryBenchScale scale, OutboxMessage sample, TimeSpan latency, int warmUpRounds, CancellationToken ct)
    {
        var plainRounds = new List<double>();
        var oursRounds = new List<double>();
        var plainCpu = new List<CpuUse>();
        var oursCpu = new List<CpuUse>();
        var connections = 0;
        var prefix = latency == TimeSpan.Zero ? "e" : "l";
        for (var round = 0; round < warmUpRounds + EmailRounds; round++)
        {
            using var plainSink = scale.SmtpPort is null ? await AiosmtpdSink.StartAsync(latency, ct) : null;
            using var oursSink = scale.SmtpPort is null ? await AiosmtpdSink.StartAsync(latency, ct) : null;
            await using var services = EmailServices(configuration, connectionString, scale.SmtpPort ?? oursSink!.Port);
            var (email, smtp) = (services.GetRequiredService<EmailSender>(), services.GetRequiredService<IOptions<SmtpOptions>>().Value);
            connections = smtp.Connections;
            var meter = CpuMeter.Start(plainSink?.ProcessId);
            var stopwatch = Stopwatch.StartNew();
            await PlainSmtpAsync(email, sample, smtp, scale.SmtpPort ?? plainSink!.Port, scale.EmailMessages, noDelay: true, ct);
            var plainSeconds = stopwatch.Elapsed.TotalSeconds;
            var plainUse = meter.Stop();
            await QueueAsync(services.GetRequiredService<NpgsqlDataSource>(), prefix + round.ToString(CultureInfo.InvariantCulture), Channels.Email, scale.EmailMessages, ct);
            meter = CpuMeter.Start(oursSink?.ProcessId);
            var pass = await PassAsync(services, scale.EmailMessages, ct);
            var oursUse = meter.Stop();
            if (round >= warmUpRounds)
            {
                plainRounds.Add(plainSeconds);
                oursRounds.Add(pass.Seconds);
                plainCpu.Add(plainUse);
                oursCpu.Add(oursUse);
            }
        }

        string Rates(List<double> rounds) => string.Join(" ", rounds.Select(r => (scale.EmailMessages / r).ToString("F0", CultureInfo.InvariantCulture)));
        var server = latency == TimeSpan.Zero
            ? "sink answering at once"
            : string.Create(CultureInfo.InvariantCulture, $"sink answering DATA after {latency.TotalMilliseconds:F0} ms");
        var plain = new DeliveryFigure($"e-mail: plain MailKit loops ×{connections}, NODELAY, {(latency == TimeSpan.Zero ? "at once" : $"{latency.TotalMilliseconds:F0} ms")}", scale.EmailMessages, Median(plainRounds),
            $"baseline: the dispatcher's messages and socket option; {server}; median of {EmailRounds} warm rounds ({Rates(plainRounds)}/s), a fresh sink each");
        var ours = new DeliveryFigure($"e-mail: outbox + dispatcher, Smtp:Connections={connections}", scale.EmailMessages, Median(oursRounds), "");
        return
        [
            plain,
            ours with
            {
                Note = string.Create(CultureInfo.InvariantCulture, $"{ours.PerSecond / plain.PerSecond:P0} of the plain NODELAY loops (goal ≥ 90%); {server}; median of {EmailRounds} warm rounds ({Rates(oursRounds)}/s); {ours.PerSecond / SystemNetMailPerSecond:F1}× the System.Net.Mail dispatcher ({SystemNetMailPerSecond}/s)"),
            },
            new DeliveryFigure("profile: the plain loops' CPU", scale.EmailMessages, 0, CpuUse.Median(plainCpu).PerMessage(scale.EmailMessages)),
            new DeliveryFigure("profile: the dispatcher's CPU", scale.EmailMessages, 0, CpuUse.Median(oursCpu).PerMessage(scale.EmailMessages)),
        ];
    }

    private static ServiceProvider EmailServices(IConfiguration configuration, string connectionString, int port) =>
        Build(configuration, connectionString, new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:User"] = null,
            ["Smtp:Password"] = null,
            ["Smtp:Security"] = "None",
        }, noOpSenders: false);

    /// <summary>
    /// The same figure before MailKit: the dispatcher over 4 pooled System.Net.Mail clients, 1,000 messages to the same
    /// aiosmtpd sink, measured on this machine on 2026-12-02 (plain System.Net.Mail loops: 65/s). Kept as a constant
    /// because that code is gone.
    /// </summary>
    private const double SystemNetMailPerSecond = 72;

    /// <summary>Measured rounds of the plain loops and of the dispatcher, after the warm-up rounds.</summary>
    private const int EmailRounds = 5;

    /// <summary>Full-size rounds run first and not counted: a pass runs its per-batch code ~10 times, so tiered JIT takes a few passes.</summary>
    private const int EmailWarmUpRounds = 3;

    /// <summary>The middle value (the mean of the two middle ones for an even count); 0 for none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>
    /// The plainest MailKit code: one connected client per loop, sending the pre-built message again and again; with
    /// <paramref name="noDelay"/> over a socket with TCP_NODELAY, as <see cref="EmailSender"/> connects.
    /// </summary>
    private static async Task PlainSmtpAsync(EmailSender email, OutboxMessage sample, SmtpOptions smtp, int port, int count, bool noDelay, CancellationToken ct)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, smtp.Connections).Select(async _ =>
        {
            using var client = new MailKit.Net.Smtp.SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
            if (noDelay)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new DnsEndPoint(smtp.Host!, port), ct);
                await client.ConnectAsync(socket, smtp.Host!, port, MailKit.Security.SecureSocketOptions.None, ct);
            }
            else
            {
                await client.ConnectAsync(smtp.Host!, port, MailKit.Security.SecureSocketOptions.None, ct);
            }

            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                // The messages the dispatcher sends: one recipient and key each.
                using var mail = email.Build(sample with { Key = $"plain|{i}", Address = $"r{i}@example.cn" });
                await client.SendAsync(mail, ct);
            }

            await client.DisconnectAsync(quit: true, ct);
        }));
    }

    private static async Task<List<DeliveryFigure>> SmsAsync(IConfiguration configuration, string connectionString, DeliveryBenchScale scale, TimeSpan latency, string prefix, CancellationToken ct)
    {
        await using var gateway = await LoopbackGateway.StartAsync(latency, ct);
        var answers = latency == TimeSpan.Zero ? "gateway answering at once" : $"gateway answering after {latency.TotalMilliseconds:F0} ms";
        const string secret = "bench-secret";
        await using var services = Build(configuration, connectionString, new Dictionary<string, string?>
        {
            ["Sms:Url"] = gateway.Url.ToString(),
            ["Sms:Secret"] = secret,

            // The gateway's rate limit is a policy, not a cost: lifted so the client itself is measured.
            ["Sms:RatePerSecond"] = "10000",
        }, noOpSenders: false);
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var parallelism = services.GetRequiredKeyedService<IMessageSender>(Channels.Sms).Parallelism;

        using var http = new HttpClient();
        var body = """{"phone":"13800000000","text":"【某县督查室】贵单位有2项任务逾期、3项临期，请于今日反馈。","signName":"某县督查室","templateCode":"SUPERVISION_NOTICE","params":{},"outId":"x"}""";
        await PlainHttpAsync(http, gateway.Url, body, parallelism, Math.Min(100, scale.SmsMessages), ct);
        var stopwatch = Stopwatch.StartNew();
        await PlainHttpAsync(http, gateway.Url, body, parallelism, scale.SmsMessages, ct);
        var plain = new DeliveryFigure($"SMS: plain HttpClient loop ×{parallelism}", scale.SmsMessages, stopwatch.Elapsed.TotalSeconds, "baseline, " + answers);

        await QueueAsync(dataSource, prefix, Channels.Sms, scale.SmsMessages, ct);
        var ours = await PassAsync(services, scale.SmsMessages, ct);
        List<DeliveryFigure> figures =
        [
            plain,
            ours with
            {
                Name = "SMS: outbox + dispatcher (signed, typed HttpClient)",
                Note = string.Create(CultureInfo.InvariantCulture, $"{ours.PerSecond / plain.PerSecond:P0} of the plain loop (goal ≥ 80%); {answers}"),
            },
        ];

        if (latency == TimeSpan.Zero)
        {
            // Where the dispatcher's time goes: the same texts through the same passes with a sender that does nothing
            // is the ledger alone (claim under a lease, attempts opened, daily-cap lookup, ack transaction).
            await using var ledgerOnly = Build(configuration, connectionString, new Dictionary<string, string?> { ["Sms:RatePerSecond"] = "10000" }, noOpSenders: true);
            await QueueAsync(ledgerOnly.GetRequiredService<NpgsqlDataSource>(), prefix + "n", Channels.Sms, scale.SmsMessages, ct);
            var ledger = await PassAsync(ledgerOnly, scale.SmsMessages, ct);
            figures.Add(ledger with
            {
                Name = "profile: the same SMS, no-op sender (ledger only)",
                Note = string.Create(CultureInfo.InvariantCulture, $"{ledger.Seconds / ours.Seconds:P0} of the dispatcher's time above is the ledger; the plain loop's HTTP is {plain.Seconds / ours.Seconds:P0}"),
            });
        }

        return figures;
    }

    private static async Task PlainHttpAsync(HttpClient http, Uri url, string body, int parallelism, int count, CancellationToken ct)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, parallelism).Select(async worker =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(url, content, ct);
                response.EnsureSuccessStatusCode();
                _ = await response.Content.ReadAsStringAsync(ct);
            }
        }));
    }

    /// <summary>Dispatch passes (the real <see cref="Dispatcher"/>) until <paramref name="expected"/> messages are sent.</summary>
    private static async Task<DeliveryFigure> PassAsync(ServiceProvider services, int expected, CancellationToken ct)
    {
        var time = new FixedTimeProvider(At);
        var stopwatch = Stopwatch.StartNew();
        var sent = 0;
        var failed = 0;
        using (var scope = services.CreateScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(time, "bench", ct);
            sent += result.Sent;
            failed += result.Claimed - result.Sent;
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        if (sent != expected)
        {
            throw new InvalidOperationException($"bench: the dispatcher sent {sent} of {expected} messages ({failed} not sent); see the log above");
        }

        return new DeliveryFigure("", sent, seconds, "");
    }

    private static async Task QueueAsync(NpgsqlDataSource dataSource, string prefix, string channel, int count, CancellationToken ct)
    {
        const string sql = """
            insert into messages (key, channel, kind, local_date, recipient_address, recipient_name, subject, body_text, body_html, next_attempt_at, created_at)
            select @prefix || '|' || i, @channel, 'notice', @day,
                   case when @channel = 'sms' then (13000000000 + i)::text else 'r' || i || '@example.cn' end,
                   '张三', '【督查督办】区发改局：2项逾期、3项临期', @body, @html, @at, @at
            from generate_series(1, @count) as i
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var body = channel == Channels.Sms ? "【某县督查室】贵单位有2项任务逾期、3项临期，请于今日反馈。" : EmailBody;
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new { prefix, channel, day = DateOnly.FromDateTime(At.Date), body, html = channel == Channels.Sms ? null : "<p>" + WebUtility.HtmlEncode(EmailBody) + "</p>", at = At.ToUniversalTime(), count },
            commandTimeout: 300,
            cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("analyze messages", cancellationToken: ct));
    }

    /// <summary>The container <c>serve</c> builds, pointed at the bench database, with the given settings on top.</summary>
    private static ServiceProvider Build(IConfiguration configuration, string connectionString, Dictionary<string, string?> settings, bool noOpSenders)
    {
        settings["ConnectionStrings:Supervisor"] = connectionString;
        var layered = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft", LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.Warning));
        services.AddSingleton<IConfiguration>(layered);
        services.AddSupervisor(layered);
        if (noOpSenders)
        {
            services.AddKeyedSingleton<IMessageSender>(Channels.Email, new NoOpSender());
            services.AddKeyedSingleton<IMessageSender>(Channels.Sms, new NoOpSender());
        }

        var provider = services.BuildServiceProvider();
        provider.ValidateOptions();
        return provider;
    }

    private sealed class NoOpSender : IMessageSender
    {
        public int Parallelism => 8;

        public Task<SendResult> SendAsync(OutboxMessage message, CancellationToken ct) => Task.FromResult(SendResult.Sent());
    }

    /// <summary>Debian's aiosmtpd with the Sink handler (accepts and discards) on a free loopback port.</summary>
    private sealed class AiosmtpdSink : IDisposable
    {
        private readonly Process _process;

        private AiosmtpdSink(Process process, int port)
        {
            _process = process;
            Port = port;
        }

        public int Port { get; }

        public int ProcessId => _process.Id;

        /// <summary>Starts the sink; with a <paramref name="latency"/>, bench's smtp_sink.py answers the end of DATA after it.</summary>
        public static async Task<AiosmtpdSink> StartAsync(TimeSpan latency, CancellationToken ct)
        {
            int port;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }

            var info = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            string[] handler = latency == TimeSpan.Zero
                ? ["aiosmtpd.handlers.Sink"]
                : ["smtp_sink.DelayedSink", latency.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)];
            foreach (var a in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c" }.Concat(handler))
            {
                info.ArgumentList.Add(a);
            }

            info.Environment["PYTHONPATH"] = AppContext.BaseDirectory;

            // Python's allocator gets the buffer of each message by mmap and gives it back by munmap; on a VM the
            // munmap's TLB shootdown costs an interrupt to the other CPU whenever the sink has moved between CPUs,
            // which happens more the busier the machine is: the sink's CPU per message doubled in whichever phase had
            // more processes waking (perf: smp_call_function_many_cond under munmap/mremap). From the heap instead.
            info.Environment["MALLOC_MMAP_THRESHOLD_"] = "33554432";
            info.Environment["MALLOC_TRIM_THRESHOLD_"] = "67108864";

            var process = Process.Start(info) ?? throw new InvalidOperationException("could not start /usr/bin/python3 -m aiosmtpd");
            var sink = new AiosmtpdSink(process, port);
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, ct);
                    return sink;
                }
                catch (SocketException)
                {
                    if (process.HasExited)
                    {
                        break;
                    }

                    await Task.Delay(100, ct);
                }
            }

            sink.Dispose();
            throw new InvalidOperationException("aiosmtpd did not start (install Debian's python3-aiosmtpd, or pass --smtp-port)");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }
    }

    /// <summary>An in-process HTTP gateway on a loopback port that answers every request with success.</summary>
    private sealed class LoopbackGateway : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private LoopbackGateway(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public int Requests => Volatile.Read(ref _requests);

        public static async Task<LoopbackGateway> StartAsync(TimeSpan latency, CancellationToken ct)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var gateway = new LoopbackGateway(app);
            app.MapPost("/sms", async (HttpContext http) =>
            {
                var n = Interlocked.Increment(ref gateway._requests);
                using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
                _ = await reader.ReadToEndAsync(http.RequestAborted);
                if (latency > TimeSpan.Zero)
                {
                    await Task.Delay(latency, http.RequestAborted);
                }
                return Results.Json(new { code = "OK", message = "成功", messageId = "gw-" + n.ToString(CultureInfo.InvariantCulture) });
            });
            await app.StartAsync(ct);
            gateway.Url = new Uri(app.Urls.First() + "/sms");
            return gateway;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}

/// <summary>The bench databases: dropped and created again on the configured server (never the configured database itself).</summary>
public static class BenchDatabase
{
    public static async Task<string> RecreateAsync(string connectionString, string database, CancellationToken ct)
    {
        await DropAsync(connectionString, database, ct);
        await using (var connection = new NpgsqlConnection(Admin(connectionString)))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand("create database " + Checked(database), connection);
            await create.ExecuteNonQueryAsync(ct);
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;
    }

    public static async Task DropAsync(string connectionString, string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(Admin(connectionString));
        await connection.OpenAsync(ct);
        await using var drop = new NpgsqlCommand("drop database if exists " + Checked(database) + " with (force)", connection);
        await drop.ExecuteNonQueryAsync(ct);
    }

    private static string Admin(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString;

    // CREATE/DROP DATABASE take no parameters: the name must be a plain identifier.
    private static string Checked(string database) =>
        database.Length > 0 && database.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')
            ? database
            : throw new BadInputException($"--database '{database}' must be lowercase letters, digits and _");
}
