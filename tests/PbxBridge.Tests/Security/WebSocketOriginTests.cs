using System.Net;
using System.Net.WebSockets;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Security;

/// <summary>Issue 17 item 6: the SIP WebSocket upgrade checks the page's Origin (browsers always send it): the service's
/// own origin and Http:AllowedOrigins get in, other pages get 403 before any upgrade, clients without an Origin (not
/// a web page) are unaffected.</summary>
public sealed class WebSocketOriginTests
{
    [Fact]
    public async Task A_foreign_page_gets_403_and_the_own_origin_listed_ones_and_non_browsers_connect()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync("--Http:AllowedOrigins:0=https://crm.example.com");
        var own = bridge.BaseUri.GetLeftPart(UriPartial.Authority);

        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeAsync(bridge, "https://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeAsync(bridge, "null"));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeAsync(bridge, "http://" + own["https://".Length..]));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeAsync(bridge, own));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeAsync(bridge, "https://CRM.example.com:443"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeAsync(bridge, origin: null));

        Assert.Contains("pbxbridge_sip_connections_origin_refused_total 3\n", await bridge.MetricsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_default_only_the_services_own_origin_may_connect_from_a_browser()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync();

        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeAsync(bridge, "https://crm.example.com"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeAsync(bridge, bridge.BaseUri.GetLeftPart(UriPartial.Authority)));
    }

    private static async Task<HttpStatusCode> UpgradeAsync(InProcessPbxBridge bridge, string? origin)
    {
        using var ws = WssSipClient.NewSocket();
        if (origin is not null)
        {
            ws.Options.SetRequestHeader("Origin", origin);
        }

        try
        {
            await ws.ConnectAsync(bridge.SipUri, CancellationToken.None);
            ws.Abort();
        }
        catch (WebSocketException)
        {
            // Refused: the status says how.
        }

        return ws.HttpStatusCode;
    }
}
