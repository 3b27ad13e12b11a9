using System.Collections.Concurrent;
using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Media;
using PbxBridge.Media.Dtmf;
using PbxBridge.Media.Rtp;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>
/// Digits FreeSWITCH sends on the agent's own leg (uuid_send_dtmf, an IVR's send_dtmf): RFC 2833 events, PT 101, in
/// the leg's RTP. The leg's media answer names that payload type, and the PBX-to-browser pipeline built from it turns
/// them into RFC 4733 events on the browser's payload type and clock.
/// </summary>
[Collection(SimulatorCollection.Name)]
public sealed class DtmfTowardTheAgentTests
{
    private const byte BrowserTelephoneEvent = 126;

    [Fact]
    public async Task Digits_freeswitch_sends_on_the_agent_leg_reach_the_browser_as_rfc4733_events()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var observer = new RecordingObserver(media.Start);
        var leg = await fs.Pbx.PlaceCallAsync(OutboundCallTests.Request("601", media, observer), TestContext.Timeout).Within(5);
        await observer.Answered.Task.Within(5);
        var channel = await fs.Simulator.WaitForCallToAsync("601", TimeSpan.FromSeconds(2));
        await TestContext.Eventually(() => leg.PbxId == channel.UniqueId);
        using var pipeline = new PbxToBrowserPipeline(new PbxToBrowserOptions(111, BrowserTelephoneEvent, 48000, PbxPayloadFormat.Pcmu, 0xB0B0, 5, 24000, true, false)
        {
            PbxTelephoneEventPayloadType = observer.TelephoneEventPayloadType ?? -1,
        });
        var events = new ConcurrentQueue<(bool Marker, uint Timestamp, TelephoneEventPayload Event)>();
        var toBrowser = new byte[1500];
        media.PacketReceived = packet =>
        {
            var length = pipeline.Process(packet, toBrowser);
            if (length > 0 && RtpPacket.TryParse(toBrowser.AsSpan(0, length), out var rtp) && rtp.PayloadType == BrowserTelephoneEvent
                && TelephoneEventPayload.TryRead(rtp.Payload, out var e))
            {
                events.Enqueue((rtp.Marker, rtp.Timestamp, e));
            }
        };

        var reply = await ((IFreeSwitchApi)fs.Pbx).ApiAsync($"uuid_send_dtmf {leg.PbxId} 1#@100", TestContext.Timeout);
        await TestContext.Eventually(() => events.Count(e => e.Event.End) == 6, seconds: 5);

        Assert.StartsWith("+OK", reply, StringComparison.Ordinal);
        Assert.Equal(101, observer.TelephoneEventPayloadType);
        var presses = events.GroupBy(e => e.Timestamp).ToList();
        Assert.Equal([(byte)1, (byte)11], presses.Select(p => p.First().Event.Event));
        Assert.All(presses, press =>
        {
            Assert.True(press.First().Marker);
            Assert.Single(press, e => e.Marker);
            // 100 ms: 800 units at FreeSWITCH's 8 kHz, 4800 on the browser's 48 kHz clock, the End bit three times.
            Assert.Equal(3, press.Count(e => e.Event.End));
            Assert.All(press.Where(e => e.Event.End), e => Assert.Equal(4800, e.Event.Duration));
        });
        Assert.Empty(observer.Digits);
        await leg.HangupAsync(PbxCause.NormalClearing, TestContext.Timeout);
    }
}
