using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Infrastructure.Links;
using Supervisor.Infrastructure.Postgres;

namespace Supervisor.IntegrationTests.Web;

/// <summary>The console with small 佐证材料 limits (1 MB a file, 3 files), so a test can pass them cheaply; the demo plan loaded.</summary>
public sealed class SmallEvidenceHost : ConsoleHost
{
    public const long MaxBytes = 1024 * 1024;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Evidence:MaxBytes"] = MaxBytes.ToString(CultureInfo.InvariantCulture),
        ["Evidence:MaxFiles"] = "3",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await LoadDemoAsync();
    }
}

/// <summary>
/// The unit page (/u/{token}) as a department uses it: tasks grouped with where each milestone stands, one progress
/// form per task carrying 佐证材料 through the real endpoint (streamed, refused at the first limit passed, stored with
/// its report in one transaction or not at all), one open 延期 request per milestone, back to the item acted on.
/// </summary>
public sealed partial class UnitPageTests(SmallEvidenceHost host) : IClassFixture<SmallEvidenceHost>
{
    // A minimal valid PNG (1×1): what a phone's photo is, as far as the content check is concerned.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private static string Link(long unitId) => "/u/" + SignedLinks.Create(unitId, DateTimeOffset.UtcNow.AddDays(1), ConsoleHost.LinkSecret);

