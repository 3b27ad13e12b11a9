namespace PbxBridge.Sip;

/// <summary>Receives browser calls. Implemented by the Calls room; the Sip room knows nothing of PBXs.</summary>
public interface ISipCallHandler
{
    /// <summary>A new, authenticated INVITE from an agent (not a re-INVITE). The handler owns the call from here and
    /// must eventually Accept or Reject it. Called on a stack thread: do not block.</summary>
    void OnIncomingCall(SipIncomingCall call);
}
