namespace PbxBridge.Calls.Pbx;

/// <summary>The codecs PbxBridge speaks toward a PBX, with their static/dynamic RTP facts.</summary>
public enum PbxCodec
{
    /// <summary>G.711 u-law, PT 0, 8 kHz (Asterisk format "ulaw").</summary>
    Pcmu,

    /// <summary>G.711 A-law, PT 8, 8 kHz (Asterisk format "alaw").</summary>
    Pcma,

    /// <summary>16-bit linear big-endian at 16 kHz (Asterisk format "slin16", PT 118 on externalMedia).</summary>
    L16Wideband,
}
