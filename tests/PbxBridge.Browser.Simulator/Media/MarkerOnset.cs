namespace PbxBridge.Browser.Simulator.Media;

/// <summary>
/// Where the marker burst (<see cref="OpusFrameSource"/>) starts in 20 ms of decoded audio. Each Opus pass delays the
/// audio by 6.5 ms (encoder look-ahead), so the packet that carries the burst's onset has it well inside the frame
/// (sample ~52 at 8 kHz after one pass, ~104 after two) and the packet after it is loud from its first sample. A loud
/// first sample therefore means the onset packet was not loud enough to be seen, and the packet before carried it.
/// </summary>
internal static class MarkerOnset
{
    /// <summary>Half the burst's amplitude: the test signal and the codecs' overshoot stay well under it.</summary>
    public const int Threshold = OpusFrameSource.MarkerAmplitude / 2;

    /// <summary>2.5 ms at 8 kHz: a frame loud this early began in the previous packet.</summary>
    public const int LateOnsetSamples = 20;

    /// <summary>Index of the first sample at or above <see cref="Threshold"/>, or -1 for none.</summary>
    public static int FirstLoudSample(ReadOnlySpan<short> pcm)
    {
        for (var i = 0; i < pcm.Length; i++)
        {
            if (pcm[i] >= Threshold || pcm[i] <= -Threshold)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>True when a frame loud from <paramref name="firstLoudSample"/> on carries the onset itself.</summary>
    public static bool IsOnset(int firstLoudSample) => firstLoudSample >= LateOnsetSamples;
}
