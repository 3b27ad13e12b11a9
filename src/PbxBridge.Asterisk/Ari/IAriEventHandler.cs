using PbxBridge.Asterisk.Ari.Events;

namespace PbxBridge.Asterisk.Ari;

/// <summary>What <see cref="AriEventStream"/> reports. Called from its single receive loop, one call at a time.</summary>
public interface IAriEventHandler
{
    /// <summary>The WebSocket is open (first time or after a reconnect): time to reconcile.</summary>
    Task OnConnectedAsync(CancellationToken cancellationToken);

    void OnEvent(AriEvent ariEvent);

    /// <summary>The WebSocket closed or failed; the stream keeps retrying.</summary>
    void OnDisconnected(string reason);
}
