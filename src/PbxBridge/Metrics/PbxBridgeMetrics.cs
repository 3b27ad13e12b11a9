using System.Globalization;
using System.Text;
using PbxBridge.Calls;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Metrics;

/// <summary>
/// The /metrics page (Prometheus text format 0.0.4). Counters are updated at call events, never per packet: packet
/// and byte totals are summed at scrape time from live calls plus what ended calls left behind.
/// </summary>
public sealed class PbxBridgeMetrics : ICallObserver
{
    private static readonly double[] SetupBounds = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];
    private readonly LabeledCounter callsByOutcome = new("pbxbridge_calls_total", "Calls ended, by outcome.", "outcome");
    private readonly LabeledCounter callsByCause = new("pbxbridge_calls_by_pbx_cause_total", "Calls ended, by the PBX's Q.850 cause.", "cause");
    private readonly LabeledCounter callsByTransport = new("pbxbridge_calls_by_media_transport_total", "Calls ended, by what carried the agent's media: udp, tcp (ICE-TCP) or relay (TURN).", "transport");
    private readonly LabeledCounter mediaFailures = new("pbxbridge_media_failures_total", "ICE / DTLS / SRTP / SDP / port failures, by kind.", "kind");
    private readonly Histogram setupSeconds = new("pbxbridge_call_setup_seconds", "From INVITE (or PBX offer) to answer.", SetupBounds);
    private readonly CallMediaTotals endedTotals = new();
    private long callsStarted;

    public Func<int> ActiveCalls { get; set; } = () => 0;

    public Func<IEnumerable<Call>> LiveCalls { get; set; } = () => [];

    public Func<int> RegisteredAgents { get; set; } = () => 0;

    public Func<bool> PbxControlUp { get; set; } = () => false;

    public Func<long> PbxReconnects { get; set; } = () => 0;

    /// <summary>Live gauges owned by other rooms (SIP dialogs, transactions, UDP ports in use): name, help, value.</summary>
    public Func<IEnumerable<(string Name, string Help, long Value)>> Gauges { get; set; } = () => [];

    /// <summary>Counters owned by other rooms (SIP parse and auth failures): name, help, value.</summary>
    public Func<IEnumerable<(string Name, string Help, long Value)>> Counters { get; set; } = () => [];

    /// <summary>Lines with labels of their own (the node's info, the cluster's), written last; set by the host.</summary>
    public Action<StringBuilder> Labeled { get; set; } = _ => { };

    public long CallsStarted => Interlocked.Read(ref callsStarted);

    public void OnCallStarted(Call call) => Interlocked.Increment(ref callsStarted);

    public void OnCallAnswered(Call call, TimeSpan setup) => setupSeconds.Observe(setup.TotalSeconds);

    public void OnCallEnded(Call call, string outcome, PbxCause cause)
    {
        callsByOutcome.Increment(outcome);
        callsByCause.Increment(cause.Q850.ToString(CultureInfo.InvariantCulture));
    }

    public void OnCallReleased(Call call, CallMediaCounters finalCounters)
    {
        endedTotals.Add(finalCounters);
        if (call.Media.Browser?.Statistics is { SelectedProtocol: { } protocol } browser)
        {
            // What carried the agent's audio: a relay is a UDP path whose far end is one of our TURN servers.
            callsByTransport.Increment(protocol == "udp" && browser.SelectedRemote is { } remote && IsTurnRelay(remote.Address) ? "relay" : protocol);
        }
    }

    /// <summary>Whether an address is one of the TURN servers agents are given (Media:TurnUrls), set by the host.</summary>
    public Func<System.Net.IPAddress, bool> IsTurnRelay { get; set; } = _ => false;

    public void OnMediaFailure(string kind, string reason) => mediaFailures.Increment(kind);

    public long CallsByOutcome(string outcome) => callsByOutcome.Get(outcome);

    public string Render()
    {
        var text = new StringBuilder(4096);
        Gauge(text, "pbxbridge_calls_active", "Calls in progress.", ActiveCalls());
        Gauge(text, "pbxbridge_agents_registered", "Agent registrations (contacts) in the registrar.", RegisteredAgents());
        Gauge(text, "pbxbridge_pbx_control_up", "1 while the PBX control connection (ARI events / ESL) is up.", PbxControlUp() ? 1 : 0);
        Counter(text, "pbxbridge_calls_started_total", "Calls started, both directions.", CallsStarted);
        Counter(text, "pbxbridge_pbx_reconnects_total", "Reconnections of the PBX control connection.", PbxReconnects());
        callsByOutcome.WriteTo(text);
        callsByCause.WriteTo(text);
        mediaFailures.WriteTo(text);
        callsByTransport.WriteTo(text);
        setupSeconds.WriteTo(text);

        var totals = endedTotals.Copy();
        foreach (var call in LiveCalls())
        {
            totals.Add(call.Snapshot().Media);
        }

        Counter(text, "pbxbridge_rtp_packets_from_browser_total", "RTP packets received from browsers (after SRTP).", totals.PacketsFromBrowser);
        Counter(text, "pbxbridge_rtp_packets_to_pbx_total", "RTP packets sent to the PBX.", totals.PacketsToPbx);
        Counter(text, "pbxbridge_rtp_packets_from_pbx_total", "RTP packets received from the PBX.", totals.PacketsFromPbx);
        Counter(text, "pbxbridge_rtp_packets_to_browser_total", "RTP packets sent to browsers (before SRTP).", totals.PacketsToBrowser);
        Counter(text, "pbxbridge_rtp_packets_lost_total", "Browser packets never received.", totals.Lost);
        Counter(text, "pbxbridge_rtp_packets_late_total", "Browser packets that arrived after their playout time.", totals.Late);
        Counter(text, "pbxbridge_rtp_frames_concealed_total", "Frames concealed by Opus PLC/FEC toward the PBX.", totals.Concealed);
        Counter(text, "pbxbridge_rtp_pbx_packets_ignored_total", "PBX-side packets from an address other than the PBX's announced one.", totals.PbxPacketsIgnored);
        text.Append("# HELP pbxbridge_media_packets_rejected_total Inbound media packets refused, by reason (STUN, DTLS, SRTP, SRTCP, RTCP, source, RTP).\n")
            .Append("# TYPE pbxbridge_media_packets_rejected_total counter\n");
        foreach (var (reason, count) in totals.Rejected)
        {
            text.Append("pbxbridge_media_packets_rejected_total{reason=\"").Append(reason).Append("\"} ").Append(count).Append('\n');
        }

        foreach (var (name, help, value) in Gauges())
        {
            Gauge(text, name, help, value);
        }

        foreach (var (name, help, value) in Counters())
        {
            Counter(text, name, help, value);
        }

        Labeled(text);
        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, string help, long value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n").Append(name).Append(' ').Append(value).Append('\n');

    private static void Counter(StringBuilder text, string name, string help, long value) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n").Append(name).Append(' ').Append(value).Append('\n');
}
