using PbxBridge.Calls.Pbx;
using PbxBridge.Calls.Tests.Support;

namespace PbxBridge.Calls.Tests;

public sealed class ControlConnectionTests
{
    [Fact]
    public async Task Only_a_return_after_a_loss_counts_as_a_reconnect()
    {
        await using var harness = new CallHarness();
        var manager = harness.Manager;
        IPbxInboundHandler handler = manager;

        handler.OnControlConnectionChanged(false); // the first attempt failed: PBX not up yet
        handler.OnControlConnectionChanged(true);  // first connect
        handler.OnControlConnectionChanged(true);  // an adapter repeating "up" is no reconnect
        Assert.Equal(0, manager.ControlReconnects);

        handler.OnControlConnectionChanged(false);
        handler.OnControlConnectionChanged(true);
        handler.OnControlConnectionChanged(false);
        handler.OnControlConnectionChanged(true);

        Assert.Equal(2, manager.ControlReconnects);
        Assert.True(manager.IsControlConnected);
    }
}
