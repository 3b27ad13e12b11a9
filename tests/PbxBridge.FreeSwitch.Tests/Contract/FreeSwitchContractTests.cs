using System.Collections.Concurrent;
using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Simulator;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>The IPbx contract suite against FreeSwitchPbx and the ESL/SIP simulator.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class FreeSwitchContractTests : PbxContractTests
{
    protected override async Task<IPbxUnderTest> StartAsync() => new UnderTest(await FreeSwitchFixture.StartAsync());

    private sealed class UnderTest(FreeSwitchFixture fs) : IPbxUnderTest
    {
        private readonly SimulatedRtpStream _rtp = new(SimulatedMedia.Silence);
        private readonly ConcurrentQueue<SimulatedAgentCall> _agentCalls = new();

        public IPbx Pbx => fs.Pbx;

        public RecordingInboundHandler Inbound => fs.Handler;

        public string AnsweringDestination => "601";

        public PbxMediaOffer Media => new(_rtp.LocalEndPoint, PbxCodec.Pcmu);

        public async Task CallAgentAsync(string agentId) => _agentCalls.Enqueue(await fs.Simulator.CallAgentAsync(agentId));

        public async Task EndFromPbxAsync(InboundPbxCall call)
        {
            Assert.True(_agentCalls.TryDequeue(out var agentCall));
            await agentCall.HangupAsync();
            await TestContext.Eventually(() => fs.Pbx.ActiveLegs == 0);
        }

        public async ValueTask DisposeAsync()
        {
            await fs.DisposeAsync();
            await _rtp.DisposeAsync();
        }
    }
}
