using Microsoft.Extensions.Options;

namespace Supervisor.Infrastructure.Delivery.Sms;

/// <summary>Which SMS channel sends texts: <c>Sms:Provider</c>.</summary>
public enum SmsProvider
{
    /// <summary>The signed HTTP gateway (Sms:Url, Sms:Secret) with free text; no Url → files in the SMS directory.</summary>
    Gateway,

    /// <summary>Alibaba Cloud SMS (dysmsapi SendSms, RPC signature HMAC-SHA1).</summary>
    Aliyun,

    /// <summary>Tencent Cloud SMS (SendSms 2021-01-11, TC3-HMAC-SHA256).</summary>
    Tencent,
}

/// <summary><c>Sms:Aliyun</c>: the account's AccessKey (secret), the approved signature, the endpoint (tests point it at a fake).</summary>
public sealed class AliyunSmsOptions
{
    public string? AccessKeyId { get; set; }

    /// <summary>A secret: never logged, printed or stored.</summary>
    public string? AccessKeySecret { get; set; }

    /// <summary>The approved 签名; empty → Sms:SignName.</summary>
    public string? SignName { get; set; }

    public Uri Endpoint { get; set; } = new("https://dysmsapi.aliyuncs.com/");

    public string RegionId { get; set; } = "cn-hangzhou";
}

/// <summary><c>Sms:Tencent</c>: the API key pair (SecretKey is a secret), the SMS application, signature, region, endpoint.</summary>
public sealed class TencentSmsOptions
{
    public string? SecretId { get; set; }

    /// <summary>A secret: never logged, printed or stored.</summary>
    public string? SecretKey { get; set; }

    public string? SdkAppId { get; set; }

    /// <summary>The approved 签名; empty → Sms:SignName.</summary>
    public string? SignName { get; set; }

    public string Region { get; set; } = "ap-guangzhou";

    public Uri Endpoint { get; set; } = new("https://sms.tencentcloudapi.com/");
}

/// <summary><c>Sms:Templates</c>: the provider's template code (Aliyun SMS_…) or id (Tencent) per message kind.</summary>
public sealed class SmsTemplateOptions
{
    /// <summary>提醒 (due soon, level 1).</summary>
    public string? Reminder { get; set; }

    /// <summary>催办 (overdue, level 2).</summary>
    public string? Overdue { get; set; }

    /// <summary>督办 (escalation, level 3).</summary>
    public string? Escalation { get; set; }

    /// <summary>通报 (the office's digest); optional.</summary>
    public string? Digest { get; set; }

    /// <summary>签收 (tasks not signed for); optional: without it a template provider sends no 签收 text.</summary>
    public string? Acknowledge { get; set; }

    /// <summary>
    /// Per kind (Reminder, Overdue, …), the variables its registered template takes, comma-separated in the template's
    /// order (Tencent's {1}, {2}, …): for a template approved before a variable was added, e.g.
    /// <c>Sms:Templates:Variables:Overdue = unit,count,days,link</c>. Absent: every variable Core's SmsTemplates declares.
    /// </summary>
    public Dictionary<string, string> Variables { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string? For(Core.Delivery.SmsTemplateKind kind) => kind switch
    {
        Core.Delivery.SmsTemplateKind.Reminder => Reminder,
        Core.Delivery.SmsTemplateKind.Overdue => Overdue,
        Core.Delivery.SmsTemplateKind.Escalation => Escalation,
        Core.Delivery.SmsTemplateKind.Acknowledge => Acknowledge,
        _ => Digest,
    };

    /// <summary>The variable names configured for <paramref name="kind"/>, or null for every declared one.</summary>
    public IReadOnlyList<string>? VariablesFor(Core.Delivery.SmsTemplateKind kind) =>
        Variables.TryGetValue(kind.ToString(), out var names) && !string.IsNullOrWhiteSpace(names)
            ? names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : null;
}

/// <summary>The provider part of <c>Sms</c>: a missing key for the chosen provider stops start-up naming the key.</summary>
public sealed class SmsProviderOptionsValidator : IValidateOptions<SmsOptions>
{
    public ValidateOptionsResult Validate(string? name, SmsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Require(string? value, string key)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                failures.Add($"{key} must be set when Sms:Provider is {options.Provider}");
            }
        }

        void Endpoint(Uri endpoint, string key)
        {
            if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && !(endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback)))
            {
                failures.Add($"{key} '{endpoint}' must be an absolute https URL (http only on loopback, for tests)");
            }
        }

        switch (options.Provider)
        {
            case SmsProvider.Aliyun:
                Require(options.Aliyun.AccessKeyId, "Sms:Aliyun:AccessKeyId");
                Require(options.Aliyun.AccessKeySecret, "Sms:Aliyun:AccessKeySecret");
                Endpoint(options.Aliyun.Endpoint, "Sms:Aliyun:Endpoint");
                break;
            case SmsProvider.Tencent:
                Require(options.Tencent.SecretId, "Sms:Tencent:SecretId");
                Require(options.Tencent.SecretKey, "Sms:Tencent:SecretKey");
                Require(options.Tencent.SdkAppId, "Sms:Tencent:SdkAppId");
                Require(options.Tencent.Region, "Sms:Tencent:Region");
                Endpoint(options.Tencent.Endpoint, "Sms:Tencent:Endpoint");
                break;
            case SmsProvider.Gateway:
                break;
            default:
                failures.Add($"Sms:Provider '{options.Provider}' must be Gateway, Aliyun or Tencent");
                break;
        }

        foreach (var (kindName, names) in options.Templates.Variables)
        {
            if (!Enum.TryParse<Core.Delivery.SmsTemplateKind>(kindName, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            {
                failures.Add($"Sms:Templates:Variables:{kindName} names no template (Reminder, Overdue, Escalation, Digest or Acknowledge)");
                continue;
            }

            var declared = Core.Delivery.SmsTemplates.Variables(kind).Select(v => v.Name).ToList();
            var unknown = (options.Templates.VariablesFor(kind) ?? []).Where(n => !declared.Contains(n, StringComparer.Ordinal)).ToList();
            if (unknown.Count > 0)
            {
                failures.Add($"Sms:Templates:Variables:{kindName} '{names}' names {string.Join(", ", unknown)}, not a variable of that template ({string.Join(", ", declared)})");
            }
        }

        if (options.Provider is SmsProvider.Aliyun or SmsProvider.Tencent)
        {
            Require(options.Templates.Reminder, "Sms:Templates:Reminder");
            Require(options.Templates.Overdue, "Sms:Templates:Overdue");
            Require(options.Templates.Escalation, "Sms:Templates:Escalation");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
