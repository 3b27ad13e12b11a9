using System.Text.RegularExpressions;
using PbxBridge.Testing;

namespace PbxBridge.RealPbx.Harness;

/// <summary>
/// A real FreeSWITCH in a private run folder: vanilla's configuration plus only what an offline lab needs (an address
/// for external_rtp_ip/external_sip_ip, a default_password that is not 1234, mod_callcenter, a hold music that is a
/// known tone) and the site's own test extensions; then wired for PbxBridge only by <c>pbxbridge config render</c> and
/// the install steps of pbx-config/freeswitch/README.md, run as written on the running switch.
/// </summary>
public sealed partial class RealFreeSwitch : IRealPbx<RealFreeSwitch>
{
    public const double HoldMusicHz = 440;
    public const double ToneHz = 1004;

    /// <summary>What 606 plays before it answers.</summary>
    public const double EarlyToneHz = 440;

    private readonly string _prefix;
    private PbxProcess? _process;

    private RealFreeSwitch(string prefix, string run)
    {
        _prefix = prefix;
        RunDirectory = run;
    }

    public string RunDirectory { get; }

    /// <summary>The event socket's password once PbxBridge's files are in (before: vanilla's ClueCon).</summary>
    public string EslPassword { get; } = "esl-" + Guid.NewGuid().ToString("N")[..16];

    public IReadOnlyList<string> PbxBridgeSettings =>
    [
        "--Pbx:Kind=FreeSwitch",
        "--Pbx:FreeSwitch:EslHost=127.0.0.1",
        "--Pbx:FreeSwitch:EslPort=8021",
        $"--Pbx:FreeSwitch:EslPassword={EslPassword}",
    ];

    public static string? MissingReason => RealPbxInstall.FreeSwitch is null ? RealPbxInstall.FreeSwitchMissing : null;

    public static async Task<RealFreeSwitch> StartAsync()
    {
        var prefix = RealPbxInstall.FreeSwitch ?? throw new InvalidOperationException(RealPbxInstall.FreeSwitchMissing);
        var run = Directory.CreateTempSubdirectory("real-freeswitch-").FullName;
        var freeSwitch = new RealFreeSwitch(prefix, run);
        freeSwitch.WriteSiteConfiguration();
        await freeSwitch.BootAsync("ClueCon");
        return freeSwitch;
    }

    /// <summary>Render and install PbxBridge's files by the README's steps, on the running switch.</summary>
    public async Task InstallPbxBridgeConfigurationAsync(IEnumerable<string> pbxBridgeSettings)
    {
        var environment = AdminShell.Environment(
            Path.Combine(RunDirectory, "bin"),
            new Dictionary<string, string> { ["fs_cli"] = $"{FsCli} -H 127.0.0.1 -P 8021" },
            pbxBridgeSettings);
        environment["FS_CONF"] = Conf;
        environment["DIR"] = Path.Combine(RunDirectory, "rendered");
        await DocumentedSteps.RunAsync(DocumentedSteps.Extract("pbx-config/freeswitch/README.md"), environment, TimeSpan.FromSeconds(90));
    }

    /// <summary><c>fs_cli -x COMMAND</c> with PbxBridge's event socket password.</summary>
    public Task<string> ApiAsync(string command) => FsCliAsync(EslPassword, command);

    public async Task<int> ChannelCountAsync()
    {
        var output = await ApiAsync("show channels count");
        var match = TotalPattern().Match(output);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    public async Task<(bool Clean, string Left)> WaitCleanAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await ChannelCountAsync() != 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                return (false, await ApiAsync("show channels"));
            }

