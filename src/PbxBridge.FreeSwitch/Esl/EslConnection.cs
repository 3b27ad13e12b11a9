using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace PbxBridge.FreeSwitch.Esl;

/// <summary>
/// One inbound ESL connection (we dial FreeSWITCH's mod_event_socket). A dedicated task reads frames for the whole
/// life of the connection and never waits on a consumer: FreeSWITCH drops a listener that falls 500 events behind.
/// Replies (command/reply, api/response) come back in command order, so pending commands are a FIFO.
/// Never send `myevents &lt;uuid&gt;` here: FreeSWITCH closes the connection when that call ends (NOTES A1).
/// </summary>
public sealed partial class EslConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly Stream _stream;
    private readonly EslFrameReader _reader;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<TaskCompletionSource<EslMessage>> _pending = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _jobs = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<EslEvent> _events = Channel.CreateUnbounded<EslEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private long _eventsReceived;
    private long _malformedEvents;

    private EslConnection(TcpClient client, ILogger logger)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new EslFrameReader(_stream);
        _logger = logger;
    }

    /// <summary>Events in arrival order. Completes when the connection closes.</summary>
    public ChannelReader<EslEvent> Events => _events.Reader;

    /// <summary>Completes with the reason once the connection is closed (by either side).</summary>
    public Task<string> Closed => _closed.Task;

    public bool IsConnected => !_closed.Task.IsCompleted;

    public long EventsReceived => Interlocked.Read(ref _eventsReceived);

    /// <summary>Event frames that could not be parsed (logged, counted, skipped; reading goes on).</summary>
    public long MalformedEvents => Interlocked.Read(ref _malformedEvents);

    /// <summary>
    /// Connects, waits for auth/request and authenticates. Throws <see cref="EslAuthenticationException"/> naming a bad
    /// password or an ACL rejection, <see cref="SocketException"/> when nothing listens.
    /// </summary>
    public static async Task<EslConnection> ConnectAsync(string host, int port, string password, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(logger);
        EnsureSingleLine(password, nameof(password));
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            var connection = new EslConnection(client, logger);
            await connection.AuthenticateAsync(password, cancellationToken).ConfigureAwait(false);
            connection._readLoop = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
            return connection;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends a command (not `api`) and returns its command/reply.</summary>
    public async Task<EslReply> SendCommandAsync(string command, IReadOnlyList<KeyValuePair<string, string>>? headers, string? body, CancellationToken cancellationToken)
    {
        var reply = await RoundTripAsync(command, headers, body, cancellationToken).ConfigureAwait(false);
        return new EslReply(reply.ReplyText ?? string.Empty);
    }

    public Task<EslReply> SendCommandAsync(string command, CancellationToken cancellationToken) =>
        SendCommandAsync(command, null, null, cancellationToken);

    /// <summary>`api &lt;command&gt;`: blocks FreeSWITCH's side of this connection until done, so only for short commands.</summary>
    public async Task<string> ApiAsync(string command, CancellationToken cancellationToken)
    {
        var reply = await RoundTripAsync("api " + command, null, null, cancellationToken).ConfigureAwait(false);
        return reply.BodyText;
    }

    /// <summary>
    /// `bgapi &lt;command&gt;` with our own Job-UUID; returns the BACKGROUND_JOB body ("+OK ..." or "-ERR CAUSE\n").
    /// Needs BACKGROUND_JOB subscribed (and, once any filter exists, `filter Event-Name BACKGROUND_JOB`).
    /// </summary>
    public async Task<string> BgApiAsync(string command, CancellationToken cancellationToken)
    {
        var jobUuid = Guid.NewGuid().ToString();
        var job = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _jobs[jobUuid] = job;
        try
        {
            var reply = await SendCommandAsync("bgapi " + command, [new("Job-UUID", jobUuid)], null, cancellationToken).ConfigureAwait(false);
            if (!reply.IsOk)
            {
                throw new EslCommandException(reply.Text);
            }

            return await job.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _jobs.TryRemove(jobUuid, out _);
        }
    }

    /// <summary>`event json &lt;names&gt;`: JSON needs no URL-decoding and carries bodies as "_body".</summary>
    public async Task SubscribeJsonAsync(IEnumerable<string> eventNames, CancellationToken cancellationToken)
    {
        var reply = await SendCommandAsync("event json " + string.Join(' ', eventNames), cancellationToken).ConfigureAwait(false);
        ThrowIfError(reply);
    }

    /// <summary>`filter &lt;header&gt; &lt;value&gt;`: once any filter exists only matching events arrive (OR).</summary>
    public async Task AddFilterAsync(string header, string value, CancellationToken cancellationToken)
    {
        var reply = await SendCommandAsync($"filter {header} {value}", cancellationToken).ConfigureAwait(false);
        ThrowIfError(reply);
    }

    /// <summary>`sendmsg &lt;uuid&gt;` with call-command headers (execute, hangup); "+OK" means queued only.</summary>
    public Task<EslReply> SendMsgAsync(string uuid, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken) =>
        SendCommandAsync("sendmsg " + uuid, headers, null, cancellationToken);

    /// <summary>`exit`: FreeSWITCH answers "+OK bye", sends a disconnect-notice and closes.</summary>
    public async Task ExitAsync(CancellationToken cancellationToken)
    {
        await SendCommandAsync("exit", cancellationToken).ConfigureAwait(false);
        await _closed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _client.Dispose();
        await _readLoop.ConfigureAwait(false);
        Close("closed by PbxBridge");
        _stop.Dispose();
        _writeLock.Dispose();
    }

    private static void ThrowIfError(EslReply reply)
    {
        if (!reply.IsOk)
        {
            throw new EslCommandException(reply.Text);
        }
    }

    private static void EnsureSingleLine(string value, string what)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"ESL {what} must not contain CR or LF", what);
        }
    }

    private async Task AuthenticateAsync(string password, CancellationToken cancellationToken)
    {
        var greeting = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new EslAuthenticationException(EslRejection.NotEventSocket, "connection closed before FreeSWITCH sent auth/request");
        if (greeting.ContentType == EslContentType.RudeRejection)
        {
            LogRudeRejection(_logger, greeting.BodyText.Trim());
            throw new EslAuthenticationException(
                EslRejection.AccessDenied,
                $"FreeSWITCH rejected our address by ACL ('{greeting.BodyText.Trim()}'): add PbxBridge's address to the list named in event_socket.conf.xml apply-inbound-acl");
        }

        if (greeting.ContentType != EslContentType.AuthRequest)
        {
            throw new EslAuthenticationException(EslRejection.NotEventSocket, $"expected auth/request, got '{greeting.ContentType}': is this FreeSWITCH's event socket port?");
        }

        await WriteAsync(BuildCommand("auth " + password, null, null), cancellationToken).ConfigureAwait(false);
        var reply = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new EslAuthenticationException(EslRejection.BadPassword, "connection closed after auth");
        if (reply.ContentType != EslContentType.CommandReply || reply.ReplyText is not { } text || !text.StartsWith("+OK", StringComparison.Ordinal))
        {
            throw new EslAuthenticationException(
                EslRejection.BadPassword,
                $"FreeSWITCH refused the ESL password ('{reply.ReplyText}'): Pbx:FreeSwitch:EslPassword must equal event_socket.conf.xml's password");
        }
    }

    private async Task<EslMessage> RoundTripAsync(string command, IReadOnlyList<KeyValuePair<string, string>>? headers, string? body, CancellationToken cancellationToken)
    {
        var bytes = BuildCommand(command, headers, body);
        var reply = new TaskCompletionSource<EslMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_closed.Task.IsCompleted)
            {
                throw new IOException("ESL connection is closed: " + _closed.Task.Result);
            }

            lock (_pending)
            {
                _pending.Enqueue(reply);
            }

            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw new IOException("ESL connection is closed", e);
        }
        finally
        {
            _writeLock.Release();
        }

        return await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static byte[] BuildCommand(string command, IReadOnlyList<KeyValuePair<string, string>>? headers, string? body)
    {
        EnsureSingleLine(command, "command");
        var text = new StringBuilder(command).Append('\n');
        foreach (var header in headers ?? [])
        {
            EnsureSingleLine(header.Key, "header name");
            EnsureSingleLine(header.Value, "header value");
            text.Append(header.Key).Append(": ").Append(header.Value).Append('\n');
        }

        if (body is not null)
        {
            var bodyBytes = Encoding.UTF8.GetByteCount(body);
            text.Append("Content-Length: ").Append(bodyBytes.ToString(CultureInfo.InvariantCulture)).Append("\n\n").Append(body);
        }
        else
        {
            text.Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var reason = "FreeSWITCH closed the connection";
        try
        {
            while (true)
            {
                var message = await _reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                if (message is null)
                {
                    break;
                }

                Dispatch(message);
            }
        }
        catch (OperationCanceledException)
        {
            reason = "closed by PbxBridge";
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or EslProtocolException)
        {
            reason = e.Message;
            if (!_stop.IsCancellationRequested)
            {
                LogReadFailed(_logger, e.Message);
            }
        }

        Close(reason);
    }

    private void Dispatch(EslMessage message)
    {
        switch (message.ContentType)
        {
            case EslContentType.CommandReply:
            case EslContentType.ApiResponse:
                TaskCompletionSource<EslMessage>? waiter;
                lock (_pending)
                {
                    _pending.TryDequeue(out waiter);
                }

                if (waiter is null)
                {
                    LogUnexpectedReply(_logger, message.ContentType);
                }

                waiter?.TrySetResult(message);
                break;
            case EslContentType.EventPlain:
            case EslContentType.EventJson:
            case EslContentType.EventXml:
                DispatchEvent(message);
                break;
            case EslContentType.DisconnectNotice:
                LogDisconnectNotice(_logger, message.GetHeader("Content-Disposition") ?? "none", message.BodyText.Trim());
                break;
            case EslContentType.RudeRejection:
                LogRudeRejection(_logger, message.BodyText.Trim());
                break;
            default:
                // log/data and anything newer: not subscribed to, nothing to do.
                break;
        }
    }

    private void DispatchEvent(EslMessage message)
    {
        EslEvent parsed;
        try
        {
            parsed = EslEvent.Parse(message);
        }
        catch (EslProtocolException e)
        {
            Interlocked.Increment(ref _malformedEvents);
            LogMalformedEvent(_logger, e.Message);
            return;
        }

        Interlocked.Increment(ref _eventsReceived);
        if (parsed.Name == "BACKGROUND_JOB" && parsed.GetHeader("Job-UUID") is { } jobUuid && _jobs.TryGetValue(jobUuid, out var job))
        {
            job.TrySetResult(parsed.Body ?? string.Empty);
        }

        _events.Writer.TryWrite(parsed);
    }

    private void Close(string reason)
    {
        if (!_closed.TrySetResult(reason))
        {
            return;
        }

        _client.Dispose();
        var failure = new IOException("ESL connection closed: " + reason);
        lock (_pending)
        {
            while (_pending.TryDequeue(out var waiter))
            {
                waiter.TrySetException(failure);
            }
        }

        foreach (var job in _jobs.Values)
        {
            job.TrySetException(failure);
        }

        _events.Writer.TryComplete();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "FreeSWITCH ESL rude-rejection: '{Text}'. PbxBridge's address is not allowed by event_socket.conf.xml apply-inbound-acl")]
    private static partial void LogRudeRejection(ILogger logger, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FreeSWITCH ESL disconnect-notice (Content-Disposition: {Disposition}): '{Text}'")]
    private static partial void LogDisconnectNotice(ILogger logger, string disposition, string text);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FreeSWITCH ESL read failed: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FreeSWITCH ESL sent a {ContentType} nobody waited for")]
    private static partial void LogUnexpectedReply(ILogger logger, string contentType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FreeSWITCH ESL event skipped: {Reason}")]
    private static partial void LogMalformedEvent(ILogger logger, string reason);
}
