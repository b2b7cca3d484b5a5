using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Supervisor.Infrastructure.Delivery.Email;

/// <summary>How the SMTP connection is secured. There is deliberately no "Auto": it may fall back to plaintext.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain SMTP (a relay on the same host or a trusted network only).</summary>
    None,

    /// <summary>Plain connect, then STARTTLS, required (usually port 587); a server that does not offer it is an error.</summary>
    StartTls,

    /// <summary>TLS from the first byte (usually port 465).</summary>
    SslOnConnect,
}

/// <summary>Configuration section "Smtp". No Host: e-mail goes to .eml files in PickupDirectory (dev sink).</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.None;

    /// <summary>Login name; no login when empty.</summary>
    public string? User { get; set; }

    /// <summary>A secret: never logged, printed or stored.</summary>
    public string? Password { get; set; }

    public string From { get; set; } = "duchashi@example.gov.cn";

    public string FromName { get; set; } = "某县人民政府督查室";

    /// <summary>Where .eml files go when no Host is set; default &lt;Supervisor:DataDirectory&gt;/mail.</summary>
    public string? PickupDirectory { get; set; }

    /// <summary>Parallel SMTP connections: one connected client per parallel sender, reused across messages.</summary>
    public int Connections { get; set; } = 4;

    /// <summary>Connect, TLS handshake, login and every command's reply each get at most this long.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Accept a server certificate whose SHA-256 thumbprint (hex) is this, even if no trusted root signed it
    /// (an internal relay with a self-signed certificate). Empty: the system's trust store decides.
    /// </summary>
    public string? CertificateThumbprint { get; set; }

    public bool UsesPickupDirectory => string.IsNullOrWhiteSpace(Host);
}

/// <summary>Validates "Smtp" on start, and refuses the settings it replaced so none is silently ignored.</summary>
public sealed class SmtpOptionsValidator(IConfiguration configuration) : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (configuration.GetSection(SmtpOptions.Section)["EnableSsl"] is not null)
        {
            failures.Add("Smtp:EnableSsl is no longer read: set Smtp:Security to None, StartTls or SslOnConnect");
        }

        if (!Enum.IsDefined(options.Security))
        {
            failures.Add($"Smtp:Security '{options.Security}' must be None, StartTls or SslOnConnect");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Smtp:Port {options.Port} must be 1–65535");
        }

        if (!MimeKit.MailboxAddress.TryParse(options.From, out var from) || from.Address != options.From.Trim())
        {
            failures.Add($"Smtp:From '{options.From}' is not an e-mail address");
        }

        if (options.Connections is < 1 or > 64)
        {
            failures.Add($"Smtp:Connections {options.Connections} must be 1–64");
        }

        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Smtp:Timeout {options.Timeout} must be 00:00:01–00:10:00");
        }

        if (!string.IsNullOrEmpty(options.User) && string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Smtp:Password must be set when Smtp:User is");
        }

        if (!string.IsNullOrEmpty(options.User) && options.Security == SmtpSecurity.None && !IsLoopback(options.Host))
        {
            failures.Add("Smtp:User needs Smtp:Security StartTls or SslOnConnect: a password is not sent in plaintext to another host");
        }

        if (options.CertificateThumbprint is { Length: > 0 } thumbprint && (thumbprint.Length != 64 || !thumbprint.All(char.IsAsciiHexDigit)))
        {
            failures.Add("Smtp:CertificateThumbprint must be the certificate's SHA-256 thumbprint: 64 hex digits");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsLoopback(string? host) =>
        host is "localhost" || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
