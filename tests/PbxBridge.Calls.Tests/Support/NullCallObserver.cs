namespace PbxBridge.Calls.Tests.Support;

/// <summary>The metrics a host would keep: not what these tests look at.</summary>
internal sealed class NullCallObserver : ICallObserver
{
    public void OnCallStarted(Call call)
    {
    }

    public void OnCallAnswered(Call call, TimeSpan setup)
    {
    }

    public void OnCallEnded(Call call, string outcome, Pbx.PbxCause cause)
    {
    }

    public void OnMediaFailure(string kind, string reason)
    {
    }

    public void OnCallReleased(Call call, CallMediaCounters finalCounters)
    {
    }
}
