using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk;

/// <summary>PbxCodec &lt;-&gt; the externalMedia <c>format</c> names (ulaw PT 0, alaw PT 8, slin16 PT 118).</summary>
public static class ExternalMediaFormat
{
    public static string For(PbxCodec codec) => codec switch
    {
        PbxCodec.Pcmu => "ulaw",
        PbxCodec.Pcma => "alaw",
        PbxCodec.L16Wideband => "slin16",
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "no externalMedia format for this codec"),
    };

    public static PbxCodec CodecFor(string format) => format switch
    {
        "ulaw" => PbxCodec.Pcmu,
        "alaw" => PbxCodec.Pcma,
        "slin16" => PbxCodec.L16Wideband,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unsupported externalMedia format"),
    };
}
