using System.Text.RegularExpressions;
using Supervisor.Core.Delivery;

namespace Supervisor.Infrastructure.Delivery;

/// <summary>A provider request as it would go on the wire, secrets masked: what <c>supervisor preview</c> prints.</summary>
public sealed record ProviderRequest(string Method, string Url, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body);

/// <summary>
/// A channel that can show the exact request it would send for a message, with every secret masked. Channels are plug-ins
/// of one shape: <see cref="IMessageSender"/> turns a claimed message into a provider request and classifies the answer
/// (sent / transient / permanent, the provider's code kept in the error); this adds the preview.
/// </summary>
public interface IDescribedSender
{
    ProviderRequest Describe(OutboxMessage message);
}

/// <summary>
/// A channel whose provider takes several recipients in one request (Tencent's SendSms: up to 200 numbers with the same
/// template and variables) and answers per recipient; the dispatcher groups messages by <see cref="BatchKey"/>.
/// </summary>
public interface IBatchMessageSender : IMessageSender
{
    int MaxBatch { get; }

    /// <summary>Messages with the same key can share a request; null sends the message alone.</summary>
    string? BatchKey(OutboxMessage message);

    /// <summary>One result per message, in the order given.</summary>
    Task<IReadOnlyList<SendResult>> SendBatchAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken ct);
}

/// <summary>Masks secrets for logs, the console and previews.</summary>
public static partial class SecretMask
{
    /// <summary>"ab****yz" for anything longer than 8 characters, "****" otherwise.</summary>
    public static string Mask(string? secret) =>
        string.IsNullOrEmpty(secret) ? "" : secret.Length <= 8 ? "****" : string.Concat(secret.AsSpan(0, 2), "****", secret.AsSpan(secret.Length - 2));

    /// <summary>A webhook URL with its key, access token, signature and any other query value masked.</summary>
    /// <summary>A message's recipient as the console and API show it: a robot's webhook URL masked, anything else as is.</summary>
    public static string Address(string channel, string address) => Channels.IsRobot(channel) ? Url(address) : address;

    public static string Url(string url) => QueryValue().Replace(url, m => m.Groups[1].Value + Mask(Uri.UnescapeDataString(m.Groups[2].Value)));

    [GeneratedRegex(@"([?&][^=&#]+=)([^&#]*)")]
    private static partial Regex QueryValue();
}
