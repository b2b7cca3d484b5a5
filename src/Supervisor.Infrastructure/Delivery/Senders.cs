using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Mail;
using System.Net.Mime;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
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
        AlternateView? html = null;
        if (message.BodyHtml is not null)
        {
            html = AlternateView.CreateAlternateViewFromString(message.BodyHtml, Encoding.UTF8, MediaTypeNames.Text.Html);
            mail.AlternateViews.Add(html);
        }

        // Every attachment in order; one with a content id is an image the HTML shows inline (cid:).
        foreach (var file in message.Attachments)
        {
            if (file.ContentId is not null && html is not null)
            {
                html.LinkedResources.Add(new LinkedResource(new MemoryStream(file.Content), file.ContentType) { ContentId = file.ContentId });
                continue;
            }

            var attachment = new Attachment(new MemoryStream(file.Content), file.FileName, file.ContentType) { NameEncoding = Encoding.UTF8 };
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

/// <summary>The JSON the SMS gateway receives.</summary>
public sealed record SmsRequest(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("signName")] string SignName,
    [property: JsonPropertyName("templateCode")] string TemplateCode,
    [property: JsonPropertyName("params")] IReadOnlyDictionary<string, string> Params,
    [property: JsonPropertyName("outId")] string OutId);

/// <summary>The gateway's answer: a code (success or error), a message, the provider's message id.</summary>
public sealed record SmsResponse(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("messageId")] string? MessageId);

/// <summary>
/// SMS over the HTTP gateway (typed HttpClient, pooled connections): JSON POST signed with HMAC-SHA256 over
/// timestamp + body, out-id = message key. No Sms:Url → one file per text in the SMS directory.
/// </summary>
public sealed class SmsSender(HttpClient http, IOptions<SmsOptions> options, TimeProvider time) : IMessageSender
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public int Parallelism => 8;

    public async Task<SendResult> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = options.Value;
        var request = new SmsRequest(message.Address, message.BodyText, o.SignName, o.TemplateCode,
            new Dictionary<string, string> { ["text"] = message.BodyText }, message.Key);
        var body = JsonSerializer.Serialize(request, JsonOptions);
        if (o.UsesFiles)
        {
            Directory.CreateDirectory(o.Directory!);
            var file = Path.Combine(o.Directory!, string.Concat(message.Key.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_')) + ".json");
            await File.WriteAllTextAsync(file, body, Encoding.UTF8, ct);
            return SendResult.Sent("file:" + Path.GetFileName(file));
        }

        var timestamp = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var post = new HttpRequestMessage(HttpMethod.Post, o.Url) { Content = content };
        post.Headers.Add(o.TimestampHeader, timestamp);
        post.Headers.Add(o.SignatureHeader, Sign(o.Secret!, timestamp, body));
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(o.Timeout);
            using var response = await http.SendAsync(post, timeout.Token);
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests
                || response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return new SendResult(AttemptOutcome.Transient, $"HTTP {(int)response.StatusCode}");
            }

            if (!response.IsSuccessStatusCode)
            {
                return new SendResult(AttemptOutcome.Permanent, $"HTTP {(int)response.StatusCode}");
            }

            var answer = await response.Content.ReadFromJsonAsync<SmsResponse>(ct);
            var code = answer?.Code ?? "";
            if (o.EffectiveSuccessCodes.Contains(code))
            {
                return SendResult.Sent(answer?.MessageId);
            }

            var error = $"gateway {code}: {answer?.Message}";
            return new SendResult(o.EffectivePermanentErrorCodes.Contains(code) ? AttemptOutcome.Permanent : AttemptOutcome.Transient, error);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return new SendResult(AttemptOutcome.Transient, ex.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SendResult(AttemptOutcome.Transient, $"timeout after {o.Timeout}");
        }
    }

    /// <summary>Lowercase hex HMAC-SHA256 of timestamp + body, keyed with the secret.</summary>
    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + body)));
}
