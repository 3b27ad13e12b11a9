using System.Collections.Concurrent;
using System.Globalization;
using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Sip;

namespace PbxBridge.FreeSwitch;

/// <summary>
/// FreeSWITCH's view of one of our SIP legs: its Unique-ID (learned from events carrying variable_sip_call_id or the
/// X-PbxBridge-Call-Id header), the bridged partner (CHANNEL_BRIDGE), the Hangup-Cause (CHANNEL_HANGUP_COMPLETE),
/// and the uuid_* API calls the Calls room can ask for.
/// </summary>
internal sealed class FreeSwitchChannel
{
    private readonly IFreeSwitchApi _api;
    private readonly string _context;
    private readonly ConcurrentDictionary<string, string> _details = new(StringComparer.Ordinal);
    private volatile string? _uniqueId;
    private volatile string? _partnerUniqueId;

    public FreeSwitchChannel(IFreeSwitchApi api, string context, SipUdpCall sip, PbxLegRelay relay, string? bridgeCallId)
    {
        _api = api;
        _context = context;
        Sip = sip;
        Relay = relay;
        BridgeCallId = bridgeCallId;
        _details["SIP Call-ID"] = sip.CallId;
    }

    public SipUdpCall Sip { get; }

    public PbxLegRelay Relay { get; }

    /// <summary>PbxBridge's call id sent as X-PbxBridge-Call-Id (outbound legs only).</summary>
    public string? BridgeCallId { get; }

    public string? UniqueId
    {
        get => _uniqueId;
        set
        {
            _uniqueId = value;
            if (value is not null)
            {
                _details["Unique-ID"] = value;
            }
        }
    }

    public string? PartnerUniqueId
    {
        get => _partnerUniqueId;
        set
        {
            _partnerUniqueId = value;
            if (value is null)
            {
                _details.TryRemove("Other-Leg-Unique-ID", out _);
            }
            else
            {
                _details["Other-Leg-Unique-ID"] = value;
            }
        }
    }

    /// <summary>Hangup-Cause of CHANNEL_HANGUP_COMPLETE, once FreeSWITCH reported it.</summary>
    public PbxCause? HangupCause { get; set; }

    /// <summary>The FreeSWITCH Unique-ID once known; until then our SIP Call-ID (which FreeSWITCH logs as sip_call_id).</summary>
    public string PbxId => _uniqueId ?? Sip.CallId;

    public IReadOnlyDictionary<string, string> Details => _details;

