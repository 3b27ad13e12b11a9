namespace PbxBridge.LoadGen.Reporting;

/// <summary>What one load step measured: N concurrent calls held for a while against one target.</summary>
internal sealed record StepResult
{
    public required string Target { get; init; }

    public required int Calls { get; init; }

    public required int Established { get; init; }

    public required int Failed { get; init; }

    /// <summary>Calls refused with 503 (PbxBridge's overload step or a limit): part of Failed.</summary>
    public int Refused503 { get; init; }

    /// <summary>INVITE (including its digest challenge) to the 503, p99 over the refused calls.</summary>
    public double RefusalP99Ms { get; init; } = double.NaN;

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

    /// <summary>browser -> PBX, the leg's send to the PBX socket (<see cref="Browser.Simulator.Measurement.OneWayLatency"/>).</summary>
    public LatencySummary BrowserToPbx { get; init; } = LatencySummary.None;

    /// <summary>The part of <see cref="BrowserToPbx"/> spent waiting for the pacer tick (jitter buffer depth + pacer wait).</summary>
    public LatencySummary BrowserToPbxHeld { get; init; } = LatencySummary.None;

    /// <summary><see cref="BrowserToPbx"/> minus <see cref="BrowserToPbxHeld"/>, sample by sample.</summary>
    public LatencySummary BrowserToPbxExcludingJitter { get; init; } = LatencySummary.None;

    /// <summary>PBX -> browser, the PBX socket's send to the leg's decryption (probe legs).</summary>
    public LatencySummary PbxToBrowser { get; init; } = LatencySummary.None;

    public double SetupP50Ms { get; init; } = double.NaN;

    public double SetupP99Ms { get; init; } = double.NaN;

    public double LoadGenCpuMsPerCallSecond { get; init; } = double.NaN;

    public long PacerLateSlots { get; init; }

    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>PbxBridge processes measured together (a cluster's nodes); <see cref="CpuMsPerCallSecond"/> is their sum.</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>Each node's own share of <see cref="CpuMsPerCallSecond"/>, node by node.</summary>
    public IReadOnlyList<double> NodeCpuMsPerCallSecond { get; init; } = [];

    /// <summary>The front's CPU per call-second over the hold (signalling only), NaN without a front.</summary>
    public double FrontCpuMsPerCallSecond { get; init; } = double.NaN;

    /// <summary>Established legs by the address their media went to (the SDP answer's): behind a front, one per node.</summary>
    public IReadOnlyDictionary<string, int> LegsByMediaAddress { get; init; } = new Dictionary<string, int>();

    /// <summary>/proc/loadavg's 1-minute figure at the end of the hold: how busy the shared machine was.</summary>
    public double LoadAverage { get; init; } = double.NaN;
}
