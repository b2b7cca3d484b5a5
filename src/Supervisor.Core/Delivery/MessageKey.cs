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
}
