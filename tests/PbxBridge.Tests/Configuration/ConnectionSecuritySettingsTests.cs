using PbxBridge.Configuration;

namespace PbxBridge.Tests.Configuration;

/// <summary>The issue 17 settings (send queue bound, registration deadline, allowed origins): a bad value is one line
/// naming the key, the value and the fix.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class ConnectionSecuritySettingsTests
{
    private static IReadOnlyList<string> Validate(params string[] arguments) =>
        SettingsValidator.Validate(PbxBridgeSettings.Bind(ConfigurationFactory.Build(arguments)));

    [Theory]
    [InlineData("Limits:MaxSendQueueBytes", "65536", "131072-67108864")]
    [InlineData("Limits:RegistrationDeadlineSeconds", "2", "or 0 to let")]
    [InlineData("Http:AllowedOrigins:0", "https://crm.example.com/app", "scheme://host[:port]")]
    [InlineData("Http:AllowedOrigins:0", "crm.example.com", "scheme://host[:port]")]
    public void A_bad_value_names_the_key_the_value_and_the_fix(string key, string value, string fix)
    {
        var error = Assert.Single(Validate($"--{key}={value}"));
        Assert.StartsWith($"{key} = ", error, StringComparison.Ordinal);
        Assert.Contains(value, error, StringComparison.Ordinal);
        Assert.Contains(fix, error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_safe_and_the_allowed_forms_pass()
    {
        var defaults = PbxBridgeSettings.Bind(ConfigurationFactory.Build([]));
        Assert.False(defaults.Http.TrustLoopback);
        Assert.Empty(defaults.Http.AllowedOrigins);
        Assert.Equal(256 * 1024, defaults.Limits.MaxSendQueueBytes);
        Assert.Equal(30, defaults.Limits.RegistrationDeadlineSeconds);
        Assert.Empty(Validate("--Http:AllowedOrigins:0=*", "--Http:AllowedOrigins:1=https://crm.example.com:8443", "--Limits:RegistrationDeadlineSeconds=0"));
    }
}
