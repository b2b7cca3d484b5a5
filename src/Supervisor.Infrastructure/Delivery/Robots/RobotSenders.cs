using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Supervisor.Core.Units;

namespace Supervisor.Infrastructure.Delivery.Robots;

/// <summary>
/// DingTalk custom-robot 加签: string to sign = timestamp (Unix ms) + "\n" + secret; sign = urlEncode(base64(HMAC-SHA256
/// keyed with the secret)); both go on the webhook URL as &amp;timestamp=…&amp;sign=…. DingTalk refuses a timestamp more than an
/// hour off.
/// </summary>
public static class DingTalkSignature
{
    public static string Sign(string secret, long timestampMs)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestampMs.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n" + secret));
        return WebUtility.UrlEncode(Convert.ToBase64String(mac));
    }

    public static string SignedUrl(string webhookUrl, string secret, long timestampMs) =>
        webhookUrl + (webhookUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "timestamp=" + timestampMs.ToString(System.Globalization.CultureInfo.InvariantCulture) + "&sign=" + Sign(secret, timestampMs);
}

/// <summary>The DingTalk robots' 加签 secrets: the directory's (unit_robots) and the office's (Robots:Office:DingTalkSecret).</summary>
public sealed class RobotSecrets(NpgsqlDataSource dataSource, IOptions<RobotOptions> options, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, Dictionary<string, string> Secrets)? _cache;

    /// <summary>The secret for a DingTalk webhook URL, or null when the robot has 加签 off.</summary>
    public async Task<string?> DingTalkSecretAsync(string webhookUrl, CancellationToken ct)
    {
        var o = options.Value;
        if (o.Office.DingTalk is { Length: > 0 } office && office.Trim() == webhookUrl)
        {
            return string.IsNullOrWhiteSpace(o.Office.DingTalkSecret) ? null : o.Office.DingTalkSecret.Trim();
        }

        // Read at most every 30 s: a dispatch pass sends many messages, the directory changes rarely.
        await _gate.WaitAsync(ct);
        try
        {
            if (_cache is not { } cache || time.GetUtcNow() - cache.At > Fresh)
            {
                const string sql = "select webhook_url, secret from unit_robots where platform = 'dingtalk' and secret is not null";
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                var rows = await connection.QueryAsync<(string Url, string Secret)>(new CommandDefinition(sql, cancellationToken: ct));
                var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (url, secret) in rows)
                {
                    secrets[url] = secret;
                }

                _cache = cache = (time.GetUtcNow(), secrets);
            }

            return cache.Secrets.GetValueOrDefault(webhookUrl);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>What the two robot senders share: the host check, the POST, the {errcode, errmsg} answer.</summary>
public abstract class RobotSender(HttpClient http, IOptions<RobotOptions> options) : IMessageSender, IDescribedSender
{
    /// <summary>WeCom's markdown content is at most 4096 bytes of UTF-8; DingTalk's is not smaller. The composer keeps to it.</summary>
    public const int MaxMarkdownBytes = 4096;

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    protected abstract string Platform { get; }

    public int Parallelism => 4;

    protected static string Json(object payload) => JsonSerializer.Serialize(payload, JsonOptions);

    protected abstract string Payload(OutboxMessage message);

    protected abstract Task<string?> UrlAsync(OutboxMessage message, CancellationToken ct);

    public abstract SendResult Classify(int errcode, string? errmsg);

    public ProviderRequest Describe(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new ProviderRequest("POST", SecretMask.Url(message.Address), [new("Content-Type", "application/json")], Payload(message));
    }

    public async Task<SendResult> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = options.Value;

        // The directory checked the host at import; checked again here in case Robots:AllowedHosts was narrowed since.
        if (UnitDirectoryParser.RobotUrlProblem(message.Address, o.EffectiveAllowedHosts) is { } problem)
        {
            return new SendResult(AttemptOutcome.Permanent, $"{Platform} webhook refused: {problem}");
        }

        if (Encoding.UTF8.GetByteCount(message.BodyText) > MaxMarkdownBytes)
        {
            return new SendResult(AttemptOutcome.Permanent, $"{Platform}: markdown over {MaxMarkdownBytes} bytes");
        }

        try
        {
            var url = await UrlAsync(message, ct);
            using var content = new StringContent(Payload(message), Encoding.UTF8, "application/json");
            using var post = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(o.Timeout);
            using var response = await http.SendAsync(post, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return new SendResult(AttemptOutcome.Transient, $"{Platform} HTTP {(int)response.StatusCode}");
            }

            if (!response.IsSuccessStatusCode)
            {
                return new SendResult(AttemptOutcome.Permanent, $"{Platform} HTTP {(int)response.StatusCode}");
            }

            using var json = JsonDocument.Parse(text);
            var errcode = json.RootElement.TryGetProperty("errcode", out var c) && c.TryGetInt32(out var n) ? n : -1;
            var errmsg = json.RootElement.TryGetProperty("errmsg", out var m) ? m.GetString() : null;
            return Classify(errcode, errmsg);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            // The exception text may quote the URL, and the URL holds the key: keep the type and status only.
            return new SendResult(AttemptOutcome.Transient, $"{Platform}: {ex.GetType().Name} {(ex as HttpRequestException)?.HttpRequestError}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SendResult(AttemptOutcome.Transient, $"{Platform}: timeout after {o.Timeout}");
        }
    }
}

/// <summary>企业微信 group robot: POST the webhook URL (…/cgi-bin/webhook/send?key=…) with a markdown message.</summary>
public sealed class WeComRobotSender(HttpClient http, IOptions<RobotOptions> options) : RobotSender(http, options)
{
    protected override string Platform => "WeCom";

    protected override string Payload(OutboxMessage message) => Json(new { msgtype = "markdown", markdown = new { content = message.BodyText } });

    protected override Task<string?> UrlAsync(OutboxMessage message, CancellationToken ct) => Task.FromResult<string?>(message.Address);

    /// <summary>0 sent; 45009 (over the frequency limit) and -1 (system busy) pass; an invalid key, a robot removed or a refused message are permanent.</summary>
    public override SendResult Classify(int errcode, string? errmsg) => errcode switch
    {
        0 => SendResult.Sent(),
        45009 or -1 or 45033 => new SendResult(AttemptOutcome.Transient, $"WeCom {errcode}: {errmsg}"),
        93000 or 93004 or 93008 or 40008 or 44004 or 40058 or 41001 or 42001 or 40014 => new SendResult(AttemptOutcome.Permanent, $"WeCom {errcode}: {errmsg}"),
        _ => new SendResult(AttemptOutcome.Transient, $"WeCom {errcode}: {errmsg}"),
    };
}

/// <summary>钉钉 custom robot: POST the webhook URL (…/robot/send?access_token=…) with timestamp and 加签 sign, markdown message.</summary>
public sealed class DingTalkRobotSender(HttpClient http, IOptions<RobotOptions> options, RobotSecrets secrets, TimeProvider time) : RobotSender(http, options)
{
    protected override string Platform => "DingTalk";

    protected override string Payload(OutboxMessage message) =>
        Json(new { msgtype = "markdown", markdown = new { title = message.Subject ?? "督查督办", text = message.BodyText } });

    protected override async Task<string?> UrlAsync(OutboxMessage message, CancellationToken ct) =>
        await secrets.DingTalkSecretAsync(message.Address, ct) is { } secret
            ? DingTalkSignature.SignedUrl(message.Address, secret, time.GetUtcNow().ToUnixTimeMilliseconds())
            : message.Address;

    /// <summary>
    /// 0 sent; 130101 (more than 20 a minute) and 410100 (throttled) and -1 (busy) pass; a token that does not exist,
    /// a signature, keyword or IP refused, a group dissolved are permanent.
    /// </summary>
    public override SendResult Classify(int errcode, string? errmsg) => errcode switch
    {
        0 => SendResult.Sent(),
        130101 or 410100 or -1 => new SendResult(AttemptOutcome.Transient, $"DingTalk {errcode}: {errmsg}"),
        300001 or 300005 or 310000 or 400013 or 400101 or 400102 or 40035 => new SendResult(AttemptOutcome.Permanent, $"DingTalk {errcode}: {errmsg}"),
        _ => new SendResult(AttemptOutcome.Transient, $"DingTalk {errcode}: {errmsg}"),
    };
}
