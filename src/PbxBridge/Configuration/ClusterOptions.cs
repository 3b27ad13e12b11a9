namespace PbxBridge.Configuration;

/// <summary>
/// Section "Cluster": this process as one of several PbxBridge nodes in front of one PBX. Without
/// <see cref="NodeId"/> PbxBridge is a single node, exactly as before clustering existed.
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>
    /// This node's name, unique in the cluster: letters, digits and _ only. It names the node's own ARI application
    /// ("{Pbx:Asterisk:App}-{NodeId}"), its call ids, and what the PBX is told serves each agent registered here.
    /// </summary>
    public string? NodeId { get; set; }

    /// <summary>
    /// The cluster's Redis, "host:port" (StackExchange.Redis syntax: ",password=..." may follow): registrations (an
    /// agent on one node only), auth-failure throttling and the cluster view (`pbxbridge calls`, /healthz, doctor) are
    /// shared through it. Unset: each node keeps them to itself. Needs <see cref="NodeId"/>.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>True when <see cref="NodeId"/> is set: this node publishes where its agents are.</summary>
    public bool Enabled => !string.IsNullOrEmpty(NodeId);
}
