using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Supervisor.IntegrationTests.Delivery.Channels;

/// <summary>What a fake accepted: the platform, the recipient (phone or robot), the provider's id, the content.</summary>
/// <summary>What a provider accepted; <see cref="Text"/> the SMS as the handset shows it when the template's text was registered with the fake.</summary>
public sealed record ProviderReceipt(string Platform, string Recipient, string Id, string Content, string? OutId, string? Text = null);

/// <summary>
/// Loopback fakes of Alibaba Cloud SMS, Tencent Cloud SMS, the WeCom group robot and the DingTalk custom robot, in one
/// web app on 127.0.0.1. Each verifies the request as its provider would — with its own signing code written here from
/// the providers' documentation, not the product's — answers as the test says (success, frequency limit, invalid
/// number, 500), and records what it accepted. Start/stop to play an outage.
/// </summary>
public sealed class ProviderFakes : IAsyncDisposable
{
    public const string AliyunKeyId = "LTAI-test-id";
    public const string AliyunSecret = "aliyun-secret-不要外传";
    public const string TencentId = "AKIDtest0000000000000000000000000000";
    public const string TencentKey = "tencent-secret-key-不要外传";
    public const string TencentAppId = "1400000001";
    public const string WeComKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
    public const string DingTalkToken = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    public const string DingTalkSecret = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";

    // The providers answer in their own casing (Code, BizId, Response.SendStatusSet; errcode): no camelCase policy.
    private static readonly JsonSerializerOptions AsIs = new() { PropertyNamingPolicy = null };
    private WebApplication? _app;
    private int _requests;
    private int _badSignatures;
    private int _robotPosts;

    public int Port { get; private set; }

    public ConcurrentQueue<ProviderReceipt> Accepted { get; } = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    public int BadSignatures => Volatile.Read(ref _badSignatures);

    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>Aliyun's Code per phone and request number ("OK", "isv.BUSINESS_LIMIT_CONTROL", "isv.MOBILE_NUMBER_ILLEGAL", "500").</summary>
    public Func<string, int, string> Aliyun { get; set; } = (_, _) => "OK";

    /// <summary>Tencent's per-number Code ("Ok", "LimitExceeded.PhoneNumberDailyLimit", …, "500" for an HTTP 500).</summary>
    public Func<string, int, string> Tencent { get; set; } = (_, _) => "Ok";

    /// <summary>The robots' errcode per post that passed the key/signature check, numbered from 1 (0, 45009, 130101, or 500 for an HTTP 500).</summary>
    public Func<string, int, int> Robot { get; set; } = (_, _) => 0;

    /// <summary>
    /// Approved template texts by code (Aliyun SMS_…, with ${name}) or id (Tencent, with {1}, {2}…). A registered template
    /// is checked as the provider does — Aliyun: every ${name} needs a value (isv.TEMPLATE_MISSING_PARAMETERS), a name
    /// registered as a number (<see cref="NumberVariables"/>) takes digits only (isv.TEMPLATE_PARAMS_ILLEGAL); Tencent: as
    /// many values as placeholders (FailedOperation.TemplateParamSetNotMatchApprovedTemplate) — and rendered into the
    /// receipt's Text with the signature. Unregistered codes are accepted as before.
    /// </summary>
    public Dictionary<string, string> TemplateTexts { get; } = new(StringComparer.Ordinal);

    /// <summary>Aliyun variables registered with the 数字 type.</summary>
    public HashSet<string> NumberVariables { get; } = new(StringComparer.Ordinal);

    public string Base => $"http://127.0.0.1:{Port}";

    public string WeComUrl => $"{Base}/cgi-bin/webhook/send?key={WeComKey}";

    public string DingTalkUrl => $"{Base}/robot/send?access_token={DingTalkToken}";

