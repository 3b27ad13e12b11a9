using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace PbxBridge.Asterisk.Simulator;

/// <summary>One events WebSocket: messages are queued in order and written by one writer.</summary>
internal sealed class SimEventConnection(string app, WebSocket socket, HttpContext context)
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public string App { get; } = app;

    public void Enqueue(string json) => _queue.Writer.TryWrite(json);

    /// <summary>Like Asterisk dying: the TCP connection goes away with no close frame (1006 on the client).</summary>
    public void Abort()
    {
        _queue.Writer.TryComplete();
        context.Abort();
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var result = await socket.ReceiveAsync(buffer, stopping).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
            {
                // Client went away.
            }

            _queue.Writer.TryComplete();
        });

        try
        {
            await foreach (var json in _queue.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, stopping).ConfigureAwait(false);
            }

            // Open: we end it; CloseReceived: the client said goodbye and waits for our close frame.
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", stopping).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Aborted or closed.
        }

        await reader.ConfigureAwait(false);
    }
}
