using Microsoft.Extensions.Options;
using Supervisor.Core.Units;

namespace Supervisor.Infrastructure.Delivery.Robots;

/// <summary>
/// Configuration section "Robots": the work-group robots (企业微信 group robot, 钉钉 custom robot). Units' robots come
/// from the directory; the office's own group is configured here. Webhook hosts are limited to AllowedHosts.
/// </summary>
public sealed class RobotOptions
{
    public const string Section = "Robots";

    /// <summary>Hosts a webhook URL may point at; empty → qyapi.weixin.qq.com and oapi.dingtalk.com.</summary>
    public IList<string> AllowedHosts { get; } = new List<string>();

    /// <summary>Both platforms take at most 20 messages a minute per robot.</summary>
    public int RatePerMinute { get; set; } = 20;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The office's own 企业微信 group robot (webhook URL with its key, a secret): gets the 通报 summary.</summary>
    public string? OfficeWeCom { get; set; }

    /// <summary>The office's own 钉钉 robot (webhook URL with its access token, a secret).</summary>
    public string? OfficeDingTalk { get; set; }

    /// <summary>The office DingTalk robot's 加签 secret (SEC…), a secret.</summary>
    public string? OfficeDingTalkSecret { get; set; }

    public IReadOnlyCollection<string> EffectiveAllowedHosts => AllowedHosts.Count == 0 ? [.. UnitDirectoryParser.DefaultRobotHosts] : [.. AllowedHosts];
}

public sealed class RobotOptionsValidator : IValidateOptions<RobotOptions>
{
    public ValidateOptionsResult Validate(string? name, RobotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RatePerMinute is < 1 or > 600)
        {
            failures.Add($"Robots:RatePerMinute {options.RatePerMinute} must be 1–600");
        }

        if (options.Timeout < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"Robots:Timeout {options.Timeout} must be at least 00:00:00.1");
        }

        if (options.AllowedHosts.Any(h => string.IsNullOrWhiteSpace(h) || h.Contains('/', StringComparison.Ordinal) || h.Contains(':', StringComparison.Ordinal)))
        {
            failures.Add("Robots:AllowedHosts must hold host names only (no scheme, port or path)");
        }

        // The URLs are secrets: a failure names the setting and the problem, never the URL.
        if (options.OfficeWeCom is { Length: > 0 } wecom && UnitDirectoryParser.RobotUrlProblem(wecom, options.EffectiveAllowedHosts) is { } p1)
        {
            failures.Add($"Robots:OfficeWeCom: {p1}");
        }

        if (options.OfficeDingTalk is { Length: > 0 } dingtalk && UnitDirectoryParser.RobotUrlProblem(dingtalk, options.EffectiveAllowedHosts) is { } p2)
        {
            failures.Add($"Robots:OfficeDingTalk: {p2}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
