using System.Net;
using System.Net.Sockets;
using System.Text;
using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>PbxBridge as UAS, driven by hand-written FreeSWITCH messages (the shapes of transcript 03).</summary>
[Collection(SimulatorCollection.Name)]
public sealed class SipUasBehaviourTests
{
    [Fact]
    public async Task Answer_is_retransmitted_until_ack_then_reinvite_gets_the_current_sdp_and_bye_ends_the_call()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        using var freeSwitch = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)freeSwitch.Client.LocalEndPoint!).Port;
        var pbx = fs.Pbx.LocalSipEndPoint!;
        // FreeSWITCH's offer as transcript 03 records it.
        const string sdp = "v=0\r\no=FreeSWITCH 1 2 IN IP4 127.0.0.1\r\ns=FreeSWITCH\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 16404 RTP/AVP 0 101 13\r\n"
            + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=rtpmap:13 CN/8000\r\na=ptime:20\r\na=sendrecv\r\n";
        string Dialog(string method, int cseq, string branch, string? toTag) =>
            $"Via: SIP/2.0/UDP 127.0.0.1:{port};rport;branch={branch}\r\nMax-Forwards: 70\r\nFrom: <sip:1001@127.0.0.1>;tag=20Kr9FpytK4pa\r\n"
            + $"To: <sip:agent-1001@{pbx}>{(toTag is null ? string.Empty : ";tag=" + toTag)}\r\nCall-ID: uas-test-1\r\nCSeq: {cseq} {method}\r\nContact: <sip:mod_sofia@127.0.0.1:{port}>\r\n";
        async Task SendAsync(string text) => await freeSwitch.SendAsync(Encoding.ASCII.GetBytes(text), pbx);
        async Task<string> ReceiveAsync() => Encoding.ASCII.GetString((await freeSwitch.ReceiveAsync(TestContext.Timeout).AsTask().Within(3)).Buffer);

        await SendAsync($"INVITE sip:agent-1001@{pbx} SIP/2.0\r\n" + Dialog("INVITE", 1, "z9hG4bKinv1", null) + $"Content-Type: application/sdp\r\nContent-Length: {sdp.Length}\r\n\r\n{sdp}");
        Assert.StartsWith("SIP/2.0 100 Trying", await ReceiveAsync(), StringComparison.Ordinal);
        var call = await fs.Handler.Calls.Reader.ReadAsync(TestContext.Timeout).AsTask().Within(3);
        var observer = new RecordingObserver();
        call.Attach(observer);
        await using var media = new SimulatedRtpStream(SimulatedMedia.Silence);
        var answering = call.AnswerAsync(new PbxMediaOffer(media.LocalEndPoint, PbxCodec.Pcmu), TestContext.Timeout);

        var first = await ReceiveAsync();
        var second = await ReceiveAsync();
        Assert.StartsWith("SIP/2.0 200 OK", first, StringComparison.Ordinal);
        Assert.Equal(first, second);
        Assert.Contains($"m=audio {media.LocalEndPoint.Port} RTP/AVP 0 101", first, StringComparison.Ordinal);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 16404), await observer.MediaReady.Task.Within(3));
        Assert.Equal(101, observer.TelephoneEventPayloadType);
        var toTag = first.Split("\r\n").Single(l => l.StartsWith("To: ", StringComparison.Ordinal)).Split(";tag=")[1];

        await SendAsync($"ACK sip:agent-1001@{pbx} SIP/2.0\r\n" + Dialog("ACK", 1, "z9hG4bKack1", toTag) + "Content-Length: 0\r\n\r\n");
        await answering.Within(3);
        await observer.Answered.Task.Within(3);
        while (freeSwitch.Available > 0)
        {
            await ReceiveAsync();
        }

        await Task.Delay(600);
        Assert.Equal(0, freeSwitch.Available);

        await SendAsync($"INVITE sip:agent-1001@{pbx} SIP/2.0\r\n" + Dialog("INVITE", 2, "z9hG4bKreinv", toTag) + $"Content-Type: application/sdp\r\nContent-Length: {sdp.Length}\r\n\r\n{sdp}");
        var reInviteAnswer = await ReceiveAsync();
        Assert.StartsWith("SIP/2.0 200 OK", reInviteAnswer, StringComparison.Ordinal);
        Assert.Contains($"m=audio {media.LocalEndPoint.Port} RTP/AVP 0 101", reInviteAnswer, StringComparison.Ordinal);

        await SendAsync($"BYE sip:agent-1001@{pbx} SIP/2.0\r\n" + Dialog("BYE", 3, "z9hG4bKbye1", toTag) + "Reason: Q.850;cause=16;text=\"NORMAL_CLEARING\"\r\nContent-Length: 0\r\n\r\n");
        Assert.StartsWith("SIP/2.0 200 OK", await ReceiveAsync(), StringComparison.Ordinal);
        Assert.Equal(PbxCause.NormalClearing, await observer.HungUp.Task.Within(3));
    }

    [Fact]
    public async Task Invite_from_an_address_other_than_freeswitch_is_forbidden()
    {
        await using var fs = await FreeSwitchFixture.StartAsync();
        using var stranger = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        var port = ((IPEndPoint)stranger.Client.LocalEndPoint!).Port;
        var invite = $"INVITE sip:agent-1001@{fs.Pbx.LocalSipEndPoint} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:{port};branch=z9hG4bKx1\r\nMax-Forwards: 70\r\n"
            + "From: <sip:evil@127.0.0.2>;tag=e1\r\nTo: <sip:agent-1001@127.0.0.1>\r\nCall-ID: stranger-1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

        await stranger.SendAsync(Encoding.ASCII.GetBytes(invite), fs.Pbx.LocalSipEndPoint!);
        var reply = Encoding.ASCII.GetString((await stranger.ReceiveAsync(TestContext.Timeout).AsTask().Within(3)).Buffer);

        Assert.StartsWith("SIP/2.0 403 Forbidden", reply, StringComparison.Ordinal);
        Assert.False(fs.Handler.Calls.Reader.TryRead(out _));
    }
}
