using System.Text.Json;
using Dapper;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Documents;
using Supervisor.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Supervisor.IntegrationTests.Delivery.Channels;

/// <summary>
/// The office's 通报 reaches the office's own work groups (Robots:Office) and phones (Sms:Templates:Digest) besides its
/// mailboxes, once per period; and the 通报 names the units no channel reaches.
/// </summary>
// The fakes are disposed in IAsyncLifetime.DisposeAsync.
#pragma warning disable CA1001
public sealed class OfficeDigestTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string OfficePhone = "13900000009";
    private readonly TestDatabase _db = new();
    private readonly ProviderFakes _fakes = new();
    private readonly string _data = Directory.CreateTempSubdirectory("supervisor-office-digest-").FullName;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await _db.MigrateAsync();
        await _fakes.StartAsync();
        await DigestData.WriteAsync(_db.DataSource);
    }

    public async Task DisposeAsync()
    {
        await _fakes.DisposeAsync();
        await _db.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private ServiceProvider Services(string provider = "Aliyun", bool digestTemplate = true)
    {
        var settings = _fakes.Settings(provider);
        settings["Supervisor:DataDirectory"] = _data;
        settings["Console:PublicUrl"] = "https://duchashi.example.gov.cn";
        settings["Supervision:OfficePhones:0"] = OfficePhone;
        settings["Robots:Office:WeCom"] = _fakes.WeComUrl;
        settings["Robots:Office:DingTalk"] = _fakes.DingTalkUrl;
        settings["Robots:Office:DingTalkSecret"] = ProviderFakes.DingTalkSecret;
        if (!digestTemplate)
        {
            settings["Sms:Templates:Digest"] = "";
        }

        return TestServices.Create(_db, settings, new FixedTimeProvider(DigestData.SentAt));
    }

    private static async Task<DispatchResult> PassAsync(ServiceProvider services, DateTimeOffset at)
    {
        using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(at), "test-worker", CancellationToken.None);
    }

    [Fact]
    public async Task DigestDay_PostsTheKeyFiguresToTheOfficeGroups_AndTextsTheOfficePhones_RerunningTheDaysJobsSendsNothingMore()
    {
        await using var services = Services();
        var tongbao = services.GetRequiredService<TongbaoService>();

        var run = await tongbao.RunAsync(DigestData.SentAt, DigestData.SentAt, CancellationToken.None);
        await PassAsync(services, DigestData.SentAt);
        var again = await tongbao.RunAsync(DigestData.SentAt.AddHours(1), DigestData.SentAt.AddHours(1), CancellationToken.None);
        var secondPass = await PassAsync(services, DigestData.SentAt.AddHours(1));

        Assert.Equal(("released", 3), (run.Outcome, run.Queued));
        Assert.Equal(("already released", 0), (again.Outcome, again.Queued));
        Assert.Equal(0, secondPass.Sent);
        Assert.Equal(0, _fakes.BadSignatures);
        var wecom = Assert.Single(_fakes.Accepted, a => a.Platform == "wecom").Content;
        var dingtalk = Assert.Single(_fakes.Accepted, a => a.Platform == "dingtalk").Content;
        var sms = Assert.Single(_fakes.Accepted, a => a.Platform == "aliyun");
        output.WriteLine(wecom);

        Assert.Equal(wecom, dingtalk);
        Assert.StartsWith("### 某县人民政府督查室督查通报（2023年第1期）", wecom, StringComparison.Ordinal);
        Assert.Contains("到期节点 7 个，其中按期完成 3 个、逾期完成 1 个、**逾期未完成 3 个**；完成率 57.1%，按期完成率 **42.9%**。", wecom, StringComparison.Ordinal);
        Assert.Contains("**红灯单位（2个）**：区发改局、区财政局", wecom, StringComparison.Ordinal);
        Assert.Contains("- 2 完善财政预算绩效管理：出台绩效办法，**已逾期13个工作日（20天）**（区财政局）", wecom, StringComparison.Ordinal);
        Assert.Contains("**无法送达的单位（2个）**：区财政局、区交通运输局", wecom, StringComparison.Ordinal);
        Assert.Matches(@"\[在督查室控制台查看通报\]\(https://duchashi\.example\.gov\.cn/digests/\d+\)", wecom);

        Assert.Equal(OfficePhone, sms.Recipient);
        Assert.StartsWith("SMS_0004 ", sms.Content, StringComparison.Ordinal);
        var variables = JsonSerializer.Deserialize<Dictionary<string, string>>(sms.Content["SMS_0004 ".Length..])!;
        Assert.Equal(new Dictionary<string, string> { ["date"] = "7月10日", ["overdue"] = "3", ["rate"] = "42.9%" }, variables);

        // The robots' keys are hashes: neither the key nor the console shows the webhook's key or token.
        await using var c = await _db.DataSource.OpenConnectionAsync();
        var keys = (await c.QueryAsync<string>("select key from messages where kind = 'supervision_digest' order by channel")).ToList();
        Assert.Equal(3, keys.Count);
        Assert.All(keys, k => Assert.DoesNotContain(ProviderFakes.WeComKey, k, StringComparison.Ordinal));
        Assert.All(keys, k => Assert.DoesNotContain(ProviderFakes.DingTalkToken, k, StringComparison.Ordinal));
        Assert.StartsWith("dingtalk:", keys[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DigestDay_WithoutADigestTemplate_TextsNobody_ButStillPostsToTheGroups()
    {
        await using var services = Services(digestTemplate: false);

        var run = await services.GetRequiredService<TongbaoService>().RunAsync(DigestData.SentAt, DigestData.SentAt, CancellationToken.None);
        await PassAsync(services, DigestData.SentAt);

        Assert.Equal(2, run.Queued);
        Assert.DoesNotContain(_fakes.Accepted, a => a.Platform == "aliyun");
        Assert.Equal(2, _fakes.Accepted.Count(a => a.Platform is "wecom" or "dingtalk"));
    }

    [Fact]
    public async Task Tongbao_ListsUnitsNoChannelReaches_ThoseWithoutContactsAndThoseWhoseEveryMessageFailed()
    {
        // 区交通运输局 has no contact and no robot, and no reminder found nobody this week (not in the gaps): it is still
        // named. 区水利局 has a liaison whose only message of the week is dead.
        await using (var c = await _db.DataSource.OpenConnectionAsync())
        {
            await c.ExecuteAsync(
                """
                with u as (insert into units (name, created_at) values ('区水利局', now()) returning id),
                     c as (insert into contacts (unit_id, role, name, phone, updated_at) select id, 'liaison', '王联络', '13800000301', now() from u),
                     t as (insert into task_units (task_id, unit_id, role) select (select id from tasks where code = '3'), id, 'co' from u)
                insert into messages (key, channel, kind, local_date, recipient_address, unit_id, body_text, state, next_attempt_at, last_error, created_at)
                select '13800000301|sms|unit_digest|2023-07-07', 'sms', 'unit_digest', '2023-07-07', '13800000301', id, '正文', 'dead', @at, 'isv.MOBILE_NUMBER_ILLEGAL', @at from u
                """,
                new { at = new DateTimeOffset(2023, 7, 7, 8, 0, 0, TimeSpan.FromHours(8)).ToUniversalTime() });
        }

        await using var services = Services();
        var composer = services.GetRequiredService<SupervisionDigestComposer>();
        var digest = await composer.BuildAsync(DigestData.SentAt, CancellationToken.None);
        var text = composer.Render(digest).Text;
        var (_, docx, _) = await services.GetRequiredService<TongbaoService>().PreviewAsync(DigestData.SentAt, CancellationToken.None);
        var document = DocxText(docx);

        Assert.Equal([("区交通运输局", ReachabilityStore.NoChannel), ("区水利局", ReachabilityStore.AllFailed)], digest.Unreachable.Select(u => (u.Name, u.Reason)));
        Assert.Equal("区财政局", Assert.Single(digest.Gaps).Who);
        Assert.Contains("- 区交通运输局（单位，无法送达）：无联络员、负责人的邮箱或手机号，也未配置企业微信、钉钉群机器人，涉及2项任务", text, StringComparison.Ordinal);
        Assert.Contains("- 区水利局（单位，无法送达）：近7天发给该单位的消息全部投递失败，涉及1项任务", text, StringComparison.Ordinal);
        Assert.Contains("以下2个单位目前没有可用的送达渠道", document, StringComparison.Ordinal);
        Assert.Contains("1. 区交通运输局：无联络员、负责人的邮箱或手机号，也未配置企业微信、钉钉群机器人（涉及2项任务）。", document, StringComparison.Ordinal);
        Assert.Contains("2. 区水利局：近7天发给该单位的消息全部投递失败（涉及1项任务）。", document, StringComparison.Ordinal);
        Assert.Contains("1. 区财政局（单位）：无联络员或负责人邮箱、手机号，1条提醒未能送达。", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OfficeGroupPost_OfAProvinceSizedWeek_FitsTheRobots4096Bytes_NamingHowManyMoreAreInTheAttachment()
    {
        await using var services = Services();
        var name = new string('县', 45);
        var red = new Supervisor.Core.Engine.RoleCounts(3, 0, 0, 3);
        var digest = new SupervisionDigest(new DateOnly(2023, 7, 10), new DateOnly(2023, 7, 9), false, DigestData.SentAt, new DigestTotals(900, 3000, 1000, 500, 1500), null,
            Enumerable.Range(1, 300).Select(i => new DigestRank(new Supervisor.Core.Engine.UnitRate(i, name + i, red, red, 20, false, Supervisor.Core.Engine.Light.Red, i), null)).ToList(),
            Enumerable.Range(1, 1500).Select(i => new DigestOverdueItem(new DigestOverdueRow(i, "*[x](y)" + i, new string('务', 300), new string('节', 200), new DateOnly(2023, 5, 1),
                string.Join("、", Enumerable.Range(1, 30).Select(u => name + u)), "某某"), 70, 50)).ToList(),
            [], [], new DigestDeliveryCounts(0, 0, 0))
        {
            Unreachable = Enumerable.Range(1, 200).Select(i => new UnreachableUnit(1000 + i, name + "无" + i, 3)).ToList(),
        };

        var post = services.GetRequiredService<SupervisionDigestComposer>().Markdown(digest, "2023年第1期", "https://duchashi.example.gov.cn/digests/1");

        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(post), 1, Supervisor.Infrastructure.Delivery.Robots.RobotSender.MaxMarkdownBytes);
        Assert.Contains("**红灯单位（300个）**：", post, StringComparison.Ordinal);
        Assert.Contains("等300个", post, StringComparison.Ordinal);
        Assert.Contains("见通报附件", post, StringComparison.Ordinal);
        Assert.Contains("- \\*\\[x\\]\\(y\\)1 务务", post, StringComparison.Ordinal);
        Assert.Contains("……另有", post, StringComparison.Ordinal);
        Assert.EndsWith("2023年7月10日", post, StringComparison.Ordinal);
    }

    [Fact]
    public void OfficeRobot_OnAHostNotAllowed_StopsStartUp_NamingTheSettingButNotTheKey()
    {
        var settings = _fakes.Settings("Gateway");
        settings["Robots:Office:WeCom"] = "https://evil.example.com/cgi-bin/webhook/send?key=office-secret-key";
        settings["Robots:Office:DingTalkSecret"] = "SECxyz";

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => TestServices.Create(_db, settings));

        Assert.Contains("Robots:Office:WeCom", error.Message, StringComparison.Ordinal);
        Assert.Contains("evil.example.com", error.Message, StringComparison.Ordinal);
        Assert.Contains("Robots:Office:DingTalkSecret is set but Robots:Office:DingTalk", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("office-secret-key", error.Message, StringComparison.Ordinal);
    }

    private static string DocxText(byte[] docx)
    {
        using var stream = new MemoryStream(docx);
        using var document = WordprocessingDocument.Open(stream, false);
        return string.Join("\n", document.MainDocumentPart!.Document.Body!.Descendants<W.Paragraph>().Select(p => p.InnerText));
    }
}
