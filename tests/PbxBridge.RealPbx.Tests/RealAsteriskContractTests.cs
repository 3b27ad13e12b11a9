using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Asterisk;
using PbxBridge.Calls.Pbx;
using PbxBridge.RealPbx.Harness;

namespace PbxBridge.RealPbx.Tests;

/// <summary>
/// The IPbx contract suite against AsteriskPbx on a real Asterisk 22 (the same tests as against the ARI simulator):
/// 601 is the site's Milliwatt, the caller is a Local channel into the site's <c>lab-caller</c> context.
/// </summary>
[Collection(RealPbxCollection.Name)]
public sealed class RealAsteriskContractTests(InstalledPbxFixture<RealAsterisk> fixture) : RealPbxContractTests<RealAsterisk>(fixture), IClassFixture<InstalledPbxFixture<RealAsterisk>>
{
    protected override RealPbxUnderTest Connect(RealAsterisk pbx) => new UnderTest(pbx);

    private sealed class UnderTest(RealAsterisk asterisk) : RealPbxUnderTest(asterisk, new AsteriskPbx(Options(asterisk), NullLogger<AsteriskPbx>.Instance))
    {
        private AsteriskPbx Asterisk => (AsteriskPbx)Pbx;

        public override string AnsweringDestination => "601";

        /// <summary>The caller is <c>Local/AGENT@lab-caller;1</c> playing Milliwatt; its ;2 half runs the dialplan into Stasis.</summary>
        public override Task CallAgentAsync(string agentId) => asterisk.RxAsync($"channel originate Local/{agentId}@lab-caller application Milliwatt");

        /// <summary>Hangs up the caller's half alone (as a caller putting the phone down), then waits for the adapter to end the call.</summary>
        public override async Task EndFromPbxAsync(InboundPbxCall call)
        {
            var channels = await asterisk.RxAsync("core show channels concise");
            var callers = channels.Split('\n')
                .Select(line => line.Split('!')[0].Trim())
                .Where(name => name.StartsWith("Local/", StringComparison.Ordinal) && name.Contains("@lab-caller-", StringComparison.Ordinal) && name.EndsWith(";1", StringComparison.Ordinal))
                .ToList();
            Assert.True(callers.Count == 1, $"expected one caller channel:\n{channels}");
            await asterisk.RxAsync($"channel request hangup {callers[0]}");
            Assert.True(await UntilAsync(() => Asterisk.ActiveCalls == 0), $"AsteriskPbx still holds {Asterisk.ActiveCalls} call(s) after the caller hung up");
        }

        private static AsteriskOptions Options(RealAsterisk asterisk) => new()
        {
            Url = asterisk.AriUrl,
            User = RealAsterisk.AriUser,
            Password = asterisk.AriPassword,
        };
    }
}
