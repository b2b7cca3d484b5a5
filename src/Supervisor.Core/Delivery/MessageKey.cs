using System.Globalization;

namespace Supervisor.Core.Delivery;

/// <summary>
/// The outbox key: recipient|channel|kind|local date. messages_key_key makes it unique, so composing twice (a re-run,
/// two nodes) cannot queue a second message, and the e-mail header / SMS out-id carry it to the far side.
/// </summary>
public static class MessageKey
{
    public static string For(string recipientAddress, string channel, string kind, DateOnly localDate)
    {
        ArgumentNullException.ThrowIfNull(recipientAddress);
        return string.Join('|', recipientAddress.Trim().ToLowerInvariant(), channel, kind, localDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A robot's stand-in address for its key: platform + the first 16 hex digits of SHA-256 of its webhook URL. The URL
    /// holds the robot's key or access token, and keys are shown in the console and travel to the far side.
    /// </summary>
    public static string RobotAddress(string platform, string webhookUrl)
    {
        ArgumentNullException.ThrowIfNull(webhookUrl);
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(webhookUrl.Trim()));
        return platform + ":" + Convert.ToHexStringLower(hash)[..16];
    }
}
