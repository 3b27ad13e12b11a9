using PbxBridge.Asterisk.Ari;
using PbxBridge.Asterisk.Simulator;
using PbxBridge.Calls.Pbx;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.Asterisk.Tests.Support;

/// <summary>A simulator, an AsteriskPbx connected to it, and an RTP socket standing in for the Calls room.</summary>
internal sealed class AsteriskTestBed : IAsyncDisposable
{
    private AsteriskTestBed(AriSimulator sim, AsteriskPbx pbx, RecordingInboundHandler inbound, RtpProbe rtp)
    {
        Sim = sim;
        Pbx = pbx;
        Inbound = inbound;
        Rtp = rtp;
    }

    public AriSimulator Sim { get; }

    public AsteriskPbx Pbx { get; }

    public RecordingInboundHandler Inbound { get; }

    public RtpProbe Rtp { get; }

    public ListLogger<AsteriskPbx> Log { get; private init; } = new();

    public static AsteriskOptions OptionsFor(AriSimulator sim) => new()
    {
        Url = sim.Url.ToString().TrimEnd('/'),
        User = sim.User,
        Password = sim.Password,
    };

    public static async Task<AsteriskTestBed> StartAsync(Action<AsteriskOptions>? configure = null, Action<AriSimulator>? beforePbx = null, Action<AriSimulatorOptions>? simulator = null)
    {
        var simOptions = new AriSimulatorOptions();
        simulator?.Invoke(simOptions);
        var sim = await AriSimulator.StartAsync(simOptions);
        beforePbx?.Invoke(sim);
        var options = OptionsFor(sim);
        configure?.Invoke(options);
        var log = new ListLogger<AsteriskPbx>();
        var pbx = new AsteriskPbx(options, log, backoff: new PbxReconnectBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(400)));
        var inbound = new RecordingInboundHandler();
        await pbx.StartAsync(inbound, CancellationToken.None);
        return new AsteriskTestBed(sim, pbx, inbound, new RtpProbe()) { Log = log };
    }

    public PbxMediaOffer Media(PbxCodec codec = PbxCodec.Pcmu) => new(Rtp.LocalEndPoint, codec);

    public OutboundCallRequest Call(string destination, IPbxLegObserver observer, PbxCodec codec = PbxCodec.Pcmu) =>
        new("call-1", "1001", "Agent One", destination, Media(codec), observer);

    /// <summary>Nothing of ours left in the (simulated) Asterisk.</summary>
    public Task<bool> NothingLeftAsync() =>
        Sim.WaitUntilAsync(s => s.ChannelCount == 0 && s.BridgeCount == 0, TimeSpan.FromSeconds(5));

    public async ValueTask DisposeAsync()
    {
        await Pbx.DisposeAsync();
        await Rtp.DisposeAsync();
        await Sim.DisposeAsync();
    }
}