    public async Task StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _app = builder.Build();
        _app.MapPost("/aliyun/", (Func<HttpContext, Task<IResult>>)AliyunAsync);
        _app.MapPost("/tencent/", (Func<HttpContext, Task<IResult>>)TencentAsync);
        _app.MapPost("/cgi-bin/webhook/send", (Func<HttpContext, Task<IResult>>)WeComAsync);
        _app.MapPost("/robot/send", (Func<HttpContext, Task<IResult>>)DingTalkAsync);
        await _app.StartAsync();
        Port = new Uri(_app.Urls.First()).Port;
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private int Next() => Interlocked.Increment(ref _requests);

    private IResult Bad(string platform, string why)
    {
        Interlocked.Increment(ref _badSignatures);
        Requests.Enqueue(platform + " refused: " + why);
        return Results.Json(new { Code = "SignatureDoesNotMatch", Message = why }, AsIs, statusCode: 400);
    }

    // Alibaba Cloud: the RPC signature recomputed from the form as received (POST&%2F&…), keyed with secret + "&".
    private async Task<IResult> AliyunAsync(HttpContext http)
    {
        var n = Next();
        var form = await http.Request.ReadFormAsync();
        var pairs = form.Where(p => p.Key != "Signature").OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => Rfc3986(p.Key) + "=" + Rfc3986(p.Value.ToString()));
        var toSign = "POST&%2F&" + Rfc3986(string.Join('&', pairs));
#pragma warning disable CA5350 // the provider's algorithm
        var expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(AliyunSecret + "&"), Encoding.UTF8.GetBytes(toSign)));
