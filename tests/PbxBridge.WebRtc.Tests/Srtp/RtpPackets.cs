using System.Buffers.Binary;

namespace PbxBridge.WebRtc.Tests.Srtp;

/// <summary>Builds plain RTP packets for the SRTP tests.</summary>
internal static class RtpPackets
{
    public static byte[] Build(ushort sequence, uint timestamp, uint ssrc, int payloadLength, int room = 16, byte payloadType = 111)
    {
        var packet = new byte[12 + payloadLength + room];
        packet[0] = 0x80;
        packet[1] = payloadType;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        for (var i = 0; i < payloadLength; i++)
        {
            packet[12 + i] = (byte)(i * 7 + sequence);
        }

        return packet;
    }
}
