using System.Net;

namespace Supervisor.IntegrationTests.Web;

/// <summary>A host allowing 3 login attempts a minute per address.</summary>
public sealed class RateLimitedConsoleHost : ConsoleHost
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Console:LoginPermitLimit"] = "3",
        ["Console:LoginWindow"] = "00:01:00",
    };
}

public sealed class LoginRateLimitTests(RateLimitedConsoleHost host) : IClassFixture<RateLimitedConsoleHost>
{
    [Fact]
    public async Task LoginAttempts_BeyondThePermit_Get429()
    {
        using var client = host.Client();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await ConsoleHost.LoginAsync(client, "nobody", "wrong-password")).StatusCode);
        }

        Assert.All(statuses.Take(3), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3]);
    }
}
