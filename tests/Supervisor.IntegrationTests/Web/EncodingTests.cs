using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Documents;
using Supervisor.Infrastructure.Links;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.IntegrationTests.Web;

/// <summary>
/// Every console page, found in the route table at run time, rendered over data whose every text field is markup: the
/// markup must come back as text. A page added later is rendered too; a route whose parameters this test cannot fill
/// fails it, so nobody adds a page that escapes the check.
/// </summary>
public sealed partial class EncodingTests(PagesFixture fixture) : IClassFixture<PagesFixture>
{
    private const string Payload = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>";

    /// <summary>The payload as an HTML encoder writes it: what must appear instead.</summary>
    private const string Encoded = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;&gt;&lt;img src=x onerror=alert(1)&gt;";

    /// <summary>Pages that print no stored or requested text (a form, a refusal, the archive's numbers and dates): clean, but without the payload.</summary>
    private static readonly HashSet<string> PagesWithoutData = new(StringComparer.Ordinal) { "/import", "/denied", "/digests" };

    private ConsoleHost Host => fixture.Host;

    private sealed record Ids(long Unit, long Task, long Message, long Digest);

    [Fact]
    public async Task EveryConsolePage_ShowsScriptLadenData_AsText()
    {
        var ids = await SeedAsync();
        using var admin = await Host.LoggedInAsync("admin");
        var checkedPages = new List<string>();
        foreach (var route in GetRoutes())
        {
            var path = Concrete(route, ids);
            var pages = new List<string>();
            foreach (var url in new[] { path, path + Query() })
            {
                using var response = await admin.GetAsync(url);
                if (response.Content.Headers.ContentType?.MediaType != "text/html")
                {
                    // Downloads (XLSX, DOCX), redirects and empty 404s carry no page.
                    continue;
                }

                var html = await response.Content.ReadAsStringAsync();
                AssertClean(url, html);
                pages.Add(html);
                checkedPages.Add(url);
            }

            if (pages.Count > 0 && !PagesWithoutData.Contains(route))
            {
                Assert.True(pages.Any(h => h.Contains(Encoded, StringComparison.Ordinal)), $"GET {route} shows none of the seeded text, so this test proves nothing for it");
            }
        }

        // The pages people reach from the nav and their details, the unit's link page and the login page at least.
        Assert.True(checkedPages.Count >= 30, $"only {checkedPages.Count} pages rendered: {string.Join(", ", checkedPages)}");
    }

