using Microsoft.Extensions.Options;

namespace Supervisor.Hosting;

/// <summary>Configuration section "Supervisor".</summary>
public sealed class SupervisorOptions
{
    public const string Section = "Supervisor";

    /// <summary>IANA id of the office's time zone; due dates and "today" are read in it.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Apply pending migrations when <c>serve</c> starts (the advisory lock makes it safe on every node).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>Where dev-mode output goes when no SMTP host or SMS gateway is configured (mail/, sms/ below it).</summary>
    public string DataDirectory { get; set; } = ".data";
}

public sealed class SupervisorOptionsValidator : IValidateOptions<SupervisorOptions>
{
    public ValidateOptionsResult Validate(string? name, SupervisorOptions options)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _))
        {
            return ValidateOptionsResult.Fail($"Supervisor:TimeZone '{options.TimeZone}' is not a known time zone (expected e.g. Asia/Shanghai)");
        }

        return string.IsNullOrWhiteSpace(options.DataDirectory)
            ? ValidateOptionsResult.Fail("Supervisor:DataDirectory must not be empty")
            : ValidateOptionsResult.Success;
    }
}

/// <summary>Configuration section "Console": where the admin console listens.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// Failed logins for one name from one client address that stop further attempts of that pair (429) until
    /// <see cref="LockoutDuration"/> after the first of them. Unknown names count like known ones.
    /// </summary>
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>The lockout window: a lockout never lasts longer, and never reaches other addresses.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Login attempts allowed per client address in one <see cref="LoginWindow"/>; more get 429.</summary>
    public int LoginPermitLimit { get; set; } = 10;

    public TimeSpan LoginWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a staff login lasts without activity.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long a unit API token issued now stays valid.</summary>
    public TimeSpan UnitTokenLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>The largest request body accepted, in bytes (uploads included); larger gets 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Addresses of reverse proxies (e.g. the TLS terminator) whose X-Forwarded-For / X-Forwarded-Proto are believed;
    /// empty: nobody's, the connection's own address and scheme count.
    /// </summary>
    public string[] KnownProxies { get; set; } = [];
}

public sealed class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOptions options)
    {
        foreach (var url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            {
                return ValidateOptionsResult.Fail($"Console:Urls has '{url}', which is not an http(s) URL");
            }
        }

        var failures = new List<string>();
        if (options.Urls.Length == 0)
        {
            failures.Add("Console:Urls must not be empty");
        }

        if (options.LockoutThreshold < 1)
        {
            failures.Add("Console:LockoutThreshold must be at least 1");
        }

        if (options.LockoutDuration <= TimeSpan.Zero || options.LoginWindow <= TimeSpan.Zero || options.SessionLifetime <= TimeSpan.Zero)
        {
            failures.Add("Console:LockoutDuration, LoginWindow and SessionLifetime must be positive (e.g. 00:15:00)");
        }

        if (options.LoginPermitLimit < 1)
        {
            failures.Add("Console:LoginPermitLimit must be at least 1");
        }

        if (options.UnitTokenLifetime <= TimeSpan.Zero)
        {
            failures.Add("Console:UnitTokenLifetime must be positive (e.g. 365.00:00:00)");
        }

        if (options.MaxRequestBodyBytes < 1024)
        {
            failures.Add("Console:MaxRequestBodyBytes must be at least 1024");
        }

        foreach (var proxy in options.KnownProxies)
        {
            if (!System.Net.IPAddress.TryParse(proxy, out _))
            {
                failures.Add($"Console:KnownProxies has '{proxy}', which is not an IP address");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Names every bad Supervision setting at once.</summary>
public sealed class SupervisionOptionsValidator : IValidateOptions<Supervisor.Core.Engine.SupervisionOptions>
{
    public ValidateOptionsResult Validate(string? name, Supervisor.Core.Engine.SupervisionOptions options)
    {
        var failures = options.Validate().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
