using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Web;

/// <summary>The serve host (console, API, scheduler) in this process on a free port, over real HTTP, on a fresh database.</summary>
public partial class ConsoleHost : IAsyncLifetime
{
    public const string LinkSecret = "test-link-secret-0123456789abcdef";
    public const string Password = "correct-horse-9";

    private readonly TestDatabase _db = new();

    public WebApplication App { get; private set; } = null!;

    public TestDatabase Database => _db;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => App.Services;

    /// <summary>Configuration a derived host lays over the defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public virtual async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        // A free port can be taken between finding it and binding it (another test's outgoing connection picks the
        // same ephemeral port): try another one rather than fail the test.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAsync(FreePort());
                break;
            }
            catch (IOException ex) when (attempt < 5 && ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                await App.DisposeAsync();
            }
        }

        foreach (var role in UserStore.Roles)
        {
            await AddUserAsync(role, role);
        }
    }

    private async Task StartAsync(int port)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Supervisor"] = _db.ConnectionString,
            ["Console:Urls"] = BaseAddress.ToString().TrimEnd('/'),
            ["Console:LinkSecret"] = LinkSecret,
            ["Console:PublicUrl"] = BaseAddress.ToString().TrimEnd('/'),
            ["Console:LoginPermitLimit"] = "1000",
            ["Supervisor:MigrateOnStart"] = "false",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        App = ServeHost.Build(settings);
        await App.StartAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await _db.DisposeAsync();
    }

    /// <summary>The demo directory and plan (demo/), as scripts/load-demo loads them.</summary>
    public async Task LoadDemoAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var directory = Services.GetRequiredService<DirectoryStore>();
        var units = Supervisor.Core.Units.UnitDirectoryParser.ParseUnits(Supervisor.Infrastructure.Import.PlanFileReader.ReadRows(Path.Combine(RepoFiles.Root, "demo", "units.csv")));
        await directory.SaveUnitsAsync(units.Entries, now, CancellationToken.None);
        var leaders = Supervisor.Core.Units.UnitDirectoryParser.ParseLeaders(Supervisor.Infrastructure.Import.PlanFileReader.ReadRows(Path.Combine(RepoFiles.Root, "demo", "leaders.csv")));
        await directory.SaveLeadersAsync(leaders.Entries, now, CancellationToken.None);
        await Services.GetRequiredService<Supervisor.Infrastructure.Import.PlanImportService>().ImportAsync(
            new Supervisor.Infrastructure.Import.PlanImportRequest(Path.Combine(RepoFiles.Root, "demo", "plan-2026.txt"), 2026, null, Supervisor.Infrastructure.Import.PlanFileFormat.Auto, DryRun: false),
            CancellationToken.None);
    }

    public Task<long> AddUserAsync(string name, string role) =>
        Services.GetRequiredService<UserStore>().AddAsync(name, new PasswordHasher<string>().HashPassword(name, Password), role, DateTimeOffset.UtcNow, CancellationToken.None);

    /// <summary>A client with its own cookies that never follows redirects, so a test sees each 302.</summary>
    public HttpClient Client() => new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true })
    {
        BaseAddress = BaseAddress,
    };

    public static async Task<string> TokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, $"no antiforgery field on {path}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string formPage, string action, IDictionary<string, string> fields)
    {
        var values = new Dictionary<string, string>(fields) { ["__af"] = await TokenAsync(client, formPage) };
        return await client.PostAsync(action, new FormUrlEncodedContent(values));
    }

    /// <summary>Sends the page's antiforgery token as a header on every later request of this client, as a console script would.</summary>
    public static async Task<HttpClient> WithAntiforgeryHeaderAsync(HttpClient client, string page = "/")
    {
        client.DefaultRequestHeaders.Remove("RequestVerificationToken");
        client.DefaultRequestHeaders.Add("RequestVerificationToken", await TokenAsync(client, page));
        return client;
    }

    public static Task<HttpResponseMessage> LoginAsync(HttpClient client, string name, string password = Password) =>
        PostFormAsync(client, "/login", "/login", new Dictionary<string, string> { ["name"] = name, ["password"] = password });

    public async Task<HttpClient> LoggedInAsync(string name)
    {
        var client = Client();
        var response = await LoginAsync(client, name);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"login as {name}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