    /// <summary>A task with an open milestone, its lead unit, and a co unit when it has one.</summary>
    private async Task<(long Task, long Unit, string Title)> ATaskAsync(int skip)
    {
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long, string)>("""
            select t.id, tu.unit_id, t.title from tasks t join task_units tu on tu.task_id = t.id and tu.role = 'lead'
            where exists (select 1 from milestones m where m.task_id = t.id and m.status = 'open')
            order by t.id offset @skip limit 1
            """, new { skip });
    }

    private async Task<(int Reports, int Files)> StoredAsync(long taskId)
    {
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(int, int)>("""
            select (select count(*)::int from progress_reports p join milestones m on m.id = p.milestone_id where m.task_id = @taskId),
                   (select count(*)::int from evidence e join progress_reports p on p.id = e.progress_report_id join milestones m on m.id = p.milestone_id where m.task_id = @taskId)
            """, new { taskId });
    }

    private static MultipartFormDataContent Report(string token, string percent, string note, params (byte[] Bytes, string Name)[] files)
    {
        // The antiforgery field first, as the page's form sends it.
        var form = new MultipartFormDataContent { { new StringContent(token), "__af" }, { new StringContent(percent), "percent" }, { new StringContent(note), "note" } };
        foreach (var (bytes, name) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(part, "files", name);
        }

        return form;
    }

    [Fact]
    public async Task UnitPage_GroupsMilestonesUnderTheirTask_MostUrgentFirst_AndSaysHowLateInWorkingAndCalendarDays()
    {
        var (_, unit, _) = await ATaskAsync(0);
        using var client = host.Client();
        var html = await client.GetStringAsync(Link(unit));

        var tasks = TaskIds().Matches(html).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(tasks.Distinct().Count(), tasks.Count);
        Assert.Matches("已逾期[0-9]+个工作日（[0-9]+天）", html);
        Assert.DoesNotContain("进行中", html, StringComparison.Ordinal);

        // Most urgent first: each open card's earliest due milestone is no later than the next card's.
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        var earliest = new List<DateTime>();
        foreach (var task in tasks)
        {
            earliest.Add(await connection.QuerySingleAsync<DateTime>(
                "select coalesce(min(due_date) filter (where status = 'open'), date '9999-12-31')::timestamp from milestones where task_id = @task", new { task }));
        }

        Assert.Equal(earliest.Order(), earliest);
    }

    [Fact]
    public async Task TaskProgress_WithAPhoto_StoresReportAndFileTogether_ReturnsToTheTask_AndStaffSeeAPreview()
    {
        var (task, unit, title) = await ATaskAsync(1);
        using var client = host.Client();
        var link = Link(unit);
        var token = await ConsoleHost.TokenAsync(client, link);

        using var response = await client.PostAsync($"{link}/tasks/{task}/progress", Report(token, "40", "完成招标", (Png, "现场照片.jpg")));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.EndsWith($"#t{task}", location, StringComparison.Ordinal);
        Assert.Equal((1, 1), await StoredAsync(task));
        var page = await client.GetStringAsync(location);
        Assert.Contains($"{title}”：进展已报送（附佐证材料 1 个）。", page, StringComparison.Ordinal);
        Assert.Contains("佐证材料 1 个", page, StringComparison.Ordinal);

        await host.AddUserAsync("viewer-unitpage", "viewer");
        using var staff = await host.LoggedInAsync("viewer-unitpage");
        var taskPage = await staff.GetStringAsync($"/tasks/{task}");
        var img = EvidenceImage().Match(taskPage);
        Assert.True(img.Success, "no evidence preview on the task page");
        using var photo = await staff.GetAsync(img.Groups[1].Value);
        Assert.Equal("image/png", photo.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await photo.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("现场照片.jpg", "<html><body><script>alert(1)</script></body></html>")]
    [InlineData("照片.jpg", "MZ\u0090\0\u0003\0\0\0\u0004\0\0\0PE\0\0")]
    public async Task TaskProgress_AFileThatIsNotWhatItsNameSays_IsRefused415InChinese_NamingIt_AndNothingIsStored(string name, string content)
    {
        var (task, unit, _) = await ATaskAsync(2);
        using var client = host.Client();
        var link = Link(unit);
        var before = await StoredAsync(task);

        using var response = await client.PostAsync(
            $"{link}/tasks/{task}/progress", Report(await ConsoleHost.TokenAsync(client, link), "50", "见附件", (Png, "好照片.png"), (Encoding.Latin1.GetBytes(content), name)));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains($"未能报送：文件“{name}”不是可接受的佐证材料（按文件内容识别）", page, StringComparison.Ordinal);
        Assert.Contains("本次报送未保存", page, StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync(task));
    }

    /// <summary>Cookies and an antiforgery token for a raw-socket request: what the unit's browser holds after opening its page.</summary>
    private async Task<(string Path, string Cookie, string Token)> RawSessionAsync(int skip)
    {
        var (task, unit, _) = await ATaskAsync(skip);
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true }) { BaseAddress = host.BaseAddress };
        var link = Link(unit);
        var token = await ConsoleHost.TokenAsync(client, link);
        return ($"{link}/tasks/{task}/progress", cookies.GetCookieHeader(host.BaseAddress), token);
    }

    /// <summary>
    /// Sends the request head and at most <paramref name="send"/> body bytes over a raw socket, then stops sending (the
    /// connection stays open) and reads whatever the server answers within the time allowed.
    /// </summary>
    private async Task<string> RawAsync(string path, string cookie, long contentLength, string boundary, byte[] body, int send)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var stream = socket.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nCookie: {cookie}\r\n"
            + $"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {contentLength}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body.AsMemory(0, Math.Min(send, body.Length)));
        await stream.FlushAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answer = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (!Complete(answer.ToArray()))
        {
            int n;
            try
            {
                n = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                break;
            }

            if (n == 0)
            {
                break;
            }

            answer.Write(buffer, 0, n);
        }

        return Decode(answer.ToArray());
    }

    /// <summary>A whole response: its head, and a body as long as its Content-Length or ending with the last chunk.</summary>
    private static bool Complete(byte[] raw)
    {
        var text = Encoding.Latin1.GetString(raw);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var length = ContentLength().Match(text[..end]);
        return length.Success ? raw.Length - end - 4 >= int.Parse(length.Groups[1].Value, CultureInfo.InvariantCulture) : text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal);
    }

    /// <summary>The status line, and the body with any chunked framing removed, as UTF-8 text.</summary>
    private static string Decode(byte[] raw)
    {
        var text = Encoding.Latin1.GetString(raw);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return Encoding.UTF8.GetString(raw);
        }

        var head = text[..end];
        var body = raw.AsSpan(end + 4).ToArray();
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = new MemoryStream();
            var at = 0;
            while (at < body.Length)
            {
                var lineEnd = Encoding.Latin1.GetString(body, at, body.Length - at).IndexOf("\r\n", StringComparison.Ordinal);
                if (lineEnd < 0)
                {
                    break;
                }

                var size = int.Parse(Encoding.Latin1.GetString(body, at, lineEnd).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                at += lineEnd + 2;
                if (size == 0)
                {
                    break;
                }

                decoded.Write(body, at, Math.Min(size, body.Length - at));
                at += size + 2;
            }

            body = decoded.ToArray();
        }

        return head.Split("\r\n")[0] + "\n" + Encoding.UTF8.GetString(body);
    }

    private static byte[] MultipartHead(string boundary, string token, string fileName) => Encoding.UTF8.GetBytes(
        $"--{boundary}\r\nContent-Disposition: form-data; name=\"__af\"\r\n\r\n{token}\r\n"
        + $"--{boundary}\r\nContent-Disposition: form-data; name=\"percent\"\r\n\r\n70\r\n"
        + $"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{fileName}\"\r\nContent-Type: image/png\r\n\r\n");

    [Fact]
    public async Task TaskProgress_AFileOverMaxBytes_IsRefusedInChinese_WhileTheClientIsStillSending_AndNothingIsStored()
    {
        var (path, cookie, token) = await RawSessionAsync(3);
        var task = long.Parse(TaskInPath().Match(path).Groups[1].Value, CultureInfo.InvariantCulture);
        var before = await StoredAsync(task);
        const string boundary = "----phone-upload-boundary";

        // A 5 MB photo (PNG signature, then filler): the request's length is under the whole limit (3 files × 1 MB + form),
        // so only the file's own limit can stop it. 1.5 MB of the body is sent; the rest is never sent.
        var head = MultipartHead(boundary, token, "全景照片.png");
        var file = new byte[5 * 1024 * 1024];
        Png.AsSpan(0, 8).CopyTo(file);
        var tail = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
        var body = head.Concat(file).Concat(tail).ToArray();
        var answer = await RawAsync(path, cookie, Math.Min(body.Length, 3 * SmallEvidenceHost.MaxBytes + (200 * 1024)), boundary, body, head.Length + (1536 * 1024));

        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Contains("文件“全景照片.png”超过 1 MB，请压缩后再上传", answer, StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync(task));
    }

    [Fact]
    public async Task TaskProgress_AContentLengthOverTheWholeLimit_IsRefusedInChinese_BeforeAByteOfTheBodyIsSent()
    {
        var (path, cookie, _) = await RawSessionAsync(3);

        // 50 MB announced, nothing sent: the answer comes from the length alone.
        var answer = await RawAsync(path, cookie, 50L * 1024 * 1024, "b", [], 0);

        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Contains("上传内容过大：每次最多 3 个文件、每个不超过 1 MB", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskProgress_WithoutTheAntiforgeryField_IsRefusedBeforeAnyFileIsRead()
    {
        var (task, unit, _) = await ATaskAsync(4);
        using var client = host.Client();
        var link = Link(unit);
        await client.GetStringAsync(link);
        var before = await StoredAsync(task);
        using var form = new MultipartFormDataContent { { new StringContent("10"), "percent" }, { new ByteArrayContent(Png), "files", "a.png" } };

        using var response = await client.PostAsync($"{link}/tasks/{task}/progress", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("防伪令牌", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync(task));
    }

    [Fact]
    public async Task Extension_ASecondRequestWhileOneWaits_IsRefusedInChinese_AndAfterTheDecisionANewOneIsAccepted()
    {
        await using var connection = await host.Database.DataSource.OpenConnectionAsync();
        var (milestone, unit) = await connection.QuerySingleAsync<(long, long)>("""
            select m.id, tu.unit_id from milestones m join task_units tu on tu.task_id = m.task_id and tu.role = 'lead'
            where m.status = 'open' and m.due_date > current_date order by m.id desc limit 1
            """);
        using var client = host.Client();
        var link = Link(unit);
        var action = $"{link}/milestones/{milestone}/extension";
        var first = await ConsoleHost.PostFormAsync(client, link, action, new Dictionary<string, string> { ["date"] = "2027-06-30", ["reason"] = "资金未到位" });
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.EndsWith($"#{LinkSigner.MilestoneAnchor(milestone)}", first.Headers.Location!.ToString(), StringComparison.Ordinal);

        var second = await ConsoleHost.PostFormAsync(client, link, action, new Dictionary<string, string> { ["date"] = "2027-09-30", ["reason"] = "再延一次" });

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Contains("该时间节点已有一项延期申请（延至 2027-06-30）待督查室审批，审批前不能再次申请", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await connection.QuerySingleAsync<int>("select count(*)::int from extension_requests where milestone_id = @milestone", new { milestone }));

        var pending = await connection.QuerySingleAsync<long>("select id from extension_requests where milestone_id = @milestone", new { milestone });
        Assert.True(await host.Services.GetRequiredService<ExtensionStore>().DecideExtensionAsync(pending, false, "理由不充分", "admin", DateTimeOffset.UtcNow, CancellationToken.None));
        var third = await ConsoleHost.PostFormAsync(client, link, action, new Dictionary<string, string> { ["date"] = "2027-03-31", ["reason"] = "补充说明后再次申请" });
        Assert.Equal(HttpStatusCode.Redirect, third.StatusCode);
    }

    [GeneratedRegex("data-task=\"([0-9]+)\"")]
    private static partial Regex TaskIds();

    [GeneratedRegex("<img class=\"file\" src=\"(/evidence/[0-9]+)\"")]
    private static partial Regex EvidenceImage();

    [GeneratedRegex("Content-Length: ([0-9]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ContentLength();

    [GeneratedRegex("/tasks/([0-9]+)/progress")]
    private static partial Regex TaskInPath();
}
