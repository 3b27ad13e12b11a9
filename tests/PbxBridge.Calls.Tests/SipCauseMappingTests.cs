using PbxBridge.Calls.Pbx;

namespace PbxBridge.Calls.Tests;

public sealed class SipCauseMappingTests
{
    [Theory]
    [InlineData(17, 486)]
    [InlineData(19, 480)]
    [InlineData(20, 480)]
    [InlineData(1, 404)]
    [InlineData(34, 503)]
    [InlineData(487, 487)]
    [InlineData(41, 503)]
    [InlineData(21, 603)]
    public void Pbx_causes_agents_meet_most_map_to_the_SIP_status_browsers_show(int q850, int status)
    {
        Assert.Equal(status, SipCauseMapping.ToSipResponse(new PbxCause(q850, "x")).Status);
    }

    [Theory]
    [InlineData(486, 17)]
    [InlineData(603, 21)]
    [InlineData(480, 19)]
    [InlineData(404, 1)]
    [InlineData(503, 41)]
    public void A_browser_rejection_reaches_the_PBX_as_the_matching_cause(int status, int q850)
    {
        Assert.Equal(q850, SipCauseMapping.FromSipStatus(status).Q850);
    }
}
