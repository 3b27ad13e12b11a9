namespace PbxBridge.Net;

/// <summary>
/// A socket's owner on a <see cref="MediaEventLoop"/>: called on the loop's thread each time its socket has a
/// datagram queued (level-triggered: it reads one, and is called again while more wait).
/// </summary>
public interface IDatagramReadable
{
    void OnReadable();
}
