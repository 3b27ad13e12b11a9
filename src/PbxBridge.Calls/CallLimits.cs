namespace PbxBridge.Calls;

/// <summary>Bounds that keep one agent or one burst from taking the box down (beyond them: 503 with Retry-After).</summary>
public sealed record CallLimits(int MaxCalls, int MaxCallsPerAgent)
{
    public static CallLimits Default => new(1000, 4);
}
