using PbxBridge.Sip.Registrar;

namespace PbxBridge.Calls.AgentStates;

/// <summary>
/// The registrar's store, reporting which agent's bindings changed: REGISTER, unREGISTER, expiry and a closed
/// WebSocket all pass through the store, so this one place sees every sign-in and sign-out.
/// </summary>
public sealed class RegistrationChangeNotifier(IRegistrationStore inner) : IRegistrationStore
{
    /// <summary>An agent's bindings may have changed. Raised after the store has changed, outside its lock.</summary>
    public event Action<string>? Changed;

    public IReadOnlyList<SipRegistrationBinding> GetBindings(string agentId) => inner.GetBindings(agentId);

    public IReadOnlyList<SipRegistrationBinding> All() => inner.All();

    public void Upsert(SipRegistrationBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        inner.Upsert(binding);
        Changed?.Invoke(binding.AgentId);
    }

    public bool Remove(string agentId, string contactUri)
    {
        var removed = inner.Remove(agentId, contactUri);
        if (removed)
        {
            Changed?.Invoke(agentId);
        }

        return removed;
    }

    public IReadOnlyList<SipRegistrationBinding> RemoveAll(string agentId) => Report(inner.RemoveAll(agentId));

    public IReadOnlyList<SipRegistrationBinding> RemoveFlow(string flowId) => Report(inner.RemoveFlow(flowId));

    public IReadOnlyList<SipRegistrationBinding> RemoveExpired(DateTimeOffset now) => Report(inner.RemoveExpired(now));

    private IReadOnlyList<SipRegistrationBinding> Report(IReadOnlyList<SipRegistrationBinding> removed)
    {
        foreach (var binding in removed)
        {
            Changed?.Invoke(binding.AgentId);
        }

        return removed;
    }
}
