using System.Net;
using Dapper;

namespace Supervisor.IntegrationTests.Web;

public sealed class PagesFixture : IAsyncLifetime
{
    public ConsoleHost Host { get; } = new();

    public async Task InitializeAsync()
    {
        await Host.InitializeAsync();
        await Host.LoadDemoAsync();
    }

    public Task DisposeAsync() => Host.DisposeAsync();
}

public sealed class PagesTests(PagesFixture fixture) : IClassFixture<PagesFixture>
{
    private ConsoleHost Host => fixture.Host;

    [Theory]
    [InlineData("/", "按期完成率走势")]
    [InlineData("/units", "按期完成率")]
    [InlineData("/units?sort=name&dir=desc", "单位")]
    [InlineData("/tasks", "责任领导")]
    [InlineData("/tasks?light=green&q=%E5%BB%BA%E8%AE%BE", "筛选")]
    [InlineData("/jobs", "milestone-scan")]
    [InlineData("/messages", "下一批待发")]
    [InlineData("/import", "导入工作方案")]
    [InlineData("/extensions", "延期")]
    [InlineData("/calendar?month=2026-10", "国庆")]
    public async Task Page_RendersInChinese(string path, string expected)
    {
        using var client = await Host.LoggedInAsync("viewer");
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, html, StringComparison.Ordinal);
        Assert.DoesNotContain("&#x", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskSearch_TreatsPercentAndUnderscoreAsText_NotWildcards()
    {
        using var client = await Host.LoggedInAsync("viewer");
        static int Listed(string html) => System.Text.RegularExpressions.Regex.Count(html, "href=\"/tasks/[0-9]+\"");

        var all = Listed(await client.GetStringAsync("/tasks"));
        var percent = Listed(await client.GetStringAsync("/tasks?q=%25"));
        var underscore = Listed(await client.GetStringAsync("/tasks?q=_"));

        // Six demo titles hold "%" (growth targets); none holds "_". A wildcard would list every task.
        Assert.True(all > 10, $"the demo plan lists {all} tasks");
        Assert.InRange(percent, 1, all - 1);
        Assert.Equal(0, underscore);
    }

    [Fact]
    public async Task MessagesPage_PreviewsTheRemindersOwed_ThatNoMessageCarriesYet()
    {
        var engine = (Supervisor.Infrastructure.Postgres.SupervisionEngine)Host.Services.GetService(typeof(Supervisor.Infrastructure.Postgres.SupervisionEngine))!;
        var scan = await engine.ScanAsync(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8)), CancellationToken.None);
        using var client = await Host.LoggedInAsync("viewer");
        var html = await client.GetStringAsync("/messages");
        await using var connection = await Host.Database.DataSource.OpenConnectionAsync();
        var owed = await connection.QuerySingleAsync<int>("select count(*)::int from reminders where composed_at is null");
        Assert.True(owed > 0, $"the scan owed nothing: {scan}");
        Assert.Contains($"尚未生成消息的提醒：{Math.Min(owed, 200)} 条", html, StringComparison.Ordinal);
        Assert.Contains("催办", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnitAndTaskPages_Render_AndExportsAreXlsx()
    {
        await using var connection = await Host.Database.DataSource.OpenConnectionAsync();
        var unitId = await connection.QuerySingleAsync<long>("select unit_id from task_units where role = 'lead' limit 1");
        var taskId = await connection.QuerySingleAsync<long>("select id from tasks order by position limit 1");
        using var client = await Host.LoggedInAsync("viewer");
        Assert.Contains("联系人", await client.GetStringAsync($"/units/{unitId}"), StringComparison.Ordinal);
        Assert.Contains("时间节点", await client.GetStringAsync($"/tasks/{taskId}"), StringComparison.Ordinal);
        foreach (var path in new[] { "/units/export.xlsx", "/tasks/overdue.xlsx" })
        {
            var bytes = await client.GetByteArrayAsync(path);
            Assert.Equal((byte)'P', bytes[0]);
            Assert.Equal((byte)'K', bytes[1]);
        }
    }

    [Fact]
    public async Task Supervisor_PausesAndResumesATask_ViewerMayNot()
    {
        await using var connection = await Host.Database.DataSource.OpenConnectionAsync();
        var taskId = await connection.QuerySingleAsync<long>("select id from tasks order by position desc limit 1");
        using var viewer = await Host.LoggedInAsync("viewer");
        var denied = await ConsoleHost.PostFormAsync(viewer, "/tasks", $"/tasks/{taskId}/pause", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.StartsWith("/denied", denied.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        using var supervisor = await Host.LoggedInAsync("supervisor");
        var paused = await ConsoleHost.PostFormAsync(supervisor, $"/tasks/{taskId}", $"/tasks/{taskId}/pause", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, paused.StatusCode);
        Assert.Equal("supervisor", await connection.QuerySingleAsync<string?>("select paused_by from tasks where id = @taskId", new { taskId }));
        await ConsoleHost.PostFormAsync(supervisor, $"/tasks/{taskId}", $"/tasks/{taskId}/resume", new Dictionary<string, string>());
        Assert.Null(await connection.QuerySingleAsync<DateTime?>("select paused_at from tasks where id = @taskId", new { taskId }));
        Assert.Equal(2, await connection.QuerySingleAsync<int>("select count(*)::int from audit_log where target = @target", new { target = $"task:{taskId}" }));
    }

    [Fact]
    public async Task ApprovingAnExtension_MovesTheDueDate_AndKeepsTheOriginal()
    {
        await using var connection = await Host.Database.DataSource.OpenConnectionAsync();
        var (milestoneId, unitId, due) = await connection.QuerySingleAsync<(long, long, DateTime)>("""
            select m.id, tu.unit_id, m.due_date::timestamp from milestones m join task_units tu on tu.task_id = m.task_id
            where m.status = 'open' order by m.id limit 1
            """);
        var requested = DateOnly.FromDateTime(due).AddDays(30);
        var store = (Supervisor.Infrastructure.Postgres.ExtensionStore)Host.Services.GetService(typeof(Supervisor.Infrastructure.Postgres.ExtensionStore))!;
        var id = await store.RequestExtensionAsync(milestoneId, unitId, requested, "施工受汛期影响", "test", DateTimeOffset.UtcNow, CancellationToken.None);
        using var client = await Host.LoggedInAsync("supervisor");
        var response = await ConsoleHost.PostFormAsync(client, "/extensions", $"/extensions/{id}/approve", new Dictionary<string, string> { ["note"] = "同意" });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var row = await connection.QuerySingleAsync<(DateTime Due, DateTime Original)>("select due_date::timestamp, original_due_date::timestamp from milestones where id = @milestoneId", new { milestoneId });
        Assert.Equal(requested, DateOnly.FromDateTime(row.Due));
        Assert.Equal(DateOnly.FromDateTime(due), DateOnly.FromDateTime(row.Original));
        Assert.Equal("approved", await connection.QuerySingleAsync<string>("select status from extension_requests where id = @id", new { id }));
    }
}
