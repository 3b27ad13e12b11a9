using System.Xml.Linq;
using PbxBridge.FreeSwitch.Config;

namespace PbxBridge.FreeSwitch.Tests.Config;

public sealed class ShippedConfigTests
{
    private static readonly FreeSwitchOptions Defaults = new();

    public static TheoryData<string> XmlFiles => [.. FreeSwitchConfigRenderer.Shipped().Select(f => f.RelativePath).Where(p => p.EndsWith(".xml", StringComparison.Ordinal))];

    [Fact]
    public void All_snippets_the_issue_names_are_shipped()
    {
        var paths = FreeSwitchConfigRenderer.Shipped().Select(f => f.RelativePath).ToList();

        Assert.Contains("vars.xml", paths);
        Assert.Contains("autoload_configs/acl.conf.xml", paths);
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
        var list = Load("autoload_configs/acl.conf.xml").Descendants("list").Single(l => (string?)l.Attribute("name") == "pbxbridge");

        Assert.Equal("deny", (string?)list.Attribute("default"));
        Assert.Contains(list.Elements("node"), n => (string?)n.Attribute("type") == "allow" && (string?)n.Attribute("cidr") == Defaults.LocalSipAddress + "/32");
    }

    [Fact]
    public void Sip_profile_listens_where_pbxbridge_sends_and_routes_into_its_context()
    {
        var profile = Load("sip_profiles/pbxbridge.xml").Root!;
        var settings = profile.Element("settings")!;

        Assert.Equal("pbxbridge", (string?)profile.Attribute("name"));
        Assert.Equal(Defaults.SipAddress, Param(settings, "sip-ip") + ":" + Param(settings, "sip-port"));
        Assert.Equal(Defaults.Context, Param(settings, "context"));
        Assert.Equal("PCMU", Param(settings, "inbound-codec-prefs"));
        Assert.Equal("rfc2833", Param(settings, "dtmf-type"));
        Assert.Equal("101", Param(settings, "rfc2833-pt"));
        Assert.Equal("false", Param(settings, "auth-calls"));
        Assert.Equal("pbxbridge", Param(settings, "apply-inbound-acl"));
    }

    [Fact]
    public void Vars_point_pbxbridge_sip_at_the_local_user_agent()
    {
        var data = Load("vars.xml").Root!.Elements("X-PRE-PROCESS").Select(e => (string)e.Attribute("data")!).ToList();

        Assert.Contains($"pbxbridge_sip={Defaults.LocalSipAddress}:{Defaults.LocalSipPort}", data);
        Assert.Contains(data, d => d.StartsWith("global_codec_prefs=PCMU", StringComparison.Ordinal));
    }

    [Fact]
    public void Dialplan_has_the_from_pbxbridge_context_and_bridges_agents_to_the_pbxbridge_profile()
    {
        var root = Load("dialplan/pbxbridge.xml").Root!;
        var contexts = root.Elements("context").Select(c => (string)c.Attribute("name")!).ToList();
        var bridge = root.Descendants("action").First(a => (string?)a.Attribute("application") == "bridge");

        Assert.Contains(Defaults.Context, contexts);
        Assert.Contains("sofia/pbxbridge/agent-$1@$${pbxbridge_sip}", (string)bridge.Attribute("data")!, StringComparison.Ordinal);
        Assert.Contains("absolute_codec_string=PCMU", (string)bridge.Attribute("data")!, StringComparison.Ordinal);
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
            rendered["autoload_configs/acl.conf.xml"].Descendants("node").Select(n => (string)n.Attribute("cidr")!));
        var profile = rendered["sip_profiles/pbxbridge.xml"].Root!.Element("settings")!;
        Assert.Equal("5081", Param(profile, "sip-port"));
        Assert.Equal("from-browsers", Param(profile, "context"));
        Assert.Contains("pbxbridge_sip=10.0.0.7:5090", rendered["vars.xml"].Root!.Elements("X-PRE-PROCESS").Select(e => (string)e.Attribute("data")!));
        var dialplan = rendered["dialplan/pbxbridge.xml"].Root!;
        Assert.Contains(dialplan.Elements("context"), c => (string?)c.Attribute("name") == "from-browsers");
        Assert.Contains(dialplan.Descendants("action"), a => (string?)a.Attribute("data") == "$1 XML office");
        Assert.NotEmpty(rendered["autoload_configs/event_socket.conf.xml"].DescendantNodes().OfType<XComment>());
    }

    private static XDocument Load(string path) =>
        XDocument.Parse(FreeSwitchConfigRenderer.Shipped().Single(f => f.RelativePath == path).Content);

    private static string? Param(XElement parent, string name) =>
        (string?)parent.Elements("param").Single(p => (string?)p.Attribute("name") == name).Attribute("value");
}
