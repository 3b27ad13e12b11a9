namespace PbxBridge.Testing;

/// <summary>How to run the built executable: <c>dotnet DLL run ARGUMENTS</c> on <see cref="Port"/>.</summary>
public sealed class PbxBridgeStartInfo
{
    /// <summary>The built pbxbridge.dll (<see cref="RepoPaths.PbxBridgeDll"/> for a Debug build of the checkout).</summary>
    public required string Dll { get; init; }

    /// <summary>The HTTPS port the arguments give it (<c>--Http:Port</c>); /healthz is asked there.</summary>
    public required int Port { get; init; }

    /// <summary>Everything after <c>run</c>: <c>--Section:Key=Value</c> settings.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Variables set for the process on top of this one's (<c>PBXBRIDGE_Section__Key</c> settings).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string? WorkingDirectory { get; init; }

    /// <summary>Where its console goes; null keeps it in memory (<see cref="PbxBridgeChildProcess.Output"/>). A file
    /// keeps the console's cost out of a measurement: the shell's redirection, not this process, writes it.</summary>
    public string? LogFile { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
