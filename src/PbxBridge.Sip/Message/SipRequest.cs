namespace PbxBridge.Sip.Message;

/// <summary>A SIP request: Method SP Request-URI SP SIP/2.0.</summary>
public sealed class SipRequest : SipMessage
{
    public SipRequest(string method, string requestUri)
    {
        Method = method;
        RequestUri = requestUri;
    }

    public string Method { get; }

    /// <summary>The Request-URI as received or to be sent.</summary>
    public string RequestUri { get; set; }

    public SipUri? RequestSipUri => SipUri.IsSipScheme(RequestUri) && SipUri.TryParse(RequestUri, out var u, out _) ? u : null;

    protected override string StartLine => Method + " " + RequestUri + " SIP/2.0";
}
