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

    /// <summary>The office's own work group (Robots:Office:WeCom / DingTalk / DingTalkSecret): gets the 通报's key figures.</summary>
    public OfficeRobotOptions Office { get; } = new();

    public IReadOnlyCollection<string> EffectiveAllowedHosts => AllowedHosts.Count == 0 ? [.. UnitDirectoryParser.DefaultRobotHosts] : [.. AllowedHosts];
}

/// <summary>
/// <c>Robots:Office</c>: the office's own group robots, configured as a unit's are in the directory — a 企业微信 webhook
/// URL (its key inside), a 钉钉 webhook URL (its access token inside) and that robot's 加签 secret. All three are secrets.
/// </summary>
public sealed class OfficeRobotOptions
{
    /// <summary>https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…</summary>
    public string? WeCom { get; set; }

    /// <summary>https://oapi.dingtalk.com/robot/send?access_token=…</summary>
    public string? DingTalk { get; set; }

    /// <summary>The DingTalk robot's 加签 secret (SEC…); empty when the robot has 加签 off.</summary>
    public string? DingTalkSecret { get; set; }

    /// <summary>The configured robots as (channel, webhook URL).</summary>
    public IEnumerable<(string Channel, string Url)> Robots()
    {
        if (!string.IsNullOrWhiteSpace(WeCom))
        {
            yield return (Delivery.Channels.WeCom, WeCom.Trim());
        }

        if (!string.IsNullOrWhiteSpace(DingTalk))
        {
            yield return (Delivery.Channels.DingTalk, DingTalk.Trim());
        }
    }
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
        var office = options.Office;
        if (office.WeCom is { Length: > 0 } wecom && UnitDirectoryParser.RobotUrlProblem(wecom, options.EffectiveAllowedHosts) is { } p1)
        {
            failures.Add($"Robots:Office:WeCom: {p1}");
        }

        if (office.DingTalk is { Length: > 0 } dingtalk && UnitDirectoryParser.RobotUrlProblem(dingtalk, options.EffectiveAllowedHosts) is { } p2)
        {
            failures.Add($"Robots:Office:DingTalk: {p2}");
        }

        if (!string.IsNullOrWhiteSpace(office.DingTalkSecret) && string.IsNullOrWhiteSpace(office.DingTalk))
        {
            failures.Add("Robots:Office:DingTalkSecret is set but Robots:Office:DingTalk (the robot's webhook URL) is not");
        }

        if (office.DingTalkSecret is { Length: > 200 })
        {
            failures.Add("Robots:Office:DingTalkSecret is longer than 200 characters");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
