using PbxBridge.Asterisk.Ari;
using PbxBridge.Asterisk.Tests.Support;
using PbxBridge.Calls.Pbx;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.Asterisk.Tests;

public sealed class AsteriskPbxRecoveryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Events_websocket_dropped_mid_call_keeps_media_flowing_reconnects_and_the_call_still_hangs_up_cleanly()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);

        bed.Sim.DropEventConnections();
        Assert.True(await bed.Sim.WaitUntilAsync(_ => !bed.Pbx.IsControlConnected, Wait));
        var before = bed.Rtp.Count;
        Assert.True(await bed.Rtp.WaitForPacketsAsync(before + 5, Wait), "RTP stopped while the events WebSocket was down");
        Assert.True(await bed.Sim.WaitUntilAsync(s => s.EventConnectionsAccepted >= 2 && bed.Pbx.IsControlConnected, Wait));
        Assert.True(bed.Inbound.DisconnectedChanges >= 1);
        Assert.True(bed.Inbound.ConnectedChanges >= 2);
        Assert.False(observer.HungUp.Task.IsCompleted, bed.Log.ToString());

        bed.Sim.HangupFromPbx(leg.PbxId, 16);

        var cause = await observer.HungUp.Task.WaitAsync(Wait);
        Assert.True(cause == PbxCause.NormalClearing, bed.Log.ToString());
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task ApplicationReplaced_marks_the_control_connection_down_and_the_app_is_taken_back_once_the_other_client_leaves()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        using var other = new System.Net.WebSockets.ClientWebSocket();
        other.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{bed.Sim.User}:{bed.Sim.Password}")));

        await other.ConnectAsync(new Uri($"ws://{bed.Sim.Url.Authority}/ari/events?app=pbxbridge&subscribeAll=false"), CancellationToken.None);

        Assert.True(await bed.Sim.WaitUntilAsync(_ => !bed.Pbx.IsControlConnected, Wait), "still 'connected' after ApplicationReplaced");
        Assert.Contains("ApplicationReplaced", bed.Pbx.Events.LastError, StringComparison.Ordinal);
        Assert.Contains("ApplicationReplaced", bed.Log.ToString(), StringComparison.Ordinal);

        // While the other client holds the app PbxBridge leaves it alone: taking it back would start a tug of war.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(2, bed.Sim.EventConnectionsAccepted);

        await other.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);

        Assert.True(await bed.Sim.WaitUntilAsync(s => s.EventConnectionsAccepted == 3 && bed.Pbx.IsControlConnected, Wait), bed.Log.ToString());
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);
        await leg.HangupAsync(PbxCause.NormalClearing, CancellationToken.None);
        Assert.True(await bed.NothingLeftAsync());
    }

    [Fact]
    public async Task Leftovers_of_a_crashed_run_are_deleted_on_start()
    {
        await using var bed = await AsteriskTestBed.StartAsync(beforePbx: sim =>
        {
            using var client = new AriClient(AsteriskTestBed.OptionsFor(sim));
            using var events = new System.Net.WebSockets.ClientWebSocket();

            // The previous run registered the app, created an externalMedia channel and a bridge, then died.
            events.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{sim.User}:{sim.Password}")));
            events.ConnectAsync(new Uri($"ws://{sim.Url.Authority}/ari/events?app=pbxbridge&subscribeAll=false"), CancellationToken.None).GetAwaiter().GetResult();
            client.CreateExternalMediaAsync(new ExternalMediaRequest("pbxbridge", "127.0.0.1:40999", "ulaw", "pbxbridge-dead-em")).GetAwaiter().GetResult();
            client.CreateBridgeAsync("mixing", "pbxbridge-dead").GetAwaiter().GetResult();
            Assert.True(sim.WaitUntilAsync(s => s.IsInStasis("pbxbridge-dead-em"), Wait).GetAwaiter().GetResult());
            client.AddChannelAsync("pbxbridge-dead", ["pbxbridge-dead-em"]).GetAwaiter().GetResult();
            events.Abort();
        });

        Assert.True(await bed.NothingLeftAsync(), string.Join(",", bed.Sim.ChannelIds.Concat(bed.Sim.BridgeIds)));
        Assert.True(await bed.Sim.WaitUntilAsync(_ => bed.Pbx.ReconciledLeftovers == 2, Wait));
    }

    [Fact]
    public async Task Asterisk_not_booted_503_is_retried_until_it_boots()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        bed.Sim.Booting = true;
        bed.Sim.DropEventConnections();
        Assert.True(await bed.Sim.WaitUntilAsync(_ => bed.Pbx.Events.LastError?.Contains("503", StringComparison.Ordinal) == true, Wait));

        bed.Sim.Booting = false;

        Assert.True(await bed.Sim.WaitUntilAsync(s => s.EventConnectionsAccepted == 2 && bed.Pbx.IsControlConnected, Wait));
    }

    [Fact]
    public async Task Refused_connection_is_retried_and_start_returns_after_the_first_attempt()
    {
        var options = new AsteriskOptions { Url = "http://127.0.0.1:9", User = "pbxbridge", Password = "x" };
        await using var pbx = new AsteriskPbx(options, backoff: new PbxReconnectBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100)));

        await pbx.StartAsync(new RecordingInboundHandler(), CancellationToken.None).WaitAsync(Wait);

        Assert.False(pbx.IsControlConnected);
        Assert.Contains("127.0.0.1:9", pbx.Events.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_whose_channels_vanished_during_an_outage_is_ended_on_reconnect()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var observer = new RecordingObserver();
        var leg = await bed.Pbx.PlaceCallAsync(bed.Call("601", observer), CancellationToken.None);
        await observer.Answered.Task.WaitAsync(Wait);
        bed.Sim.DropEventConnections();
        Assert.True(await bed.Sim.WaitUntilAsync(_ => !bed.Pbx.IsControlConnected, Wait));

        // While nobody listens the far party hangs up: the events are lost, as with real Asterisk.
        bed.Sim.HangupFromPbx(leg.PbxId, 16);

        Assert.Equal(PbxCause.NormalTemporaryFailure, await observer.HungUp.Task.WaitAsync(Wait));
        Assert.True(await bed.NothingLeftAsync());
    }
}
