using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Supervisor.Core;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Delivery;

namespace Supervisor.Cli;

/// <summary>
/// <c>bench delivery</c>, the channel part: Aliyun SMS, Tencent SMS, WeCom and DingTalk robots through the real outbox and
/// dispatcher (signing, per-number mapping, per-robot limit) against an in-process loopback fake of each, compared with
/// a plain HttpClient loop posting the same requests, prebuilt, at the same parallelism. Robots: one post per robot (a
/// robot takes 20 a minute), so many robots; SMS with Sms:RatePerSecond lifted: the client is measured, not the policy.
/// The fakes answer after a provider's round trip, drawn uniformly from <c>Bench:ChannelLatency</c> ("30-80" ms by
/// default, "0" = at once; e.g. the environment variable Bench__ChannelLatency=0).
/// </summary>
public static class ChannelBench
{
    private static readonly DateTimeOffset At = new(2026, 6, 15, 10, 0, 0, TimeSpan.FromHours(8));

    public static async Task<List<DeliveryFigure>> RunAsync(IConfiguration configuration, string connectionString, int count, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var latency = Latency(configuration["Bench:ChannelLatency"] ?? "30-80");
        await using var fake = await Fake.StartAsync(latency, ct);
        var figures = new List<DeliveryFigure>();
        foreach (var channel in new[] { "aliyun", "tencent", "wecom", "dingtalk" })
        {
            figures.AddRange(await OneAsync(configuration, connectionString, fake, channel, count, ct));
        }

        return figures;
    }

