using Microsoft.Extensions.DependencyInjection;
using PbxBridge.Calls;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;
using PbxBridge.Demo;
using PbxBridge.Hosting;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.Tests.Metrics;

/// <summary>
/// A real <see cref="Call"/> released without ever having had a browser leg: the demo PBX calls an id that is no
/// agent, and the Calls room, wired as the service wires it (<see cref="ServiceRegistration"/>), refuses it at once.
/// What the metrics observer is handed for such a call.
/// </summary>
internal sealed class ReleasedCall : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _state;

    private ReleasedCall(ServiceProvider services, string state, Call call)
    {
        _services = services;
        _state = state;
        Call = call;
    }

    public Call Call { get; }

    public static async Task<ReleasedCall> CreateAsync()
    {
        var state = Directory.CreateTempSubdirectory("pbxbridge-metrics-").FullName;
        var settings = PbxBridgeSettings.Bind(ConfigurationFactory.Build([$"--State:Directory={state}", "--Demo:AgentPassword=metrics-test"]));
        var collection = new ServiceCollection();
        collection.AddLogging();
        ServiceRegistration.AddPbxBridge(collection, settings);
        var services = collection.BuildServiceProvider();
        var demo = (DemoPbx)services.GetRequiredService<IPbx>();
        var inbound = new RecordingInboundHandler();
        await demo.StartAsync(inbound, CancellationToken.None);
        demo.CallAgent("no-such-agent", "5551234", "Customer");
        var pbxCall = await inbound.Calls.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        var call = Call.ToAgentFromPbx(services.GetRequiredService<CallServices>(), pbxCall);
        await call.StartToAgentAsync(CancellationToken.None);
        Assert.Equal(CallState.Ended, call.State);
        Assert.Null(call.Media.Browser);
        return new ReleasedCall(services, state, call);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_state, recursive: true);
    }
}
