namespace PbxBridge.Media.Jitter;

/// <summary>What the jitter buffer has for the caller's next 20 ms tick.</summary>
public enum JitterBufferOutcome
{
    /// <summary>Still filling to the target depth (start, after a resync or a long silence): play nothing or silence.</summary>
    Buffering,

    /// <summary>The next packet in sequence is returned.</summary>
    Packet,

    /// <summary>The next packet is lost (later ones are here): conceal it, with FEC from the following packet if it has it.</summary>
    Missing,

    /// <summary>Nothing has arrived yet for this tick: conceal and wait; the packet is still welcome if it comes late.</summary>
    Underrun,
}
