using PbxBridge.Calls.Pbx;

namespace PbxBridge.Calls.Tests.Support;

/// <summary>A call the PBX offers agent 1001: records what the Calls room asks of it.</summary>
internal sealed class FakeInboundCall : InboundPbxCall
{
    public PbxRequests Requests { get; } = new();

    public override string PbxId => "fake-in-1";

    public override IReadOnlyDictionary<string, string> Details { get; } = new Dictionary<string, string>();

    public override string AgentId => TestAgentDirectory.AgentId;

    public override string CallerNumber => "5551234";

    public override string CallerName => "Customer";

    public override void Attach(IPbxLegObserver observer)
    {
    }

    public override Task RingAsync(CancellationToken cancellationToken) => Requests.Add("ring");

    public override Task AnswerAsync(PbxMediaOffer media, CancellationToken cancellationToken) => Requests.Add("answer");

    public override Task RejectAsync(PbxCause cause, CancellationToken cancellationToken) => Requests.Add("reject");

    public override Task HangupAsync(PbxCause cause, CancellationToken cancellationToken) => Requests.Add("hangup");

    public override Task SendDtmfAsync(char digit, TimeSpan duration, CancellationToken cancellationToken) => Requests.Add("dtmf " + digit);

    public override Task HoldAsync(CancellationToken cancellationToken) => Requests.Add("hold");

    public override Task UnholdAsync(CancellationToken cancellationToken) => Requests.Add("unhold");

    public override Task TransferAsync(string destination, CancellationToken cancellationToken) => Requests.Add("transfer " + destination);

    public override Task JoinAsync(IPbxLeg other, CancellationToken cancellationToken) => Requests.Add("join " + other.PbxId);
}
