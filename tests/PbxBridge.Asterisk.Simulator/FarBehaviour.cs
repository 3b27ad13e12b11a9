namespace PbxBridge.Asterisk.Simulator;

/// <summary>What the simulated far party does (the demo extensions: 600 echo, 601 tone, 602 rings, 603 busy, 605 early media).</summary>
public enum FarBehaviour
{
    /// <summary>Answer and echo back whatever RTP the externalMedia channel receives (Answer+Echo).</summary>
    Echo,

    /// <summary>Answer and play a 1004 Hz tone (Answer+Milliwatt).</summary>
    Tone,

    /// <summary>Ring until the originate timeout, then NOANSWER (cause 19).</summary>
    RingNoAnswer,

    /// <summary>Refuse with 17 "User busy".</summary>
    Busy,

    /// <summary>
    /// Progress()+Playtones, Wait, then Answer+Echo (recorded: Dial PROGRESS at once, the tone on a bridged created
    /// channel until the answer, then ChannelStateChange Up and Dial ANSWER). Only a channel created and bridged before
    /// its dial carries the tone; an originated one enters Stasis, and a bridge, at the answer.
    /// </summary>
    EarlyMedia,

    /// <summary>
    /// A browser agent's extension in the shipped dialplan (_1XXX: Stasis(app,agent=EXTEN)): the ;2 half of the Local
    /// channel enters our own app as a call to that agent, and the ;1 half answers when the app answers the ;2 half.
    /// Media crosses the Local pair from one bridge to the other.
    /// </summary>
    Agent,
}
