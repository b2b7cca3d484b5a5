using System.Text;
using Dapper;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Infrastructure.Import;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.IntegrationTests.Web;

/// <summary>Two plans in one database, as an office runs them: 民生实事 and 重点项目, with one unit in both.</summary>
public sealed class PlansApartFixture : IAsyncLifetime
{
    public const string Livelihood = "2026年民生实事项目";
    public const string Projects = "2026年重点项目推进方案";

    public ConsoleHost Host { get; } = new();

    public long LivelihoodId { get; private set; }

    public long ProjectsId { get; private set; }

    public async Task InitializeAsync()
    {
        await Host.InitializeAsync();
        var dir = Directory.CreateTempSubdirectory("plans-");
        try
        {
            LivelihoodId = await ImportAsync(dir.FullName, Livelihood, """
                2026年民生实事项目

                1.新建城区幼儿园2所，6月底前完成。(责任领导:刘洋;牵头单位:区教育局;责任单位:区卫健委)

                2.改造老旧小区10个，年底前完成。(责任领导:刘洋;牵头单位:区住建局)
                """);
            ProjectsId = await ImportAsync(dir.FullName, Projects, """
                2026年重点项目推进方案

                1.建成区职业教育中心，5月底前完成。(责任领导:陈明;牵头单位:区教育局)

                2.完成城东快速路建设，9月底前完成。(责任领导:陈明;牵头单位:区交通运输局;责任单位:区住建局)
                """);
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        // One of each plan's past milestones done on time, so the rates are not all zero.
        await using var c = await Host.Database.DataSource.OpenConnectionAsync();
        await c.ExecuteAsync("""
            update milestones m set status = 'done', completed_at = (m.due_date - 1)::timestamp at time zone 'Asia/Shanghai'
            where m.id in (select distinct on (t.plan_id) m2.id from milestones m2 join tasks t on t.id = m2.task_id
                           where m2.due_date < current_date order by t.plan_id, m2.due_date)
            """);
    }

    private async Task<long> ImportAsync(string dir, string title, string text)
    {
        var path = Path.Combine(dir, title + ".txt");
        await File.WriteAllTextAsync(path, text, Encoding.UTF8);
        var result = await Host.Services.GetRequiredService<PlanImportService>().ImportAsync(
            new PlanImportRequest(path, 2026, title, PlanFileFormat.Auto, DryRun: false), CancellationToken.None);
        return result.Summary!.PlanId;
    }

    public Task DisposeAsync() => Host.DisposeAsync();
}

public sealed class PlansApartTests(PlansApartFixture fixture) : IClassFixture<PlansApartFixture>
{
    private ConsoleHost Host => fixture.Host;

    private SupervisionEngine Engine => Host.Services.GetRequiredService<SupervisionEngine>();