            await Task.Delay(200);
        }

        return (true, string.Empty);
    }

    /// <summary>Stops FreeSWITCH: <c>fsctl shutdown</c>, or SIGKILL with <paramref name="kill"/>.</summary>
    public async Task StopAsync(bool kill = false)
    {
        if (_process is null)
        {
            return;
        }

        await _process.StopAsync(kill, () => ApiAsync("fsctl shutdown"));
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts the installation as it was left; ready when the event socket answers <c>status</c>.</summary>
    public async Task BootAsync(string? password = null)
    {
        _process = PbxProcess.Start(
            Path.Combine(_prefix, "bin", "freeswitch"),
            "-nf", "-nc", "-nonat", "-conf", Conf, "-log", Dir("log"), "-db", Dir("db"), "-run", Dir("run"), "-temp", Dir("tmp"));
        await _process.WaitReadyAsync(async () => (await FsCliAsync(password ?? EslPassword, "status")).Contains("UP", StringComparison.Ordinal), "FreeSWITCH");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(kill: true);
        try
        {
            Directory.Delete(RunDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process: the temporary folder is reclaimed later.
        }
    }

    private string Conf => Path.Combine(RunDirectory, "conf");

    private string FsCli => Path.Combine(_prefix, "bin", "fs_cli");

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(RunDirectory, name)).FullName;

    private Task<string> FsCliAsync(string password, string command) =>
        PbxProcess.RunCliAsync(FsCli, "-H", "127.0.0.1", "-P", "8021", "-p", password, "-T", "3000", "-t", "5000", "-x", command);

    private void WriteSiteConfiguration()
    {
        CopyDirectory(Path.Combine(_prefix, "conf"), Conf);
        var vars = Path.Combine(Conf, "vars.xml");
        var text = File.ReadAllText(vars);
        // Offline, the stun: lookups of vanilla's external_*_ip cannot resolve and mod_sofia refuses to load.
        text = text.Replace("data=\"external_rtp_ip=stun:stun.freeswitch.org\"", "data=\"external_rtp_ip=127.0.0.1\"", StringComparison.Ordinal)
            .Replace("data=\"external_sip_ip=stun:stun.freeswitch.org\"", "data=\"external_sip_ip=127.0.0.1\"", StringComparison.Ordinal)
            // Vanilla's 1234 makes every call into `default` sleep 10 s first.
            .Replace("data=\"default_password=1234\"", "data=\"default_password=lab-not-1234\"", StringComparison.Ordinal)
            // No sound files ship: the site's hold music is a known tone.
            .Replace("data=\"hold_music=local_stream://moh\"", $"data=\"hold_music=tone_stream://%(10000,0,{HoldMusicHz});loops=-1\"", StringComparison.Ordinal);
        File.WriteAllText(vars, text);
        // The site's queue is PbxBridge's shipped mod_callcenter example: agents 1001 and 1002 in pbxbridge-support@default.
        File.Copy(Path.Combine(RepoPaths.Root, "pbx-config", "freeswitch", "autoload_configs", "callcenter.conf.xml"), Path.Combine(Conf, "autoload_configs", "callcenter.conf.xml"), overwrite: true);
        var modules = Path.Combine(Conf, "autoload_configs", "modules.conf.xml");
        File.WriteAllText(modules, File.ReadAllText(modules).Replace("<!--<load module=\"mod_callcenter\"/>-->", "<load module=\"mod_callcenter\"/>", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(Conf, "dialplan", "default", "01_lab.xml"), $$"""
            <include>
              <extension name="lab-echo"><condition field="destination_number" expression="^600$">
                <action application="answer"/><action application="echo"/></condition></extension>
              <extension name="lab-tone"><condition field="destination_number" expression="^601$">
                <action application="answer"/><action application="playback" data="tone_stream://%(10000,0,{{ToneHz}});loops=-1"/></condition></extension>
              <extension name="lab-send-digits"><condition field="destination_number" expression="^603$">
                <action application="answer"/><action application="sleep" data="2000"/><action application="send_dtmf" data="1234@250"/><action application="echo"/></condition></extension>
              <extension name="lab-read-digits"><condition field="destination_number" expression="^604$">
                <action application="answer"/>
                <action application="read" data="4 4 silence_stream://250 lab_digits 15000 #"/>
                <action application="hash" data="insert/lab/digits/${lab_digits}"/>
                <action application="playback" data="tone_stream://%(10000,0,{{ToneHz}});loops=-1"/></condition></extension>
              <!-- 606 plays a 440 Hz tone before answering (pre_answer: 183 with SDP), answers after 6 s and plays 1004 Hz. -->
              <extension name="lab-early-media"><condition field="destination_number" expression="^606$">
                <action application="pre_answer"/>
                <action application="playback" data="tone_stream://%(6000,0,{{EarlyToneHz}})"/>
                <action application="answer"/>
                <action application="playback" data="tone_stream://%(10000,0,{{ToneHz}});loops=-1"/></condition></extension>
              <extension name="lab-queue"><condition field="destination_number" expression="^500$">
                <action application="answer"/><action application="callcenter" data="pbxbridge-support@default"/></condition></extension>
            </include>
            """);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
        }
    }

    [GeneratedRegex(@"(\d+) total")]
    private static partial Regex TotalPattern();
}
