using System.Globalization;
using PbxBridge.Testing;

namespace PbxBridge.RealPbx.Harness;

/// <summary>
/// A real Asterisk in a private run folder, set up as a site would have it before PbxBridge arrives (the lab's stock
/// files: directories, autoload, logger, a MOH class; and the site's own dialplan), then wired for PbxBridge only by
/// <c>pbxbridge config render</c> and the install steps of pbx-config/asterisk/README.md, run as written while
/// Asterisk is up. It runs in the test's network namespace; ARI on 127.0.0.1:8088 as the shipped http.conf says.
/// </summary>
public sealed class RealAsterisk : IRealPbx<RealAsterisk>
{
    /// <summary>The site's music on hold: a 440 Hz tone, so the held party's ear can be checked by frequency.</summary>
    public const double MusicOnHoldHz = 440;

    /// <summary>Milliwatt's tone.</summary>
    public const double MilliwattHz = 1004;

    /// <summary>What 606 plays before it answers (Progress() + Playtones).</summary>
    public const double EarlyToneHz = 1400;

    public const string AriUser = "pbxbridge";

    private readonly string _prefix;
    private PbxProcess? _process;

    private RealAsterisk(string prefix, string run)
    {
        _prefix = prefix;
        RunDirectory = run;
    }

    public string RunDirectory { get; }

    public string AriPassword { get; } = "ari-" + Guid.NewGuid().ToString("N")[..16];

    public string AriUrl => "http://127.0.0.1:8088";

    /// <summary>PbxBridge's settings for this Asterisk (as an admin writes them into pbxbridge.json).</summary>
    public IReadOnlyList<string> PbxBridgeSettings =>
    [
        "--Pbx:Kind=Asterisk",
        $"--Pbx:Asterisk:Url={AriUrl}",
        $"--Pbx:Asterisk:User={AriUser}",
        $"--Pbx:Asterisk:Password={AriPassword}",
    ];

    public string ConsoleOutput => _process?.ConsoleOutput ?? string.Empty;

    public static string? MissingReason => RealPbxInstall.Asterisk is null ? RealPbxInstall.AsteriskMissing : null;

    /// <summary>Boots Asterisk with the site's stock configuration (no PbxBridge files yet).</summary>
    public static async Task<RealAsterisk> StartAsync()
    {
        var prefix = RealPbxInstall.Asterisk ?? throw new InvalidOperationException(RealPbxInstall.AsteriskMissing);
        var run = Directory.CreateTempSubdirectory("real-asterisk-").FullName;
        var asterisk = new RealAsterisk(prefix, run);
        asterisk.WriteSiteConfiguration();
        await asterisk.BootAsync();
        return asterisk;
    }

    /// <summary>
    /// What the admin does: render the snippets with PbxBridge's own settings, then run the README's install steps
    /// with <c>asterisk</c> meaning this instance's CLI.
    /// </summary>
    public async Task InstallPbxBridgeConfigurationAsync(IEnumerable<string> pbxBridgeSettings)
    {
        await RunDocumentedStepsAsync(null, pbxBridgeSettings);
        await WaitForAriAsync();
    }

