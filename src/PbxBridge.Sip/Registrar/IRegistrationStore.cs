namespace PbxBridge.Sip.Registrar;

/// <summary>Where bindings live. In memory for one node; a shared store (Redis) can implement the same contract
/// when agents are spread over several nodes.</summary>
public interface IRegistrationStore
{
    IReadOnlyList<SipRegistrationBinding> GetBindings(string agentId);

    IReadOnlyList<SipRegistrationBinding> All();

    /// <summary>Adds or refreshes the binding of (agent, contact URI).</summary>
    void Upsert(SipRegistrationBinding binding);

    bool Remove(string agentId, string contactUri);

    IReadOnlyList<SipRegistrationBinding> RemoveAll(string agentId);

    IReadOnlyList<SipRegistrationBinding> RemoveFlow(string flowId);

    IReadOnlyList<SipRegistrationBinding> RemoveExpired(DateTimeOffset now);
}
