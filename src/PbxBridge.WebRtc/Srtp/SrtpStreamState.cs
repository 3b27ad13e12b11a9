namespace PbxBridge.WebRtc.Srtp;

/// <summary>
/// Per-SSRC cryptographic state (RFC 3711 §3.2.1): rollover counter, highest sequence number seen, and the replay
/// window. Index estimation follows Appendix A.
/// </summary>
internal sealed class SrtpStreamState
{
    public SrtpStreamState(uint ssrc)
    {
        Ssrc = ssrc;
    }

    public uint Ssrc { get; }

    public uint RolloverCounter { get; private set; }

    public ushort HighestSequence { get; private set; }

    public bool HasSequence { get; private set; }

    public SrtpReplayWindow ReplayWindow { get; } = new();

    /// <summary>Appendix A: the ROC this sequence number most likely belongs to.</summary>
    public uint EstimateRolloverCounter(ushort sequence)
    {
        if (!HasSequence)
        {
            return RolloverCounter;
        }

        if (HighestSequence < 32768)
        {
            return sequence - HighestSequence > 32768 ? RolloverCounter - 1 : RolloverCounter;
        }

        return HighestSequence - 32768 > sequence ? RolloverCounter + 1 : RolloverCounter;
    }

    /// <summary>Commits a packet that has been authenticated (or that we sent).</summary>
    public void Update(ushort sequence, uint rolloverCounter)
    {
        if (!HasSequence)
        {
            HasSequence = true;
            HighestSequence = sequence;
            RolloverCounter = rolloverCounter;
        }
        else if (rolloverCounter == RolloverCounter + 1)
        {
            RolloverCounter = rolloverCounter;
            HighestSequence = sequence;
        }
        else if (rolloverCounter == RolloverCounter && sequence > HighestSequence)
        {
            HighestSequence = sequence;
        }

        ReplayWindow.Accept(PacketIndex(sequence, rolloverCounter));
    }

    public static ulong PacketIndex(ushort sequence, uint rolloverCounter) => ((ulong)rolloverCounter << 16) | sequence;
}
