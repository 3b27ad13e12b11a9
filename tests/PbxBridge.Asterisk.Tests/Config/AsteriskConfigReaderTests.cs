namespace PbxBridge.Asterisk.Tests.Config;

public sealed class AsteriskConfigReaderTests
{
    [Fact]
    public void Reads_sections_settings_objects_comments_and_escaped_semicolons()
    {
        const string text = "[general]\nenabled = yes ; comment\n;-- block\nignored = 1\n--;\n[ctx](!)\nexten => 1,1,NoOp(a\\;b)\n same => n,Hangup()\n";

        var sections = AsteriskConfigReader.Read(text, "t.conf", ".");

        Assert.Equal(["general", "ctx"], sections.Select(s => s.Name));
        Assert.Equal("yes", sections[0].Get("enabled"));
        Assert.Null(sections[0].Get("ignored"));
        Assert.Equal("(!)", sections[1].Options);
        Assert.Equal("1,1,NoOp(a;b)", sections[1].Get("exten"));
        Assert.True(sections[1].Entries[0].IsObject);
        Assert.Equal("n,Hangup()", sections[1].Get("same"));
    }

    [Fact]
    public void Follows_include_relative_to_the_including_file()
    {
        var dir = Directory.CreateTempSubdirectory("pbxbridge-conf-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "extensions.conf"), "[globals]\n#include \"inner.conf\"\n");
            File.WriteAllText(Path.Combine(dir.FullName, "inner.conf"), "[inner]\nexten => s,1,Answer()\n");

            var sections = AsteriskConfigReader.ReadFile(Path.Combine(dir.FullName, "extensions.conf"));

            Assert.Equal(["globals", "inner"], sections.Select(s => s.Name));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("enabled = yes\n")]
    [InlineData("[general]\njust some words\n")]
    [InlineData("[general\n")]
    [InlineData("[general]\n#include nothere.conf\n")]
    [InlineData("[general]\n;-- never closed\n")]
    public void Rejects_what_asterisk_would_not_understand(string text) =>
        Assert.Throws<FormatException>(() => AsteriskConfigReader.Read(text, "bad.conf", Path.GetTempPath()));
}
