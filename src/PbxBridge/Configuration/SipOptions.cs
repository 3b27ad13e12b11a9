namespace PbxBridge.Configuration;

/// <summary>Section "Sip": the browser-facing SIP over WebSocket side.</summary>
public sealed class SipOptions
{
    public const string Section = "Sip";

    /// <summary>Digest realm; the agents' HA1 hashes are computed over it.</summary>
    public string Realm { get; set; } = "pbxbridge";

    /// <summary>
    /// Digest algorithms offered in 401 challenges, in order: "MD5", "SHA-256" (RFC 8760). MD5 alone by default,
    /// because JsSIP 3.13 reads only one WWW-Authenticate header (the last) and gives up on anything but MD5, and
    /// SIP.js 0.21 implements MD5 only. Offer SHA-256 when every client in use supports it.
    /// </summary>
    public string[] DigestAlgorithms { get; set; } = ["MD5"];

    /// <summary>REGISTER Expires bounds (423 Interval Too Brief below the minimum).</summary>
    public int MinExpires { get; set; } = 60;

    public int MaxExpires { get; set; } = 3600;

    /// <summary>
    /// Seconds a call outlives its agent's closed WebSocket, for the agent to reconnect (new address: Wi-Fi to 4G),
    /// register and re-INVITE on the new connection; the PBX leg never notices. 0 ends the call when the WebSocket closes.
    /// </summary>
    public int ReconnectGraceSeconds { get; set; } = 20;
}