    /// <summary>
    /// Runs a named block of pbx-config/asterisk/README.md (<c>install-steps:NAME</c>; null: the install steps) as the
    /// admin would on this Asterisk, with <paramref name="variables"/> set too; returns what it printed.
    /// </summary>
    public Task<string> RunDocumentedStepsAsync(string? name, IEnumerable<string> pbxBridgeSettings, IReadOnlyDictionary<string, string>? variables = null)
    {
        var environment = AdminShell.Environment(
            Path.Combine(RunDirectory, "bin"),
            new Dictionary<string, string> { ["asterisk"] = $"{AsteriskBinary} -C {ConfigFile}" },
            pbxBridgeSettings);
        environment["RENDERED"] = Path.Combine(RunDirectory, "rendered");
        environment["ASTERISK_ETC"] = Path.Combine(RunDirectory, "etc");
        foreach (var (key, value) in variables ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return DocumentedSteps.RunAsync(DocumentedSteps.Extract("pbx-config/asterisk/README.md", name), environment, TimeSpan.FromSeconds(90));
    }

    /// <summary><c>asterisk -rx COMMAND</c> against this instance.</summary>
    public Task<string> RxAsync(string command) => PbxProcess.RunCliAsync(AsteriskBinary, "-C", ConfigFile, "-rx", command);

    /// <summary>Active channels, from <c>core show channels count</c>.</summary>
    public async Task<int> ChannelCountAsync()
    {
        var output = await RxAsync("core show channels count");
        var line = output.Split('\n').FirstOrDefault(l => l.Contains("active channel", StringComparison.Ordinal));
        return line is null ? -1 : int.Parse(line.Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>Bridges, from <c>bridge show all</c> (its first line is "Bridge-ID Chans Type Technology ...", then one a bridge).</summary>
    public async Task<int> BridgeCountAsync()
    {
        var output = await RxAsync("bridge show all");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Length > 9 && l[8] == '-' && l[..8].All(char.IsAsciiHexDigitLower));
    }

    /// <summary>Waits until Asterisk has no channel and no bridge left; false with what is left otherwise.</summary>
    public async Task<(bool Clean, string Left)> WaitCleanAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await ChannelCountAsync() == 0 && await BridgeCountAsync() == 0)
            {
                return (true, string.Empty);
            }

            if (DateTime.UtcNow > deadline)
            {
                return (false, await RxAsync("core show channels") + await RxAsync("bridge show all"));
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Stops Asterisk: <c>core stop now</c>, or SIGKILL with <paramref name="kill"/>.</summary>
    public async Task StopAsync(bool kill = false)
    {
        if (_process is null)
        {
            return;
        }

        await _process.StopAsync(kill, () => RxAsync("core stop now"));
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts the same installation again (after <see cref="StopAsync"/>), configuration as it was left.</summary>
    public async Task BootAsync()
    {
        _process = PbxProcess.Start(AsteriskBinary, "-f", "-C", ConfigFile);
        await _process.WaitReadyAsync(async () => (await RxAsync("core waitfullybooted")).Contains("fully booted", StringComparison.Ordinal), "Asterisk");
        if (File.Exists(Path.Combine(RunDirectory, "etc", "ari.conf")))
        {
            await WaitForAriAsync();
        }
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

    private string AsteriskBinary => Path.Combine(_prefix, "sbin", "asterisk");

    private string ConfigFile => Path.Combine(RunDirectory, "etc", "asterisk.conf");

    private async Task WaitForAriAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(AriUrl + "/ari/asterisk/info"));
                if ((int)response.StatusCode is 200 or 401)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but slow.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"ARI never answered on {AriUrl}:\n{ConsoleOutput}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>
    /// The files a site has before PbxBridge: the lab layout (one private folder for everything), autoload, a MOH class
    /// playing a known tone, and a dialplan of its own: echo, Milliwatt, a digit reader, a digit sender, early media, the shipped example queue.
    /// </summary>
    private void WriteSiteConfiguration()
    {
        var etc = Path.Combine(RunDirectory, "etc");
        foreach (var dir in new[] { "etc", "varlib", "run", "log", "spool", "agi", "moh" })
        {
            Directory.CreateDirectory(Path.Combine(RunDirectory, dir));
        }

        File.WriteAllText(Path.Combine(etc, "asterisk.conf"), $"""
            [directories]
            astetcdir => {etc}
            astmoddir => {_prefix}/lib/asterisk/modules
            astvarlibdir => {RunDirectory}/varlib
            astdbdir => {RunDirectory}/varlib
            astkeydir => {RunDirectory}/varlib
            astdatadir => {_prefix}/var/lib/asterisk
            astagidir => {RunDirectory}/agi
            astspooldir => {RunDirectory}/spool
            astrundir => {RunDirectory}/run
            astlogdir => {RunDirectory}/log
            astsbindir => {_prefix}/sbin

            [options]
            verbose = 3
            documentation_language = en_US
            entityid = 02:00:00:00:0a:57

            """);
        File.WriteAllText(Path.Combine(etc, "modules.conf"), "[modules]\nautoload = yes\nnoload => res_stasis_test.so\n");
        File.WriteAllText(Path.Combine(etc, "logger.conf"), "[general]\ndateformat = %F %T.%3q\n[logfiles]\nconsole => notice,warning,error\nfull => notice,warning,error,verbose,debug,dtmf\n");
        File.WriteAllText(Path.Combine(etc, "musiconhold.conf"), $"[default]\nmode = files\ndirectory = {RunDirectory}/moh\n");
        Sox.Tone(Path.Combine(RunDirectory, "moh", "tone440.wav"), MusicOnHoldHz, 10);
        // The site's queue is PbxBridge's shipped example, as an admin would take it: agents 1001 and 1002, each with
        // PbxBridge's device state as state_interface.
        File.Copy(Path.Combine(RepoPaths.Root, "pbx-config", "asterisk", "queues_pbxbridge.conf"), Path.Combine(etc, "queues_pbxbridge.conf"));
        File.WriteAllText(Path.Combine(etc, "queues.conf"), "[general]\n#include queues_pbxbridge.conf\n");
        // The build has no SIP phone to hold a call from: a bridge feature run with a music class holds the channel
        // that ran it (ChannelHold on it, the hold into the bridge) as res_pjsip does for a phone's sendonly re-INVITE.
        File.WriteAllText(Path.Combine(etc, "features.conf"), "[general]\n[applicationmap]\nlab-hold => *7,self,Wait(8),default\n");
        File.WriteAllText(Path.Combine(etc, "extensions.conf"), """
            [general]
            [globals]
            ; The site's own dialplan: what desk phones dial (pbxbridge-outbound sends agents' calls here).
            [default]
            exten => 600,1,Answer()
             same => n,Echo()
            exten => 601,1,Answer()
             same => n,Milliwatt()
            ; 603 sends four keys toward the caller, 604 reads four and keeps them in a global (`dialplan show globals`).
            exten => 603,1,Answer()
             same => n,Wait(2)
             same => n,SendDTMF(1234,250,200)
             same => n,Echo()
            exten => 604,1,Answer()
             same => n,Read(DIGITS,,4,,1,15)
             same => n,Set(GLOBAL(LAB_DIGITS)=${DIGITS})
             same => n,Milliwatt()
            ; 606 has early media: a 1400 Hz tone before the answer (Progress: 183 with SDP), then answers into Echo.
            exten => 606,1,Progress()
             same => n,Playtones(1400)
             same => n,Wait(6)
             same => n,StopPlaytones()
             same => n,Answer()
             same => n,Echo()

            ; What trunks and desk phones use to reach agents in these tests: a caller id, or none (withheld).
            [lab-caller]
            exten => _X.,1,Set(CALLERID(all)="Customer" <5551234>)
             same => n,Goto(pbxbridge-agents,${EXTEN},1)
            [lab-withheld]
            exten => _X.,1,Set(CALLERID(num)=)
             same => n,Set(CALLERID(name)=)
             same => n,Goto(pbxbridge-agents,${EXTEN},1)
            [lab-queue]
            exten => 500,1,Answer()
             same => n,Queue(pbxbridge-support,t)
            ; 501: the same queue for a caller who can hold (features.conf lab-hold): *7 runs Wait(8) with music on hold,
            ; which holds the caller's channel as a phone's own hold does (ChannelHold) and resumes it after 8 s.
            exten => 501,1,Answer()
             same => n,Set(DYNAMIC_FEATURES=lab-hold)
             same => n,Queue(pbxbridge-support,t)

            """);
    }
}
