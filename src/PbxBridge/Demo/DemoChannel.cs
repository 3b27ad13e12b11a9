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
    private static readonly Lock BridgeGate = new();
    private readonly PbxLegRelay relay = new();
    private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DemoMediaChannel? media;

    /// <summary>The other agent's leg while two agents talk through the demo (<see cref="DemoBehaviour.Bridged"/>).</summary>
    private DemoChannel? peer;

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

    /// <summary>Completes once the channel is gone, whoever ended it.</summary>
    public Task Ended => ended.Task;

    public IReadOnlyDictionary<string, string> Details => media is null
        ? new Dictionary<string, string> { ["demo_behaviour"] = Behaviour.ToString() }
        : new Dictionary<string, string>
        {
            ["demo_behaviour"] = Behaviour.ToString(),
            ["demo_rtp"] = media.LocalEndPoint.ToString(),
            ["demo_packets_received"] = media.PacketsReceived.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["demo_packets_sent"] = media.PacketsSent.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["demo_bridged_with"] = peer?.Id ?? "",
        };

    public void Attach(IPbxLegObserver legObserver) => relay.Attach(legObserver);

    public void Ringing() => relay.Ringing();

    /// <summary>Opens the demo's RTP socket toward PbxBridge and announces it, like UNICASTRTP_LOCAL_ADDRESS/PORT.</summary>
    public void OpenMedia(PbxMediaOffer offer)
    {
        media = new DemoMediaChannel(bindAddress, offer.LocalRtp, offer.Codec, Behaviour == DemoBehaviour.EarlyTone ? DemoBehaviour.Tone : Behaviour);
        lock (BridgeGate)
        {
            if (peer?.media is { } other)
            {
                DemoMediaChannel.Bridge(media, other);
            }
        }

        media.Start();
        relay.MediaReady(new PbxMediaAnswer(media.LocalEndPoint, offer.Codec));
    }

    /// <summary>Two agents' legs, one call: each one's RTP goes out on the other once both have media, and the end
    /// of either ends the other.</summary>
    public static void Bridge(DemoChannel a, DemoChannel b)
    {
        lock (BridgeGate)
        {
            a.peer = b;
            b.peer = a;
        }
    }

    /// <summary>The callee's browser rings: so does the caller's leg (180).</summary>
    public void PeerRinging()
    {
        DemoChannel? other;
        lock (BridgeGate)
        {
            other = peer;
        }

        other?.Ringing();
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
        return ReleaseAsync(cause);
    }

    /// <summary>PbxBridge hangs the channel up: no report back, as a PBX does not echo our own hangup as news.</summary>
    public Task HangupAsync(PbxCause cause)
    {
        if (!relay.EndQuietly())
        {
            return Task.CompletedTask;
        }

        logger.LogInformation("demo channel {Id} hung up by PbxBridge: {Cause}", Id, cause);
        return ReleaseAsync(cause);
    }

    public Task SendDtmfAsync(char digit, TimeSpan duration)
    {
        logger.LogInformation("demo channel {Id} got DTMF {Digit} ({Duration} ms)", Id, digit, (int)duration.TotalMilliseconds);
        relay.Dtmf(digit, duration);
        return Task.CompletedTask;
    }

    /// <summary>An agent talking to another through the demo holds: the other agent's leg is put on hold by the
    /// PBX, as a bridge's far end holding does in FreeSWITCH.</summary>
    public Task HoldAsync(bool hold)
    {
        logger.LogInformation("demo channel {Id} {Action}", Id, hold ? "on hold" : "resumed");
        DemoChannel? other;
        lock (BridgeGate)
        {
            other = peer;
        }

        other?.relay.PbxHold(hold);
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

    /// <summary>
    /// Attended transfer: connects this leg's far party with <paramref name="other"/>'s, both legs (PbxBridge's, which
    /// it hangs up next) left out. A far party is the other agent of a bridged call, or the demo's synthetic sound
    /// (tone, echo): two agents are bridged together; an agent and a sound, the agent's leg now plays that sound. Two
    /// sounds have no one to connect.
    /// </summary>
    public Task JoinAsync(DemoChannel other)
    {
        DemoChannel? mine;
        DemoChannel? theirs;
        lock (BridgeGate)
        {
            mine = peer;
            theirs = other.peer;
            if (mine is null && theirs is null)
            {
                throw new PbxCallFailedException(new PbxCause(69, "REQUESTED_FACILITY_NOT_IMPLEMENTED"), "the demo PBX cannot join two synthetic far parties (tone, echo): consult an agent to transfer to");
            }

            peer = null;
            other.peer = null;
            if (mine is not null && theirs is not null)
            {
                mine.peer = theirs;
                theirs.peer = mine;
                if (mine.media is { } a && theirs.media is { } b)
                {
                    DemoMediaChannel.Bridge(a, b);
                }
            }
            else
            {
                var (agent, sound) = mine is not null ? (mine, other.Behaviour) : (theirs!, Behaviour);
                agent.PlaySound(sound);
            }
        }

        logger.LogInformation("demo channel {Id}'s far party joined with channel {Other}'s", Id, other.Id);
        return Task.CompletedTask;
    }

    // Under BridgeGate: an agent's leg that was bridged takes over a synthetic far party.
    private void PlaySound(DemoBehaviour sound)
    {
        Behaviour = sound == DemoBehaviour.EarlyTone ? DemoBehaviour.Tone : sound;
        media?.Unbridge(Behaviour);
    }

    private async Task ReleaseAsync(PbxCause cause)
    {
        DemoChannel? other;
        lock (BridgeGate)
        {
            other = peer;
            peer = null;
            if (other is not null)
            {
                other.peer = null;
            }
        }

        if (media is not null)
        {
            await media.DisposeAsync();
        }

        onEnded(this);
        ended.TrySetResult();

        // The other agent of a bridged call hears the hangup, as the PBX's bridge would pass it on.
        if (other is not null)
        {
            await other.EndFromPbxAsync(cause);
        }
    }
}
