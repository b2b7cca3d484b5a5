using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Supervisor.Core.Delivery;

namespace Supervisor.Infrastructure.Delivery.Sms;

/// <summary>
/// Alibaba Cloud's RPC request signature (SignatureMethod HMAC-SHA1, SignatureVersion 1.0), as dysmsapi's SendSms
/// documents it: parameters sorted by name, names and values percent-encoded (RFC 3986: only A–Z a–z 0–9 - _ . ~ stay,
/// space is %20), joined with = and &; StringToSign = METHOD &amp; %2F &amp; percentEncode(canonical query); signature =
/// base64(HMAC-SHA1(AccessKeySecret + "&amp;", StringToSign)). Chosen over the newer ACS3-HMAC-SHA256 (V3) because the SMS
/// documentation's worked example (testId/testSecret, zJDF+Lrzhj/ThnlvIToysFRq6t4=) is in this form and dysmsapi still
/// accepts it; the unit test reproduces that example byte for byte.
/// </summary>
public static class AliyunSignature
{
    public static string PercentEncode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>The sorted, encoded query without the Signature parameter.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters.Where(p => p.Key != "Signature").OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => PercentEncode(p.Key) + "=" + PercentEncode(p.Value)));

    public static string StringToSign(string method, IEnumerable<KeyValuePair<string, string>> parameters) =>
        method + "&" + PercentEncode("/") + "&" + PercentEncode(CanonicalQuery(parameters));

    // CA5350: HMAC-SHA1 is what this signature version is; the provider, not us, chose it (V1 requests are still accepted).
#pragma warning disable CA5350
    public static string Sign(string accessKeySecret, string stringToSign) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(accessKeySecret + "&"), Encoding.UTF8.GetBytes(stringToSign)));
#pragma warning restore CA5350
}

/// <summary>
/// Alibaba Cloud SMS <c>SendSms</c> (API version 2017-05-25): POST form to Sms:Aliyun:Endpoint, one number per request,
/// TemplateCode from Sms:Templates by the message's template, TemplateParam as JSON with each variable cut to
/// <see cref="MaxVariableLength"/>, OutId = the message key (the provider's receipts carry it back), BizId kept as the
/// provider id.
/// </summary>
public sealed class AliyunSmsSender(HttpClient http, IOptions<SmsOptions> options, TimeProvider time) : IMessageSender, IDescribedSender
{
    /// <summary>Aliyun's notification templates: a variable of the 其他 kind (names, addresses…) takes 1–35 characters.</summary>
    public const int MaxVariableLength = 35;

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public int Parallelism => 8;

    /// <summary>Builds the signed form parameters, or says why the message can never be sent this way.</summary>
    public (List<KeyValuePair<string, string>>? Parameters, string? Problem) Build(OutboxMessage message, string nonce, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = options.Value;
        var template = SmsTemplates.Parse(message.SmsTemplate);
        if (template is null || message.TemplateParams is null)
        {
            return (null, "no template variables: the message was composed without a template (queued before Sms:Provider was set?)");
        }

        var code = o.Templates.For(template.Value);
        if (string.IsNullOrWhiteSpace(code))
        {
            return (null, $"Sms:Templates:{template.Value} is not set");
        }

        var variables = SmsTemplates.Fit(template.Value, message.TemplateParams, MaxVariableLength, o.Templates.VariablesFor(template.Value)).ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("AccessKeyId", o.Aliyun.AccessKeyId ?? ""),
            new("Action", "SendSms"),
            new("Format", "JSON"),
            new("OutId", message.Key),
            new("PhoneNumbers", message.Address),
            new("RegionId", o.Aliyun.RegionId),
            new("SignName", string.IsNullOrWhiteSpace(o.Aliyun.SignName) ? o.SignName : o.Aliyun.SignName),
            new("SignatureMethod", "HMAC-SHA1"),
            new("SignatureNonce", nonce),
            new("SignatureVersion", "1.0"),
            new("TemplateCode", code),
            new("TemplateParam", JsonSerializer.Serialize(variables, JsonOptions)),
            new("Timestamp", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            new("Version", "2017-05-25"),
        };
        parameters.Add(new("Signature", AliyunSignature.Sign(o.Aliyun.AccessKeySecret ?? "", AliyunSignature.StringToSign("POST", parameters))));
        return (parameters, null);
    }

    public ProviderRequest Describe(OutboxMessage message)
    {
        var (parameters, problem) = Build(message, "<nonce>", time.GetUtcNow());
        if (parameters is null)
        {
            return new ProviderRequest("POST", options.Value.Aliyun.Endpoint.ToString(), [], "(cannot be sent: " + problem + ")");
        }

        var shown = parameters.Select(p => p.Key is "AccessKeyId" or "Signature" ? new KeyValuePair<string, string>(p.Key, SecretMask.Mask(p.Value)) : p);
        return new ProviderRequest("POST", options.Value.Aliyun.Endpoint.ToString(), [new("Content-Type", "application/x-www-form-urlencoded")],
            string.Join('&', shown.Select(p => AliyunSignature.PercentEncode(p.Key) + "=" + AliyunSignature.PercentEncode(p.Value))));
    }

    public async Task<SendResult> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = options.Value;
        var (parameters, problem) = Build(message, Guid.NewGuid().ToString(), time.GetUtcNow());
        if (parameters is null)
        {
            return new SendResult(AttemptOutcome.Permanent, problem);
        }

        var body = string.Join('&', parameters.Select(p => AliyunSignature.PercentEncode(p.Key) + "=" + AliyunSignature.PercentEncode(p.Value)));
        using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var post = new HttpRequestMessage(HttpMethod.Post, o.Aliyun.Endpoint) { Content = content };
        try
        {
            var (status, text) = await ProviderHttp.SendAsync(http, post, o.Timeout, ct);
            if (ProviderHttp.IsTransient(status))
            {
                return new SendResult(AttemptOutcome.Transient, $"Aliyun HTTP {status}");
            }

            using var json = JsonDocument.Parse(text);
            string? Field(string name) => json.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return Classify(Field("Code") ?? $"HTTP {status}", Field("Message"), Field("BizId"));
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return new SendResult(AttemptOutcome.Transient, "Aliyun: " + ex.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SendResult(AttemptOutcome.Transient, $"Aliyun: timeout after {o.Timeout}");
        }
    }

    /// <summary>
    /// Aliyun's answer codes. Frequency and daily limits, throttling and server errors pass: transient, retried after the
    /// backoff. A number, template, signature or variable the provider refuses will be refused tomorrow too: permanent.
    /// Credentials and account problems are transient: fixing the configuration lets the queued texts go.
    /// </summary>
    public static SendResult Classify(string code, string? message, string? bizId) => ProviderHttp.ByCode("Aliyun", code, "OK", message, bizId, Refused);

    private static readonly HashSet<string> Refused = new(StringComparer.Ordinal)
    {
        "isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT", "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.SMS_TEMPLATE_ILLEGAL", "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_SIGN_ILLEGAL", "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.INVALID_PARAMETERS", "isv.PARAM_LENGTH_LIMIT", "isv.PARAM_NOT_SUPPORT_URL", "isv.INVALID_JSON_PARAM",
        "isv.TEMPLATE_PARAMS_ILLEGAL", "isv.SMS_CONTENT_ILLEGAL", "isv.DENY_IP_RANGE",
    };
}
