namespace PbxBridge.Sip.Tests.Support;

/// <summary>Keeps the calls the stack hands over, and optionally acts on them at once (as the Calls room would).</summary>
internal sealed class RecordingCallHandler : ISipCallHandler
{
    private readonly Lock _gate = new();
    private readonly List<SipIncomingCall> _calls = [];

    public Action<SipIncomingCall>? OnCall { get; set; }

    public IReadOnlyList<SipIncomingCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public void OnIncomingCall(SipIncomingCall call)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }

        OnCall?.Invoke(call);
    }
}
