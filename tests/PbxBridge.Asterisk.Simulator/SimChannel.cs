namespace PbxBridge.Asterisk.Simulator;

/// <summary>A simulated Asterisk channel: UnicastRTP (externalMedia), a Local half, or a dialplan caller in Stasis.</summary>
internal sealed class SimChannel
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string State { get; set; } = "Down";

    /// <summary>
    /// The ARI application this channel's events go to: the one whose request made it (originate, create,
    /// externalMedia) or whose Stasis() it runs. Asterisk sends a channel's events to the applications subscribed to
    /// it, not to the last one connected: with one application per PbxBridge node (Cluster:NodeId) that is what keeps
    /// each node's calls its own. Null: the last connected application (the single-node tests' one).
    /// </summary>
    public string? Subscriber { get; set; }

    public string CallerName { get; set; } = "";

    public string CallerNumber { get; set; } = "";

    public string ConnectedName { get; set; } = "";

    public string ConnectedNumber { get; set; } = "";

    public string Context { get; set; } = "default";

    public string Exten { get; set; } = "s";

    public int Priority { get; set; } = 1;

    public string AppName { get; set; } = "AppDial2";

    public string AppData { get; set; } = "(Outgoing Line)";

    public string CreationTime { get; } = AriShapes.Now();

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>In our Stasis app (REST control allowed, app sees StasisEnd when it leaves).</summary>
    public bool InStasis { get; set; }

    /// <summary>Entered Stasis from the dialplan: the app's subscription ends at StasisEnd (no ChannelDestroyed).</summary>
    public bool FromDialplan { get; init; }

    /// <summary>The ;2 half of a Local channel pair.</summary>
    public SimChannel? OtherHalf { get; set; }

    /// <summary>On a ;2 half: the ;1 half (the reverse of <see cref="OtherHalf"/>).</summary>
    public SimChannel? LocalOne { get; set; }

    /// <summary>On an originated ;1 half: the app and args it enters Stasis with once the far side answers.</summary>
    public (string App, string[] Args)? PendingStasis { get; set; }

    public FarBehaviour? Behaviour { get; init; }

    public SimBridge? Bridge { get; set; }

    public SimRtpEndpoint? Rtp { get; set; }

    public bool MusicOnHold { get; set; }

    public bool OnHold { get; set; }

    public bool RingingIndicated { get; set; }

    /// <summary>Made by POST /channels/create and not dialed yet (POST /channels/{id}/dial starts its dialplan).</summary>
    public bool AwaitingDial { get; set; }

    /// <summary>The far end indicated progress and plays its early media (a tone) until it answers.</summary>
    public bool EarlyMediaPlaying { get; set; }

    public List<string> DtmfReceivedFromApp { get; } = [];

    public CancellationTokenSource Lifetime { get; } = new();
}
