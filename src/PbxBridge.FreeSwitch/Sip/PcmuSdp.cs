using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PbxBridge.Sip.Sdp;

namespace PbxBridge.FreeSwitch.Sip;

/// <summary>
/// The SDP (RFC 8866) of the FreeSWITCH leg, on the Sip room's SDP model: one audio stream, PCMU (PT 0) and
/// telephone-event/8000 (PT 101), ptime 20, exactly what the recorded exchanges carry (transcripts 03, 04).
/// </summary>
public static class PcmuSdp
{
    public const int TelephoneEventPayloadType = 101;

    /// <summary>
    /// Our offer or answer. <paramref name="version"/> goes up by one for each changed re-offer (RFC 3264 §8).
    /// <paramref name="telephoneEvent"/> is the telephone-event payload type: ours (101) in an offer; in an answer the
    /// offer's own number (RFC 3264 §6.1), or null to leave it out when the offer had none.
    /// </summary>
    public static string Build(IPEndPoint rtp, long sessionId, long version, MediaDirection direction = MediaDirection.SendRecv, int? telephoneEvent = TelephoneEventPayloadType)
    {
        ArgumentNullException.ThrowIfNull(rtp);
        var address = $"IN {(rtp.AddressFamily == AddressFamily.InterNetworkV6 ? "IP6" : "IP4")} {rtp.Address}";
        var event8000 = telephoneEvent?.ToString(CultureInfo.InvariantCulture);
        var audio = new MediaDescription("audio", rtp.Port, "RTP/AVP", event8000 is null ? ["0"] : ["0", event8000]);
        audio.Add("rtpmap", "0 PCMU/8000");
        if (event8000 is not null)
        {
            audio.Add("rtpmap", event8000 + " telephone-event/8000");
            audio.Add("fmtp", event8000 + " 0-16");
        }

        audio.Add("ptime", "20");
        audio.Add(SdpDirection.Attribute(direction));
        var session = new SessionDescription { Origin = string.Create(CultureInfo.InvariantCulture, $"PbxBridge {sessionId} {version} {address}"), SessionName = "PbxBridge", Connection = address };
        session.Media.Add(audio);
        return session.ToString();
    }

    /// <summary>
    /// The remote RTP address, whether PCMU was offered/accepted and the stream's direction. False when the SDP has no
    /// usable audio stream (no c= address, port 0, unparsable lines).
    /// </summary>
    public static bool TryParse(string sdp, out IPEndPoint remoteRtp, out bool hasPcmu, out MediaDirection direction)
    {
        remoteRtp = null!;
        hasPcmu = false;
        direction = MediaDirection.SendRecv;
        if (Audio(sdp, out var session) is not { } audio || (Address(audio.Connection) ?? Address(session.Connection)) is not { } address || audio.Port <= 0)
        {
            return false;
        }

        hasPcmu = audio.Formats.Contains("0");
        direction = SdpDirection.Declared(audio, session);
        remoteRtp = new IPEndPoint(address, audio.Port);
        return true;
    }

    /// <summary>
    /// The payload type the SDP's first audio stream gives telephone-event/8000 (RFC 4733 §7.1.1), null when it has
    /// none: then digits toward FreeSWITCH go through ESL instead of the RTP.
    /// </summary>
    public static int? TelephoneEventPayloadTypeOf(string? sdp)
    {
        var audio = Audio(sdp, out _);
        foreach (var map in audio?.GetAttributes("rtpmap") ?? [])
        {
            var parts = map.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && parts[1].Equals("telephone-event/8000", StringComparison.OrdinalIgnoreCase) && audio!.Formats.Contains(parts[0])
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pt) && pt is >= 96 and <= 127)
            {
                return pt;
            }
        }

        return null;
    }

    /// <summary>The first audio stream that names at least one format.</summary>
    private static MediaDescription? Audio(string? sdp, out SessionDescription session)
    {
        session = null!;
        return sdp is not null && SessionDescription.TryParse(sdp, out session, out _)
            ? session.Media.FirstOrDefault(m => m.Media == "audio" && m.Formats.Count > 0)
            : null;
    }

    /// <summary>The address of a "c=IN IP4 a.b.c.d" value (a multicast "/ttl" suffix ignored).</summary>
    private static IPAddress? Address(string? connection) =>
        connection?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, _, var host] && IPAddress.TryParse(host.Split('/')[0], out var address)
            ? address
            : null;
}
