using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Cli;

public sealed class CliTests
{
    [Fact]
    public async Task Migrate_ExitsOneWithOneLine_WhenTheDatabaseIsUnreachable()
    {
        var result = await SupervisorProcess.RunAsync(["migrate"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__Supervisor"] = "Host=127.0.0.1;Port=1;Username=postgres;Timeout=3",
        });

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("cannot reach PostgreSQL", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_ExitsTwo_WhenNoConnectionStringIsConfigured()
    {
        var result = await SupervisorProcess.RunAsync(["migrate"], new Dictionary<string, string?> { ["ConnectionStrings__Supervisor"] = "" });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ConnectionStrings:Supervisor is empty", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_ExitsTwo_NamingIt()
    {
        var result = await SupervisorProcess.RunAsync(["frobnicate"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'frobnicate'", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Smtp__Connections", "0", "Smtp:Connections 0")]
    [InlineData("Sms__RatePerSecond", "0", "Sms:RatePerSecond 0")]
    [InlineData("Housekeeping__KeepJobRuns", "00:10:00", "Housekeeping:KeepJobRuns")]
    [InlineData("Supervision__DueSoonWorkingDays", "99", "Supervision:DueSoonWorkingDays")]
    public async Task BadSettingInAnySection_StopsTheCommandBeforeWork_NamingIt(string variable, string value, string named)
    {
        var result = await SupervisorProcess.RunAsync(["rates"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__Supervisor"] = "Host=127.0.0.1;Port=1;Username=postgres",
            [variable] = value,
        });

        // Exit 2 naming the setting, before any attempt to reach the (unreachable) database.
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadTimeZone_ExitsTwo_NamingTheSetting()
    {
        var result = await SupervisorProcess.RunAsync(["migrate"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__Supervisor"] = "Host=127.0.0.1;Port=1;Username=postgres",
            ["Supervisor__TimeZone"] = "Mars/Olympus",
        });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Supervisor:TimeZone 'Mars/Olympus'", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsTheCommands()
    {
        var result = await SupervisorProcess.RunAsync(["--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("serve", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("migrate", result.StdOut, StringComparison.Ordinal);
    }
}
