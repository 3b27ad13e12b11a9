using System.Globalization;

namespace PbxBridge.Fuzzing.Engine;

/// <summary>What one run of one target found and measured.</summary>
public sealed record FuzzReport
{
    public required string Target { get; init; }
    public required ulong Seed { get; init; }
    public required long Inputs { get; init; }
    public required long Accepted { get; init; }
    public required long Rejected { get; init; }
    public required long Exceptions { get; init; }
    public required IReadOnlyList<FuzzFailure> Failures { get; init; }
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Managed heap after a full collection at the end, minus the same after the warm-up inputs.</summary>
    public required long HeapGrowthBytes { get; init; }

    /// <summary>Bytes this thread allocated per input, harness included (the mutated input itself is one array).</summary>
    public required long AllocatedBytesPerInput { get; init; }

    /// <summary>How far the component's own rejection counter moved, or null for targets whose caller counts.</summary>
    public required long? CountedRejections { get; init; }

    public double InputsPerSecond => Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>Every rejection was counted by the component itself (or the component has no counter of its own).</summary>
    public bool RejectionsAllCounted => CountedRejections is null || CountedRejections == Rejected;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Target,-10} {Inputs,10:N0} inputs {InputsPerSecond,10:N0}/s  accepted {Accepted,9:N0}  rejected {Rejected,9:N0}  counted {(CountedRejections is { } c ? c.ToString("N0", CultureInfo.InvariantCulture) : "n/a"),9}  exceptions {Exceptions}  heap +{HeapGrowthBytes / 1024.0:N0} KiB  alloc {AllocatedBytesPerInput:N0} B/input");
}
