namespace PbxBridge.Media.Jitter;

/// <summary>A packet handed out by the jitter buffer; the payload points into the buffer's slot until the next call.</summary>
public readonly ref struct JitterBufferPacket
{
    public JitterBufferPacket(ReadOnlySpan<byte> payload, byte payloadType, ushort sequenceNumber, uint timestamp)
    {
        Payload = payload;
        PayloadType = payloadType;
        SequenceNumber = sequenceNumber;
        Timestamp = timestamp;
    }

    public ReadOnlySpan<byte> Payload { get; }
    public byte PayloadType { get; }
    public ushort SequenceNumber { get; }
    public uint Timestamp { get; }
}