#pragma warning restore CA5350
        if (form["AccessKeyId"] != AliyunKeyId || expected != form["Signature"].ToString())
        {
            return Bad("aliyun", "signature");
        }

        // The tests run on a fixed clock, so the fake checks the timestamp's form, not its distance from now.
        if (!DateTimeOffset.TryParseExact(form["Timestamp"].ToString(), "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            return Bad("aliyun", "timestamp");
        }

        var phone = form["PhoneNumbers"].ToString();
        Requests.Enqueue("aliyun " + phone + " " + form["TemplateCode"] + " " + form["TemplateParam"]);
        string? text = null;
        if (TemplateTexts.TryGetValue(form["TemplateCode"].ToString(), out var template))
        {
            var values = JsonSerializer.Deserialize<Dictionary<string, string>>(form["TemplateParam"].ToString()) ?? [];
            var names = Regex.Matches(template, @"\$\{(\w+)\}").Select(m => m.Groups[1].Value).ToList();
            if (names.Any(v => !values.ContainsKey(v)))
            {
                return Results.Json(new { Code = "isv.TEMPLATE_MISSING_PARAMETERS", Message = "模板变量缺少对应参数值", RequestId = "r" }, AsIs);
            }

            if (names.Any(v => NumberVariables.Contains(v) && !Regex.IsMatch(values[v], "^[0-9]+$")))
            {
                return Results.Json(new { Code = "isv.TEMPLATE_PARAMS_ILLEGAL", Message = "模板变量里包含非法关键字", RequestId = "r" }, AsIs);
            }

            text = "【" + form["SignName"] + "】" + Regex.Replace(template, @"\$\{(\w+)\}", m => values[m.Groups[1].Value]);
        }

        var code = Aliyun(phone, n);
        if (code == "500")
        {
            return Results.StatusCode(500);
        }

        if (code == "OK")
        {
            Accepted.Enqueue(new ProviderReceipt("aliyun", phone, "biz-" + n, form["TemplateCode"] + " " + form["TemplateParam"], form["OutId"], text));
        }

        return Results.Json(new { Code = code, Message = code == "OK" ? "OK" : "refused", BizId = code == "OK" ? "biz-" + n : null, RequestId = Guid.NewGuid().ToString() }, AsIs);
    }

    private static string Rfc3986(string value)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' ? c.ToString() : "%" + b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    // Tencent Cloud: TC3-HMAC-SHA256 recomputed from the headers and body as received.
    private async Task<IResult> TencentAsync(HttpContext http)
    {
        var n = Next();
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var auth = http.Request.Headers.Authorization.ToString();
        var timestamp = long.Parse(http.Request.Headers["X-TC-Timestamp"].ToString(), CultureInfo.InvariantCulture);
        var date = DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        static string Hex(byte[] b) => Convert.ToHexStringLower(b);
        var canonical = $"POST\n/\n\ncontent-type:{http.Request.ContentType}\nhost:{http.Request.Host}\n\ncontent-type;host\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body)))}";
        var toSign = $"TC3-HMAC-SHA256\n{timestamp}\n{date}/sms/tc3_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var k = HMACSHA256.HashData(Encoding.UTF8.GetBytes("TC3" + TencentKey), Encoding.UTF8.GetBytes(date));
        k = HMACSHA256.HashData(k, "sms"u8.ToArray());
        k = HMACSHA256.HashData(k, "tc3_request"u8.ToArray());
        var expected = $"TC3-HMAC-SHA256 Credential={TencentId}/{date}/sms/tc3_request, SignedHeaders=content-type;host, Signature={Hex(HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(toSign)))}";
        if (auth != expected || http.Request.Headers["X-TC-Action"] != "SendSms" || http.Request.Headers["X-TC-Version"] != "2021-01-11")
        {
            Interlocked.Increment(ref _badSignatures);
            return Results.Json(new { Response = new { Error = new { Code = "AuthFailure.SignatureFailure", Message = "signature" }, RequestId = "r" } }, AsIs);
        }

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var phones = root.GetProperty("PhoneNumberSet").EnumerateArray().Select(p => p.GetString()!).ToList();
        var parameters = root.GetProperty("TemplateParamSet").EnumerateArray().Select(p => p.GetString() ?? "").ToList();
        var content = root.GetProperty("TemplateId").GetString() + " " + string.Join(",", parameters);
        Requests.Enqueue("tencent " + string.Join(",", phones) + " " + content);
        string? text = null;
        if (TemplateTexts.TryGetValue(root.GetProperty("TemplateId").GetString() ?? "", out var template))
        {
            if (Regex.Count(template, @"\{(\d+)\}") != parameters.Count)
            {
                return Results.Json(new { Response = new { Error = new { Code = "FailedOperation.TemplateParamSetNotMatchApprovedTemplate", Message = "请求内容与审核通过的模板内容不匹配" }, RequestId = "r" } }, AsIs);
            }

            text = "【" + root.GetProperty("SignName").GetString() + "】" + Regex.Replace(template, @"\{(\d+)\}", m => parameters[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) - 1]);
        }

        var codes = phones.Select(p => (Phone: p, Code: Tencent(p, n))).ToList();
        if (codes.Any(c => c.Code == "500"))
        {
            return Results.StatusCode(500);
        }

        var statuses = codes.Select((c, i) =>
        {
            var serial = $"serial-{n}-{i}";
            if (c.Code == "Ok")
            {
                Accepted.Enqueue(new ProviderReceipt("tencent", c.Phone, serial, content, root.GetProperty("SessionContext").GetString(), text));
            }

            return new { SerialNo = serial, PhoneNumber = c.Phone, Fee = 1, SessionContext = "", Code = c.Code, Message = c.Code == "Ok" ? "send success" : "refused", IsoCode = "CN" };
        }).ToList();
        return Results.Json(new { Response = new { SendStatusSet = statuses, RequestId = "r-" + n } }, AsIs);
    }

    // WeCom: the key must be a robot's; the content must be markdown within 4096 bytes.
    private async Task<IResult> WeComAsync(HttpContext http)
    {
        var n = Next();
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        // The fault tests use many robots ("fault-…" keys) so the per-robot limit of 20 a minute does not pace them.
        var key = http.Request.Query["key"].ToString();
        if (key != WeComKey && !key.StartsWith("fault-", StringComparison.Ordinal))
        {
            return Results.Json(new { errcode = 93000, errmsg = "invalid webhook url" }, AsIs);
        }

        using var json = JsonDocument.Parse(body);
        var content = json.RootElement.GetProperty("markdown").GetProperty("content").GetString()!;
        Requests.Enqueue("wecom " + content.Length);
        var code = Robot("wecom", Interlocked.Increment(ref _robotPosts));
        if (code == 500)
        {
            return Results.StatusCode(500);
        }

        if (code == 0 && json.RootElement.GetProperty("msgtype").GetString() == "markdown" && Encoding.UTF8.GetByteCount(content) <= 4096)
        {
            Accepted.Enqueue(new ProviderReceipt("wecom", key, "wecom-" + n, content, null));
        }

        return Results.Json(new { errcode = code, errmsg = code == 0 ? "ok" : "refused" }, AsIs);
    }

    // DingTalk: the token must be a robot's; timestamp within an hour; sign = urlEncode(base64(HMAC-SHA256(secret, ts\nsecret))).
    private async Task<IResult> DingTalkAsync(HttpContext http)
    {
        var n = Next();
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        if (http.Request.Query["access_token"] != DingTalkToken)
        {
            return Results.Json(new { errcode = 300005, errmsg = "token is not exist" }, AsIs);
        }

        var timestamp = http.Request.Query["timestamp"].ToString();
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(DingTalkSecret), Encoding.UTF8.GetBytes(timestamp + "\n" + DingTalkSecret)));

        // The query string arrives URL-decoded once: what was urlEncode(base64) is base64 again here.
        if (http.Request.Query["sign"] != expected || !long.TryParse(timestamp, CultureInfo.InvariantCulture, out _))
        {
            Interlocked.Increment(ref _badSignatures);
            return Results.Json(new { errcode = 310000, errmsg = "sign not match" }, AsIs);
        }

        using var json = JsonDocument.Parse(body);
        var text = json.RootElement.GetProperty("markdown").GetProperty("text").GetString()!;
        Requests.Enqueue("dingtalk " + text.Length);
        var code = Robot("dingtalk", Interlocked.Increment(ref _robotPosts));
        if (code == 500)
        {
            return Results.StatusCode(500);
        }

        if (code == 0)
        {
            Accepted.Enqueue(new ProviderReceipt("dingtalk", DingTalkToken, "dingtalk-" + n, text, null));
        }

        return Results.Json(new { errcode = code, errmsg = code == 0 ? "ok" : code == 130101 ? "send too fast, exceed 20 times per minute" : "refused" }, AsIs);
    }

    /// <summary>The settings that point every channel at this fake.</summary>
    public Dictionary<string, string?> Settings(string provider) => new()
    {
        ["Sms:Provider"] = provider,
        ["Sms:RatePerSecond"] = "1000",
        ["Sms:Aliyun:AccessKeyId"] = AliyunKeyId,
        ["Sms:Aliyun:AccessKeySecret"] = AliyunSecret,
        ["Sms:Aliyun:SignName"] = "某县督查室",
        ["Sms:Aliyun:Endpoint"] = Base + "/aliyun/",
        ["Sms:Tencent:SecretId"] = TencentId,
        ["Sms:Tencent:SecretKey"] = TencentKey,
        ["Sms:Tencent:SdkAppId"] = TencentAppId,
        ["Sms:Tencent:SignName"] = "某县督查室",
        ["Sms:Tencent:Endpoint"] = Base + "/tencent/",
        ["Sms:Templates:Reminder"] = "SMS_0001",
        ["Sms:Templates:Overdue"] = "SMS_0002",
        ["Sms:Templates:Escalation"] = "SMS_0003",
        ["Sms:Templates:Digest"] = "SMS_0004",
        ["Robots:AllowedHosts:0"] = "127.0.0.1",
    };
}
