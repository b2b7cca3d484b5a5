using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Supervisor.Infrastructure.Delivery.Sms;

/// <summary>The JSON the SMS gateway receives.</summary>
public sealed record SmsRequest(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("signName")] string SignName,
    [property: JsonPropertyName("templateCode")] string TemplateCode,
    [property: JsonPropertyName("params")] IReadOnlyDictionary<string, string> Params,
    [property: JsonPropertyName("outId")] string OutId);

/// <summary>The gateway's answer: a code (success or error), a message, the provider's message id.</summary>
public sealed record SmsResponse(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("messageId")] string? MessageId);

/// <summary>
/// SMS over the HTTP gateway (typed HttpClient, pooled connections): JSON POST signed with HMAC-SHA256 over
/// timestamp + body, out-id = message key. No Sms:Url → one file per text in the SMS directory.
/// </summary>
public sealed class SmsSender(HttpClient http, IOptions<SmsOptions> options, TimeProvider time) : IMessageSender, IDescribedSender
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public int Parallelism => 8;

    public ProviderRequest Describe(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = options.Value;
        return o.UsesFiles
            ? new ProviderRequest("FILE", Path.Combine(o.Directory ?? "sms", "…json"), [], Body(message, o))
            : new ProviderRequest("POST", o.Url!.ToString(), [new(o.TimestampHeader, "<Unix ms>"), new(o.SignatureHeader, "<HMAC-SHA256 with Sms:Secret>")], Body(message, o));
    }

    private static string Body(OutboxMessage message, SmsOptions o) => JsonSerializer.Serialize(
        new SmsRequest(message.Address, message.BodyText, o.SignName, o.TemplateCode, new Dictionary<string, string> { ["text"] = message.BodyText }, message.Key), JsonOptions);

    public async Task<SendResult> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = options.Value;
        var body = Body(message, o);
        if (o.UsesFiles)
        {
            Directory.CreateDirectory(o.Directory!);
            var file = Path.Combine(o.Directory!, string.Concat(message.Key.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_')) + ".json");
            await File.WriteAllTextAsync(file, body, Encoding.UTF8, ct);
            return SendResult.Sent("file:" + Path.GetFileName(file));
        }

        var timestamp = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var post = new HttpRequestMessage(HttpMethod.Post, o.Url) { Content = content };
        post.Headers.Add(o.TimestampHeader, timestamp);
        post.Headers.Add(o.SignatureHeader, Sign(o.Secret!, timestamp, body));
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(o.Timeout);
            using var response = await http.SendAsync(post, timeout.Token);
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests
                || response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return new SendResult(AttemptOutcome.Transient, $"HTTP {(int)response.StatusCode}");
            }

            if (!response.IsSuccessStatusCode)
            {
                return new SendResult(AttemptOutcome.Permanent, $"HTTP {(int)response.StatusCode}");
            }

            var answer = await response.Content.ReadFromJsonAsync<SmsResponse>(ct);
            var code = answer?.Code ?? "";
            if (o.EffectiveSuccessCodes.Contains(code))
            {
                return SendResult.Sent(answer?.MessageId);
            }

            var error = $"gateway {code}: {answer?.Message}";
            return new SendResult(o.EffectivePermanentErrorCodes.Contains(code) ? AttemptOutcome.Permanent : AttemptOutcome.Transient, error);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return new SendResult(AttemptOutcome.Transient, ex.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SendResult(AttemptOutcome.Transient, $"timeout after {o.Timeout}");
        }
    }

    /// <summary>Lowercase hex HMAC-SHA256 of timestamp + body, keyed with the secret.</summary>
    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + body)));
}