    private DateOnly Today => Engine.LocalDate(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Rates_PerPlan_AddUpToTheAllPlansRanking_UnitByUnit()
    {
        var all = await Engine.RatesAsync(Today, CancellationToken.None);
        var livelihood = await Engine.RatesAsync(Today, fixture.LivelihoodId, CancellationToken.None);
        var projects = await Engine.RatesAsync(Today, fixture.ProjectsId, CancellationToken.None);

        // Each plan ranks only its own units: 区交通运输局 has nothing in 民生实事, 区卫健委 nothing in 重点项目.
        Assert.DoesNotContain(livelihood, r => r.Unit == "区交通运输局");
        Assert.DoesNotContain(projects, r => r.Unit == "区卫健委");
        Assert.Equal(all.Select(r => r.Unit).Order(), livelihood.Concat(projects).Select(r => r.Unit).Distinct().Order());
        foreach (var unit in all)
        {
            var parts = livelihood.Concat(projects).Where(r => r.UnitId == unit.UnitId).ToList();
            Assert.Equal(unit.Lead.Due, parts.Sum(p => p.Lead.Due));
            Assert.Equal(unit.Lead.OnTime, parts.Sum(p => p.Lead.OnTime));
            Assert.Equal(unit.Lead.Late, parts.Sum(p => p.Lead.Late));
            Assert.Equal(unit.Lead.OverdueOpen, parts.Sum(p => p.Lead.OverdueOpen));
            Assert.Equal(unit.Co.Due, parts.Sum(p => p.Co.Due));
        }

        // 区教育局 leads in both plans: each plan sees only its share.
        var education = all.Single(r => r.Unit == "区教育局");
        Assert.True(education.Lead.Due >= 2, $"区教育局 has {education.Lead.Due} due");
        Assert.InRange(livelihood.Single(r => r.Unit == "区教育局").Lead.Due, 1, education.Lead.Due - 1);
    }

    [Fact]
    public async Task UnitsPage_FilteredByPlan_NamesThePlan_AndListsOnlyItsUnits()
    {
        using var client = await Host.LoggedInAsync("viewer");

        var filtered = await client.GetStringAsync($"/units?plan={fixture.LivelihoodId}");
        var all = await client.GetStringAsync("/units");

        Assert.Contains($"方案：2026 {PlansApartFixture.Livelihood}", filtered, StringComparison.Ordinal);
        Assert.DoesNotContain("区交通运输局", filtered, StringComparison.Ordinal);
        Assert.Contains("方案：全部方案", all, StringComparison.Ordinal);
        Assert.Contains("区交通运输局", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskList_HasAPlanColumnOnlyWhenItListsSeveralPlans()
    {
        using var client = await Host.LoggedInAsync("viewer");

        var filtered = await client.GetStringAsync($"/tasks?plan={fixture.LivelihoodId}");
        var all = await client.GetStringAsync("/tasks");

        Assert.Contains($"方案：2026 {PlansApartFixture.Livelihood}", filtered, StringComparison.Ordinal);
        Assert.DoesNotContain("<th>方案</th>", filtered, StringComparison.Ordinal);
        Assert.Contains("<th>方案</th>", all, StringComparison.Ordinal);
        Assert.Contains($"<td class=\"text\">2026 {PlansApartFixture.Projects}</td>", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exports_NameThePlan_OnEveryRow()
    {
        using var client = await Host.LoggedInAsync("viewer");

        var ranking = Rows(await client.GetByteArrayAsync($"/units/export.xlsx?plan={fixture.ProjectsId}"));
        var allRanking = Rows(await client.GetByteArrayAsync("/units/export.xlsx"));
        var overdue = Rows(await client.GetByteArrayAsync($"/tasks/overdue.xlsx?plan={fixture.ProjectsId}"));
        var allOverdue = Rows(await client.GetByteArrayAsync("/tasks/overdue.xlsx"));

        Assert.Equal("方案", ranking[0][0]);
        Assert.All(ranking.Skip(1), r => Assert.Equal($"2026 {PlansApartFixture.Projects}", r[0]));
        Assert.All(allRanking.Skip(1), r => Assert.Equal("全部方案", r[0]));
        Assert.Equal("方案", overdue[0][0]);
        Assert.NotEmpty(overdue.Skip(1));
        Assert.All(overdue.Skip(1), r => Assert.Equal($"2026 {PlansApartFixture.Projects}", r[0]));
        Assert.Contains(allOverdue.Skip(1), r => r[0] == $"2026 {PlansApartFixture.Livelihood}");
        Assert.True(allOverdue.Count > overdue.Count);
    }

    [Fact]
    public async Task Overview_ShowsTheUnsignedCount_LinkingToTheFilteredTaskList()
    {
        await using var c = await Host.Database.DataSource.OpenConnectionAsync();
        var open = await c.QuerySingleAsync<int>("""
            select count(*)::int from task_units tu
            where exists (select 1 from milestones m where m.task_id = tu.task_id and m.status = 'open')
            """);
        using var client = await Host.LoggedInAsync("viewer");

        var overview = await client.GetStringAsync("/");
        var list = await client.GetStringAsync("/tasks?unsigned=1");

        Assert.Matches($"<a href=\"/tasks\\?unsigned=1\" class=\"card-link\"><div class=\"card yellow\"><div class=\"label\">未签收</div><div class=\"value\">{open}</div>", overview);
        Assert.Contains("仅未签收", list, StringComparison.Ordinal);
        Assert.Contains("新建城区幼儿园", list, StringComparison.Ordinal);
        var units = await client.GetStringAsync("/units");
        Assert.Contains("未签收", units, StringComparison.Ordinal);
        var education = await c.QuerySingleAsync<long>("select id from units where name = '区教育局'");
        Assert.Contains($"href=\"/tasks?unsigned=1&amp;unit={education}\">", units, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DigestPreview_ByPlan_IsTitledWithThePlan()
    {
        using var client = await Host.LoggedInAsync("viewer");

        var bytes = await client.GetByteArrayAsync($"/digests/preview.docx?plan={fixture.LivelihoodId}");

        using var doc = WordprocessingDocument.Open(new MemoryStream(bytes), false);
        var text = doc.MainDocumentPart!.Document!.Body!.InnerText;
        Assert.Contains($"关于《2026 {PlansApartFixture.Livelihood}》推进情况", text, StringComparison.Ordinal);
        Assert.Contains("区教育局", text, StringComparison.Ordinal);
        Assert.DoesNotContain("区交通运输局", text, StringComparison.Ordinal);
    }

    private static IReadOnlyList<IReadOnlyList<string>> Rows(byte[] xlsx) => TabularReader.ReadXlsx(new MemoryStream(xlsx), "export.xlsx");
}
