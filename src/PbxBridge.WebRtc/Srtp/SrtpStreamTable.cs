namespace PbxBridge.WebRtc.Srtp;

/// <summary>
/// The SSRCs one context has seen, in a small fixed array: an audio leg has one or two, so a linear scan beats a
/// dictionary and never allocates after a stream's first packet. When full, the oldest slot is recycled.
/// </summary>
internal sealed class SrtpStreamTable
{
    private const int Capacity = 8;

    private readonly SrtpStreamState?[] _streams = new SrtpStreamState?[Capacity];
    private int _next;

    public SrtpStreamState? Find(uint ssrc)
    {
        foreach (var stream in _streams)
        {
            if (stream is not null && stream.Ssrc == ssrc)
            {
                return stream;
            }
        }

        return null;
    }

    public SrtpStreamState Add(uint ssrc)
    {
        var stream = new SrtpStreamState(ssrc);
        _streams[_next] = stream;
        _next = (_next + 1) % Capacity;
        return stream;
    }
}
