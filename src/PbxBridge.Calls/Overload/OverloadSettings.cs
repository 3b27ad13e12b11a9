namespace PbxBridge.Calls.Overload;

/// <summary>
/// How PbxBridge sheds load before packets go late (Limits:Overload*, Media:OverloadOpusComplexityStep).
/// </summary>
/// <param name="Enabled">Off: every call keeps <paramref name="OpusComplexity"/> and only the configured limits refuse calls.</param>
/// <param name="OpusComplexity">Media:OpusComplexity, what calls get while the media loops have room.</param>
/// <param name="ComplexityStep">How much each step lowers the encoder complexity toward 0.</param>
/// <param name="EngageBusyFraction">A sample whose busiest loop is awake this share of the time (or more) moves one step up.</param>
/// <param name="ReleaseBusyFraction">Below this (and with no late tick) for <paramref name="ReleaseAfter"/>, one step is released.</param>
/// <param name="ReleaseAfter">Calm time needed per step released: the hysteresis that keeps the steps from flapping.</param>
/// <param name="RetryAfter">What a call refused for overload is told to wait.</param>
public sealed record OverloadSettings(
    bool Enabled,
    int OpusComplexity,
    int ComplexityStep,
    double EngageBusyFraction,
    double ReleaseBusyFraction,
    TimeSpan ReleaseAfter,
    TimeSpan RetryAfter)
{
    /// <summary>A sample in which this share of the ticks (or more) started late moves one step up even if the loops look idle (the machine is short of CPU).</summary>
    public const double EngageLateTickFraction = 0.02;

    /// <summary>A sample with this share of late ticks, or any skipped tick, goes straight to the last step: audio is already suffering.</summary>
    public const double SevereLateTickFraction = 0.10;

    public static OverloadSettings Default(int opusComplexity) =>
        new(true, opusComplexity, 2, 0.70, 0.50, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));

    public static OverloadSettings Disabled(int opusComplexity) => Default(opusComplexity) with { Enabled = false };
}
