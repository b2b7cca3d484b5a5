using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.IntegrationTests.Delivery;

namespace Supervisor.IntegrationTests.Web;

/// <summary>The console with a real aiosmtpd behind its e-mail and the file sink behind its SMS.</summary>
public sealed class ReminderLinkHost : ConsoleHost
{
    public SmtpSink Smtp { get; } = new();

    public string SmsDirectory { get; } = Directory.CreateTempSubdirectory("supervisor-link-sms-").FullName;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Sms:Directory"] = SmsDirectory,
    };

    public override async Task InitializeAsync()
    {
        await Smtp.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        Directory.Delete(SmsDirectory, recursive: true);
    }
}

/// <summary>A department opens the link in its reminder (e-mail or SMS), without an account, and acts through it.</summary>
public sealed partial class ReminderLinkTests(ReminderLinkHost host) : IClassFixture<ReminderLinkHost>
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>A unit whose liaison has e-mail and phone, leading one task whose milestone is due in two days, a 提醒 owed.</summary>
    private async Task<(long Unit, long Milestone, DateTimeOffset ComposeAt)> SeedAsync(string unitName, string email, string phone)
    {
        // Compose and dispatch at 10:00 on the next weekday (SMS wait for working hours); due the day after.
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).Date.AddDays(1);
        while (local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            local = local.AddDays(1);
        }

        var composeAt = new DateTimeOffset(local.AddHours(10), TimeSpan.FromHours(8));
        var day = DateOnly.FromDateTime(local);
        var now = DateTimeOffset.UtcNow;
        await using var c = await host.Database.DataSource.OpenConnectionAsync();
        var plan = await c.ExecuteScalarAsync<long>("insert into plans (year, title, imported_at, updated_at) values (@year, @title, @now, @now) returning id", new { year = day.Year, title = unitName + "工作方案", now });
        var unit = await c.ExecuteScalarAsync<long>("insert into units (name, created_at) values (@unitName, @now) returning id", new { unitName, now });
        await c.ExecuteAsync("insert into contacts (unit_id, role, name, phone, email, updated_at) values (@unit, 'liaison', '张联络', @phone, @email, @now)", new { unit, phone, email, now });
        var task = await c.ExecuteScalarAsync<long>(
            "insert into tasks (plan_id, code, title, full_text, position, created_at, updated_at) values (@plan, '1', '推进城区道路改造', '推进城区道路改造', 0, @now, @now) returning id", new { plan, now });
        await c.ExecuteAsync("insert into task_units (task_id, unit_id, role) values (@task, @unit, 'lead')", new { task, unit });
        var due = day.AddDays(1);
        var milestone = await c.ExecuteScalarAsync<long>(
            "insert into milestones (task_id, key, kind, title, due_date, original_due_date, created_at, updated_at) values (@task, 'completion', 'completion', '完成主体工程', @due, @due, @now, @now) returning id",
            new { task, due, now });
        await c.ExecuteAsync(
            "insert into reminders (milestone_id, level, local_date, working_days_overdue, calendar_days_overdue, created_at) values (@milestone, 1, @day, 0, 0, @now)",
            new { milestone, day, now });
        return (unit, milestone, composeAt);
    }

    private async Task DeliverAsync(DateTimeOffset at)
    {
        await host.Services.GetRequiredService<ReminderComposer>().ComposeAsync(at, ReminderComposer.AllLevels, CancellationToken.None);
        using var scope = host.Services.CreateScope();
        var pass = await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(at), "link-test", CancellationToken.None);
        Assert.Equal(pass.Claimed, pass.Sent);
    }

    private async Task<string> LightAsync(long unit)
    {
        using var admin = await host.LoggedInAsync("admin");
        using var rates = await admin.GetFromJsonAsync<JsonDocument>("/api/rates");
        return rates!.RootElement.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("unitId").GetInt64() == unit).GetProperty("light").GetString()!;
    }

    /// <summary>The office approves (销号) the unit's 办结 application in the 待审核 queue.</summary>
    private async Task ApproveAsync(long milestone)
    {
        await using var c = await host.Database.DataSource.OpenConnectionAsync();
        var application = await c.QuerySingleAsync<long>("select id from completion_applications where milestone_id = @milestone and state = 'pending'", new { milestone });
        using var supervisor = await host.LoggedInAsync("supervisor");
        Assert.Equal(HttpStatusCode.Redirect, (await ConsoleHost.PostFormAsync(supervisor, "/review", $"/review/{application}/approve", new Dictionary<string, string>())).StatusCode);
    }

    /// <summary>Opens <paramref name="link"/> as a department would (no login, redirects followed), reports progress and 办结.</summary>
    private static async Task<string> ActThroughAsync(string link, long milestone)
    {
        using var department = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() });
        var page = await department.GetAsync(new Uri(link));
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{link}: {page.StatusCode}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"id=\"m{milestone}\"", html, StringComparison.Ordinal);
        var unitPage = page.RequestMessage!.RequestUri!;
        Assert.StartsWith("/u/", unitPage.AbsolutePath, StringComparison.Ordinal);
        var token = WebUtility.HtmlDecode(TokenPattern().Match(html).Groups[1].Value);

        var progress = await department.PostAsync(new Uri(unitPage, $"{unitPage.AbsolutePath}/milestones/{milestone}/progress"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = token, ["percent"] = "60", ["note"] = "主体工程已完成六成",
        }));
        Assert.Contains("最新进度 60%", await progress.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var complete = await department.PostAsync(new Uri(unitPage, $"{unitPage.AbsolutePath}/milestones/{milestone}/complete"), new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = token }));
        Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        return html;
    }

    [Fact]
    public async Task LinkInASentEmail_OpensTheUnitsPageWithoutLogin_ProgressAndCompletionThroughIt_TurnTheLightGreen()
    {
        var (unit, milestone, at) = await SeedAsync("区住建局", "liaison@zjj.gov.cn", "13800000301");
        await DeliverAsync(at);

        var mail = Assert.Single(host.Smtp.MimeMessages(), m => m.To.ToString().Contains("liaison@zjj.gov.cn", StringComparison.Ordinal));
        var link = LinkPattern().Match(mail.TextBody ?? "").Value;
        Assert.StartsWith(host.BaseAddress.ToString().TrimEnd('/') + "/u/", link, StringComparison.Ordinal);
        Assert.EndsWith($"#m{milestone}", link, StringComparison.Ordinal);
        Assert.Contains($"href=\"{link}\"", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("yellow", await LightAsync(unit));

        await ActThroughAsync(link, milestone);
        Assert.Equal("yellow", await LightAsync(unit));
        await ApproveAsync(milestone);

        Assert.Equal("green", await LightAsync(unit));
        await using var c = await host.Database.DataSource.OpenConnectionAsync();
        Assert.Equal((60, "link"), await c.QuerySingleAsync<(int, string)>("select percent, source from progress_reports where milestone_id = @milestone", new { milestone }));
    }

    [Fact]
    public async Task ShortLinkInAnSmsFile_FitsOneSegment_RedirectsToTheUnitsPage_AndWorksWithoutLogin()
    {
        var (unit, milestone, at) = await SeedAsync("区水务局", "liaison@swj.gov.cn", "13800000302");
        await DeliverAsync(at);

        var file = Assert.Single(Directory.GetFiles(host.SmsDirectory, "13800000302*"));
        var text = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement.GetProperty("text").GetString()!;
        Assert.True(Core.Delivery.SmsText.FitsOneSegment(text), $"{Core.Delivery.SmsText.Length(text)} characters: {text}");
        var link = ShortLinkPattern().Match(text).Value;
        Assert.StartsWith(host.BaseAddress.ToString().TrimEnd('/') + "/s/", link, StringComparison.Ordinal);
        Assert.Equal("yellow", await LightAsync(unit));

        await ActThroughAsync(link, milestone);
        Assert.Equal("yellow", await LightAsync(unit));
        await ApproveAsync(milestone);

        Assert.Equal("green", await LightAsync(unit));
    }

    [GeneratedRegex(@"https?://[^\s""<>]+/u/[^\s""<>]+")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"https?://[^\s""<>]+/s/[A-Za-z0-9_-]+")]
    private static partial Regex ShortLinkPattern();

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
