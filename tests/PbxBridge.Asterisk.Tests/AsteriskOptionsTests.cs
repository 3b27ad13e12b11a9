namespace PbxBridge.Asterisk.Tests;

public sealed class AsteriskOptionsTests
{
    [Fact]
    public void Defaults_with_a_password_are_valid() =>
        Assert.Empty(new AsteriskOptions { Password = "p" }.Validate());

    [Fact]
    public void Non_http_url_is_named_with_its_key() =>
        Assert.Contains("Pbx:Asterisk:Url 'ftp://x' is not an http(s) URL (e.g. http://127.0.0.1:8088)", new AsteriskOptions { Url = "ftp://x", Password = "p" }.Validate());

    [Fact]
    public void Missing_password_names_the_key_and_user_but_an_api_key_replaces_it()
    {
        Assert.Contains(new AsteriskOptions().Validate(), e => e.StartsWith("Pbx:Asterisk:Password", StringComparison.Ordinal) && e.Contains("'pbxbridge'", StringComparison.Ordinal));
        Assert.Empty(new AsteriskOptions { ApiKey = "pbxbridge:secret" }.Validate());
        Assert.Contains(new AsteriskOptions { ApiKey = "nocolon" }.Validate(), e => e.StartsWith("Pbx:Asterisk:ApiKey", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Format", "opus")]
    [InlineData("DialTemplate", "Local/600@ctx")]
    [InlineData("App", "pbx bridge")]
    public void Bad_values_are_reported_with_their_key(string key, string value)
    {
        var options = new AsteriskOptions { Password = "p" };
        typeof(AsteriskOptions).GetProperty(key)!.SetValue(options, value);

        Assert.Contains(options.Validate(), e => e.StartsWith("Pbx:Asterisk:" + key, StringComparison.Ordinal));
    }

    [Fact]
    public void Errors_never_contain_the_password()
    {
        var options = new AsteriskOptions { Url = "nope", Password = "hunter2", Format = "x" };

        Assert.DoesNotContain(options.Validate(), e => e.Contains("hunter2", StringComparison.Ordinal));
    }
}
