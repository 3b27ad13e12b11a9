namespace PbxBridge.Sip.Message;

/// <summary>Reason-Phrases of our 503 responses when a limit is reached. RFC 3261 §21.5.4 leaves the phrase to the
/// server, and JsSIP and SIP.js hand it to the page as is: it is the one place the browser learns which limit it hit
/// (the /phone page turns these into sentences, web/phone/src/plain-errors.js). Every 503 comes with Retry-After.</summary>
public static class LimitReasonPhrases
{
    /// <summary>The WebSocket connection sent more SIP messages than its rate allows.</summary>
    public const string TooManyMessages = "Too Many Messages";

    /// <summary>The agent already holds as many registrations (tabs, devices) as allowed.</summary>
    public const string TooManyRegistrations = "Too Many Registrations";

    /// <summary>One REGISTER carries more contacts than an agent may hold at all: 403, final, without Retry-After.</summary>
    public const string TooManyContacts = "Too Many Contacts";

    /// <summary>PbxBridge as a whole carries as many calls as allowed.</summary>
    public const string TooManyCalls = "Too Many Calls";

    /// <summary>This agent already has as many calls as allowed.</summary>
    public const string TooManyCallsForAgent = "Too Many Calls For This Agent";

    /// <summary>The media loops are short of CPU: new calls wait so the calls up keep their audio.</summary>
    public const string Overloaded = "Server Overloaded";

    /// <summary>No UDP port is free for the call's media.</summary>
    public const string NoMediaPorts = "No Media Ports Free";

    /// <summary>PbxBridge is draining calls before it stops.</summary>
    public const string ShuttingDown = "Shutting Down";
}
