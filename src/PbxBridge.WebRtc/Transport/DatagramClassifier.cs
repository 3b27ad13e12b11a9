namespace PbxBridge.WebRtc.Transport;

/// <summary>
/// RFC 7983 §7 demultiplexing: 0..3 STUN, 20..63 DTLS, 128..191 RTP or RTCP; with rtcp-mux, RTCP packet types
/// 192..223 occupy the second byte where RTP has marker and payload type (RFC 5761 §4). ZRTP (16..19) and TURN
/// channels (64..79) are not used by a host-candidate ICE-lite peer and count as unknown.
/// </summary>
public static class DatagramClassifier
{
    public static DatagramKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return DatagramKind.Unknown;
        }

        var first = datagram[0];
        if (first <= 3)
        {
            return DatagramKind.Stun;
        }

        if (first is >= 20 and <= 63)
        {
            return DatagramKind.Dtls;
        }

        if (first is >= 128 and <= 191 && datagram.Length >= 2)
        {
            return datagram[1] is >= 192 and <= 223 ? DatagramKind.Rtcp : DatagramKind.Rtp;
        }

        return DatagramKind.Unknown;
    }
}
