using PbxBridge.Fuzzing.Engine;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// What the SRTP and SRTCP targets share: a receiving context fed each input, half of them (by a hash of their bytes)
/// as they are (tag, replay and framing checks), the other half taken as a mutated plain packet, protected by a
/// sender with the same keys and unprotected again, so odd headers reach the decryption itself. Rule: a packet we
/// protected and then accepted decrypts to the bytes we protected. Subclasses say which context and what runs on
/// an accepted packet.
/// </summary>
public abstract class ProtectedPacketTarget : FuzzTarget
{
    private byte[] _buffer = new byte[2048];

    public override int MaxInputLength => DatagramMaxLength;

    /// <summary>Bytes the sender adds (tag, SRTCP index).</summary>
    protected abstract int Overhead { get; }

    /// <summary>Which packet a decryption mismatch names in its message ("a packet", "an RTCP packet").</summary>
    protected abstract string PacketNoun { get; }

    protected abstract int Protect(Span<byte> buffer, int plainLength);

    protected abstract SrtpStatus Unprotect(Span<byte> packet, out int plainLength);

    /// <summary>What the receive path runs on a packet that decrypted (nothing for RTP, the RTCP framing check).</summary>
    protected virtual void OnAccepted(ReadOnlySpan<byte> plain)
    {
    }

    public override FuzzVerdict Run(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (FuzzHash.Of(input) % 2 == 0)
        {
            var plainLength = Math.Max(0, input.Length - Overhead);
            if (_buffer.Length < input.Length + 64)
            {
                _buffer = new byte[input.Length + 64];
            }

            input.AsSpan(0, plainLength).CopyTo(_buffer);
            var protectedLength = Protect(_buffer, plainLength);
            if (protectedLength > 0)
            {
                var status = Unprotect(_buffer.AsSpan(0, protectedLength), out var decryptedLength);
                if (status != SrtpStatus.Ok)
                {
                    return FuzzVerdict.Rejected;
                }

                if (!_buffer.AsSpan(0, decryptedLength).SequenceEqual(input.AsSpan(0, plainLength)))
                {
                    throw new FuzzInvariantException($"{PacketNoun} we protected decrypted to other bytes");
                }

                OnAccepted(_buffer.AsSpan(0, decryptedLength));
                return FuzzVerdict.Accepted;
            }
        }

        if (Unprotect(input, out var length) != SrtpStatus.Ok)
        {
            return FuzzVerdict.Rejected;
        }

        OnAccepted(input.AsSpan(0, length));
        return FuzzVerdict.Accepted;
    }
}
