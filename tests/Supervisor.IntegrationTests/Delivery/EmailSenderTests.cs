using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Delivery.Email;

namespace Supervisor.IntegrationTests.Delivery;

/// <summary>MailKit against a real aiosmtpd: STARTTLS, TLS on connect, AUTH, the server's 4xx/5xx, a restart under a pooled session.</summary>
public sealed class EmailSenderTests : IDisposable
{
    private const string User = "duchashi";
    private const string Password = "s3cret-口令";
    private readonly TestCertificate _certificate = TestCertificate.Create();

    public void Dispose() => _certificate.Dispose();

    private static OutboxMessage Message(string address, string key, byte[]? attachment = null) => new(
        1, key, "email", "unit_digest", new DateOnly(2026, 6, 15), address, "张联络（发改局）",
        "【督查督办】区发改局：2项逾期、3项临期", "张联络：\n推进城区道路改造 已逾期3天\n", "<p>张联络：</p><p><b>推进城区道路改造</b> 已逾期3天</p>",
        attachment is null ? null : "督查通报20260615.xlsx", attachment, 0, DateTimeOffset.UnixEpoch);

    private EmailSender Sender(SmtpSink sink, SmtpSecurity security, bool login = true, string? thumbprint = "", string password = Password, int connections = 1) =>
        new(Options.Create(new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = sink.Port,
            Security = security,
            User = login ? User : null,
            Password = login ? password : null,
            CertificateThumbprint = thumbprint == "" ? _certificate.Thumbprint : thumbprint,
            Connections = connections,
            Timeout = TimeSpan.FromSeconds(10),
        }), NullLogger<EmailSender>.Instance);

    private SmtpSink Sink(string tls, bool auth = true) => new()
    {
        ScriptArguments = [tls, _certificate.CertificatePath, _certificate.KeyPath, .. auth ? new[] { "--auth", User, Password } : []],
    };

    [Fact]
    public async Task StartTlsWithLogin_DeliversOneMimeMessage_WithChineseHeadersAlternativesAttachmentAndKey()
    {
        await using var sink = Sink("--starttls");
        await sink.StartAsync();
        using var sender = Sender(sink, SmtpSecurity.StartTls);
        byte[] xlsx = [0x50, 0x4B, 0x03, 0x04, .. RandomNumberGenerator.GetBytes(3000)];

        var result = await sender.SendAsync(Message("zhang@fgj.gov.cn", "zhang@fgj.gov.cn|email|unit_digest|2026-06-15", xlsx), CancellationToken.None);

        Assert.Equal(AttemptOutcome.Sent, result.Outcome);
        var mail = Assert.Single(sink.MimeMessages());
        Assert.Equal("【督查督办】区发改局：2项逾期、3项临期", mail.Subject);
        var to = Assert.IsType<MailboxAddress>(Assert.Single(mail.To));
        Assert.Equal(("张联络（发改局）", "zhang@fgj.gov.cn"), (to.Name, to.Address));
        Assert.Equal("某县人民政府督查室", Assert.IsType<MailboxAddress>(Assert.Single(mail.From)).Name);
        Assert.Equal("zhang@fgj.gov.cn|email|unit_digest|2026-06-15", mail.Headers[MimeMessages.KeyHeader]);
        Assert.Contains("推进城区道路改造 已逾期3天", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("<b>推进城区道路改造</b>", mail.HtmlBody, StringComparison.Ordinal);
        Assert.IsType<MultipartAlternative>(Assert.IsType<Multipart>(mail.Body)[0]);
        var attachment = Assert.IsType<MimePart>(Assert.Single(mail.Attachments));
        Assert.Equal("督查通报20260615.xlsx", attachment.FileName);
        using var bytes = new MemoryStream();
        await attachment.Content!.DecodeToAsync(bytes);
        Assert.Equal(xlsx, bytes.ToArray());
    }

    [Fact]
    public async Task SslOnConnectWithLogin_Delivers_WhenTheSelfSignedCertificateIsPinned()
    {
        await using var sink = Sink("--tls");
        await sink.StartAsync();
        using var sender = Sender(sink, SmtpSecurity.SslOnConnect);

        var results = new List<SendResult>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await sender.SendAsync(Message($"unit{i}@example.cn", $"k{i}"), CancellationToken.None));
        }

        Assert.All(results, r => Assert.Equal(AttemptOutcome.Sent, r.Outcome));
        Assert.Equal(["k0", "k1", "k2"], sink.MimeMessages().Select(m => m.Headers[MimeMessages.KeyHeader]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task UntrustedCertificate_IsRefused_AsTransient_AndNothingIsSent()
    {
        await using var sink = Sink("--tls", auth: false);
        await sink.StartAsync();
        using var sender = Sender(sink, SmtpSecurity.SslOnConnect, login: false, thumbprint: null);

        var result = await sender.SendAsync(Message("unit@example.cn", "k"), CancellationToken.None);

        Assert.Equal(AttemptOutcome.Transient, result.Outcome);
        Assert.Contains("certificate", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(sink.MimeMessages());
    }

    [Fact]
    public async Task StartTlsRequired_ButServerOffersNone_IsTransient_AndNoPlaintextMessageIsSent()
    {
        await using var sink = new SmtpSink();
        await sink.StartAsync();
        using var sender = Sender(sink, SmtpSecurity.StartTls, login: false);

        var result = await sender.SendAsync(Message("unit@example.cn", "k"), CancellationToken.None);

        Assert.Equal(AttemptOutcome.Transient, result.Outcome);
        Assert.Contains("STARTTLS", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(sink.Messages());
    }

    [Fact]
    public async Task WrongPassword_IsTransient_AndNothingIsSent()
    {
        await using var sink = Sink("--starttls");
        await sink.StartAsync();
        using var sender = Sender(sink, SmtpSecurity.StartTls, password: "wrong");

        var result = await sender.SendAsync(Message("unit@example.cn", "k"), CancellationToken.None);

        Assert.Equal(AttemptOutcome.Transient, result.Outcome);
        Assert.Contains("535", result.Error, StringComparison.Ordinal);
        Assert.Empty(sink.MimeMessages());
    }

    [Fact]
    public async Task Reply451_IsTransient_Reply550_IsPermanent_AndTheSameSessionSendsTheNextMessage()
    {
        await using var sink = Sink("--starttls");
        await sink.StartAsync();
        using var sender = Sender(sink, SmtpSecurity.StartTls, connections: 1);

        var deferred = await sender.SendAsync(Message("defer@example.cn", "k-defer"), CancellationToken.None);
        var rejected = await sender.SendAsync(Message("reject@example.cn", "k-reject"), CancellationToken.None);
        var fine = await sender.SendAsync(Message("fine@example.cn", "k-fine"), CancellationToken.None);

        Assert.Equal(AttemptOutcome.Transient, deferred.Outcome);
        Assert.StartsWith("SMTP 451", deferred.Error, StringComparison.Ordinal);
        Assert.Equal(AttemptOutcome.Permanent, rejected.Outcome);
        Assert.StartsWith("SMTP 550", rejected.Error, StringComparison.Ordinal);
        Assert.Contains("reject@example.cn", rejected.Error, StringComparison.Ordinal);
        Assert.Equal(AttemptOutcome.Sent, fine.Outcome);
        Assert.Equal("k-fine", Assert.Single(sink.MimeMessages()).Headers[MimeMessages.KeyHeader]);
    }

    [Theory]
    [InlineData("a,b@x.cn")]
    [InlineData("x\"><svg onload=alert(1)>@x")]
    [InlineData("张三 <zhang@fgj.gov.cn>")]
    [InlineData("zhang@fgj.gov.cn\r\nBcc: all@x.cn")]
    [InlineData("no-at-sign")]
    public async Task UnbuildableAddress_IsPermanentAtOnce_WithItsReason_WithoutContactingTheServer(string address)
    {
        // No server listens on this port: a message that can never be built must not even try.
        await using var sink = new SmtpSink();
        using var sender = Sender(sink, SmtpSecurity.None, login: false);

        var result = await sender.SendAsync(Message(address, "k"), CancellationToken.None);

        Assert.Equal(AttemptOutcome.Permanent, result.Outcome);
        Assert.Contains("recipient address", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerRestartedUnderAPooledSession_NextMessageReconnects_AndIsSentFirstTime()
    {
        await using var sink = Sink("--starttls");
        await sink.StartAsync();
        using var sender = Sender(sink, SmtpSecurity.StartTls, connections: 1);
        Assert.Equal(AttemptOutcome.Sent, (await sender.SendAsync(Message("a@example.cn", "k-before"), CancellationToken.None)).Outcome);

        await sink.StopAsync();
        await sink.StartAsync();
        var after = await sender.SendAsync(Message("b@example.cn", "k-after"), CancellationToken.None);

        Assert.Equal(AttemptOutcome.Sent, after.Outcome);
        Assert.Equal(["k-after", "k-before"], sink.MimeMessages().Select(m => m.Headers[MimeMessages.KeyHeader]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NoHost_WritesTheSameMimeMessageAsEml_ToThePickupDirectory()
    {
        var pickup = Directory.CreateTempSubdirectory("supervisor-pickup-").FullName;
        try
        {
            using var sender = new EmailSender(Options.Create(new SmtpOptions { PickupDirectory = pickup }), NullLogger<EmailSender>.Instance);

            var result = await sender.SendAsync(Message("zhang@fgj.gov.cn", "zhang@fgj.gov.cn|email|unit_digest|2026-06-15", [1, 2, 3]), CancellationToken.None);

            Assert.Equal(AttemptOutcome.Sent, result.Outcome);
            var file = Assert.Single(Directory.GetFiles(pickup));
            Assert.EndsWith(".eml", file, StringComparison.Ordinal);
            using var mail = await MimeMessage.LoadAsync(file);
            Assert.Equal("【督查督办】区发改局：2项逾期、3项临期", mail.Subject);
            Assert.Equal("zhang@fgj.gov.cn|email|unit_digest|2026-06-15", mail.Headers[MimeMessages.KeyHeader]);
            Assert.Equal("督查通报20260615.xlsx", Assert.Single(mail.Attachments).ContentDisposition!.FileName);
        }
        finally
        {
            Directory.Delete(pickup, recursive: true);
        }
    }
}

/// <summary>A self-signed certificate for 127.0.0.1 made by the test, written to PEM files for aiosmtpd.</summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string _directory;

    private TestCertificate(string directory, string thumbprint)
    {
        _directory = directory;
        Thumbprint = thumbprint;
    }

    public string CertificatePath => Path.Combine(_directory, "cert.pem");

    public string KeyPath => Path.Combine(_directory, "key.pem");

    public string Thumbprint { get; }

    public static TestCertificate Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=smtp.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("smtp.test");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var directory = Directory.CreateTempSubdirectory("supervisor-cert-").FullName;
        var result = new TestCertificate(directory, certificate.GetCertHashString(HashAlgorithmName.SHA256));
        File.WriteAllText(result.CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(result.KeyPath, key.ExportPkcs8PrivateKeyPem());
        return result;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
