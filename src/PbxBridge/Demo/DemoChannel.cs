using System.Net;
using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Demo;

/// <summary>
/// One demo PBX channel: what both directions share (media, DTMF echo, hold, transfer, a single hangup report).
/// DTMF sent to the demo comes straight back as a DTMF event, like an IVR confirming the key, so both DTMF
/// directions can be tried with no PBX.
/// </summary>
public sealed class DemoChannel
{
    private readonly IPAddress bindAddress;
    private readonly ILogger logger;
    private readonly Action<DemoChannel> onEnded;
    private readonly PbxLegRelay relay = new();
    private DemoMediaChannel? media;

    public DemoChannel(string id, DemoBehaviour behaviour, IPAddress bindAddress, ILogger logger, Action<DemoChannel> onEnded)
    {
        Id = id;
        Behaviour = behaviour;
        this.bindAddress = bindAddress;
        this.logger = logger;
        this.onEnded = onEnded;
    }

    public string Id { get; }

    public DemoBehaviour Behaviour { get; private set; }

    public bool IsUp => !relay.HasEnded;

    public IReadOnlyDictionary<string, string> Details => media is null
        ? new Dictionary<string, string> { ["demo_behaviour"] = Behaviour.ToString() }
        : new Dictionary<string, string>
        {
            ["demo_behaviour"] = Behaviour.ToString(),
            ["demo_rtp"] = media.LocalEndPoint.ToString(),
            ["demo_packets_received"] = media.PacketsReceived.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["demo_packets_sent"] = media.PacketsSent.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

    public void Attach(IPbxLegObserver legObserver) => relay.Attach(legObserver);

    public void Ringing() => relay.Ringing();

    /// <summary>Opens the demo's RTP socket toward PbxBridge and announces it, like UNICASTRTP_LOCAL_ADDRESS/PORT.</summary>
    public void OpenMedia(PbxMediaOffer offer)
    {
        media = new DemoMediaChannel(bindAddress, offer.LocalRtp, offer.Codec, Behaviour == DemoBehaviour.EarlyTone ? DemoBehaviour.Tone : Behaviour);
        media.Start();
        relay.MediaReady(new PbxMediaAnswer(media.LocalEndPoint, offer.Codec));
    }

    public void Answered() => relay.Answered();

    /// <summary>What the demo plays before answering is meant to be heard (a PBX's 183 with SDP).</summary>
    public void EarlyMedia() => relay.EarlyMedia();

    /// <summary>The PBX side ends the channel (demo hangup, timeout, busy).</summary>
    public Task EndFromPbxAsync(PbxCause cause)
    {
        if (!relay.Hangup(cause))
        {
            return Task.CompletedTask;
        }

        logger.LogInformation("demo channel {Id} ended: {Cause}", Id, cause);
        return ReleaseAsync();
    }

    /// <summary>PbxBridge hangs the channel up: no report back, as a PBX does not echo our own hangup as news.</summary>
    public Task HangupAsync(PbxCause cause)
    {
        if (!relay.EndQuietly())
        {
            return Task.CompletedTask;
        }

        logger.LogInformation("demo channel {Id} hung up by PbxBridge: {Cause}", Id, cause);
        return ReleaseAsync();
    }

    public Task SendDtmfAsync(char digit, TimeSpan duration)
    {
        logger.LogInformation("demo channel {Id} got DTMF {Digit} ({Duration} ms)", Id, digit, (int)duration.TotalMilliseconds);
        relay.Dtmf(digit, duration);
        return Task.CompletedTask;
    }

    public Task HoldAsync(bool hold)
    {
        logger.LogInformation("demo channel {Id} {Action}", Id, hold ? "on hold" : "resumed");
        return Task.CompletedTask;
    }

    /// <summary>Offers this channel's caller to another agent for a blind transfer (set by <see cref="DemoPbx"/>).</summary>
    internal Func<string, DemoBehaviour, Task>? TransferToAgent { get; set; }

    /// <summary>
    /// Blind transfer of the demo's synthetic far party: to 600/601 it becomes that echo or tone; 602 never answers,
    /// 603 is busy; any other number is taken as an agent id, which the demo PBX calls with this caller and which must
    /// answer for the transfer to succeed (the Calls room refuses an unknown or absent agent: 404 / 480).
    /// </summary>
    public async Task TransferAsync(string destination)
    {
        var behaviour = DemoPbx.BehaviourOf(destination);
        if (behaviour is DemoBehaviour.RingNoAnswer or DemoBehaviour.Busy)
        {
            throw new PbxCallFailedException(behaviour == DemoBehaviour.Busy ? PbxCause.UserBusy : PbxCause.NoAnswer, $"demo extension {destination} does not answer");
        }

        if (behaviour is null)
        {
            await (TransferToAgent ?? throw new PbxCallFailedException(PbxCause.Unallocated, $"demo PBX cannot transfer to {destination}"))(destination, Behaviour);
            logger.LogInformation("demo channel {Id}'s caller transferred to agent {Agent}", Id, destination);
            return;
        }

        {
            Behaviour = behaviour.Value;
            if (media is not null)
            {
                media.Behaviour = behaviour.Value;
            }

            logger.LogInformation("demo channel {Id} transferred to {Destination}", Id, destination);
        }
    }

    /// <summary>The demo's far parties are synthetic (a tone, an echo): there are no two people to connect.</summary>
    public static Task JoinAsync() =>
        throw new PbxCallFailedException(new PbxCause(69, "REQUESTED_FACILITY_NOT_IMPLEMENTED"), "the demo PBX has no far parties to join: attended transfer needs Asterisk or FreeSWITCH");

    private async Task ReleaseAsync()
    {
        if (media is not null)
        {
            await media.DisposeAsync();
        }

        onEnded(this);
    }
}
