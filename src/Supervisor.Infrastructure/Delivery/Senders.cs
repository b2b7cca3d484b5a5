using Supervisor.Core.Delivery;
namespace Supervisor.Infrastructure.Delivery;

/// <summary>What one send did.</summary>
public sealed record SendResult(AttemptOutcome Outcome, string? Error = null, string? ProviderMessageId = null)
{
    public static SendResult Sent(string? providerId = null) => new(AttemptOutcome.Sent, null, providerId);
}

/// <summary>
/// A channel (e-mail in Delivery/Email, SMS providers in Delivery/Sms, robots in Delivery/Robots): turns a claimed message
/// into a provider request and classifies the answer. See Channels.cs for the preview and batch extensions.
/// </summary>
public interface IMessageSender
{
    /// <summary>How many sends may run at once.</summary>
    int Parallelism { get; }

    Task<SendResult> SendAsync(OutboxMessage message, CancellationToken ct);
}
