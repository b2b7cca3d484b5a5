using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Supervisor.Core.Delivery;

namespace Supervisor.Infrastructure.Delivery.Sms;

/// <summary>
/// Tencent Cloud API signature v3 (TC3-HMAC-SHA256) for a JSON POST: CanonicalRequest = POST \n / \n (empty query) \n
/// content-type:…\nhost:…\n \n content-type;host \n hex(SHA256(payload)); StringToSign = TC3-HMAC-SHA256 \n timestamp \n
/// date/service/tc3_request \n hex(SHA256(CanonicalRequest)); key = HMAC chain "TC3"+SecretKey → UTC date → service →
/// "tc3_request"; signature = hex(HMAC-SHA256(key, StringToSign)).
/// </summary>
public static class Tc3Signature
{
    public const string Algorithm = "TC3-HMAC-SHA256";
    public const string SignedHeaders = "content-type;host";

    public static string CanonicalRequest(string contentType, string host, string payload) =>
        $"POST\n/\n\ncontent-type:{contentType}\nhost:{host}\n\n{SignedHeaders}\n{Sha256Hex(payload)}";

    /// <summary>The UTC date of the timestamp: never the local date (a request at 00:44 in Beijing is the day before in UTC).</summary>
    public static string Date(long timestamp) => DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string StringToSign(long timestamp, string service, string canonicalRequest) =>
        $"{Algorithm}\n{timestamp.ToString(CultureInfo.InvariantCulture)}\n{Date(timestamp)}/{service}/tc3_request\n{Sha256Hex(canonicalRequest)}";

    public static string Signature(string secretKey, long timestamp, string service, string stringToSign)
    {
        var secretDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("TC3" + secretKey), Encoding.UTF8.GetBytes(Date(timestamp)));
        var secretService = HMACSHA256.HashData(secretDate, Encoding.UTF8.GetBytes(service));
        var secretSigning = HMACSHA256.HashData(secretService, "tc3_request"u8);
        return Convert.ToHexStringLower(HMACSHA256.HashData(secretSigning, Encoding.UTF8.GetBytes(stringToSign)));
    }

    public static string Authorization(string secretId, string secretKey, string service, string host, string contentType, string payload, long timestamp)
    {
        var signature = Signature(secretKey, timestamp, service, StringToSign(timestamp, service, CanonicalRequest(contentType, host, payload)));
        return $"{Algorithm} Credential={secretId}/{Date(timestamp)}/{service}/tc3_request, SignedHeaders={SignedHeaders}, Signature={signature}";
    }

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>
/// Tencent Cloud SMS <c>SendSms</c> (2021-01-11): JSON POST to Sms:Tencent:Endpoint signed with TC3-HMAC-SHA256;
/// numbers as +86 E.164; up to 200 numbers with the same template and variables in one request, and the answer's
/// SendStatusSet mapped number by number back to each message (SerialNo kept as the provider id).
/// </summary>
public sealed class TencentSmsSender(HttpClient http, IOptions<SmsOptions> options, TimeProvider time) : IBatchMessageSender, IDescribedSender
{
    /// <summary>
    /// Tencent's body-template rule: a variable takes at most 12 characters for an individually verified account
    /// (enterprise accounts have no per-variable limit); 12 fits both. Links may not be variables at all on Tencent:
    /// the template carries the console's address as fixed text.
    /// </summary>
    public const int MaxVariableLength = 12;

    public const string ContentType = "application/json; charset=utf-8";

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public int Parallelism => 8;

    public int MaxBatch => 200;

    public static string E164(string mainlandMobile) => mainlandMobile.StartsWith('+') ? mainlandMobile : "+86" + mainlandMobile;

    public string? BatchKey(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Variables(message) is { } v ? message.SmsTemplate + "|" + string.Join('\u001f', v) : null;
    }

    private List<string>? Variables(OutboxMessage message) =>
        SmsTemplates.Parse(message.SmsTemplate) is { } kind && message.TemplateParams is { } values
            ? SmsTemplates.Fit(kind, values, MaxVariableLength, options.Value.Templates.VariablesFor(kind)).Select(v => v.Value).ToList()
            : null;

