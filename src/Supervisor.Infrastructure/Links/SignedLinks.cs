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
/// A short form for SMS (<see cref="CreateShort"/>) packs the unit, the expiry day and a MAC cut to 72 bits into 16
/// characters. Every token has exactly one accepted spelling: any other encoding of the same bytes is refused.
/// </summary>
public static class SignedLinks
{
    private const string Purpose = "supervisor-link/v1:";
    private const string ShortPurpose = "supervisor-short-link/v1:";

    // 72 bits: guessing a valid short link takes ~2^71 requests on average; only the server can check one.
    private const int ShortMacBytes = 9;

    private const int MacChars = 43;

    public static string Create(long unitId, DateTimeOffset expiresAt, string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        var payload = string.Create(CultureInfo.InvariantCulture, $"{unitId}.{expiresAt.ToUnixTimeSeconds()}");
        return payload + "." + Base64Url(Mac(payload, secret));
    }

    /// <summary>The link's page for <paramref name="token"/> under the console's public address.</summary>
    public static string Url(string publicUrl, string token) => publicUrl.TrimEnd('/') + "/u/" + token;

    /// <summary>The short form's address: it redirects to the unit's page.</summary>
    public static string ShortUrl(string publicUrl, string code) => publicUrl.TrimEnd('/') + "/s/" + code;

    public static LinkCheck Verify(string? token, string secret, DateTimeOffset now, out long unitId)
    {
        unitId = 0;
        var parts = (token ?? "").Split('.');
        if (parts.Length != 3
            || !TryCanonicalNumber(parts[0], out var unit)
            || !TryCanonicalNumber(parts[1], out var expires)
            || parts[2].Length != MacChars
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

    /// <summary>
    /// A short code for <paramref name="unitId"/>, valid until the end (UTC) of the day <paramref name="expiresAt"/> falls
    /// on: base64url of the unit (7-bit varint), the expiry day since 1970 (2 bytes) and the first 9 bytes of the MAC.
    /// </summary>
    public static string CreateShort(long unitId, DateTimeOffset expiresAt, string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        ArgumentOutOfRangeException.ThrowIfNegative(unitId);
        var day = checked((ushort)(expiresAt.ToUnixTimeSeconds() / 86_400));
        var payload = new List<byte>();
        for (var v = (ulong)unitId; ; v >>= 7)
        {
            if (v < 0x80)
            {
                payload.Add((byte)v);
                break;
            }

            payload.Add((byte)(0x80 | (v & 0x7F)));
        }

        payload.Add((byte)(day >> 8));
        payload.Add((byte)day);
        return Base64Url([.. payload, .. ShortMac([.. payload], secret)]);
    }

    /// <summary>Checks a short code; on success gives the unit and the instant it expires.</summary>
    public static LinkCheck VerifyShort(string? code, string secret, DateTimeOffset now, out long unitId, out DateTimeOffset expiresAt)
    {
        unitId = 0;
        expiresAt = default;
        if (code is not { Length: >= 16 and <= 24 } || !TryFromBase64Url(code, out var bytes))
        {
            return LinkCheck.Malformed;
        }

        ulong unit = 0;
        var i = 0;
        for (var shift = 0; ; shift += 7, i++)
        {
            if (i >= bytes.Length - 2 - ShortMacBytes || shift > 56)
            {
                return LinkCheck.Malformed;
            }

            unit |= (ulong)(bytes[i] & 0x7F) << shift;
            if ((bytes[i] & 0x80) == 0)
            {
                break;
            }
        }

        var payloadLength = i + 3;
        if (bytes.Length != payloadLength + ShortMacBytes || unit > long.MaxValue || Base64Url(bytes) != code)
        {
            return LinkCheck.Malformed;
        }

        if (!CryptographicOperations.FixedTimeEquals(bytes.AsSpan(payloadLength), ShortMac(bytes[..payloadLength], secret)))
        {
            return LinkCheck.BadSignature;
        }

        var day = (bytes[payloadLength - 2] << 8) | bytes[payloadLength - 1];
        expiresAt = DateTimeOffset.FromUnixTimeSeconds((day + 1L) * 86_400);
        if (now >= expiresAt)
        {
            return LinkCheck.Expired;
        }

        unitId = (long)unit;
        return LinkCheck.Valid;
    }

    private static byte[] Mac(string payload, string secret) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(Purpose + payload));

    private static byte[] ShortMac(byte[] payload, string secret) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.UTF8.GetBytes(ShortPurpose), .. payload])[..ShortMacBytes];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Digits only, no sign, no leading zero, no whitespace: the one way <see cref="Create"/> writes a number.</summary>
    private static bool TryCanonicalNumber(string text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)
        && text.Length > 0 && text.All(char.IsAsciiDigit)
        && text == value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Strict base64url: only <c>A–Z a–z 0–9 - _</c>, no padding, no whitespace, and the unused low bits of the last
    /// character zero — so exactly one string decodes to given bytes (decode, re-encode, compare).
    /// </summary>
    private static bool TryFromBase64Url(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 == 1 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return false;
        }

        var padded = text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4);
        var buffer = new byte[padded.Length];
        if (!Convert.TryFromBase64String(padded, buffer, out var written))
        {
            return false;
        }

        bytes = buffer[..written];
        return Base64Url(bytes) == text;
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

    /// <summary>The unit's page with one milestone anchored (the page highlights the targeted milestone).</summary>
    public string MilestoneUrl(long unitId, long milestoneId) => Anchored(Url(unitId), milestoneId);

    /// <summary>
    /// Whether Console:LinkSecret is set and valid. <c>serve</c> refuses to start without it; a CLI run without it
    /// writes notices that tell the unit to log in instead of carrying a link.
    /// </summary>
    public bool CanSign
    {
        get
        {
            try
            {
                return options.Value.LinkSecret.Length > 0;
            }
            catch (OptionsValidationException)
            {
                return false;
            }
        }
    }

    /// <summary>The short form for SMS: <c>{PublicUrl}/s/{16 characters}</c>, valid to the end of its expiry day (UTC).</summary>
    public string ShortUrl(long unitId) => SignedLinks.ShortUrl(options.Value.BaseUrl, SignedLinks.CreateShort(unitId, ExpiresAt(), options.Value.LinkSecret));

    public LinkCheck Verify(string? token, out long unitId) => SignedLinks.Verify(token, options.Value.LinkSecret, time.GetUtcNow(), out unitId);

    /// <summary>A short code checked and exchanged for the full token with the same unit and expiry.</summary>
    public LinkCheck VerifyShort(string? code, out string token)
    {
        token = "";
        var check = SignedLinks.VerifyShort(code, options.Value.LinkSecret, time.GetUtcNow(), out var unitId, out var expiresAt);
        if (check == LinkCheck.Valid)
        {
            token = SignedLinks.Create(unitId, expiresAt, options.Value.LinkSecret);
        }

        return check;
    }

    /// <summary>The element id of a milestone on the unit's page.</summary>
    public static string MilestoneAnchor(long milestoneId) => string.Create(CultureInfo.InvariantCulture, $"m{milestoneId}");

    /// <summary>A unit page's URL pointing at one milestone on it.</summary>
    public static string Anchored(string pageUrl, long milestoneId) => pageUrl + "#" + MilestoneAnchor(milestoneId);
}
