namespace PbxBridge.Calls;

/// <summary>Bounds that keep one agent or one burst from taking the box down (beyond them: 503 with Retry-After).</summary>
/// <param name="RetryAfter">What the 503 tells the browser to wait: a call-center call lasts minutes, so a slot
/// rarely frees sooner, yet an agent should not be told to wait longer than it takes to read the message.</param>
public sealed record CallLimits(int MaxCalls, int MaxCallsPerAgent, TimeSpan RetryAfter)
{
    public static CallLimits Default => new(1000, 4, TimeSpan.FromSeconds(30));
}
