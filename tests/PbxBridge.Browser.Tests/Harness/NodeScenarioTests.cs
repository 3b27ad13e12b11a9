using System.Text.Json;

namespace PbxBridge.Browser.Tests.Harness;

public sealed class NodeScenarioTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nodescenario-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Last_json_line_on_stdout_is_the_result_and_arguments_reach_the_script()
    {
        var script = Script("""
            console.log('starting');
            console.log(JSON.stringify({ step: 1 }));
            console.log(JSON.stringify({ ok: true, args: process.argv.slice(2), cwd: process.cwd() }));
            """);

        var result = await NodeScenario.RunAsync(script, ["--number=601", "two words"], TimeSpan.FromSeconds(20));

        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.Equal(["--number=601", "two words"], result.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(RepoPaths.BrowserTests, result.GetProperty("cwd").GetString());
    }

    [Fact]
    public async Task Failing_script_reports_its_error_and_stderr()
    {
        var script = Script("""
            console.error('the browser said: boom');
            console.log(JSON.stringify({ ok: false, error: 'no tone' }));
            process.exit(1);
            """);

        var failure = await Assert.ThrowsAsync<NodeScenarioFailedException>(
            () => NodeScenario.RunAsync(script, [], TimeSpan.FromSeconds(20)));

        Assert.Contains("no tone", failure.Message, StringComparison.Ordinal);
        Assert.Contains("the browser said: boom", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Script_without_a_json_result_fails_even_with_exit_code_zero()
    {
        var script = Script("console.log('done, but no result');");

        var failure = await Assert.ThrowsAsync<NodeScenarioFailedException>(
            () => NodeScenario.RunAsync(script, [], TimeSpan.FromSeconds(20)));

        Assert.Contains("no JSON result line", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Script_that_hangs_is_killed_at_the_timeout()
    {
        var script = Script("console.error('waiting forever'); setInterval(() => {}, 1000);");

        var failure = await Assert.ThrowsAsync<TimeoutException>(
            () => NodeScenario.RunAsync(script, [], TimeSpan.FromSeconds(2)));

        Assert.Contains("waiting forever", failure.Message, StringComparison.Ordinal);
    }

    private string Script(string body)
    {
        var path = Path.Combine(_dir.FullName, $"{Guid.NewGuid():N}.mjs");
        File.WriteAllText(path, body);
        return path;
    }
}
