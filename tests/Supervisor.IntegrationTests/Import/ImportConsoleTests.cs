using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Supervisor.Infrastructure.Postgres;
using Supervisor.IntegrationTests.Web;

namespace Supervisor.IntegrationTests.Import;

/// <summary>The console's import page: refusals in Chinese with the right status, the year asked for without a new upload.</summary>
public sealed partial class ImportConsoleTests(ConsoleHost host) : IClassFixture<ConsoleHost>
{
    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string? fileName, byte[]? bytes, params (string Name, string Value)[] fields)
    {
        using var content = new MultipartFormDataContent { { new StringContent(await ConsoleHost.TokenAsync(client, "/import")), "__af" } };
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        if (bytes is not null)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(file, "file", fileName!);
        }

        return await client.PostAsync("/import/preview", content);
    }

    [Fact]
    public async Task Finding01_XlsxBombUpload_Gets413WithAChineseMessage()
    {
        using var client = await host.LoggedInAsync("supervisor");

        var response = await PostAsync(client, "bomb.xlsx", Bombs.FarCorner());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("文件过大", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Import:", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DocumentWithoutAYear_AsksForItAndKeepsTheUpload()
    {
        using var client = await host.LoggedInAsync("supervisor");
        var text = Encoding.UTF8.GetBytes("重点工作任务分解\n一、产业\n1.建成物流园一期，9月底前完成（牵头单位：县商务局）\n");

        var ask = await PostAsync(client, "无年度.txt", text);
        var html = await ask.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        Assert.Contains("找不到年度", html, StringComparison.Ordinal);
        Assert.DoesNotContain("--year", html, StringComparison.Ordinal);
        var upload = Upload().Match(html).Groups[1].Value;
        Assert.Matches("^[0-9a-f]{32}$", upload);

        var preview = await PostAsync(client, null, null, ("upload", upload), ("name", "无年度.txt"), ("year", "2026"));
        var previewHtml = await preview.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("2026 年", previewHtml, StringComparison.Ordinal);
        Assert.Contains("确认导入", previewHtml, StringComparison.Ordinal);
        Assert.Contains("建成物流园一期", previewHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanWhoseDeadlinesHavePassed_PreviewWarnsOfOverdueMilestonesAndUnreachableUnits_BeforeConfirming()
    {
        using var client = await host.LoggedInAsync("supervisor");
        var text = Encoding.UTF8.GetBytes("2023年重点工作任务分解\n1.建成冷链物流中心，6月底前完成（牵头单位：县冷链物流办）\n");

        var preview = await PostAsync(client, "去年方案.txt", text);
        var html = await preview.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("确认前请注意", html, StringComparison.Ordinal);
        Assert.Matches("导入时已有[0-9]+个时间节点逾期（最早 2023-03-24）：催办从今天开始", html);
        Assert.Contains("1个单位在通讯录中没有联系人手机、邮箱或工作群机器人，提醒和催办无法送达：县冷链物流办", html, StringComparison.Ordinal);
        Assert.Contains("确认导入", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LegacyWordUpload_Gets400WithAChineseMessageAndNoCliFlags()
    {
        using var client = await host.LoggedInAsync("supervisor");
        byte[] ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. Encoding.Unicode.GetBytes("WordDocument"), 0, 0];

        var response = await PostAsync(client, "方案.doc", ole);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("另存为 .docx", html, StringComparison.Ordinal);
        Assert.DoesNotContain("save it as", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("无任务.txt", "今年全县经济运行总体平稳，各项事业取得新进展。\n2026年\n", "没有找到任务", "no task found")]
    [InlineData("二进制.txt", "abc\0def\0\0ghi", "不是可读的文本", "binary file")]
    public async Task UnreadableOrTasklessUpload_IsRefusedInChinese(string name, string content, string chinese, string english)
    {
        using var client = await host.LoggedInAsync("supervisor");

        var response = await PostAsync(client, name, Encoding.UTF8.GetBytes(content), ("year", "2026"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(chinese, html, StringComparison.Ordinal);
        Assert.DoesNotContain(english, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChaseOnlyFromToday_TheMilestonesOverdueAtImportOweNoReminders_WhileAPlanImportedWithoutItIsChased()
    {
        using var client = await host.LoggedInAsync("supervisor");
        async Task ConfirmAsync(string title, bool chaseFromToday)
        {
            var text = Encoding.UTF8.GetBytes($"2026年{title}\n1.建成冷链物流中心，6月底前完成（牵头单位：县商务局）\n2.完成老旧小区改造，3月底前完成（牵头单位：县住建局）\n");
            var html = await (await PostAsync(client, title + ".txt", text)).Content.ReadAsStringAsync();
            Assert.Matches("只催办今天起到期的节点：已逾期的 [0-9]+ 个节点不再发催办、督办", html);
            var fields = new Dictionary<string, string>
            {
                ["__af"] = await ConsoleHost.TokenAsync(client, "/import"),
                ["upload"] = Upload().Match(html).Groups[1].Value,
                ["name"] = title + ".txt",
                ["year"] = "2026",
                ["title"] = title,
            };
            if (chaseFromToday)
            {
                fields["chaseFromToday"] = "1";
            }

            var confirm = await client.PostAsync("/import/confirm", new FormUrlEncodedContent(fields));
            Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        }

        await ConfirmAsync("迟到的方案", chaseFromToday: true);
        await ConfirmAsync("照常催办的方案", chaseFromToday: false);
        // A working day after both deadlines, well past the 督办 threshold.
        await host.Services.GetRequiredService<SupervisionEngine>().ScanAsync(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8)), CancellationToken.None);

        await using var connection = await host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        const string sql = """
            select count(*)::int from reminders r join milestones m on m.id = r.milestone_id join tasks t on t.id = m.task_id
            join plans p on p.id = t.plan_id where p.title = @title and r.level in (2, 3)
            """;
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(sql, new { title = "迟到的方案" }));
        Assert.True(await connection.ExecuteScalarAsync<int>(sql, new { title = "照常催办的方案" }) >= 4, "the other plan's overdue milestones get 催办 and 督办");
        var chaseFrom = (await connection.QueryAsync<(string Title, DateTime? ChaseFrom)>(
            "select title, chase_from::timestamp from plans where title in ('迟到的方案', '照常催办的方案')")).ToDictionary(p => p.Title, p => p.ChaseFrom);
        Assert.NotNull(chaseFrom["迟到的方案"]);
        Assert.Null(chaseFrom["照常催办的方案"]);
    }

    [GeneratedRegex("name=\"upload\" value=\"([0-9a-f]{32})\"")]
    private static partial Regex Upload();
}
