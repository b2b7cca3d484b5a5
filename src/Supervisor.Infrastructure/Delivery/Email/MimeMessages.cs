using MimeKit;
using MimeKit.Text;

namespace Supervisor.Infrastructure.Delivery.Email;

/// <summary>One file attached to an e-mail.</summary>
public sealed record EmailAttachment(string FileName, byte[] Content, string ContentType)
{
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

/// <summary>Why an outbox message cannot become an e-mail at all (retrying will not help).</summary>
public sealed class UnbuildableMessageException(string message) : Exception(message);

/// <summary>
/// Builds the MIME message the SMTP connection and the pickup directory both send: UTF-8 subject and display names
/// (RFC 2047), text + HTML as alternatives, attachments after them, and <c>X-Supervisor-Key</c> so a recipient's copy
/// can be traced to its outbox row. Pure.
/// </summary>
public static class MimeMessages
{
    public const string KeyHeader = "X-Supervisor-Key";

    public static MimeMessage Build(OutboxMessage message, MailboxAddress from)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(from);
        var to = Recipient(message.Address, message.Name);
        var mime = new MimeMessage();
        mime.From.Add(from);
        mime.To.Add(to);
        mime.Subject = OneLine(message.Subject ?? "");
        mime.Headers.Add(KeyHeader, message.Key);

        MimeEntity body = Text(TextFormat.Plain, message.BodyText);
        if (message.BodyHtml is not null)
        {
            body = new MultipartAlternative { body, Text(TextFormat.Html, message.BodyHtml) };
        }

        var attachments = Attachments(message);
        if (attachments.Count > 0)
        {
            var mixed = new Multipart("mixed") { body };
            foreach (var a in attachments)
            {
                mixed.Add(Attachment(a));
            }

            body = mixed;
        }

        mime.Body = body;
        return mime;
    }

    /// <summary>The files an outbox message carries (today at most one: the digest's XLSX).</summary>
    public static IReadOnlyList<EmailAttachment> Attachments(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Attachment is null ? [] : [new EmailAttachment(message.AttachmentName ?? "attachment.xlsx", message.Attachment, EmailAttachment.Xlsx)];
    }

    /// <summary>
    /// The recipient as exactly one plain address (no display name, no group, no second address hidden in it), or
    /// <see cref="UnbuildableMessageException"/> naming what is wrong.
    /// </summary>
    public static MailboxAddress Recipient(string address, string? name)
    {
        var trimmed = (address ?? "").Trim();
        if (trimmed.Length == 0 || trimmed.Length > 254 || trimmed.Any(char.IsControl))
        {
            throw new UnbuildableMessageException($"recipient address '{Printable(trimmed)}' is empty, too long or has control characters");
        }

        if (!InternetAddressList.TryParse(trimmed, out var list) || list.Count != 1 || list[0] is not MailboxAddress mailbox
            || mailbox.Route.Count > 0 || !string.Equals(mailbox.Address, trimmed, StringComparison.Ordinal)
            || mailbox.LocalPart.Length == 0 || mailbox.Domain.Length == 0)
        {
            throw new UnbuildableMessageException($"recipient address '{Printable(trimmed)}' is not one e-mail address");
        }

        return new MailboxAddress(OneLine(name ?? ""), mailbox.Address);
    }

    /// <summary>Whether <paramref name="address"/> is exactly one plain e-mail address.</summary>
    public static bool IsAddress(string address)
    {
        try
        {
            _ = Recipient(address, null);
            return true;
        }
        catch (UnbuildableMessageException)
        {
            return false;
        }
    }

    private static TextPart Text(TextFormat format, string text)
    {
        var part = new TextPart(format);
        part.SetText(System.Text.Encoding.UTF8, text);

        // Chinese text is ~1.3× its bytes in base64 and ~3× in quoted-printable.
        part.ContentTransferEncoding = ContentEncoding.Base64;
        return part;
    }

    private static MimePart Attachment(EmailAttachment a)
    {
        var part = new MimePart(ContentType.Parse(a.ContentType))
        {
            Content = new MimeContent(new MemoryStream(a.Content, writable: false)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = a.FileName,
        };

        // RFC 2047 words in filename/name: what the mail clients offices use (Outlook, Foxmail) read reliably.
        foreach (var parameter in part.ContentDisposition.Parameters.Concat(part.ContentType.Parameters))
        {
            parameter.EncodingMethod = ParameterEncodingMethod.Rfc2047;
        }

        return part;
    }

    // Header text is one line: a line break in a name or subject from the directory must not start a new header.
    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Printable(string text) => new([.. text.Take(80).Select(c => char.IsControl(c) ? '?' : c)]);
}
