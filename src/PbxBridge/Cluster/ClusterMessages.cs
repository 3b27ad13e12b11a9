using System.Net;
using PbxBridge.Calls.AgentStates;
using PbxBridge.Sip.Registrar;
using StackExchange.Redis;

namespace PbxBridge.Cluster;

/// <summary>
/// What nodes tell each other at once, over Redis pub/sub (each message is "&lt;node&gt; &lt;value&gt;"):
/// <list type="bullet">
/// <item>pbxbridge:agent-registered: an agent registered (or refreshed) here, after this node wrote itself into the
/// agent's claim (key pbxbridge:agent:&lt;id&gt;). Every other node drops the bindings it holds for that agent if the
/// claim still names the sender (two nodes registering the same agent at once: the later claim wins on both), so an
/// agent is registered on one node only (the latest REGISTER wins, as the PBX's pointer to the agent's node does) and
/// Limits:MaxRegistrationsPerAgent holds for the cluster, not per node.</item>
/// <item>pbxbridge:auth-failure: a digest authentication failed here. Every other node counts it for that address, so
/// Limits:AuthFailures (403, then 429 and the growing delay) holds for the cluster: a password guesser gains nothing
/// by being spread over the nodes by the front.</item>
/// </list>
/// Messages sent while Redis is unreachable are lost, not queued: each node then throttles and registers on its own.
/// </summary>
public sealed partial class ClusterMessages : IHostedService
{
    public const string AgentRegisteredChannel = RedisClusterLink.KeyPrefix + "agent-registered";
    public const string AuthFailureChannel = RedisClusterLink.KeyPrefix + "auth-failure";

    private readonly RedisClusterLink _redis;
    private readonly string _nodeId;
    private readonly AuthFailureLimiter _authFailures;
    private readonly RegistrationChangeNotifier _registrations;
    private readonly ILogger _logger;
    private long _agentsMovedAway;
    private long _remoteAuthFailures;

    public ClusterMessages(RedisClusterLink redis, string nodeId, AuthFailureLimiter authFailures, RegistrationChangeNotifier registrations, ILogger logger)
    {
        _redis = redis;
        _nodeId = nodeId;
        _authFailures = authFailures;
        _registrations = registrations;
        _logger = logger;
    }

    /// <summary>Agents whose bindings here were dropped because they registered on another node.</summary>
    public long AgentsMovedAway => Interlocked.Read(ref _agentsMovedAway);

    /// <summary>Auth failures other nodes reported, counted here.</summary>
    public long RemoteAuthFailures => Interlocked.Read(ref _remoteAuthFailures);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _registrations.Changed += OnRegistrationChanged;
        _authFailures.FailureRecorded += OnAuthFailure;
        try
        {
            await _redis.Subscriber.SubscribeAsync(RedisChannel.Literal(AgentRegisteredChannel), (_, message) => OnAgentRegisteredElsewhere(message)).ConfigureAwait(false);
            await _redis.Subscriber.SubscribeAsync(RedisChannel.Literal(AuthFailureChannel), (_, message) => OnAuthFailureElsewhere(message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Redis is down at start: the client subscribes once it reconnects.
            LogSubscribeLater(_logger, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _registrations.Changed -= OnRegistrationChanged;
        _authFailures.FailureRecorded -= OnAuthFailure;
        return Task.CompletedTask;
    }

    /// <summary>How long an agent's claim outlives its last registration here (longer than any REGISTER's expiry).</summary>
    public static readonly TimeSpan ClaimTimeToLive = TimeSpan.FromHours(2);

    private static string ClaimKey(string agentId) => RedisClusterLink.KeyPrefix + "agent:" + agentId;

    private void OnRegistrationChanged(string agentId)
    {
        if (_registrations.GetBindings(agentId).Count == 0 || !_redis.IsConnected)
        {
            return;
        }

        try
        {
            // One connection, in this order: the claim is written before any node reads the message.
            _redis.Database.StringSet(ClaimKey(agentId), _nodeId, ClaimTimeToLive, flags: CommandFlags.FireAndForget);
            Publish(AgentRegisteredChannel, agentId);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Lost: the node goes on alone until Redis is back (RedisClusterLink reports the outage).
        }
    }

    private void OnAuthFailure(IPAddress source) => Publish(AuthFailureChannel, source.ToString());

    private void Publish(string channel, string value)
    {
        if (!_redis.IsConnected)
        {
            return;
        }

        try
        {
            _redis.Subscriber.Publish(RedisChannel.Literal(channel), _nodeId + " " + value, CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Lost: the node goes on alone until Redis is back (RedisClusterLink reports the outage).
        }
    }

    private void OnAgentRegisteredElsewhere(RedisValue message) => _ = DropIfClaimedElsewhereAsync(message);

    private async Task DropIfClaimedElsewhereAsync(RedisValue message)
    {
        if (Parse(message) is not var (node, agentId) || node == _nodeId || _registrations.GetBindings(agentId).Count == 0)
        {
            return;
        }

        string? claim = null;
        if (!await _redis.TryAsync(async db => claim = await db.StringGetAsync(ClaimKey(agentId)).ConfigureAwait(false)).ConfigureAwait(false)
            || claim != node)
        {
            // Redis gone, or this node (or a third) registered the agent after the sender did.
            return;
        }

        var dropped = _registrations.RemoveAll(agentId);
        if (dropped.Count > 0)
        {
            Interlocked.Increment(ref _agentsMovedAway);
            LogMovedAway(_logger, agentId, node, dropped.Count);
        }
    }

    private void OnAuthFailureElsewhere(RedisValue message)
    {
        if (Parse(message) is var (node, address) && node != _nodeId && IPAddress.TryParse(address, out var source))
        {
            Interlocked.Increment(ref _remoteAuthFailures);
            _authFailures.RecordRemoteFailure(source);
        }
    }

    private static (string Node, string Value)? Parse(RedisValue message)
    {
        var text = (string?)message;
        var space = text?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
        return space > 0 && space < text!.Length - 1 ? (text[..space], text[(space + 1)..]) : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: agent {Agent} registered on node {Node}: its {Count} registration(s) here are dropped (an agent is served by one node)")]
    private static partial void LogMovedAway(ILogger logger, string agent, string node, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: not subscribed to Redis yet ({Reason}); subscriptions are made when it answers")]
    private static partial void LogSubscribeLater(ILogger logger, string reason);
}
