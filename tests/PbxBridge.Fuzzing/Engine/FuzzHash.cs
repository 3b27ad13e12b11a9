namespace PbxBridge.Fuzzing.Engine;

/// <summary>FNV-1a over an input: lets a target choose a mode from the bytes alone, so a printed input replays the same way.</summary>
public static class FuzzHash
{
    public static uint Of(ReadOnlySpan<byte> input)
    {
        var hash = 2166136261u;
        foreach (var b in input)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
