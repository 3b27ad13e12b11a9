using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Calls.Pbx;
using PbxBridge.FreeSwitch.Simulator;

namespace PbxBridge.FreeSwitch.Tests.Contract;

/// <summary>Runs alone: its timing limits (2 s for a failure cause) are about the adapter, not about CPU contention.</summary>
[Collection(SimulatorCollection.Name)]
public sealed class DoctorTests
{
    [Fact]
    public async Task Healthy_freeswitch_passes_every_check()
    {
        await using var simulator = await FreeSwitchSimulator.StartAsync();

        var checks = await Doctor(FreeSwitchFixture.OptionsFor(simulator)).CheckAsync(TestContext.Timeout);

        Assert.All(checks, c => Assert.Equal(DoctorOutcome.Passed, c.Outcome));
        Assert.Contains(checks, c => c.Name == "sofia profile pbxbridge" && c.Detail.Contains($"RUNNING at sip:mod_sofia@{simulator.SipEndPoint}", StringComparison.Ordinal));
        Assert.Contains(checks, c => c.Name == "FreeSWITCH ready" && c.Detail.Contains("1.10.12", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wrong_password_is_named_bad_password()
    {
        await using var simulator = await FreeSwitchSimulator.StartAsync();

        var checks = await Doctor(FreeSwitchFixture.OptionsFor(simulator, "wrong-password")).CheckAsync(TestContext.Timeout);

        var auth = checks.Single(c => c.Name == "ESL authenticated");
        Assert.Equal(DoctorOutcome.Failed, auth.Outcome);
        Assert.StartsWith("bad password", auth.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", auth.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acl_rejection_of_an_address_the_rendered_list_allows_says_the_list_is_not_loaded()
    {
        // FreeSWITCH refuses 127.0.0.1 although the rendered list pbxbridge (LocalSipAddress 127.0.0.1/32) allows it:
        // what a real FreeSWITCH does when event_socket was reloaded before `reloadacl` (issue 16).
        await using var simulator = await FreeSwitchSimulator.StartAsync(new FreeSwitchSimulatorOptions { AllowedEslClients = [IPAddress.Parse("127.0.0.2")] });

        var checks = await Doctor(FreeSwitchFixture.OptionsFor(simulator)).CheckAsync(TestContext.Timeout);

        var auth = checks.Single(c => c.Name == "ESL authenticated");
        Assert.Equal(DoctorOutcome.Failed, auth.Outcome);
        Assert.StartsWith("ACL rejection", auth.Detail, StringComparison.Ordinal);
        Assert.Contains("has not loaded that list", auth.Detail, StringComparison.Ordinal);
        Assert.Contains("reloadacl", auth.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("add <node", auth.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acl_rejection_of_an_address_outside_the_rendered_list_names_the_node_to_add()
    {
        await using var simulator = await FreeSwitchSimulator.StartAsync(new FreeSwitchSimulatorOptions { AllowedEslClients = [IPAddress.Parse("127.0.0.2")] });
        var options = FreeSwitchFixture.OptionsFor(simulator);
        options.LocalSipAddress = "10.255.0.7";

        var checks = await Doctor(options).CheckAsync(TestContext.Timeout);

        var auth = checks.Single(c => c.Name == "ESL authenticated");
        Assert.StartsWith("ACL rejection", auth.Detail, StringComparison.Ordinal);
        Assert.Contains("add <node type=\"allow\" cidr=\"127.0.0.1/32\"/>", auth.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("has not loaded", auth.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profile_on_another_port_than_SipAddress_fails_the_sofia_check()
    {
        // The profile moved from 5080 to 5070 (issue 16): a configuration still saying 5080 sends INVITEs nowhere.
        await using var simulator = await FreeSwitchSimulator.StartAsync();
        var options = FreeSwitchFixture.OptionsFor(simulator);
        options.SipAddress = "127.0.0.1:5080";

        var checks = await Doctor(options).CheckAsync(TestContext.Timeout);

        var sofia = checks.Single(c => c.Name == "sofia profile pbxbridge");
        Assert.Equal(DoctorOutcome.Failed, sofia.Outcome);
        Assert.Contains($"the profile listens at {simulator.SipEndPoint}, Pbx:FreeSwitch:SipAddress is 127.0.0.1:5080", sofia.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_pbxbridge_profile_fails_the_sofia_check()
    {
        await using var simulator = await FreeSwitchSimulator.StartAsync(new FreeSwitchSimulatorOptions { ProfileRunning = false });

        var checks = await Doctor(FreeSwitchFixture.OptionsFor(simulator)).CheckAsync(TestContext.Timeout);

        Assert.Equal(DoctorOutcome.Failed, checks.Single(c => c.Name == "sofia profile pbxbridge").Outcome);
    }

    [Fact]
    public async Task Nothing_listening_is_named_unreachable()
    {
        var options = new FreeSwitchOptions { EslPort = FreePort(), EslPassword = "x" };

        var checks = await Doctor(options).CheckAsync(TestContext.Timeout);

        Assert.Equal(DoctorOutcome.Failed, checks.Single(c => c.Name == "ESL reachable").Outcome);
    }

    private static FreeSwitchDoctor Doctor(FreeSwitchOptions options) => new(options, NullLogger<FreeSwitchDoctor>.Instance);

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
