using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dapper;

namespace Supervisor.IntegrationTests.Web;

/// <summary>The console's forms that change things: messages, import, calendar.</summary>
public sealed class ConsoleActionsTests(ConsoleHost host) : IClassFixture<ConsoleHost>
{
    private async Task<long> MessageAsync(string state, string key)
    {
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("""
            insert into messages (key, channel, kind, local_date, recipient_address, recipient_name, subject, body_text, state, attempts, next_attempt_at, last_error, created_at)
            values (@key, 'email', 'unit_digest', current_date, 'liaison@example.cn', '周晓燕', '督办提醒', '您单位有 2 项任务即将到期。', @state, 5, now(), 'SMTP 550', now())
            returning id
            """, new { key, state });
    }

    [Fact]
    public async Task DeadMessage_IsRetried_PendingMessage_IsCancelled_FromThePages()
    {
        var dead = await MessageAsync("dead", "test-dead");
        var pending = await MessageAsync("pending", "test-pending");
        using var client = await host.LoggedInAsync("supervisor");
        Assert.Contains("督办提醒", await client.GetStringAsync("/messages?state=dead"), StringComparison.Ordinal);
        var detail = await client.GetStringAsync($"/messages/{dead}");
        Assert.Contains("您单位有 2 项任务即将到期。", detail, StringComparison.Ordinal);
        Assert.Contains("重新发送", detail, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.PostFormAsync(client, $"/messages/{dead}", $"/messages/{dead}/retry", new Dictionary<string, string>())).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.PostFormAsync(client, $"/messages/{pending}", $"/messages/{pending}/cancel", new Dictionary<string, string>())).StatusCode);
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        Assert.Equal("pending", await connection.QuerySingleAsync<string>("select state from messages where id = @dead", new { dead }));
        Assert.Equal("cancelled", await connection.QuerySingleAsync<string>("select state from messages where id = @pending", new { pending }));

        // The API retries only dead messages: the one just retried is pending now.
        await ConsoleHost.WithAntiforgeryHeaderAsync(client);
        var again = await client.PostAsync($"/api/messages/{dead}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var list = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/messages?state=cancelled");
        Assert.Contains(list.EnumerateArray(), m => m.GetProperty("id").GetInt64() == pending);
    }

    [Fact]
    public async Task ImportPage_PreviewsThePlanWithWarnings_ThenConfirmImportsIt()
    {
        using var client = await host.LoggedInAsync("supervisor");
        var units = await PostFileAsync(client, "/import", "/import/units", Path.Combine(Infrastructure.RepoFiles.Root, "demo", "units.csv"));
        Assert.Equal(HttpStatusCode.OK, units.StatusCode);
        Assert.Contains("已导入", await units.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var preview = await PostFileAsync(client, "/import", "/import/preview", Path.Combine(Infrastructure.RepoFiles.Root, "demo", "plan-2026.txt"), ("year", "2026"));
        var html = await preview.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("确认导入", html, StringComparison.Ordinal);
        Assert.Contains("警告", html, StringComparison.Ordinal);
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await connection.QuerySingleAsync<int>("select count(*)::int from tasks"));

        var upload = System.Text.RegularExpressions.Regex.Match(html, "name=\"upload\" value=\"([0-9a-f]{32})\"").Groups[1].Value;
        var fields = new Dictionary<string, string> { ["upload"] = upload, ["name"] = "plan-2026.txt", ["year"] = "2026", ["title"] = "" };
        var confirm = await client.PostAsync("/import/confirm", new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__af"] = await ConsoleHost.TokenAsync(client, "/import") }));
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Contains("已导入", await confirm.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await connection.QuerySingleAsync<int>("select count(*)::int from tasks") > 10);
        Assert.Equal(1, await connection.QuerySingleAsync<int>("select count(*)::int from audit_log where action = 'plan.import' and actor = 'supervisor'"));
    }

    [Fact]
    public async Task CalendarPage_AdminAddsAYear()
    {
        using var client = await host.LoggedInAsync("admin");
        var csv = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllTextAsync(csv, "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-07,workday,春节\n", Encoding.UTF8);
        try
        {
            var response = await PostFileAsync(client, "/calendar", "/calendar", csv);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("已写入 2 天", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Contains("元旦", await client.GetStringAsync("/calendar?month=2027-01"), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(csv);
        }

        using var viewer = await host.LoggedInAsync("viewer");
        Assert.DoesNotContain("添加年度数据", await viewer.GetStringAsync("/calendar"), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostFileAsync(HttpClient client, string formPage, string action, string path, params (string Name, string Value)[] fields)
    {
        using var content = new MultipartFormDataContent
        {
            { new StringContent(await ConsoleHost.TokenAsync(client, formPage)), "__af" },
        };
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        var file = new ByteArrayContent(await File.ReadAllBytesAsync(path));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "file", Path.GetFileName(path));
        return await client.PostAsync(action, content);
    }
}
