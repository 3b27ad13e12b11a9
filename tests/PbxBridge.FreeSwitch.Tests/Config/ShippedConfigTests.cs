using System.Text.RegularExpressions;
using System.Xml.Linq;
using PbxBridge.FreeSwitch.Config;

namespace PbxBridge.FreeSwitch.Tests.Config;

public sealed partial class ShippedConfigTests
{
    private static readonly FreeSwitchOptions Defaults = new();

    public static TheoryData<string> XmlFiles => [.. FreeSwitchConfigRenderer.Shipped().Select(f => f.RelativePath).Where(p => p.EndsWith(".xml", StringComparison.Ordinal))];

    [Fact]
    public void All_snippets_the_issue_names_are_shipped()
    {
        var paths = FreeSwitchConfigRenderer.Shipped().Select(f => f.RelativePath).ToList();

        Assert.Contains("pbxbridge_vars.xml", paths);
        Assert.Contains("pbxbridge_acl.xml", paths);
        Assert.Contains("autoload_configs/event_socket.conf.xml", paths);
        Assert.Contains("sip_profiles/pbxbridge.xml", paths);
        Assert.Contains("dialplan/pbxbridge.xml", paths);
    }

    [Theory]
    [MemberData(nameof(XmlFiles))]
    public void Snippet_is_well_formed_and_commented_for_an_admin(string path)
    {
        var document = Load(path);

        Assert.NotEmpty(document.DescendantNodes().OfType<XComment>());
    }

    [Fact]
    public void Event_socket_matches_the_default_port_acl_and_password_placeholder()
    {
        var settings = Load("autoload_configs/event_socket.conf.xml").Root!.Element("settings")!;

        Assert.Equal(Defaults.EslPort.ToString(System.Globalization.CultureInfo.InvariantCulture), Param(settings, "listen-port"));
        Assert.Equal(Defaults.EslHost, Param(settings, "listen-ip"));
        Assert.Equal(FreeSwitchOptions.PlaceholderPassword, Param(settings, "password"));
        Assert.Equal("pbxbridge", Param(settings, "apply-inbound-acl"));
    }

    [Fact]
    public void Acl_list_pbxbridge_denies_by_default_and_allows_the_local_ua_address()
    {
        var list = Load("pbxbridge_acl.xml").Descendants("list").Single(l => (string?)l.Attribute("name") == "pbxbridge");

        Assert.Equal("deny", (string?)list.Attribute("default"));
        Assert.Contains(list.Elements("node"), n => (string?)n.Attribute("type") == "allow" && (string?)n.Attribute("cidr") == Defaults.LocalSipAddress + "/32");
    }

    [Fact]
    public void Sip_profile_listens_where_pbxbridge_sends_and_routes_into_its_context()
    {
        var profile = Load("sip_profiles/pbxbridge.xml").Root!;
        var settings = profile.Element("settings")!;

        Assert.Equal("pbxbridge", (string?)profile.Attribute("name"));
        Assert.Equal(Defaults.SipAddress, Resolve(Param(settings, "sip-ip")) + ":" + Resolve(Param(settings, "sip-port")));
        Assert.Equal(Defaults.Context, Param(settings, "context"));
        Assert.Equal("PCMU", Resolve(Param(settings, "inbound-codec-prefs")));
        Assert.Equal("rfc2833", Param(settings, "dtmf-type"));
        Assert.Equal("101", Param(settings, "rfc2833-pt"));
        Assert.Equal("false", Param(settings, "auth-calls"));
        Assert.Equal("pbxbridge", Param(settings, "apply-inbound-acl"));
    }

    [Fact]
    public void Vars_point_pbxbridge_sip_at_the_local_user_agent()
    {
        Assert.Equal($"{Defaults.LocalSipAddress}:{Defaults.LocalSipPort}", Variables()["pbxbridge_sip"]);
    }

    [Fact]
    public void Profile_port_is_none_of_vanilla_freeswitch_nor_pbxbridge_itself()
    {
        // Vanilla 1.10: internal 5060, 5061 (TLS), 5066 (WS), 7443 (WSS); external 5080, 5081 (TLS), both on
        // $${local_ip_v4}; a second profile on one of them fails with "Error Creating SIP UA" (issue 16).
        int[] taken = [5060, 5061, 5066, 7443, 5080, 5081, Defaults.LocalSipPort];
        var port = int.Parse(Variables()["pbxbridge_profile_port"], System.Globalization.CultureInfo.InvariantCulture);

        Assert.DoesNotContain(port, taken);
        Assert.Equal(Defaults.SipAddress, $"{Variables()["pbxbridge_profile_ip"]}:{port}");
    }

