using PbxBridge.Sip.Message;

namespace PbxBridge.FreeSwitch.Sip;

/// <summary>What a <see cref="SipUdpCall"/> reports to the leg that owns it. Called after the SIP core's lock is
/// released, in order; must not block.</summary>
internal interface ISipUdpCallObserver
{
    /// <summary>UAC: 180/183 from FreeSWITCH.</summary>
    void OnProvisional(SipResponse response);

    /// <summary>UAC: 2xx (already ACKed). UAS: our 2xx was ACKed.</summary>
    void OnConfirmed(SipMessage message);

    /// <summary>UAC: a final non-2xx response (already ACKed), or a timeout (synthetic 408).</summary>
    void OnFailed(SipResponse response);

    /// <summary>The peer ended the call: BYE in a dialog, or CANCEL of the INVITE we were answering.</summary>
    void OnRemoteEnded(SipRequest request);

    /// <summary>FreeSWITCH put the call on hold (its re-offer is sendonly or inactive, RFC 3264 §8.4) or took it off
    /// hold; raised on each change only.</summary>
    void OnRemoteHold(bool held);
}
