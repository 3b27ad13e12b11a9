using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Calls.Pbx;
using PbxBridge.Demo;
using PbxBridge.Media.G711;
using PbxBridge.Media.Rtp;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.Tests.Demo;

public sealed class DemoPbxTests
{
    [Fact]
    public async Task Extension_601_answers_and_sends_a_1004_Hz_tone_as_PCMU_every_20_ms()
    {
        await using var pbx = await StartedPbx();
        using var rtp = LocalRtp();
        var observer = new RecordingObserver();
        var leg = await pbx.PlaceCallAsync(Request("601", rtp, observer), CancellationToken.None);

        await observer.Answered.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var samples = new List<short>();
        var buffer = new byte[1500];
        while (samples.Count < 8000)
        {
            var n = await rtp.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(2));
            Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, n), out var packet));
            Assert.Equal(0, packet.PayloadType);
            Assert.Equal(160, packet.PayloadLength);
            foreach (var b in packet.Payload)
            {
                samples.Add(MuLaw.Decode(b));
            }
        }

        Assert.InRange(ZeroCrossingFrequency(samples, 8000), 1000, 1008);
        Assert.Equal(IPAddress.Loopback, observer.Media!.RemoteRtp.Address);
        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.Equal(0, pbx.ActiveChannels);
    }

    [Fact]
    public async Task Extension_600_echoes_what_it_receives_from_the_announced_address_only()
    {
        await using var pbx = await StartedPbx();
        using var rtp = LocalRtp();
        using var stranger = LocalRtp();
        var observer = new RecordingObserver();
        await pbx.PlaceCallAsync(Request("600", rtp, observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(TimeSpan.FromSeconds(5));

        var packet = new byte[172];
        RtpPacketWriter.Write(packet, new RtpHeaderFields(0, 7, 160, 0x1234), Enumerable.Range(0, 160).Select(i => (byte)i).ToArray());
        await stranger.SendToAsync(packet, observer.Media!.RemoteRtp);
        await rtp.SendToAsync(packet, observer.Media!.RemoteRtp);

        var buffer = new byte[1500];
        var n = await rtp.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(2));
        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, n), out var echoed));
        Assert.True(echoed.Payload.SequenceEqual(packet.AsSpan(12)));
        Assert.NotEqual(0x1234u, echoed.Ssrc);
        Assert.Equal(0, stranger.Available);
    }

    [Fact]
    public async Task Extension_603_is_busy_and_602_rings()
    {
        await using var pbx = await StartedPbx();
        using var rtp = LocalRtp();
        var busy = new RecordingObserver();
        await pbx.PlaceCallAsync(Request("603", rtp, busy), CancellationToken.None);
        Assert.Equal(PbxCause.UserBusy, await busy.HungUp.Task.WaitAsync(TimeSpan.FromSeconds(5)));

        var ringing = new RecordingObserver();
        var leg = await pbx.PlaceCallAsync(Request("602", rtp, ringing), CancellationToken.None);
        await ringing.Ringing.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(300);
        Assert.False(ringing.Answered.Task.IsCompleted);
        await leg.HangupAsync(PbxCause.OriginatorCancel, CancellationToken.None);
        Assert.Equal(0, pbx.ActiveChannels);
    }

    [Fact]
    public async Task The_answer_delay_is_how_long_600_rings_before_it_answers()
    {
        using var rtp = LocalRtp();
        await using var slow = new DemoPbx(IPAddress.Loopback, NullLogger<DemoPbx>.Instance, TimeSpan.FromMinutes(10));
        await slow.StartAsync(new RecordingInboundHandler(), CancellationToken.None);
        var ringing = new RecordingObserver();
        var leg = await slow.PlaceCallAsync(Request("600", rtp, ringing), CancellationToken.None);
        await ringing.Ringing.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(300);
        Assert.False(ringing.Answered.Task.IsCompleted);
        await leg.HangupAsync(PbxCause.OriginatorCancel, CancellationToken.None);

        await using var prompt = new DemoPbx(IPAddress.Loopback, NullLogger<DemoPbx>.Instance, TimeSpan.Zero);
        await prompt.StartAsync(new RecordingInboundHandler(), CancellationToken.None);
        var answered = new RecordingObserver();
        await prompt.PlaceCallAsync(Request("600", rtp, answered), CancellationToken.None);
        await answered.Answered.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Every_channel_shares_one_tone_table_per_codec()
    {
        Assert.Same(DemoTone.For(PbxCodec.Pcmu), DemoTone.For(PbxCodec.Pcmu));
        Assert.NotSame(DemoTone.For(PbxCodec.Pcmu), DemoTone.For(PbxCodec.Pcma));
    }

    [Fact]
    public async Task Unknown_extension_fails_as_unallocated()
    {
        await using var pbx = await StartedPbx();
        using var rtp = LocalRtp();
        var e = await Assert.ThrowsAsync<PbxCallFailedException>(() => pbx.PlaceCallAsync(Request("999", rtp, new RecordingObserver()), CancellationToken.None));
        Assert.Equal(PbxCause.Unallocated, e.Cause);
    }

    [Fact]
    public async Task Dtmf_sent_to_the_demo_comes_back_as_a_dtmf_event()
    {
        await using var pbx = await StartedPbx();
        using var rtp = LocalRtp();
        var observer = new RecordingObserver();
        var leg = await pbx.PlaceCallAsync(Request("600", rtp, observer), CancellationToken.None);
        await leg.SendDtmfAsync('7', TimeSpan.FromMilliseconds(100), CancellationToken.None);
        Assert.Equal('7', Assert.Single(observer.Digits).Digit);
    }

    [Fact]
    public async Task Demo_call_to_an_agent_reaches_the_inbound_handler_and_ends_from_the_pbx_side()
    {
        await using var pbx = new DemoPbx(IPAddress.Loopback, NullLogger<DemoPbx>.Instance);
        var inbound = new RecordingInboundHandler();
        await pbx.StartAsync(inbound, CancellationToken.None);
        var id = pbx.CallAgent("1001", "601", "Demo 601");
        Assert.True(inbound.Calls.Reader.TryRead(out var call));
        Assert.Equal("1001", call.AgentId);
        var observer = new RecordingObserver();
        call.Attach(observer);
        using var rtp = LocalRtp();
        await call.AnswerAsync(new PbxMediaOffer((IPEndPoint)rtp.LocalEndPoint!, PbxCodec.Pcmu), CancellationToken.None);
        Assert.NotNull(observer.Media);
        Assert.True(await pbx.HangupAsync(id));
        Assert.Equal(PbxCause.NormalClearing, await observer.HungUp.Task.WaitAsync(TimeSpan.FromSeconds(2)));
    }

    private static async Task<DemoPbx> StartedPbx()
    {
        var pbx = new DemoPbx(IPAddress.Loopback, NullLogger<DemoPbx>.Instance);
        await pbx.StartAsync(new RecordingInboundHandler(), CancellationToken.None);
        return pbx;
    }

    private static Socket LocalRtp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static OutboundCallRequest Request(string destination, Socket rtp, IPbxLegObserver observer) =>
        new("test-call", "1001", "Agent", destination, new PbxMediaOffer((IPEndPoint)rtp.LocalEndPoint!, PbxCodec.Pcmu), observer);

    private static double ZeroCrossingFrequency(List<short> samples, int rate)
    {
        var crossings = 0;
        for (var i = 1; i < samples.Count; i++)
        {
            if ((samples[i - 1] < 0) != (samples[i] < 0))
            {
                crossings++;
            }
        }

        return crossings / 2.0 * rate / samples.Count;
    }
}
