using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;
using PbxBridge.Media.Rtcp;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// SrtcpContext.Unprotect then the RTCP framing check, as WebRtcEndpoint runs them on datagrams classified as
/// RTCP. As for SRTP, half of the inputs are re-protected as mutated plain RTCP so the decryption and the RTCP
/// reader see them. Rules: what we protected and then accepted decrypts to what we protected; every refusal moves
/// one of the context's counters.
/// </summary>
public sealed class SrtcpTarget : FuzzTarget
{
    private readonly SrtcpContext _receiver;
    private readonly SrtcpContext _sender;
    private byte[] _buffer = new byte[2048];

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

    public override int MaxInputLength => DatagramMaxLength;

    public override IReadOnlyList<byte[]> Seeds { get; }

    public override LengthFieldLocator? LengthFields => MediaSeeds.RtcpLengthFields;

    public override long? CountedRejections => _receiver.AuthenticationFailures + _receiver.ReplayedPackets + _receiver.MalformedPackets;

    public override FuzzVerdict Run(byte[] input)
    {
        if (FuzzHash.Of(input) % 2 == 0)
        {
            var plainLength = Math.Max(0, input.Length - _sender.Overhead);
            if (_buffer.Length < input.Length + 64)
            {
                _buffer = new byte[input.Length + 64];
            }

            input.AsSpan(0, plainLength).CopyTo(_buffer);
            var protectedLength = _sender.Protect(_buffer, plainLength);
            if (protectedLength > 0)
            {
                var status = _receiver.Unprotect(_buffer.AsSpan(0, protectedLength), out var rtcpLength);
                if (status == SrtpStatus.Ok && !_buffer.AsSpan(0, rtcpLength).SequenceEqual(input.AsSpan(0, plainLength)))
                {
                    throw new FuzzInvariantException("an RTCP packet we protected decrypted to other bytes");
                }

                _ = status == SrtpStatus.Ok && RtcpCompoundReader.IsWellFormed(_buffer.AsSpan(0, rtcpLength));
                return status == SrtpStatus.Ok ? FuzzVerdict.Accepted : FuzzVerdict.Rejected;
            }
        }

        if (_receiver.Unprotect(input, out var length) != SrtpStatus.Ok)
        {
            return FuzzVerdict.Rejected;
        }

        _ = RtcpCompoundReader.IsWellFormed(input.AsSpan(0, length));
        return FuzzVerdict.Accepted;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _receiver.Dispose();
            _sender.Dispose();
        }
    }
}
