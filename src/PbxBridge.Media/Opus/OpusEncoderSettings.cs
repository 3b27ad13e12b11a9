namespace PbxBridge.Media.Opus;

/// <summary>
/// Encoder settings toward the browser. Defaults follow what WebRTC endpoints use for voice: VBR, complexity 5
/// (the cost/quality knee on small servers), in-band FEC on with an expected 10 % loss so it actually spends bits.
/// </summary>
public sealed record OpusEncoderSettings(
    int SampleRate,
    int Complexity = 5,
    int Bitrate = 24000,
    bool InbandFec = true,
    bool Dtx = false,
    int PacketLossPercent = 10);
