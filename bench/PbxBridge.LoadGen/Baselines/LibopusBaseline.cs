using PbxBridge.Browser.Simulator.Measurement;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Media.Opus;

namespace PbxBridge.LoadGen.Baselines;

/// <summary>
/// The ceiling: what libopus alone costs per full-duplex call-second when used as PbxBridge uses it, with no
/// network, crypto or threads: decode the browser's frames straight at the PBX rate (8 kHz for PCMU) and encode
/// 8 kHz audio back with PbxBridge's default encoder settings at the same complexity. 50 of each per call-second.
/// </summary>
internal static class LibopusBaseline
{
    public static double CpuMsPerCallSecond(OpusFrameSource source, int complexity, int callSeconds)
    {
        const int rate = 8000;
        using var decoder = new OpusDecoder(rate);
        using var encoder = new OpusEncoder(new OpusEncoderSettings(rate, complexity));
        var pcm = new short[rate / 50];
        var packet = new byte[OpusEncoder.MaxPacketBytes];
        var frames = callSeconds * 50;

        // Warm-up outside the measurement: first calls page in libopus and JIT the wrappers.
        for (var i = 0; i < 100; i++)
        {
            decoder.Decode(source.Frames[i % source.Count], pcm);
            encoder.Encode(pcm, packet);
        }

        var start = ThreadCpuClock.NowMs();
        for (var i = 0; i < frames; i++)
        {
            decoder.Decode(source.Frames[i % source.Count], pcm);
            encoder.Encode(pcm, packet);
        }

        return (ThreadCpuClock.NowMs() - start) / callSeconds;
    }
}
