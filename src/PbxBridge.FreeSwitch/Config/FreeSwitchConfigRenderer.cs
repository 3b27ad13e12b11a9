using System.Globalization;
using System.Xml.Linq;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.FreeSwitch.Config;

/// <summary>
/// Renders pbx-config/freeswitch (embedded in this assembly) with a site's values. Edits are made on the XML tree,
/// element by element (a param by its name, a pbxbridge_vars.xml line by its variable), so the admin comments stay as shipped.
/// </summary>
public static class FreeSwitchConfigRenderer
{
    private const string ResourcePrefix = "pbx-config/freeswitch/";

    /// <summary>The shipped files as they are in the repository (defaults, password placeholder).</summary>
    public static IReadOnlyList<PbxConfigFile> Shipped()
    {
        var assembly = typeof(FreeSwitchConfigRenderer).Assembly;
        var files = new List<PbxConfigFile>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            files.Add(new PbxConfigFile(name[ResourcePrefix.Length..], reader.ReadToEnd()));
        }

        return files;
    }

    public static IReadOnlyList<PbxConfigFile> Render(FreeSwitchRenderValues v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return [.. Shipped().Select(file => file.RelativePath.EndsWith(".xml", StringComparison.Ordinal) ? file with { Content = RenderXml(file, v) } : file)];
    }

    private static string RenderXml(PbxConfigFile file, FreeSwitchRenderValues v)
    {
        var document = XDocument.Parse(file.Content, LoadOptions.PreserveWhitespace);
        var root = document.Root!;
        switch (file.RelativePath)
        {
            case "pbxbridge_vars.xml":
                // Only pbxbridge_* variables: the site's own (codecs, external addresses) are never touched.
                SetVariable(root, "pbxbridge_profile_ip", v.FreeSwitchSipIp);
                SetVariable(root, "pbxbridge_profile_port", v.FreeSwitchSipPort.ToString(CultureInfo.InvariantCulture));
                SetVariable(root, "pbxbridge_profile_ext_ip", v.FreeSwitchExternalIp);
                SetVariable(root, "pbxbridge_sip", v.PbxBridgeSipAddress);
                break;
            case "pbxbridge_acl.xml":
                SetAclNodes(root, v.PbxBridgeCidrs);
                break;
            case "autoload_configs/event_socket.conf.xml":
                SetParam(root, "listen-ip", v.EslListenIp);
                SetParam(root, "listen-port", v.EslPort.ToString(CultureInfo.InvariantCulture));
                SetParam(root, "password", v.EslPassword);
                break;
            case "sip_profiles/pbxbridge.xml":
                SetParam(root.Element("settings")!, "context", v.Context);
                break;
            case "dialplan/pbxbridge.xml":
                var context = root.Elements("context").Single(c => (string?)c.Attribute("name") == "from-pbxbridge");
                context.SetAttributeValue("name", v.Context);
                foreach (var action in context.Descendants("action").Where(a => (string?)a.Attribute("application") == "transfer"))
                {
                    // The number transferred ($1 or ${destination_number}) stays; only the context is the site's.
                    var data = (string?)action.Attribute("data") ?? string.Empty;
                    var xml = data.IndexOf(" XML ", StringComparison.Ordinal);
                    action.SetAttributeValue("data", (xml >= 0 ? data[..xml] : "$1") + " XML " + v.DialplanContext);
                }

                break;
            default:
                break;
        }

        var declaration = document.Declaration is null ? string.Empty : document.Declaration + "\n";
        // XDocument writes empty elements as "<x />"; the shipped files (and FreeSWITCH's own) use "<x/>".
        var text = document.ToString(SaveOptions.DisableFormatting).Replace(" />", "/>", StringComparison.Ordinal);
        return declaration + text;
    }

    private static void SetVariable(XElement root, string name, string value)
    {
        var line = root.Elements("X-PRE-PROCESS").Single(e => ((string?)e.Attribute("data"))?.StartsWith(name + "=", StringComparison.Ordinal) == true);
        line.SetAttributeValue("data", name + "=" + value);
    }

    private static void SetParam(XElement parent, string name, string value)
    {
        var param = parent.Descendants("param").First(p => (string?)p.Attribute("name") == name);
        param.SetAttributeValue("value", value);
    }

    private static void SetAclNodes(XElement root, IReadOnlyList<string> cidrs)
    {
        var list = root.Descendants("list").Single(l => (string?)l.Attribute("name") == "pbxbridge");
        var first = list.Elements("node").First();
        var indent = first.PreviousNode is XText text ? text.Value : "\n      ";
        foreach (var extra in list.Elements("node").Skip(1).ToList())
        {
            extra.PreviousNode?.Remove();
            extra.Remove();
        }

        first.SetAttributeValue("cidr", cidrs[0]);
        var last = first;
        foreach (var cidr in cidrs.Skip(1))
        {
            var node = new XElement("node", new XAttribute("type", "allow"), new XAttribute("cidr", cidr));
            last.AddAfterSelf(new XText(indent), node);
            last = node;
        }
    }
}