    /// <summary>
    /// DTMF toward the far party. With a bridged partner, `uuid_send_dtmf` on the partner plays it to them (the same
    /// RFC 2833 packets transcript 03 shows); without one (an IVR on our channel), `uuid_recv_dtmf` queues it on our
    /// channel as if it had arrived from us.
    /// </summary>
    public async Task SendDtmfAsync(char digit, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (!IsDtmfDigit(digit))
        {
            throw new ArgumentOutOfRangeException(nameof(digit), digit, "DTMF digits are 0-9, *, #, A-D");
        }

        var ms = Math.Clamp((int)duration.TotalMilliseconds, 40, 8000).ToString(CultureInfo.InvariantCulture);
        var command = PartnerUniqueId is { } partner
            ? $"uuid_send_dtmf {partner} {digit}@{ms}"
            : $"uuid_recv_dtmf {RequireUniqueId()} {digit}@{ms}";
        await RunAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Our leg holds as a SIP phone does, with a re-INVITE a=sendonly (<see cref="SipUdpCall.ReInviteAsync"/>): sofia
    /// then plays the site's hold music to the far party, whichever side placed the call.
    /// </summary>
    public Task HoldAsync(CancellationToken cancellationToken) => ReInviteAsync(held: true, cancellationToken);

    /// <summary>The resume: a re-INVITE a=sendrecv; sofia stops the hold music and bridges the audio again.</summary>
    public Task UnholdAsync(CancellationToken cancellationToken) => ReInviteAsync(held: false, cancellationToken);

    private async Task ReInviteAsync(bool held, CancellationToken cancellationToken)
    {
        var status = await Sip.ReInviteAsync(held, cancellationToken).ConfigureAwait(false);
        if (status is < 200 or >= 300)
        {
            throw new InvalidOperationException($"FreeSWITCH answered our {(held ? "hold" : "resume")} re-INVITE on SIP call {Sip.CallId} with {status}");
        }
    }

    /// <summary>
    /// Blind transfer of the far party: FreeSWITCH calls <paramref name="destination"/> through our context
    /// (`originate loopback/&lt;dest&gt;/&lt;context&gt; &amp;park()`, as a desk phone's call would go), and only once it answered
    /// is the far party bridged to it (`uuid_bridge`), which takes it away from our leg. `uuid_transfer` would send the
    /// far party into the dialplan before the outcome is known, and a busy or unknown target would lose the caller; this
    /// way the NOTIFY tells the agent the target's real outcome and a failure leaves the call as it was.
    /// </summary>
    public async Task TransferAsync(string destination, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(destination) || destination.AsSpan().IndexOfAny(" \t\r\n{}'/,@;:<>\"") >= 0)
        {
            throw new PbxCallFailedException(PbxCause.Unallocated, $"'{destination}' is not a number FreeSWITCH can route");
        }

        var far = RequireFarParty();
        var target = Guid.NewGuid().ToString();

        // hangup_after_bridge: the target ends with the far party, as a leg bridged by the dialplan would.
        var answer = await ApiOrFailAsync(
            $"originate {{origination_uuid={target},originate_timeout=60,hangup_after_bridge=true,ignore_early_media=true}}loopback/{destination}/{_context} &park()",
            background: true,
            cancellationToken).ConfigureAwait(false);
        if (!answer.StartsWith("+OK", StringComparison.Ordinal))
        {
            throw new PbxCallFailedException(FreeSwitchHangupCause.FromName(answer.Replace("-ERR", string.Empty, StringComparison.Ordinal)),
                $"the transfer target '{destination}' did not answer: {answer.Trim()}");
        }

        await BridgeFarPartyAsync(far, target, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Attended transfer: `uuid_bridge` of our far party with <paramref name="other"/>'s far party.</summary>
    public async Task JoinAsync(FreeSwitchChannel other, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Sip.IsHeldByUs)
        {
            await other.StopHoldMusicAsync(cancellationToken).ConfigureAwait(false);
        }

        await BridgeFarPartyAsync(RequireFarParty(), other.RequireFarParty(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The far party may be on our hold music (sofia's broadcast on it, after our a=sendonly): it would carry on into
    /// the new bridge. `uuid_hold off` on our leg ends it before the bridge. Measured on the real FreeSWITCH's attended
    /// transfer: with it, the caller heard the consulted agent after the join in 4 of 4 runs; stopping the music with
    /// our resume re-INVITE instead failed 3 of 8, with `uuid_break` of the far party 2 of 6.
    /// </summary>
    private Task<string> StopHoldMusicAsync(CancellationToken cancellationToken) =>
        ApiOrFailAsync("uuid_hold off " + RequireUniqueId(), background: false, cancellationToken);

    private async Task BridgeFarPartyAsync(string far, string target, CancellationToken cancellationToken)
    {
        await StopHoldMusicAsync(cancellationToken).ConfigureAwait(false);
        var bridged = await ApiOrFailAsync($"uuid_bridge {far} {target}", background: false, cancellationToken).ConfigureAwait(false);
        if (!bridged.StartsWith("+OK", StringComparison.Ordinal))
        {
            await ApiOrFailAsync($"uuid_kill {target}", background: false, CancellationToken.None).ConfigureAwait(false);
            throw new PbxCallFailedException(PbxCause.NormalTemporaryFailure, $"FreeSWITCH refused to bridge the far party: {bridged.Trim()}");
        }
    }

    private string RequireFarParty() =>
        PartnerUniqueId ?? throw new PbxCallFailedException(PbxCause.NormalTemporaryFailure, $"FreeSWITCH has not bridged SIP call {Sip.CallId} to a far party");

    /// <summary>The command's reply; an unreachable event socket is a failed transfer, not a crash.</summary>
    private async Task<string> ApiOrFailAsync(string command, bool background, CancellationToken cancellationToken)
    {
        try
        {
            return background
                ? await _api.BgApiAsync(command, cancellationToken).ConfigureAwait(false)
                : await _api.ApiAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or Esl.EslCommandException)
        {
            throw new PbxCallFailedException(PbxCause.NormalTemporaryFailure, $"FreeSWITCH did not run `{command}`: {e.Message}", e);
        }
    }

    public static FreeSwitchChannel Of(IPbxLeg leg) => leg switch
    {
        FreeSwitchOutboundLeg outbound => outbound.Channel,
        FreeSwitchInboundCall inbound => inbound.Channel,
        _ => throw new ArgumentException("not a FreeSWITCH leg: " + leg.GetType().Name, nameof(leg)),
    };

    internal static bool IsDtmfDigit(char digit) => digit is (>= '0' and <= '9') or '*' or '#' or (>= 'A' and <= 'D');

    private string RequireUniqueId() =>
        UniqueId ?? throw new InvalidOperationException($"FreeSWITCH has not reported a Unique-ID for SIP call {Sip.CallId} yet");

    private async Task RunAsync(string command, CancellationToken cancellationToken)
    {
        var result = await _api.ApiAsync(command, cancellationToken).ConfigureAwait(false);
        if (!result.StartsWith("+OK", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"FreeSWITCH refused `{command}`: {result.Trim()}");
        }
    }
}
