using PbxBridge.Calls.Pbx;

namespace PbxBridge.Calls.Media;

/// <summary>The media choices that hold for every call of this process (from the Media configuration section).</summary>
public sealed record CallMediaSettings(
    PbxCodec PbxCodec,
    int OpusComplexity,
    int OpusBitrate,
    bool OpusInbandFec,
    bool OpusDtx);
