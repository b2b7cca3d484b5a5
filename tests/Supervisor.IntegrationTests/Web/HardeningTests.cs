using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Hosting;
using Supervisor.Infrastructure.Links;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Web;

/// <summary>
/// The console behind a TLS proxy on loopback (so a test can speak for several client addresses through
/// X-Forwarded-For), with a short lockout window, its own data folder, and the demo plan.
/// </summary>
public sealed class HardenedHost : ConsoleHost
{
    public const int LockoutThreshold = 3;

    public static readonly TimeSpan LockoutWindow = TimeSpan.FromSeconds(4);

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "supervisor-hardening-" + Guid.NewGuid().ToString("N"));

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Console:KnownProxies:0"] = "127.0.0.1",
        ["Console:LockoutThreshold"] = LockoutThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Console:LockoutDuration"] = LockoutWindow.ToString(),
        ["Supervisor:DataDirectory"] = DataDirectory,
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await LoadDemoAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    /// <summary>A client the proxy announces as coming from <paramref name="address"/>.</summary>
    public HttpClient ClientFrom(string address, CookieContainer? cookies = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer(), UseCookies = true })
        {
            BaseAddress = BaseAddress,
        };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    public static string Link(long unitId) => "/u/" + SignedLinks.Create(unitId, DateTimeOffset.UtcNow.AddDays(1), LinkSecret);
}

