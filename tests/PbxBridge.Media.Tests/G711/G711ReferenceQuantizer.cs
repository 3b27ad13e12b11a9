namespace PbxBridge.Media.Tests.G711;

/// <summary>
/// G.711 written straight from the standard's tables, with no bit tricks: the decision levels of Table 1 (A-law,
/// 12-bit magnitude scale) and Table 2 (mu-law, 14-bit scale) are laid out segment by segment, a sample is coded by
/// the interval it falls in and decoded to that interval's midpoint. The production tables are built differently
/// (from the segment/step bit layout), so agreement on every value is a real check.
/// </summary>
internal static class G711ReferenceQuantizer
{
    // Table 2 (mu-law): segment boundaries and step size per segment; segment 0 starts with a half step [0,1).
    private static readonly int[] s_muLawSegmentStart = [1, 31, 95, 223, 479, 991, 2015, 4063];
    private static readonly int[] s_muLawStep = [2, 4, 8, 16, 32, 64, 128, 256];

    // Table 1 (A-law): segments 0 and 1 both use the finest step.
    private static readonly int[] s_aLawSegmentStart = [0, 32, 64, 128, 256, 512, 1024, 2048];
    private static readonly int[] s_aLawStep = [2, 2, 4, 8, 16, 32, 64, 128];

    private static readonly int[] s_muLawLower = MuLawLowerDecisionLevels();
    private static readonly int[] s_aLawLower = ALawLowerDecisionLevels();

    private const int MuLawTop = 8159;
    private const int ALawTop = 4096;

    public static byte MuLawEncode(short sample)
    {
        var magnitude = (sample < 0 ? ~sample : sample) >> 2;
        var interval = IntervalOf(s_muLawLower, magnitude);
        return (byte)(sample >= 0 ? 0xFF - interval : 0x7F - interval);
    }

    public static short MuLawDecode(byte code)
    {
        var interval = (code & 0x80) != 0 ? 0xFF - code : 0x7F - code;
        var upper = interval == 127 ? MuLawTop : s_muLawLower[interval + 1];
        var level = interval == 0 ? 0 : (s_muLawLower[interval] + upper) / 2;
        return (short)((code & 0x80) != 0 ? level * 4 : -level * 4);
    }

    public static byte ALawEncode(short sample)
    {
        var magnitude = (sample < 0 ? ~sample : sample) >> 3;
        var interval = IntervalOf(s_aLawLower, magnitude);
        return (byte)((interval | (sample >= 0 ? 0x80 : 0)) ^ 0x55);
    }

    public static short ALawDecode(byte code)
    {
        var line = code ^ 0x55;
        var interval = line & 0x7F;
        var upper = interval == 127 ? ALawTop : s_aLawLower[interval + 1];
        var level = (s_aLawLower[interval] + upper) / 2;
        return (short)((line & 0x80) != 0 ? level * 8 : -level * 8);
    }

    private static int IntervalOf(int[] lowerLevels, int magnitude)
    {
        var interval = 0;
        while (interval + 1 < lowerLevels.Length && magnitude >= lowerLevels[interval + 1])
        {
            interval++;
        }

        return interval;
    }

    private static int[] MuLawLowerDecisionLevels()
    {
        var levels = new List<int> { 0 };
        for (var segment = 0; segment < 8; segment++)
        {
            var steps = segment == 0 ? 15 : 16;
            for (var i = 0; i < steps; i++)
            {
                levels.Add(s_muLawSegmentStart[segment] + (i * s_muLawStep[segment]));
            }
        }

        return [.. levels];
    }

    private static int[] ALawLowerDecisionLevels()
    {
        var levels = new List<int>();
        for (var segment = 0; segment < 8; segment++)
        {
            for (var i = 0; i < 16; i++)
            {
                levels.Add(s_aLawSegmentStart[segment] + (i * s_aLawStep[segment]));
            }
        }

        return [.. levels];
    }
}
