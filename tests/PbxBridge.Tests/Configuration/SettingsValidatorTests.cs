using PbxBridge.Configuration;

namespace PbxBridge.Tests.Configuration;

[Collection(ProcessEnvironmentCollection.Name)]
public sealed class SettingsValidatorTests
{
    private static IReadOnlyList<string> Validate(params string[] arguments) =>
        SettingsValidator.Validate(PbxBridgeSettings.Bind(ConfigurationFactory.Build(arguments)));

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(Validate());
    }

    [Fact]
    public void Port_out_of_range_names_the_key_the_value_and_the_allowed_range()
    {
        var error = Assert.Single(Validate("--Http:Port=70000"));
        Assert.Contains("Http:Port", error, StringComparison.Ordinal);
        Assert.Contains("70000", error, StringComparison.Ordinal);
        Assert.Contains("1-65535", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("node-1")]
    [InlineData("node 1")]
    [InlineData("a23456789012345678901234567890123")]
    public void A_cluster_node_id_that_could_not_name_an_application_is_refused_naming_the_key_and_the_fix(string nodeId)
    {
        var error = Assert.Single(Validate($"--Cluster:NodeId={nodeId}"));
        Assert.StartsWith($"Cluster:NodeId = '{nodeId}' is not a node name: use 1-32 letters, digits or _", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_cluster_node_id_pbxbridge_is_a_single_node_and_with_one_a_node_of_its_own_application()
    {
        Assert.False(PbxBridgeSettings.Bind(ConfigurationFactory.Build([])).Cluster.Enabled);
        var node = PbxBridgeSettings.Bind(ConfigurationFactory.Build(["--Cluster:NodeId=node_2", "--Pbx:Kind=Asterisk", "--Pbx:Asterisk:Password=p"]));
        Assert.Empty(SettingsValidator.Validate(node));
        Assert.Equal("pbxbridge-node_2", PbxAdapterSettings.Asterisk(node).Application);
        Assert.Equal("pbxbridge", PbxAdapterSettings.Asterisk(PbxBridgeSettings.Bind(ConfigurationFactory.Build(["--Pbx:Asterisk:Password=p"]))).Application);
    }

    [Theory]
    [InlineData("redis.example.com")]
    [InlineData("10.0.0.5:70000")]
    [InlineData("")]
    public void A_cluster_redis_that_is_not_host_and_port_is_refused_naming_the_key_and_the_fix(string redis)
    {
        var error = Assert.Single(Validate("--Cluster:NodeId=node1", $"--Cluster:Redis={redis}"));
        Assert.StartsWith($"Cluster:Redis = '{redis}' is not a Redis address: use host:port", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_proxy_protocol_needs_its_fronts_as_addresses_or_networks_and_the_https_port_free_of_ice_tcp()
    {
        Assert.Empty(Validate("--Http:ProxyProtocol=true", "--Http:ProxyProtocolFronts:0=10.0.0.10", "--Http:ProxyProtocolFronts:1=2001:db8::/64"));
        Assert.StartsWith("Http:ProxyProtocol = true needs Http:ProxyProtocolFronts", Assert.Single(Validate("--Http:ProxyProtocol=true")), StringComparison.Ordinal);
        Assert.StartsWith(
            "Http:ProxyProtocolFronts:0 = 'front.example.com' is not an address or network",
            Assert.Single(Validate("--Http:ProxyProtocol=true", "--Http:ProxyProtocolFronts:0=front.example.com")),
            StringComparison.Ordinal);
        Assert.StartsWith(
            "Http:ProxyProtocol = true with Media:IceTcpOnHttpsPort = true",
            Assert.Single(Validate("--Http:ProxyProtocol=true", "--Http:ProxyProtocolFronts:0=10.0.0.10", "--Media:IceTcpOnHttpsPort=true")),
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_redis_needs_a_node_id()
    {
        var error = Assert.Single(Validate("--Cluster:Redis=10.0.0.5:6379"));
        Assert.StartsWith("Cluster:Redis = '10.0.0.5:6379' needs Cluster:NodeId", error, StringComparison.Ordinal);
        Assert.Empty(Validate("--Cluster:NodeId=node1", "--Cluster:Redis=10.0.0.5:6379,password=secret"));
    }

    [Fact]
    public void Browser_range_start_above_end_names_its_key()
    {
        var error = Assert.Single(Validate("--Media:BrowserPortStart=40500", "--Media:BrowserPortEnd=40100"));
        Assert.StartsWith("Media:BrowserPortStart = 40500 is above Media:BrowserPortEnd = 40100", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_browser_and_pbx_ranges_are_refused()
    {
        var error = Assert.Single(Validate("--Media:PbxPortStart=40500", "--Media:PbxPortEnd=41500"));
        Assert.Contains("overlaps", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_certificate_file_is_named()
    {
        var error = Assert.Single(Validate("--Http:CertificatePath=/nonexistent/cert.pfx"));
        Assert.Contains("Http:CertificatePath", error, StringComparison.Ordinal);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_answer_delay_is_bound_and_a_negative_one_is_refused()
    {
        Assert.Equal(0, PbxBridgeSettings.Bind(ConfigurationFactory.Build(["--Demo:AnswerDelayMs=0"])).Demo.AnswerDelayMs);
        var error = Assert.Single(Validate("--Demo:AnswerDelayMs=-5"));
        Assert.StartsWith("Demo:AnswerDelayMs = -5 is out of range", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_pbx_codec_lists_the_supported_ones()
    {
        var error = Assert.Single(Validate("--Media:PbxCodec=g729"));
        Assert.Contains("ulaw, alaw or slin16", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_with_a_clear_text_password_instead_of_ha1_is_refused()
    {
        var errors = Validate("--Agents:0:Id=2001", "--Agents:0:Ha1Md5=secret", "--Agents:0:Ha1Sha256=secret");
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Contains("agent-hash", e, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Limits:MessagesPerSecond", "2", "0 for no limit")]
    [InlineData("Limits:MessageBurst", "5", "10-100000")]
    [InlineData("Limits:FloodGraceSeconds", "0", "1-300")]
    [InlineData("Limits:MaxConnectionsPerAddress", "-1", "0 for no limit")]
    [InlineData("Limits:MaxRegistrationsPerAgent", "0", "1-100")]
    [InlineData("Limits:MaxCalls", "0", "1-100000")]
    [InlineData("Limits:MaxCallsPerAgent", "0", "1-100")]
    [InlineData("Limits:AuthFailures", "0", "1-100")]
    [InlineData("Limits:AuthFailureWindowSeconds", "5", "10-86400")]
    [InlineData("Limits:AuthMaxDelaySeconds", "60", "0-30")]
    [InlineData("Limits:OverloadEngageBusyPercent", "5", "10-100")]
    [InlineData("Limits:OverloadReleaseSeconds", "0", "1-3600")]
    [InlineData("Limits:OverloadRetryAfterSeconds", "0", "1-3600")]
    [InlineData("Media:OverloadOpusComplexityStep", "0", "1-10")]
    [InlineData("Media:IceTcpPort", "70000", "0 for no dedicated ICE-TCP port")]
    [InlineData("Media:TurnCredentialSeconds", "10", "60-604800")]
    [InlineData("Sip:ReconnectGraceSeconds", "-1", "0-300")]
    public void A_limit_out_of_range_names_the_key_the_value_and_the_fix(string key, string value, string fix)
    {
        var error = Assert.Single(Validate($"--{key}={value}"));

        Assert.StartsWith($"{key} = {value} is out of range: use ", error, StringComparison.Ordinal);
        Assert.Contains(fix, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_overload_release_share_not_below_the_engage_share_is_refused_as_flapping()
    {
        var error = Assert.Single(Validate("--Limits:OverloadEngageBusyPercent=60", "--Limits:OverloadReleaseBusyPercent=60"));

        Assert.StartsWith("Limits:OverloadReleaseBusyPercent = 60 must be 1 or more and below Limits:OverloadEngageBusyPercent (60)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Ice_tcp_on_the_https_port_is_an_option_of_its_own_not_the_same_port_twice()
    {
        var error = Assert.Single(Validate("--Http:Port=8443", "--Media:IceTcpPort=8443"));

        Assert.Contains("set Media:IceTcpOnHttpsPort = true instead", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_udp_port_that_is_no_port_or_inside_the_pbx_range_is_refused_with_the_fix()
    {
        var notAPort = Assert.Single(Validate("--Media:SingleUdpPort=70000"));
        Assert.StartsWith("Media:SingleUdpPort = 70000 is not a UDP port: use 1-65535", notAPort, StringComparison.Ordinal);
        Assert.Contains("or 0 for one port per leg", notAPort, StringComparison.Ordinal);

        var inPbxRange = Assert.Single(Validate("--Media:SingleUdpPort=41010"));
        Assert.StartsWith("Media:SingleUdpPort = 41010 is inside Media:PbxPortStart-End (41000-41999)", inPbxRange, StringComparison.Ordinal);

        Assert.Empty(Validate("--Media:SingleUdpPort=3478"));
    }

    [Fact]
    public void Turn_urls_need_the_shared_secret_and_turn_uris()
    {
        var errors = Validate("--Media:TurnUrls:0=stun:turn.example.com", "--Media:TurnSharedSecret=short");

        Assert.Contains(errors, e => e.StartsWith("Media:TurnSharedSecret is missing or shorter than 16 characters", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Media:TurnUrls has 'stun:turn.example.com': give TURN URIs", StringComparison.Ordinal));
    }

    [Fact]
    public void Message_rate_and_connections_per_address_can_be_turned_off_with_zero()
    {
        Assert.Empty(Validate("--Limits:MessagesPerSecond=0", "--Limits:MaxConnectionsPerAddress=0", "--Limits:AuthMaxDelaySeconds=0"));
    }

    [Fact]
    public void A_bad_limit_stops_startup()
    {
        var e = Assert.Throws<SettingsException>(() => SettingsLoader.LoadValidated(["--Limits:MaxCallsPerAgent=0"]));

        Assert.Contains("Limits:MaxCallsPerAgent = 0", Assert.Single(e.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Unconvertible_value_becomes_a_settings_error_naming_the_key()
    {
        var e = Assert.Throws<SettingsException>(() => PbxBridgeSettings.Bind(ConfigurationFactory.Build(["--Http:Port=abc"])));
        Assert.Contains("Http:Port", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_variables_with_the_prefix_are_read()
    {
        Environment.SetEnvironmentVariable("PBXBRIDGE_Media__OpusComplexity", "11");
        try
        {
            var error = Assert.Single(Validate());
            Assert.Contains("Media:OpusComplexity = 11", error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PBXBRIDGE_Media__OpusComplexity", null);
        }
    }

    [Fact]
    public void Command_line_wins_over_environment()
    {
        Environment.SetEnvironmentVariable("PBXBRIDGE_Http__Port", "1");
        try
        {
            var settings = PbxBridgeSettings.Bind(ConfigurationFactory.Build(["--Http:Port=9443"]));
            Assert.Equal(9443, settings.Http.Port);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PBXBRIDGE_Http__Port", null);
        }
    }

    [Theory]
    [InlineData("--Http:Port=1", "--Http:Port=1")]
    [InlineData("Http:Port=1", "--Http:Port=1")]
    public void Setting_arguments_are_normalized(string given, string expected)
    {
        Assert.Equal([expected], ConfigurationFactory.NormalizeArguments([given]));
    }

    [Fact]
    public void Separate_key_and_value_are_joined()
    {
        Assert.Equal(["--Http:Port=1"], ConfigurationFactory.NormalizeArguments(["--Http:Port", "1"]));
    }

    [Fact]
    public void A_stray_word_is_a_clear_error()
    {
        var e = Assert.Throws<SettingsException>(() => ConfigurationFactory.NormalizeArguments(["banana"]));
        Assert.Contains("--Section:Key=Value", e.Message, StringComparison.Ordinal);
    }
}
