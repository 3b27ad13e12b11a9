using PbxBridge.Media.G711;
using PbxBridge.Media.Rtp;

namespace PbxBridge.Media;

/// <summary>The PBX-side payload formats: their payload type, rate, and the slin <-> payload conversion.</summary>
public static class PbxPayloadCodec
{
    public static byte PayloadType(PbxPayloadFormat format) => format switch
    {
        PbxPayloadFormat.Pcmu => RtpPayloadTypes.Pcmu,
        PbxPayloadFormat.Pcma => RtpPayloadTypes.Pcma,
        PbxPayloadFormat.L16Wideband => RtpPayloadTypes.AsteriskSlin16,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    public static int SampleRate(PbxPayloadFormat format) => format == PbxPayloadFormat.L16Wideband ? 16000 : 8000;

    public static int BytesPerSample(PbxPayloadFormat format) => format == PbxPayloadFormat.L16Wideband ? 2 : 1;

    /// <summary>Samples per 20 ms frame: 160 at 8 kHz, 320 at 16 kHz.</summary>
    public static int SamplesPer20Ms(PbxPayloadFormat format) => SampleRate(format) / 50;

    /// <summary>Encodes <paramref name="pcm"/>; returns the payload length.</summary>
    public static int Encode(PbxPayloadFormat format, ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        switch (format)
        {
            case PbxPayloadFormat.Pcmu:
                MuLaw.Encode(pcm, payload);
                return pcm.Length;
            case PbxPayloadFormat.Pcma:
                ALaw.Encode(pcm, payload);
                return pcm.Length;
            default:
                L16.L16.Encode(pcm, payload);
                return pcm.Length * L16.L16.BytesPerSample;
        }
    }

    /// <summary>Decodes <paramref name="payload"/>; returns the number of samples, or -1 if they do not fit.</summary>
    public static int Decode(PbxPayloadFormat format, ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        var samples = payload.Length / BytesPerSample(format);
        if (samples > pcm.Length)
        {
            return -1;
        }

        switch (format)
        {
            case PbxPayloadFormat.Pcmu:
                MuLaw.Decode(payload, pcm);
                return samples;
            case PbxPayloadFormat.Pcma:
                ALaw.Decode(payload, pcm);
                return samples;
            default:
                return L16.L16.Decode(payload, pcm);
        }
    }
}
