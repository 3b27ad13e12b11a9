namespace PbxBridge.Media.Rtp;

/// <summary>The fixed-header fields a sender chooses for one packet (RFC 3550 §5.1).</summary>
public readonly record struct RtpHeaderFields(byte PayloadType, ushort SequenceNumber, uint Timestamp, uint Ssrc, bool Marker = false);
