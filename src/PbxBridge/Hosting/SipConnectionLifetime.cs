namespace PbxBridge.Hosting;

/// <summary>
/// When the agents' SIP WebSocket connections may close on shutdown: after the SIGTERM drain, not when it starts. A
/// call still up at the end of Shutdown:DrainSeconds is hung up with a BYE over its own connection; closing them all at
/// ApplicationStopping ended every call at once, with no BYE to the browser, whatever the drain time said.
/// </summary>
public sealed class SipConnectionLifetime : IDisposable
{
    private readonly CancellationTokenSource closing = new();

    /// <summary>Cancelled once the drain is over: every SIP WebSocket loop ends and closes its connection.</summary>
    public CancellationToken Closing => closing.Token;

    public void CloseAll() => closing.Cancel();

    public void Dispose() => closing.Dispose();
}
