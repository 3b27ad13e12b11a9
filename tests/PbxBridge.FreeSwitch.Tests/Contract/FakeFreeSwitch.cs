using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>FreeSWITCH's pbxbridge profile written by hand (the shapes of transcript 03), calling agent 1001 over a
/// real UDP socket, for tests that need to see or withhold each message.</summary>
internal sealed class FakeFreeSwitch : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly IPEndPoint _pbx;
    private readonly int _port;

    public FakeFreeSwitch(IPEndPoint pbx)
    {
        _pbx = pbx;
        _port = ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;
    }

    public int Available => _socket.Available;

    public static string Offer(string direction) =>
        "v=0\r\no=FreeSWITCH 1 2 IN IP4 127.0.0.1\r\ns=FreeSWITCH\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 16404 RTP/AVP 0 101\r\n"
        + $"a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na={direction}\r\n";

    public static async Task<string> ReceiveAsync(UdpClient socket) =>
        Encoding.ASCII.GetString((await socket.ReceiveAsync(TestContext.Timeout).AsTask().Within(3)).Buffer);

    public static string Branch(string message) => Header(message, "Via").Split(";branch=")[1].Split(';')[0];

    public static long SdpVersion(string message) =>
        long.Parse(message.Split("\r\n").Single(l => l.StartsWith("o=", StringComparison.Ordinal)).Split(' ')[2], CultureInfo.InvariantCulture);

    public Task<string> ReceiveAsync() => ReceiveAsync(_socket);

    /// <summary>INVITE for agent-1001 until the call reaches the handler; the observer is attached.</summary>
    public async Task<(InboundPbxCall Call, RecordingObserver Observer, SimulatedRtpStream Media)> CallAgentAsync(FreeSwitchFixture fs)
    {
        var sdp = Offer("sendrecv");
        await SendAsync($"INVITE sip:agent-1001@{_pbx} SIP/2.0\r\n" + Headers("INVITE", 1, "z9hG4bKinv1", null)
            + $"Content-Type: application/sdp\r\nContent-Length: {sdp.Length}\r\n\r\n{sdp}");
        Assert.StartsWith("SIP/2.0 100 Trying", await ReceiveAsync(), StringComparison.Ordinal);
        var call = await fs.Handler.Calls.Reader.ReadAsync(TestContext.Timeout).AsTask().Within(3);
        var observer = new RecordingObserver();
        call.Attach(observer);
        return (call, observer, new SimulatedRtpStream(SimulatedMedia.Silence));
    }

    public Task AckAsync(int cseq, string answered) =>
        SendAsync($"ACK sip:agent-1001@{_pbx} SIP/2.0\r\n" + Headers("ACK", cseq, "z9hG4bKack" + cseq, ToTag(answered)) + "Content-Length: 0\r\n\r\n");

    /// <summary>A re-INVITE offering <paramref name="direction"/>; returns its 200 (ACKed).</summary>
    public async Task<string> ReinviteAsync(int cseq, string answered, string direction)
    {
        var sdp = Offer(direction);
        await SendAsync($"INVITE sip:agent-1001@{_pbx} SIP/2.0\r\n" + Headers("INVITE", cseq, "z9hG4bKre" + cseq, ToTag(answered))
            + $"Content-Type: application/sdp\r\nContent-Length: {sdp.Length}\r\n\r\n{sdp}");
        var ok = await ReceiveAsync();
        Assert.StartsWith("SIP/2.0 200 OK", ok, StringComparison.Ordinal);
        await AckAsync(cseq, answered);
        return ok;
    }

    /// <summary>Answers a request PbxBridge sent (it must be a <paramref name="method"/>) with 200 OK.</summary>
    public Task AnswerAsync(string request, string method) => RespondAsync(request, method, "200 OK");

    /// <summary>Answers a request PbxBridge sent (it must be a <paramref name="method"/>) with <paramref name="status"/>
    /// ("491 Request Pending"), no body.</summary>
    public async Task RespondAsync(string request, string method, string status)
    {
        Assert.StartsWith(method + " ", request, StringComparison.Ordinal);
        var headers = request.Split("\r\n").Where(l => l.Split(':')[0] is "Via" or "From" or "To" or "Call-ID" or "CSeq");
        await SendAsync($"SIP/2.0 {status}\r\n" + string.Join("\r\n", headers) + "\r\nContent-Length: 0\r\n\r\n");
    }

    public void Dispose() => _socket.Dispose();

    private static string Header(string message, string name) =>
        message.Split("\r\n").First(l => l.StartsWith(name + ": ", StringComparison.Ordinal))[(name.Length + 2)..];

    private static string ToTag(string response) => Header(response, "To").Split(";tag=")[1];

    private string Headers(string method, int cseq, string branch, string? toTag) =>
        $"Via: SIP/2.0/UDP 127.0.0.1:{_port};rport;branch={branch}\r\nMax-Forwards: 70\r\nFrom: <sip:1001@127.0.0.1>;tag=20Kr9FpytK4pa\r\n"
        + $"To: <sip:agent-1001@{_pbx}>{(toTag is null ? string.Empty : ";tag=" + toTag)}\r\nCall-ID: fake-fs-1\r\nCSeq: {cseq} {method}\r\n"
        + $"Contact: <sip:mod_sofia@127.0.0.1:{_port}>\r\n";

    private async Task SendAsync(string text) => await _socket.SendAsync(Encoding.ASCII.GetBytes(text), _pbx);
}
