using System.Buffers.Binary;

namespace PbxBridge.Media.Rtcp;

/// <summary>BYE (RFC 3550 §6.6): Count SSRCs leaving, then an optional length-prefixed reason.</summary>
public readonly ref struct RtcpGoodbye
{
    private readonly ReadOnlySpan<byte> _sources;

    private RtcpGoodbye(ReadOnlySpan<byte> sources, int count, ReadOnlySpan<byte> reason)
    {
        _sources = sources;
        SourceCount = count;
        Reason = reason;
    }

    public int SourceCount { get; }

    /// <summary>UTF-8 reason for leaving; empty when none was given.</summary>
    public ReadOnlySpan<byte> Reason { get; }

    public uint GetSsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SourceCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_sources[(4 * index)..]);
    }

    public static bool TryParse(RtcpPacket packet, out RtcpGoodbye goodbye)
    {
        goodbye = default;
        var body = packet.Body;
        var sourcesLength = 4 * packet.Count;
        if (packet.Type != RtcpPacketType.Goodbye || body.Length < sourcesLength)
        {
            return false;
        }

        var reason = ReadOnlySpan<byte>.Empty;
        if (body.Length > sourcesLength)
        {
            var reasonLength = body[sourcesLength];
            if (sourcesLength + 1 + reasonLength > body.Length)
            {
                return false;
            }

            reason = body.Slice(sourcesLength + 1, reasonLength);
        }

        goodbye = new RtcpGoodbye(body[..sourcesLength], packet.Count, reason);
        return true;
    }

    public static int Write(Span<byte> destination, ReadOnlySpan<uint> sources, ReadOnlySpan<byte> reason = default)
    {
        if (sources.Length > 31 || reason.Length > 255)
        {
            throw new ArgumentException("A BYE names at most 31 sources and a reason of at most 255 octets.");
        }

        var length = RtcpPacket.HeaderLength + (4 * sources.Length) + (reason.IsEmpty ? 0 : (1 + reason.Length + 3) & ~3);
        if (destination.Length < length)
        {
            return 0;
        }

        RtcpPacket.WriteHeader(destination, sources.Length, RtcpPacketType.Goodbye, length);
        var offset = RtcpPacket.HeaderLength;
        foreach (var ssrc in sources)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], ssrc);
            offset += 4;
        }

        if (!reason.IsEmpty)
        {
            destination[offset] = (byte)reason.Length;
            reason.CopyTo(destination[(offset + 1)..]);
            destination[(offset + 1 + reason.Length)..length].Clear();
        }

        return length;
    }
}
