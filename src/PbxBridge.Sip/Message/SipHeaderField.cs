namespace PbxBridge.Sip.Message;

/// <summary>One header field line as received or to be sent; the value is kept verbatim (folding collapsed)
/// so that Via can be echoed byte-exact in responses.</summary>
public readonly record struct SipHeaderField(string Name, string Value);
