using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PbxBridge.Sip.Sdp;
using PbxBridge.WebRtc.Dtls;
using PbxBridge.WebRtc.Ice;

namespace PbxBridge.WebRtc.Sdp;

/// <summary>
/// Our side of the audio section: one host candidate at the configured public address, ICE-lite credentials,
/// our certificate's fingerprint and DTLS role, opus with the browser's payload type, and telephone-event.
/// </summary>
public sealed record LocalAudioDescription(
    IPAddress Address,
    int Port,
    IceCredentials Ice,
    DtlsFingerprint Fingerprint,
    DtlsSetup Setup,
    int OpusPayloadType,
    IReadOnlyList<(int PayloadType, int ClockRate)> TelephoneEvents,
    MediaDirection Direction,
    string? Mid,
    uint Ssrc,
    string Cname,
    ulong SessionId,
    ulong SessionVersion)
{
    /// <summary>Further host candidates, advertised with lower local preference than <see cref="Address"/>.</summary>
    public IReadOnlyList<IPAddress> AdditionalAddresses { get; init; } = [];

    /// <summary>TCP ports of passive ICE-TCP candidates (RFC 6544 §4.5), offered at every host address after the UDP ones.</summary>
    public IReadOnlyList<int> TcpPorts { get; init; } = [];

    // RFC 8445 §5.1.2.1: type preference 126 (host), local preference 65535 down, component 1.
    private static uint HostPriority(int index) => (126u << 24) | ((65535u - (uint)index) << 8) | 255u;

    // RFC 6544 §4.2: TCP candidates rank below UDP ones (a browser with both uses UDP), type preference 90 here; the
    // local preference's direction bits say passive (2 << 13, §4.2), the rest orders addresses and ports.
    private static uint TcpHostPriority(int index) => (90u << 24) | (((2u << 13) | (8191u - (uint)index)) << 8) | 255u;

    public string AddressType => Address.AddressFamily == AddressFamily.InterNetworkV6 ? "IP6" : "IP4";

    public SessionDescription CreateSession(bool bundle)
    {
        var session = new SessionDescription
        {
            Origin = string.Create(CultureInfo.InvariantCulture, $"- {SessionId} {SessionVersion} IN {AddressType} {Address}"),
        };
        // RFC 8445 §5.3 / RFC 8839 §5.3: a lite implementation says so at session level.
        session.Add("ice-lite");
        if (bundle && Mid is not null)
        {
            session.Add("group", $"BUNDLE {Mid}");
        }

        session.Add("msid-semantic", " WMS pbxbridge");
        return session;
    }

    public MediaDescription CreateAudioSection()
    {
        var formats = new List<string> { OpusPayloadType.ToString(CultureInfo.InvariantCulture) };
        foreach (var (payloadType, _) in TelephoneEvents)
        {
            formats.Add(payloadType.ToString(CultureInfo.InvariantCulture));
        }

        var audio = new MediaDescription("audio", Port, "UDP/TLS/RTP/SAVPF", formats)
        {
            Connection = $"IN {AddressType} {Address}",
        };
        audio.Add("rtcp", string.Create(CultureInfo.InvariantCulture, $"{Port} IN {AddressType} {Address}"));
        audio.Add("candidate", string.Create(CultureInfo.InvariantCulture, $"1 1 udp {HostPriority(0)} {Address} {Port} typ host"));
        for (var i = 0; i < AdditionalAddresses.Count; i++)
        {
            var address = AdditionalAddresses[i];
            audio.Add("candidate", string.Create(CultureInfo.InvariantCulture, $"{i + 2} 1 udp {HostPriority(i + 1)} {address} {Port} typ host"));
        }

        var foundation = AdditionalAddresses.Count + 2;
        var tcpIndex = 0;
        foreach (var port in TcpPorts)
        {
            foreach (var address in (IEnumerable<IPAddress>)[Address, .. AdditionalAddresses])
            {
                // Port 9 is only for active candidates (§4.5); ours is the real listening port, tcptype passive.
                audio.Add("candidate", string.Create(
                    CultureInfo.InvariantCulture, $"{foundation++} 1 tcp {TcpHostPriority(tcpIndex++)} {address} {port} typ host tcptype passive"));
            }
        }

        audio.Add("end-of-candidates");
        audio.Add("ice-ufrag", Ice.UsernameFragment);
        audio.Add("ice-pwd", Ice.Password);
        audio.Add("fingerprint", Fingerprint.ToString());
        audio.Add("setup", Setup switch
        {
            DtlsSetup.Active => "active",
            DtlsSetup.Passive => "passive",
            _ => "actpass",
        });
        if (Mid is not null)
        {
            audio.Add("mid", Mid);
        }

        audio.Add(SdpDirection.Attribute(Direction));
        audio.Add("msid", "pbxbridge pbxbridge-audio");
        audio.Add("rtcp-mux");
        audio.Add("rtpmap", string.Create(CultureInfo.InvariantCulture, $"{OpusPayloadType} opus/48000/2"));
        audio.Add("fmtp", string.Create(CultureInfo.InvariantCulture, $"{OpusPayloadType} minptime=10;useinbandfec=1"));
        foreach (var (payloadType, clockRate) in TelephoneEvents)
        {
            audio.Add("rtpmap", string.Create(CultureInfo.InvariantCulture, $"{payloadType} telephone-event/{clockRate}"));
            audio.Add("fmtp", string.Create(CultureInfo.InvariantCulture, $"{payloadType} 0-16"));
        }

        audio.Add("ptime", "20");
        audio.Add("ssrc", string.Create(CultureInfo.InvariantCulture, $"{Ssrc} cname:{Cname}"));
        return audio;
    }
}
