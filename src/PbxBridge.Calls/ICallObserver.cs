namespace PbxBridge.Calls;

/// <summary>Where calls report their lifecycle for metrics (the host implements it).</summary>
public interface ICallObserver
{
    void OnCallStarted(Call call);

    /// <summary>The call was answered; <paramref name="setup"/> is INVITE (or PBX offer) to answer.</summary>
    void OnCallAnswered(Call call, TimeSpan setup);

    /// <summary>The call ended; <paramref name="outcome"/> is answered / busy / no_answer / failed / cancelled / rejected.</summary>
    void OnCallEnded(Call call, string outcome, Pbx.PbxCause cause);

    void OnMediaFailure(string kind, string reason);

    /// <summary>The call's media is released; <paramref name="finalCounters"/> are its last packet counts. Raised before the call leaves the registry.</summary>
    void OnCallReleased(Call call, CallMediaCounters finalCounters);
}
