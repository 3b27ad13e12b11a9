namespace PbxBridge.Sip.Registrar;

/// <summary>The single-node <see cref="IRegistrationStore"/>.</summary>
public sealed class InMemoryRegistrationStore : IRegistrationStore
{
    private readonly Lock _gate = new();
    private readonly List<SipRegistrationBinding> _bindings = [];

    public IReadOnlyList<SipRegistrationBinding> GetBindings(string agentId)
    {
        lock (_gate)
        {
            return _bindings.Where(b => b.AgentId == agentId).ToList();
        }
    }

    public IReadOnlyList<SipRegistrationBinding> All()
    {
        lock (_gate)
        {
            return [.. _bindings];
        }
    }

    public void Upsert(SipRegistrationBinding binding)
    {
        lock (_gate)
        {
            var i = _bindings.FindIndex(b => b.AgentId == binding.AgentId && b.ContactUri == binding.ContactUri);
            if (i >= 0)
            {
                _bindings[i] = binding;
            }
            else
            {
                _bindings.Add(binding);
            }
        }
    }

    public bool Remove(string agentId, string contactUri)
    {
        lock (_gate)
        {
            return _bindings.RemoveAll(b => b.AgentId == agentId && b.ContactUri == contactUri) > 0;
        }
    }

    public IReadOnlyList<SipRegistrationBinding> RemoveAll(string agentId) => RemoveWhere(b => b.AgentId == agentId);

    public IReadOnlyList<SipRegistrationBinding> RemoveFlow(string flowId) => RemoveWhere(b => b.FlowId == flowId);

    public IReadOnlyList<SipRegistrationBinding> RemoveExpired(DateTimeOffset now) => RemoveWhere(b => b.ExpiresAt <= now);

    private List<SipRegistrationBinding> RemoveWhere(Predicate<SipRegistrationBinding> match)
    {
        lock (_gate)
        {
            var removed = _bindings.FindAll(match);
            _bindings.RemoveAll(match);
            return removed;
        }
    }
}
