namespace PbxBridge.Media.Opus;

/// <summary>libopus return codes (opus_defines.h) that callers branch on.</summary>
public static class OpusErrors
{
    public const int BadArgument = -1;
    public const int BufferTooSmall = -2;
    public const int InvalidPacket = -4;
}
