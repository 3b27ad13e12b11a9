using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PbxBridge.Asterisk.Ari.Events;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk.Ari;

/// <summary>
/// The ARI events WebSocket (<c>/ari/events?app=...&amp;subscribeAll=false</c>). Keeps reconnecting with capped
/// exponential backoff and jitter: ECONNREFUSED (Asterisk stopped), 404 (res_ari not loaded yet) and
/// 503 "Asterisk not booted" all mean "try again". Unknown event types are ignored; a bad message is counted, never fatal.
/// After ApplicationReplaced (another client took the app; Asterisk 22 keeps our socket open but sends it nothing more)
/// the socket is closed and the app is registered again once Asterisk no longer has it, i.e. the other client left.
/// </summary>
public sealed partial class AriEventStream : IAsyncDisposable
{
    private readonly AsteriskOptions _options;
    private readonly IAriEventHandler _handler;
    private readonly ILogger _logger;
    private readonly PbxReconnectBackoff _backoff;
    private readonly AriClient? _client;
    private readonly CancellationTokenSource _stop = new();
    private ClientWebSocket? _socket;
    private Task? _loop;
    private long _malformedEvents;
    private long _connects;
    private bool _replaced;

    /// <param name="client">
    /// REST access to ask, after ApplicationReplaced, whether the other client still holds the app; without it the
    /// stream takes the app back after the backoff.
    /// </param>
    public AriEventStream(AsteriskOptions options, IAriEventHandler handler, ILogger logger, PbxReconnectBackoff? backoff = null, AriClient? client = null)
    {
        _options = options;
        _handler = handler;
        _logger = logger;
        _backoff = backoff ?? new PbxReconnectBackoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
        _client = client;
    }

    public bool IsConnected { get; private set; }

    /// <summary>Messages that were not valid ARI events (counted instead of logged one by one).</summary>
    public long MalformedEvents => Interlocked.Read(ref _malformedEvents);

    /// <summary>Successful connects, the first one included.</summary>
    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>The last connect failure in words (for doctor and health), null once connected.</summary>
    public string? LastError { get; private set; }

