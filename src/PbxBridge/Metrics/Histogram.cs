using System.Globalization;
using System.Text;

namespace PbxBridge.Metrics;

/// <summary>A Prometheus histogram with fixed upper bounds; Observe is lock-free (Interlocked on each bucket).</summary>
public sealed class Histogram(string name, string help, double[] upperBounds)
{
    private readonly long[] buckets = new long[upperBounds.Length + 1];
    private long count;
    private long sumMicros;

    public void Observe(double seconds)
    {
        var i = 0;
        while (i < upperBounds.Length && seconds > upperBounds[i])
        {
            i++;
        }

        Interlocked.Increment(ref buckets[i]);
        Interlocked.Increment(ref count);
        Interlocked.Add(ref sumMicros, (long)(seconds * 1_000_000));
    }

    public void WriteTo(StringBuilder text)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" histogram\n");
        long cumulative = 0;
        for (var i = 0; i < upperBounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref buckets[i]);
            text.Append(name).Append("_bucket{le=\"").Append(upperBounds[i].ToString(CultureInfo.InvariantCulture)).Append("\"} ").Append(cumulative).Append('\n');
        }

        cumulative += Interlocked.Read(ref buckets[^1]);
        text.Append(name).Append("_bucket{le=\"+Inf\"} ").Append(cumulative).Append('\n');
        text.Append(name).Append("_sum ").Append((Interlocked.Read(ref sumMicros) / 1e6).ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append(name).Append("_count ").Append(Interlocked.Read(ref count)).Append('\n');
    }
}
