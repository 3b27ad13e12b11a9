namespace PbxBridge.Calls.Media;

/// <summary>What a call's media reports to the call (raised on media threads; implementations must not block).</summary>
public interface ICallMediaEvents
{
    void OnBrowserMediaConnected();

    void OnBrowserMediaClosed(string reason);

    void OnBrowserDtmf(char digit, TimeSpan duration);
}