    /// <summary>Starts the connect/receive loop; returns after the first attempt finished, connected or not.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var firstAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop = Task.Run(() => RunAsync(firstAttempt), CancellationToken.None);
        await firstAttempt.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Abort the current socket (tests, or after ApplicationReplaced); the loop reconnects.</summary>
    public void AbortCurrentConnection() => _socket?.Abort();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket?.Abort();
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping is the expected way out of the loop.
            }
        }

        _stop.Dispose();
    }

    internal Uri BuildEventsUri()
    {
        var http = new Uri(_options.Url.TrimEnd('/') + "/ari/events");
        var builder = new UriBuilder(http) { Scheme = http.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" };
        var query = new AriQuery().Add("app", _options.Application).Add("subscribeAll", "false");
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            query.Add("api_key", _options.ApiKey);
        }

        builder.Query = query.ToString().TrimStart('?');
        return builder.Uri;
    }

    private async Task RunAsync(TaskCompletionSource firstAttempt)
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            if (_replaced)
            {
                try
                {
                    await WaitUntilApplicationReleasedAsync(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                _replaced = false;
            }

            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
            if (string.IsNullOrEmpty(_options.ApiKey))
            {
                var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.User}:{_options.Password}"));
                socket.Options.SetRequestHeader("Authorization", "Basic " + basic);
            }

            _socket = socket;
            var connected = false;
            try
            {
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                connectTimeout.CancelAfter(TimeSpan.FromSeconds(10));
                await socket.ConnectAsync(BuildEventsUri(), connectTimeout.Token).ConfigureAwait(false);
                connected = true;
                IsConnected = true;
                LastError = null;
                Interlocked.Increment(ref _connects);
                _backoff.Reset();
                LogConnected(_logger, _options.Application);
                try
                {
                    await _handler.OnConnectedAsync(token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogHandlerFailed(_logger, e);
                }

                firstAttempt.TrySetResult();
                await ReceiveLoopAsync(socket, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or IOException or OperationCanceledException)
            {
                LastError = connected ? $"events WebSocket lost: {e.GetBaseException().Message}" : Describe(socket, e);
                if (!connected)
                {
                    LogConnectFailed(_logger, LastError);
                }
            }
            finally
            {
                _socket = null;
                if (IsConnected)
                {
                    IsConnected = false;
                    SafeDisconnected(LastError ?? "closed");
                }
            }

            firstAttempt.TrySetResult();
            try
            {
                await Task.Delay(_backoff.Next(), token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        firstAttempt.TrySetResult();
    }

    private string Describe(ClientWebSocket socket, Exception e) => socket.HttpStatusCode switch
    {
        HttpStatusCode.Unauthorized => $"ARI refused the events WebSocket: 401, wrong ARI user or password (user '{_options.EffectiveUser}')",
        HttpStatusCode.NotFound => "ARI answered 404 (res_ari not loaded yet, or http.conf/ari.conf disabled); retrying",
        HttpStatusCode.ServiceUnavailable => "ARI answered 503 (Asterisk not booted yet); retrying",
        HttpStatusCode.BadRequest => $"ARI answered 400 to the events WebSocket (app '{_options.Application}')",
        0 => $"events WebSocket to {_options.Url} failed: {e.GetBaseException().Message}",
        var status => $"events WebSocket to {_options.Url} failed with HTTP {(int)status}",
    };

    private async Task ReceiveLoopAsync(ClientWebSocket socket, CancellationToken token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var length = 0;
            while (socket.State == WebSocketState.Open)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var result = await socket.ReceiveAsync(buffer.AsMemory(length), token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    LastError = $"Asterisk closed the events WebSocket ({socket.CloseStatus})";
                    return;
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (Dispatch(buffer.AsSpan(0, length)) is ApplicationReplaced)
                {
                    // Asterisk leaves this socket open but sends it nothing more: we are not connected any longer.
                    _replaced = true;
                    LastError = $"ApplicationReplaced: another ARI client took app '{_options.Application}'; registering it again once that client leaves";
                    return;
                }

                length = 0;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses one message and hands it to the handler; returns the event (null if none).</summary>
    private AriEvent? Dispatch(ReadOnlySpan<byte> message)
    {
        AriEvent? ariEvent;
        try
        {
            ariEvent = AriEventParser.Parse(message);
        }
        catch (JsonException)
        {
            Interlocked.Increment(ref _malformedEvents);
            return null;
        }

        if (ariEvent is null)
        {
            return null;
        }

        if (ariEvent is ApplicationReplaced)
        {
            LogApplicationReplaced(_logger, _options.Application);
        }

        try
        {
            _handler.OnEvent(ariEvent);
        }
        catch (Exception e)
        {
            // Nothing escapes the receive loop: one bad handler call must not stop the events of every other call.
            LogHandlerFailed(_logger, e);
        }

        return ariEvent;
    }

    /// <summary>
    /// After ApplicationReplaced: wait (with the backoff) until GET /applications/{app} answers 404. Asterisk drops an
    /// app when its WebSocket is gone and no channel is in it any more; connecting earlier would take the app from
    /// the other client, which (another PbxBridge) would take it back in turn. An unreachable Asterisk ends the wait
    /// too: it restarted, the app is gone, and the usual connect retries take over.
    /// </summary>
    private async Task WaitUntilApplicationReleasedAsync(CancellationToken token)
    {
        if (_client is null)
        {
            return;
        }

        while (true)
        {
            try
            {
                await _client.GetApplicationAsync(_options.Application, token).ConfigureAwait(false);
            }
            catch (AriException e) when (e.IsNotFound)
            {
                LogApplicationReleased(_logger, _options.Application);
                return;
            }
            catch (Exception e) when (e is AriException or HttpRequestException || (e is TaskCanceledException && !token.IsCancellationRequested))
            {
                return;
            }

            await Task.Delay(_backoff.Next(), token).ConfigureAwait(false);
        }
    }

    private void SafeDisconnected(string reason)
    {
        try
        {
            _handler.OnDisconnected(reason);
        }
        catch (Exception e)
        {
            LogHandlerFailed(_logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ARI events WebSocket connected (app {App})")]
    private static partial void LogConnected(ILogger logger, string app);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ARI events WebSocket: {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "ApplicationReplaced: another client connected to ARI app {App} and now receives its events; this PbxBridge instance no longer controls its calls and takes the app back when that client leaves. Give each node its own Pbx:Asterisk:App")]
    private static partial void LogApplicationReplaced(ILogger logger, string app);

    [LoggerMessage(Level = LogLevel.Information, Message = "ARI app {App} is free again (the client that replaced PbxBridge left): registering it")]
    private static partial void LogApplicationReleased(ILogger logger, string app);

    [LoggerMessage(Level = LogLevel.Error, Message = "ARI event handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
