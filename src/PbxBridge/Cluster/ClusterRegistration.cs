using PbxBridge.Calls;
using PbxBridge.Calls.AgentStates;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;
using PbxBridge.Hosting;
using PbxBridge.Sip;

namespace PbxBridge.Cluster;

/// <summary>
/// The cluster's shared state in the object graph: with Cluster:Redis, the link to Redis, the heartbeat and the
/// messages between nodes; without it, a heartbeat that only reads this node (the cluster view of a single node).
/// </summary>
public static class ClusterRegistration
{
    public static void Add(IServiceCollection services, PbxBridgeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var redis = settings.Cluster.Redis;
        if (redis is not null)
        {
            // Never fails for an unreachable Redis: the node starts alone and joins when Redis answers.
            services.AddSingleton(sp => RedisClusterLink.ConnectAsync(redis, sp.GetRequiredService<ILogger<RedisClusterLink>>()).GetAwaiter().GetResult());
            services.AddSingleton(sp => new ClusterMessages(
                sp.GetRequiredService<RedisClusterLink>(),
                sp.GetRequiredService<NodeInfo>().Id,
                sp.GetRequiredService<SipStack>().AuthFailures,
                sp.GetRequiredService<RegistrationChangeNotifier>(),
                sp.GetRequiredService<ILogger<ClusterMessages>>()));
            services.AddHostedService(sp => sp.GetRequiredService<ClusterMessages>());
        }

        services.AddHostedService(sp => new ClusterMetrics(
            sp.GetRequiredService<Metrics.PbxBridgeMetrics>(),
            sp.GetRequiredService<NodeInfo>(),
            redis is null ? null : sp.GetRequiredService<RedisClusterLink>(),
            redis is null ? null : sp.GetRequiredService<ClusterMessages>()));

        services.AddSingleton(sp => new ClusterHeartbeat(
            redis is null ? null : sp.GetRequiredService<RedisClusterLink>(),
            sp.GetRequiredService<NodeInfo>().Id,
            ClusterHeartbeat.LocalOf(sp.GetRequiredService<NodeInfo>(), sp.GetRequiredService<IPbx>(), sp.GetRequiredService<SipStack>(), sp.GetRequiredService<CallManager>())));
        services.AddHostedService(sp => sp.GetRequiredService<ClusterHeartbeat>());
    }
}
