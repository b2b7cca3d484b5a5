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

    /// <summary>The test unit's milestones: lead on two tasks (due today; due on the next working day), co on one long overdue.</summary>
    public (long DueToday, long DueNext, long OverdueCo) Milestones { get; private set; }

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

        Milestones = await AddTestUnitAsync();
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

    /// <summary>
    /// A unit of its own plan: lead unit of 完成测试任务 (due today: counted as due, nothing done, so its on-time rate is 0%
    /// and it is red) and of 整理验收材料 (due on the next working day: due soon, yellow), and co unit of 清理历史欠账,
    /// overdue since 40 days ago (shown to it, not counted in its assessed rates).
    /// </summary>
    private async Task<(long DueToday, long DueNext, long OverdueCo)> AddTestUnitAsync()
    {
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        var days = (await connection.QueryAsync<(DateTime Day, string Kind)>("select day, kind from calendar_days")).ToDictionary(d => DateOnly.FromDateTime(d.Day), d => d.Kind);
        var next = today.AddDays(1);
        while (days.TryGetValue(next, out var kind) ? kind == "holiday" : next.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            next = next.AddDays(1);
        }

        var unit = await connection.ExecuteScalarAsync<long>("insert into units (name, created_at) values (@unit, now()) returning id", new { unit = UnitName });
        var other = await connection.ExecuteScalarAsync<long>("insert into units (name, created_at) values ('浏览器测试牵头局', now()) returning id");
        var plan = await connection.ExecuteScalarAsync<long>(
            "insert into plans (year, title, imported_at, updated_at) values (@year, '浏览器测试方案', now(), now()) returning id", new { year = today.Year });
        async Task<long> TaskAsync(int position, string title, DateOnly due, long lead, long? co)
        {
            const string sql = """
                with t as (insert into tasks (plan_id, code, title, full_text, position, created_at, updated_at, deadline)
                           values (@plan, @code, @title, @title, @position, now(), now(), @due) returning id),
                l as (insert into task_units (task_id, unit_id, role, position) select t.id, @lead, 'lead', 0 from t),
                c as (insert into task_units (task_id, unit_id, role, position) select t.id, @co, 'co', 1 from t where @co::bigint is not null)
                insert into milestones (task_id, key, kind, title, due_date, original_due_date, created_at, updated_at)
                select t.id, 'completion', 'completion', @title, @due, @due, now(), now() from t
                returning id
                """;
            return await connection.ExecuteScalarAsync<long>(sql, new { plan, code = position.ToString(CultureInfo.InvariantCulture), title, position, due, lead, co });
        }

        return (await TaskAsync(1, "完成测试任务", today, unit, null), await TaskAsync(2, "整理验收材料", next, unit, null),
            await TaskAsync(3, "清理历史欠账", today.AddDays(-40), other, unit));
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
                """
                select m.id, m.due_date::timestamp from milestones m join tasks t on t.id = m.task_id join plans p on p.id = t.plan_id
                where m.due_date < @today and p.title <> '浏览器测试方案' order by m.id
                """, new { today });
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

