namespace PbxBridge.Calls.Pbx;

/// <summary>One PBX-side leg of a call: what the Calls room can ask the PBX to do with it.</summary>
public interface IPbxLeg
{
    /// <summary>The PBX's own id for the leg: ARI channel id, FreeSWITCH Unique-ID, demo id. Logged with every line about the call.</summary>
    string PbxId { get; }

    /// <summary>Other PBX-side ids worth showing an admin (bridge id, externalMedia channel id, ...).</summary>
    IReadOnlyDictionary<string, string> Details { get; }

    /// <summary>Hang the PBX leg up; idempotent. The observer still gets <see cref="IPbxLegObserver.OnHangup"/> once.</summary>
    Task HangupAsync(PbxCause cause, CancellationToken cancellationToken);

    /// <summary>Send a DTMF digit (0-9, *, #, A-D) toward the PBX through its control API.</summary>
    Task SendDtmfAsync(char digit, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Agent put the call on hold (the far party hears music on hold where the PBX has it).</summary>
    Task HoldAsync(CancellationToken cancellationToken);

    Task UnholdAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Blind transfer (the agent's REFER): the PBX calls <paramref name="destination"/> through its dialplan, and once it
    /// answers the far party is connected to it and this leg no longer holds the far party (a later
    /// <see cref="HangupAsync"/> releases only PbxBridge's own channels). Throws <see cref="PbxCallFailedException"/>
    /// with the target's cause when it does not answer; the call is then left as it was.
    /// </summary>
    Task TransferAsync(string destination, CancellationToken cancellationToken);

    /// <summary>
    /// Attended transfer (a REFER with Replaces): connects this leg's far party with <paramref name="other"/>'s far
    /// party on the PBX. Afterwards neither leg holds its far party; the other leg reports
    /// <see cref="IPbxLegObserver.OnHangup"/>. Throws <see cref="PbxCallFailedException"/> when the PBX refused, with
    /// both calls left as they were.
    /// </summary>
    Task JoinAsync(IPbxLeg other, CancellationToken cancellationToken);
}
