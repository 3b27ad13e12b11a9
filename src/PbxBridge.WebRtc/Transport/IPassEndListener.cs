namespace PbxBridge.WebRtc.Transport;

/// <summary>Called on a <see cref="MediaEventLoop"/>'s thread at the end of every pass (after its datagrams and tick, before it waits again).</summary>
internal interface IPassEndListener
{
    void OnPassEnd();
}
