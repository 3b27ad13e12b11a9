using PbxBridge.Sip.Message;
using PbxBridge.Tests.Support;

namespace PbxBridge.Tests.Sip;

/// <summary>
/// Issue 17 item 4, through the real WSS listener: CANCEL, BYE and re-INVITE for agent 1001's call, with every id
/// copied from 1001's own requests, sent from an unauthenticated connection or from agent 1002's, get 481 and the
/// call goes on; 1001 itself, on its connection or on a new one it registered on (a JsSIP reconnect), still can.
/// </summary>
public sealed class DialogOwnershipTests
{
    private static readonly string Offer = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sdp", "chromium156-offer.sdp"))
        .ReplaceLineEndings("\r\n");

    [Fact]
    public async Task CANCEL_of_a_ringing_call_from_another_connection_gets_481_and_the_call_keeps_ringing()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync();
        await using var a = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        await using var stranger = await WssSipClient.ConnectAsync(bridge.SipUri, "9999");
        await using var b = await WssSipClient.ConnectAsync(bridge.SipUri, "1002");
        Assert.Equal(200, (await a.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        Assert.Equal(200, (await b.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        var call = await a.InviteDialogAsync("602", Offer);
        Assert.Equal(180, call.Response.StatusCode);

        Assert.Equal(481, (await stranger.RequestAsync(call.Cancel())).StatusCode);
        Assert.Equal(481, (await b.RequestAsync(call.Cancel())).StatusCode);

        var metrics = await bridge.MetricsAsync();
        Assert.Contains("pbxbridge_calls_active 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_sip_foreign_dialog_requests_total 2\n", metrics, StringComparison.Ordinal);
        // Still ringing: the agent's own CANCEL is what ends it (200 to the CANCEL, then 487 to the INVITE).
        Assert.Equal(200, (await a.RequestAsync(call.Cancel())).StatusCode);
    }

    [Fact]
    public async Task BYE_and_re_INVITE_of_an_answered_call_from_another_agent_or_a_stranger_get_481_and_the_call_goes_on()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync();
        await using var a = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        await using var b = await WssSipClient.ConnectAsync(bridge.SipUri, "1002");
        await using var stranger = await WssSipClient.ConnectAsync(bridge.SipUri, "9999");
        Assert.Equal(200, (await a.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        Assert.Equal(200, (await b.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        var call = await a.InviteDialogAsync("600", Offer, waitForFinal: true);
        Assert.Equal(200, call.Response.StatusCode);

        // A high CSeq first: refused before the CSeq check, it must not make the agent's own next request out of order.
        Assert.Equal(481, (await b.RequestAsync(call.InDialog(SipMethod.Invite, 1000))).StatusCode);
        Assert.Equal(481, (await b.RequestAsync(call.InDialog(SipMethod.Bye, 1001))).StatusCode);
        Assert.Equal(481, (await stranger.RequestAsync(call.InDialog(SipMethod.Bye, 1002))).StatusCode);
        Assert.Equal(481, (await stranger.RequestAsync(call.InDialog(SipMethod.Update, 1003))).StatusCode);

        var metrics = await bridge.MetricsAsync();
        Assert.Contains("pbxbridge_calls_active 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_sip_foreign_dialog_requests_total 4\n", metrics, StringComparison.Ordinal);
        Assert.Equal(200, (await a.RequestAsync(call.InDialog(SipMethod.Bye, 2))).StatusCode);
    }

    [Fact]
    public async Task The_agent_reconnected_on_a_new_connection_and_registered_there_can_still_hang_up()
    {
        await using var bridge = await InProcessPbxBridge.StartAsync();
        await using var a = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        Assert.Equal(200, (await a.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        var call = await a.InviteDialogAsync("600", Offer, waitForFinal: true);
        Assert.Equal(200, call.Response.StatusCode);

        // JsSIP after a network blip: a new WebSocket, REGISTER on it, then its in-dialog requests go there.
        await using var again = await WssSipClient.ConnectAsync(bridge.SipUri, "1001");
        Assert.Equal(481, (await again.RequestAsync(call.InDialog(SipMethod.Bye, 2))).StatusCode);
        Assert.Equal(200, (await again.RegisterAsync(InProcessPbxBridge.DemoPassword)).StatusCode);
        Assert.Equal(200, (await again.RequestAsync(call.InDialog(SipMethod.Bye, 3))).StatusCode);
    }
}
