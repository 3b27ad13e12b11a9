using System.Diagnostics;
using System.Globalization;

namespace PbxBridge.Browser.Tests.Harness;

/// <summary>
/// A network namespace of its own for the browser, joined to the test's namespace (where PbxBridge runs) by a veth
/// pair: PbxBridge at <see cref="HostAddress"/>, the browser at <see cref="BrowserAddress"/>. The test sets
/// nftables rules inside the browser's namespace (what its network lets out) and may move the browser to another
/// address mid-call. Needs root (test.sh runs the browser tests as root in their own namespace; this one is a
/// sibling it creates and deletes). Disposing deletes the namespace, which takes the veth pair with it.
/// </summary>
public sealed class BrowserNetwork : IAsyncDisposable
{
    private static int _counter;
    private readonly string _hostInterface;

    private BrowserNetwork(string name, string hostInterface, int subnet)
    {
        Name = name;
        _hostInterface = hostInterface;
        Subnet = subnet;
    }

    /// <summary>The namespace's name, for <c>ip netns exec</c>.</summary>
    public string Name { get; }

    public int Subnet { get; }

    /// <summary>PbxBridge's address on the link (in the test's namespace).</summary>
    public string HostAddress => $"10.{Subnet}.0.1";

    /// <summary>The browser's first address on the link.</summary>
    public string BrowserAddress => $"10.{Subnet}.0.2";

    public static async Task<BrowserNetwork> CreateAsync()
    {
        var n = Interlocked.Increment(ref _counter);
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var name = $"pbxb-br-{pid}-{n}";
        // Interface names are at most 15 characters; these live in the test's own namespace, so only unique there.
        var host = $"pbxbh{n}";
        var subnet = 100 + (n % 100);
        var network = new BrowserNetwork(name, host, subnet);
        try
        {
            await RunAsync("ip", "netns", "add", name);
            await RunAsync("ip", "link", "add", host, "type", "veth", "peer", "name", "br0", "netns", name);
            await RunAsync("ip", "addr", "add", $"{network.HostAddress}/24", "dev", host);
            await RunAsync("ip", "link", "set", host, "up");
            await network.ExecAsync("ip", "link", "set", "lo", "up");
            await network.ExecAsync("ip", "addr", "add", $"{network.BrowserAddress}/24", "dev", "br0");
            await network.ExecAsync("ip", "link", "set", "br0", "up");
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }

        return network;
    }

    /// <summary>Loads an nftables ruleset (nft -f syntax) inside the browser's namespace.</summary>
    public Task ApplyNftablesAsync(string ruleset) => ExecWithInputAsync(ruleset, "nft", "-f", "-");

    /// <summary>The ruleset as nft lists it now (counters included).</summary>
    public Task<string> ListNftablesAsync() => ExecAsync("nft", "list", "ruleset");

    public Task<string> ExecAsync(params string[] command) => RunAsync(["ip", "netns", "exec", Name, .. command]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("ip", "netns", "del", Name);
        }
        catch (InvalidOperationException)
        {
            // Never created.
        }

        try
        {
            // Normally gone with its peer; a half-made pair would otherwise stay in the test's namespace.
            await RunAsync("ip", "link", "del", _hostInterface);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private Task<string> ExecWithInputAsync(string input, params string[] command) =>
        RunAsync(["ip", "netns", "exec", Name, .. command], input);

    private static Task<string> RunAsync(params string[] command) => RunAsync(command, input: null);

    private static async Task<string> RunAsync(string[] command, string? input)
    {
        var startInfo = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var word in command.Skip(1))
        {
            startInfo.ArgumentList.Add(word);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{command[0]} did not start");
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{string.Join(' ', command)}` failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }
}
