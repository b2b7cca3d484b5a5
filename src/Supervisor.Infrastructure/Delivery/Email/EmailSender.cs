using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Supervisor.Infrastructure.Delivery.Email;

/// <summary>
/// E-mail over MailKit: <c>Smtp:Connections</c> connected SmtpClients (MailKit's client is one connection and not
/// thread-safe), each reused across messages, connected and logged in on first use and again after the server drops
/// it. 4xx replies are transient (the outbox retries with backoff); 5xx are permanent for that message; a message that
/// cannot be built (bad address) is permanent at once. No Smtp:Host → the same MIME message as .eml in the pickup
/// directory.
/// </summary>
public sealed partial class EmailSender : IMessageSender, IDisposable
{
    // A connection idle longer than this is checked with NOOP before use: servers close idle sessions, and finding out
    // during MAIL FROM would turn a healthy send into a retry.
    private static readonly TimeSpan ProbeAfterIdle = TimeSpan.FromSeconds(10);

    private readonly SmtpOptions _options;
    private readonly MailboxAddress _from;
    private readonly ILogger<EmailSender> _logger;
    private readonly Channel<Connection> _pool;

    public EmailSender(IOptions<SmtpOptions> options, ILogger<EmailSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _from = new MailboxAddress(_options.FromName, _options.From.Trim());
        Parallelism = _options.UsesPickupDirectory ? Math.Max(_options.Connections, 4) : _options.Connections;
        _pool = Channel.CreateBounded<Connection>(Parallelism);
        for (var i = 0; i < Parallelism; i++)
        {
            _pool.Writer.TryWrite(new Connection());
        }
    }

    public int Parallelism { get; }

    /// <summary>The message exactly as it is sent (and written to the pickup directory).</summary>
    public MimeMessage Build(OutboxMessage message) => MimeMessages.Build(message, _from);

    public async Task<SendResult> SendAsync(OutboxMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        MimeMessage mime;
        try
        {
            mime = Build(message);
        }
        catch (UnbuildableMessageException ex)
        {
            return new SendResult(AttemptOutcome.Permanent, ex.Message);
        }

        using (mime)
        {
            if (_options.UsesPickupDirectory)
            {
                return await WritePickupAsync(message.Key, mime, ct);
            }

            var connection = await _pool.Reader.ReadAsync(ct);
            try
            {
                var client = await connection.ReadyAsync(this, ct);
                var reply = await client.SendAsync(mime, ct);
                connection.Used();
                return SendResult.Sent(Trim(reply));
            }
            catch (SmtpCommandException ex)
            {
                // The server answered: the session is intact (MailKit resets it), only this message failed.
                connection.Used();
                return Classify(ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Dropped connection, timeout, TLS or login failure: the session is unusable; the next send reconnects.
                await connection.DropAsync();
                LogSendFailed(_logger, _options.Host!, _options.Port, ex.GetType().Name, ex.Message);
                return new SendResult(AttemptOutcome.Transient, Flatten(ex));
            }
            catch (OperationCanceledException)
            {
                await connection.DropAsync();
                throw;
            }
            finally
            {
                _pool.Writer.TryWrite(connection);
            }
        }
    }

    /// <summary>4xx: try again later; 5xx: this message will not go through this server as it is.</summary>
    public static SendResult Classify(SmtpCommandException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var code = (int)ex.StatusCode;
        var what = ex.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted => $"recipient {ex.Mailbox?.Address} refused",
            SmtpErrorCode.SenderNotAccepted => $"sender {ex.Mailbox?.Address} refused",
            SmtpErrorCode.MessageNotAccepted => "message refused",
            _ => "unexpected reply",
        };
        var error = $"SMTP {code}: {what}: {ex.Message}";
        return new SendResult(code is >= 500 and < 600 ? AttemptOutcome.Permanent : AttemptOutcome.Transient, error);
    }

