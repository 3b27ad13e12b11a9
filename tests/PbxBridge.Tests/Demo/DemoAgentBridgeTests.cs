using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Calls.Pbx;
using PbxBridge.Demo;
using PbxBridge.Media.Rtp;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.Tests.Demo;

/// <summary>An agent dialling another agent through the demo PBX, and the attended transfer that joins far parties.</summary>
public sealed class DemoAgentBridgeTests
{
    [Fact]
    public async Task An_agent_id_rings_that_agent_bridges_rtp_both_ways_and_hangs_up_the_other_leg()
    {
        var inbound = new RecordingInboundHandler();
        await using var pbx = await StartedPbx(inbound);
        using var callerRtp = LocalRtp();
        using var calleeRtp = LocalRtp();
        var caller = new RecordingObserver();
        var leg = await pbx.PlaceCallAsync(Request("1002", callerRtp, caller), CancellationToken.None);

        var call = await inbound.Calls.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(("1002", "1001"), (call.AgentId, call.CallerNumber));
        var callee = new RecordingObserver();
        call.Attach(callee);
        await call.RingAsync(CancellationToken.None);
        await caller.Ringing.Task.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.False(caller.Answered.Task.IsCompleted);

        await call.AnswerAsync(Offer(calleeRtp), CancellationToken.None);
        await caller.Answered.Task.WaitAsync(TimeSpan.FromSeconds(2));
        await AssertCarriesAsync(callerRtp, caller.Media!.RemoteRtp, calleeRtp, 0x11);
        await AssertCarriesAsync(calleeRtp, callee.Media!.RemoteRtp, callerRtp, 0x22);

        // The caller's hold reaches the callee's leg as the PBX's hold.
        await leg.HoldAsync(CancellationToken.None);
        Assert.True(await callee.Holds.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2)));

        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.Equal(PbxCause.NormalClearing, await callee.HungUp.Task.WaitAsync(TimeSpan.FromSeconds(2)));
        Assert.Equal(0, pbx.ActiveChannels);
    }

    [Fact]
    public async Task A_refusing_agent_ends_the_callers_leg_with_its_cause()
    {
        var inbound = new RecordingInboundHandler { OnCall = c => _ = c.RejectAsync(PbxCause.UserBusy, CancellationToken.None) };
        await using var pbx = await StartedPbx(inbound);
        using var rtp = LocalRtp();
        var caller = new RecordingObserver();
        await pbx.PlaceCallAsync(Request("1002", rtp, caller), CancellationToken.None);
        Assert.Equal(PbxCause.UserBusy, await caller.HungUp.Task.WaitAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Joining_a_tone_caller_with_a_consulted_agent_plays_the_tone_to_that_agent_and_leaves_it_up()
    {
        var inbound = new RecordingInboundHandler();
        await using var pbx = await StartedPbx(inbound);

        // Call A: the demo caller (tone) answered by 1001.
        pbx.CallAgent("1001", "601", "Demo 601");
        var a = await inbound.Calls.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2));
        a.Attach(new RecordingObserver());
        using var aRtp = LocalRtp();
        await a.AnswerAsync(Offer(aRtp), CancellationToken.None);

        // Call B: 1001 consults 1002.
        using var bRtp = LocalRtp();
        using var calleeRtp = LocalRtp();
        var consultation = await pbx.PlaceCallAsync(Request("1002", bRtp, new RecordingObserver()), CancellationToken.None);
        var c = await inbound.Calls.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2));
        var callee = new RecordingObserver();
        c.Attach(callee);
        await c.AnswerAsync(Offer(calleeRtp), CancellationToken.None);

        await a.JoinAsync(consultation, CancellationToken.None);
        await a.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        await consultation.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);

        // 1002's leg stays and now carries the caller's tone (PCMU frames, 50 a second).
        Assert.False(callee.HungUp.Task.IsCompleted);
        Drain(calleeRtp);
        var buffer = new byte[1500];
        var n = await calleeRtp.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(2));
        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, n), out var packet));
        Assert.Equal(160, packet.PayloadLength);
        Assert.Equal(1, pbx.ActiveChannels);
    }

    [Fact]
    public async Task Two_synthetic_far_parties_cannot_be_joined()
    {
        await using var pbx = await StartedPbx(new RecordingInboundHandler());
        using var rtp = LocalRtp();
        var tone = new RecordingObserver();
        var a = await pbx.PlaceCallAsync(Request("601", rtp, tone), CancellationToken.None);
        var b = await pbx.PlaceCallAsync(Request("600", rtp, new RecordingObserver()), CancellationToken.None);
        await tone.Answered.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var e = await Assert.ThrowsAsync<PbxCallFailedException>(() => a.JoinAsync(b, CancellationToken.None));
        Assert.Equal(69, e.Cause.Q850);
    }

    private static async Task AssertCarriesAsync(Socket from, IPEndPoint to, Socket receiver, byte marker)
    {
        var packet = new byte[172];
        RtpPacketWriter.Write(packet, new RtpHeaderFields(0, 1, 160, 0x1234), Enumerable.Repeat(marker, 160).ToArray());
        await from.SendToAsync(packet, to);
        var buffer = new byte[1500];
        var n = await receiver.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(2));
        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, n), out var carried));
        Assert.All(carried.Payload.ToArray(), b => Assert.Equal(marker, b));
        Assert.NotEqual(0x1234u, carried.Ssrc);
    }

    private static void Drain(Socket socket)
    {
        var buffer = new byte[1500];
        while (socket.Available > 0)
        {
            socket.Receive(buffer);
        }
    }

    private static async Task<DemoPbx> StartedPbx(RecordingInboundHandler inbound)
    {
        var pbx = new DemoPbx(IPAddress.Loopback, NullLogger<DemoPbx>.Instance, TimeSpan.Zero, id => id is "1001" or "1002");
        await pbx.StartAsync(inbound, CancellationToken.None);
        return pbx;
    }

    private static Socket LocalRtp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static PbxMediaOffer Offer(Socket rtp) => new((IPEndPoint)rtp.LocalEndPoint!, PbxCodec.Pcmu);

    private static OutboundCallRequest Request(string destination, Socket rtp, IPbxLegObserver observer) =>
        new("test-call", "1001", "Agent", destination, Offer(rtp), observer);
}
