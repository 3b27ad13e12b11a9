namespace PbxBridge.Asterisk.Simulator;

/// <summary>
/// Sees every RTP packet an externalMedia channel's socket receives (before strictrtp judges it) and every packet it
/// sends, with the <see cref="System.Diagnostics.Stopwatch"/> timestamp taken at that moment. A load generator hosting
/// the simulator uses it to time packets at the PBX's socket; tests leave it unset. Called on the socket's threads:
/// it must be quick and must not keep the spans.
/// </summary>
public interface IRtpPacketTap
{
    void OnReceived(ReadOnlySpan<byte> packet, long timestamp);

    void OnSent(ReadOnlySpan<byte> packet, long timestamp);
}
