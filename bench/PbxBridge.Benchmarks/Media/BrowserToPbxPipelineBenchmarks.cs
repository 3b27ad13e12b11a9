using System.Buffers.Binary;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using PbxBridge.Media;
using PbxBridge.Media.Opus;
using PbxBridge.Media.Rtp;

namespace PbxBridge.Benchmarks.Media;

/// <summary>
/// One 20 ms frame browser -> PBX: Push (RTP parse, jitter buffer copy) + Pull (Opus decode at 8 kHz, PCMU encode,
/// RTP header), against libopus' opus_decode alone on the same packets: Ratio is our total over the codec's cost.
/// </summary>
[MemoryDiagnoser]
public unsafe class BrowserToPbxPipelineBenchmarks
{
    private const int Frames = 500;
    private static readonly long s_tick20Ms = Stopwatch.Frequency / 50;

    private byte[][] _packets = [];
    private readonly byte[] _pcmuPacket = new byte[1500];
    private readonly short[] _pcm = new short[160 * 6];
    private BrowserToPbxPipeline _pipeline = null!;
    private nint _baselineDecoder;
    private int _index;
    private ushort _sequence;
    private uint _timestamp;
    private long _now;

    [GlobalSetup]
    public void Setup()
    {
        var speech = BenchmarkAudio.SpeechLike(48000, Frames / 50);
        using var encoder = new OpusEncoder(new OpusEncoderSettings(48000, Complexity: 9, Bitrate: 32000, InbandFec: true));
        var opus = new byte[OpusEncoder.MaxPacketBytes];
        _packets = new byte[Frames][];
        for (var i = 0; i < Frames; i++)
        {
            var length = encoder.Encode(speech.AsSpan(i * 960, 960), opus);
            _packets[i] = new byte[RtpPacket.FixedHeaderLength + length];
            RtpPacketWriter.Write(_packets[i], new RtpHeaderFields(111, 0, 0, 0x1234), opus.AsSpan(0, length));
        }

        _pipeline = new BrowserToPbxPipeline(new BrowserToPbxOptions(111, 110, 48000, PbxPayloadFormat.Pcmu, 0xC0FFEE));
        _baselineDecoder = OpusNative.DecoderCreate(8000, 1, out var error);
        if (error != 0)
        {
            throw new InvalidOperationException($"opus_decoder_create: {error}");
        }

        for (var i = 0; i < Frames; i++)
        {
            if (Pipeline() == 0 && i > 0)
            {
                throw new InvalidOperationException("The pipeline stopped producing packets.");
            }
        }

        if (_pipeline.Statistics.FramesConcealed + _pipeline.Statistics.PacketsLost > 2)
        {
            throw new InvalidOperationException("The benchmark must measure decoding, not concealment.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline.Dispose();
        OpusNative.DecoderDestroy(_baselineDecoder);
    }

    [Benchmark(Baseline = true)]
    public int LibopusDecodeAlone()
    {
        var packet = _packets[_index];
        _index = (_index + 1) % Frames;
        var payload = packet.AsSpan(RtpPacket.FixedHeaderLength);
        fixed (byte* data = payload)
        fixed (short* pcm = _pcm)
        {
            return OpusNative.Decode(_baselineDecoder, data, payload.Length, pcm, _pcm.Length, 0);
        }
    }

    [Benchmark]
    public int Pipeline()
    {
        var packet = _packets[_index];
        _index = (_index + 1) % Frames;

        // The browser's sequence and timestamp run on forever while the recorded frames repeat.
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), _sequence++);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), _timestamp);
        _timestamp += 960;
        _pipeline.Push(packet, _now);
        var length = _pipeline.Pull(_pcmuPacket, _now);
        _now += s_tick20Ms;
        return length;
    }
}
