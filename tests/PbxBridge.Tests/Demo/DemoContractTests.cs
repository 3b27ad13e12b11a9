using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Calls.Pbx;
using PbxBridge.Demo;
using PbxBridge.Pbx.Contract;

namespace PbxBridge.Tests.Demo;

/// <summary>The IPbx contract suite against the demo PBX.</summary>
public sealed class DemoContractTests : PbxContractTests
{
    protected override async Task<IPbxUnderTest> StartAsync()
    {
        var pbx = new DemoPbx(IPAddress.Loopback, NullLogger<DemoPbx>.Instance);
        var inbound = new RecordingInboundHandler();
        await pbx.StartAsync(inbound, CancellationToken.None);
        return new UnderTest(pbx, inbound);
    }

    private sealed class UnderTest(DemoPbx pbx, RecordingInboundHandler inbound) : IPbxUnderTest
    {
        private readonly Socket _rtp = Bound();

        public IPbx Pbx => pbx;

        public RecordingInboundHandler Inbound => inbound;

        public string AnsweringDestination => "601";

        public PbxMediaOffer Media => new((IPEndPoint)_rtp.LocalEndPoint!, PbxCodec.Pcmu);

        public Task CallAgentAsync(string agentId)
        {
            pbx.CallAgent(agentId, "5551234", "Customer");
            return Task.CompletedTask;
        }

        public async Task EndFromPbxAsync(InboundPbxCall call) => Assert.True(await pbx.HangupAsync(call.PbxId));

        public async ValueTask DisposeAsync()
        {
            await pbx.DisposeAsync();
            _rtp.Dispose();
        }

        private static Socket Bound()
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return socket;
        }
    }
}
