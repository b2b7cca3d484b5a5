using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Playwright;
using Supervisor.IntegrationTests.Infrastructure;

namespace Supervisor.IntegrationTests.Web;

/// <summary>A real <c>supervisor serve</c> process on a free port, driven by Debian's chromium through Playwright (no browser download).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string UnitName = "浏览器测试局";

    public TestDatabase Db { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public Dictionary<string, string?> Env { get; private set; } = [];

    public IBrowser Browser { get; private set; } = null!;

    public long MilestoneId { get; private set; }

    private Process? _serve;
    private IPlaywright? _playwright;

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        BaseUrl = $"http://127.0.0.1:{ConsoleHost.FreePort()}";
        Env = SupervisorProcess.Env(Db);
        Env["Console__Urls"] = BaseUrl;
        Env["Console__PublicUrl"] = BaseUrl;
        Env["Supervisor__MigrateOnStart"] = "true";
        Env["Supervisor__DataDirectory"] = Path.Combine(Path.GetTempPath(), "supervisor-browser-" + Db.Name);
        _serve = Process.Start(SupervisorProcess.StartInfo(["serve"], Env))!;
        _serve.OutputDataReceived += (_, _) => { };
        _serve.ErrorDataReceived += (_, _) => { };
        _serve.BeginOutputReadLine();
        _serve.BeginErrorReadLine();
        await WaitReadyAsync();

        foreach (var args in new[]
        {
            new[] { "units", "import", Path.Combine(RepoFiles.Root, "demo", "units.csv") },
            ["leaders", "import", Path.Combine(RepoFiles.Root, "demo", "leaders.csv")],
            ["import", Path.Combine(RepoFiles.Root, "demo", "plan-2026.txt"), "--year", "2026"],
        })
        {
            var run = await SupervisorProcess.RunAsync(args, Env);
            Assert.True(run.ExitCode == 0, run.StdErr);
        }

        var withPassword = new Dictionary<string, string?>(Env) { ["SUPERVISOR_PASSWORD"] = ConsoleHost.Password };
        foreach (var role in new[] { "admin", "viewer" })
        {
            var add = await SupervisorProcess.RunAsync(["users", "add", role, "--role", role], withPassword);
            Assert.True(add.ExitCode == 0, add.StdErr);
        }

        MilestoneId = await AddDueSoonUnitAsync();
        await SnapshotsAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_serve is { HasExited: false })
        {
            _serve.Kill(entireProcessTree: true);
            await _serve.WaitForExitAsync();
        }

        _serve?.Dispose();
        await Db.DisposeAsync();
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_serve!.HasExited, "serve exited during start-up");
            try
            {
                if ((await http.GetAsync(BaseUrl + "/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("serve did not become ready");
    }

    /// <summary>A unit whose only lead milestone is due on the next working day: yellow until it is done.</summary>
    private async Task<long> AddDueSoonUnitAsync()
    {
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        var days = (await connection.QueryAsync<(DateTime Day, string Kind)>("select day, kind from calendar_days")).ToDictionary(d => DateOnly.FromDateTime(d.Day), d => d.Kind);
        var due = today.AddDays(1);
        while (days.TryGetValue(due, out var kind) ? kind == "holiday" : due.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            due = due.AddDays(1);
        }

        const string sql = """
            with u as (insert into units (name, created_at) values (@unit, now()) returning id),
            p as (insert into plans (year, title, imported_at, updated_at) values (@year, '浏览器测试方案', now(), now()) returning id),
            t as (insert into tasks (plan_id, code, title, full_text, position, created_at, updated_at, deadline)
                  select p.id, '1', '完成测试任务', '完成测试任务（浏览器测试局牵头）', 1, now(), now(), @due from p returning id),
            tu as (insert into task_units (task_id, unit_id, role) select t.id, u.id, 'lead' from t, u)
            insert into milestones (task_id, key, kind, title, due_date, original_due_date, created_at, updated_at)
            select t.id, 'completion', 'completion', '完成测试任务', @due, @due, now(), now() from t
            returning id
            """;
        return await connection.ExecuteScalarAsync<long>(sql, new { unit = UnitName, year = due.Year, due });
    }

    /// <summary>
    /// Some history, so the screenshots show something: two in three past milestones of the demo plan completed on their
    /// due day (through the same ProgressStore the CLI uses), then real rate snapshots of past days (the engine as of each day).
    /// </summary>
    private async Task SnapshotsAsync()
    {
        await using var services = TestServices.Create(Db);
        var engine = (Supervisor.Infrastructure.Postgres.SupervisionEngine)services.GetService(typeof(Supervisor.Infrastructure.Postgres.SupervisionEngine))!;
        var progress = (Supervisor.Infrastructure.Postgres.ProgressStore)services.GetService(typeof(Supervisor.Infrastructure.Postgres.ProgressStore))!;
        var today = engine.LocalDate(DateTimeOffset.UtcNow);
        await using (var connection = await Db.DataSource.OpenConnectionAsync())
        {
            var past = await connection.QueryAsync<(long Id, DateTime Due)>(
                "select id, due_date::timestamp from milestones where due_date < @today order by id", new { today });
            foreach (var (id, due) in past.Where((_, i) => i % 3 != 0))
            {
                var local = DateOnly.FromDateTime(due).ToDateTime(new TimeOnly(10, 0));
                await progress.CompleteAsync(id, new DateTimeOffset(local, engine.Zone.GetUtcOffset(local)), engine.Zone, "cli", "demo", CancellationToken.None);
            }
        }

        for (var day = today.AddDays(-150); day < today; day = day.AddDays(10))
        {
            await engine.SnapshotAsync(day, CancellationToken.None);
        }
    }
}

public sealed class BrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>
    /// docs/screenshots (the README's pictures) only when SUPERVISOR_UPDATE_SCREENSHOTS=1, so an ordinary test run
    /// leaves the checkout clean; otherwise .data/screenshots.
    /// </summary>
    private static string Screenshots => Environment.GetEnvironmentVariable("SUPERVISOR_UPDATE_SCREENSHOTS") == "1"
        ? Path.Combine(RepoFiles.Root, "docs", "screenshots")
        : Path.Combine(RepoFiles.Root, ".data", "screenshots");

    private async Task<IPage> LoggedInAsync(string user)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 900 }, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.BaseUrl + "/");
        Assert.EndsWith("/login?ReturnUrl=%2F", page.Url, StringComparison.Ordinal);
        await page.FillAsync("input[name=name]", user);
        await page.FillAsync("input[name=password]", ConsoleHost.Password);
        await page.ClickAsync("form.login button[type=submit]");

        // Web-first waits (polling what the page shows) rather than WaitForURL, which after a redirect that has already
        // landed sometimes waited for a load event it had missed (seen twice under full-suite load).
        await Assertions.Expect(page).ToHaveURLAsync(fixture.BaseUrl + "/", new PageAssertionsToHaveURLOptions { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("总览", new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        return page;
    }

    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }

    [Fact]
    public async Task LogIn_TheOverviewShowsChineseText()
    {
        var page = await LoggedInAsync("viewer");
        Assert.Equal("总览", (await page.Locator("h1").InnerTextAsync()).Trim());
        var text = await page.Locator("main").InnerTextAsync();
        Assert.Contains("按期完成率走势", text, StringComparison.Ordinal);
        Assert.Contains("作业运行状况", text, StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("svg.trend").CountAsync());
        await ShotAsync(page, "overview");

        await page.ClickAsync("header nav a:text-is('单位')");
        await Assertions.Expect(page).ToHaveURLAsync(fixture.BaseUrl + "/units", new PageAssertionsToHaveURLOptions { Timeout = 30_000 });
        Assert.Contains("按期完成率", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync(page, "units");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Admin_SeesARunByHandOnTheJobsPage_ThenPausesAndResumesTheJob()
    {
        var page = await LoggedInAsync("admin");
        await page.GotoAsync(fixture.BaseUrl + "/jobs");
        // "Trigger now" lives on the Hangfire Dashboard (DashboardTests); a run by hand is recorded the same way.
        var runs = page.Locator("#runs-rates-snapshot tbody tr:has-text('手动'):has-text('成功')");
        var before = await runs.CountAsync();
        var run = await SupervisorProcess.RunAsync(["job", "run", "rates-snapshot"], fixture.Env);
        Assert.True(run.ExitCode == 0, run.StdErr);
        await page.GotoAsync(fixture.BaseUrl + "/jobs");

        Assert.Equal(before + 1, await runs.CountAsync());

        // Pause and resume each redirect back to the same /jobs#rates-snapshot: wait for what the admin sees (the state
        // label) rather than for a URL that may already match before the redirect lands.
        var state = page.Locator("span.state[data-job='rates-snapshot']");
        await page.ClickAsync("form[action='/jobs/rates-snapshot/pause'] button");
        await Assertions.Expect(state).ToHaveTextAsync("已暂停", new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        await page.ClickAsync("form[action='/jobs/rates-snapshot/resume'] button");
        await Assertions.Expect(state).ToHaveTextAsync("正常", new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        Assert.Equal(1, await page.Locator("form[action='/jobs/rates-snapshot/pause'] button").CountAsync());
        await ShotAsync(page, "jobs");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task SignedLink_ReportsProgress_AndMarksDone_AndTheUnitsLightTurnsGreen()
    {
        var viewer = await LoggedInAsync("viewer");
        var row = viewer.Locator($"tr:has(a:text-is('{BrowserFixture.UnitName}'))");
        await viewer.GotoAsync(fixture.BaseUrl + "/units");
        Assert.Contains("黄灯", await row.InnerTextAsync(), StringComparison.Ordinal);

        var link = await SupervisorProcess.RunAsync(["link", "--unit", BrowserFixture.UnitName], fixture.Env);
        Assert.True(link.ExitCode == 0, link.StdErr);
        var url = link.StdOut.Trim();
        Assert.StartsWith(fixture.BaseUrl + "/u/", url, StringComparison.Ordinal);

        var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(url);
        Assert.Equal(BrowserFixture.UnitName, (await page.Locator("h1").InnerTextAsync()).Trim());
        var milestone = page.Locator($"section[data-milestone='{fixture.MilestoneId.ToString(CultureInfo.InvariantCulture)}']");
        await milestone.Locator("input[name=percent]").FillAsync("80");
        await milestone.Locator("input[name=note]").FillAsync("主体工作已完成八成");
        await milestone.Locator("button:text-is('报送进展')").ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("进展已报送", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        Assert.Contains("80%", await milestone.InnerTextAsync(), StringComparison.Ordinal);

        // The page is already at ?done=…: wait for the new notice, not for a URL that matches before the redirect lands.
        // 办结 is an application (Supervision:CompletionNeedsReview): the unit stays yellow until the office's 销号.
        await milestone.Locator("button:text-is('标记办结')").ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("待督查室审核", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await context.CloseAsync();

        var office = await LoggedInAsync("admin");
        await office.GotoAsync(fixture.BaseUrl + "/review");
        var application = office.Locator($"section.application:has(a:text-is('1 完成测试任务'))");
        await application.Locator("button:text-is('销号')").ClickAsync();
        await Assertions.Expect(office.Locator(".notice")).ToContainTextAsync("已销号", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await office.Context.CloseAsync();

        await viewer.GotoAsync(fixture.BaseUrl + "/units");
        Assert.Contains("绿灯", await row.InnerTextAsync(), StringComparison.Ordinal);

        await using var connection = await fixture.Db.DataSource.OpenConnectionAsync();
        Assert.Equal(80, await connection.QuerySingleAsync<int>("select percent from progress_reports where milestone_id = @id and source = 'link'", new { id = fixture.MilestoneId }));
        await viewer.Context.CloseAsync();
    }

    /// <summary>
    /// The office's 待审核 queue with three applications (photos, a late one): usable at desktop width and on a 390-px
    /// phone; the office approves one (销号) and returns another with a reason (退回); both leave the queue.
    /// </summary>
    [Fact]
    public async Task ReviewQueue_ShowsApplicationsWithPhotos_TheOfficeApprovesOneAndReturnsAnother()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        await using (var services = TestServices.Create(fixture.Db))
        {
            var progress = (Supervisor.Infrastructure.Postgres.ProgressStore)services.GetService(typeof(Supervisor.Infrastructure.Postgres.ProgressStore))!;
            async Task ApplyAsync(string title, DateOnly due, string note, params Supervisor.Core.Evidence.EvidenceFile[] photos)
            {
                var t = await Review.ReviewData.TaskAsync(fixture.Db.DataSource, title, due);
                await progress.ApplyAsync(t.Milestone, t.Lead, note, photos, "link", $"link:unit:{t.Lead}", DateTimeOffset.UtcNow, CancellationToken.None);
            }

            await ApplyAsync("建成城区污水处理厂二期", today.AddDays(3), "主体工程已完工并通过竣工验收，附现场照片。",
                Review.ReviewData.SitePhoto("厂区全景.png", SkiaSharp.SKColors.SteelBlue), Review.ReviewData.SitePhoto("设备安装.png", SkiaSharp.SKColors.SlateGray));
            await ApplyAsync("完成老旧小区改造12个", today.AddDays(-4), "12个小区改造全部完成，居民回迁。", Review.ReviewData.SitePhoto("小区外立面.png", SkiaSharp.SKColors.IndianRed));
            await ApplyAsync("建设智慧停车平台", today.AddDays(10), "平台已上线试运行。");
        }

        var page = await LoggedInAsync("admin");
        await page.ClickAsync("header nav a:text-is('待审核')");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("待审核", new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        var late = page.Locator("section.application:has-text('完成老旧小区改造12个')");
        Assert.Contains("逾期 4 天申请", await late.InnerTextAsync(), StringComparison.Ordinal);
        var thumbs = page.Locator("section.application:has-text('建成城区污水处理厂二期') img.thumb");
        Assert.Equal(2, await thumbs.CountAsync());
        Assert.True(await thumbs.First.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the evidence thumbnail did not load");
        await ShotAsync(page, "review-queue");

        // On a phone: nothing wider than the screen, the buttons reachable.
        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the queue scrolls sideways at 390 px");
        Assert.True(await page.Locator("section.application button:text-is('销号')").First.IsVisibleAsync());
        await ShotAsync(page, "review-queue-390");
        await page.SetViewportSizeAsync(1366, 900);

        await page.Locator("section.application:has-text('建成城区污水处理厂二期') button:text-is('销号')").ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("已销号", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        await late.Locator("input[name=reason]").FillAsync("照片未显示改造后的屋面，请补充");
        await late.Locator("button:text-is('退回')").ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("已退回", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        Assert.Equal(1, await page.Locator("section.application").CountAsync());
        var decided = await page.Locator("section:has(h2:text-is('最近处理'))").InnerTextAsync();
        Assert.Contains("已销号", decided, StringComparison.Ordinal);
        Assert.Contains("照片未显示改造后的屋面，请补充", decided, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }
}