    /// <summary>The JSON body for messages that share a template and variables, or null with the reason.</summary>
    public string? Payload(IReadOnlyList<OutboxMessage> messages, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var o = options.Value;
        var first = messages[0];
        var kind = SmsTemplates.Parse(first.SmsTemplate);
        var variables = Variables(first);
        if (kind is null || variables is null)
        {
            problem = "no template variables: the message was composed without a template (queued before Sms:Provider was set?)";
            return null;
        }

        var templateId = o.Templates.For(kind.Value);
        if (string.IsNullOrWhiteSpace(templateId))
        {
            problem = $"Sms:Templates:{kind.Value} is not set";
            return null;
        }

        problem = null;
        var request = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["PhoneNumberSet"] = messages.Select(m => E164(m.Address)).ToArray(),
            ["SmsSdkAppId"] = o.Tencent.SdkAppId ?? "",
            ["SignName"] = string.IsNullOrWhiteSpace(o.Tencent.SignName) ? o.SignName : o.Tencent.SignName,
            ["TemplateId"] = templateId,
            ["TemplateParamSet"] = variables,
            ["SessionContext"] = messages.Count == 1 ? first.Key : $"batch:{messages.Count}:{first.Key}",
        };
        return JsonSerializer.Serialize(request, JsonOptions);
    }

    public ProviderRequest Describe(OutboxMessage message)
    {
        var o = options.Value;
        var payload = Payload([message], out var problem) ?? "(cannot be sent: " + problem + ")";
        return new ProviderRequest("POST", o.Tencent.Endpoint.ToString(), Headers(o, time.GetUtcNow().ToUnixTimeSeconds(), "TC3-HMAC-SHA256 Credential=" + SecretMask.Mask(o.Tencent.SecretId) + "/…, Signature=****"), payload);
    }

    private static List<KeyValuePair<string, string>> Headers(SmsOptions o, long timestamp, string authorization) =>
    [
        new("Authorization", authorization),
        new("Content-Type", ContentType),
        new("Host", o.Tencent.Endpoint.Authority),
        new("X-TC-Action", "SendSms"),
        new("X-TC-Version", "2021-01-11"),
        new("X-TC-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture)),
        new("X-TC-Region", o.Tencent.Region),
    ];

    public async Task<SendResult> SendAsync(OutboxMessage message, CancellationToken ct) => (await SendBatchAsync([message], ct))[0];

    public async Task<IReadOnlyList<SendResult>> SendBatchAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var o = options.Value;
        var payload = Payload(messages, out var problem);
        if (payload is null)
        {
            return messages.Select(_ => new SendResult(AttemptOutcome.Permanent, problem)).ToList();
        }

        IReadOnlyList<SendResult> All(AttemptOutcome outcome, string error) => messages.Select(_ => new SendResult(outcome, error)).ToList();
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var host = o.Tencent.Endpoint.Authority;
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(payload));
        content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        using var post = new HttpRequestMessage(HttpMethod.Post, o.Tencent.Endpoint) { Content = content };
        foreach (var (name, value) in Headers(o, timestamp, Tc3Signature.Authorization(o.Tencent.SecretId!, o.Tencent.SecretKey!, "sms", host, ContentType, payload, timestamp)))
        {
            if (name is not "Content-Type" and not "Host")
            {
                post.Headers.TryAddWithoutValidation(name, value);
            }
        }

        try
        {
            var (status, text) = await ProviderHttp.SendAsync(http, post, o.Timeout, ct);
            if (ProviderHttp.IsTransient(status))
            {
                return All(AttemptOutcome.Transient, $"Tencent HTTP {status}");
            }

            using var json = JsonDocument.Parse(text);
            var answer = json.RootElement.GetProperty("Response");
            if (answer.TryGetProperty("Error", out var error))
            {
                var code = error.GetProperty("Code").GetString() ?? "";
                var result = Classify(code, error.TryGetProperty("Message", out var m) ? m.GetString() : null, null);
                return messages.Select(_ => result).ToList();
            }

            var statuses = answer.GetProperty("SendStatusSet").EnumerateArray()
                .Select(s => (Phone: s.GetProperty("PhoneNumber").GetString() ?? "", Code: s.GetProperty("Code").GetString() ?? "",
                    Message: s.TryGetProperty("Message", out var sm) ? sm.GetString() : null, Serial: s.TryGetProperty("SerialNo", out var sn) ? sn.GetString() : null))
                .ToList();

            // One status per number; a number the answer leaves out was not sent and is retried.
            var byPhone = statuses.GroupBy(s => s.Phone, StringComparer.Ordinal).ToDictionary(g => g.Key, g => new Queue<(string Phone, string Code, string? Message, string? Serial)>(g), StringComparer.Ordinal);
            return messages.Select(m => byPhone.TryGetValue(E164(m.Address), out var q) && q.Count > 0 && q.Dequeue() is var s
                ? Classify(s.Code, s.Message, s.Serial)
                : new SendResult(AttemptOutcome.Transient, "Tencent: no status for this number in the answer")).ToList();
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return All(AttemptOutcome.Transient, "Tencent: " + ex.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return All(AttemptOutcome.Transient, $"Tencent: timeout after {o.Timeout}");
        }
    }

    /// <summary>
    /// Tencent's per-number (and request) codes: Ok is sent; frequency and daily limits (LimitExceeded.*), internal
    /// errors and throttling pass and are retried; a number, template, signature or variable refused is permanent;
    /// authentication errors are transient (fixing the key lets the queue go).
    /// </summary>
    public static SendResult Classify(string code, string? message, string? serialNo) => ProviderHttp.ByCode("Tencent", code, "Ok", message, serialNo, Refused);

    private static readonly HashSet<string> Refused = new(StringComparer.Ordinal)
    {
        "InvalidParameterValue.IncorrectPhoneNumber", "FailedOperation.PhoneNumberInBlacklist", "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
        "FailedOperation.TemplateIncorrectOrUnapproved", "FailedOperation.SignatureIncorrectOrUnapproved", "FailedOperation.MissingTemplateToModify",
        "InvalidParameterValue.TemplateParameterFormatError", "InvalidParameterValue.TemplateParameterLengthLimit", "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
        "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter", "InvalidParameterValue.SdkAppIdNotExist", "UnsupportedOperation.UnsupportedRegion",
        "FailedOperation.ContainSensitiveWord", "InvalidParameterValue.ContentLengthLimit",
    };
}
