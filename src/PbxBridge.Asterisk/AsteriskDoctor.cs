using System.Globalization;
using PbxBridge.Asterisk.Ari;
using PbxBridge.Asterisk.Ari.Models;
using PbxBridge.Calls.Pbx;

namespace PbxBridge.Asterisk;

/// <summary>
/// `pbxbridge doctor` for Asterisk: ARI reachable and authenticated, version with externalMedia (16.6+), chan_rtp and
/// app_stasis loaded, our app registered, and the outbound context (which ARI cannot see). Never prints a password.
/// </summary>
public sealed class AsteriskDoctor : IPbxDoctor
{
    /// <summary>externalMedia appeared in Asterisk 16.6.</summary>
    public static readonly Version MinimumVersion = new(16, 6);

    private readonly AsteriskOptions _options;
    private readonly AriClient _client;

    public AsteriskDoctor(AsteriskOptions options, AriClient client)
    {
        _options = options;
        _client = client;
    }

    public async Task<IReadOnlyList<DoctorCheck>> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = new List<DoctorCheck>();
        AsteriskInfo info;
        try
        {
            info = await _client.GetInfoAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (AriException e) when (e.IsUnauthorized)
        {
            checks.Add(new DoctorCheck("ARI reachable", DoctorOutcome.Passed, $"{_options.Url} answered"));
            checks.Add(new DoctorCheck(
                "ARI authenticated",
                DoctorOutcome.Failed,
                $"401 from {_options.Url}: wrong ARI user or password (user '{_options.EffectiveUser}'); compare Pbx:Asterisk:User/Password with the [{_options.EffectiveUser}] section of ari.conf"));
            return checks;
        }
        catch (AriException e) when (e.IsNotFound)
        {
            checks.Add(new DoctorCheck("ARI reachable", DoctorOutcome.Failed, DescribeNotFound(e)));
            return checks;
        }
        catch (Exception e) when (e is AriException or HttpRequestException or TaskCanceledException)
        {
            checks.Add(new DoctorCheck(
                "ARI reachable",
                DoctorOutcome.Failed,
                $"cannot use ARI at {_options.Url}: {e.Message}. Check http.conf (enabled=yes, bindaddr/bindport) and ari.conf (enabled=yes)"));
            return checks;
        }

        checks.Add(new DoctorCheck("ARI reachable", DoctorOutcome.Passed, $"{_options.Url} answered"));
        checks.Add(new DoctorCheck("ARI authenticated", DoctorOutcome.Passed, $"user '{_options.EffectiveUser}' accepted"));
        checks.Add(CheckVersion(info.System?.Version));
        checks.Add(await CheckModuleAsync("chan_rtp.so", "externalMedia (UnicastRTP) channels", cancellationToken).ConfigureAwait(false));
        checks.Add(await CheckModuleAsync("app_stasis.so", "the dialplan's Stasis() that sends calls to agents", cancellationToken).ConfigureAwait(false));
        checks.Add(await CheckApplicationAsync(cancellationToken).ConfigureAwait(false));
        checks.Add(new DoctorCheck(
            $"dialplan context {OutboundContext()}",
            DoctorOutcome.NotChecked,
            $"ARI cannot read the dialplan; check with: asterisk -rx 'dialplan show {OutboundContext()}'"));
        return checks;
    }

