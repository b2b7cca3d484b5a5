using System.Net;
using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Supervisor.IntegrationTests.Web;

public sealed class SecurityTests(ConsoleHost host) : IClassFixture<ConsoleHost>
{
    /// <summary>Routes that answer without login; every other route in the table must not.</summary>
    private static readonly string[] Anonymous = ["/health/live", "/health/ready", "/login", "/static/console.css", "/static/unit.css"];

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
    public async Task WrongPasswords_NeverLockTheAccountInTheDatabase_NorAnswerDifferentlyForItsName()
    {
        await host.AddUserAsync("lockme", "viewer");
        using var client = host.Client();
        for (var i = 0; i < 5; i++)
        {
            var response = await ConsoleHost.LoginAsync(client, "lockme", "wrong-password");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // The sixth attempt from this address is held off for the window (429), as for any name; nothing is stored.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ConsoleHost.LoginAsync(client, "lockme")).StatusCode);
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        Assert.Null(await connection.QuerySingleAsync<DateTime?>("select locked_until from users where name = 'lockme'"));
    }

    [Fact]
    public async Task ForwardedHeaders_WithoutKnownProxies_AreIgnored()
    {
        using var client = host.Client();
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.200");
        var login = await ConsoleHost.LoginAsync(client, "viewer");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.DoesNotContain(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("supervisor.auth=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        Assert.Equal("127.0.0.1", await connection.QuerySingleAsync<string>("select details->>'address' from audit_log where action = 'login' order by id desc limit 1"));
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
