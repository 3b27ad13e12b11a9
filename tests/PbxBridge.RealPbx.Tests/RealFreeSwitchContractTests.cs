using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch;
using PbxBridge.RealPbx.Harness;

namespace PbxBridge.RealPbx.Tests;

/// <summary>
/// The IPbx contract suite against FreeSwitchPbx on a real FreeSWITCH 1.10 (the same tests as against the ESL
/// simulator): its SIP leg on the rendered pbxbridge profile, 601 the site's tone, the caller a loopback channel into
/// the documented <c>agent-ID</c> extension.
/// </summary>
[Collection(RealPbxCollection.Name)]
public sealed class RealFreeSwitchContractTests(InstalledPbxFixture<RealFreeSwitch> fixture) : RealPbxContractTests<RealFreeSwitch>(fixture), IClassFixture<InstalledPbxFixture<RealFreeSwitch>>
{
    protected override RealPbxUnderTest Connect(RealFreeSwitch pbx) => new UnderTest(pbx);

    private sealed class UnderTest(RealFreeSwitch freeSwitch) : RealPbxUnderTest(freeSwitch, new FreeSwitchPbx(Options(freeSwitch), NullLogger<FreeSwitchPbx>.Instance))
    {
        private readonly Queue<string> _callers = new();

        private FreeSwitchPbx FreeSwitch => (FreeSwitchPbx)Pbx;

        public override string AnsweringDestination => "601";

        /// <summary>The caller is a loopback channel with a known uuid playing the site's tone into <c>agent-ID</c>.</summary>
        public override async Task CallAgentAsync(string agentId)
        {
            var caller = Guid.NewGuid().ToString();
            _callers.Enqueue(caller);
            var tone = FormattableString.Invariant($"tone_stream://%(10000,0,{RealFreeSwitch.ToneHz});loops=-1");
            await freeSwitch.ApiAsync($"bgapi originate {{origination_uuid={caller}}}loopback/agent-{agentId}/default &playback({tone})");
        }

        /// <summary>Hangs up the caller's channel alone (as a caller putting the phone down), then waits for the adapter to end the leg.</summary>
        public override async Task EndFromPbxAsync(InboundPbxCall call)
        {
            Assert.True(_callers.TryDequeue(out var caller), "no caller to hang up");
            var killed = await freeSwitch.ApiAsync($"uuid_kill {caller} NORMAL_CLEARING");
            Assert.StartsWith("+OK", killed.Trim(), StringComparison.Ordinal);
            Assert.True(await UntilAsync(() => FreeSwitch.ActiveLegs == 0), $"FreeSwitchPbx still holds {FreeSwitch.ActiveLegs} leg(s) after the caller hung up");
        }

        private static FreeSwitchOptions Options(RealFreeSwitch freeSwitch) => new() { EslPassword = freeSwitch.EslPassword };
    }
}
