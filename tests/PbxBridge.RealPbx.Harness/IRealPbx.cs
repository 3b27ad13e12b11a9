namespace PbxBridge.RealPbx.Harness;

/// <summary>What the real-PBX fixtures need of Asterisk and FreeSWITCH alike.</summary>
public interface IRealPbx : IAsyncDisposable
{
    /// <summary>The PBX's private run folder (its configuration, logs; room for files beside it, e.g. a front's).</summary>
    string RunDirectory { get; }

    /// <summary>PbxBridge's settings for this PBX, as an admin writes them into pbxbridge.json.</summary>
    IReadOnlyList<string> PbxBridgeSettings { get; }

    /// <summary>Renders and installs PbxBridge's files by the README's install steps, run as written (a failing step
    /// throws with the steps' output).</summary>
    Task InstallPbxBridgeConfigurationAsync(IEnumerable<string> pbxBridgeSettings);

    /// <summary>Waits until the PBX holds no channel (nor bridge); false with what is left.</summary>
    Task<(bool Clean, string Left)> WaitCleanAsync(TimeSpan timeout);
}

/// <summary>A real PBX of one kind: whether it is installed here, and how to boot it with the site's stock files.</summary>
public interface IRealPbx<TSelf> : IRealPbx
    where TSelf : class, IRealPbx<TSelf>
{
    /// <summary>Null where this PBX is installed (<see cref="RealPbxInstall"/>), else why its tests skip.</summary>
    static abstract string? MissingReason { get; }

    /// <summary>Boots it in a private run folder with the site's configuration, no PbxBridge files yet.</summary>
    static abstract Task<TSelf> StartAsync();
}