    [Fact]
    public async Task ImportPreview_ShowsAScriptLadenFileNameAndTitle_AsText()
    {
        using var supervisor = await Host.LoggedInAsync("supervisor");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(await ConsoleHost.TokenAsync(supervisor, "/import")), "__af" },
            { new StringContent(Payload), "title" },
            { new StringContent("2026"), "year" },
        };
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(Infrastructure.RepoFiles.Root, "demo", "plan-2026.txt")));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        // The name as a browser sends one it cannot quote: RFC 5987 filename*, which the form reader decodes.
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileNameStar = Payload + ".txt" };
        form.Add(file);
        using var response = await supervisor.PostAsync("/import/preview", form);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertClean("POST /import/preview", html);
        Assert.Contains("《" + Encoded + "》", html, StringComparison.Ordinal);

        // The page keeps the name's last path segment (the payload's "</script>" holds a slash): the rest, encoded.
        Assert.Contains("name=\"name\" value=\"script&gt;&quot;&#x27;&gt;&lt;img src=x onerror=alert(1)&gt;.txt\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnitDirectoryErrors_AndCalendarErrors_QuoteTheFileAsText()
    {
        using var admin = await ConsoleHost.WithAntiforgeryHeaderAsync(await Host.LoggedInAsync("admin"));
        using var units = new MultipartFormDataContent { { new StringContent($"单位名称,类型\n{Payload},{Payload}\n", Encoding.UTF8), "file", "units.csv" } };
        var unitsHtml = await (await admin.PostAsync("/import/units", units)).Content.ReadAsStringAsync();
        AssertClean("POST /import/units", unitsHtml);
        Assert.Contains("通讯录有误", unitsHtml, StringComparison.Ordinal);

        using var calendar = new MultipartFormDataContent { { new StringContent($"date,kind,name\n{Payload},holiday,{Payload}\n", Encoding.UTF8), "file", "cal.csv" } };
        var calendarHtml = await (await admin.PostAsync("/calendar", calendar)).Content.ReadAsStringAsync();
        AssertClean("POST /calendar", calendarHtml);
        Assert.Contains("日历文件有误", calendarHtml, StringComparison.Ordinal);
    }

    /// <summary>No raw payload and no script of any kind: the console's pages need none (CSP forbids inline script, and there is no framework).</summary>
    private static void AssertClean(string url, string html)
    {
        Assert.False(html.Contains("<script", StringComparison.OrdinalIgnoreCase), $"GET {url} has a <script> element");
        Assert.False(html.Contains("<img src=x", StringComparison.OrdinalIgnoreCase), $"GET {url} has the payload's raw <img>");
        Assert.False(html.Contains("\"'>", StringComparison.Ordinal), $"GET {url} lets the payload close an attribute");
    }

    /// <summary>Every query value a page reads, set to the payload: a page echoing its filter or an error must encode it.</summary>
    private static string Query()
    {
        var value = Uri.EscapeDataString(Payload);
        return "?" + string.Join("&", new[] { "q", "section", "error", "returnUrl", "done", "month", "sort", "dir", "light", "overdue" }.Select(k => $"{k}={value}"));
    }

    private List<string> GetRoutes()
    {
        var excluded = new[] { "/hangfire", "/api", "/openapi", "/static" };
        var routes = Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            .Where(p => !excluded.Any(x => p == x || p.StartsWith(x + "/", StringComparison.Ordinal) || p.StartsWith(x + "{", StringComparison.Ordinal)))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(routes.Contains("/tasks/{id:long}") && routes.Any(r => r.StartsWith("/u/{token}", StringComparison.Ordinal)), string.Join(" ", routes));
        return routes;
    }

    /// <summary>The route with each parameter filled with the seeded row it names; a parameter not known here fails the test.</summary>
    private static string Concrete(string route, Ids ids) => ParameterPattern().Replace(route, m =>
    {
        var name = m.Groups[1].Value;
        var before = route[..m.Index];
        return name switch
        {
            "id" when before.StartsWith("/units", StringComparison.Ordinal) => ids.Unit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "id" when before.StartsWith("/tasks", StringComparison.Ordinal) => ids.Task.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "id" when before.StartsWith("/messages", StringComparison.Ordinal) => ids.Message.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "id" when before.StartsWith("/digests", StringComparison.Ordinal) => ids.Digest.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Stored files (佐证材料), never a page: a missing one is an empty 404; EvidenceTests checks what they are served as.
            "id" when before.StartsWith("/evidence", StringComparison.Ordinal) => "1",
            "reminderId" => "1",
            "token" => SignedLinks.Create(ids.Unit, DateTimeOffset.UtcNow.AddDays(1), ConsoleHost.LinkSecret),
            "code" => SignedLinks.CreateShort(ids.Unit, DateTimeOffset.UtcNow.AddDays(1), ConsoleHost.LinkSecret),
            _ => throw new Xunit.Sdk.XunitException($"EncodingTests does not know what to put for {{{name}}} in {route}: add the row it names to SeedAsync and here"),
        };
    });

    [GeneratedRegex(@"\{([a-zA-Z]+)(:[^}]*)?\??\}")]
    private static partial Regex ParameterPattern();

    /// <summary>The payload in every text a page shows: names, titles, notes, reasons, errors, summaries, a holiday.</summary>
    private async Task<Ids> SeedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        await using var c = await Host.Database.DataSource.OpenConnectionAsync();
        var (unit, task, milestone) = await c.QuerySingleAsync<(long, long, long)>("""
            select tu.unit_id, m.task_id, m.id from milestones m join task_units tu on tu.task_id = m.task_id
            where m.status = 'open' and tu.role = 'lead' order by m.id limit 1
            """);
        await c.ExecuteAsync(
            """
            update units set name = name || @p where id = @unit;
            update contacts set name = @p where unit_id = @unit;
            update tasks set title = title || @p, full_text = full_text || @p where id = @task;
            update sections set title = title || @p where id = (select section_id from tasks where id = @task);
            update milestones set title = title || @p where task_id = @task;
            update plans set title = title || @p;
            update leaders set name = name || @p;
            insert into units (name, created_at) values ('无联系人' || @p, @now);
            insert into task_units (task_id, unit_id, role) select @task, id, 'co' from units where name = '无联系人' || @p;
            insert into calendar_days (day, kind, name) values ((now() at time zone 'Asia/Shanghai')::date, 'holiday', @p)
                on conflict (day) do update set kind = 'holiday', name = excluded.name;
            insert into job_runs (job_name, instance_id, trigger_kind, scheduled_at, started_at, finished_at, outcome, error, summary)
                values ('milestone-scan', @p, 'manual', @now, @now, @now, 'failed', @p, jsonb_build_object('issue', @p, @p, 1));
            """,
            new { p = Payload, unit, task, now = now.UtcDateTime });
        var message = await c.QuerySingleAsync<long>(
            """
            insert into messages (key, channel, kind, local_date, recipient_address, recipient_name, unit_id, subject, body_text, body_html,
                                  state, attempts, next_attempt_at, last_error, created_at)
            values ('encoding-test', 'email', 'notice', current_date, 'a@example.cn', @p, @unit, @p, @p, @p, 'dead', 1, @now, @p, @now)
            returning id;
            """,
            new { p = Payload, unit, now = now.UtcDateTime });
        await c.ExecuteAsync(
            """
            insert into delivery_attempts (message_id, attempt, worker, started_at, finished_at, outcome, error, provider_message_id)
            values (@message, 1, @p, @now, @now, 'permanent', @p, @p)
            """,
            new { p = Payload, message, now = now.UtcDateTime });

        var extensions = Host.Services.GetRequiredService<ExtensionStore>();
        var due = await c.QuerySingleAsync<DateTime>("select due_date::timestamp from milestones where id = @milestone", new { milestone });
        await extensions.RequestExtensionAsync(milestone, unit, DateOnly.FromDateTime(due).AddDays(30), Payload, Payload, now, CancellationToken.None);
        await Host.Services.GetRequiredService<ProgressStore>().ApplyAsync(milestone, unit, Payload, null, "console", Payload, now, CancellationToken.None, Payload);
        await Host.Services.GetRequiredService<ProgressStore>().ReportAsync(milestone, 40, Payload, unit, "link", Payload, now, CancellationToken.None);
        var digest = await Host.Services.GetRequiredService<DigestIssueStore>().CreateDraftAsync(
            DateOnly.FromDateTime(now.UtcDateTime), DateOnly.FromDateTime(now.UtcDateTime).AddDays(-1), now, Payload, new DigestTotals(1, 1, 0, 0, 1), now, CancellationToken.None);
        return new Ids(unit, task, message, digest.Id);
    }
}
