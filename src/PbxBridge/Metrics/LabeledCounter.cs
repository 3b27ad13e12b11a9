using System.Collections.Concurrent;
using System.Text;

namespace PbxBridge.Metrics;

/// <summary>A Prometheus counter with one label (outcome, cause, reason). Label values are bounded by the caller.</summary>
public sealed class LabeledCounter(string name, string help, string label)
{
    private readonly ConcurrentDictionary<string, StrongBox> values = new(StringComparer.Ordinal);

    public void Increment(string labelValue) => Interlocked.Increment(ref values.GetOrAdd(labelValue, _ => new StrongBox()).Value);

    public long Get(string labelValue) => values.TryGetValue(labelValue, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public void WriteTo(StringBuilder text)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" counter\n");
        foreach (var (key, box) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append('{').Append(label).Append("=\"").Append(Escape(key)).Append("\"} ").Append(Interlocked.Read(ref box.Value)).Append('\n');
        }
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private sealed class StrongBox
    {
        public long Value;
    }
}
