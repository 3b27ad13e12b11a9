using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// SrtpContext.Unprotect, what the receive path runs on every datagram classified as RTP once DTLS is up, raw and
/// re-protected (<see cref="ProtectedPacketTarget"/>), so odd headers (CSRCs, extensions, padding) reach the
/// decryption itself. Every refusal moves one of the context's counters (auth failures, replays, malformed: the
/// SRTP figures of the browser leg).
/// </summary>
public sealed class SrtpTarget : ProtectedPacketTarget
{
    private readonly SrtpContext _receiver;
    private readonly SrtpContext _sender;

    public SrtpTarget(SrtpProtectionProfile profile, string name)
    {
        ArgumentNullException.ThrowIfNull(profile);
        Name = name;
        _receiver = new SrtpContext(SrtpKeys.For(profile));
        _sender = new SrtpContext(SrtpKeys.For(profile));
        Seeds = SrtpKeys.ProtectedRtp(profile);
        Description = $"SrtpContext.Unprotect ({profile.Name}), raw and re-protected";
    }

    public override string Name { get; }

    public override string Description { get; }

    public override IReadOnlyList<byte[]> Seeds { get; }

    public override LengthFieldLocator? LengthFields => MediaSeeds.RtpLengthFields;

    public override long? CountedRejections => _receiver.AuthenticationFailures + _receiver.ReplayedPackets + _receiver.MalformedPackets;

    protected override int Overhead => _sender.Overhead;

    protected override string PacketNoun => "a packet";

    protected override int Protect(Span<byte> buffer, int plainLength) => _sender.Protect(buffer, plainLength);

    protected override SrtpStatus Unprotect(Span<byte> packet, out int plainLength) => _receiver.Unprotect(packet, out plainLength);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _receiver.Dispose();
            _sender.Dispose();
        }
    }
}
