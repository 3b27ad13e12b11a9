namespace PbxBridge.Calls.Pbx;

/// <summary>One rendered PBX configuration snippet: `pbxbridge config render` writes it under the output folder.</summary>
/// <param name="RelativePath">Path below the output folder, e.g. "ari.conf" or "autoload_configs/acl.conf.xml".</param>
/// <param name="Content">The file's text with this site's values filled in.</param>
public sealed record PbxConfigFile(string RelativePath, string Content);
