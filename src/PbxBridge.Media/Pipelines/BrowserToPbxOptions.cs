namespace PbxBridge.Media;

/// <param name="OpusPayloadType">The browser's Opus payload type (Chromium offers 111).</param>
/// <param name="TelephoneEventPayloadType">The negotiated telephone-event payload type, -1 when none.</param>
/// <param name="TelephoneEventClockRate">48000 or 8000, as negotiated for that payload type.</param>
/// <param name="Format">What the PBX leg carries.</param>
/// <param name="PbxSsrc">Our SSRC toward the PBX; it never changes for the life of the call.</param>
public sealed record BrowserToPbxOptions(
    int OpusPayloadType,
    int TelephoneEventPayloadType,
    int TelephoneEventClockRate,
    PbxPayloadFormat Format,
    uint PbxSsrc);
