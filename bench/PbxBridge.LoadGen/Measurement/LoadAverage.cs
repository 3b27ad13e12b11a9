using System.Globalization;

namespace PbxBridge.LoadGen.Measurement;

/// <summary>The machine's 1-minute load average (/proc/loadavg): with other work sharing it, figures come with it.</summary>
internal static class LoadAverage
{
    public static double Read() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}