    private async Task<SendResult> WritePickupAsync(string key, MimeMessage mime, CancellationToken ct)
    {
        var directory = Path.GetFullPath(_options.PickupDirectory!);
        Directory.CreateDirectory(directory);
        var name = string.Concat(key.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')) + ".eml";
        var file = Path.Combine(directory, name);

        // Written beside and moved into place: a reader of the folder never sees half a message.
        var temporary = Path.Combine(directory, "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            await mime.WriteToAsync(FormatOptions.Default, temporary, ct);
            File.Move(temporary, file, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            return new SendResult(AttemptOutcome.Transient, ex.Message);
        }

        return SendResult.Sent("file:" + name);
    }

    private async Task<(SmtpClient Client, Socket Socket)> ConnectAsync(CancellationToken ct)
    {
        var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        if (_options.CertificateThumbprint is { Length: > 0 } pinned)
        {
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None
                || (certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), pinned, StringComparison.OrdinalIgnoreCase));
        }

        // Our own socket, handed to MailKit: it lets a pooled session see that the server has closed it (see Connection).
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                connectTimeout.CancelAfter(_options.Timeout);
                try
                {
                    await socket.ConnectAsync(new DnsEndPoint(_options.Host!, _options.Port), connectTimeout.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"connecting to {_options.Host}:{_options.Port} took longer than Smtp:Timeout {_options.Timeout}");
                }
            }

            var security = _options.Security switch
            {
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.None,
            };
            await client.ConnectAsync(socket, _options.Host!, _options.Port, security, ct);
            if (!string.IsNullOrEmpty(_options.User))
            {
                await client.AuthenticateAsync(_options.User, _options.Password ?? "", ct);
            }

            LogConnected(_logger, _options.Host!, _options.Port, _options.Security, client.IsSecure, client.IsAuthenticated);
            return (client, socket);
        }
        catch
        {
            client.Dispose();
            socket.Dispose();
            throw;
        }
    }

    private static string Flatten(Exception ex) => ex.InnerException is null ? ex.Message : ex.Message + ": " + Flatten(ex.InnerException);

    private static string? Trim(string? reply) => reply is null ? null : reply.Length <= 200 ? reply : reply[..200];

    public void Dispose()
    {
        while (_pool.Reader.TryRead(out var connection))
        {
            connection.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMTP connected to {Host}:{Port} ({Security}; TLS {Secure}, logged in {Authenticated})")]
    private static partial void LogConnected(ILogger logger, string host, int port, SmtpSecurity security, bool secure, bool authenticated);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP {Host}:{Port}: {Error}: {Message}; the connection is dropped and the message retried later")]
    private static partial void LogSendFailed(ILogger logger, string host, int port, string error, string message);

    /// <summary>One pooled SMTP session; used by one sender at a time (it is taken from and returned to the pool).</summary>
    private sealed class Connection : IDisposable
    {
        private SmtpClient? _client;
        private Socket? _socket;
        private long _lastUsed;

        public async Task<SmtpClient> ReadyAsync(EmailSender owner, CancellationToken ct)
        {
            // Between messages an SMTP server says nothing unless it is going away (a 421, a TLS close, or FIN):
            // anything readable now means the session is over, and finding out during MAIL FROM would cost a retry.
            if (_client is not null && (!_client.IsConnected || _socket is null || _socket.Poll(0, SelectMode.SelectRead)))
            {
                await DropAsync();
            }

            // A session idle for a while may have been dropped without a word (a NAT or firewall timeout): ask.
            if (_client is not null && Stopwatch.GetElapsedTime(_lastUsed) > ProbeAfterIdle)
            {
                try
                {
                    await _client.NoOpAsync(ct);
                }
                catch (Exception ex) when (ex is IOException or SmtpProtocolException or SmtpCommandException or ServiceNotConnectedException or TimeoutException)
                {
                    await DropAsync();
                }
            }

            if (_client is null)
            {
                (_client, _socket) = await owner.ConnectAsync(ct);
                Used();
            }

            return _client;
        }

        public void Used() => _lastUsed = Stopwatch.GetTimestamp();

        public async Task DropAsync()
        {
            if (_client is null)
            {
                return;
            }

            try
            {
                if (_client.IsConnected)
                {
                    using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await _client.DisconnectAsync(quit: true, quick.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or SmtpProtocolException or SmtpCommandException or OperationCanceledException or TimeoutException or ServiceNotConnectedException or SocketException)
            {
                // Quitting politely is best effort: the socket is closed below either way.
            }

            Dispose();
        }

        public void Dispose()
        {
            _client?.Dispose();
            _socket?.Dispose();
            _client = null;
            _socket = null;
        }
    }
}
