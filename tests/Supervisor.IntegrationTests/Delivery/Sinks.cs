using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Supervisor.IntegrationTests.Delivery;

/// <summary>A real SMTP server: Debian's aiosmtpd writing every message to a Maildir. Start and stop it at will.</summary>
public sealed partial class SmtpSink : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = FreePort();

    public string Maildir { get; } = Path.Combine(Path.GetTempPath(), "supervisor-smtp-" + Guid.NewGuid().ToString("N")[..8]);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Arguments for tests/…/Delivery/smtp_server.py (aiosmtpd with STARTTLS or TLS on connect, AUTH, 451/550 for
    /// "defer…"/"reject…" recipients); null: aiosmtpd's own CLI, plain SMTP.
    /// </summary>
    public IReadOnlyList<string>? ScriptArguments { get; init; }

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        var arguments = ScriptArguments is null
            ? new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", Maildir }
            : [Path.Combine(AppContext.BaseDirectory, "Delivery", "smtp_server.py"), "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--maildir", Maildir, .. ScriptArguments];
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        _process = Process.Start(info)!;
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException("aiosmtpd did not start");
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public sealed record Mail(string Key, string To, string Subject, string Body, string Raw);

    /// <summary>Every received message parsed by MimeKit, oldest first.</summary>
    public IReadOnlyList<MimeKit.MimeMessage> MimeMessages()
    {
        var dir = Path.Combine(Maildir, "new");
        return Directory.Exists(dir)
            ? Directory.GetFiles(dir).Select(f => (File.GetLastWriteTimeUtc(f), f)).Order().Select(p => MimeKit.MimeMessage.Load(p.f)).ToList()
            : [];
    }

    public IReadOnlyList<Mail> Messages()
    {
        var dir = Path.Combine(Maildir, "new");
        if (!Directory.Exists(dir))
        {
            return [];
        }

        return Directory.GetFiles(dir).Select(f => Parse(File.ReadAllText(f))).ToList();
    }

    private static Mail Parse(string raw)
    {
        var headerEnd = raw.IndexOf("\n\n", StringComparison.Ordinal);
        var headers = Regex.Replace(raw[..headerEnd], @"\r?\n[ \t]+", " ");
        string Header(string name) => Regex.Match(headers, "^" + name + @":\s*(.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase).Groups[1].Value.Trim();
        var body = new StringBuilder();
        foreach (Match m in Base64Part().Matches(raw))
        {
            body.Append(Encoding.UTF8.GetString(Convert.FromBase64String(Regex.Replace(m.Groups[1].Value, @"\s", ""))));
        }

        return new Mail(Header("X-Supervisor-Key"), DecodeWords(Header("To")), DecodeWords(Header("Subject")), body.ToString(), raw);
    }

    public static string DecodeWords(string value) => EncodedWord().Replace(value, m => m.Groups[2].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
        ? Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[3].Value))
        : Encoding.UTF8.GetString(QuotedPrintable(m.Groups[3].Value.Replace('_', ' ')))).Replace("?= =?", "", StringComparison.Ordinal);

    private static byte[] QuotedPrintable(string s)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '=' && i + 2 < s.Length)
            {
                bytes.Add(Convert.ToByte(s.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)s[i]);
            }
        }

        return [.. bytes];
    }

    [GeneratedRegex(@"Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)", RegexOptions.IgnoreCase)]
    private static partial Regex Base64Part();

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*")]
    private static partial Regex EncodedWord();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Directory.Exists(Maildir))
        {
            Directory.Delete(Maildir, recursive: true);
        }
    }
}

/// <summary>A loopback SMS gateway: verifies the HMAC signature, answers as told, records what it accepted.</summary>
public sealed class SmsGateway : IAsyncDisposable
{
    public const string Secret = "test-secret-不要外传";
    private WebApplication? _app;

    public System.Collections.Concurrent.ConcurrentQueue<(string OutId, string Phone, string Text)> Accepted { get; } = new();

    private int _badSignatures;
    private int _requests;

    public int BadSignatures => Volatile.Read(ref _badSignatures);

    /// <summary>Decides the answer per request: (HTTP status, code) — default 200 "OK".</summary>
    public Func<string, int, (int Status, string Code)> Answer { get; set; } = (_, _) => (200, "OK");

    public Uri Url { get; private set; } = null!;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/sms", async (HttpContext http) =>
        {
            var n = Interlocked.Increment(ref _requests);
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var timestamp = http.Request.Headers["X-Timestamp"].ToString();
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(timestamp + body)));
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(http.Request.Headers["X-Signature"].ToString())))
            {
                Interlocked.Increment(ref _badSignatures);
                return Results.Json(new { code = "BAD_SIGNATURE", message = "signature" }, statusCode: 401);
            }

            using var json = JsonDocument.Parse(body);
            var phone = json.RootElement.GetProperty("phone").GetString()!;
            var (status, code) = Answer(phone, n);
            if (status != 200)
            {
                return Results.StatusCode(status);
            }

            if (code == "OK")
            {
                Accepted.Enqueue((json.RootElement.GetProperty("outId").GetString()!, phone, json.RootElement.GetProperty("text").GetString()!));
            }

            return Results.Json(new { code, message = code == "OK" ? "成功" : "号码无效", messageId = "gw-" + n });
        });
        await _app.StartAsync();
        Url = new Uri(_app.Urls.First() + "/sms");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Queues messages straight into the outbox.</summary>
public static class Outbox
{
    public static async Task QueueAsync(NpgsqlDataSource dataSource, string channel, IEnumerable<string> addresses, DateTimeOffset now, string kind = "notice")
    {
        var list = addresses.ToList();
        await using var c = await dataSource.OpenConnectionAsync();
        await c.ExecuteAsync(
            """
            insert into messages (key, channel, kind, local_date, recipient_address, recipient_name, subject, body_text, body_html, next_attempt_at, created_at)
            select a || '|' || @channel || '|' || @kind || '|2023-06-26', @channel, @kind, date '2023-06-26', a, '张三', '【督查督办】测试通知', '贵单位有1项任务逾期，请于今日反馈。', '<p>贵单位有1项任务逾期</p>', @now, @now
            from unnest(@list) as a
            """,
            new { channel, kind, list = list.ToArray(), now = now.ToUniversalTime() });
    }
}
