using PbxBridge.Asterisk.Tests.Support;
using PbxBridge.Calls.Pbx;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.Asterisk.Tests;

/// <summary>The IPbx contract suite against AsteriskPbx and the ARI simulator.</summary>
public sealed class AsteriskContractTests : PbxContractTests
{
    protected override async Task<IPbxUnderTest> StartAsync() => new UnderTest(await AsteriskTestBed.StartAsync());

    private sealed class UnderTest(AsteriskTestBed bed) : IPbxUnderTest
    {
        public IPbx Pbx => bed.Pbx;

        public RecordingInboundHandler Inbound => bed.Inbound;

        public string AnsweringDestination => "601";

        public PbxMediaOffer Media => bed.Media();

        public Task CallAgentAsync(string agentId)
        {
            bed.Sim.InjectInboundCall(agentId);
            return Task.CompletedTask;
        }

        public async Task EndFromPbxAsync(InboundPbxCall call)
        {
            bed.Sim.HangupFromPbx(call.PbxId, 16);
            Assert.True(await bed.Sim.WaitUntilAsync(_ => bed.Pbx.ActiveCalls == 0, TimeSpan.FromSeconds(5)));
        }

        public ValueTask DisposeAsync() => bed.DisposeAsync();
    }
}
