using System.Globalization;
using System.Net;
using System.Text;

namespace PbxBridge.FreeSwitch.Sip;

/// <summary>
/// The SDP (RFC 4566) of the FreeSWITCH leg: one audio stream, PCMU (PT 0) and telephone-event/8000 (PT 101), ptime 20,
/// exactly what the recorded exchanges carry (transcripts 03, 04).
/// </summary>
public static class PcmuSdp
{
    public const int TelephoneEventPayloadType = 101;

    /// <summary>
    /// Our offer or answer. <paramref name="version"/> goes up by one for each changed re-offer (RFC 3264 §8).
    /// <paramref name="telephoneEvent"/> is the telephone-event payload type: ours (101) in an offer; in an answer the
    /// offer's own number (RFC 3264 §6.1), or null to leave it out when the offer had none.
    /// </summary>
    public static string Build(IPEndPoint rtp, long sessionId, long version, string direction = "sendrecv", int? telephoneEvent = TelephoneEventPayloadType)
    {
        ArgumentNullException.ThrowIfNull(rtp);
        var ip = rtp.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IP6" : "IP4";
        var text = new StringBuilder()
            .Append("v=0\r\n")
            .Append(CultureInfo.InvariantCulture, $"o=PbxBridge {sessionId} {version} IN {ip} {rtp.Address}\r\n")
            .Append("s=PbxBridge\r\n")
            .Append(CultureInfo.InvariantCulture, $"c=IN {ip} {rtp.Address}\r\n")
            .Append("t=0 0\r\n")
            .Append(CultureInfo.InvariantCulture, $"m=audio {rtp.Port} RTP/AVP 0{(telephoneEvent is { } formats ? $" {formats}" : "")}\r\n")
            .Append("a=rtpmap:0 PCMU/8000\r\n");
        if (telephoneEvent is { } pt)
        {
            text.Append(CultureInfo.InvariantCulture, $"a=rtpmap:{pt} telephone-event/8000\r\n")
                .Append(CultureInfo.InvariantCulture, $"a=fmtp:{pt} 0-16\r\n");
        }

        text.Append("a=ptime:20\r\n")
            .Append(CultureInfo.InvariantCulture, $"a={direction}\r\n");
        return text.ToString();
    }

    /// <summary>
    /// The remote RTP address and whether PCMU was offered/accepted. False when the SDP has no usable audio stream
    /// (no c= address, port 0, unparsable lines).
    /// </summary>
    public static bool TryParse(string sdp, out IPEndPoint remoteRtp, out bool hasPcmu, out string direction)
    {
        remoteRtp = null!;
        hasPcmu = false;
        direction = "sendrecv";
        if (string.IsNullOrEmpty(sdp))
        {
            return false;
        }

        IPAddress? sessionAddress = null;
        IPAddress? mediaAddress = null;
        var port = -1;
        var inAudio = false;
        foreach (var rawLine in sdp.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                var parts = line[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                inAudio = parts.Length >= 4 && parts[0] == "audio" && port < 0;
                if (inAudio)
                {
                    if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                    {
                        return false;
                    }

                    hasPcmu = parts.Skip(3).Contains("0");
                }
            }
            else if (line.StartsWith("c=", StringComparison.Ordinal))
            {
                var parts = line[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 3 && IPAddress.TryParse(parts[2].Split('/')[0], out var address))
                {
                    if (inAudio)
                    {
                        mediaAddress = address;
                    }
                    else
                    {
                        sessionAddress ??= address;
                    }
                }
            }
            else if (inAudio && line is "a=sendrecv" or "a=sendonly" or "a=recvonly" or "a=inactive")
            {
                direction = line[2..];
            }
        }

        var chosen = mediaAddress ?? sessionAddress;
        if (chosen is null || port <= 0)
        {
            return false;
        }

        remoteRtp = new IPEndPoint(chosen, port);
        return true;
    }

    /// <summary>
    /// The payload type the SDP's first audio stream gives telephone-event/8000 (RFC 4733 §7.1.1), null when it has
    /// none: then digits toward FreeSWITCH go through ESL instead of the RTP.
    /// </summary>
    public static int? TelephoneEventPayloadTypeOf(string? sdp)
    {
        if (string.IsNullOrEmpty(sdp))
        {
            return null;
        }

        string[]? formats = null;
        foreach (var rawLine in sdp.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                if (formats is not null)
                {
                    break;
                }

                var parts = line[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 4 && parts[0] == "audio")
                {
                    formats = parts[3..];
                }
            }
            else if (formats is not null && line.StartsWith("a=rtpmap:", StringComparison.Ordinal))
            {
                var map = line["a=rtpmap:".Length..].Split(' ', 2, StringSplitOptions.TrimEntries);
                if (map.Length == 2 && map[1].Equals("telephone-event/8000", StringComparison.OrdinalIgnoreCase)
                    && formats.Contains(map[0])
                    && int.TryParse(map[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pt) && pt is >= 96 and <= 127)
                {
                    return pt;
                }
            }
        }

        return null;
    }
}
