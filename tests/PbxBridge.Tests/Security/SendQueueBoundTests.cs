using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using PbxBridge.Tests.Support;
using Xunit.Abstractions;

namespace PbxBridge.Tests.Security;

/// <summary>Issue 17 item 1: a client that sends within every limit but never reads must not turn its backlog into our
/// memory. Each OPTIONS carries a 60 KB Call-ID, which the 200 echoes: 18 a second (under the default 20/s) is about
/// 1.1 MB/s of answers per connection that nobody reads.</summary>
public sealed class SendQueueBoundTests(ITestOutputHelper output)
{
    private const int Attackers = 5;
    private static readonly string LongCallId = new('c', 60_000);

    [Fact]
    public async Task A_client_that_sends_at_the_allowed_rate_and_never_reads_is_closed_and_leaves_memory_bounded()
    {
        // The registration deadline would close these unauthenticated sockets too: off here, so only the bound acts.
        await using var service = await ServiceProcess.StartAsync("--Limits:RegistrationDeadlineSeconds=0");
        var heapBefore = await service.ManagedHeapBytesAsync();
        var rssBefore = service.ResidentBytes();

        var sockets = new List<ClientWebSocket>();
        using var stop = new CancellationTokenSource();
        var senders = new List<Task>();
        for (var i = 0; i < Attackers; i++)
        {
            var ws = WssSipClient.NewSocket();
            await ws.ConnectAsync(service.SipUri, CancellationToken.None);
            sockets.Add(ws);
            senders.Add(SendWithoutReadingAsync(ws, i, stop.Token));
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        long closed = 0;
        long peakRss = rssBefore;
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(500);
            peakRss = Math.Max(peakRss, service.ResidentBytes());
            closed = await service.MetricAsync("pbxbridge_sip_connections_send_queue_closed_total");
            if (closed == Attackers && await service.MetricAsync("pbxbridge_sip_connections") == 0)
            {
                break;
            }
        }

        var closedAfter = watch.Elapsed;

        // The first one now reads: what reaches it after its backlog is our close frame, 1008, unless the server
        // already gave up on the handshake (5 s) and aborted: either way the connection is over.
        var status = await DrainUntilClosedAsync(sockets[0]);
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        var heapAfter = await service.ManagedHeapBytesAsync();
        var rssAfter = service.ResidentBytes();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Attackers} connections sending 60 KB OPTIONS at 18/s, never reading: all closed after {closedAfter.TotalSeconds:0.0} s; " +
            $"RSS {rssBefore / 1048576.0:0.0} -> peak {peakRss / 1048576.0:0.0} -> {rssAfter / 1048576.0:0.0} MiB; " +
            $"managed heap after a full GC {heapBefore / 1048576.0:0.0} -> {heapAfter / 1048576.0:0.0} MiB; first client saw: {status}"));
        foreach (var ws in sockets)
        {
            ws.Abort();
            ws.Dispose();
        }

        Assert.Equal(Attackers, closed);
        Assert.Equal(0, await service.MetricAsync("pbxbridge_sip_connections"));
        Assert.True(heapAfter - heapBefore < 16L * 1024 * 1024, $"managed heap grew from {heapBefore} to {heapAfter}");

        // Unbounded, five such connections took RSS up by ~240 MiB in 40 s (issue 17); bounded, a few kernel-sized
        // buffers per connection at most, whatever the duration.
        Assert.True(peakRss - rssBefore < 96L * 1024 * 1024, $"RSS grew from {rssBefore} to a peak of {peakRss}");
        Assert.True(status is "1008" or "aborted", status);
    }

    /// <summary>A burst of 40, then 18 a second: under the default 50 burst and 20/s, so no message is refused and the
    /// flood rule never fires; the send queue bound is what closes it.</summary>
    private static async Task SendWithoutReadingAsync(ClientWebSocket ws, int index, CancellationToken stop)
    {
        var sent = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (!stop.IsCancellationRequested && ws.State == WebSocketState.Open)
            {
                var due = 40 + (int)(watch.Elapsed.TotalSeconds * 18);
                while (sent < due)
                {
                    var text = "OPTIONS sip:pbxbridge SIP/2.0\r\nVia: SIP/2.0/WSS a" + index.ToString(CultureInfo.InvariantCulture) + ".invalid;branch=z9hG4bK" +
                        sent.ToString(CultureInfo.InvariantCulture) + "x" + index.ToString(CultureInfo.InvariantCulture) +
                        "\r\nMax-Forwards: 70\r\nTo: <sip:pbxbridge>\r\nFrom: <sip:x@pbxbridge>;tag=f" + sent.ToString(CultureInfo.InvariantCulture) +
                        "\r\nCall-ID: " + LongCallId + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
                    await ws.SendAsync(Encoding.ASCII.GetBytes(text), WebSocketMessageType.Text, true, stop);
                    sent++;
                }

                await Task.Delay(20, stop);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // Closed by the server, or the test is over.
        }
    }

    private static async Task<string> DrainUntilClosedAsync(ClientWebSocket ws)
    {
        var buffer = new byte[1 << 16];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var result = await ws.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return ((int?)result.CloseStatus)?.ToString(CultureInfo.InvariantCulture) ?? "close without status";
                }
            }
        }
        catch (WebSocketException)
        {
            return "aborted";
        }
        catch (OperationCanceledException)
        {
            return "still open after 30 s";
        }
    }
}
