using BenchmarkDotNet.Attributes;
using PbxBridge.Media;
using PbxBridge.Media.G711;
using PbxBridge.Media.Opus;
using PbxBridge.Media.Rtp;

namespace PbxBridge.Benchmarks.Media;

/// <summary>
/// One 20 ms frame PBX -> browser: RTP parse, PCMU decode, Opus encode at 8 kHz (complexity 5, 24 kb/s, FEC),
/// RTP header, against libopus' opus_encode alone, same settings, on the same (PCMU-decoded) frames.
/// </summary>
[MemoryDiagnoser]
public unsafe class PbxToBrowserPipelineBenchmarks
{
    private const int Frames = 500;

    private byte[][] _pcmuPackets = [];
    private short[][] _pcmFrames = [];
    private readonly byte[] _output = new byte[1500];
    private PbxToBrowserPipeline _pipeline = null!;
    private nint _baselineEncoder;
    private int _index;

    [GlobalSetup]
    public void Setup()
    {
        var speech = BenchmarkAudio.SpeechLike(8000, Frames / 50);
        _pcmuPackets = new byte[Frames][];
        _pcmFrames = new short[Frames][];
        var payload = new byte[160];
        for (var i = 0; i < Frames; i++)
        {
            MuLaw.Encode(speech.AsSpan(i * 160, 160), payload);
            _pcmuPackets[i] = new byte[RtpPacket.FixedHeaderLength + 160];
            RtpPacketWriter.Write(_pcmuPackets[i], new RtpHeaderFields(RtpPayloadTypes.Pcmu, (ushort)i, (uint)(160 * (i + 1)), 0xA5A5), payload);
            _pcmFrames[i] = new short[160];
            MuLaw.Decode(payload, _pcmFrames[i]);
        }

        _pipeline = new PbxToBrowserPipeline(new PbxToBrowserOptions(111, 110, 48000, PbxPayloadFormat.Pcmu, 0xB0B0,
            OpusComplexity: 5, OpusBitrate: 24000, OpusInbandFec: true, OpusDtx: false));
        _baselineEncoder = OpusNative.EncoderCreate(8000, 1, OpusNative.ApplicationVoip, out var error);
        if (error != 0)
        {
            throw new InvalidOperationException($"opus_encoder_create: {error}");
        }

        // Exactly what PbxToBrowserPipeline's encoder is given.
        Check(OpusNative.EncoderCtl(_baselineEncoder, OpusNative.SetSignalRequest, OpusNative.SignalVoice));
        Check(OpusNative.EncoderCtl(_baselineEncoder, OpusNative.SetComplexityRequest, 5));
        Check(OpusNative.EncoderCtl(_baselineEncoder, OpusNative.SetBitrateRequest, 24000));
        Check(OpusNative.EncoderCtl(_baselineEncoder, OpusNative.SetInbandFecRequest, 1));
        Check(OpusNative.EncoderCtl(_baselineEncoder, OpusNative.SetPacketLossPercRequest, 10));
        Check(OpusNative.EncoderCtl(_baselineEncoder, OpusNative.SetDtxRequest, 0));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline.Dispose();
        OpusNative.EncoderDestroy(_baselineEncoder);
    }

    [Benchmark(Baseline = true)]
    public int LibopusEncodeAlone()
    {
        var frame = _pcmFrames[_index];
        _index = (_index + 1) % Frames;
        fixed (short* pcm = frame)
        fixed (byte* data = _output)
        {
            return OpusNative.Encode(_baselineEncoder, pcm, frame.Length, data, OpusEncoder.MaxPacketBytes);
        }
    }

    [Benchmark]
    public int Pipeline()
    {
        var packet = _pcmuPackets[_index];
        _index = (_index + 1) % Frames;
        return _pipeline.Process(packet, _output);
    }

    private static void Check(int result)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"opus_encoder_ctl: {result}");
        }
    }
}
