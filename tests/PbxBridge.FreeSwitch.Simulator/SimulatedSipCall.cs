using System.Globalization;
using System.Net;
using System.Text;

namespace PbxBridge.FreeSwitch.Simulator;

/// <summary>
/// The SIP dialog of one simulated channel, written the way mod_sofia writes it (transcripts 03, 03b, 04): FreeSWITCH's
/// User-Agent, Allow and Supported lines, tags, "rport=" in responses, Reason: Q.850 on BYE and failures.
/// </summary>
internal sealed class SimulatedSipCall
{
    public const string UserAgent = "FreeSWITCH-mod_sofia/1.10.12-release~64bit";
    public const string Allow = "INVITE, ACK, BYE, CANCEL, OPTIONS, MESSAGE, INFO, UPDATE, REGISTER, REFER, NOTIFY";
    private uint _cseq = (uint)Random.Shared.Next(100_000_000, 200_000_000);

    public SimulatedSipCall(SimulatedChannel channel, IPEndPoint remote, bool freeSwitchIsUac)
    {
        Channel = channel;
        Remote = remote;
        FreeSwitchIsUac = freeSwitchIsUac;
    }

    public SimulatedChannel Channel { get; }

    public IPEndPoint Remote { get; }

    public bool FreeSwitchIsUac { get; }

    public string LocalTag { get; } = NewTag();

    /// <summary>Our side's address header value (From when FreeSWITCH is UAC, To otherwise), with tag.</summary>
    public string LocalHeader { get; set; } = string.Empty;

    /// <summary>The peer's address header value, with its tag once known.</summary>
    public string RemoteHeader { get; set; } = string.Empty;

    public string RemoteTarget { get; set; } = string.Empty;

    /// <summary>The initial INVITE's Via (UAS) or the one we sent (UAC), to build CANCEL / responses.</summary>
    public string InviteVia { get; set; } = string.Empty;

    public string InviteCSeq { get; set; } = string.Empty;

    public string InviteRequestUri { get; set; } = string.Empty;

    public byte[]? LastResponse { get; set; }

    public bool Answered { get; set; }

    public bool Ended { get; set; }

    public TaskCompletionSource<int> Final { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static string NewTag()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz0123456789";
        return string.Create(13, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
            }
        });
    }

    public static string NewBranch() => "z9hG4bK" + NewTag();

    public uint NextCSeq() => Interlocked.Increment(ref _cseq);

    public static string Sdp(IPEndPoint rtp)
    {
        var session = Random.Shared.Next(1_700_000_000, 1_800_000_000);
        return "v=0\r\n"
            + string.Create(CultureInfo.InvariantCulture, $"o=FreeSWITCH {session} {session + 1} IN IP4 {rtp.Address}\r\n")
            + "s=FreeSWITCH\r\n"
            + string.Create(CultureInfo.InvariantCulture, $"c=IN IP4 {rtp.Address}\r\n")
            + "t=0 0\r\n"
            + string.Create(CultureInfo.InvariantCulture, $"m=audio {rtp.Port} RTP/AVP 0 101 13\r\n")
            + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=rtpmap:13 CN/8000\r\na=ptime:20\r\n";
    }

    public static byte[] Message(string startLine, IEnumerable<string> headers, string? sdp)
    {
        var text = new StringBuilder(startLine).Append("\r\n");
        foreach (var header in headers)
        {
            text.Append(header).Append("\r\n");
        }

        if (sdp is not null)
        {
            text.Append("Content-Type: application/sdp\r\n");
        }

        text.Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(sdp ?? string.Empty).ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        text.Append(sdp);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>An in-dialog request from FreeSWITCH (BYE, re-INVITE) toward PbxBridge's Contact.</summary>
    public byte[] Request(string method, IPEndPoint local, IEnumerable<string> extra)
    {
        var headers = new List<string>
        {
            $"Via: SIP/2.0/UDP {local};rport;branch={NewBranch()}",
            "Max-Forwards: 70",
            $"From: {LocalHeader}",
            $"To: {RemoteHeader}",
            $"Call-ID: {Channel.SipCallId}",
            $"CSeq: {NextCSeq()} {method}",
            $"User-Agent: {UserAgent}",
            $"Allow: {Allow}",
            "Supported: path, replaces",
        };
        headers.AddRange(extra);
        return Message($"{method} {RemoteTarget} SIP/2.0", headers, null);
    }
}