/// <summary>One test (or two) per finding of the hardening issue; each failed on the code before the fix.</summary>
public sealed partial class HardeningTests(HardenedHost host) : IClassFixture<HardenedHost>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private async Task<T> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<T>(sql, parameters);
    }

    private async Task<int> ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>An open milestone with one lead and one co unit on its task, none used by another test.</summary>
    private async Task<(long Milestone, long Lead, long Co)> LeadAndCoAsync(int skip) =>
        await QueryAsync<(long, long, long)>("""
            select m.id, l.unit_id, c.unit_id
            from milestones m join task_units l on l.task_id = m.task_id and l.role = 'lead' join task_units c on c.task_id = m.task_id and c.role = 'co'
            where m.status = 'open' and m.kind = 'completion'
              and not exists (select 1 from completion_applications a where a.milestone_id = m.id)
            order by m.id offset @skip limit 1
            """, new { skip });

    private static StringContent TextPlain(string text = "x") => new(text, Encoding.UTF8, "text/plain");

    [Fact]
    public async Task Finding02_TextPlainPostWithoutAntiforgery_IsRejected()
    {
        var (milestone, _, _) = await LeadAndCoAsync(0);
        using var admin = await host.LoggedInAsync("admin");

        var pause = await admin.PostAsync("/jobs/housekeeping/pause", TextPlain());
        Assert.Equal(HttpStatusCode.BadRequest, pause.StatusCode);
        Assert.Contains("防伪令牌", await pause.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync($"/api/milestones/{milestone}/complete", TextPlain())).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync($"/api/milestones/{milestone}/progress", new { percent = 10 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/logout", TextPlain())).StatusCode);

        Assert.Equal("open", await QueryAsync<string>("select status from milestones where id = @milestone", new { milestone }));
        Assert.Equal(0, await QueryAsync<int>("select count(*)::int from audit_log where action = 'job.pause'"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/")).StatusCode);

        // The same JSON call with the page's token in the header is accepted: scripts of the console keep working.
        await ConsoleHost.WithAntiforgeryHeaderAsync(admin);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync($"/api/milestones/{milestone}/progress", new { percent = 10 })).StatusCode);
    }

    [Fact]
    public async Task Finding02_UnitBearerToken_NeedsNoAntiforgeryToken()
    {
        var (milestone, lead, _) = await LeadAndCoAsync(1);
        var token = await CreateTokenAsync(lead, "bearer-only");
        using var system = host.Client();
        system.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Created, (await system.PostAsJsonAsync($"/api/milestones/{milestone}/progress", new { percent = 20 })).StatusCode);
    }

    [Theory]
    [InlineData("/\t/127.0.0.1:5999/pwned.html")]
    [InlineData("/\r\n/evil.example")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("tasks")]
    public async Task Finding03_ReturnUrlOffSite_RedirectsToTheOverview(string returnUrl)
    {
        using var client = host.ClientFrom("198.51.100.3");
        var response = await ConsoleHost.PostFormAsync(client, "/login", "/login", new Dictionary<string, string>
        {
            ["name"] = "viewer", ["password"] = ConsoleHost.Password, ["returnUrl"] = returnUrl,
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Finding03_LocalReturnUrl_IsKept()
    {
        using var client = host.ClientFrom("198.51.100.4");
        var response = await ConsoleHost.PostFormAsync(client, "/login?returnUrl=%2Ftasks%3Flight%3Dred", "/login", new Dictionary<string, string>
        {
            ["name"] = "viewer", ["password"] = ConsoleHost.Password, ["returnUrl"] = "/tasks?light=red",
        });
        Assert.Equal("/tasks?light=red", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Finding04_CoUnitLink_CannotCompleteTheLeadUnitsMilestone()
    {
        var (milestone, lead, co) = await LeadAndCoAsync(2);
        using var client = host.Client();
        var coLink = HardenedHost.Link(co);
        var page = await client.GetStringAsync(coLink);
        var section = SectionOf(page, milestone);
        Assert.Contains("报送进展", section, StringComparison.Ordinal);
        Assert.DoesNotContain("标记办结", section, StringComparison.Ordinal);

        var refused = await ConsoleHost.PostFormAsync(client, coLink, $"{coLink}/milestones/{milestone}/complete", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("只有牵头单位", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("open", await QueryAsync<string>("select status from milestones where id = @milestone", new { milestone }));

        // The co-unit still reports progress; the lead unit completes.
        var progress = await ConsoleHost.PostFormAsync(client, coLink, $"{coLink}/milestones/{milestone}/progress", new Dictionary<string, string> { ["percent"] = "30", ["note"] = "配合完成数据报送" });
        Assert.Equal(HttpStatusCode.Redirect, progress.StatusCode);
        var leadLink = HardenedHost.Link(lead);
        Assert.Contains("标记办结", SectionOf(await client.GetStringAsync(leadLink), milestone), StringComparison.Ordinal);
        var done = await ConsoleHost.PostFormAsync(client, leadLink, $"{leadLink}/milestones/{milestone}/complete", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("pending", await QueryAsync<string>("select state from completion_applications where milestone_id = @milestone", new { milestone }));
    }

    [Fact]
    public async Task Finding04_CoUnitToken_CannotComplete_AndStaffReopenIsAudited()
    {
        var (milestone, lead, co) = await LeadAndCoAsync(3);
        using var coSystem = host.Client();
        coSystem.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateTokenAsync(co, "co-system"));
        var refused = await coSystem.PostAsync($"/api/milestones/{milestone}/complete", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("牵头单位", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("open", await QueryAsync<string>("select status from milestones where id = @milestone", new { milestone }));

        using var leadSystem = host.Client();
        leadSystem.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateTokenAsync(lead, "lead-system"));
        Assert.Equal(HttpStatusCode.Accepted, (await leadSystem.PostAsync($"/api/milestones/{milestone}/complete", null)).StatusCode);
        var application = await QueryAsync<long>("select id from completion_applications where milestone_id = @milestone and state = 'pending'", new { milestone });
        Assert.True(await host.Services.GetRequiredService<Supervisor.Infrastructure.Postgres.ReviewStore>().ApproveAsync(application, "supervisor", DateTimeOffset.UtcNow, CancellationToken.None));

        // Staff reopen it from the task page's button; a token cannot.
        Assert.Equal(HttpStatusCode.Forbidden, (await leadSystem.PostAsJsonAsync($"/api/milestones/{milestone}/reopen", new { reason = "x" })).StatusCode);
        var taskId = await QueryAsync<long>("select task_id from milestones where id = @milestone", new { milestone });
        using var supervisor = await host.LoggedInAsync("supervisor");
        var taskPage = await supervisor.GetStringAsync($"/tasks/{taskId}");
        Assert.Contains($"action=\"/milestones/{milestone}/reopen\"", taskPage, StringComparison.Ordinal);
        var reopen = await ConsoleHost.PostFormAsync(supervisor, $"/tasks/{taskId}", $"/milestones/{milestone}/reopen", new Dictionary<string, string> { ["reason"] = "误点办结，成果尚未验收" });
        Assert.Equal(HttpStatusCode.Redirect, reopen.StatusCode);
        Assert.Equal("open", await QueryAsync<string>("select status from milestones where id = @milestone", new { milestone }));
        var audit = await QueryAsync<(string Actor, string Details)>(
            "select actor, details::text from audit_log where action = 'milestone.reopen' and target = @target", new { target = $"milestone:{milestone}" });
        Assert.Equal("supervisor", audit.Actor);
        Assert.Contains("误点办结", audit.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding05_UnknownNameAndWrongPassword_GetTheSameAnswer()
    {
        using var client = host.ClientFrom("198.51.100.10");
        var unknown = await ConsoleHost.LoginAsync(client, "no-such-user", "wrong-password");
        var wrong = await ConsoleHost.LoginAsync(client, "viewer", "wrong-password");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(WithoutToken(await unknown.Content.ReadAsStringAsync()), WithoutToken(await wrong.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Finding05_LockoutFromOneAddress_NeitherReachesOtherAddresses_NorOutlastsTheWindow()
    {
        await host.AddUserAsync("lockout-target", "viewer");
        using var attacker = host.ClientFrom("203.0.113.5");
        for (var i = 0; i < HardenedHost.LockoutThreshold; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await ConsoleHost.LoginAsync(attacker, "lockout-target", "guess-" + i)).StatusCode);
        }

        // That address is held off for the window, for a real name and an invented one alike.
        var held = await ConsoleHost.LoginAsync(attacker, "lockout-target");
        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);
        for (var i = 0; i < HardenedHost.LockoutThreshold; i++)
        {
            await ConsoleHost.LoginAsync(attacker, "invented-name", "guess-" + i);
        }

        var heldUnknown = await ConsoleHost.LoginAsync(attacker, "invented-name");
        Assert.Equal(HttpStatusCode.TooManyRequests, heldUnknown.StatusCode);
        Assert.Equal(WithoutToken(await held.Content.ReadAsStringAsync()), WithoutToken(await heldUnknown.Content.ReadAsStringAsync()));

        // The owner, at their own address, is not locked out at all.
        using var owner = host.ClientFrom("203.0.113.77");
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.LoginAsync(owner, "lockout-target")).StatusCode);

        // And the attacker's own hold ends with the window: nothing is locked for longer.
        await Task.Delay(HardenedHost.LockoutWindow + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.LoginAsync(attacker, "lockout-target")).StatusCode);
    }

    [Fact]
    public async Task Finding07_EveryResponse_CarriesTheSecurityHeaders()
    {
        var unit = await QueryAsync<long>("select id from units order by id limit 1");
        using var admin = await host.LoggedInAsync("admin");
        var link = HardenedHost.Link(unit);
        _ = await admin.GetAsync(link);
        var paths = new[] { "/login", "/", "/tasks", link, "/units/export.xlsx", "/tasks/overdue.xlsx", "/api/units", "/static/console.css", "/no-such-page" };
        foreach (var path in paths)
        {
            using var response = await admin.GetAsync(path);
            var csp = Header(response, "Content-Security-Policy");
            Assert.True(csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal) && csp.Contains("script-src 'self'", StringComparison.Ordinal)
                && !csp.Contains("unsafe-inline", StringComparison.Ordinal), $"{path}: CSP '{csp}'");
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal(path.StartsWith("/u/", StringComparison.Ordinal) ? "no-referrer" : "same-origin", Header(response, "Referrer-Policy"));
            if (path != "/static/console.css")
            {
                Assert.True(response.Headers.CacheControl?.NoStore == true, $"{path}: Cache-Control '{response.Headers.CacheControl}'");
            }
        }
    }

    [Fact]
    public async Task Finding09_Logout_EndsEverySessionOfTheUser_AndSoDoesAPasswordChange()
    {
        await host.AddUserAsync("two-browsers", "viewer");
        var firstCookies = new CookieContainer();
        using var first = host.ClientFrom("198.51.100.20", firstCookies);
        using var second = host.ClientFrom("198.51.100.21");
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.LoginAsync(first, "two-browsers")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.LoginAsync(second, "two-browsers")).StatusCode);

        // A copy of the first cookie, as a thief would keep it.
        using var copy = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.BaseAddress };
        copy.DefaultRequestHeaders.Add("Cookie", firstCookies.GetCookieHeader(host.BaseAddress));
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.PostFormAsync(first, "/", "/logout", new Dictionary<string, string>())).StatusCode);
        foreach (var client in new[] { first, second, copy })
        {
            var response = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login", response.Headers.Location!.PathAndQueryOrOriginal(), StringComparison.Ordinal);
        }

        // A password change (supervisor users password) ends the sessions too.
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.LoginAsync(second, "two-browsers")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/")).StatusCode);
        var env = SupervisorProcess.Env(host.Database);
        env["SUPERVISOR_PASSWORD"] = "a-new-password-9";
        var changed = await SupervisorProcess.RunAsync(["users", "password", "two-browsers"], env);
        Assert.True(changed.ExitCode == 0, changed.StdErr);
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Finding09_RevokedOrExpiredUnitToken_Is401()
    {
        var (_, lead, _) = await LeadAndCoAsync(4);
        using var admin = await ConsoleHost.WithAntiforgeryHeaderAsync(await host.LoggedInAsync("admin"));
        var created = await (await admin.PostAsJsonAsync($"/api/units/{lead}/tokens", new { name = "to-revoke" })).Content.ReadFromJsonAsync<JsonElement>(Json);
        var expiresAt = created.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddDays(364), DateTimeOffset.UtcNow.AddDays(366));
        var viaButton = created.GetProperty("token").GetString()!;
        var viaCli = await CreateTokenAsync(lead, "cli-revoke");
        var expiring = await CreateTokenAsync(lead, "expiring");
        foreach (var token in new[] { viaButton, viaCli, expiring })
        {
            Assert.Equal(HttpStatusCode.OK, (await Bearer(token).GetAsync("/api/milestones")).StatusCode);
        }

        // The console's revoke button on the unit page.
        var unitPage = await admin.GetStringAsync($"/units/{lead}");
        var buttonId = await QueryAsync<long>("select id from unit_api_tokens where name = 'to-revoke'");
        Assert.Contains($"action=\"/tokens/{buttonId}/revoke\"", unitPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.PostFormAsync(admin, $"/units/{lead}", $"/tokens/{buttonId}/revoke", new Dictionary<string, string>())).StatusCode);

        // supervisor tokens revoke ID.
        var cliId = await QueryAsync<long>("select id from unit_api_tokens where name = 'cli-revoke'");
        var revoked = await SupervisorProcess.RunAsync(["tokens", "revoke", cliId.ToString(System.Globalization.CultureInfo.InvariantCulture)], SupervisorProcess.Env(host.Database));
        Assert.True(revoked.ExitCode == 0, revoked.StdErr);
        var again = await SupervisorProcess.RunAsync(["tokens", "revoke", cliId.ToString(System.Globalization.CultureInfo.InvariantCulture)], SupervisorProcess.Env(host.Database));
        Assert.Equal(2, again.ExitCode);

        await ExecuteAsync("update unit_api_tokens set expires_at = now() - interval '1 minute' where name = 'expiring'");
        foreach (var token in new[] { viaButton, viaCli, expiring })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(token).GetAsync("/api/milestones")).StatusCode);
        }

        Assert.Equal(2, await QueryAsync<int>("select count(*)::int from audit_log where action = 'unit-token.revoke'"));
    }

    [Fact]
    public async Task Finding10_OverlongProgressNote_Is400WithAChineseMessage_AndNothingStored()
    {
        var (milestone, lead, _) = await LeadAndCoAsync(5);
        using var client = host.Client();
        var link = HardenedHost.Link(lead);
        foreach (var note in new[] { new string('长', Supervisor.Core.InputLimits.ProgressNote + 1), new string('x', 3_000_000) })
        {
            var response = await ConsoleHost.PostFormAsync(client, link, $"{link}/milestones/{milestone}/progress", new Dictionary<string, string> { ["percent"] = "10", ["note"] = note });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(body.Contains("不能超过", StringComparison.Ordinal) || body.Contains("超出限制", StringComparison.Ordinal), body);
        }

        var reason = new string('因', Supervisor.Core.InputLimits.ExtensionReason + 1);
        var extension = await ConsoleHost.PostFormAsync(client, link, $"{link}/milestones/{milestone}/extension", new Dictionary<string, string> { ["date"] = "2099-12-31", ["reason"] = reason });
        Assert.Equal(HttpStatusCode.BadRequest, extension.StatusCode);
        Assert.Contains("延期理由不能超过", await extension.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var system = Bearer(await CreateTokenAsync(lead, "long-notes"));
        var api = await system.PostAsJsonAsync($"/api/milestones/{milestone}/progress", new { percent = 10, note = new string('长', Supervisor.Core.InputLimits.ProgressNote + 1) });
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Contains("进展说明不能超过", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(0, await QueryAsync<int>("select count(*)::int from progress_reports where milestone_id = @milestone", new { milestone }));
        Assert.Equal(0, await QueryAsync<int>("select count(*)::int from extension_requests where milestone_id = @milestone", new { milestone }));
    }

    [Fact]
    public async Task Finding11_UploadOf31MB_Is413WithAMessage()
    {
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer(), Expect100ContinueTimeout = TimeSpan.FromMinutes(1) };
        using var client = new HttpClient(handler) { BaseAddress = host.BaseAddress };
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.LoginAsync(client, "supervisor")).StatusCode);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(await ConsoleHost.TokenAsync(client, "/import")), "__af" },
            { new ByteArrayContent(new byte[31 * 1024 * 1024]), "file", "plan.xlsx" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/import/preview") { Content = form };
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("请求内容过大", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding11_BadBodiesOnForms_Get4xxWithAMessage_Never500()
    {
        var (milestone, lead, _) = await LeadAndCoAsync(6);
        using var admin = await ConsoleHost.WithAntiforgeryHeaderAsync(await host.LoggedInAsync("admin"));

        // A calendar CSV with a bad row.
        using var csv = new MultipartFormDataContent { { new StringContent("date,kind,name\n2030-13-45,holiday,坏日期\n", Encoding.UTF8), "file", "cal.csv" } };
        var calendar = await admin.PostAsync("/calendar", csv);
        Assert.Equal(HttpStatusCode.BadRequest, calendar.StatusCode);
        Assert.Contains("日历文件有误", await calendar.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // An approval as text/plain, with the token: the handler wants a form.
        var approve = await admin.PostAsync("/extensions/1/approve", TextPlain());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, approve.StatusCode);
        Assert.Contains("内容类型", await approve.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A signed-link action with no body at all.
        using var client = host.Client();
        var link = HardenedHost.Link(lead);
        using var empty = new HttpRequestMessage(HttpMethod.Post, $"{link}/milestones/{milestone}/acknowledge");
        empty.Headers.Add("RequestVerificationToken", await ConsoleHost.TokenAsync(client, link));
        var noBody = await client.SendAsync(empty);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, noBody.StatusCode);
    }

    [Fact]
    public async Task Finding12_DoneParameter_ShowsOnlyTheKnownNotices()
    {
        var unit = await QueryAsync<long>("select id from units order by id limit 1");
        using var client = host.Client();
        var link = HardenedHost.Link(unit);
        var forged = await client.GetStringAsync(link + "?done=" + Uri.EscapeDataString("督查室通知：请将材料发送至 evil@example.com"));
        Assert.DoesNotContain("evil@example.com", forged, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"notice\"", forged, StringComparison.Ordinal);
        Assert.Contains("进展已报送。", await client.GetStringAsync(link + "?done=progress"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding12_UploadPreview_IsOwnerOnly_AndGoneAfterConfirmOrADay()
    {
        using var client = await host.LoggedInAsync("supervisor");
        var uploads = Path.Combine(host.DataDirectory, "uploads");
        var id = await PreviewAsync(client);
        var file = Path.Combine(uploads, id + ".bin");
        Assert.True(File.Exists(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var confirm = await ConsoleHost.PostFormAsync(client, "/import", "/import/confirm", new Dictionary<string, string> { ["upload"] = id, ["name"] = "plan-2026.txt", ["year"] = "2026" });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.False(File.Exists(file));

        // An unconfirmed preview older than a day goes at housekeeping.
        var stale = Path.Combine(uploads, await PreviewAsync(client) + ".bin");
        var fresh = Path.Combine(uploads, await PreviewAsync(client) + ".bin");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-2));
        var housekeeping = ActivatorUtilities.CreateInstance<Supervisor.Jobs.HousekeepingJob>(host.Services);
        var pass = await housekeeping.RunAsync(new Supervisor.Jobs.JobPassContext("housekeeping", DateTimeOffset.UtcNow, default, TimeProvider.System, TimeZoneInfo.Utc), CancellationToken.None);
        Assert.Equal(1L, Convert.ToInt64(pass.Summary["uploadsDeleted"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public async Task Finding12_ForwardedProtoFromTheKnownProxy_MakesTheCookieSecure_AndAddressesSeparate()
    {
        using var client = host.ClientFrom("198.51.100.30");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var login = await ConsoleHost.LoginAsync(client, "viewer");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var auth = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("supervisor.auth=", StringComparison.Ordinal));
        Assert.Contains("secure", auth, StringComparison.OrdinalIgnoreCase);
        var address = await QueryAsync<string>("select details->>'address' from audit_log where action = 'login' order by id desc limit 1");
        Assert.Equal("198.51.100.30", address);
    }

    private static async Task<string> PreviewAsync(HttpClient client)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(await ConsoleHost.TokenAsync(client, "/import")), "__af" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(RepoFiles.Root, "demo", "plan-2026.txt"))), "file", "plan-2026.txt" },
            { new StringContent("2026"), "year" },
        };
        var response = await client.PostAsync("/import/preview", form);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        return UploadIdPattern().Match(html).Groups[1].Value;
    }

    private async Task<string> CreateTokenAsync(long unit, string name)
    {
        using var admin = await ConsoleHost.WithAntiforgeryHeaderAsync(await host.LoggedInAsync("admin"));
        var created = await admin.PostAsJsonAsync($"/api/units/{unit}/tokens", new { name });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("token").GetString()!;
    }

    private HttpClient Bearer(string token)
    {
        var client = host.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : "";

    private static string SectionOf(string html, long milestone)
    {
        var start = html.IndexOf($"data-milestone=\"{milestone}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"milestone {milestone} not on the page");
        var end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    private static string WithoutToken(string html) => TokenValuePattern().Replace(html, "value=\"…\"");

    [GeneratedRegex("value=\"CfDJ8[^\"]*\"")]
    private static partial Regex TokenValuePattern();

    [GeneratedRegex("name=\"upload\" value=\"([0-9a-f]{32})\"")]
    private static partial Regex UploadIdPattern();
}

internal static class UriExtensions
{
    public static string PathAndQueryOrOriginal(this Uri uri) => uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
}
