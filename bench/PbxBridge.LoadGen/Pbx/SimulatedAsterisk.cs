using PbxBridge.Asterisk.Simulator;
using PbxBridge.Browser.Simulator.Measurement;

namespace PbxBridge.LoadGen.Pbx;

/// <summary>
/// The PBX side as production has it: PbxBridge configured for Asterisk (ARI), and "Asterisk" the recorded-transcript
/// ARI simulator of the tests, hosted in the load generator. Its externalMedia channels' RTP echo (extension 600)
/// then runs in this process, so PbxBridge's measured CPU is PbxBridge's own, as the rtpengine comparison's echo is
/// not rtpengine's; and the load generator owns the PBX's RTP socket, where it times packets for the one-way latency.
/// </summary>
internal sealed class SimulatedAsterisk : IAsyncDisposable
{
    private readonly AriSimulator _simulator;

    private SimulatedAsterisk(AriSimulator simulator) => _simulator = simulator;

    /// <summary>What PbxBridge's configuration needs to control this "Asterisk" (as pbx-config/asterisk sets it up).</summary>
    public IReadOnlyList<string> PbxBridgeArguments =>
    [
        "--Pbx:Kind=Asterisk",
        $"--Pbx:Asterisk:Url={_simulator.Url.ToString().TrimEnd('/')}",
        $"--Pbx:Asterisk:User={_simulator.User}",
        $"--Pbx:Asterisk:Password={_simulator.Password}",
        "--Pbx:Asterisk:Format=ulaw",
    ];

    public static async Task<SimulatedAsterisk> StartAsync(CancellationToken cancellationToken) =>
        new(await AriSimulator.StartAsync(new AriSimulatorOptions(), cancellationToken));

    /// <summary>
    /// Hooks <paramref name="latency"/> to the PBX socket of <paramref name="agentId"/>'s call (PbxBridge originates it
    /// with the agent id as caller number); false when that call has no bridged externalMedia channel.
    /// </summary>
    public bool TryTap(string agentId, OneWayLatency latency)
    {
        if (_simulator.ExternalMediaBridgedWithCaller(agentId) is not { } endpoint)
        {
            return false;
        }

        endpoint.Tap = latency;
        return true;
    }

    public ValueTask DisposeAsync() => _simulator.DisposeAsync();
}
