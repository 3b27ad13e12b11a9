using PbxBridge.Sip.Auth;
using PbxBridge.Sip.Registrar;
using PbxBridge.Sip.Transactions;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip;

/// <summary>Settings of the SIP stack; the defaults are what the browser clients need.</summary>
public sealed class SipStackOptions
{
    /// <summary>Host we put in our own Via and Contact toward browsers (they never resolve it; the flow routes).</summary>
    public string Host { get; set; } = "pbxbridge.invalid";

    public string UserAgent { get; set; } = "PbxBridge";

    /// <summary>REGISTER Expires bounds (RFC 3261 §10.2.8: below the minimum is 423 with Min-Expires).</summary>
    public int MinExpires { get; set; } = 60;

    /// <summary>
    /// How long a call outlives its agent's closed connection, waiting for the agent to come back on a new one (Wi-Fi
    /// to 4G: JsSIP and SIP.js reconnect, REGISTER, and re-INVITE with an ICE restart there). Zero ends the call when
    /// the connection closes. A browser gone for good is hung up by ICE consent (RFC 7675) or when this runs out.
    /// </summary>
    public TimeSpan ReconnectGrace { get; set; } = TimeSpan.FromSeconds(20);

    public int MaxExpires { get; set; } = 3600;

    public int DefaultExpires { get; set; } = 600;

    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Failed authentications per source address before 403 (twice that before 429).</summary>
    public int MaxAuthFailures { get; set; } = 3;

    /// <summary>A throttled source is forgiven after this long without a failure; failures are also logged per
    /// source once per window.</summary>
    public TimeSpan AuthFailureWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Responses to a throttled source wait 1 s, then twice as long each time, up to this.</summary>
    public TimeSpan AuthThrottleMaxDelay { get; set; } = TimeSpan.FromSeconds(16);

    /// <summary>Registrations (contacts: tabs, devices) one agent may hold; a REGISTER adding more gets 503.</summary>
    public int MaxRegistrationsPerAgent { get; set; } = 5;

    /// <summary>Per WebSocket connection; see <see cref="SipMessageRateLimit"/>.</summary>
    public SipMessageRateLimit MessageRate { get; set; } = SipMessageRateLimit.Default;

    /// <summary>Per WebSocket connection; see <see cref="SipConnectionLimits"/>.</summary>
    public SipConnectionLimits ConnectionLimits { get; set; } = SipConnectionLimits.Default;

    /// <summary>Challenges offered, most preferred first as RFC 8760 §2.4 asks: SHA-256, then MD5. The order matters to
    /// browsers: JsSIP 3.13 and SIP.js 0.21 keep only the LAST WWW-Authenticate header they parse (their parsers call
    /// setHeader) and only know MD5, so MD5 must come last (found with the real libraries, see RealClientRegistrationTests).</summary>
    public IReadOnlyList<DigestAlgorithm> DigestAlgorithms { get; set; } = [DigestAlgorithm.Sha256, DigestAlgorithm.Md5];

    /// <summary>RFC 4028 Min-SE; shorter Session-Expires get 422. JsSIP's default is 90.</summary>
    public int MinSessionExpires { get; set; } = 90;

    public SipTimerValues Timers { get; set; } = SipTimerValues.Default;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public IRegistrationStore RegistrationStore { get; set; } = new InMemoryRegistrationStore();
}
