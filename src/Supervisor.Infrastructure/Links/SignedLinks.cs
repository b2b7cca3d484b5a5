using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Supervisor.Infrastructure.Links;

/// <summary>Why a signed link was refused (or that it was not).</summary>
public enum LinkCheck
{
    Valid,
    Malformed,
    BadSignature,
    Expired,
}

/// <summary>
/// One-click links for departments without an account: <c>{unitId}.{expiresUnixSeconds}.{HMAC-SHA256}</c>, the MAC over
/// the unit and the expiry under <c>Console:LinkSecret</c>. A link names exactly one unit; changing either number breaks
/// the MAC. Nothing is stored: revoking every link means changing the secret.
/// </summary>
public static class SignedLinks
{
    private const string Purpose = "supervisor-link/v1:";

    public static string Create(long unitId, DateTimeOffset expiresAt, string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        var payload = string.Create(CultureInfo.InvariantCulture, $"{unitId}.{expiresAt.ToUnixTimeSeconds()}");
        return payload + "." + Base64Url(Mac(payload, secret));
    }

    /// <summary>The link's page for <paramref name="token"/> under the console's public address.</summary>
    public static string Url(string publicUrl, string token) => publicUrl.TrimEnd('/') + "/u/" + token;

    public static LinkCheck Verify(string? token, string secret, DateTimeOffset now, out long unitId)
    {
        unitId = 0;
        var parts = (token ?? "").Split('.');
        if (parts.Length != 3
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var unit)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !TryFromBase64Url(parts[2], out var mac))
        {
            return LinkCheck.Malformed;
        }

        // Constant-time: the comparison must not tell an attacker how many leading bytes were right.
        if (!CryptographicOperations.FixedTimeEquals(mac, Mac(parts[0] + "." + parts[1], secret)))
        {
            return LinkCheck.BadSignature;
        }

        if (now.ToUnixTimeSeconds() >= expires)
        {
            return LinkCheck.Expired;
        }

        unitId = unit;
        return LinkCheck.Valid;
    }

    private static byte[] Mac(string payload, string secret) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(Purpose + payload));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryFromBase64Url(string text, out byte[] bytes)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        bytes = new byte[padded.Length];
        if (Convert.TryFromBase64String(padded, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}

/// <summary>Configuration section "Console", the signed-link part: the secret, how long a link lives, the address links point at.</summary>
public sealed class SignedLinkOptions
{
    public const string Section = "Console";

    /// <summary>The HMAC key; never logged. Required by <c>serve</c> and <c>link</c>.</summary>
    public string LinkSecret { get; set; } = "";

    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The console's address as departments reach it (links in e-mails); defaults to the first of Console:Urls.</summary>
    public string? PublicUrl { get; set; }

    public string Urls { get; set; } = "http://127.0.0.1:5080";

    public string BaseUrl => PublicUrl is { Length: > 0 } p ? p : Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
}

public sealed class LinkOptionsValidator : IValidateOptions<SignedLinkOptions>
{
    public ValidateOptionsResult Validate(string? name, SignedLinkOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.LinkSecret))
        {
            failures.Add("Console:LinkSecret must be set (a long random string; e.g. the environment variable Console__LinkSecret) for signed links");
        }
        else if (options.LinkSecret.Length < 16)
        {
            failures.Add("Console:LinkSecret must have at least 16 characters");
        }

        if (options.LinkLifetime <= TimeSpan.Zero)
        {
            failures.Add("Console:LinkLifetime must be positive (e.g. 14.00:00:00)");
        }

        if (options.PublicUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            failures.Add($"Console:PublicUrl '{url}' is not an absolute URL");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Makes links with the configured secret and lifetime: what reminder e-mails and <c>supervisor link</c> use.</summary>
public sealed class LinkSigner(IOptions<SignedLinkOptions> options, TimeProvider time)
{
    public DateTimeOffset ExpiresAt() => time.GetUtcNow() + options.Value.LinkLifetime;

    public string Token(long unitId) => SignedLinks.Create(unitId, ExpiresAt(), options.Value.LinkSecret);

    public string Url(long unitId) => SignedLinks.Url(options.Value.BaseUrl, Token(unitId));

    public LinkCheck Verify(string? token, out long unitId) => SignedLinks.Verify(token, options.Value.LinkSecret, time.GetUtcNow(), out unitId);
}
