using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using Supervisor.Infrastructure.Links;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Web;

namespace Supervisor.IntegrationTests.Review;

/// <summary>The 待审核 queue, the unit's 办结 through its link and token, and staff entering a unit's phone call, over real HTTP.</summary>
public sealed class ReviewPageTests(ConsoleHost host) : IClassFixture<ConsoleHost>
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).DateTime);

    private static string Link(long unitId) => "/u/" + SignedLinks.Create(unitId, DateTimeOffset.UtcNow.AddDays(1), ConsoleHost.LinkSecret);

    private async Task<T> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<T>(sql, parameters);
    }

    [Fact]
    public async Task UnitLinksCompletion_IsAnApplication_TheQueueShowsItsPhoto_AndApprovalCountsFromTheApplication()
    {
        var t = await ReviewData.TaskAsync(host.Database.DataSource, "建成污水处理厂", Today.AddDays(-1));
        await host.Services.GetRequiredService<ProgressStore>().ReportAsync(
            t.Milestone, 100, "主体完工", t.Lead, "link", $"link:unit:{t.Lead}", DateTimeOffset.UtcNow, CancellationToken.None, [ReviewData.SitePhoto("现场照片.png", SKColors.SteelBlue)]);
        using var department = host.Client();
        var link = Link(t.Lead);
        var applied = await ConsoleHost.PostFormAsync(department, link, $"{link}/milestones/{t.Milestone}/complete", new Dictionary<string, string> { ["note"] = "已通过竣工验收" });
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        Assert.EndsWith($"?done=applied&m={t.Milestone}#m{t.Milestone}", applied.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var again = await ConsoleHost.PostFormAsync(department, link, $"{link}/milestones/{t.Milestone}/complete", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("正在等待督查室审核", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("open", await QueryAsync<string>("select status from milestones where id = @Milestone", new { t.Milestone }));

        using var supervisor = await host.LoggedInAsync("supervisor");
        var id = await QueryAsync<long>("select id from completion_applications where milestone_id = @Milestone", new { t.Milestone });
        var queue = await supervisor.GetStringAsync("/review");
        var section = queue[queue.IndexOf($"data-application=\"{id}\"", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("</section>", StringComparison.Ordinal)];
        Assert.Contains("建成污水处理厂", section, StringComparison.Ordinal);
        Assert.Contains(t.LeadName, section, StringComparison.Ordinal);
        Assert.Contains("已通过竣工验收", section, StringComparison.Ordinal);
        Assert.Contains("逾期 1 天申请", section, StringComparison.Ordinal);
        var evidence = await QueryAsync<long>("select e.id from evidence e join progress_reports p on p.id = e.progress_report_id where p.milestone_id = @Milestone", new { t.Milestone });
        Assert.Contains($"<img class=\"thumb\" src=\"/evidence/{evidence}\"", section, StringComparison.Ordinal);
        Assert.Equal("image/png", (await supervisor.GetAsync($"/evidence/{evidence}")).Content.Headers.ContentType!.MediaType);
        var overview = await supervisor.GetStringAsync("/");
        Assert.Matches("<a href=\"/review\" class=\"card-link\" data-pending-reviews=\"[1-9][0-9]*\"><div class=\"card yellow\"><div class=\"label\">待审核办结</div>", overview);

        var approve = await ConsoleHost.PostFormAsync(supervisor, "/review", $"/review/{id}/approve", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, approve.StatusCode);
        var row = await QueryAsync<(string Status, DateTime CompletedAt, DateTime AppliedAt)>(
            "select m.status, m.completed_at, a.applied_at from milestones m join completion_applications a on a.milestone_id = m.id where m.id = @Milestone", new { t.Milestone });
        Assert.Equal("done", row.Status);
        Assert.Equal(row.AppliedAt, row.CompletedAt);
        Assert.Equal("supervisor", await QueryAsync<string>("select actor from audit_log where action = 'completion.approve' and target = @target", new { target = $"milestone:{t.Milestone}" }));
        Assert.DoesNotContain($"data-application=\"{id}\"", await supervisor.GetStringAsync("/review"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PastDueMilestoneAwaitingReview_TheTaskListSaysAwaitingReviewAndOverdue_InRed_AsItsLightIs()
    {
        var t = await ReviewData.TaskAsync(host.Database.DataSource, "验收排水管网改造工程", Today.AddDays(-10));
        using var department = host.Client();
        var link = Link(t.Lead);
        var applied = await ConsoleHost.PostFormAsync(department, link, $"{link}/milestones/{t.Milestone}/complete", new Dictionary<string, string> { ["note"] = "已验收" });
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);

        using var supervisor = await host.LoggedInAsync("supervisor");
        var list = await supervisor.GetStringAsync("/tasks");
        var at = list.IndexOf($">验收排水管网改造工程</a>", StringComparison.Ordinal);
        Assert.True(at > 0, "the task is not in the list");
        var row = list[list.LastIndexOf("<tr", at, StringComparison.Ordinal)..list.IndexOf("</tr>", at, StringComparison.Ordinal)];
        Assert.Matches("<td class=\"red\">待审核，已逾期[0-9]+个工作日（10天）</td>", row);
        Assert.Contains("红灯", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnWithoutAReason_IsRefusedInChinese_NothingChanges_ThenAReasonReturnsIt()
    {
        var t = await ReviewData.TaskAsync(host.Database.DataSource, "完成道路改造", Today.AddDays(5));
        var application = await host.Services.GetRequiredService<ProgressStore>().ApplyAsync(
            t.Milestone, t.Lead, null, null, "link", $"link:unit:{t.Lead}", DateTimeOffset.UtcNow, CancellationToken.None);
        using var supervisor = await host.LoggedInAsync("supervisor");

        var refused = await ConsoleHost.PostFormAsync(supervisor, "/review", $"/review/{application}/return", new Dictionary<string, string> { ["reason"] = "   " });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("请填写退回理由", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("pending", await QueryAsync<string>("select state from completion_applications where id = @application", new { application }));
        Assert.Equal(0, await QueryAsync<int>("select count(*)::int from audit_log where action = 'completion.return' and target = @target", new { target = $"milestone:{t.Milestone}" }));

        var returned = await ConsoleHost.PostFormAsync(supervisor, "/review", $"/review/{application}/return", new Dictionary<string, string> { ["reason"] = "路面验收资料不全" });
        Assert.Equal(HttpStatusCode.Redirect, returned.StatusCode);
        Assert.Equal(("returned", "路面验收资料不全", "supervisor"), await QueryAsync<(string, string, string)>(
            "select state, return_reason, decided_by from completion_applications where id = @application", new { application }));
        var taskPage = await supervisor.GetStringAsync($"/tasks/{t.Task}");
        Assert.Contains("已退回</a>：路面验收资料不全", taskPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CoUnit_CannotApply_ByLinkOrToken_AndALeadUnitsTokenGetsAnApplication()
    {
        var t = await ReviewData.TaskAsync(host.Database.DataSource, "推进智慧园区建设", Today.AddDays(3));
        using var client = host.Client();
        var coLink = Link(t.Co);
        var refused = await ConsoleHost.PostFormAsync(client, coLink, $"{coLink}/milestones/{t.Milestone}/complete", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("只有牵头单位", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var admin = await ConsoleHost.WithAntiforgeryHeaderAsync(await host.LoggedInAsync("admin"));
        async Task<HttpClient> Bearer(long unit)
        {
            var created = await admin.PostAsJsonAsync($"/api/units/{unit}/tokens", new { name = $"system-{unit}" });
            var system = host.Client();
            system.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
            return system;
        }

        using var coSystem = await Bearer(t.Co);
        Assert.Equal(HttpStatusCode.Forbidden, (await coSystem.PostAsync($"/api/milestones/{t.Milestone}/complete", null)).StatusCode);
        Assert.Equal(0, await QueryAsync<int>("select count(*)::int from completion_applications where milestone_id = @Milestone", new { t.Milestone }));

        using var leadSystem = await Bearer(t.Lead);
        var accepted = await leadSystem.PostAsync($"/api/milestones/{t.Milestone}/complete", null);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var body = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pending", body.GetProperty("state").GetString());
        var milestone = await leadSystem.GetFromJsonAsync<JsonElement>($"/api/milestones?unit={t.Lead}");
        Assert.Equal("pending", milestone.EnumerateArray().Single(m => m.GetProperty("id").GetInt64() == t.Milestone).GetProperty("reviewState").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await leadSystem.PostAsync($"/api/milestones/{t.Milestone}/complete", null)).StatusCode);

        // Each unit's page says whose application it is; only the lead unit's counts it as its own 待审核.
        var leadPage = await client.GetStringAsync(Link(t.Lead));
        Assert.Contains("办结申请已提交，待督查室审核。", leadPage, StringComparison.Ordinal);
        Assert.Contains("<li class=\"blue\">待审核 1 项</li>", leadPage, StringComparison.Ordinal);
        var coPage = await client.GetStringAsync(coLink);
        Assert.Contains("牵头单位已申请办结，待督查室审核。", coPage, StringComparison.Ordinal);
        Assert.DoesNotContain("待审核 1 项", coPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaffEnterAUnitsPhoneCall_OnTheTaskPage_AuditedAsEnteredOnItsBehalf()
    {
        var t = await ReviewData.TaskAsync(host.Database.DataSource, "完成农贸市场改造", Today.AddDays(2));
        using var supervisor = await host.LoggedInAsync("supervisor");
        var page = $"/tasks/{t.Task}";
        Assert.Contains("代单位录入", await supervisor.GetStringAsync(page), StringComparison.Ordinal);
        async Task<HttpResponseMessage> Post(string action, long unit, params (string, string)[] fields)
        {
            var values = fields.ToDictionary(f => f.Item1, f => f.Item2);
            values["unit"] = unit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            values["milestone"] = t.Milestone.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return await ConsoleHost.PostFormAsync(supervisor, page, $"{page}/on-behalf/{action}", values);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await Post("acknowledge", t.Lead)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Post("progress", t.Co, ("percent", "40"), ("note", "电话报送：配合完成摊位测绘"))).StatusCode);
        var coApply = await Post("apply", t.Co, ("note", "x"));
        Assert.Equal(HttpStatusCode.Forbidden, coApply.StatusCode);
        Assert.Contains("只有牵头单位可以申请办结", await coApply.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var apply = await Post("apply", t.Lead, ("note", "电话报送：已完工"));
        Assert.Equal($"{page}?done=applied", apply.Headers.Location!.OriginalString);

        Assert.Equal(("console", t.Lead), await QueryAsync<(string, long)>("select source, unit_id from acknowledgements where milestone_id = @Milestone", new { t.Milestone }));
        Assert.Equal((40, t.Co), await QueryAsync<(int, long)>("select percent, unit_id from progress_reports where milestone_id = @Milestone and percent = 40", new { t.Milestone }));
        Assert.Equal(("pending", t.Lead, "supervisor", "console"), await QueryAsync<(string, long, string, string)>(
            "select state, unit_id, applied_by, source from completion_applications where milestone_id = @Milestone", new { t.Milestone }));
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        var audit = (await connection.QueryAsync<(string Action, string Actor, string? Details)>(
            "select action, actor, details::text from audit_log where target = @target order by id", new { target = $"milestone:{t.Milestone}" })).ToList();
        Assert.Equal(["milestone.acknowledge", "milestone.progress", "completion.apply"], audit.Select(a => a.Action).ToArray());
        Assert.All(audit, a => Assert.Equal("supervisor", a.Actor));
        Assert.Equal($"代 {t.LeadName} 录入", JsonDocument.Parse(audit[0].Details!).RootElement.GetProperty("entered").GetString());
        Assert.Equal($"代 {t.CoName} 录入", JsonDocument.Parse(audit[1].Details!).RootElement.GetProperty("entered").GetString());
        Assert.Equal($"代 {t.LeadName} 录入", JsonDocument.Parse(audit[2].Details!).RootElement.GetProperty("entered").GetString());
    }

    [Fact]
    public async Task Viewer_CannotOpenOrDecideTheQueue()
    {
        using var viewer = await host.LoggedInAsync("viewer");
        var denied = await viewer.GetAsync("/review");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Contains("/denied", denied.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var t = await ReviewData.TaskAsync(host.Database.DataSource, "查看权限测试", Today);
        var id = await host.Services.GetRequiredService<ProgressStore>().ApplyAsync(
            t.Milestone, t.Lead, null, null, "link", $"link:unit:{t.Lead}", DateTimeOffset.UtcNow, CancellationToken.None);
        var decide = await ConsoleHost.PostFormAsync(viewer, "/tasks", $"/review/{id}/approve", new Dictionary<string, string>());
        Assert.NotEqual(HttpStatusCode.OK, decide.StatusCode);
        Assert.Equal("pending", await QueryAsync<string>("select state from completion_applications where id = @id", new { id }));
        Assert.DoesNotContain("href=\"/review\"", await viewer.GetStringAsync("/tasks"), StringComparison.Ordinal);
    }
}
