namespace Supervisor.Infrastructure.Delivery;

/// <summary>What the HTTP channels (SMS providers, group robots) share: one bounded exchange and how an answer code is classified.</summary>
internal static class ProviderHttp
{
    /// <summary>
    /// One request within the channel's timeout: the status and the body's text. A network failure throws
    /// <see cref="HttpRequestException"/>; the timeout throws <see cref="OperationCanceledException"/> while
    /// <paramref name="ct"/> is not cancelled.
    /// </summary>
    public static async Task<(int Status, string Text)> SendAsync(HttpClient http, HttpRequestMessage request, TimeSpan timeout, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
        linked.CancelAfter(timeout);
        using var response = await http.SendAsync(request, linked.Token);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(linked.Token));
    }

    /// <summary>Server errors and throttling pass: retried after the backoff.</summary>
    public static bool IsTransient(int status) => status is >= 500 or 429;

    /// <summary>A provider's answer code: its success code is sent, a code it will refuse again tomorrow permanent, any other transient.</summary>
    public static SendResult ByCode(string provider, string code, string success, string? message, string? providerId, IReadOnlySet<string> permanent)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code == success)
        {
            return SendResult.Sent(providerId);
        }

        return new SendResult(permanent.Contains(code) ? AttemptOutcome.Permanent : AttemptOutcome.Transient, $"{provider} {code}: {message}");
    }
}
