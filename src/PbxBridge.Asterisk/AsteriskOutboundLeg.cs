using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk;

/// <summary>The IPbxLeg of an agent's outbound call (the originated far channel).</summary>
internal sealed class AsteriskOutboundLeg(AsteriskCall call) : IPbxLeg
{
    public string PbxId => call.FarChannelId;

    public IReadOnlyDictionary<string, string> Details => call.Details;

    public Task HangupAsync(PbxCause cause, CancellationToken cancellationToken) => call.HangupAsync(cause, cancellationToken);

    public Task SendDtmfAsync(char digit, TimeSpan duration, CancellationToken cancellationToken) => call.SendDtmfAsync(digit, duration, cancellationToken);

    public Task HoldAsync(CancellationToken cancellationToken) => call.HoldAsync(cancellationToken);

    public Task UnholdAsync(CancellationToken cancellationToken) => call.UnholdAsync(cancellationToken);

    internal AsteriskCall Call => call;

    public Task TransferAsync(string destination, CancellationToken cancellationToken) => call.TransferAsync(destination, cancellationToken);

    public Task JoinAsync(IPbxLeg other, CancellationToken cancellationToken) => call.JoinAsync(AsteriskCall.Of(other), cancellationToken);
}
