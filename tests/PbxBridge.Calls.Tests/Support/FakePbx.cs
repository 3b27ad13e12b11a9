using PbxBridge.Calls.Pbx;

namespace PbxBridge.Calls.Tests.Support;

/// <summary>A PBX that places every call at once and lets the test say when the far end answers.</summary>
internal sealed class FakePbx : IPbx
{
    private readonly Lock _gate = new();
    private readonly List<FakeOutboundLeg> _placed = [];

    public string Kind => "Fake";

    public bool IsControlConnected => true;

    public Task StartAsync(IPbxInboundHandler inbound, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>While set and not completed, PlaceCallAsync waits for it (the PBX is still setting the call up).</summary>
    public TaskCompletionSource? Placing { get; set; }

    /// <summary>Set when the Calls room cancelled a PlaceCallAsync still running.</summary>
    public bool PlacingCancelled { get; private set; }

    public async Task<IPbxLeg> PlaceCallAsync(OutboundCallRequest request, CancellationToken cancellationToken)
    {
        var leg = new FakeOutboundLeg(request);
        lock (_gate)
        {
            _placed.Add(leg);
        }

        if (Placing is { } placing)
        {
            try
            {
                await placing.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                PlacingCancelled = true;
                throw;
            }
        }

        return leg;
    }

    /// <summary>The leg placed for the agent's call, waiting up to 5 s for it.</summary>
    public async Task<FakeOutboundLeg> WaitForLegAsync()
    {
        for (var i = 0; i < 500; i++)
        {
            lock (_gate)
            {
                if (_placed.Count > 0)
                {
                    return _placed[0];
                }
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("no call was placed at the PBX");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