    /// <summary>"30-80" → 30 to 80 ms, "50" → 50 ms, "0" → at once.</summary>
    private static (int Min, int Max) Latency(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, CultureInfo.InvariantCulture, out var ms) && ms is >= 0 and <= 10_000)
            && int.Parse(parts[0], CultureInfo.InvariantCulture) is var min && int.Parse(parts[^1], CultureInfo.InvariantCulture) is var max && min <= max)
        {
            return (min, max);
        }

        throw new BadInputException($"Bench:ChannelLatency '{text}' must be milliseconds (0–10000) or a range such as 30-80");
    }

    private static string Answers((int Min, int Max) latency) =>
        latency.Max == 0 ? "fake answering at once" : latency.Min == latency.Max ? $"fake answering after {latency.Min} ms" : $"fake answering after {latency.Min}–{latency.Max} ms";

    private static async Task<List<DeliveryFigure>> OneAsync(IConfiguration configuration, string connectionString, Fake fake, string channel, int count, CancellationToken ct)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Supervisor"] = connectionString,
            ["Sms:Provider"] = channel switch { "aliyun" => "Aliyun", "tencent" => "Tencent", _ => "Gateway" },
            ["Sms:RatePerSecond"] = "10000",
            ["Sms:Aliyun:AccessKeyId"] = "bench-id",
            ["Sms:Aliyun:AccessKeySecret"] = "bench-secret",
            ["Sms:Aliyun:Endpoint"] = fake.Base + "/aliyun/",
            ["Sms:Tencent:SecretId"] = "bench-id",
            ["Sms:Tencent:SecretKey"] = "bench-secret",
            ["Sms:Tencent:SdkAppId"] = "1400000000",
            ["Sms:Tencent:Endpoint"] = fake.Base + "/tencent/",
            ["Sms:Templates:Reminder"] = "SMS_1",
            ["Sms:Templates:Overdue"] = "SMS_2",
            ["Sms:Templates:Escalation"] = "SMS_3",
            ["Robots:AllowedHosts:0"] = "127.0.0.1",
        };
        var layered = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.Warning));
        services.AddSingleton<IConfiguration>(layered);
        services.AddSupervisor(layered);
        await using var provider = services.BuildServiceProvider();
        provider.ValidateOptions();
        var dataSource = provider.GetRequiredService<NpgsqlDataSource>();
        var sender = provider.GetRequiredKeyedService<IMessageSender>(channel is "aliyun" or "tencent" ? Channels.Sms : channel);

        // The plain loop: the same request bodies, built before the clock starts, no outbox, no signing.
        var (url, contentType, bodies) = Plain(fake, channel, count);
        using var http = new HttpClient();
        await PostAllAsync(http, url, contentType, bodies.Take(Math.Min(100, count)).ToList(), sender.Parallelism, ct);
        var stopwatch = Stopwatch.StartNew();
        await PostAllAsync(http, url, contentType, bodies, sender.Parallelism, ct);
        var plain = new DeliveryFigure($"{channel}: plain HttpClient loop ×{sender.Parallelism}", count, stopwatch.Elapsed.TotalSeconds, $"baseline, same bodies prebuilt, {Answers(fake.Latency)}");

        await QueueAsync(dataSource, channel, fake, count, ct);
        stopwatch.Restart();
        DispatchResult result;
        using (var scope = provider.CreateScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(At), "bench", ct);
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        if (result.Sent != count)
        {
            throw new InvalidOperationException($"bench: {channel} sent {result.Sent} of {count} ({result.Retrying} retrying, {result.Dead} dead, {result.Held} held)");
        }

        var ours = new DeliveryFigure($"{channel}: outbox + dispatcher (signed, mapped)", count, seconds, "");
        return [plain, ours with { Note = string.Create(CultureInfo.InvariantCulture, $"{ours.PerSecond / plain.PerSecond:P0} of the plain loop (goal ≥ 80%)") }];
    }

    private static (string Url, string ContentType, List<string> Bodies) Plain(Fake fake, string channel, int count) => channel switch
    {
        "aliyun" => (fake.Base + "/aliyun/", "application/x-www-form-urlencoded", Enumerable.Range(0, count).Select(i =>
            $"AccessKeyId=bench-id&Action=SendSms&Format=JSON&OutId=k{i}&PhoneNumbers={13000000000L + i}&RegionId=cn-hangzhou&SignName=%E6%9F%90%E5%8E%BF&SignatureMethod=HMAC-SHA1&SignatureNonce={Guid.NewGuid()}&SignatureVersion=1.0&TemplateCode=SMS_2&TemplateParam=%7B%22unit%22%3A%22u{i}%22%7D&Timestamp=2026-06-15T02%3A00%3A00Z&Version=2017-05-25&Signature=x").ToList()),
        "tencent" => (fake.Base + "/tencent/", "application/json; charset=utf-8", Enumerable.Range(0, count).Select(i =>
            $$"""{"PhoneNumberSet":["+86{{13000000000L + i}}"],"SmsSdkAppId":"1400000000","SignName":"某县督查室","TemplateId":"SMS_2","TemplateParamSet":["u{{i}}","1","3","progress/1"],"SessionContext":"k{{i}}"}""").ToList()),
        _ => (fake.Base + (channel == "wecom" ? "/cgi-bin/webhook/send?key=k" : "/robot/send?access_token=t"), "application/json", Enumerable.Range(0, count).Select(i =>
            JsonSerializer.Serialize(new { msgtype = "markdown", markdown = new { title = "督查督办", content = "### 督查督办提醒：区发改局\n第" + i + "条", text = "### 督查督办提醒" } })).ToList()),
    };

    private static async Task PostAllAsync(HttpClient http, string url, string contentType, List<string> bodies, int parallelism, CancellationToken ct)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, parallelism).Select(async worker =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
            {
                using var content = new StringContent(bodies[i], Encoding.UTF8);
                content.Headers.Remove("Content-Type");
                content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                using var response = await http.PostAsync(url, content, ct);
                response.EnsureSuccessStatusCode();
                _ = await response.Content.ReadAsStringAsync(ct);
            }
        }));
    }

    private static async Task QueueAsync(NpgsqlDataSource dataSource, string channel, Fake fake, int count, CancellationToken ct)
    {
        // Distinct variables per text, so Tencent sends one number per request like the plain loop does.
        const string sms = """
            insert into messages (key, channel, kind, local_date, recipient_address, recipient_name, body_text, sms_template, template_params, next_attempt_at, created_at)
            select @prefix || '|' || i, 'sms', 'notice', @day, (13000000000 + i)::text, '张三', '【某县督查室】贵单位有1项任务逾期。', 'overdue',
                   jsonb_build_object('unit', 'u' || i, 'count', '1', 'days', '3', 'link', 'progress/1'), @at, @at
            from generate_series(1, @count) as i
            """;
        const string robots = """
            insert into messages (key, channel, kind, local_date, recipient_address, recipient_name, subject, body_text, next_attempt_at, created_at)
            select @prefix || '|' || i, @channel, 'notice', @day, @url || i, '区发改局', '督查督办', '### 督查督办提醒：区发改局' || chr(10) || '第' || i || '条', @at, @at
            from generate_series(1, @count) as i
            """;
        var url = fake.Base + (channel == "wecom" ? "/cgi-bin/webhook/send?key=k" : "/robot/send?access_token=t");
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            channel is "aliyun" or "tencent" ? sms : robots,
            new { prefix = "c" + channel, channel, day = DateOnly.FromDateTime(At.Date), url, at = At.ToUniversalTime(), count },
            commandTimeout: 300,
            cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("analyze messages", cancellationToken: ct));
    }

    /// <summary>One in-process loopback fake answering every channel with success (the tests' fakes verify signatures; this one measures).</summary>
    private sealed class Fake(WebApplication app, (int Min, int Max) latency) : IAsyncDisposable
    {
        public string Base { get; private set; } = "";

        public (int Min, int Max) Latency => latency;

        public static async Task<Fake> StartAsync((int Min, int Max) latency, CancellationToken ct)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();

            // A provider's round trip: every answer waits a time drawn from the range, as a real one would.
            app.Use(async (http, next) =>
            {
                if (latency.Max > 0)
                {
                    await Task.Delay(Random.Shared.Next(latency.Min, latency.Max + 1), http.RequestAborted);
                }

                await next(http);
            });
            var n = 0;
            var asIs = new JsonSerializerOptions { PropertyNamingPolicy = null };
            app.MapPost("/aliyun/", async (HttpContext http) =>
            {
                _ = await http.Request.ReadFormAsync(http.RequestAborted);
                return Results.Json(new { Code = "OK", Message = "OK", BizId = "b" + Interlocked.Increment(ref n), RequestId = "r" }, asIs);
            });
            app.MapPost("/tencent/", async (HttpContext http) =>
            {
                using var json = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
                var statuses = json.RootElement.GetProperty("PhoneNumberSet").EnumerateArray()
                    .Select(p => new { SerialNo = "s" + Interlocked.Increment(ref n), PhoneNumber = p.GetString(), Fee = 1, SessionContext = "", Code = "Ok", Message = "send success", IsoCode = "CN" }).ToList();
                return Results.Json(new { Response = new { SendStatusSet = statuses, RequestId = "r" } }, asIs);
            });
            app.MapPost("/cgi-bin/webhook/send", async (HttpContext http) =>
            {
                using var json = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
                return Results.Json(new { errcode = 0, errmsg = "ok" }, asIs);
            });
            app.MapPost("/robot/send", async (HttpContext http) =>
            {
                using var json = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
                return Results.Json(new { errcode = 0, errmsg = "ok" }, asIs);
            });
            await app.StartAsync(ct);
            return new Fake(app, latency) { Base = app.Urls.First() };
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
