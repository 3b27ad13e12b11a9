namespace PbxBridge.Media.Opus;

/// <summary>The PCM rates libopus encodes from and decodes to (opus_decoder_create).</summary>
internal static class OpusSampleRates
{
    public const int Rtp = 48000;

    public static void ThrowIfUnsupported(int sampleRate)
    {
        if (sampleRate is not (8000 or 12000 or 16000 or 24000 or 48000))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "libopus works at 8, 12, 16, 24 or 48 kHz.");
        }
    }
}
