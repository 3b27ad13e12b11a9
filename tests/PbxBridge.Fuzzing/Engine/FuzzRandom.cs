namespace PbxBridge.Fuzzing.Engine;

/// <summary>
/// SplitMix64: a tiny, allocation-free generator whose whole state is one 64-bit word. Each input is drawn from
/// its own stream, seeded from (run seed, input index), so one failing input is rebuilt from those two numbers
/// without replaying the millions before it.
/// </summary>
public struct FuzzRandom
{
    private ulong _state;

    public FuzzRandom(ulong runSeed, long inputIndex)
    {
        _state = runSeed ^ (0x9E3779B97F4A7C15UL * (ulong)(inputIndex + 1));
        _ = NextUInt64();
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, maxExclusive); 0 when maxExclusive is 0 or less.</summary>
    public int Next(int maxExclusive) => maxExclusive <= 0 ? 0 : (int)(NextUInt64() % (ulong)maxExclusive);

    /// <summary>A value in [minInclusive, maxExclusive).</summary>
    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    public bool Chance(int oneIn) => Next(oneIn) == 0;

    public byte NextByte() => (byte)NextUInt64();

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];
}
