namespace PbxBridge.WebRtc.Srtp;

/// <summary>
/// RFC 3711 §3.3.2: a sliding window over the 48-bit packet index (31-bit for SRTCP). A packet is accepted once;
/// anything older than the window is refused. Check before authenticating, update only after the tag verified,
/// so forged packets cannot move the window.
/// </summary>
public sealed class SrtpReplayWindow
{
    public const int Size = 64;

    private ulong _highest;
    private ulong _bitmap;
    private bool _empty = true;

    public bool IsReplay(ulong index)
    {
        if (_empty || index > _highest)
        {
            return false;
        }

        var delta = _highest - index;
        return delta >= Size || (_bitmap & (1UL << (int)delta)) != 0;
    }

    public void Accept(ulong index)
    {
        if (_empty)
        {
            _empty = false;
            _highest = index;
            _bitmap = 1;
            return;
        }

        if (index > _highest)
        {
            var shift = index - _highest;
            _bitmap = shift >= Size ? 1 : (_bitmap << (int)shift) | 1;
            _highest = index;
        }
        else
        {
            _bitmap |= 1UL << (int)(_highest - index);
        }
    }
}
