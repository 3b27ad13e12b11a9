namespace PbxBridge.Calls.Overload;

/// <summary>The controller moved from one step to another on <paramref name="Sample"/>.</summary>
public sealed record OverloadTransition(OverloadStep From, OverloadStep To, MediaLoadSample Sample)
{
    public bool Engaged => To.Level > From.Level;
}
