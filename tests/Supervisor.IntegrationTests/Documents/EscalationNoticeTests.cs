using System.Globalization;
using Dapper;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Extensions.DependencyInjection;
using Supervisor.Core;
using Supervisor.Infrastructure.Delivery;
using Supervisor.Infrastructure.Documents;
using Supervisor.IntegrationTests.Delivery;
using Supervisor.IntegrationTests.Infrastructure;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Supervisor.IntegrationTests.Documents;

public sealed class EscalationNoticeTests : MigratedDatabaseTest
{
    private static readonly DateTimeOffset Morning = new(2023, 6, 26, 10, 0, 0, TimeSpan.FromHours(8));

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await DeliveryData.WriteAsync(Db.DataSource);
    }

    [Fact]
    public async Task EscalationEmail_CarriesItsNumberedNotice_WithTheUnitsSignedLinkAsTextAndQrCode()
    {
        await using var smtp = new SmtpSink();
        await smtp.StartAsync();
        await using var services = TestServices.Create(Db, new Dictionary<string, string?>
        {
            ["Supervision:OfficeEmails:0"] = "office@gov.cn",
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:Timeout"] = "00:00:05",
            ["Console:LinkSecret"] = "notice-test-secret-0123456789",
            ["Console:PublicUrl"] = "https://duban.example.gov.cn",
        }, new FixedTimeProvider(Morning));

        using (var scope = services.CreateScope())
        {
            var pass = await scope.ServiceProvider.GetRequiredService<Dispatcher>().RunPassAsync(new FixedTimeProvider(Morning), "notice-test", CancellationToken.None);
            Assert.True(pass.Sent >= 2, $"sent {pass.Sent}");
        }

        // The leader and the office each get the 督办 e-mail with the notice attached.
        var mails = smtp.Messages().Where(m => m.Key.Contains("|email|escalation|", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, mails.Count);
        byte[]? docx = null;
        foreach (var mail in mails)
        {
            var mime = MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mail.Raw)));
            var part = (MimeKit.MimePart)Assert.Single(mime.Attachments);
            Assert.Equal("督办通知单督办〔2023〕1号.docx", part.FileName);
            Assert.Equal(MessageAttachment.Docx, part.ContentType.MimeType);
            using var stream = new MemoryStream();
            part.Content!.DecodeTo(stream);
            docx = stream.ToArray();
        }

        OfficeTools.AssertValid(docx!);
        using var document = WordprocessingDocument.Open(new MemoryStream(docx!), false);
        var main = document.MainDocumentPart!;
        var text = string.Join("\n", main.Document.Body!.Descendants<W.Paragraph>().Select(p => p.InnerText));
        Assert.Contains("督办〔2023〕1号2023年6月26日", text, StringComparison.Ordinal);
        Assert.Contains("区发改局：", text, StringComparison.Ordinal);
        Assert.Contains("3 建设智慧园区", text, StringComparison.Ordinal);
        Assert.Contains("已逾期6个工作日（10天）", text, StringComparison.Ordinal);
        Assert.Contains("杜新国", text, StringComparison.Ordinal);

        // 反馈时限: 3 working days after Monday 06-26 on the official calendar.
        Assert.Contains("请于2023年6月29日前（3个工作日内）反馈办理情况", text, StringComparison.Ordinal);

        // The unit's signed link as text, valid for 区发改局, and the same link as the QR code's picture.
        // The link opens the unit's page at the escalated milestone (#m…).
        var link = System.Text.RegularExpressions.Regex.Match(text, @"https://duban\.example\.gov\.cn/u/[\w.\-]+#m[0-9]+").Value;
        Assert.NotEmpty(link);
        var token = link[(link.LastIndexOf('/') + 1)..link.IndexOf('#', StringComparison.Ordinal)];
        var signer = services.GetRequiredService<Supervisor.Infrastructure.Links.LinkSigner>();
        Assert.Equal(Supervisor.Infrastructure.Links.LinkCheck.Valid, signer.Verify(token, out var unitId));
        await using var c = await Db.DataSource.OpenConnectionAsync();
        Assert.Equal("区发改局", await c.ExecuteScalarAsync<string>("select name from units where id = @unitId", new { unitId }));
        var image = Assert.Single(main.ImageParts);
        using var png = image.GetStream();
        using var copy = new MemoryStream();
        png.CopyTo(copy);
        Assert.Equal(EscalationNoticeWriter.Qr(link), copy.ToArray());

        // Kept for the task page, numbered once.
        var taskId = await c.ExecuteScalarAsync<long>("select id from tasks where code = '3'");
        var kept = await services.GetRequiredService<EscalationNoticeStore>().ForTaskAsync(taskId, CancellationToken.None);
        Assert.Equal("督办通知单督办〔2023〕1号.docx", Assert.Single(kept).FileName);
    }

    [Fact]
    public async Task NoticeDocx_ConvertsToPdfInLibreOffice_OnOnePage()
    {
        await using var services = TestServices.Create(Db, new Dictionary<string, string?>
        {
            ["Console:LinkSecret"] = "notice-test-secret-0123456789",
        }, new FixedTimeProvider(Morning));
        await services.GetRequiredService<ReminderComposer>().ComposeAsync(Morning, ReminderComposer.EscalationOnly, CancellationToken.None);
        await using var c = await Db.DataSource.OpenConnectionAsync();
        var docx = await c.ExecuteScalarAsync<byte[]>("select docx from escalation_notices");
        var dir = Directory.CreateTempSubdirectory("notice-");
        var path = Path.Combine(dir.FullName, "notice.docx");
        await File.WriteAllBytesAsync(path, docx!);

        var pdf = await OfficeTools.ToPdfAsync(path);

        Assert.Equal(1, await OfficeTools.PdfPagesAsync(pdf));
        Assert.Contains("督办通知单", await OfficeTools.PdfTextAsync(pdf), StringComparison.Ordinal);
        dir.Delete(recursive: true);
    }
}
