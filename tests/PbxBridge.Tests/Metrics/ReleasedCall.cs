using Microsoft.Extensions.DependencyInjection;
using PbxBridge.Calls;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;
using PbxBridge.Demo;
using PbxBridge.Hosting;

namespace PbxBridge.Tests.Metrics;

/// <summary>
/// A real <see cref="Call"/> released without ever having had a browser leg: the demo PBX calls an id that is no
/// agent, and the Calls room, wired as the service wires it (<see cref="ServiceRegistration"/>), refuses it at once and releases it.
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
        var releases = new ReleaseCatcher();
        collection.AddSingleton<ICallObserver>(releases);
        var services = collection.BuildServiceProvider();
        var calls = services.GetRequiredService<CallManager>();
        calls.Attach(services.GetRequiredService<CallSignalling>());
        var demo = (DemoPbx)services.GetRequiredService<IPbx>();
        await demo.StartAsync(calls, CancellationToken.None);
        demo.CallAgent("no-such-agent", "5551234", "Customer");

        var call = await releases.Released.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CallState.Ended, call.State);
        Assert.Null(call.Media.Browser);
        return new ReleasedCall(services, state, call);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_state, recursive: true);
    }

    /// <summary>In place of the metrics: hands over the first call the Calls room releases.</summary>
    private sealed class ReleaseCatcher : ICallObserver
    {
        public TaskCompletionSource<Call> Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnCallStarted(Call call)
        {
        }

        public void OnCallAnswered(Call call, TimeSpan setup)
        {
        }

        public void OnCallEnded(Call call, string outcome, PbxCause cause)
        {
        }

        public void OnMediaFailure(string kind, string reason)
        {
        }

        public void OnCallReleased(Call call, CallMediaCounters finalCounters) => Released.TrySetResult(call);
    }
}
