using System.Globalization;
using PbxBridge.Sip.Sdp;
using PbxBridge.WebRtc.Dtls;
using PbxBridge.WebRtc.Ice;

namespace PbxBridge.WebRtc.Sdp;

/// <summary>
/// The facts a remote offer or answer gives about its audio section, read per JSEP (RFC 8829) with
/// session-level fallbacks for ICE and DTLS attributes (RFC 8839 §5.4, RFC 8842 §5). Candidates are not read:
/// an ICE-lite agent learns the browser's address from its nominated check, so mDNS or TCP candidates never
/// matter.
/// </summary>
public sealed class RemoteAudioDescription
{
    private RemoteAudioDescription(
        SessionDescription session,
        MediaDescription audio,
        int audioIndex,
        IceCredentials ice,
        DtlsFingerprint fingerprint,
        DtlsSetup setup,
        int opusPayloadType,
        int? telephoneEventPayloadType,
        int? telephoneEventClockRate,
        MediaDirection direction)
    {
        Session = session;
        Audio = audio;
        AudioIndex = audioIndex;
        Ice = ice;
        Fingerprint = fingerprint;
        Setup = setup;
        OpusPayloadType = opusPayloadType;
        TelephoneEventPayloadType = telephoneEventPayloadType;
        TelephoneEventClockRate = telephoneEventClockRate;
        Direction = direction;
    }

    public SessionDescription Session { get; }

    public MediaDescription Audio { get; }

    /// <summary>Position of the audio section among the m= lines (the answer keeps every position).</summary>
    public int AudioIndex { get; }

    public string? Mid => Audio.GetAttribute("mid");

    public IceCredentials Ice { get; }

    public DtlsFingerprint Fingerprint { get; }

    public DtlsSetup Setup { get; }

    public int OpusPayloadType { get; }

    public int? TelephoneEventPayloadType { get; }

    public int? TelephoneEventClockRate { get; }

    /// <summary>usedtx=1 on the Opus payload type's a=fmtp (RFC 7587 §6.1): the sender of this description prefers to receive DTX.</summary>
    public bool OpusUseDtx => OpusFormatParameter("usedtx") == "1";

