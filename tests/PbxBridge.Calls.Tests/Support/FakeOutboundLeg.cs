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

    /// <summary>What the next transfer or join fails with (the target's cause); null: it succeeds.</summary>
    public PbxCause? TransferFailure { get; set; }

    public async Task TransferAsync(string destination, CancellationToken cancellationToken)
    {
        await Requests.Add("transfer " + destination);
        if (TransferFailure is { } cause)
        {
            throw new PbxCallFailedException(cause, "fake target failed");
        }
    }

    public Task JoinAsync(IPbxLeg other, CancellationToken cancellationToken) => Requests.Add("join " + other.PbxId);
}
