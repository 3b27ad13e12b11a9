using System.Net;

namespace PbxBridge.WebRtc.Ice;

/// <summary>
/// The transaction ids (RFC 8489 §5) of the last <see cref="Capacity"/> checks that verified, each with the address
/// it came from. A browser never reuses a transaction id for a new check (RFC 8489 §6.3.1: a retransmission keeps
/// it, a new transaction gets a fresh one), so the same id again from another address can only be a copy of a check
/// sniffed off the wire: it is dropped instead of moving media to the sender. Checks travel in clear and their
/// MESSAGE-INTEGRITY binds neither the source nor a time, so this is the replay defence ICE itself leaves to us.
/// Fixed arrays, filled in a ring: remembering and looking up allocate nothing. One agent, one receive thread.
/// </summary>
internal sealed class StunTransactionMemory
{
    /// <summary>Chromium checks a call's pairs about once a second once connected: a few minutes of ids.</summary>
    public const int Capacity = 512;

    private const int IdLength = 12;

    // sockaddr_in6 is 28 bytes, the largest address a UDP datagram comes from.
    private const int MaxAddressLength = 28;

    private readonly byte[] _ids = new byte[Capacity * IdLength];
    private readonly byte[] _addresses = new byte[Capacity * MaxAddressLength];
    private readonly byte[] _addressLengths = new byte[Capacity];
    private int _count;
    private int _next;

    /// <summary>Whether <paramref name="transactionId"/> was seen, and if so whether from <paramref name="source"/>.</summary>
    public StunTransactionSeen Find(ReadOnlySpan<byte> transactionId, SocketAddress source)
    {
        // Newest first: a retransmission follows its original within a second or two.
        for (var i = 0; i < _count; i++)
        {
            var slot = (_next - 1 - i + Capacity) % Capacity;
            if (_ids.AsSpan(slot * IdLength, IdLength).SequenceEqual(transactionId))
            {
                var address = source.Buffer.Span[..Math.Min(source.Size, MaxAddressLength)];
                return _addresses.AsSpan(slot * MaxAddressLength, _addressLengths[slot]).SequenceEqual(address)
                    ? StunTransactionSeen.FromSameAddress
                    : StunTransactionSeen.FromAnotherAddress;
            }
        }

        return StunTransactionSeen.New;
    }

    /// <summary>Remembers a verified check's id and source, forgetting the oldest once full.</summary>
    public void Remember(ReadOnlySpan<byte> transactionId, SocketAddress source)
    {
        var address = source.Buffer.Span[..Math.Min(source.Size, MaxAddressLength)];
        transactionId.CopyTo(_ids.AsSpan(_next * IdLength, IdLength));
        address.CopyTo(_addresses.AsSpan(_next * MaxAddressLength, MaxAddressLength));
        _addressLengths[_next] = (byte)address.Length;
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
    }
}
