namespace PbxBridge.Net;

/// <summary>Called on a <see cref="MediaEventLoop"/>'s thread at the end of every pass (after its datagrams and tick, before it waits again).</summary>
public interface IPassEndListener
{
    void OnPassEnd();
}
