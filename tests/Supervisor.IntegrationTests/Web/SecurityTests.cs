using System.Net;
using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Supervisor.IntegrationTests.Web;

public sealed class SecurityTests(ConsoleHost host) : IClassFixture<ConsoleHost>
{
    /// <summary>Routes that answer without login; every other route in the table must not.</summary>
    private static readonly string[] Anonymous = ["/health/live", "/health/ready", "/login", "/static/console.css"];

    private static bool IsAnonymous(string pattern) =>
        Anonymous.Contains(pattern) || pattern.StartsWith("/u/{token}", StringComparison.Ordinal) || pattern == "/s/{code}";

    [Fact]
    public async Task EveryRoute_WithoutLogin_RedirectsPagesToLogin_AndAnswersApi401()
    {
        var routes = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'), Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"], Endpoint: e))
            .ToList();
        Assert.True(routes.Count > 20, "the route table looks empty");
        using var client = host.Client();
        var checkedRoutes = 0;
        foreach (var (pattern, methods, endpoint) in routes)
        {
            if (IsAnonymous(pattern))
            {
                Assert.NotNull(endpoint.Metadata.GetMetadata<IAllowAnonymous>());
                continue;
            }

            Assert.Null(endpoint.Metadata.GetMetadata<IAllowAnonymous>());
            var path = Concrete(pattern);
            foreach (var method in methods)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method != "GET")
                {
                    request.Content = new FormUrlEncodedContent(new Dictionary<string, string>());
                }

                using var response = await client.SendAsync(request);
                if (pattern.StartsWith("/api", StringComparison.Ordinal))
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {response.StatusCode}");
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{method} {path}: {response.StatusCode}");
                    Assert.StartsWith("/login", response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.PathAndQuery : response.Headers.Location.OriginalString, StringComparison.Ordinal);
                }

                checkedRoutes++;
            }
        }

        Assert.True(checkedRoutes > 20);
    }

    [Fact]
    public async Task AnonymousRoutes_Answer()
    {
        using var client = host.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/login")).StatusCode);
    }

    [Fact]
    public async Task WrongPassword_FiveTimes_LocksTheAccount()
    {
        await host.AddUserAsync("lockme", "viewer");
        using var client = host.Client();
        for (var i = 0; i < 5; i++)
        {
            var response = await ConsoleHost.LoginAsync(client, "lockme", "wrong-password");
            Assert.NotEqual(HttpStatusCode.Redirect, response.StatusCode);
        }

        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        var lockedUntil = await connection.QuerySingleAsync<DateTime?>("select locked_until from users where name = 'lockme'");
        Assert.NotNull(lockedUntil);
        Assert.True(lockedUntil > DateTime.UtcNow);

        // Locked: even the right password does not get in.
        var right = await ConsoleHost.LoginAsync(client, "lockme");
        Assert.Equal(HttpStatusCode.Locked, right.StatusCode);
        Assert.Contains("锁定", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_WithTheRightPassword_OpensTheOverview()
    {
        using var client = await host.LoggedInAsync("viewer");
        var html = await client.GetStringAsync("/");
        Assert.Contains("总览", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FormPost_WithoutAntiforgeryToken_Is400()
    {
        using var client = await host.LoggedInAsync("admin");
        var response = await client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var login = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "admin", ["password"] = ConsoleHost.Password }));
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
    }

    private static string Concrete(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{([a-zA-Z]+)(:[^}]*)?\??\}", m => m.Groups[1].Value switch
        {
            "name" => "milestone-scan",
            "token" => "x",
            _ => "1",
        });
}
