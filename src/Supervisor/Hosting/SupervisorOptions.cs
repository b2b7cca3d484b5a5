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

        return options.Urls.Length == 0 ? ValidateOptionsResult.Fail("Console:Urls must not be empty") : ValidateOptionsResult.Success;
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
