using PbxBridge.Calls.Pbx;

namespace PbxBridge.Calls.Tests.Support;

/// <summary>The PBX leg of an agent's call: records what the Calls room asks of it.</summary>
internal sealed class FakeOutboundLeg(OutboundCallRequest request) : IPbxLeg
{
    public OutboundCallRequest Request { get; } = request;

    public PbxRequests Requests { get; } = new();

    public string PbxId => "fake-out-1";

    public IReadOnlyDictionary<string, string> Details { get; } = new Dictionary<string, string>();

    public Task HangupAsync(PbxCause cause, CancellationToken cancellationToken) => Requests.Add("hangup");

    public Task SendDtmfAsync(char digit, TimeSpan duration, CancellationToken cancellationToken) => Requests.Add("dtmf " + digit);

    public Task HoldAsync(CancellationToken cancellationToken) => Requests.Add("hold");

    public Task UnholdAsync(CancellationToken cancellationToken) => Requests.Add("unhold");

    public Task TransferAsync(string destination, CancellationToken cancellationToken) => Requests.Add("transfer " + destination);
}
