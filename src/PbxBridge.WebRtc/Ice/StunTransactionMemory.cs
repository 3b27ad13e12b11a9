using System.Net;

namespace PbxBridge.WebRtc.Ice;

/// <summary>
/// The transaction ids (RFC 8489 §5) of the last <see cref="Capacity"/> checks that verified, each with the address
/// it came from. A browser never reuses a transaction id for a new check (RFC 8489 §6.3.1: a retransmission keeps
/// it, a new transaction gets a fresh one), so the same id again from another address can only be a copy of a check
/// sniffed off the wire: it is dropped instead of moving media to the sender. Checks travel in clear and their
/// MESSAGE-INTEGRITY binds neither the source nor a time, so this is the replay defence ICE itself leaves to us.
/// Only checks that verified are remembered, so their sources are the browser's own candidates, a handful: each id
/// keeps a one-byte index into a small table of those addresses instead of a 28-byte copy, which made this the
/// largest array of a call (21 KB per call, now 7 KB). Fixed arrays, filled in a ring: remembering and looking up
/// allocate nothing. One agent, one receive thread.
/// </summary>
internal sealed class StunTransactionMemory
{
    /// <summary>Chromium checks a call's pairs about once a second once connected: a few minutes of ids.</summary>
    public const int Capacity = 512;

    /// <summary>Distinct source addresses at once; past that, the least recently used one is forgotten with its ids.</summary>
    public const int AddressCapacity = 16;

    private const int IdLength = 12;

    // sockaddr_in6 is 28 bytes, the largest address a UDP datagram comes from.
    private const int MaxAddressLength = 28;

    private const byte NoAddress = byte.MaxValue;

    private readonly byte[] _ids = new byte[Capacity * IdLength];
    private readonly byte[] _sources = new byte[Capacity];
    private readonly byte[] _addresses = new byte[AddressCapacity * MaxAddressLength];
    private readonly byte[] _addressLengths = new byte[AddressCapacity];
    private readonly long[] _addressLastUse = new long[AddressCapacity];
    private int _addressCount;
    private long _remembered;
    private int _count;
    private int _next;

    /// <summary>Whether <paramref name="transactionId"/> was seen, and if so whether from <paramref name="source"/>.</summary>
    public StunTransactionSeen Find(ReadOnlySpan<byte> transactionId, SocketAddress source)
    {
        // Newest first: a retransmission follows its original within a second or two.
        for (var i = 0; i < _count; i++)
        {
            var slot = (_next - 1 - i + Capacity) % Capacity;
            if (_sources[slot] != NoAddress && _ids.AsSpan(slot * IdLength, IdLength).SequenceEqual(transactionId))
            {
                return _sources[slot] == IndexOf(Bytes(source))
                    ? StunTransactionSeen.FromSameAddress
                    : StunTransactionSeen.FromAnotherAddress;
            }
        }

        return StunTransactionSeen.New;
    }

    /// <summary>Remembers a verified check's id and source, forgetting the oldest once full.</summary>
    public void Remember(ReadOnlySpan<byte> transactionId, SocketAddress source)
    {
        var address = Bytes(source);
        var index = IndexOf(address);
        if (index == NoAddress)
        {
            index = Add(address);
        }

        _addressLastUse[index] = ++_remembered;
        transactionId.CopyTo(_ids.AsSpan(_next * IdLength, IdLength));
        _sources[_next] = index;
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
    }

    private static ReadOnlySpan<byte> Bytes(SocketAddress source) => source.Buffer.Span[..Math.Min(source.Size, MaxAddressLength)];

    private byte IndexOf(ReadOnlySpan<byte> address)
    {
        for (var i = 0; i < _addressCount; i++)
        {
            if (_addresses.AsSpan(i * MaxAddressLength, _addressLengths[i]).SequenceEqual(address))
            {
                return (byte)i;
            }
        }

        return NoAddress;
    }

    private byte Add(ReadOnlySpan<byte> address)
    {
        int index;
        if (_addressCount < AddressCapacity)
        {
            index = _addressCount++;
        }
        else
        {
            // The least recently used address goes, and the ids it sent with it: a copy of one of those would be
            // taken as new, as an id pushed out of the ring is.
            index = 0;
            for (var i = 1; i < AddressCapacity; i++)
            {
                if (_addressLastUse[i] < _addressLastUse[index])
                {
                    index = i;
                }
            }

            for (var slot = 0; slot < Capacity; slot++)
            {
                if (_sources[slot] == index)
                {
                    _sources[slot] = NoAddress;
                }
            }
        }

        address.CopyTo(_addresses.AsSpan(index * MaxAddressLength, MaxAddressLength));
        _addressLengths[index] = (byte)address.Length;
        return (byte)index;
    }
}
