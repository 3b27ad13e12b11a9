using System.Net;
using System.Net.WebSockets;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Http;

public sealed class ConnectionsPerAddressTests
{
    [Fact]
    public async Task The_connection_over_the_per_address_limit_gets_503_with_retry_after_before_any_upgrade()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync("--Limits:MaxConnectionsPerAddress=3");
        var open = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var ws = WssSipClient.NewSocket();
                await ws.ConnectAsync(bridge.SipUri, CancellationToken.None);
                open.Add(ws);
            }

            using var fourth = WssSipClient.NewSocket();
            await Assert.ThrowsAsync<WebSocketException>(() => fourth.ConnectAsync(bridge.SipUri, CancellationToken.None));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, fourth.HttpStatusCode);
            Assert.Equal(["30"], fourth.HttpResponseHeaders!["Retry-After"]);
            Assert.Contains("pbxbridge_sip_connections_refused_total 1\n", await bridge.MetricsAsync(), StringComparison.Ordinal);

            // A tab closes: its place is free again (once the server has finished with it).
            await open[0].CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            for (var attempt = 0; ; attempt++)
            {
                var ws = WssSipClient.NewSocket();
                try
                {
                    await ws.ConnectAsync(bridge.SipUri, CancellationToken.None);
                    open.Add(ws);
                    break;
                }
                catch (WebSocketException) when (ws.HttpStatusCode == HttpStatusCode.ServiceUnavailable && attempt < 100)
                {
                    ws.Dispose();
                    await Task.Delay(50);
                }
            }

            Assert.Equal(WebSocketState.Open, open[^1].State);
        }
        finally
        {
            foreach (var ws in open)
            {
                ws.Abort();
                ws.Dispose();
            }
        }
    }
}
