namespace PbxBridge.Asterisk.Simulator;

/// <summary>
/// One 20 ms clock for the tone of every externalMedia channel of a simulator: a channel that echoes (or has nobody
/// bridged) only needs a glance per tick, so one timer serves them all instead of one timer, and one thread wake-up
/// per channel every 20 ms, which a load generator holding a hundred echoing calls would pay for nothing.
/// </summary>
internal sealed class SimToneClock : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile SimRtpEndpoint[] _endpoints = [];

    public SimToneClock() => _loop = Task.Run(RunAsync);

    public void Add(SimRtpEndpoint endpoint)
    {
        lock (_gate)
        {
            _endpoints = [.. _endpoints, endpoint];
        }
    }

    public void Remove(SimRtpEndpoint endpoint)
    {
        lock (_gate)
        {
            _endpoints = Array.FindAll(_endpoints, e => e != endpoint);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                foreach (var endpoint in _endpoints)
                {
                    endpoint.OnToneTick();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Simulator stopped.
        }
    }
}
