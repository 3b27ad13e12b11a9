using PbxBridge.Media.Opus;
using PbxBridge.Media.Tests.Support;
using Xunit.Abstractions;

namespace PbxBridge.Media.Tests.Opus;

public sealed class OpusCodecTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public void A_1004_Hz_tone_survives_encode_and_decode_at_the_pbx_rate(int sampleRate)
    {
        var frame = sampleRate / 50;
        var input = TestSignals.Tone(1004, sampleRate, sampleRate * 2);
        using var encoder = new OpusEncoder(new OpusEncoderSettings(sampleRate));
        using var decoder = new OpusDecoder(sampleRate);
        var decoded = new short[input.Length];
        var packet = new byte[OpusEncoder.MaxPacketBytes];
        for (var offset = 0; offset < input.Length; offset += frame)
        {
            var length = encoder.Encode(input.AsSpan(offset, frame), packet);
            Assert.InRange(length, 3, OpusEncoder.MaxPacketBytes);
            Assert.Equal(frame, decoder.Decode(packet.AsSpan(0, length), decoded.AsSpan(offset, frame)));
        }

        var steady = decoded.AsSpan(sampleRate, sampleRate);
        var frequency = AudioMetrics.DominantFrequency(steady, sampleRate, 900, 1100);
        var snr = AudioMetrics.ToneSnrDb(steady, sampleRate, frequency);
        output.WriteLine($"{sampleRate} Hz: dominant {frequency} Hz, tone SNR {snr:F1} dB");
        Assert.InRange(frequency, 994, 1014);
        Assert.True(snr > 15, $"SNR {snr:F1} dB");
    }

    [Fact]
    public void A_48_kHz_browser_stream_is_decoded_directly_at_8_kHz()
    {
        var input = TestSignals.Tone(1004, 48000, 48000);
        using var encoder = new OpusEncoder(new OpusEncoderSettings(48000, Bitrate: 32000));
        using var decoder = new OpusDecoder(8000);
        var decoded = new short[8000];
        var packet = new byte[OpusEncoder.MaxPacketBytes];
        for (var i = 0; i < 50; i++)
        {
            var length = encoder.Encode(input.AsSpan(i * 960, 960), packet);
            Assert.Equal(160, OpusDecoder.GetSampleCount(packet.AsSpan(0, length), 8000));
            Assert.Equal(160, decoder.Decode(packet.AsSpan(0, length), decoded.AsSpan(i * 160, 160)));
        }

        Assert.InRange(AudioMetrics.DominantFrequency(decoded.AsSpan(4000), 8000, 900, 1100), 994, 1014);
    }

    [Fact]
    public void Garbage_packet_returns_an_error_code_instead_of_throwing()
    {
        using var decoder = new OpusDecoder(8000);
        var pcm = new short[960];
        // TOC byte for code 3 (arbitrary frame count) with a frame count byte of 0: invalid by RFC 6716 §3.2.5.
        Assert.True(decoder.Decode([0x03, 0x00], pcm) < 0);
        Assert.Equal(OpusErrors.InvalidPacket, decoder.Decode([], pcm));
        Assert.True(OpusDecoder.GetSampleCount([], 8000) < 0);
    }

    [Fact]
    public void Concealment_produces_the_requested_frame()
    {
        using var decoder = new OpusDecoder(16000);
        var pcm = new short[320];
        Assert.Equal(320, decoder.Conceal(pcm, 320));
        Assert.True(decoder.Conceal(pcm, 321) < 0);
    }

    [Fact]
    public void Encoder_rejects_settings_libopus_would_not_take()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpusEncoder(new OpusEncoderSettings(11025)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpusEncoder(new OpusEncoderSettings(8000, Complexity: 11)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpusDecoder(44100));
    }

    [Fact]
    public void Dtx_encodes_silence_as_tiny_frames()
    {
        using var encoder = new OpusEncoder(new OpusEncoderSettings(8000, Dtx: true));
        var silence = new short[160];
        var packet = new byte[OpusEncoder.MaxPacketBytes];
        var lengths = new List<int>();
        for (var i = 0; i < 50; i++)
        {
            lengths.Add(encoder.Encode(silence, packet));
        }

        Assert.Contains(lengths, length => length <= 2);
    }

    [Fact]
    public void Disposed_decoder_refuses_use()
    {
        var decoder = new OpusDecoder(8000);
        decoder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => decoder.Conceal(new short[160], 160));
    }
}
