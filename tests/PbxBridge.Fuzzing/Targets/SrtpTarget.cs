using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// SrtpContext.Unprotect, what the receive loop runs on every datagram classified as RTP once DTLS is up. Half of
/// the inputs (by a hash of their bytes) go in as they are: tag, replay and framing checks. The other half are taken
/// as plain RTP with a mutated header, protected by a sender with the same keys and unprotected again, so odd
/// headers (CSRCs, extensions, padding) reach the decryption itself. Rules: a packet we protected and then
/// accepted decrypts to the bytes we protected; every refusal moves one of the context's counters
/// (auth failures, replays, malformed: the SRTP figures of the browser leg).
/// </summary>
public sealed class SrtpTarget : FuzzTarget
{
    private readonly SrtpContext _receiver;
    private readonly SrtpContext _sender;
    private byte[] _buffer = new byte[2048];

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

    public override int MaxInputLength => DatagramMaxLength;

    public override IReadOnlyList<byte[]> Seeds { get; }

    public override LengthFieldLocator? LengthFields => MediaSeeds.RtpLengthFields;

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
                var status = _receiver.Unprotect(_buffer.AsSpan(0, protectedLength), out var rtpLength);
                if (status == SrtpStatus.Ok && !_buffer.AsSpan(0, rtpLength).SequenceEqual(input.AsSpan(0, plainLength)))
                {
                    throw new FuzzInvariantException("a packet we protected decrypted to other bytes");
                }

                return status == SrtpStatus.Ok ? FuzzVerdict.Accepted : FuzzVerdict.Rejected;
            }
        }

        return _receiver.Unprotect(input, out _) == SrtpStatus.Ok ? FuzzVerdict.Accepted : FuzzVerdict.Rejected;
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
