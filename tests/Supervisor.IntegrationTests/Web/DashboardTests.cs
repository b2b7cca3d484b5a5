using System.Net;
using System.Text.RegularExpressions;
using Dapper;

namespace Supervisor.IntegrationTests.Web;

/// <summary>The Hangfire Dashboard at /hangfire behind the console's login, over real HTTP on a serving host.</summary>
public sealed partial class DashboardTests(ConsoleHost host) : IClassFixture<ConsoleHost>
{
    private static readonly string[] Jobs = ["milestone-scan", "reminder-dispatch", "unit-digest", "rates-snapshot", "supervision-digest", "housekeeping"];

    [Fact]
    public async Task Anonymous_PageRedirectsToLogin_AndTheDashboardsScriptCallsGet401()
    {
        using var client = host.Client();

        var page = await client.GetAsync("/hangfire/recurring");
        using var stats = new HttpRequestMessage(HttpMethod.Post, "/hangfire/stats") { Content = new FormUrlEncodedContent(new Dictionary<string, string>()) };
        stats.Headers.Add("X-Requested-With", "XMLHttpRequest");
        var script = await client.SendAsync(stats);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, script.StatusCode);
    }

    [Fact]
    public async Task Viewer_IsRefused()
    {
        using var client = await host.LoggedInAsync("viewer");

        var page = await client.GetAsync("/hangfire");
        var denied = await client.GetAsync(page.Headers.Location);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/denied", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.DoesNotContain("/hangfire", await (await client.GetAsync("/jobs")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_SeesTheSixRecurringJobsInChinese_WithoutTheConnectionString_AndTriggersOneThatIsRecordedAsManual()
    {
        using var client = await host.LoggedInAsync("admin");

        var response = await client.GetAsync("/hangfire/recurring");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("定期作业", html, StringComparison.Ordinal);
        foreach (var job in Jobs)
        {
            Assert.Contains(job, html, StringComparison.Ordinal);
        }

        Assert.Contains("节点扫描", html, StringComparison.Ordinal);
        Assert.Contains("催办发送", html, StringComparison.Ordinal);
        Assert.Contains("recurring/trigger", html, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Database.ConnectionString.Split(';')[0], await (await client.GetAsync("/hangfire")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("href=\"/hangfire\"", await (await client.GetAsync("/jobs")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // "Trigger now" as the dashboard's script posts it: the antiforgery token from the page, in its header.
        using var trigger = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", "rates-snapshot")]),
        };
        trigger.Headers.Add(CsrfHeader().Match(html).Groups[1].Value, WebUtility.HtmlDecode(CsrfToken().Match(html).Groups[1].Value));
        trigger.Headers.Add("X-Requested-With", "XMLHttpRequest");
        var triggered = await client.SendAsync(trigger);
        Assert.Equal(HttpStatusCode.NoContent, triggered.StatusCode);

        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await connection.ExecuteScalarAsync<int>("select count(*)::int from job_runs where job_name = 'rates-snapshot' and trigger_kind = 'manual' and outcome = 'succeeded'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the triggered pass did not run within 60 s");
            await Task.Delay(250);
        }

        Assert.NotNull(await connection.ExecuteScalarAsync<string>("select background_job_id from job_runs where job_name = 'rates-snapshot' and trigger_kind = 'manual'"));
    }

    [Fact]
    public async Task Supervisor_ReadsTheDashboard_ButCannotTriggerAJob()
    {
        using var client = await host.LoggedInAsync("supervisor");

        var response = await client.GetAsync("/hangfire/recurring");
        var html = await response.Content.ReadAsStringAsync();
        using var trigger = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", "housekeeping")]),
        };
        trigger.Headers.Add(CsrfHeader().Match(html).Groups[1].Value, WebUtility.HtmlDecode(CsrfToken().Match(html).Groups[1].Value));
        trigger.Headers.Add("X-Requested-With", "XMLHttpRequest");
        var triggered = await client.SendAsync(trigger);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("housekeeping", html, StringComparison.Ordinal);
        Assert.DoesNotContain("recurring/trigger", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, triggered.StatusCode);
    }

    [GeneratedRegex("<meta name=\"csrf-header\" content=\"([^\"]+)\">")]
    private static partial Regex CsrfHeader();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\">")]
    private static partial Regex CsrfToken();
}
