using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>Runs alone: its timing limits (2 s for a failure cause) are about the adapter, not about CPU contention.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class EslFaultTests
{
    [Fact]
    public async Task Esl_cut_mid_call_keeps_media_flowing_reconnects_and_the_call_still_ends_cleanly()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver(media.Start);
        var leg = await fs.Pbx.PlaceCallAsync(OutboundCallTests.Request("601", media, observer), TestContext.Timeout).Within(5);
        await observer.Answered.Task.Within(5);
        var channel = await fs.Simulator.WaitForCallToAsync("601", TimeSpan.FromSeconds(2));
        await TestContext.Eventually(() => leg.PbxId == channel.UniqueId);

        await fs.Simulator.DropEslConnectionsAsync();
        await TestContext.Eventually(() => !fs.Pbx.IsControlConnected);
        var before = media.PacketsReceived;
        await TestContext.Eventually(() => fs.Pbx.IsControlConnected && fs.Pbx.Reconnects == 1);
        await TestContext.Eventually(() => media.PacketsReceived > before + 10);

        Assert.True(channel.IsUp, "reconcile must not kill a call it knows");
        await leg.HangupAsync(PbxCause.NormalClearing, TestContext.Timeout).Within(5);
        Assert.Equal("NORMAL_CLEARING", await channel.HungUp.Within(5));
        Assert.Equal(1, observer.HangupCount);
        Assert.Equal(0, fs.Pbx.ActiveLegs);
    }

    [Fact]
    public async Task After_connecting_pbxbridge_profile_channels_of_no_known_call_are_killed()
    {
        await using var simulator = await FreeSwitchSimulator.StartAsync();
        var (orphan, port) = await LeftOverCallAsync(simulator, "left-over-from-a-crash");

        // This node, restarted on the SIP port the channel's INVITE came from.
        var options = FreeSwitchFixture.OptionsFor(simulator);
        options.LocalSipPort = port;
        await using var pbx = new FreeSwitchPbx(options, NullLogger.Instance, TimeProvider.System, FreeSwitchFixture.TestTimers);
        await pbx.StartAsync(new RecordingInboundHandler(), TestContext.Timeout);

        Assert.Equal("NORMAL_CLEARING", await orphan.HungUp.Within(5));
    }

    [Fact]
    public async Task After_connecting_another_nodes_channels_are_left_alone()
    {
        await using var simulator = await FreeSwitchSimulator.StartAsync();
        var (othersCall, _) = await LeftOverCallAsync(simulator, "call-of-another-node");

        // A second node (its own SIP port) connects to the same FreeSWITCH and reconciles.
        await using var pbx = new FreeSwitchPbx(FreeSwitchFixture.OptionsFor(simulator), NullLogger.Instance, TimeProvider.System, FreeSwitchFixture.TestTimers);
        await pbx.StartAsync(new RecordingInboundHandler(), TestContext.Timeout);
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.True(othersCall.IsUp, "this node killed another node's call");
        Assert.Contains(othersCall.UniqueId, await simulator.ExecuteApiAsync("show channels as json"), StringComparison.Ordinal);
    }

    /// <summary>A call into 601 from a SIP user agent that is not there any more (a node that crashed, or another node).</summary>
    private static async Task<(SimulatedChannel Channel, int Port)> LeftOverCallAsync(FreeSwitchSimulator simulator, string callId)
    {
        using var stale = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)stale.Client.LocalEndPoint!).Port;
        var sdp = $"v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=x\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {port + 1} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        var invite = $"INVITE sip:601@{simulator.SipEndPoint} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{callId};rport\r\nMax-Forwards: 70\r\n"
            + $"From: <sip:agent-9@127.0.0.1:{port}>;tag=old\r\nTo: <sip:601@{simulator.SipEndPoint}>\r\nCall-ID: {callId}\r\nCSeq: 1 INVITE\r\n"
            + $"Contact: <sip:agent-9@127.0.0.1:{port}>\r\nContent-Type: application/sdp\r\nContent-Length: {sdp.Length}\r\n\r\n{sdp}";
        await stale.SendAsync(Encoding.ASCII.GetBytes(invite), simulator.SipEndPoint);
        var orphan = await simulator.WaitForCallToAsync("601", TimeSpan.FromSeconds(2));
        await TestContext.Eventually(() => orphan.RemoteRtp is not null);
        return (orphan, port);
    }

    [Fact]
    public async Task Wrong_password_at_startup_is_reported_as_a_bad_password_and_sip_still_runs()
    {
        await using var simulator = await FreeSwitchSimulator.StartAsync();
        await using var pbx = new FreeSwitchPbx(FreeSwitchFixture.OptionsFor(simulator, "not-the-password"), NullLogger.Instance, TimeProvider.System, FreeSwitchFixture.TestTimers);

        await pbx.StartAsync(new RecordingInboundHandler(), TestContext.Timeout).Within(5);

        Assert.False(pbx.IsControlConnected);
        Assert.StartsWith("bad password", pbx.LastControlError, StringComparison.Ordinal);
        Assert.NotNull(pbx.LocalSipEndPoint);
    }

    [Fact]
    public async Task Acl_rejection_at_startup_is_reported_as_such()
    {
        await using var simulator = await FreeSwitchSimulator.StartAsync(new FreeSwitchSimulatorOptions { AllowedEslClients = [IPAddress.Parse("127.0.0.2")] });
        await using var pbx = new FreeSwitchPbx(FreeSwitchFixture.OptionsFor(simulator), NullLogger.Instance, TimeProvider.System, FreeSwitchFixture.TestTimers);

        await pbx.StartAsync(new RecordingInboundHandler(), TestContext.Timeout).Within(5);

        Assert.False(pbx.IsControlConnected);
        Assert.StartsWith("ACL rejection", pbx.LastControlError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Our_user_agent_answers_options_pings()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
        var options = $"OPTIONS sip:FreeSWITCH@{fs.Pbx.LocalSipEndPoint} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};rport;branch=z9hG4bKping1\r\nMax-Forwards: 70\r\n"
            + $"From: <sip:FreeSWITCH@127.0.0.1>;tag=p1\r\nTo: <sip:FreeSWITCH@{fs.Pbx.LocalSipEndPoint}>\r\nCall-ID: ping-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

        await client.SendAsync(Encoding.ASCII.GetBytes(options), fs.Pbx.LocalSipEndPoint!);
        var reply = await client.ReceiveAsync(TestContext.Timeout).AsTask().Within(2);

        Assert.StartsWith("SIP/2.0 200 OK\r\n", Encoding.ASCII.GetString(reply.Buffer), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_datagrams_do_not_stop_the_user_agent()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await client.SendAsync(new byte[] { 0x80, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05 }, fs.Pbx.LocalSipEndPoint!);
        await client.SendAsync(Encoding.ASCII.GetBytes("INVITE nonsense\r\n\r\n"), fs.Pbx.LocalSipEndPoint!);
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver(media.Start);

        var leg = await fs.Pbx.PlaceCallAsync(OutboundCallTests.Request("601", media, observer), TestContext.Timeout).Within(5);

        await observer.Answered.Task.Within(5);
        await leg.HangupAsync(PbxCause.NormalClearing, TestContext.Timeout);
    }
}
