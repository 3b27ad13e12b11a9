using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;
using PbxBridge.Media.Rtcp;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// SrtcpContext.Unprotect then the RTCP framing check, as WebRtcEndpoint runs them on datagrams classified as
/// RTCP, raw and re-protected (<see cref="ProtectedPacketTarget"/>) so the decryption and the RTCP reader see
/// mutated plain RTCP. Every refusal moves one of the context's counters.
/// </summary>
public sealed class SrtcpTarget : ProtectedPacketTarget
{
    private readonly SrtcpContext _receiver;
    private readonly SrtcpContext _sender;

    public SrtcpTarget(SrtpProtectionProfile profile, string name)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Name = name;
        _receiver = new SrtcpContext(SrtpKeys.For(profile));
        _sender = new SrtcpContext(SrtpKeys.For(profile));
        Seeds = SrtpKeys.ProtectedRtcp(profile);
        Description = $"SrtcpContext.Unprotect ({profile.Name}) + RtcpCompoundReader.IsWellFormed";
    }

    public override string Name { get; }

    public override string Description { get; }

    public override IReadOnlyList<byte[]> Seeds { get; }

    public override LengthFieldLocator? LengthFields => MediaSeeds.RtcpLengthFields;

    public override long? CountedRejections => _receiver.AuthenticationFailures + _receiver.ReplayedPackets + _receiver.MalformedPackets;

    protected override int Overhead => _sender.Overhead;

    protected override string PacketNoun => "an RTCP packet";

    protected override int Protect(Span<byte> buffer, int plainLength) => _sender.Protect(buffer, plainLength);

    protected override SrtpStatus Unprotect(Span<byte> packet, out int plainLength) => _receiver.Unprotect(packet, out plainLength);

    protected override void OnAccepted(ReadOnlySpan<byte> plain) => _ = RtcpCompoundReader.IsWellFormed(plain);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _receiver.Dispose();
            _sender.Dispose();
        }
    }
}
