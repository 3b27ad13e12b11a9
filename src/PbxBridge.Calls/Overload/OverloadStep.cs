namespace PbxBridge.Calls.Overload;

/// <summary>
/// One rung of the overload ladder: the Opus complexity new calls start with, the ceiling every call's encoder is
/// held to, and whether new calls are refused. Rung 0 is normal operation.
/// </summary>
public sealed record OverloadStep(int Level, int NewCallComplexity, int CallComplexityCeiling, bool RefuseNewCalls)
{
    /// <summary>What this step does, for the log line.</summary>
    public string Describe() => Level == 0
        ? $"every call at Opus complexity {CallComplexityCeiling}, new calls accepted"
        : RefuseNewCalls
            ? $"new calls refused with 503, every call at Opus complexity {CallComplexityCeiling}"
            : NewCallComplexity < CallComplexityCeiling
                ? $"new calls start at Opus complexity {NewCallComplexity}, calls up already stay at {CallComplexityCeiling}"
                : $"every call at Opus complexity {CallComplexityCeiling}";

    /// <summary>
    /// The ladder: for each complexity from <see cref="OverloadSettings.OpusComplexity"/> down to 0 in
    /// <see cref="OverloadSettings.ComplexityStep"/>s, first new calls get it, then every call; refusing new calls is the
    /// last step, taken when the cheapest encoder still leaves the loops short of room.
    /// </summary>
    public static IReadOnlyList<OverloadStep> Ladder(OverloadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var steps = new List<OverloadStep> { new(0, settings.OpusComplexity, settings.OpusComplexity, false) };
        var ceiling = settings.OpusComplexity;
        while (ceiling > 0)
        {
            var lower = Math.Max(0, ceiling - Math.Max(1, settings.ComplexityStep));
            steps.Add(new OverloadStep(steps.Count, lower, ceiling, false));
            steps.Add(new OverloadStep(steps.Count, lower, lower, false));
            ceiling = lower;
        }

        steps.Add(new OverloadStep(steps.Count, 0, 0, true));
        return steps;
    }
}
