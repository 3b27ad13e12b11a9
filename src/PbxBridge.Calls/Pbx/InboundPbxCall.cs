namespace PbxBridge.Calls.Pbx;

/// <summary>
/// A call the PBX offers to an agent. The adapter constructs it; the Calls room attaches an observer,
/// alerts the agent's browsers and answers or rejects.
/// </summary>
public abstract class InboundPbxCall : IPbxLeg
{
    public abstract string PbxId { get; }

    public abstract IReadOnlyDictionary<string, string> Details { get; }

    /// <summary>The agent the PBX wants (from Stasis args "agent=1001" or "agent-1001@...").</summary>
    public abstract string AgentId { get; }

    /// <summary>Calling party number as the PBX knows it (CallerID(num)).</summary>
    public abstract string CallerNumber { get; }

    /// <summary>Calling party name, empty when unknown.</summary>
    public abstract string CallerName { get; }

    /// <summary>Attach the observer before anything else; events that happened earlier are replayed to it.</summary>
    public abstract void Attach(IPbxLegObserver observer);

    /// <summary>Tell the PBX the agent is being alerted (ARI ring, SIP 180).</summary>
    public abstract Task RingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The agent picked up: answer the PBX leg and set up its media toward <paramref name="media"/>.
    /// The PBX's RTP address arrives through <see cref="IPbxLegObserver.OnMediaReady"/>.
    /// </summary>
    public abstract Task AnswerAsync(PbxMediaOffer media, CancellationToken cancellationToken);

    /// <summary>Refuse the call (agent not registered: cause 20; agent rejected: 21; busy: 17).</summary>
    public abstract Task RejectAsync(PbxCause cause, CancellationToken cancellationToken);

    public abstract Task HangupAsync(PbxCause cause, CancellationToken cancellationToken);

    public abstract Task SendDtmfAsync(char digit, TimeSpan duration, CancellationToken cancellationToken);

    public abstract Task HoldAsync(CancellationToken cancellationToken);

    public abstract Task UnholdAsync(CancellationToken cancellationToken);

    public abstract Task TransferAsync(string destination, CancellationToken cancellationToken);

    public abstract Task JoinAsync(IPbxLeg other, CancellationToken cancellationToken);
}
