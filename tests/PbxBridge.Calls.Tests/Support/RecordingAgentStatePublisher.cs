using PbxBridge.Calls.AgentStates;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Calls.Tests.Support;

/// <summary>A PBX that records every agent state it is told, and can be made to refuse them.</summary>
internal sealed class RecordingAgentStatePublisher : IPbxAgentStatePublisher
{
    private readonly Lock gate = new();
    private readonly List<(string Agent, AgentState State)> published = [];

    /// <summary>While true, every request fails as a PBX that cannot be reached does.</summary>
    public bool Refuse { get; set; }

    public int Attempts { get; private set; }

    public IReadOnlyList<(string Agent, AgentState State)> Published
    {
        get
        {
            lock (gate)
            {
                return [.. published];
            }
        }
    }

    public Task PublishAgentStateAsync(string agentId, AgentState state, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Attempts++;
            if (Refuse)
            {
                throw new InvalidOperationException("PBX control connection is down");
            }

            published.Add((agentId, state));
        }

        return Task.CompletedTask;
    }

    /// <summary>Waits until the last state published for <paramref name="agent"/> is <paramref name="state"/>.</summary>
    public async Task WaitForAsync(string agent, AgentState state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Last(agent) != state)
        {
            Assert.True(DateTime.UtcNow < deadline, $"agent {agent} was never published as {state}; published: {string.Join(", ", Published)}");
            await Task.Delay(10);
        }
    }

    public AgentState? Last(string agent)
    {
        lock (gate)
        {
            for (var i = published.Count - 1; i >= 0; i--)
            {
                if (published[i].Agent == agent)
                {
                    return published[i].State;
                }
            }

            return null;
        }
    }
}
