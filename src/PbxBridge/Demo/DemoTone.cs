using PbxBridge.Calls.Pbx;
using PbxBridge.Media.G711;

namespace PbxBridge.Demo;

/// <summary>
/// One second of the 1004 Hz test tone (the telephony milliwatt frequency, chosen because 1004 Hz is not a
/// sub-multiple of 8000 Hz and so exercises every code word), encoded once in the PBX codec. 1004 whole cycles
/// fit one second exactly, so the buffer loops without a click. One instance per codec is shared by every demo
/// channel and never written to: a copy per channel was 8-32 KB of every load-test call's memory.
/// </summary>
public sealed class DemoTone
{
    public const double FrequencyHz = 1004;

    private DemoTone(byte[] payload, int bytesPerFrame)
    {
        Payload = payload;
        BytesPerFrame = bytesPerFrame;
    }

    public byte[] Payload { get; }

    public int BytesPerFrame { get; }

    private static readonly DemoTone?[] s_tones = new DemoTone?[Enum.GetValues<PbxCodec>().Length];

    public static DemoTone For(PbxCodec codec)
    {
        // A race only builds the same table twice; either copy is right.
        ref var tone = ref s_tones[(int)codec];
        return Volatile.Read(ref tone) ?? (tone = Create(codec));
    }

    private static DemoTone Create(PbxCodec codec)
    {
        var rate = codec == PbxCodec.L16Wideband ? 16000 : 8000;
        var samples = new short[rate];
        for (var i = 0; i < rate; i++)
        {
            // -10 dBFS: loud enough to detect, far from clipping after two codecs.
            samples[i] = (short)(Math.Sin(2 * Math.PI * FrequencyHz * i / rate) * 0.316 * short.MaxValue);
        }

        switch (codec)
        {
            case PbxCodec.L16Wideband:
                var l16 = new byte[rate * 2];
                Media.L16.L16.Encode(samples, l16);
                return new DemoTone(l16, 640);
            case PbxCodec.Pcma:
                var alaw = new byte[rate];
                ALaw.Encode(samples, alaw);
                return new DemoTone(alaw, 160);
            default:
                var ulaw = new byte[rate];
                MuLaw.Encode(samples, ulaw);
                return new DemoTone(ulaw, 160);
        }
    }
}
