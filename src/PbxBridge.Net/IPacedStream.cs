namespace PbxBridge.Net;

/// <summary>Something a <see cref="MediaEventLoop"/> ticks every period (20 ms), on the loop's thread.</summary>
public interface IPacedStream
{
    void OnTick(long now);
}
