namespace PbxBridge.Asterisk.Simulator;

/// <summary>How <see cref="AriSimulator"/> behaves: credentials, version, dialplan extensions.</summary>
public sealed class AriSimulatorOptions
{
    public string User { get; set; } = "pbxbridge";

    public string Password { get; set; } = "pbxbridge-secret";

    public string Version { get; set; } = "22.10.1";

    /// <summary>
    /// HTTP port on 127.0.0.1 (ARI REST and events WebSocket share it, as on Asterisk's http.conf bindport); 0 picks a
    /// free one. A fixed port lets a test stop this "Asterisk" and start a fresh one where PbxBridge expects it.
    /// </summary>
    public int Port { get; set; }

    /// <summary>Extensions reachable with Local/{exten}@{any context}; anything else does not exist (cause 0).</summary>
    public Dictionary<string, FarBehaviour> Extensions { get; } = new(StringComparer.Ordinal)
    {
        ["600"] = FarBehaviour.Echo,
        ["601"] = FarBehaviour.Tone,
        ["602"] = FarBehaviour.RingNoAnswer,
        ["603"] = FarBehaviour.Busy,
        ["605"] = FarBehaviour.EarlyMedia,
    };

    /// <summary>How long an <see cref="FarBehaviour.EarlyMedia"/> extension plays its tone before answering.</summary>
    public TimeSpan EarlyMediaAnswerAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a busy extension keeps indicating busy after Dial BUSY before its channel ends with cause 17 (the
    /// recording's Busy(5): 5 s); a client that hangs up on BUSY ends it sooner.
    /// </summary>
    public TimeSpan BusyIndicationTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Extensions that reach a browser agent (<see cref="FarBehaviour.Agent"/>) when not in <see cref="Extensions"/>:
    /// the shipped extensions_pbxbridge.conf's _1XXX.
    /// </summary>
    public Func<string, bool> IsAgentExtension { get; set; } = exten => exten.Length == 4 && exten[0] == '1' && exten.All(char.IsAsciiDigit);

    /// <summary>Frequency of the tone source (Milliwatt is 1004 Hz).</summary>
    public double ToneHz { get; set; } = 1004;

    /// <summary>
    /// How long after the POST /channels/externalMedia response the channel enters Stasis (STASISSTATUS, StasisStart).
    /// Asterisk answers once the UnicastRTP channel is up; the channel then runs Stasis on its own thread, so on a
    /// busy machine its StasisStart can come after the response, and addChannel before it answers 422
    /// "Channel not in Stasis application". Zero: right after the response is sent.
    /// </summary>
    public TimeSpan ExternalMediaStasisStartDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The externalMedia channel enters Stasis but its StasisStart never reaches the client, as when the events
    /// WebSocket is being reconnected at that moment (GET /applications/{app} still lists the channel).
    /// </summary>
    public bool LoseExternalMediaStasisStart { get; set; }

    /// <summary>strictrtp learning window (STRICT_RTP_LEARN_TIMEOUT, 5 s in Asterisk).</summary>
    public TimeSpan StrictRtpLearnTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
