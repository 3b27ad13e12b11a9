namespace PbxBridge.LoadGen.Reporting;

/// <summary>What one load step measured: N concurrent calls held for a while against one target.</summary>
internal sealed record StepResult
{
    public required string Target { get; init; }

    public required int Calls { get; init; }

    public required int Established { get; init; }

    public required int Failed { get; init; }

    public required double HoldSeconds { get; init; }

    public required double CpuMsPerCallSecond { get; init; }

    public double CallsPerCore => CpuMsPerCallSecond > 0 ? 1000.0 / CpuMsPerCallSecond : double.NaN;

    public double RssKbPerCall { get; init; } = double.NaN;

    public double RssMb { get; init; } = double.NaN;

    public long PacketsSent { get; init; }

    public long PacketsReceived { get; init; }

    public long PacketsLost { get; init; }

    public long PacketsLate { get; init; }

    public double RoundTripP50Ms { get; init; } = double.NaN;

    public double RoundTripP99Ms { get; init; } = double.NaN;

    public int RoundTripSamples { get; init; }

    public double SetupP50Ms { get; init; } = double.NaN;

    public double SetupP99Ms { get; init; } = double.NaN;

    public double LoadGenCpuMsPerCallSecond { get; init; } = double.NaN;

    public long PacerLateSlots { get; init; }

    public IReadOnlyList<string> Failures { get; init; } = [];
}
