using System.Globalization;

namespace PbxBridge.Browser.Tests.Harness;

/// <summary>Reads one unlabeled sample from a /metrics page (Prometheus text format 0.0.4).</summary>
public static class PrometheusText
{
    public static long Value(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return long.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        throw new Xunit.Sdk.XunitException($"metric {name} not found in:\n{text}");
    }
}