    /// <summary>One parameter of the Opus payload type's a=fmtp ("key=value" pairs separated by ';'), or null.</summary>
    private string? OpusFormatParameter(string name)
    {
        foreach (var fmtp in Audio.GetAttributes("fmtp"))
        {
            var space = fmtp.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || !int.TryParse(fmtp.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var payloadType) || payloadType != OpusPayloadType)
            {
                continue;
            }

            foreach (var parameter in fmtp[(space + 1)..].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = parameter.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0 && parameter.AsSpan(0, equals).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return parameter[(equals + 1)..].Trim();
                }
            }
        }

        return null;
    }

    /// <summary>The direction as the remote side wrote it (its own point of view).</summary>
    public MediaDirection Direction { get; }

    public bool IsBundled
    {
        get
        {
            var group = Session.GetAttribute("group");
            return group is not null && Mid is { } mid &&
                   group.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["BUNDLE", .. var mids] && mids.Contains(mid);
        }
    }

    /// <summary>Reads and validates; on failure <paramref name="reason"/> says why, fit for a 488 Warning.</summary>
    public static bool TryRead(string sdp, out RemoteAudioDescription description, out string reason)
    {
        description = null!;
        if (!SessionDescription.TryParse(sdp, out var session, out var parseError))
        {
            reason = $"unparseable SDP: {parseError}";
            return false;
        }

        var audioIndex = -1;
        for (var i = 0; i < session.Media.Count; i++)
        {
            if (session.Media[i].Media == "audio" && session.Media[i].Port != 0)
            {
                audioIndex = i;
                break;
            }
        }

        if (audioIndex < 0)
        {
            reason = "no audio stream in the offer";
            return false;
        }

        var audio = session.Media[audioIndex];
        if (!audio.Protocol.Equals("UDP/TLS/RTP/SAVPF", StringComparison.OrdinalIgnoreCase) &&
            !audio.Protocol.Equals("UDP/TLS/RTP/SAVP", StringComparison.OrdinalIgnoreCase))
        {
            reason = $"audio transport '{audio.Protocol}' is not DTLS-SRTP over UDP (UDP/TLS/RTP/SAVPF)";
            return false;
        }

        var fingerprintText = audio.GetAttribute("fingerprint") ?? session.GetAttribute("fingerprint");
        if (fingerprintText is null)
        {
            reason = "no DTLS fingerprint (a=fingerprint) in the offer";
            return false;
        }

        if (!DtlsFingerprint.TryParse(fingerprintText, out var fingerprint))
        {
            reason = $"unsupported or malformed DTLS fingerprint '{fingerprintText}'";
            return false;
        }

        var ufrag = audio.GetAttribute("ice-ufrag") ?? session.GetAttribute("ice-ufrag");
        var pwd = audio.GetAttribute("ice-pwd") ?? session.GetAttribute("ice-pwd");
        if (string.IsNullOrEmpty(ufrag) || string.IsNullOrEmpty(pwd))
        {
            reason = "no ICE credentials (a=ice-ufrag / a=ice-pwd)";
            return false;
        }

        if (!audio.HasAttribute("rtcp-mux"))
        {
            reason = "rtcp-mux is required (a=rtcp-mux missing)";
            return false;
        }

        var opus = FindCodec(audio, "opus", 48000);
        if (opus is null)
        {
            reason = "no opus/48000/2 codec in the audio offer";
            return false;
        }

        // Prefer the 48 kHz telephone-event: same clock as opus, so no timestamp conversion (RFC 7874 §4).
        int? telephoneEventPayloadType = null;
        int? telephoneEventClockRate = null;
        if (FindCodec(audio, "telephone-event", 48000) is { } te48)
        {
            telephoneEventPayloadType = te48;
            telephoneEventClockRate = 48000;
        }
        else if (FindCodec(audio, "telephone-event", 8000) is { } te8)
        {
            telephoneEventPayloadType = te8;
            telephoneEventClockRate = 8000;
        }

        var setupText = audio.GetAttribute("setup") ?? session.GetAttribute("setup");
        var setup = setupText?.Trim().ToLowerInvariant() switch
        {
            "passive" => DtlsSetup.Passive,
            "actpass" => DtlsSetup.ActPass,
            // RFC 4145 §4: absent means active.
            _ => DtlsSetup.Active,
        };

        description = new RemoteAudioDescription(
            session, audio, audioIndex, new IceCredentials(ufrag, pwd), fingerprint, setup,
            opus.Value, telephoneEventPayloadType, telephoneEventClockRate, ReadDirection(audio, session));
        reason = string.Empty;
        return true;
    }

    private static int? FindCodec(MediaDescription audio, string encoding, int clockRate)
    {
        foreach (var rtpmap in audio.GetAttributes("rtpmap"))
        {
            // "111 opus/48000/2"
            var space = rtpmap.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || !int.TryParse(rtpmap.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var payloadType))
            {
                continue;
            }

            var parts = rtpmap[(space + 1)..].Trim().Split('/');
            if (parts.Length >= 2 && parts[0].Equals(encoding, StringComparison.OrdinalIgnoreCase) &&
                parts[1] == clockRate.ToString(CultureInfo.InvariantCulture) &&
                audio.Formats.Contains(payloadType.ToString(CultureInfo.InvariantCulture)))
            {
                return payloadType;
            }
        }

        return null;
    }

    private static MediaDirection ReadDirection(MediaDescription audio, SessionDescription session)
    {
        var declared = SdpDirection.Declared(audio, session);

        // RFC 2543 hold, still sent by older SIP stacks (RFC 3264 §8.4 asks answerers to honour it): c=0.0.0.0 means
        // "send me nothing". Not with m= port 9, which is trickle ICE's placeholder (RFC 8840) with that same address.
        var connection = audio.Connection ?? session.Connection;
        if (connection is not null && connection.EndsWith(" 0.0.0.0", StringComparison.Ordinal) && audio.Port != 9)
        {
            return declared switch
            {
                MediaDirection.SendRecv => MediaDirection.SendOnly,
                MediaDirection.RecvOnly => MediaDirection.Inactive,
                _ => declared,
            };
        }

        return declared;
    }
}
