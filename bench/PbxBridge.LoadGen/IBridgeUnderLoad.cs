namespace PbxBridge.LoadGen;

/// <summary>
/// What a load step drives: one PbxBridge process (<see cref="PbxBridgeProcess"/>) or N nodes, with or without a
/// front (<see cref="Cluster.PbxBridgeCluster"/>). The step reads CPU and RSS of <see cref="NodePids"/> (summed:
/// whole-cluster cost) and of <see cref="FrontPid"/> apart, and opens each leg's WebSocket where <see cref="SipUri"/> says.
/// </summary>
internal interface IBridgeUnderLoad
{
    /// <summary>The PbxBridge processes, node by node.</summary>
    IReadOnlyList<int> NodePids { get; }

    /// <summary>The front's process (signalling only), or null when legs open the node directly.</summary>
    int? FrontPid { get; }

    /// <summary>The single node's HTTPS port (where ICE-TCP on the HTTPS port listens).</summary>
    int Port { get; }

    /// <summary>Where leg <paramref name="leg"/> opens its SIP WebSocket.</summary>
    Uri SipUri(int leg);
}
