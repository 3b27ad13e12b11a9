namespace PbxBridge.Calls.Pbx;

/// <summary>
/// The contract every PBX adapter implements (Asterisk over ARI, FreeSWITCH over ESL, the built-in demo).
/// The Calls room decides; the adapter only speaks its PBX's control protocol and reports what the PBX did.
/// Media is always plain RTP over UDP between a socket the Calls room owns (<see cref="PbxMediaOffer.LocalRtp"/>)
/// and an address the PBX announces (<see cref="IPbxLegObserver.OnMediaReady"/>).
/// </summary>
public interface IPbx : IAsyncDisposable
{
    /// <summary>"Demo", "Asterisk" or "FreeSwitch": shown in /healthz, logs and metrics.</summary>
    string Kind { get; }

    /// <summary>True while the control connection (ARI events WebSocket, ESL socket) is up.</summary>
    bool IsControlConnected { get; }

    /// <summary>
    /// Connects the control channel (and keeps reconnecting with backoff in the background).
    /// Calls the PBX routes to agents arrive through <paramref name="inbound"/>.
    /// Returns once the first connection attempt has finished, successfully or not.
    /// </summary>
    Task StartAsync(IPbxInboundHandler inbound, CancellationToken cancellationToken);

    /// <summary>
    /// An agent dialed <see cref="OutboundCallRequest.Destination"/>: create the PBX leg and its media.
    /// Progress (ringing, media address, answer, hangup) is reported through <see cref="OutboundCallRequest.Observer"/>.
    /// Throws <see cref="PbxCallFailedException"/> when the PBX refuses the call during setup.
    /// </summary>
    Task<IPbxLeg> PlaceCallAsync(OutboundCallRequest request, CancellationToken cancellationToken);
}
