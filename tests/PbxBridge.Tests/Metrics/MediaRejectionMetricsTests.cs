using PbxBridge.Calls;
using PbxBridge.Calls.Media;
using PbxBridge.Metrics;

namespace PbxBridge.Tests.Metrics;

/// <summary>
/// Every inbound media packet a call refused is in /metrics as pbxbridge_media_packets_rejected_total{reason}: the
/// browser leg's counters (WebRtcEndpointTests feed the bad packets through the real receive loop) and the
/// pipelines' discards, summed over ended calls.
/// </summary>
public sealed class MediaRejectionMetricsTests
{
    private static CallMediaCounters Released(CallMediaRejections rejections) => new(10, 10, 10, 10, 0, 0, 0, 0, 0, rejections);

    [Fact]
    public void Every_reason_is_exported_at_zero_before_any_call()
    {
        var text = new PbxBridgeMetrics().Render();

        Assert.Contains("# TYPE pbxbridge_media_packets_rejected_total counter", text, StringComparison.Ordinal);
        foreach (var (reason, _) in CallMediaRejections.None.ByReason())
        {
            Assert.Contains($"pbxbridge_media_packets_rejected_total{{reason=\"{reason}\"}} 0\n", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Rejections_of_ended_calls_are_summed_per_reason()
    {
        var metrics = new PbxBridgeMetrics();
        await using var released = await ReleasedCall.CreateAsync();

        // The rejection totals come from the released call's counters alone (the call itself only says what carried its
        // media, and a call that never had a browser leg has nothing to say).
        metrics.OnCallReleased(released.Call, Released(CallMediaRejections.None with { DtlsMalformed = 3, SrtpAuthenticationFailed = 2, StunMalformed = 1 }));
        metrics.OnCallReleased(released.Call, Released(CallMediaRejections.None with { DtlsMalformed = 4, RtcpMalformed = 5, RtpFromPbxDiscarded = 6 }));
        var text = metrics.Render();

        Assert.Contains("pbxbridge_media_packets_rejected_total{reason=\"dtls_malformed\"} 7\n", text, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_media_packets_rejected_total{reason=\"srtp_auth\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_media_packets_rejected_total{reason=\"stun_malformed\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_media_packets_rejected_total{reason=\"rtcp_malformed\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_media_packets_rejected_total{reason=\"rtp_from_pbx_discarded\"} 6\n", text, StringComparison.Ordinal);
        Assert.Contains("pbxbridge_media_packets_rejected_total{reason=\"srtcp_replay\"} 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_released_without_a_browser_leg_counts_no_media_transport()
    {
        var metrics = new PbxBridgeMetrics();
        await using var released = await ReleasedCall.CreateAsync();

        metrics.OnCallReleased(released.Call, Released(CallMediaRejections.None));

        Assert.DoesNotContain("pbxbridge_calls_by_media_transport_total{", metrics.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Browser_leg_and_pipeline_counters_map_to_their_reasons()
    {
        var browser = new WebRtc.WebRtcStatistics { StunIgnored = 1, StunBadIntegrity = 2, DtlsMalformed = 3, SrtpAuthenticationFailures = 4, SrtcpMalformed = 5, DroppedFromUnverifiedAddress = 6 };

        var rejections = CallMediaRejections.Read(browser, null, null).ByReason().ToDictionary(r => r.Reason, r => r.Count);

        Assert.Equal(1, rejections["stun_malformed"]);
        Assert.Equal(2, rejections["stun_bad_integrity"]);
        Assert.Equal(3, rejections["dtls_malformed"]);
        Assert.Equal(4, rejections["srtp_auth"]);
        Assert.Equal(5, rejections["srtcp_malformed"]);
        Assert.Equal(6, rejections["unverified_source"]);
        Assert.Equal(0, rejections["rtp_from_browser_discarded"]);
    }
}
