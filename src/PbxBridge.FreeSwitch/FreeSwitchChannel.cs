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

    /// <summary>`uuid_hold`: our channel holds, so the far party hears FreeSWITCH's music on hold.</summary>
    public Task HoldAsync(CancellationToken cancellationToken) => RunAsync("uuid_hold " + RequireUniqueId(), cancellationToken);

    public Task UnholdAsync(CancellationToken cancellationToken) => RunAsync("uuid_hold off " + RequireUniqueId(), cancellationToken);

    /// <summary>Blind transfer of the far party: `uuid_transfer &lt;partner&gt; &lt;dest&gt; XML &lt;context&gt;` (or -bleg of ours).</summary>
    public Task TransferAsync(string destination, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        if (destination.AsSpan().IndexOfAny(" \t\r\n{}'") >= 0)
        {
            throw new ArgumentException("a transfer destination is one dialplan extension without spaces", nameof(destination));
        }

        var command = PartnerUniqueId is { } partner
            ? $"uuid_transfer {partner} {destination} XML {_context}"
            : $"uuid_transfer {RequireUniqueId()} -bleg {destination} XML {_context}";
        return RunAsync(command, cancellationToken);
    }

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
