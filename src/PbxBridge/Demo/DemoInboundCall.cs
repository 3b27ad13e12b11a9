using PbxBridge.Calls.Pbx;

namespace PbxBridge.Demo;

/// <summary>A call the demo PBX places toward an agent (POST /api/demo/calls): the caller plays the 1004 Hz tone.</summary>
public sealed class DemoInboundCall(DemoChannel channel, string agentId, string callerNumber, string callerName) : InboundPbxCall
{
    public DemoChannel Channel => channel;

    public override string PbxId => channel.Id;

    public override IReadOnlyDictionary<string, string> Details => channel.Details;

    public override string AgentId => agentId;

    public override string CallerNumber => callerNumber;

    public override string CallerName => callerName;

    public override void Attach(IPbxLegObserver observer) => channel.Attach(observer);

    public override Task RingAsync(CancellationToken cancellationToken)
    {
        channel.PeerRinging();
        return Task.CompletedTask;
    }

    private readonly TaskCompletionSource<PbxCause?> outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Null once the agent answered; the cause when the call was refused or ended before.</summary>
    public Task<PbxCause?> Outcome => outcome.Task;

    public override Task AnswerAsync(PbxMediaOffer media, CancellationToken cancellationToken)
    {
        // The PBX confirms the answer as Asterisk and FreeSWITCH do (the contract suite found the demo silent here).
        channel.OpenMedia(media);
        channel.Answered();
        outcome.TrySetResult(null);
        return Task.CompletedTask;
    }

    public override Task RejectAsync(PbxCause cause, CancellationToken cancellationToken)
    {
        outcome.TrySetResult(cause);
        return channel.HangupAsync(cause);
    }

    public override Task HangupAsync(PbxCause cause, CancellationToken cancellationToken)
    {
        outcome.TrySetResult(cause);
        return channel.HangupAsync(cause);
    }

    public override Task SendDtmfAsync(char digit, TimeSpan duration, CancellationToken cancellationToken) => channel.SendDtmfAsync(digit, duration);

    public override Task HoldAsync(CancellationToken cancellationToken) => channel.HoldAsync(true);

    public override Task UnholdAsync(CancellationToken cancellationToken) => channel.HoldAsync(false);

    public override Task TransferAsync(string destination, CancellationToken cancellationToken) => channel.TransferAsync(destination);

    public override Task JoinAsync(IPbxLeg other, CancellationToken cancellationToken) => channel.JoinAsync(DemoPbx.ChannelOf(other));
}
