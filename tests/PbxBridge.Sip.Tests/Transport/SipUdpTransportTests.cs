using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Tests.Support;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Tests.Transport;

public sealed class SipUdpTransportTests
{
    private static string Options(string branch) =>
        "OPTIONS sip:pbxbridge@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=" + branch + "\r\nMax-Forwards: 70\r\n" +
        "To: <sip:pbxbridge@127.0.0.1>\r\nFrom: <sip:mod_sofia@127.0.0.1:5080>;tag=fs1\r\nCall-ID: udpopt-" + branch + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

    private static async Task<SipMessage> ReceiveAsync(UdpClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var datagram = await client.ReceiveAsync(timeout.Token);
        return SipParser.Parse(datagram.Buffer).Message!;
    }

    [Fact]
    public async Task Options_over_udp_is_answered_and_a_retransmission_gets_the_same_response()
    {
        using var stack = new SipStack(new SipStackOptions(), new TestAgents(), new RecordingCallHandler(), NullLogger<SipStack>.Instance);
        using var transport = new SipUdpTransport(new IPEndPoint(IPAddress.Loopback, 0), stack, NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        var loop = transport.RunAsync(cts.Token);
        using var fs = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        fs.Connect(transport.LocalEndPoint);

        await fs.SendAsync(Encoding.UTF8.GetBytes("\u0001garbage\r\n\r\n"));
        await fs.SendAsync(Encoding.UTF8.GetBytes(Options("z9hG4bKudp1")));
        var first = Assert.IsType<SipResponse>(await ReceiveAsync(fs));
        await fs.SendAsync(Encoding.UTF8.GetBytes(Options("z9hG4bKudp1")));
        var again = Assert.IsType<SipResponse>(await ReceiveAsync(fs));

        Assert.Equal(200, first.StatusCode);
        Assert.Equal(first.To!.Tag, again.To!.Tag);
        Assert.Equal(1, stack.Counters.Transactions);
        Assert.Equal(1, stack.Counters.ParseFailures);
        await cts.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task A_request_we_send_over_udp_is_retransmitted_on_timer_e_until_answered()
    {
        using var stack = new SipStack(new SipStackOptions(), new TestAgents(), new RecordingCallHandler(), NullLogger<SipStack>.Instance);
        using var transport = new SipUdpTransport(new IPEndPoint(IPAddress.Loopback, 0), stack, NullLogger.Instance);
        using var cts = new CancellationTokenSource();
        var loop = transport.RunAsync(cts.Token);
        using var fs = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var flow = transport.FlowTo((IPEndPoint)fs.Client.LocalEndPoint!);

        var probe = new SipRequest("OPTIONS", "sip:mod_sofia@127.0.0.1");
        probe.Headers.Add(SipHeaderNames.Via, "SIP/2.0/UDP " + flow.LocalSentBy + ";rport;branch=z9hG4bKprobe1");
        probe.Headers.Add(SipHeaderNames.MaxForwards, "70");
        probe.Headers.Add(SipHeaderNames.From, "<sip:pbxbridge@127.0.0.1>;tag=pb1");
        probe.Headers.Add(SipHeaderNames.To, "<sip:mod_sofia@127.0.0.1>");
        probe.Headers.Add(SipHeaderNames.CallId, "probe1");
        probe.Headers.Add(SipHeaderNames.CSeq, "1 OPTIONS");
        SipResponse? answered = null;
        stack.Execute(() => stack.SendRequest(flow, probe, r => answered = r));

        var first = Assert.IsType<SipRequest>(await ReceiveAsync(fs));
        var retransmitted = Assert.IsType<SipRequest>(await ReceiveAsync(fs));
        Assert.Equal(first.TopVia!.Branch, retransmitted.TopVia!.Branch);

        var ok = SipResponse.For(first, 200, "OK");
        await fs.SendAsync(ok.ToBytes(), transport.LocalEndPoint);
        for (var i = 0; i < 100 && answered is null; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal(200, answered!.StatusCode);
        await cts.CancelAsync();
        await loop;
    }
}
