using PbxBridge.FreeSwitch.Esl;
using PbxBridge.FreeSwitch.Simulator;

namespace PbxBridge.FreeSwitch.Tests.Esl;

public sealed class EslFrameReaderTranscriptTests
{
    public static TheoryData<string> Transcripts => [.. RecordedTranscript.Available];

    [Theory]
    [MemberData(nameof(Transcripts))]
    public async Task Every_recorded_frame_is_read_whole_with_its_content_type(string name)
    {
        var transcript = RecordedTranscript.Load(name);
        var serverBlocks = transcript.Blocks.Where(b => b.FromFreeSwitch).ToList();
        Assert.NotEmpty(serverBlocks);

        // All frames back to back in one stream, as the socket delivers them.
        var stream = new MemoryStream([.. serverBlocks.SelectMany(b => b.Bytes.ToArray())]);
        var reader = new EslFrameReader(stream);
        foreach (var block in serverBlocks)
        {
            var message = await reader.ReadAsync(CancellationToken.None);
            Assert.NotNull(message);
            Assert.Equal(block.Label, message.ContentType);
        }

        Assert.Null(await reader.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Api_response_puts_content_type_first_and_the_body_is_exactly_content_length()
    {
        var status = RecordedTranscript.Load("01").Section("C)").First(b => b.Label == "api/response");
        var message = await ReadSingleAsync(status);

        Assert.Equal("Content-Type", message.Headers[0].Key);
        Assert.Equal(337, message.Body.Length);
        Assert.StartsWith("UP 0 years, 0 days, 0 hours, 6 minutes", message.BodyText, StringComparison.Ordinal);
        Assert.Contains("FreeSWITCH (Version 1.10.12-release  64bit) is ready", message.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_event_values_are_url_decoded_once_and_the_background_job_body_is_kept()
    {
        var job = RecordedTranscript.Load("03").Blocks.First(b => b.Label == "text/event-plain" && b.Text.Contains("BACKGROUND_JOB", StringComparison.Ordinal));
        var message = await ReadSingleAsync(job);

        Assert.Equal("Content-Length", message.Headers[0].Key);
        var parsed = EslEvent.Parse(message);
        Assert.Equal("BACKGROUND_JOB", parsed.Name);
        Assert.Equal("60e967e2-4e47-45cf-bad1-3b578beafa2e", parsed.GetHeader("Job-UUID"));
        Assert.Equal("2026-11-22 22:17:08", parsed.GetHeader("Event-Date-Local"));
        Assert.Equal("fd00::2", parsed.GetHeader("FreeSWITCH-IPv6"));
        Assert.StartsWith("{origination_uuid=7eab84b9-c693-4382-854d-6e44e3582144,absolute_codec_string=PCMU,", parsed.GetHeader("Job-Command-Arg"), StringComparison.Ordinal);
        Assert.EndsWith("sofia/pbxbridge/agent-42@127.0.0.1:5090 &bridge(loopback/1002/default)", parsed.GetHeader("Job-Command-Arg"), StringComparison.Ordinal);
        Assert.Equal("+OK 7eab84b9-c693-4382-854d-6e44e3582144\n", parsed.Body);
    }

    [Fact]
    public async Task Plain_channel_event_decodes_channel_name_and_sdp_variables()
    {
        var create = RecordedTranscript.Load("03").Blocks.First(b => b.Label == "text/event-plain");
        var parsed = EslEvent.Parse(await ReadSingleAsync(create));

        Assert.Equal("CHANNEL_CREATE", parsed.Name);
        Assert.Equal("7eab84b9-c693-4382-854d-6e44e3582144", parsed.UniqueId);
        Assert.Equal("sofia/pbxbridge/agent-42@127.0.0.1:5090", parsed.GetHeader("Channel-Name"));
        Assert.Equal("sess-123", parsed.GetVariable("sip_h_X-PbxBridge-Session"));
        Assert.Contains("m=audio 16404 RTP/AVP 0 101 13\r\n", parsed.GetVariable("rtp_local_sdp_str"), StringComparison.Ordinal);
        Assert.Null(parsed.Body);
    }

    [Fact]
    public async Task Json_event_values_are_not_url_decoded()
    {
        var create = RecordedTranscript.Load("04").Blocks.First(b => b.Label == "text/event-json");
        var parsed = EslEvent.Parse(await ReadSingleAsync(create));

        Assert.Equal("CHANNEL_CREATE", parsed.Name);
        Assert.Equal("2026-11-22 22:17:11", parsed.GetHeader("Event-Date-Local"));
        Assert.Equal("sofia/pbxbridge/agent-42@127.0.0.1:5092", parsed.GetHeader("Channel-Name"));
        Assert.Equal("from-pbxbridge", parsed.GetHeader("Caller-Context"));
        Assert.Equal("sess-456", parsed.GetVariable("sip_h_X-PbxBridge-Session"));
    }

    [Fact]
    public async Task Json_hangup_complete_carries_the_hangup_cause()
    {
        var hangup = RecordedTranscript.Load("04").Blocks.Last(b => b.Label == "text/event-json");
        var parsed = EslEvent.Parse(await ReadSingleAsync(hangup));

        Assert.Equal("CHANNEL_HANGUP_COMPLETE", parsed.Name);
        Assert.Equal("NORMAL_CLEARING", parsed.GetHeader("Hangup-Cause"));
    }

    [Fact]
    public async Task Xml_event_values_are_url_decoded()
    {
        var execute = RecordedTranscript.Load("08").Blocks.First(b => b.Label == "text/event-xml");
        var parsed = EslEvent.Parse(await ReadSingleAsync(execute));

        Assert.Equal("CHANNEL_EXECUTE", parsed.Name);
        Assert.Equal("INFO argument sent as body, may contain anything but must match Content-Length", parsed.GetHeader("Application-Data"));
    }

    [Fact]
    public async Task Dtmf_event_from_rfc2833_carries_digit_duration_and_source()
    {
        var dtmf = RecordedTranscript.Load("09").Blocks.First(b => b.Label == "text/event-plain" && b.Text.Contains("Event-Name: DTMF", StringComparison.Ordinal));
        var parsed = EslEvent.Parse(await ReadSingleAsync(dtmf));

        Assert.Equal("DTMF", parsed.Name);
        Assert.Equal("7", parsed.GetHeader("DTMF-Digit"));
        Assert.Equal("800", parsed.GetHeader("DTMF-Duration"));
        Assert.Equal("RTP", parsed.GetHeader("DTMF-Source"));
    }

    [Fact]
    public async Task Disconnect_notice_in_session_mode_carries_its_disposition()
    {
        var notice = RecordedTranscript.Load("08").Blocks.Last(b => b.Label == "text/disconnect-notice");
        var message = await ReadSingleAsync(notice);

        Assert.Equal("disconnect", message.GetHeader("Content-Disposition"));
        Assert.Equal("Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n", message.BodyText);
    }

    [Fact]
    public async Task Truncated_body_is_a_protocol_error_not_a_crash()
    {
        var status = RecordedTranscript.Load("01").Section("C)").First(b => b.Label == "api/response");
        var reader = new EslFrameReader(new MemoryStream(status.Bytes[..100].ToArray()));

        await Assert.ThrowsAsync<EslProtocolException>(() => reader.ReadAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Non_numeric_content_length_is_a_protocol_error()
    {
        var reader = new EslFrameReader(new MemoryStream("Content-Type: api/response\nContent-Length: 12x\n\nbody"u8.ToArray()));

        await Assert.ThrowsAsync<EslProtocolException>(() => reader.ReadAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public void Malformed_json_event_is_a_protocol_error()
    {
        var message = new EslMessage([new("Content-Type", EslContentType.EventJson)], "{\"Event-Name\":"u8.ToArray());

        Assert.Throws<EslProtocolException>(() => EslEvent.Parse(message));
    }

    private static async Task<EslMessage> ReadSingleAsync(TranscriptBlock block)
    {
        var stream = new MemoryStream(block.Bytes.ToArray());
        var message = await new EslFrameReader(stream).ReadAsync(CancellationToken.None);
        Assert.NotNull(message);
        Assert.Equal(stream.Length, stream.Position);
        return message;
    }
}
