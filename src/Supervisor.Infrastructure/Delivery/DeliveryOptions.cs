using Microsoft.Extensions.Options;

namespace Supervisor.Infrastructure.Delivery;

/// <summary>Configuration section "Sms": the HTTP gateway. No Url: texts go to files in &lt;DataDirectory&gt;/sms (dev sink).</summary>
public sealed class SmsOptions
{
    public const string Section = "Sms";

    /// <summary>Gateway (default), Aliyun or Tencent; the provider settings are in Sms/SmsProviderOptions.cs.</summary>
    public Sms.SmsProvider Provider { get; set; } = Sms.SmsProvider.Gateway;

    public Sms.AliyunSmsOptions Aliyun { get; set; } = new();

    public Sms.TencentSmsOptions Tencent { get; set; } = new();

    public Sms.SmsTemplateOptions Templates { get; set; } = new();

    public Uri? Url { get; set; }

    /// <summary>HMAC-SHA256 key; a secret: never logged, printed or stored.</summary>
    public string? Secret { get; set; }

    public string SignName { get; set; } = "某县督查室";

    public string TemplateCode { get; set; } = "SUPERVISION_NOTICE";

    public string SignatureHeader { get; set; } = "X-Signature";

    public string TimestampHeader { get; set; } = "X-Timestamp";

    public IList<string> SuccessCodes { get; } = new List<string>();

    public IList<string> PermanentErrorCodes { get; } = new List<string>();

    public double RatePerSecond { get; set; } = 20;

    public int DailyCapPerRecipient { get; set; } = 5;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeOnly QuietHoursStart { get; set; } = new(21, 0);

    public TimeOnly QuietHoursEnd { get; set; } = new(8, 0);

    /// <summary>督办 (escalation) texts go out in quiet hours and on non-working days too.</summary>
    public bool EscalationIgnoresQuietHours { get; set; }

    public string? Directory { get; set; }

    public bool UsesFiles => Url is null;

    /// <summary>"OK" when the configuration lists none.</summary>
    public IReadOnlyCollection<string> EffectiveSuccessCodes => SuccessCodes.Count == 0 ? ["OK"] : [.. SuccessCodes];

    public IReadOnlyCollection<string> EffectivePermanentErrorCodes => PermanentErrorCodes.Count == 0 ? ["INVALID_NUMBER", "BLACKLISTED"] : [.. PermanentErrorCodes];
}

/// <summary>Configuration section "Delivery": the outbox and its dispatcher.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Messages claimed per round trip.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>A claim not acknowledged within this is taken to be from a dead worker and comes back.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan BackoffMin { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Transient failures stop being retried this long after the message was queued: it goes dead.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Co units (配合单位) get level-1 notices too, marked 配合.</summary>
    public bool CoUnitNotices { get; set; } = true;

    /// <summary>Editable message templates; relative to the executable's folder.</summary>
    public string TemplateDirectory { get; set; } = "templates";

    /// <summary><c>supervisor dispatch</c> without --once: pause between passes that found nothing.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>The office's own addresses (section "Supervision"): escalations and the weekly 通报 go to them.</summary>
public sealed class OfficeOptions
{
    public const string Section = "Supervision";

    public IList<string> OfficeEmails { get; } = new List<string>();

    public IList<string> OfficePhones { get; } = new List<string>();
}

public sealed class SmsOptionsValidator : IValidateOptions<SmsOptions>
{
    public ValidateOptionsResult Validate(string? name, SmsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Url is { } url && (!url.IsAbsoluteUri || (url.Scheme != "http" && url.Scheme != "https")))
        {
            failures.Add("Sms:Url must be an absolute http(s) URL");
        }

        if (options.Url is not null && string.IsNullOrEmpty(options.Secret))
        {
            failures.Add("Sms:Secret must be set when Sms:Url is (requests are signed)");
        }

        if (options.RatePerSecond is <= 0 or > 10_000)
        {
            failures.Add($"Sms:RatePerSecond {options.RatePerSecond} must be above 0 and at most 10000");
        }

        if (options.DailyCapPerRecipient < 1)
        {
            failures.Add($"Sms:DailyCapPerRecipient {options.DailyCapPerRecipient} must be at least 1");
        }

        if (options.Timeout < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"Sms:Timeout {options.Timeout} must be at least 00:00:00.1");
        }

        if (string.IsNullOrWhiteSpace(options.SignatureHeader) || string.IsNullOrWhiteSpace(options.TimestampHeader))
        {
            failures.Add("Sms:SignatureHeader and Sms:TimestampHeader must not be empty");
        }

        if (string.IsNullOrWhiteSpace(options.SignName))
        {
            failures.Add("Sms:SignName must not be empty");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.BatchSize is < 1 or > 10_000)
        {
            failures.Add($"Delivery:BatchSize {options.BatchSize} must be 1–10000");
        }

        if (options.Lease < TimeSpan.FromSeconds(5))
        {
            failures.Add($"Delivery:Lease {options.Lease} must be at least 00:00:05");
        }

        if (options.BackoffMin <= TimeSpan.Zero || options.BackoffMax < options.BackoffMin)
        {
            failures.Add($"Delivery:BackoffMin {options.BackoffMin} must be positive and not above Delivery:BackoffMax {options.BackoffMax}");
        }

        if (options.GiveUpAfter < options.BackoffMin)
        {
            failures.Add($"Delivery:GiveUpAfter {options.GiveUpAfter} must be at least Delivery:BackoffMin");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"Delivery:PollInterval {options.PollInterval} must be at least 00:00:00.1");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public sealed class OfficeOptionsValidator : IValidateOptions<OfficeOptions>
{
    public ValidateOptionsResult Validate(string? name, OfficeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.OfficeEmails.Where(e => !Email.MimeMessages.IsAddress(e)).Select(e => $"Supervision:OfficeEmails has '{e}', not an e-mail address")
            .Concat(options.OfficePhones.Where(p => !System.Text.RegularExpressions.Regex.IsMatch(p, "^1[3-9][0-9]{9}$")).Select(p => $"Supervision:OfficePhones has '{Core.Delivery.PhoneMask.Mask(p)}', not a mobile number"))
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
