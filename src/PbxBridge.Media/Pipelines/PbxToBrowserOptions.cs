namespace PbxBridge.Media;

/// <param name="OpusPayloadType">The browser's Opus payload type.</param>
/// <param name="TelephoneEventPayloadType">The negotiated telephone-event payload type, -1 when none.</param>
/// <param name="TelephoneEventClockRate">48000 (preferred: the same clock as Opus on this SSRC) or 8000.</param>
/// <param name="Format">What the PBX leg carries.</param>
/// <param name="BrowserSsrc">Our SSRC toward the browser (the one announced in SDP a=ssrc).</param>
/// <param name="OpusComplexity">0..10; 5 is the cost/quality knee.</param>
/// <param name="OpusBitrate">Bits per second.</param>
/// <param name="OpusInbandFec">Spend bits on in-band FEC (the browser offers useinbandfec=1).</param>
/// <param name="OpusDtx">Send nothing during silence.</param>
public sealed record PbxToBrowserOptions(
    int OpusPayloadType,
    int TelephoneEventPayloadType,
    int TelephoneEventClockRate,
    PbxPayloadFormat Format,
    uint BrowserSsrc,
    int OpusComplexity,
    int OpusBitrate,
    bool OpusInbandFec,
    bool OpusDtx)
{
    /// <summary>
    /// The telephone-event payload type of the PBX's RTP (FreeSWITCH's SDP: 101), -1 when the PBX leg has none
    /// (Asterisk's externalMedia): its events are relayed to the browser as RFC 4733 events.
    /// </summary>
    public int PbxTelephoneEventPayloadType { get; init; } = -1;

    /// <summary>The clock of the PBX's telephone-event (telephone-event/8000 on a G.711 leg).</summary>
    public int PbxTelephoneEventClockRate { get; init; } = 8000;
}
