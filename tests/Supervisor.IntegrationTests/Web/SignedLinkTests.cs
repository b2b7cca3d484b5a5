using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Infrastructure.Links;

namespace Supervisor.IntegrationTests.Web;

public sealed class SignedLinkTests(PagesFixture fixture) : IClassFixture<PagesFixture>
{
    private ConsoleHost Host => fixture.Host;

    private async Task<(long UnitA, long MilestoneA, long UnitB, long MilestoneB)> TwoUnitsAsync()
    {
        await using var connection = await Host.Database.DataSource.OpenConnectionAsync();
        var a = await connection.QuerySingleAsync<(long Unit, long Milestone)>("""
            select tu.unit_id, m.id from milestones m join task_units tu on tu.task_id = m.task_id
            where m.status = 'open' and tu.role = 'lead' and m.kind = 'completion' order by m.id limit 1
            """);
        var b = await connection.QuerySingleAsync<(long Unit, long Milestone)>("""
            select tu.unit_id, m.id from milestones m join task_units tu on tu.task_id = m.task_id
            where m.status = 'open' and tu.role = 'lead' and tu.unit_id <> @unit
              and not exists (select 1 from task_units o where o.task_id = m.task_id and o.unit_id = @unit)
            order by m.id limit 1
            """, new { unit = a.Unit });
        return (a.Unit, a.Milestone, b.Unit, b.Milestone);
    }

    private static string Link(long unitId, DateTimeOffset? expires = null) =>
        "/u/" + SignedLinks.Create(unitId, expires ?? DateTimeOffset.UtcNow.AddDays(1), ConsoleHost.LinkSecret);

