namespace PbxBridge.Configuration;

/// <summary>Section "Limits": what one browser, one agent or one address may take (SECURITY.md, "Limits"). Beyond
/// each, the answer is 503 with Retry-After; the defaults leave honest browsers far below every one of them.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>SIP messages per second per WebSocket connection (CRLF keep-alives not counted); 0 = no limit.</summary>
    public int MessagesPerSecond { get; set; } = 20;

    /// <summary>Messages a connection may send at once before the per-second rate applies.</summary>
    public int MessageBurst { get; set; } = 50;

    /// <summary>A connection still over the rate after this many seconds is closed (WebSocket 1008).</summary>
    public int FloodGraceSeconds { get; set; } = 5;

    /// <summary>Open WebSocket connections per source address; 0 = no limit. A call center behind one NAT address
    /// needs one per agent tab.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 200;

    /// <summary>Bytes of SIP queued toward one WebSocket connection; beyond, it is closed (1008): the peer sends but
    /// does not read, and its backlog must not become our memory.</summary>
    public long MaxSendQueueBytes { get; set; } = 256 * 1024;

    /// <summary>A WebSocket connection on which nothing authenticates (REGISTER or INVITE) within this many seconds
    /// is closed (1008); 0 = never.</summary>
    public int RegistrationDeadlineSeconds { get; set; } = 30;

    /// <summary>Registrations (tabs, devices) per agent.</summary>
    public int MaxRegistrationsPerAgent { get; set; } = 5;

    public int MaxCalls { get; set; } = 1000;

    public int MaxCallsPerAgent { get; set; } = 4;

    /// <summary>Shed load before packets go late: lower the Opus complexity of new, then of all calls, step by step,
    /// then refuse new calls (503 Server Overloaded), as the media loops run out of room.</summary>
    public bool OverloadControl { get; set; } = true;

    /// <summary>A second in which the busiest media loop is awake this share of the time moves one overload step up.</summary>
    public int OverloadEngageBusyPercent { get; set; } = 70;

    /// <summary>Below this share (and no late tick) for Limits:OverloadReleaseSeconds, one step is released.</summary>
    public int OverloadReleaseBusyPercent { get; set; } = 50;

    public int OverloadReleaseSeconds { get; set; } = 10;

    /// <summary>What a call refused for overload is told to wait.</summary>
    public int OverloadRetryAfterSeconds { get; set; } = 10;

    /// <summary>Failed authentications from one address before it is throttled (403, then 429).</summary>
    public int AuthFailures { get; set; } = 3;

    /// <summary>An address is forgiven after this long without a failure; failures are logged once per window.</summary>
    public int AuthFailureWindowSeconds { get; set; } = 60;

    /// <summary>Answers to a throttled address wait 1 s, then twice as long each time, up to this.</summary>
    public int AuthMaxDelaySeconds { get; set; } = 16;
}
