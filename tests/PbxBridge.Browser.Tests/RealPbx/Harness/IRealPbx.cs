namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>What the real-PBX fixture needs of Asterisk and FreeSWITCH alike.</summary>
public interface IRealPbx : IAsyncDisposable
{
    /// <summary>PbxBridge's settings for this PBX, as an admin writes them into pbxbridge.json.</summary>
    IReadOnlyList<string> PbxBridgeSettings { get; }

    /// <summary>Renders and installs PbxBridge's files by the README's install steps, run as written (a failing step
    /// throws with the steps' output).</summary>
    Task InstallPbxBridgeConfigurationAsync(IEnumerable<string> pbxBridgeSettings);

    /// <summary>Waits until the PBX holds no channel (nor bridge); false with what is left.</summary>
    Task<(bool Clean, string Left)> WaitCleanAsync(TimeSpan timeout);
}
