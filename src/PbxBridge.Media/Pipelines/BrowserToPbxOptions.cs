namespace PbxBridge.Media;

/// <param name="OpusPayloadType">The browser's Opus payload type (Chromium offers 111).</param>
/// <param name="TelephoneEventPayloadType">The negotiated telephone-event payload type, -1 when none.</param>
/// <param name="TelephoneEventClockRate">48000 or 8000, as negotiated for that payload type.</param>
/// <param name="Format">What the PBX leg carries.</param>
/// <param name="PbxSsrc">Our SSRC toward the PBX; it never changes for the life of the call.</param>
/// <param name="PbxTelephoneEventPayloadType">
/// The telephone-event payload type the PBX leg negotiated (FreeSWITCH's SDP: 101), -1 when the PBX takes digits only
/// through its control API (ARI externalMedia has no SDP): then <see cref="BrowserToPbxPipeline.StartDtmf"/> is refused.
/// </param>
public sealed record BrowserToPbxOptions(
    int OpusPayloadType,
    int TelephoneEventPayloadType,
    int TelephoneEventClockRate,
    PbxPayloadFormat Format,
    uint PbxSsrc,
    int PbxTelephoneEventPayloadType = -1);
