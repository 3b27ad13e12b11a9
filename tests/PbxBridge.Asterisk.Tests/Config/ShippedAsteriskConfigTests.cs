using PbxBridge.Asterisk.Config;

namespace PbxBridge.Asterisk.Tests.Config;

public sealed class ShippedAsteriskConfigTests
{
    private static readonly string Folder = FindShippedFolder();

    public static TheoryData<string> ConfFiles => [.. Directory.GetFiles(FindShippedFolder(), "*.conf").Select(p => Path.GetFileName(p))];

    [Theory]
    [MemberData(nameof(ConfFiles))]
    public void Every_shipped_file_parses_and_is_commented_for_an_admin(string file)
    {
        var path = Path.Combine(Folder, file);

        var sections = AsteriskConfigReader.ReadFile(path);

        Assert.NotEmpty(sections);
        Assert.Contains(File.ReadAllLines(path), l => l.TrimStart().StartsWith(';'));
    }

    [Fact]
    public void Http_binds_loopback_on_the_port_pbxbridge_uses_by_default()
    {
        var general = Section("http.conf", "general");
        var defaults = new AsteriskOptions();

        Assert.Equal("yes", general.Get("enabled"));
        Assert.Equal(new Uri(defaults.Url).Host, general.Get("bindaddr"));
        Assert.Equal(new Uri(defaults.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), general.Get("bindport"));
    }

    [Fact]
    public void Ari_user_is_the_default_user_with_a_placeholder_password()
    {
        var defaults = new AsteriskOptions();
        var user = Section("ari.conf", defaults.User);

        Assert.Equal("yes", Section("ari.conf", "general").Get("enabled"));
        Assert.Equal("user", user.Get("type"));
        Assert.Equal("no", user.Get("read_only"));
        Assert.Equal("CHANGE-ME", user.Get("password"));
        Assert.Contains(user.Get("password_format"), new[] { "plain", "crypt" });
    }

