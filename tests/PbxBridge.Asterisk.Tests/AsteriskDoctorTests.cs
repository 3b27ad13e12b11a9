using PbxBridge.Asterisk.Tests.Support;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk.Tests;

public sealed class AsteriskDoctorTests
{
    [Fact]
    public async Task Wrong_password_is_named_as_such_and_the_password_never_appears()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var options = AsteriskTestBed.OptionsFor(bed.Sim);
        options.Password = "Sup3r-Secret-Typo";
        await using var pbx = new AsteriskPbx(options);

        var checks = await pbx.CheckAsync(CancellationToken.None);

        var auth = Assert.Single(checks, c => c.Name == "ARI authenticated");
        Assert.Equal(DoctorOutcome.Failed, auth.Outcome);
        Assert.Contains("wrong ARI user or password", auth.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(checks, c => c.Detail.Contains(options.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Healthy_asterisk_passes_and_the_dialplan_check_says_why_it_cannot_be_done()
    {
        await using var bed = await AsteriskTestBed.StartAsync();

        var checks = await bed.Pbx.CheckAsync(CancellationToken.None);

        Assert.All(checks.Where(c => !c.Name.StartsWith("dialplan", StringComparison.Ordinal)), c => Assert.Equal(DoctorOutcome.Passed, c.Outcome));
        var dialplan = Assert.Single(checks, c => c.Name.StartsWith("dialplan", StringComparison.Ordinal));
        Assert.Equal(DoctorOutcome.NotChecked, dialplan.Outcome);
        Assert.Contains("dialplan show pbxbridge-outbound", dialplan.Detail, StringComparison.Ordinal);
        Assert.Contains(checks, c => c.Name == "Asterisk version" && c.Detail.StartsWith("22.10.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Http_server_without_ari_names_the_missing_module_instead_of_echoing_the_404_page()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        bed.Sim.AriLoaded = false;

        var checks = await bed.Pbx.CheckAsync(CancellationToken.None);

        var reach = Assert.Single(checks);
        Assert.Equal(DoctorOutcome.Failed, reach.Outcome);
        Assert.Contains("res_ari.so is not loaded", reach.Detail, StringComparison.Ordinal);
        Assert.Contains("modules_pbxbridge.conf", reach.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("<", reach.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_ending_in_ari_is_named_as_the_mistake()
    {
        await using var bed = await AsteriskTestBed.StartAsync();
        var options = AsteriskTestBed.OptionsFor(bed.Sim);
        options.Url += "/ari";
        await using var pbx = new AsteriskPbx(options);

        var checks = await pbx.CheckAsync(CancellationToken.None);

        var reach = Assert.Single(checks);
        Assert.Equal(DoctorOutcome.Failed, reach.Outcome);
        Assert.Contains("without /ari", reach.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_ari_is_reported_with_the_url()
    {
        await using var pbx = new AsteriskPbx(new AsteriskOptions { Url = "http://127.0.0.1:9", Password = "x" });

        var checks = await pbx.CheckAsync(CancellationToken.None);

        var reach = Assert.Single(checks);
        Assert.Equal(DoctorOutcome.Failed, reach.Outcome);
        Assert.Contains("http://127.0.0.1:9", reach.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("22.10.1", DoctorOutcome.Passed)]
    [InlineData("16.6.0", DoctorOutcome.Passed)]
    [InlineData("16.5.2", DoctorOutcome.Failed)]
    [InlineData("13.38.3", DoctorOutcome.Failed)]
    [InlineData("GIT-master-1234", DoctorOutcome.NotChecked)]
    public void Version_check_requires_16_6_for_external_media(string version, DoctorOutcome expected) =>
        Assert.Equal(expected, AsteriskDoctor.CheckVersion(version).Outcome);
}
