using System.Net;

namespace PbxBridge.FreeSwitch.Simulator;

/// <summary>One sofia/pbxbridge channel inside the simulator, with its SIP dialog facts and its RTP.</summary>
public sealed class SimulatedChannel
{
    private readonly List<char> _eslDtmf = [];
    private readonly TaskCompletionSource<string> _hungUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal SimulatedChannel(string direction, string channelName, string sipCallId, SimulatedRtpStream rtp)
    {
        Direction = direction;
        ChannelName = channelName;
        SipCallId = sipCallId;
        Rtp = rtp;
    }

    /// <summary>FreeSWITCH's Unique-ID for the channel.</summary>
    public string UniqueId { get; } = Guid.NewGuid().ToString();

    /// <summary>The "B-leg" the channel is bridged to (the extension, or the caller for agent calls).</summary>
    public string PartnerUniqueId { get; } = Guid.NewGuid().ToString();

    /// <summary>"inbound" (PbxBridge called FreeSWITCH) or "outbound" (FreeSWITCH called an agent), as Call-Direction says.</summary>
    public string Direction { get; }

    public string ChannelName { get; }

    /// <summary>Caller-Caller-ID-Number: mod_sofia takes it from the From user of the INVITE (what CDRs and the callee show).</summary>
    public string CallerIdNumber { get; internal set; } = string.Empty;

    /// <summary>Caller-Caller-ID-Name: the From display name.</summary>
    public string CallerIdName { get; internal set; } = string.Empty;

    public string SipCallId { get; }

    public SimulatedRtpStream Rtp { get; }

    /// <summary>X-PbxBridge-* headers of PbxBridge's INVITE (as variable_sip_h_X-...).</summary>
    public Dictionary<string, string> XHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    public IPEndPoint? RemoteRtp { get; internal set; }

    /// <summary>Where an inbound channel's INVITE came from (its sip_network_ip / sip_network_port); null for outbound.</summary>
    public IPEndPoint? SipNetwork { get; internal set; }

    public bool OnHold { get; internal set; }

    /// <summary>Where the far party went: uuid_transfer's extension, or what uuid_bridge joined it with (the parked
    /// target's extension, or the other leg's channel name).</summary>
    public string? TransferredTo { get; internal set; }

    /// <summary>Digits that reached the far party through ESL (uuid_send_dtmf on the partner, uuid_recv_dtmf on us).</summary>
    public IReadOnlyList<char> EslDtmf
    {
        get
        {
            lock (_eslDtmf)
            {
                return [.. _eslDtmf];
            }
        }
    }

    /// <summary>All digits that reached FreeSWITCH from PbxBridge: RFC 2833 in the RTP, then ESL.</summary>
    public IReadOnlyList<char> DtmfReceived => [.. Rtp.DtmfDigits, .. EslDtmf];

    /// <summary>Completes with the Hangup-Cause once the channel is gone.</summary>
    public Task<string> HungUp => _hungUp.Task;

    public bool IsUp => !_hungUp.Task.IsCompleted;

    internal void AddEslDtmf(char digit)
    {
        lock (_eslDtmf)
        {
            _eslDtmf.Add(digit);
        }
    }

    internal bool MarkHungUp(string cause) => _hungUp.TrySetResult(cause);
}
