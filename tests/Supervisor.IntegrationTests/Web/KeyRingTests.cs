using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Web;

/// <summary>Two real `serve` nodes on one database share one Data Protection key ring (data_protection_keys).</summary>
public sealed partial class KeyRingTests : IAsyncLifetime
{
    private const string Password = "correct-horse-9";
    private readonly TestDatabase _db = new();
    private readonly string _data = Directory.CreateTempSubdirectory("supervisor-keyring-").FullName;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private Dictionary<string, string?> Env(int port)
    {
        var env = SupervisorProcess.Env(_db);
        env["Console__Urls"] = $"http://127.0.0.1:{port}";
        env["Supervisor__DataDirectory"] = _data;

        // A home of its own per start, as a fresh container has: ASP.NET's default key ring lives under $HOME, so only a
        // shared ring in the database can make one node's cookie valid on the other and after the restart.
        env["HOME"] = Directory.CreateDirectory(Path.Combine(_data, "home-" + Guid.NewGuid().ToString("N"))).FullName;
        return env;
    }

    private async Task<RunningSupervisor> ServeAsync(int port)
    {
        var node = SupervisorProcess.Start(["serve"], Env(port));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        // Generous: two nodes start on a machine shared with other test runs.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(3))
        {
            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/live"))).IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or answering slowly while it starts.
            }

            Assert.False(node.Process.HasExited, "serve exited: " + node.Tail);
            await Task.Delay(250);
        }

        throw new TimeoutException("serve did not answer: " + node.Tail);
    }

    private static async Task<string> TokenAsync(HttpClient client, Uri page)
    {
        var response = await client.GetAsync(page);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {page}: {response.StatusCode} {response.Headers.Location}");
        var match = TokenPattern().Match(await response.Content.ReadAsStringAsync());
        Assert.True(match.Success, $"no antiforgery field on {page}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [Fact]
    public async Task CookieAndFormTokenFromNodeA_AreAcceptedByNodeB_AndByBothNodesAfterARestart()
    {
        var env = SupervisorProcess.Env(_db);
        env["SUPERVISOR_PASSWORD"] = Password;
        Assert.Equal(0, (await SupervisorProcess.RunAsync(["users", "add", "admin", "--role", "admin"], env)).ExitCode);
        long unit;
        await using (var c = await _db.DataSource.OpenConnectionAsync())
        {
            unit = await c.ExecuteScalarAsync<long>("insert into units (name, created_at) values ('区发改局', now()) returning id");
        }

        var (portA, portB) = (ConsoleHost.FreePort(), ConsoleHost.FreePort());
        var a = new Uri($"http://127.0.0.1:{portA}");
        var b = new Uri($"http://127.0.0.1:{portB}");

        // One browser: cookies for 127.0.0.1 go to both ports, as to two nodes behind one load balancer.
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var browser = new HttpClient(handler);
        string token;
        var unitPage = string.Create(CultureInfo.InvariantCulture, $"/units/{unit}");
        using (var nodeA = await ServeAsync(portA))
        using (var nodeB = await ServeAsync(portB))
        {
            var login = await browser.PostAsync(new Uri(a, "/login"), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["name"] = "admin", ["password"] = Password, ["__af"] = await TokenAsync(browser, new Uri(a, "/login")),
            }));
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            token = await TokenAsync(browser, new Uri(a, unitPage));

            var onB = await browser.PostAsync(new Uri(b, unitPage + "/pause"), new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = token }));

            Assert.Equal(HttpStatusCode.Redirect, onB.StatusCode);
            Assert.Equal(unitPage, onB.Headers.Location?.OriginalString);
            await using var c = await _db.DataSource.OpenConnectionAsync();
            Assert.Equal("admin", await c.ExecuteScalarAsync<string>("select paused_by from units where id = @unit", new { unit }));
        }

        using (var nodeA = await ServeAsync(portA))
        using (var nodeB = await ServeAsync(portB))
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri(b, unitPage))).StatusCode);
            var onA = await browser.PostAsync(new Uri(a, unitPage + "/resume"), new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = token }));

            Assert.Equal(HttpStatusCode.Redirect, onA.StatusCode);
            Assert.Equal(unitPage, onA.Headers.Location?.OriginalString);
        }

        await using (var c = await _db.DataSource.OpenConnectionAsync())
        {
            Assert.Null(await c.ExecuteScalarAsync<DateTime?>("select paused_at from units where id = @unit", new { unit }));
            Assert.InRange(await c.ExecuteScalarAsync<int>("select count(*)::int from data_protection_keys"), 1, 2);
        }
    }

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
