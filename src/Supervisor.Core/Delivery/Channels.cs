namespace Supervisor.Core.Delivery;

/// <summary>
/// The channel names, one set for the whole program: a message's <c>channel</c> column, a unit robot's kind, and the key
/// its sender is registered under. Persisted as these strings.
/// </summary>
public static class Channels
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string WeCom = "wecom";
    public const string DingTalk = "dingtalk";

    public static IReadOnlyList<string> All { get; } = [Email, Sms, WeCom, DingTalk];

    public static bool IsRobot(string channel) => channel is WeCom or DingTalk;
}
