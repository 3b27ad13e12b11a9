namespace PbxBridge.FreeSwitch.Tests.Config;

public sealed class FreeSwitchOptionsTests
{
    [Fact]
    public void Defaults_with_a_password_are_valid()
    {
        var options = new FreeSwitchOptions { EslPassword = "x" };

        Assert.Empty(options.Validate());
        Assert.Equal(8021, options.EslPort);
        Assert.Equal("127.0.0.1:5070", options.SipAddress);
        Assert.Equal(5090, options.LocalSipPort);
        Assert.Equal("from-pbxbridge", options.Context);
    }

    [Fact]
    public void Each_error_names_its_key()
    {
        var options = new FreeSwitchOptions { EslPort = 0, EslPassword = string.Empty, SipAddress = "fs.example:abc", LocalSipPort = 70000, Context = "a b" };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("Pbx:FreeSwitch:EslPort", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pbx:FreeSwitch:EslPassword", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pbx:FreeSwitch:SipAddress", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pbx:FreeSwitch:LocalSipPort", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Pbx:FreeSwitch:Context", StringComparison.Ordinal));
    }
}
