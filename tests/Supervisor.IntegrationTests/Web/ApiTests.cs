using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;

namespace Supervisor.IntegrationTests.Web;

public sealed class ApiTests(PagesFixture fixture) : IClassFixture<PagesFixture>
{
    private ConsoleHost Host => fixture.Host;

    [Fact]
    public async Task Rates_AsOf_ReturnsUnits_AndABadDateIsAValidationProblem()
    {
        using var client = await Host.LoggedInAsync("viewer");
        var rates = await client.GetFromJsonAsync<JsonElement>("/api/rates?asOf=2026-12-31");
        Assert.Equal("2026-12-31", rates.GetProperty("asOf").GetString());
        Assert.True(rates.GetProperty("units").GetArrayLength() > 0);

        var bad = await client.GetAsync("/api/rates?asOf=31/12/2026");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("yyyy-MM-dd", problem.GetProperty("errors").GetProperty("asOf")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Units_Tasks_Jobs_Messages_AnswerJsonInChinese()
    {
        using var client = await Host.LoggedInAsync("viewer");
        var units = await client.GetStringAsync("/api/units");
        Assert.Contains("县财政局", units, StringComparison.Ordinal);
        var tasks = await client.GetFromJsonAsync<JsonElement>("/api/tasks");
        var taskId = tasks[0].GetProperty("id").GetInt64();
        var task = await client.GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}");
        Assert.True(task.GetProperty("milestones").GetArrayLength() > 0);
        var jobs = await client.GetFromJsonAsync<JsonElement>("/api/jobs");
        Assert.Contains(jobs.EnumerateArray(), j => j.GetProperty("name").GetString() == "milestone-scan");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/messages?state=dead")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/tasks/999999")).StatusCode);

        // A viewer reads but does not run jobs.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/api/jobs/milestone-scan/trigger", null)).StatusCode);
    }

    [Fact]
    public async Task UnitToken_ReportsProgressOnItsOwnMilestones_Only()
    {
        await using var connection = await Host.Database.DataSource.OpenConnectionAsync();
        var (unit, own) = await connection.QuerySingleAsync<(long, long)>("""
            select tu.unit_id, m.id from milestones m join task_units tu on tu.task_id = m.task_id where tu.role = 'lead' and m.status = 'open' order by m.id desc limit 1
            """);
        var foreign = await connection.QuerySingleAsync<long>("""
            select m.id from milestones m where not exists (select 1 from task_units tu where tu.task_id = m.task_id and tu.unit_id = @unit) limit 1
            """, new { unit });

        using var admin = await ConsoleHost.WithAntiforgeryHeaderAsync(await Host.LoggedInAsync("admin"));
        var created = await admin.PostAsJsonAsync($"/api/units/{unit}/tokens", new { name = "进展系统" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        Assert.Equal(0, await connection.QuerySingleAsync<int>("select count(*)::int from unit_api_tokens where token_hash::text like '%' || @token || '%'", new { token }));

        using var system = Host.Client();
        system.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var ok = await system.PostAsJsonAsync($"/api/milestones/{own}/progress", new { percent = 40, note = "招标完成" });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal("api", await connection.QuerySingleAsync<string>("select source from progress_reports where milestone_id = @own order by id desc limit 1", new { own }));

        Assert.Equal(HttpStatusCode.Forbidden, (await system.PostAsJsonAsync($"/api/milestones/{foreign}/progress", new { percent = 40 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await system.PostAsync($"/api/milestones/{foreign}/complete", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await system.GetAsync("/api/units")).StatusCode);
        var mine = await system.GetFromJsonAsync<JsonElement>("/api/milestones");
        Assert.Contains(mine.EnumerateArray(), m => m.GetProperty("id").GetInt64() == own);
        Assert.DoesNotContain(mine.EnumerateArray(), m => m.GetProperty("id").GetInt64() == foreign);

        var invalid = await system.PostAsJsonAsync($"/api/milestones/{own}/progress", new { percent = 150 });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var problem = await invalid.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("0 到 100", problem.GetProperty("errors").GetProperty("percent")[0].GetString(), StringComparison.Ordinal);

        using var forged = Host.Client();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/milestones")).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheApi()
    {
        using var client = await Host.LoggedInAsync("viewer");
        var json = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/rates", json, StringComparison.Ordinal);
        Assert.Contains("/api/milestones/{id}/progress", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"/login\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"/u/{token}\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocument_GivesEveryApiOperationAResponseSchema()
    {
        using var client = await Host.LoggedInAsync("viewer");
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var operations = 0;
        var missing = new List<string>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                operations++;
                var responses = operation.Value.GetProperty("responses").EnumerateObject().ToList();
                var described = responses.Any(r => r.Value.TryGetProperty("content", out var content)
                    && content.EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out _)));
                if (!described)
                {
                    missing.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");
                }
            }
        }

        Assert.True(operations >= 17, $"only {operations} /api operations in the document");
        Assert.True(missing.Count == 0, "no response schema: " + string.Join(", ", missing));

        // Query objects bound with [AsParameters] keep the parameter names callers use.
        var taskParameters = document.RootElement.GetProperty("paths").GetProperty("/api/tasks").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["plan", "unit", "leader", "section", "q"], taskParameters);
    }
}