    [Fact]
    public void Vars_snippet_sets_only_variables_of_its_own()
    {
        // global_codec_prefs, external_sip_ip ... belong to the site's own profiles: the snippet must not change them.
        Assert.All(Variables().Keys, name => Assert.StartsWith("pbxbridge_", name, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(XmlFiles))]
    public void Snippets_use_only_pbxbridge_variables_which_the_vars_snippet_defines(string path)
    {
        var defined = Variables();
        var used = GlobalVariable().Matches(FreeSwitchConfigRenderer.Shipped().Single(f => f.RelativePath == path).Content)
            .Select(m => m.Groups[1].Value).ToList();

        Assert.All(used, name => Assert.True(defined.ContainsKey(name), $"{path} uses $${{{name}}}, which pbxbridge_vars.xml does not set"));
    }

    [Fact]
    public void Dialplan_has_the_from_pbxbridge_context_and_bridges_agents_to_the_pbxbridge_profile()
    {
        var root = Load("dialplan/pbxbridge.xml").Root!;
        var contexts = root.Elements("context").Select(c => (string)c.Attribute("name")!).ToList();
        var bridge = root.Descendants("action").First(a => (string?)a.Attribute("application") == "bridge");

        Assert.Contains(Defaults.Context, contexts);
        Assert.Contains("sofia/pbxbridge/agent-$1@${regex(${hash(select/pbxbridge/$1)}|^$|$${pbxbridge_sip})}", (string)bridge.Attribute("data")!, StringComparison.Ordinal);
        Assert.Contains("absolute_codec_string=$${pbxbridge_codecs}", (string)bridge.Attribute("data")!, StringComparison.Ordinal);
    }

    [Fact]
    public void Rendering_with_defaults_changes_nothing()
    {
        var shipped = FreeSwitchConfigRenderer.Shipped();
        var rendered = FreeSwitchConfigRenderer.Render(new FreeSwitchRenderValues());

        Assert.Equal(shipped.Count, rendered.Count);
        for (var i = 0; i < shipped.Count; i++)
        {
            Assert.Equal(shipped[i].RelativePath, rendered[i].RelativePath);
            Assert.Equal(shipped[i].Content, rendered[i].Content);
        }
    }

    [Fact]
    public void Rendering_fills_site_values_and_keeps_the_comments()
    {
        var rendered = FreeSwitchConfigRenderer.Render(new FreeSwitchRenderValues
        {
            EslListenIp = "10.0.0.5",
            EslPort = 8022,
            EslPassword = "s3cret-Long",
            PbxBridgeCidrs = ["10.0.0.7/32", "10.0.0.8/32"],
            FreeSwitchSipIp = "10.0.0.5",
            FreeSwitchSipPort = 5081,
            PbxBridgeSipAddress = "10.0.0.7:5090",
            Context = "from-browsers",
            DialplanContext = "office",
        }).Where(f => f.RelativePath.EndsWith(".xml", StringComparison.Ordinal)).ToDictionary(f => f.RelativePath, f => XDocument.Parse(f.Content));

        var esl = rendered["autoload_configs/event_socket.conf.xml"].Root!.Element("settings")!;
        Assert.Equal("8022", Param(esl, "listen-port"));
        Assert.Equal("s3cret-Long", Param(esl, "password"));
        Assert.Equal("10.0.0.5", Param(esl, "listen-ip"));
        Assert.Equal(
            ["10.0.0.7/32", "10.0.0.8/32"],
            rendered["pbxbridge_acl.xml"].Descendants("node").Select(n => (string)n.Attribute("cidr")!));
        var profile = rendered["sip_profiles/pbxbridge.xml"].Root!.Element("settings")!;
        Assert.Equal("from-browsers", Param(profile, "context"));
        var vars = rendered["pbxbridge_vars.xml"].Root!.Elements("X-PRE-PROCESS").Select(e => (string)e.Attribute("data")!).ToList();
        Assert.Contains("pbxbridge_sip=10.0.0.7:5090", vars);
        Assert.Contains("pbxbridge_profile_ip=10.0.0.5", vars);
        Assert.Contains("pbxbridge_profile_port=5081", vars);
        var dialplan = rendered["dialplan/pbxbridge.xml"].Root!;
        Assert.Contains(dialplan.Elements("context"), c => (string?)c.Attribute("name") == "from-browsers");
        Assert.Contains(dialplan.Descendants("action"), a => (string?)a.Attribute("data") == "$1 XML office");
        Assert.NotEmpty(rendered["autoload_configs/event_socket.conf.xml"].DescendantNodes().OfType<XComment>());
    }

    private static Dictionary<string, string> Variables() =>
        Load("pbxbridge_vars.xml").Root!.Elements("X-PRE-PROCESS")
            .Where(e => (string?)e.Attribute("cmd") == "set")
            .Select(e => ((string)e.Attribute("data")!).Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    /// <summary>A param value with its $${name} references replaced as FreeSWITCH's preprocessor does.</summary>
    private static string Resolve(string? value) =>
        GlobalVariable().Replace(value ?? string.Empty, m => Variables()[m.Groups[1].Value]);

    [GeneratedRegex(@"\$\$\{([A-Za-z0-9_]+)\}")]
    private static partial Regex GlobalVariable();

    private static XDocument Load(string path) =>
        XDocument.Parse(FreeSwitchConfigRenderer.Shipped().Single(f => f.RelativePath == path).Content);

    private static string? Param(XElement parent, string name) =>
        (string?)parent.Elements("param").Single(p => (string?)p.Attribute("name") == name).Attribute("value");
}
