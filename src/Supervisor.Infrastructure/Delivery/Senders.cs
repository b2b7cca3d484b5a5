using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Supervisor.Infrastructure.Delivery;

/// <summary>What one send did.</summary>
public sealed record SendResult(AttemptOutcome Outcome, string? Error = null, string? ProviderMessageId = null)
{
    public static SendResult Sent(string? providerId = null) => new(AttemptOutcome.Sent, null, providerId);
}

public interface IMessageSender
{
    /// <summary>How many sends may run at once.</summary>
    int Parallelism { get; }

    Task<SendResult> SendAsync(OutboxMessage message, CancellationToken ct);
}

/// <summary>
/// E-mail over System.Net.Mail: a pool of <c>Smtp:Connections</c> SmtpClients, each reused for its connection (one
/// client manages ~23 messages/s; parallel clients are the lever). No Smtp:Host → .eml files in the pickup directory.
/// </summary>
public sealed class EmailSender : IMessageSender, IDisposable
{
    private readonly SmtpOptions _options;
    private readonly Channel<SmtpClient> _pool;

    public EmailSender(IOptions<SmtpOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        Parallelism = _options.UsesPickupDirectory ? Math.Max(_options.Connections, 4) : _options.Connections;
        _pool = Channel.CreateBounded<SmtpClient>(Parallelism);
        for (var i = 0; i < Parallelism; i++)
        {
            _pool.Writer.TryWrite(NewClient());
        }
    }

    public int Parallelism { get; }

    public async Task<SendResult> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var client = await _pool.Reader.ReadAsync(ct);
        try
        {
            using var mail = Build(message);
            await client.SendMailAsync(mail, ct);
            return SendResult.Sent();
        }
        catch (Exception ex) when (ex is SmtpException or IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            // A client that failed may hold a broken connection: replace it.
            client.Dispose();
            client = NewClient();
            return Classify(ex);
        }
        finally
        {
            _pool.Writer.TryWrite(client);
        }
    }

    /// <summary>5xx on the recipient is permanent (the mailbox will not exist tomorrow); everything else is worth a retry.</summary>
    public static SendResult Classify(Exception ex) => ex switch
    {
        SmtpFailedRecipientsException many when many.InnerExceptions.All(e => (int)e.StatusCode is >= 500 and < 600) =>
            new(AttemptOutcome.Permanent, $"SMTP {(int)many.InnerExceptions[0].StatusCode}: {many.InnerExceptions[0].Message}"),
        SmtpFailedRecipientException one when (int)one.StatusCode is >= 500 and < 600 =>
            new(AttemptOutcome.Permanent, $"SMTP {(int)one.StatusCode}: {one.Message}"),
        SmtpException smtp => new(AttemptOutcome.Transient, $"SMTP {(int)smtp.StatusCode}: {Flatten(smtp)}"),
        _ => new(AttemptOutcome.Transient, Flatten(ex)),
    };

    private static string Flatten(Exception ex) => ex.InnerException is null ? ex.Message : ex.Message + ": " + Flatten(ex.InnerException);

    public MailMessage Build(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mail = new MailMessage
        {
            From = new MailAddress(_options.From, _options.FromName, Encoding.UTF8),
            Subject = message.Subject ?? "",
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            Body = message.BodyText,
            BodyEncoding = Encoding.UTF8,
            IsBodyHtml = false,
        };
        mail.To.Add(new MailAddress(message.Address, message.Name, Encoding.UTF8));
        mail.Headers.Add("X-Supervisor-Key", message.Key);
        if (message.BodyHtml is not null)
        {
            mail.AlternateViews.Add(AlternateView.CreateAlternateViewFromString(message.BodyHtml, Encoding.UTF8, MediaTypeNames.Text.Html));
        }

        if (message.Attachment is not null)
        {
            var attachment = new Attachment(new MemoryStream(message.Attachment), message.AttachmentName ?? "attachment.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            attachment.NameEncoding = Encoding.UTF8;
            mail.Attachments.Add(attachment);
        }

        return mail;
    }

    private SmtpClient NewClient()
    {
        if (_options.UsesPickupDirectory)
        {
            Directory.CreateDirectory(_options.PickupDirectory!);
            return new SmtpClient { DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory, PickupDirectoryLocation = Path.GetFullPath(_options.PickupDirectory!) };
        }

        var client = new SmtpClient(_options.Host, _options.Port)
        {
            EnableSsl = _options.EnableSsl,
            Timeout = (int)_options.Timeout.TotalMilliseconds,
            DeliveryMethod = SmtpDeliveryMethod.Network,
        };
        if (!string.IsNullOrEmpty(_options.User))
        {
            client.Credentials = new NetworkCredential(_options.User, _options.Password);
        }

        return client;
    }

    public void Dispose()
    {
        while (_pool.Reader.TryRead(out var client))
        {
            client.Dispose();
        }
    }
}