    /// <summary>
    /// A 404 to GET /ari/asterisk/info. An HTML page is Asterisk's HTTP server (or another web server) without ARI on
    /// it: res_ari or a module it needs is not loaded (typical with autoload = no), ari.conf is disabled, or the URL
    /// is wrong. An ARI JSON 404 means ARI runs but res_ari_asterisk does not.
    /// </summary>
    private string DescribeNotFound(AriException e)
    {
        var url = _options.Url.TrimEnd('/');
        if (url.EndsWith("/ari", StringComparison.OrdinalIgnoreCase))
        {
            return $"{url}/ari/asterisk/info answered 404: Pbx:Asterisk:Url must be the http.conf address without /ari (e.g. {url[..^4]}); PbxBridge adds /ari itself";
        }

        if (e.AriMessage.TrimStart().StartsWith('<'))
        {
            return $"{url} answered HTTP but has no ARI (404 page for /ari/asterisk/info): res_ari.so is not loaded (with autoload = no, add every line of "
                + "modules_pbxbridge.conf to modules.conf; asterisk -rx 'module show like res_ari' lists what runs), ari.conf has enabled = no, "
                + "or Pbx:Asterisk:Url points at another web server";
        }

        return $"ARI at {url} answered 404 for /asterisk/info: res_ari_asterisk.so is not loaded; add 'load => res_ari_asterisk.so' (see modules_pbxbridge.conf)";
    }

    /// <summary>"22.10.1", "16.6.0-rc1", "GIT-master-abc" (a development build is given the benefit of the doubt).</summary>
    public static DoctorCheck CheckVersion(string? version)
    {
        const string name = "Asterisk version";
        if (string.IsNullOrEmpty(version))
        {
            return new DoctorCheck(name, DoctorOutcome.NotChecked, "ARI did not report a version");
        }

        var numeric = new string(version.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray()).Trim('.');
        var parts = numeric.Split('.', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return new DoctorCheck(name, DoctorOutcome.NotChecked, $"cannot compare version '{version}' with {MinimumVersion}");
        }

        return new Version(major, minor) >= MinimumVersion
            ? new DoctorCheck(name, DoctorOutcome.Passed, $"{version} (externalMedia needs {MinimumVersion}+)")
            : new DoctorCheck(name, DoctorOutcome.Failed, $"{version} is older than {MinimumVersion}: ARI externalMedia is missing; upgrade Asterisk");
    }

    private async Task<DoctorCheck> CheckModuleAsync(string module, string why, CancellationToken cancellationToken)
    {
        var name = $"module {module}";
        try
        {
            var loaded = await _client.GetModuleAsync(module, cancellationToken).ConfigureAwait(false);
            return string.Equals(loaded.Status, "Running", StringComparison.OrdinalIgnoreCase)
                ? new DoctorCheck(name, DoctorOutcome.Passed, "running")
                : new DoctorCheck(name, DoctorOutcome.Failed, $"status '{loaded.Status}': needed for {why}");
        }
        catch (AriException e) when (e.IsNotFound)
        {
            return new DoctorCheck(name, DoctorOutcome.Failed, $"not loaded: needed for {why}; add 'load => {module}' to modules.conf");
        }
        catch (Exception e) when (e is AriException or HttpRequestException or TaskCanceledException)
        {
            return new DoctorCheck(name, DoctorOutcome.NotChecked, e.Message);
        }
    }

    private async Task<DoctorCheck> CheckApplicationAsync(CancellationToken cancellationToken)
    {
        var name = $"ARI application {_options.Application}";
        try
        {
            var app = await _client.GetApplicationAsync(_options.Application, cancellationToken).ConfigureAwait(false);
            return new DoctorCheck(name, DoctorOutcome.Passed, $"registered ({app.ChannelIds.Count} channels, {app.BridgeIds.Count} bridges)");
        }
        catch (AriException e) when (e.IsNotFound)
        {
            return new DoctorCheck(
                name,
                DoctorOutcome.Failed,
                $"not registered: Asterisk knows the app only after `pbxbridge run` has connected to /ari/events?app={_options.Application}",
                NeedsRunningService: true);
        }
        catch (Exception e) when (e is AriException or HttpRequestException or TaskCanceledException)
        {
            return new DoctorCheck(name, DoctorOutcome.NotChecked, e.Message);
        }
    }

    private string OutboundContext()
    {
        var at = _options.DialTemplate.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? "pbxbridge-outbound" : _options.DialTemplate[(at + 1)..];
    }
}
