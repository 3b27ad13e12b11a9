using StackExchange.Redis;

namespace PbxBridge.Cluster;

/// <summary>
/// This node's connection to the cluster's Redis (Cluster:Redis), shared by everything that keeps state across nodes:
/// the heartbeat with this node's agents and calls, agents moving between nodes, auth failures. Redis is never on a
/// call's path: every use fails fast while it is unreachable (no command waits in a backlog) and the node goes on
/// alone with what it knows itself. The client reconnects in the background (1 s, doubling up to 30 s); the outage is
/// logged once when it starts and once when it ends, and counted.
/// </summary>
public sealed partial class RedisClusterLink : IAsyncDisposable
{
    /// <summary>Every key and channel of PbxBridge starts with this, so one Redis may serve other things too.</summary>
    public const string KeyPrefix = "pbxbridge:";

    private readonly ILogger _logger;
    private readonly string _where;
    private readonly ConnectionMultiplexer _redis;
    private long _outages;
    private int _down;

    private RedisClusterLink(ConnectionMultiplexer redis, string where, ILogger logger)
    {
        _redis = redis;
        _where = where;
        _logger = logger;
        _redis.ConnectionFailed += (_, e) => OnFailed(e.Exception?.Message ?? e.FailureType.ToString());
        _redis.ConnectionRestored += (_, _) => OnRestored();
    }

    /// <summary>Whether Redis answers now.</summary>
    public bool IsConnected => _redis.IsConnected;

    /// <summary>Times Redis became unreachable (counted once per outage).</summary>
    public long Outages => Interlocked.Read(ref _outages);

    /// <summary>Cluster:Redis as configured ("host:port").</summary>
    public string Where => _where;

    public IDatabase Database => _redis.GetDatabase();

    public ISubscriber Subscriber => _redis.GetSubscriber();

    /// <summary>
    /// Connects to <paramref name="configuration"/> (StackExchange.Redis syntax: "host:port[,password=...]"). Never
    /// fails for an unreachable Redis: the node starts alone and joins when Redis answers.
    /// </summary>
    public static async Task<RedisClusterLink> ConnectAsync(string configuration, ILogger logger)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 2000;
        options.AsyncTimeout = 2000;
        options.ConnectRetry = 1;
        options.KeepAlive = 5;
        options.ReconnectRetryPolicy = new ExponentialRetry(1000, 30000);
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName = "pbxbridge";
        var where = string.Join(",", options.EndPoints.Select(e => e.ToString()));
        var redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        var link = new RedisClusterLink(redis, where, logger);
        if (!redis.IsConnected)
        {
            link.OnFailed("not reachable at start");
        }
        else
        {
            LogConnected(logger, where);
        }

        return link;
    }

    /// <summary>
    /// Runs <paramref name="operation"/> against Redis; false when Redis is unreachable or failed it (reported once per
    /// outage), so callers fall back to this node's own view.
    /// </summary>
    public async Task<bool> TryAsync(Func<IDatabase, Task> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
            await operation(Database).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            OnFailed(e.Message);
            return false;
        }
    }

    private void OnFailed(string reason)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            Interlocked.Increment(ref _outages);
            LogUnreachable(_logger, _where, reason);
        }
    }

    private void OnRestored()
    {
        if (Interlocked.Exchange(ref _down, 0) == 1)
        {
            LogRestored(_logger, _where);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _redis.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        _redis.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: Redis at {Where} connected; registrations, auth failures and calls are shared with the other nodes")]
    private static partial void LogConnected(ILogger logger, string where);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: Redis at {Where} unreachable ({Reason}): this node goes on alone (its own registrations, auth throttling and calls only) and reconnects in the background")]
    private static partial void LogUnreachable(ILogger logger, string where, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: Redis at {Where} reachable again; sharing with the other nodes resumes")]
    private static partial void LogRestored(ILogger logger, string where);
}
