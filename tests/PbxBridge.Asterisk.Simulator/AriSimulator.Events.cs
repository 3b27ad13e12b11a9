using System.Text.Json.Nodes;

namespace PbxBridge.Asterisk.Simulator;

/// <summary>The simulator's event builders and the channel teardown sequence, in the recorded order.</summary>
public sealed partial class AriSimulator
{
    private void EvHangupRequest(SimChannel c, int cause, bool soft) =>
        Emit(AriShapes.Event(
            "ChannelHangupRequest",
            c.Subscriber ?? App,
            soft ? new JsonObject { ["cause"] = cause, ["soft"] = true } : new JsonObject { ["cause"] = cause },
            new JsonObject { ["channel"] = AriShapes.Channel(c) }));

    private void EvDestroyed(SimChannel c, int cause) =>
        Emit(AriShapes.Event("ChannelDestroyed", c.Subscriber ?? App, trailing: new JsonObject
        {
            ["cause"] = cause,
            ["cause_txt"] = AriShapes.CauseText(cause),
            ["channel"] = AriShapes.Channel(c),
        }));

    private void EvVarset(SimChannel c, string variable, string value)
    {
        c.Variables[variable] = value;
        Emit(AriShapes.Event("ChannelVarset", c.Subscriber ?? App, new JsonObject { ["variable"] = variable, ["value"] = value }, new JsonObject { ["channel"] = AriShapes.Channel(c) }));
    }

    private void EvState(SimChannel c, string state)
    {
        c.State = state;
        Emit(AriShapes.Event("ChannelStateChange", c.Subscriber ?? App, trailing: new JsonObject { ["channel"] = AriShapes.Channel(c) }));
    }

    private void EvStasisStart(SimChannel c, IEnumerable<string> args)
    {
        var array = new JsonArray();
        foreach (var arg in args)
        {
            array.Add(arg);
        }

        c.InStasis = true;
        Emit(AriShapes.Event("StasisStart", c.Subscriber ?? App, trailing: new JsonObject { ["args"] = array, ["channel"] = AriShapes.Channel(c) }));
    }

    private void EvStasisEnd(SimChannel c)
    {
        c.InStasis = false;
        Emit(AriShapes.Event("StasisEnd", c.Subscriber ?? App, trailing: new JsonObject { ["channel"] = AriShapes.Channel(c) }));
    }

    private void EvDial(SimChannel peer, string dialstatus, string dialstring) =>
        Emit(AriShapes.Event("Dial", peer.Subscriber ?? App, trailing: new JsonObject
        {
            ["dialstatus"] = dialstatus,
            ["forward"] = "",
            ["dialstring"] = dialstring,
            ["peer"] = AriShapes.Channel(peer),
        }));

    private void EnterBridgeLocked(SimBridge bridge, SimChannel c)
    {
        if (c.Bridge is { } previous && previous != bridge)
        {
            LeaveBridgeLocked(c);
        }

        if (!bridge.ChannelIds.Contains(c.Id))
        {
            bridge.ChannelIds.Add(c.Id);
        }

        c.Bridge = bridge;
        bridge.Subscriber ??= c.Subscriber;
        c.AppName = "Stasis";
        Emit(AriShapes.Event("ChannelEnteredBridge", c.Subscriber ?? App, trailing: new JsonObject { ["bridge"] = AriShapes.Bridge(bridge), ["channel"] = AriShapes.Channel(c) }));
    }

    private void LeaveBridgeLocked(SimChannel c)
    {
        if (c.Bridge is not { } bridge)
        {
            return;
        }

        bridge.ChannelIds.Remove(c.Id);
        c.Bridge = null;
        EvVarset(c, "BRIDGEPEER", "");
        Emit(AriShapes.Event("ChannelLeftBridge", c.Subscriber ?? App, trailing: new JsonObject { ["bridge"] = AriShapes.Bridge(bridge), ["channel"] = AriShapes.Channel(c) }));
    }

    /// <summary>What the bridged peer of an externalMedia channel does with media (tone, echo, or nothing).</summary>
    private FarBehaviour? BridgedPeerBehaviour(string externalMediaId)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(externalMediaId, out var em) || em.Bridge is not { } bridge)
            {
                return null;
            }

            foreach (var id in bridge.ChannelIds)
            {
                if (id != externalMediaId && _channels.TryGetValue(id, out var peer) && peer.Behaviour is { } behaviour && !peer.MusicOnHold)
                {
                    if (peer.State == "Up")
                    {
                        return behaviour == FarBehaviour.EarlyMedia ? FarBehaviour.Echo : behaviour;
                    }

                    if (peer.EarlyMediaPlaying)
                    {
                        return FarBehaviour.Tone;
                    }
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Where RTP arriving on an externalMedia channel goes when its bridge peer is an answered half of a Local channel
    /// whose other half is bridged with another externalMedia channel (agent to agent): out of that one.
    /// </summary>
    private SimRtpEndpoint? RelayTarget(string externalMediaId)
    {
        lock (_gate)
        {
            if (!_channels.TryGetValue(externalMediaId, out var em) || em.Bridge is not { } bridge)
            {
                return null;
            }

            foreach (var id in bridge.ChannelIds)
            {
                if (id == externalMediaId || !_channels.TryGetValue(id, out var local) || local.State != "Up" || local.MusicOnHold
                    || (local.OtherHalf ?? local.LocalOne) is not { State: "Up", MusicOnHold: false, Bridge: { } farBridge })
                {
                    continue;
                }

                foreach (var farId in farBridge.ChannelIds)
                {
                    if (_channels.TryGetValue(farId, out var farEm) && farEm.Rtp is { } rtp)
                    {
                        return rtp;
                    }
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Teardown as recorded: [soft hangup request], leave the bridge, StasisEnd, STASISSTATUS, the Local ;2 half, and
    /// ChannelDestroyed (not for channels that entered Stasis from the dialplan: their subscription ends at StasisEnd).
    /// </summary>
    private void DestroyLocked(SimChannel c, int cause, int? softCause)
    {
        if (!_channels.ContainsKey(c.Id))
        {
            return;
        }

        if (softCause is { } soft)
        {
            EvHangupRequest(c, soft, soft: true);
        }

        LeaveBridgeLocked(c);
        if (c.InStasis)
        {
            EvStasisEnd(c);
            if (c.FromDialplan)
            {
                Remove(c);
                return;
            }

            EvVarset(c, "STASISSTATUS", "SUCCESS");
        }

        if (c.OtherHalf is { } half)
        {
            // Hanging up one half of a Local channel hangs up the other with the same cause; a ;2 half in our app
            // leaves its bridge and Stasis first (recorded: request, StasisEnd, STASISSTATUS, ChannelDestroyed).
            c.OtherHalf = null;
            half.LocalOne = null;
            EvHangupRequest(half, cause, soft: false);
            DestroyLocked(half, cause, softCause: null);
        }

        if (c.LocalOne is { } one)
        {
            c.LocalOne = null;
            one.OtherHalf = null;
            EvHangupRequest(one, cause, soft: false);
            DestroyLocked(one, cause, softCause: null);
        }

        EvDestroyed(c, cause);
        Remove(c);
    }

    private void Remove(SimChannel c)
    {
        _channels.Remove(c.Id);
        c.Lifetime.Cancel();
        if (c.Rtp is { } rtp)
        {
            c.Rtp = null;
            _ = Task.Run(async () => await rtp.DisposeAsync().ConfigureAwait(false));
        }
    }
}
