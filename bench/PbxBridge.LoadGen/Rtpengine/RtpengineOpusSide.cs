namespace PbxBridge.LoadGen.Rtpengine;

/// <summary>What rtpengine's Opus side speaks (<c>--rtpengine-opus-side</c>).</summary>
internal enum RtpengineOpusSide
{
    /// <summary>A browser's media: ICE (rtpengine lite, the load generator controlling), DTLS-SRTP, rtcp-mux; the same work PbxBridge does.</summary>
    WebRtc,

    /// <summary>Plain RTP: the transcode alone, without ICE, DTLS or SRTP.</summary>
    Rtp,
}
