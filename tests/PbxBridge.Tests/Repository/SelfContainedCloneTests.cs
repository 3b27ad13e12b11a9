using System.Text.RegularExpressions;

namespace PbxBridge.Tests.Repository;

/// <summary>
/// A clone must pass its own tests: recorded data (transcripts, offers, seeds) lives in the repository. The only thing
/// the code may take from a <c>shared/</c> folder beside the checkout is the real-PBX installer (<c>shared/pbx</c>),
/// and only where the real-PBX tests look for a PBX to run.
/// </summary>
public sealed partial class SelfContainedCloneTests
{
    private static readonly string[] Scanned = ["src", "tests", "bench", "scripts", "web", "test.sh", "run.sh", ".ci"];
    private static readonly string[] Skipped = ["bin", "obj", "node_modules", "wwwroot", "artifacts", "BenchmarkDotNet.Artifacts"];
    private static readonly HashSet<string> CodeExtensions =
        new(StringComparer.Ordinal) { ".cs", ".csproj", ".props", ".targets", ".mjs", ".js", ".sh", ".json", "" };

    [Fact]
    public void Nothing_but_the_real_pbx_tests_reaches_for_a_shared_folder_outside_the_clone()
    {
        var offenders = new List<string>();
        foreach (var file in Files())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (ReachesForShared(lines[i], Path.GetExtension(file)))
                {
                    offenders.Add($"{Path.GetRelativePath(Root, file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "these read recorded data from outside the clone (move it into the repository):\n" + string.Join('\n', offenders));
    }

    [Theory]
    [InlineData("var candidate = Path.Combine(dir.FullName, \"shared\", \"reference\", \"asterisk\", \"transcripts\");", ".cs")]
    [InlineData("File.ReadAllText(\"../../shared/reference/browser/chromium156-offer.sdp\")", ".cs")]
    [InlineData("<None Include=\"../../../shared/reference/freeswitch/transcripts/*.txt\" />", ".csproj")]
    [InlineData("seeds=\"$root/../shared/seeds\"", ".sh")]
    [InlineData("const offer = readFileSync('../../shared/reference/browser/chromium156-offer.sdp');", ".mjs")]
    public void The_scan_recognises_a_read_from_shared(string line, string extension) =>
        Assert.True(ReachesForShared(line, extension));

    [Theory]
    [InlineData("/// after a warm-up it is 25-44 ms (shared/reference/webrtc/DTLS-NOTES.md, pitfall 8).", ".cs")]
    [InlineData("// Why each flag is needed is written down in shared/reference/browser/NOTES.md.", ".mjs")]
    [InlineData("# the lab files in ../shared/reference are the provenance", ".sh")]
    [InlineData("var installer = Path.Combine(root, \"..\", \"shared\", \"pbx\", \"install.sh\");", ".cs")]
    [InlineData("  \"$shared_pbx/install.sh\" asterisk freeswitch   # ../shared/pbx", ".sh")]
    [InlineData("var sharedState = new SharedState();", ".cs")]
    public void Comments_the_pbx_installer_and_other_words_are_not_reads(string line, string extension) =>
        Assert.False(ReachesForShared(line, extension));

    private static bool ReachesForShared(string line, string extension)
    {
        var code = line.TrimStart();
        if (code.StartsWith("//", StringComparison.Ordinal) || code.StartsWith('#') || code.StartsWith("<!--", StringComparison.Ordinal) || code.StartsWith('*'))
        {
            return false;
        }

        var isCSharp = extension == ".cs";
        foreach (Match m in (isCSharp ? CSharpSharedSegment() : PathSharedSegment()).Matches(code))
        {
            // The real-PBX installer is the one thing the suite may take from beside the clone.
            var rest = code[(m.Index + m.Length)..];
            if (!PbxFollows().IsMatch(rest))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> Files()
    {
        foreach (var entry in Scanned)
        {
            var path = Path.Combine(Root, entry);
            if (File.Exists(path))
            {
                yield return path;
                continue;
            }

            if (!Directory.Exists(path))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(Root, file).Split(Path.DirectorySeparatorChar);
                if (relative.Any(part => Skipped.Contains(part, StringComparer.Ordinal)) || file.EndsWith(nameof(SelfContainedCloneTests) + ".cs", StringComparison.Ordinal))
                {
                    continue;
                }

                if (CodeExtensions.Contains(Path.GetExtension(file)))
                {
                    yield return file;
                }
            }
        }
    }

    private static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "PbxBridge.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("no PbxBridge.sln above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A C# string that is the segment "shared" or holds a path through it.</summary>
    [GeneratedRegex(@"""shared""|""[^""]*(?:^|[/\\])shared(?=[/\\])")]
    private static partial Regex CSharpSharedSegment();

    /// <summary>A path through a folder named shared in a script, project file or page.</summary>
    [GeneratedRegex(@"(?:^|[^\w.-])(?:\.\./)*shared(?=/)|\.\./shared\b")]
    private static partial Regex PathSharedSegment();

    [GeneratedRegex(@"^(?:\s*,\s*""|[/\\])pbx\b")]
    private static partial Regex PbxFollows();
}
