namespace PbxBridge.Media;

internal static class PipelineOptionsValidation
{
    public static void Validate(int opusPayloadType, int telephoneEventPayloadType, int telephoneEventClockRate, PbxPayloadFormat format)
    {
        if (opusPayloadType is < 0 or > 127)
        {
            throw new ArgumentOutOfRangeException(nameof(opusPayloadType), opusPayloadType, "An RTP payload type is 0..127.");
        }

        if (telephoneEventPayloadType is < -1 or > 127 || telephoneEventPayloadType == opusPayloadType)
        {
            throw new ArgumentOutOfRangeException(nameof(telephoneEventPayloadType), telephoneEventPayloadType,
                "telephone-event needs its own payload type 0..127, or -1 for none.");
        }

        if (telephoneEventPayloadType >= 0 && telephoneEventClockRate is not (8000 or 48000))
        {
            throw new ArgumentOutOfRangeException(nameof(telephoneEventClockRate), telephoneEventClockRate,
                "Browsers offer telephone-event at 48000 or 8000 Hz.");
        }

        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }
}
