using PbxBridge.Calls.Pbx;

namespace PbxBridge.Demo;

/// <summary>The PBX leg of a call an agent placed to a demo extension.</summary>
public sealed class DemoLeg(DemoChannel channel) : IPbxLeg
{
    public DemoChannel Channel => channel;

    public string PbxId => channel.Id;

    public IReadOnlyDictionary<string, string> Details => channel.Details;

    public Task HangupAsync(PbxCause cause, CancellationToken cancellationToken) => channel.HangupAsync(cause);

    public Task SendDtmfAsync(char digit, TimeSpan duration, CancellationToken cancellationToken) => channel.SendDtmfAsync(digit, duration);

    public Task HoldAsync(CancellationToken cancellationToken) => channel.HoldAsync(true);

    public Task UnholdAsync(CancellationToken cancellationToken) => channel.HoldAsync(false);

    public Task TransferAsync(string destination, CancellationToken cancellationToken) => channel.TransferAsync(destination);

    public Task JoinAsync(IPbxLeg other, CancellationToken cancellationToken) => channel.JoinAsync(DemoPbx.ChannelOf(other));
}
