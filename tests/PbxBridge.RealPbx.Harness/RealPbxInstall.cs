namespace PbxBridge.RealPbx.Harness;

/// <summary>
/// Where the real PBXs for the interop scenarios are. <c>PBXBRIDGE_TEST_ASTERISK</c> / <c>PBXBRIDGE_TEST_FREESWITCH</c>
/// name an installation prefix (test.sh sets them after installing the builds from shared/pbx beside the clone, or
/// passes on what the user set). Unset or <c>none</c>: the scenarios are skipped, and say why.
/// </summary>
public static class RealPbxInstall
{
    /// <summary>The Asterisk prefix (holding sbin/asterisk), or null.</summary>
    public static string? Asterisk => Find("PBXBRIDGE_TEST_ASTERISK", Path.Combine("sbin", "asterisk"));

    /// <summary>The FreeSWITCH prefix (holding bin/freeswitch and bin/fs_cli), or null.</summary>
    public static string? FreeSwitch => Find("PBXBRIDGE_TEST_FREESWITCH", Path.Combine("bin", "freeswitch"));

    public const string AsteriskMissing =
        "real-PBX interop: skipped, no Asterisk (./test.sh uses ../shared/pbx when it is beside the clone, or set PBXBRIDGE_TEST_ASTERISK=PREFIX; see README)";

    public const string FreeSwitchMissing =
        "real-PBX interop: skipped, no FreeSWITCH (./test.sh uses ../shared/pbx when it is beside the clone, or set PBXBRIDGE_TEST_FREESWITCH=PREFIX; see README)";

    private static string? Find(string variable, string binary)
    {
        var configured = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(configured) || configured == "none")
        {
            return null;
        }

        return File.Exists(Path.Combine(configured, binary))
            ? configured
            : throw new InvalidOperationException($"{variable}={configured} holds no {binary}");
    }
}