    [Fact]
    public async Task ValidLink_ShowsTheUnitsOpenMilestones_WithoutLogin()
    {
        var (unitA, milestoneA, _, milestoneB) = await TwoUnitsAsync();
        using var client = Host.Client();
        var html = await client.GetStringAsync(Link(unitA));
        Assert.Contains($"data-milestone=\"{milestoneA}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-milestone=\"{milestoneB}\"", html, StringComparison.Ordinal);
        Assert.Contains("报送进展", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TamperedOrExpiredLink_Is403()
    {
        var (unitA, milestoneA, unitB, _) = await TwoUnitsAsync();
        using var client = Host.Client();
        var token = Link(unitA)["/u/".Length..];
        var parts = token.Split('.');
        var otherUnit = $"/u/{unitB}.{parts[1]}.{parts[2]}";
        var longer = $"/u/{parts[0]}.{long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) + 86400}.{parts[2]}";
        var badMac = $"/u/{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";
        var expired = Link(unitA, DateTimeOffset.UtcNow.AddMinutes(-1));
        var wrongSecret = "/u/" + SignedLinks.Create(unitA, DateTimeOffset.UtcNow.AddDays(1), "another-secret-0123456789");
        foreach (var path in new[] { otherUnit, longer, badMac, expired, wrongSecret, "/u/garbage" })
        {
            var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{path}: {response.StatusCode}");
        }

        // And an action through an expired link changes nothing.
        var post = await ConsoleHost.PostFormAsync(client, Link(unitA), $"{expired}/milestones/{milestoneA}/complete", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
    }

    [Fact]
    public async Task UnitALink_OnUnitBMilestone_Is403_AndChangesNothing()
    {
        var (unitA, _, _, milestoneB) = await TwoUnitsAsync();
        using var client = Host.Client();
        var link = Link(unitA);
        foreach (var action in new[] { "acknowledge", "progress", "complete", "extension" })
        {
            var response = await ConsoleHost.PostFormAsync(client, link, $"{link}/milestones/{milestoneB}/{action}",
                new Dictionary<string, string> { ["percent"] = "50", ["note"] = "x", ["date"] = "2027-01-01", ["reason"] = "x" });
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        await using var connection = await Host.Database.DataSource.OpenConnectionAsync();
        Assert.Equal("open", await connection.QuerySingleAsync<string>("select status from milestones where id = @milestoneB", new { milestoneB }));
        Assert.Equal(0, await connection.QuerySingleAsync<int>("select count(*)::int from progress_reports where milestone_id = @milestoneB", new { milestoneB }));
    }

    [Fact]
    public async Task Link_Acknowledges_ReportsProgress_RequestsExtension_AndCompletes_AllAudited()
    {
        var (unitA, milestoneA, _, _) = await TwoUnitsAsync();
        using var client = Host.Client();
        var link = Link(unitA);
        var target = $"{link}/milestones/{milestoneA}";
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.PostFormAsync(client, link, $"{target}/acknowledge", new Dictionary<string, string>())).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.PostFormAsync(client, link, $"{target}/progress", new Dictionary<string, string> { ["percent"] = "60", ["note"] = "主体完工" })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.PostFormAsync(client, link, $"{target}/extension", new Dictionary<string, string> { ["date"] = "2027-06-30", ["reason"] = "资金未到位" })).StatusCode);
        var complete = await ConsoleHost.PostFormAsync(client, link, $"{target}/complete", new Dictionary<string, string>());
        Assert.True(complete.StatusCode == HttpStatusCode.Redirect, await complete.Content.ReadAsStringAsync());

        await using var connection = await Host.Database.DataSource.OpenConnectionAsync();
        Assert.Equal(1, await connection.QuerySingleAsync<int>("select count(*)::int from acknowledgements where milestone_id = @milestoneA and source = 'link'", new { milestoneA }));
        Assert.Equal(60, await connection.QuerySingleAsync<int>("select percent from progress_reports where milestone_id = @milestoneA and source = 'link'", new { milestoneA }));
        Assert.Equal("资金未到位", await connection.QuerySingleAsync<string>("select reason from extension_requests where milestone_id = @milestoneA", new { milestoneA }));
        // 办结 is an application the office reviews (Supervision:CompletionNeedsReview, on by default): 待审核, still open.
        Assert.Equal("open", await connection.QuerySingleAsync<string>("select status from milestones where id = @milestoneA", new { milestoneA }));
        Assert.Equal("pending", await connection.QuerySingleAsync<string>("select state from completion_applications where milestone_id = @milestoneA", new { milestoneA }));
        var actions = (await connection.QueryAsync<string>(
            "select action from audit_log where actor = @actor order by id", new { actor = $"link:unit:{unitA}" })).ToList();
        Assert.Contains("milestone.acknowledge", actions);
        Assert.Contains("milestone.progress", actions);
        Assert.Contains("extension.request", actions);
        Assert.Contains("completion.apply", actions);
    }

    [Fact]
    public async Task Link_RefusesABadProgressReport_InChinese_WithoutCliFlags()
    {
        var (unitA, milestoneA, _, _) = await TwoUnitsAsync();
        using var client = Host.Client();
        var link = Link(unitA);
        var target = $"{link}/milestones/{milestoneA}/progress";

        var tooMuch = await ConsoleHost.PostFormAsync(client, link, target, new Dictionary<string, string> { ["percent"] = "150" });
        var nothing = await ConsoleHost.PostFormAsync(client, link, target, new Dictionary<string, string> { ["note"] = " " });

        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.StatusCode);
        var tooMuchPage = await tooMuch.Content.ReadAsStringAsync();
        Assert.Contains("进度须在 0 到 100 之间", tooMuchPage, StringComparison.Ordinal);
        Assert.DoesNotContain("--percent", tooMuchPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        Assert.Contains("请填写进度百分比或进展说明", await nothing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void LinkSigner_MakesAUrlUnderThePublicAddress_ThatVerifies()
    {
        var signer = Host.Services.GetRequiredService<LinkSigner>();
        var url = signer.Url(42);
        Assert.StartsWith(Host.BaseAddress + "u/42.", url, StringComparison.Ordinal);
        Assert.Equal(LinkCheck.Valid, signer.Verify(url[(url.LastIndexOf('/') + 1)..], out var unit));
        Assert.Equal(42, unit);
    }
}