    [Fact]
    public void Asterisk_rtp_range_stays_clear_of_pbxbridges_ports_and_strictrtp_is_on()
    {
        var general = Section("rtp.conf", "general");
        var start = int.Parse(general.Get("rtpstart")!, System.Globalization.CultureInfo.InvariantCulture);
        var end = int.Parse(general.Get("rtpend")!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(start < end);
        Assert.True(end < 40000 || start > 41999, "overlaps PbxBridge's 40000-41999");
        Assert.Equal("yes", general.Get("strictrtp"));
    }

    [Fact]
    public void Dialplan_has_the_outbound_context_of_the_dial_template_and_sends_agents_into_the_app()
    {
        var defaults = new AsteriskOptions();
        var context = defaults.DialTemplate[(defaults.DialTemplate.IndexOf('@', StringComparison.Ordinal) + 1)..];

        var outbound = Section("extensions_pbxbridge.conf", context);
        var agents = Section("extensions_pbxbridge.conf", "pbxbridge-agents");

        Assert.Contains(outbound.Entries, e => e.Key == "exten" && e.IsObject);
        // Into the application of the node the agent is registered on (the global a cluster node sets), else the site's.
        Assert.Contains(agents.All("same"), v => v == $"n,Set(PBXBRIDGE_APP=${{GLOBAL({AsteriskPbx.LocationVariablePrefix(defaults.App)}${{EXTEN}})}})");
        Assert.Contains(agents.All("same"), v => v.Contains($"Set(PBXBRIDGE_APP={defaults.App})", StringComparison.Ordinal));
        Assert.Contains(agents.All("same"), v => v.Contains("Stasis(${PBXBRIDGE_APP},agent=${EXTEN})", StringComparison.Ordinal));
        Assert.Contains("Local/1001@pbxbridge-agents/n", File.ReadAllText(Path.Combine(Folder, "extensions_pbxbridge.conf")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_example_queue_rings_members_only_while_pbxbridge_says_they_are_free()
    {
        var defaults = new AsteriskOptions();
        var queue = Section("queues_pbxbridge.conf", "pbxbridge-support");

        // member => interface,penalty,membername,state_interface: the state_interface is the device PbxBridge sets.
        Assert.Equal("no", queue.Get("ringinuse"));
        Assert.Equal(
            [$"Local/1001@pbxbridge-agents/n,0,Agent 1001,Stasis:{defaults.App}-1001", $"Local/1002@pbxbridge-agents/n,0,Agent 1002,Stasis:{defaults.App}-1002"],
            queue.All("member"));
        Assert.Contains("Queue(pbxbridge-support,t)", File.ReadAllText(Path.Combine(Folder, "extensions_pbxbridge.conf")), StringComparison.Ordinal);
    }

    [Fact]
    public void Acl_permits_only_pbxbridges_address()
    {
        var acl = Section("acl.conf", "pbxbridge");

        Assert.Equal("0.0.0.0/0.0.0.0", acl.Get("deny"));
        Assert.Equal("127.0.0.1/255.255.255.255", acl.Get("permit"));
    }

    [Fact]
    public void Module_list_loads_externalmedia_and_ari_and_no_webrtc_modules()
    {
        var loads = Section("modules_pbxbridge.conf", "modules").All("load").ToList();

        Assert.Contains("chan_rtp.so", loads);
        Assert.Contains("res_ari_channels.so", loads);
        Assert.Contains("res_http_websocket.so", loads);
        Assert.DoesNotContain(loads, m => m.Contains("srtp", StringComparison.Ordinal) || m.Contains("opus", StringComparison.Ordinal));
    }

    [Fact]
    public void Module_list_fits_asterisk_22_with_autoload_off()
    {
        // Each of these was found missing by booting Asterisk 22.10.1 with autoload = no and the list: without
        // res_sorcery_config Asterisk exits, without the others ARI, chan_rtp or Stasis() silently do not load.
        var loads = Section("modules_pbxbridge.conf", "modules").All("load").ToList();

        Assert.DoesNotContain("chan_local.so", loads);
        string[] needed = ["res_sorcery_config.so", "res_websocket_client.so", "res_stasis_recording.so", "res_stasis_snoop.so", "res_rtp_multicast.so", "app_stasis.so", "res_timing_timerfd.so", "func_callerid.so"];
        Assert.Empty(needed.Except(loads));
        Assert.Equal(loads.Count, loads.Distinct().Count());
    }

    [Fact]
    public void Renderer_fills_in_site_values_and_the_result_still_parses()
    {
        var values = new AsteriskRenderValues
        {
            PbxBridgeAddress = "10.0.0.5",
            HttpBindAddress = "10.0.0.2",
            HttpPort = 8090,
            AriUser = "bridge7",
            App = "pbxbridge-node7",
            AsteriskRtpStart = 20000,
            AsteriskRtpEnd = 20999,
        };

        var files = AsteriskConfigRenderer.Render(values).ToDictionary(f => f.RelativePath, f => f.Content);

        Assert.Equal(Directory.GetFiles(Folder).Select(p => Path.GetFileName(p)).Order(), files.Keys.Order());
        var sections = files.Where(f => f.Key.EndsWith(".conf", StringComparison.Ordinal))
            .ToDictionary(f => f.Key, f => AsteriskConfigReader.Read(f.Value, f.Key, Folder));
        Assert.Equal("10.0.0.2", sections["http.conf"].Single(s => s.Name == "general").Get("bindaddr"));
        Assert.Equal("8090", sections["http.conf"].Single(s => s.Name == "general").Get("bindport"));
        Assert.Equal("CHANGE-ME", sections["ari.conf"].Single(s => s.Name == "bridge7").Get("password"));
        Assert.Equal("20000", sections["rtp.conf"].Single(s => s.Name == "general").Get("rtpstart"));
        Assert.Equal("20999", sections["rtp.conf"].Single(s => s.Name == "general").Get("rtpend"));
        Assert.Equal("10.0.0.5/255.255.255.255", sections["acl.conf"].Single(s => s.Name == "pbxbridge").Get("permit"));
        Assert.Contains("Set(PBXBRIDGE_APP=pbxbridge-node7)", files["extensions_pbxbridge.conf"], StringComparison.Ordinal);
        Assert.Contains("GLOBAL(pbxbridge_node7_agent_${EXTEN})", files["extensions_pbxbridge.conf"], StringComparison.Ordinal);
        Assert.Contains("Stasis:pbxbridge-node7-1001", sections["queues_pbxbridge.conf"].Single(s => s.Name == "pbxbridge-support").All("member").First(), StringComparison.Ordinal);
        Assert.DoesNotContain("Stasis:pbxbridge-1", files["queues_pbxbridge.conf"], StringComparison.Ordinal);
        Assert.Contains("; the ARI user name", files["ari.conf"], StringComparison.Ordinal);
    }

    [Fact]
    public void Renderer_writes_the_password_only_when_given()
    {
        var files = AsteriskConfigRenderer.Render(new AsteriskRenderValues { AriPassword = "from-env-42" });

        var ari = AsteriskConfigReader.Read(files.Single(f => f.RelativePath == "ari.conf").Content, "ari.conf", Folder);
        Assert.Equal("from-env-42", ari.Single(s => s.Name == "pbxbridge").Get("password"));
    }

    [Fact]
    public void Render_values_carry_the_configured_password_so_ari_conf_matches_what_pbxbridge_logs_in_with()
    {
        var options = new AsteriskOptions { Password = "configured-7" };

        Assert.Equal("configured-7", AsteriskRenderValues.From(options, null, passwordOverride: null).AriPassword);
        Assert.Equal("from-env-42", AsteriskRenderValues.From(options, null, passwordOverride: "from-env-42").AriPassword);
        Assert.Equal("key-pass", AsteriskRenderValues.From(new AsteriskOptions { ApiKey = "bridge7:key-pass" }, null, null).AriPassword);
        Assert.Null(AsteriskRenderValues.From(new AsteriskOptions(), null, null).AriPassword);
    }

    private static AsteriskConfigSection Section(string file, string name) =>
        Assert.Single(AsteriskConfigReader.ReadFile(Path.Combine(Folder, file)), s => s.Name == name);

    private static string FindShippedFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "pbx-config", "asterisk");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("pbx-config/asterisk not found above " + AppContext.BaseDirectory);
    }
}
