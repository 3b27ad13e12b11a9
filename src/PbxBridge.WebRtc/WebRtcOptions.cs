using System.Net;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.WebRtc;

/// <summary>
/// Per-process WebRTC settings. <paramref name="PublicAddress"/> is the host candidate we advertise (ICE-lite:
/// we are reachable there); <paramref name="ConsentTimeout"/> is RFC 7675's 30 s; the DTLS handshake must finish
/// within <paramref name="DtlsHandshakeTimeout"/>.
/// </summary>
public sealed record WebRtcOptions(IPAddress PublicAddress, TimeSpan ConsentTimeout, TimeSpan DtlsHandshakeTimeout)
{
    /// <summary>SRTP profiles in our preference order; as DTLS server we pick the first the browser offers.</summary>
    public IReadOnlyList<SrtpProtectionProfile> SrtpProfiles { get; init; } =
        [SrtpProtectionProfile.AesCm128HmacSha1_80, SrtpProtectionProfile.AeadAes128Gcm, SrtpProtectionProfile.AesCm128HmacSha1_32];

    /// <summary>
    /// More host candidates to advertise after <see cref="PublicAddress"/> (e.g. every local interface address
    /// when the port pool binds the wildcard address); checks to any of them reach the same socket.
    /// </summary>
    public IReadOnlyList<IPAddress> AdditionalHostAddresses { get; init; } = [];

    /// <summary>
    /// TCP ports where this host takes ICE-TCP connections (RFC 6544), advertised as passive host candidates at
    /// every host address; empty = UDP only. The legs find their connections through an <see cref="Ice.IceUfragDirectory{TLeg}"/>.
    /// </summary>
    public IReadOnlyList<int> IceTcpPorts { get; init; } = [];

    public static WebRtcOptions Default(IPAddress publicAddress) =>
        new(publicAddress, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10));
}
