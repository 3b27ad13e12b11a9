using System.Globalization;
using System.Text;

namespace PbxBridge.Fuzzing.Engine;

/// <summary>One input that broke a target: enough to rebuild it (seed and index) and to read it (hex and base64).</summary>
public sealed record FuzzFailure(string Target, ulong Seed, long Index, byte[] Input, Exception Error)
{
    /// <summary>How to run this one input again: the engine rebuilds it from seed and index alone.</summary>
    public string ReproduceCommand => string.Create(CultureInfo.InvariantCulture, $"bench/fuzz.sh --target {Target} --seed {Seed} --only {Index}");

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Target}: input {Index} of seed {Seed} threw {Error.GetType().FullName}: {Error.Message}\n");
        text.Append(CultureInfo.InvariantCulture, $"  reproduce: {ReproduceCommand}\n");
        text.Append(CultureInfo.InvariantCulture, $"  input ({Input.Length} bytes), base64: {Convert.ToBase64String(Input)}\n");
        text.Append("  hex: ").Append(Convert.ToHexString(Input.AsSpan(0, Math.Min(Input.Length, 4096)))).Append(Input.Length > 4096 ? "..." : string.Empty).Append('\n');
        text.Append("  at: ").Append(Error.StackTrace?.Split('\n').FirstOrDefault()?.Trim());
        return text.ToString();
    }
}
