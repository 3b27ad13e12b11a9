namespace PbxBridge.Demo;

/// <summary>What a demo extension does once it has media.</summary>
public enum DemoBehaviour
{
    /// <summary>600: every RTP packet comes back to where it came from.</summary>
    Echo,

    /// <summary>601 (and demo calls toward agents): a continuous 1004 Hz tone.</summary>
    Tone,

    /// <summary>602: rings for 30 s, never answers.</summary>
    RingNoAnswer,

    /// <summary>603: busy.</summary>
    Busy,

    /// <summary>605: early media: the 1004 Hz tone before answering (183 with SDP), answered 6 s later, tone going on.</summary>
    EarlyTone,

    /// <summary>A call between two agents through the demo: each leg's RTP goes out on the other leg, as a PBX bridge does.</summary>
    Bridged,
}
