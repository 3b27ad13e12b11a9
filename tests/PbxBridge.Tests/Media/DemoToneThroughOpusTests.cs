using PbxBridge.Calls.Pbx;
using PbxBridge.Demo;
using PbxBridge.Media;
using PbxBridge.Media.Opus;
using PbxBridge.Media.Rtp;

namespace PbxBridge.Tests.Media;

/// <summary>The demo PBX's tone, fed through the PBX->browser pipeline as the host configures it, decodes as a browser would (48 kHz).</summary>
public sealed class DemoToneThroughOpusTests
{
    [Fact]
    public void Demo_tone_survives_the_pbx_to_browser_pipeline_at_the_hosts_settings()
    {
        var tone = DemoTone.For(PbxCodec.Pcmu);
        using var pipeline = new PbxToBrowserPipeline(new PbxToBrowserOptions(111, 126, 8000, PbxPayloadFormat.Pcmu, 0x1234, 5, 24000, true, false));
        using var decoder = new OpusDecoder(48000);
        var rtp = new byte[172];
        var output = new byte[1500];
        var pcm = new short[960];
        var stream = new RtpOutboundStream(99);
        double energy = 0;
        var crossings = 0;
        short previous = 0;
        for (var frame = 0; frame < 50; frame++)
        {
            RtpPacketWriter.Write(rtp, stream.NextHeader(0, frame == 0), tone.Payload.AsSpan(frame * 160 % 8000, 160));
            stream.AdvanceTimestamp(160);
            var length = pipeline.Process(rtp, output);
            Assert.True(length > 12, $"frame {frame} produced {length}");
            Assert.True(RtpPacket.TryParse(output.AsSpan(0, length), out var packet));
            Assert.Equal(111, packet.PayloadType);
            var n = decoder.Decode(packet.Payload, pcm);
            Assert.Equal(960, n);
            if (frame < 10)
            {
                continue;
            }

            foreach (var s in pcm.AsSpan(0, n))
            {
                energy += (double)s * s;
                if ((s < 0) != (previous < 0))
                {
                    crossings++;
                }

                previous = s;
            }
        }

        var rms = Math.Sqrt(energy / (40 * 960));
        Assert.True(rms > 3000, $"rms {rms}");
        Assert.InRange(crossings / 2.0 / 0.8, 984, 1024);
    }
}
