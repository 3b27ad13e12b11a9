using PbxBridge.Media.Opus;

namespace PbxBridge.Media.Tests.Opus;

public sealed class OpusLibraryTests
{
    [Fact]
    public void Missing_library_names_the_Debian_package_to_install()
    {
        var error = Assert.Throws<OpusLibraryMissingException>(() => OpusLibrary.EnsureAvailable("libopus-not-installed.so.0"));
        Assert.Contains("libopus is missing: install the Debian package libopus0 (apt-get install libopus0)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Installed_library_reports_its_version()
    {
        OpusLibrary.EnsureAvailable();
        Assert.StartsWith("libopus 1.", OpusLibrary.VersionString, StringComparison.Ordinal);
    }
}
