namespace PbxBridge.Sip.Message;

/// <summary>Header field names, and the compact forms of RFC 3261 §7.3.3 (plus those of later RFCs).</summary>
public static class SipHeaderNames
{
    public const string Via = "Via";
    public const string From = "From";
    public const string To = "To";
    public const string CallId = "Call-ID";
    public const string CSeq = "CSeq";
    public const string MaxForwards = "Max-Forwards";
    public const string Contact = "Contact";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string ContentEncoding = "Content-Encoding";
    public const string Route = "Route";
    public const string RecordRoute = "Record-Route";
    public const string Expires = "Expires";
    public const string MinExpires = "Min-Expires";
    public const string Authorization = "Authorization";
    public const string ProxyAuthorization = "Proxy-Authorization";
    public const string WwwAuthenticate = "WWW-Authenticate";
    public const string ProxyAuthenticate = "Proxy-Authenticate";
    public const string Allow = "Allow";
    public const string Accept = "Accept";
    public const string Supported = "Supported";
    public const string Require = "Require";
    public const string ProxyRequire = "Proxy-Require";
    public const string Unsupported = "Unsupported";
    public const string UserAgent = "User-Agent";
    public const string Server = "Server";
    public const string Reason = "Reason";
    public const string RetryAfter = "Retry-After";
    public const string Subject = "Subject";
    public const string Date = "Date";
    public const string SessionExpires = "Session-Expires";
    public const string MinSe = "Min-SE";
    public const string Event = "Event";
    public const string ReferTo = "Refer-To";
    public const string ReferredBy = "Referred-By";
    public const string SubscriptionState = "Subscription-State";
    public const string AllowEvents = "Allow-Events";

    /// <summary>Expands a compact form (case-insensitive) and returns the canonical spelling of known names.</summary>
    public static string Canonicalize(string name)
    {
        if (name.Length == 1)
        {
            switch (char.ToLowerInvariant(name[0]))
            {
                case 'v': return Via;
                case 'f': return From;
                case 't': return To;
                case 'i': return CallId;
                case 'm': return Contact;
                case 'l': return ContentLength;
                case 'c': return ContentType;
                case 'e': return ContentEncoding;
                case 'k': return Supported;
                case 's': return Subject;
                case 'o': return Event;
                case 'u': return AllowEvents;
                case 'r': return ReferTo;
                case 'x': return SessionExpires;
                default: return name;
            }
        }

        foreach (var known in Known)
        {
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return name;
    }

    private static readonly string[] Known =
    [
        Via, From, To, CallId, CSeq, MaxForwards, Contact, ContentLength, ContentType, ContentEncoding, Route,
        RecordRoute, Expires, MinExpires, Authorization, ProxyAuthorization, WwwAuthenticate, ProxyAuthenticate,
        Allow, Accept, Supported, Require, ProxyRequire, Unsupported, UserAgent, Server, Reason, RetryAfter,
        Subject, Date, SessionExpires, MinSe, Event, ReferTo, AllowEvents, ReferredBy, SubscriptionState,
    ];
}
