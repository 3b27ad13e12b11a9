using PbxBridge.Calls.AgentStates;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Calls.Tests.Support;

/// <summary>
/// A PBX in front of which this node is one of several: it keeps which node each agent's calls go to (as Asterisk's
/// global or FreeSWITCH's hash would) and records, in order, everything this node tells it.
/// </summary>
internal sealed class RecordingClusterPbx : IPbxAgentStatePublisher, IPbxAgentLocationPublisher
{
    public const string ThisNode = "node1";

    private readonly Lock gate = new();
    private readonly List<string> log = [];
    private readonly Dictionary<string, string> pointer = new(StringComparer.Ordinal);

    /// <summary>While true, location requests fail as a PBX that cannot be reached does.</summary>
    public bool RefuseLocation { get; set; }

    /// <summary>"here 1001", "withdraw 1001 = True", "1001 Free": what reached the PBX, in order.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (gate)
            {
                return [.. log];
            }
        }
    }

    /// <summary>The node the PBX sends <paramref name="agent"/>'s calls to, or null.</summary>
    public string? NodeOf(string agent)
    {
        lock (gate)
        {
            return pointer.GetValueOrDefault(agent);
        }
    }

    /// <summary>Another node took the agent (or the pointer was removed: null).</summary>
    public void Point(string agent, string? node)
    {
        lock (gate)
        {
            if (node is null)
            {
                pointer.Remove(agent);
            }
            else
            {
                pointer[agent] = node;
            }
        }
    }

    public Task PublishAgentStateAsync(string agentId, AgentState state, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            log.Add($"{agentId} {state}");
        }

        return Task.CompletedTask;
    }

    public Task PublishAgentHereAsync(string agentId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (RefuseLocation)
            {
                log.Add($"here {agentId} refused");
                throw new InvalidOperationException("PBX control connection is down");
            }

            pointer[agentId] = ThisNode;
            log.Add($"here {agentId}");
        }

        return Task.CompletedTask;
    }

    public Task<bool> WithdrawAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var ours = pointer.GetValueOrDefault(agentId) == ThisNode;
            if (ours)
            {
                pointer.Remove(agentId);
            }

            log.Add($"withdraw {agentId} = {ours}");
            return Task.FromResult(ours);
        }
    }

    public async Task WaitForAsync(Func<IReadOnlyList<string>, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition(Log))
        {
            Assert.True(DateTime.UtcNow < deadline, "never reached; the PBX was told: " + string.Join(" | ", Log));
            await Task.Delay(10);
        }
    }
}
