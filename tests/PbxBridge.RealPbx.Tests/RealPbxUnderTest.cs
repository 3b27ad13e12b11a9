using System.Net;
using System.Net.Sockets;
using PbxBridge.Calls.Pbx;
using PbxBridge.Pbx.Contract;
using PbxBridge.RealPbx.Harness;

namespace PbxBridge.RealPbx.Tests;

/// <summary>
/// An adapter from src connected to a real PBX, for one contract test: the PBX side is driven through the PBX's own
/// CLI, and on dispose the adapter goes and the PBX must be left with no channel or bridge, as after any call.
/// </summary>
public abstract class RealPbxUnderTest : IPbxUnderTest
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly IRealPbx _realPbx;
    private readonly Socket _rtp = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    protected RealPbxUnderTest(IRealPbx realPbx, IPbx pbx)
    {
        _realPbx = realPbx;
        Pbx = pbx;
        _rtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public IPbx Pbx { get; }

    /// <summary>Agents 1001 and 1002, as the site's dialplans know them: any other id is no agent (a number the
    /// FreeSWITCH dialplan offers PbxBridge first, such as 601, then routes itself).</summary>
    public RecordingInboundHandler Inbound { get; } = new() { Agents = ["1001", "1002"] };

    public abstract string AnsweringDestination { get; }

    /// <summary>A socket the PBX may send to for the test's life; nothing reads it (the contract is about signalling).</summary>
    public PbxMediaOffer Media => new((IPEndPoint)_rtp.LocalEndPoint!, PbxCodec.Pcmu);

    public abstract Task CallAgentAsync(string agentId);

    public abstract Task EndFromPbxAsync(InboundPbxCall call);

    public async ValueTask DisposeAsync()
    {
        await Pbx.DisposeAsync();
        _rtp.Dispose();
        var (clean, left) = await _realPbx.WaitCleanAsync(Wait);
        Assert.True(clean, $"left in the PBX after the test:\n{left}");
    }

    /// <summary>Starts the adapter and waits for its control connection (a call placed before it would fail).</summary>
    public async Task ConnectAsync()
    {
        await Pbx.StartAsync(Inbound, CancellationToken.None);
        Assert.True(await UntilAsync(() => Pbx.IsControlConnected), $"{Pbx.Kind}: the control connection never came up");
    }

    /// <summary>True once <paramref name="condition"/> holds, false after 15 s.</summary>
    protected static Task<bool> UntilAsync(Func<bool> condition) => Poll.UntilAsync(() => Task.FromResult(condition()), Wait);
}