public sealed partial class BrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
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

    /// <summary>
    /// The department's loop on a phone (390×844): open the signed link, report progress with a photo, apply for 办结 on
    /// two tasks; the office approves one and returns the other with a reason in the 待审核 queue; the unit's page then
    /// shows 已办结 and 已退回 with the reason, and the unit's on-time rate and light follow (red at 0% with an item due
    /// today, yellow once it is closed on time and only an item due soon is left). Nothing scrolls sideways and every
    /// button and fold is at least 44 px tall.
    /// </summary>
    [Fact]
    public async Task UnitOnAPhone_ReportsWithAPhoto_AppliesForCompletion_AndSeesTheOfficesDecisions_WhileRatesAndLightFollow()
    {
        var (dueToday, dueNext, overdueCo) = fixture.Milestones;
        var office = await LoggedInAsync("admin");
        var row = office.Locator($"tr:has(a:text-is('{BrowserFixture.UnitName}'))");
        await office.GotoAsync(fixture.BaseUrl + "/units");
        var before = await row.InnerTextAsync();
        Assert.Contains("红灯", before, StringComparison.Ordinal);
        Assert.Contains("0.0%", before, StringComparison.Ordinal);

        var link = await SupervisorProcess.RunAsync(["link", "--unit", BrowserFixture.UnitName], fixture.Env);
        Assert.True(link.ExitCode == 0, link.StdErr);
        var url = link.StdOut.Trim();
        var phone = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, DeviceScaleFactor = 1, Locale = "zh-CN",
        });
        var page = await phone.NewPageAsync();
        await page.GotoAsync(url);
        Assert.Equal(BrowserFixture.UnitName, (await page.Locator("h1").InnerTextAsync()).Trim());
        await AssertFitsAPhoneAsync(page);

        // The co task, overdue for 40 days, comes first and says how late in working and calendar days; no 办结 for a co unit.
        var first = page.Locator("section.task").First;
        Assert.Matches("已逾期[0-9]+个工作日（40天）", await first.Locator($"li[data-milestone='{overdueCo}'] .status").InnerTextAsync());
        Assert.Equal(0, await first.Locator("summary:text-is('申请办结')").CountAsync());

        // 报送进展 with a photo, once for the task.
        var taskA = page.Locator($"section.task:has(li[data-milestone='{dueToday}'])");
        var report = taskA.Locator("details.report");
        await report.Locator("summary:text-is('报送进展')").ClickAsync();
        await report.Locator("input[name=percent]").FillAsync("100");
        await report.Locator("textarea[name=note]").FillAsync("测试任务已全部完成，附现场照片");
        await report.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "现场照片.png", MimeType = "image/png", Buffer = Photo });
        await AssertFitsAPhoneAsync(page);
        await report.Locator("button:text-is('报送进展')").ClickAsync();
        await Assertions.Expect(taskA.Locator(".notice")).ToContainTextAsync("进展已报送（附佐证材料 1 个）", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        Assert.EndsWith("#" + await taskA.GetAttributeAsync("id"), page.Url, StringComparison.Ordinal);
        Assert.Contains("100%", await taskA.Locator(".schedule").InnerTextAsync(), StringComparison.Ordinal);

        // 申请办结 behind its confirmation, on both lead tasks.
        foreach (var milestone in new[] { dueToday, dueNext })
        {
            var item = page.Locator($"li[data-milestone='{milestone}']");
            await item.Locator("summary:text-is('申请办结')").ClickAsync();
            await item.Locator("button:text-is('确认申请办结')").ClickAsync();
            await Assertions.Expect(page.Locator($"li[data-milestone='{milestone}'] .status")).ToHaveTextAsync("待审核", new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        }

        // The office: 销号 one, 退回 the other with a reason.
        await office.GotoAsync(fixture.BaseUrl + "/review");
        var approve = office.Locator("section.application:has-text('完成测试任务')");
        await approve.Locator("button:text-is('销号')").ClickAsync();
        await Assertions.Expect(office.Locator(".notice")).ToContainTextAsync("已销号", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        var giveBack = office.Locator("section.application:has-text('整理验收材料')");
        await giveBack.Locator("input[name=reason]").FillAsync("验收材料缺少签字页，请补齐后再申请");
        await giveBack.Locator("button:text-is('退回')").ClickAsync();
        await Assertions.Expect(office.Locator(".notice")).ToContainTextAsync("已退回", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });

        // The unit's page: 已退回 with the reason at the returned item, 已办结 for the approved one (folded with done tasks).
        await page.GotoAsync(url);
        var returned = page.Locator($"li[data-milestone='{dueNext}']");
        Assert.Contains("已退回：验收材料缺少签字页，请补齐后再申请", await returned.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await returned.Locator("summary:text-is('申请办结')").CountAsync());
        await page.Locator("summary:has-text('已全部办结的任务')").ClickAsync();
        Assert.Equal("已办结", (await page.Locator($"li[data-milestone='{dueToday}'] .status").InnerTextAsync()).Trim());
        await AssertFitsAPhoneAsync(page);
        await ShotAsync(page, "unit-phone");
        await page.SetViewportSizeAsync(360, 740);
        await AssertFitsAPhoneAsync(page);
        await phone.CloseAsync();

        // The rates and the light follow: the item due today closed on time (100%), only an item due soon left (yellow).
        await office.GotoAsync(fixture.BaseUrl + "/units");
        var after = await row.InnerTextAsync();
        Assert.Contains("黄灯", after, StringComparison.Ordinal);
        Assert.Contains("100.0%", after, StringComparison.Ordinal);
        await office.Context.CloseAsync();

        await using var connection = await fixture.Db.DataSource.OpenConnectionAsync();
        Assert.Equal(1, await connection.QuerySingleAsync<int>("""
            select count(*)::int from evidence e join progress_reports p on p.id = e.progress_report_id where p.milestone_id = @dueToday and e.media_type = 'image/png'
            """, new { dueToday }));
    }

    /// <summary>
    /// A reminder e-mail really sent (scan, unit digest, dispatch to the pickup folder) links each item to
    /// <c>/u/{token}#m{milestone}</c>. Opened on a phone, the link to the item furthest down the unit's long page lands
    /// with that milestone inside the 390×844 viewport, its title and its task's card painted there — not a blank
    /// screen. (A headless <c>chromium --screenshot</c> of such a link comes out blank: that tool draws the document
    /// from the top while only the tiles around the scrolled-to position are rastered; a browser shows the item.)
    /// </summary>
    [Fact]
    public async Task ReminderLinkToAMilestoneFarDownAUnitsPage_OpensOnAPhoneWithThatMilestoneInView()
    {
        const string unit = "县发展和改革局";
        const string liaison = "fgj.liaison@qingxi.example.cn";
        var mail = Path.Combine(fixture.Env["Supervisor__DataDirectory"]!, "mail");

        // The last working day at 09:00 (reminders are owed on working days only).
        await using (var connection = await fixture.Db.DataSource.OpenConnectionAsync())
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
            var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
            var kinds = (await connection.QueryAsync<(DateTime Day, string Kind)>("select day, kind from calendar_days")).ToDictionary(d => DateOnly.FromDateTime(d.Day), d => d.Kind);
            while (kinds.TryGetValue(day, out var kind) ? kind == "holiday" : day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                day = day.AddDays(-1);
            }

            var asOf = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T09:00+08:00";
            foreach (var args in new[] { new[] { "scan", "--as-of", asOf }, ["job", "run", "unit-digest", "--as-of", asOf], ["dispatch", "--once"] })
            {
                var run = await SupervisorProcess.RunAsync(args, fixture.Env);
                Assert.True(run.ExitCode == 0, $"{string.Join(' ', args)}: {run.StdErr}");
            }
        }

        // serve's own reminder-dispatch may send it first: either way it lands in the pickup folder.
        MimeKit.MimeMessage? sent = null;
        for (var waited = 0; sent is null && waited < 120; waited++)
        {
            sent = Directory.Exists(mail)
                ? Directory.GetFiles(mail, "*.eml").Select(f => MimeKit.MimeMessage.Load(f)).FirstOrDefault(m => m.To.ToString().Contains(liaison, StringComparison.Ordinal))
                : null;
            if (sent is null)
            {
                await Task.Delay(500);
            }
        }

        Assert.True(sent is not null, $"no reminder e-mail to {liaison} in {mail}");
        var links = AnchoredLink().Matches(sent.TextBody ?? "").Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(links);

        var phone = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, DeviceScaleFactor = 1, Locale = "zh-CN",
        });
        var page = await phone.NewPageAsync();
        await page.GotoAsync(links[0].Split('#')[0]);
        Assert.Equal(unit, (await page.Locator("h1").InnerTextAsync()).Trim());

        // The linked item furthest down the page.
        var offsets = new List<(string Link, double Top)>();
        foreach (var link in links)
        {
            var top = await page.EvaluateAsync<double?>("id => { const e = document.getElementById(id); return e ? e.getBoundingClientRect().top + window.scrollY : null; }", link.Split('#')[1]);
            Assert.True(top is not null, $"{link}: no element with that id on the unit's page");
            offsets.Add((link, top.Value));
        }

        var (far, farTop) = offsets.MaxBy(o => o.Top);
        Assert.True(farTop > 2 * 844, $"the furthest linked item is only {farTop} px down; the test needs a long page");

        var anchored = await phone.NewPageAsync();
        await anchored.GotoAsync(far);
        var milestone = anchored.Locator("#" + far.Split('#')[1]);
        await Assertions.Expect(milestone).ToBeInViewportAsync(new LocatorAssertionsToBeInViewportOptions { Timeout = 30_000 });
        var box = await milestone.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Y >= 0 && box.Y + box.Height <= 844, $"the milestone is at y={box.Y}..{box.Y + box.Height} in an 844 px viewport");
        Assert.True(await anchored.EvaluateAsync<double>("() => window.scrollY") > 844, "the page did not scroll to the milestone");

        // Not blank: the milestone's title is what the screen shows at its place, and its task card is there too.
        var title = milestone.Locator(".mtitle");
        await Assertions.Expect(title).ToBeVisibleAsync();
        Assert.False(string.IsNullOrWhiteSpace(await title.InnerTextAsync()));
        var titleBox = (await title.BoundingBoxAsync())!;
        Assert.True(await anchored.EvaluateAsync<bool>(
            "a => document.getElementById(a.id).contains(document.elementFromPoint(a.x, a.y))",
            new { x = (double)titleBox.X + 5, y = (double)titleBox.Y + (titleBox.Height / 2), id = far.Split('#')[1] }), "the milestone's title is not what the screen shows at its place");
        await Assertions.Expect(anchored.Locator($"section.task:has(#{far.Split('#')[1]})")).ToBeInViewportAsync();
        await AssertFitsAPhoneAsync(anchored);
        Directory.CreateDirectory(Screenshots);
        await anchored.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "unit-phone-anchor.png") });
        await phone.CloseAsync();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"https?://[^\s""<>]+/u/[^\s""<>#]+#m[0-9]+")]
    private static partial System.Text.RegularExpressions.Regex AnchoredLink();

    /// <summary>No sideways scroll, and every button and fold a finger can hit (≥ 44 px tall, as visible now).</summary>
    private static async Task AssertFitsAPhoneAsync(IPage page)
    {
        var scroll = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        var width = await page.EvaluateAsync<int>("() => window.innerWidth");
        Assert.True(scroll <= width, $"the page is {scroll} px wide in a {width} px viewport");
        foreach (var target in await page.Locator("button:visible, summary:visible, input:visible, textarea:visible").AllAsync())
        {
            var box = await target.BoundingBoxAsync();
            Assert.True(box is null || box.Height >= 44, $"{await target.EvaluateAsync<string>("e => e.outerHTML.slice(0, 80)")} is {box?.Height} px tall");
        }
    }

    /// <summary>A small PNG, as a phone's camera hands over a photo (the type is decided from these bytes).</summary>
    private static byte[] Photo => Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAEIElEQVR42g3Msep2UADA4f/lmEwmfQPLWRiklAwsZ2GQUjKwnIVBSsnAchYGKeUqfpf1vc8FPH/8M3ANhIFnEBhEBolBZiANcoPSoDZoDXoDZTAYTAaLwWZwGGiD0+A2eI0//pm4JsLEMwlMIpPEJDORJrlJaVKbtCa9iTIZTCaTxWQzOUy0yWlym7zmL7JwLYSFZxFYRBaJRWYhLXKL0qK2aC16C2UxWEwWi8VmcVhoi9PitnitX2Tj2ggbzyawiWwSm8xG2uQ2pU1t09r0NspmsJlsFpvN5rDRNqfNbfPav8jBdRAOnkPgEDkkDpmDdMgdSofaoXXoHZTD4DA5LA6bw+GgHU6H2+F1fpHAFQiBJwgEkSARZAIpyAWloBa0gl6gBINgEiyCTXAItOAU3IJX/CIf10f4eD6BT+ST+GQ+0if3KX1qn9an91E+g8/ks/hsPoeP9jl9bp/X/0UhbogI8UKCkCgkCclCZEgeUobUIW1IH6JChpApZAnZQo4QHXKG3CFv+Iti3BgR48UEMVFMEpPFyJg8poypY9qYPkbFDDFTzBKzxRwxOuaMuWPe+BeluCkixUsJUqKUJCVLkSl5SplSp7QpfYpKGVKmlCVlSzlSdMqZcqe86S+SuBIh8SSBJJIkkkwiJbmklNSSVtJLlGSQTJJFskkOiZacklvyyl9U4BaIAq8gKIgKkoKsQBbkBWVBXdAW9AWqYCiYCpaCreAo0AVnwV3wFr+owq0QFV5FUBFVJBVZhazIK8qKuqKt6CtUxVAxVSwVW8VRoSvOirvirX5Rg9sgGryGoCFqSBqyBtmQN5QNdUPb0DeohqFhalgatoajQTecDXfD2/yiDrdDdHgdQUfUkXRkHbIj7yg76o62o+9QHUPH1LF0bB1Hh+44O+6Ot/tFClchFJ4iUESKRJEppCJXlIpa0Sp6hVIMikmxKDbFodCKU3ErXvWLRtwRMeKNBCPRSDKSjciRfKQcqUfakX5EjQwj08gyso0cI3rkHLlH3vEXzbgzYsabCWaimWQmm5Ez+Uw5U8+0M/2MmhlmppllZps5ZvTMOXPPvPMvWnFXxIq3EqxEK8lKtiJX8pVypV5pV/oVtTKsTCvLyrZyrOiVc+VeeddftOPuiB1vJ9iJdpKdbEfu5DvlTr3T7vQ7amfYmXaWnW3n2NE758698+6/SONqhMbTBJpIk2gyjdTkmlJTa1pNr1GaQTNpFs2mOTRac2puzat/0YV7IS68i+Aiukgusgt5kV+UF/VFe9FfqIvhYrpYLraL40JfnBf3xXv9ogf3QTx4D8FD9JA8ZA/yIX8oH+qH9qF/UA/Dw/SwPGwPx4N+OB/uh/f5RR/uh/jwPoKP6CP5yD7kR/5RftQf7Uf/oT6Gj+lj+dg+jg/9cX7cH+/3H3lSv86uc7+zAAAAAElFTkSuQmCC");

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
