using System.Net;
using System.Net.Sockets;
using System.Text;
using PbxBridge.FreeSwitch.Simulator;

namespace PbxBridge.FreeSwitch.Tests.Esl;

/// <summary>
/// Plays FreeSWITCH's side of a recorded transcript on a loopback socket: writes each S-&gt;C block as recorded and,
/// for each C-&gt;S block, reads one command (up to its blank line) and records it so a test can compare it byte for byte.
/// </summary>
internal sealed class TranscriptReplayServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task _run;

    public TranscriptReplayServer(IReadOnlyList<TranscriptBlock> blocks, Func<string, string, string>? rewriteServerBlock = null)
    {
        _listener.Start();
        _run = Task.Run(() => RunAsync(blocks, rewriteServerBlock ?? ((text, _) => text)));
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>What the client sent, one entry per C-&gt;S block of the transcript.</summary>
    public List<string> Received { get; } = [];

    public Task Completion => _run;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or TimeoutException)
        {
        }
    }

    private async Task RunAsync(IReadOnlyList<TranscriptBlock> blocks, Func<string, string, string> rewrite)
    {
        using var client = await _listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var lastCommand = string.Empty;
        foreach (var block in blocks)
        {
            if (block.FromFreeSwitch)
            {
                var text = rewrite(block.Text, lastCommand);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(text));
            }
            else if (block.ToFreeSwitch)
            {
                lastCommand = await ReadCommandAsync(stream);
                Received.Add(lastCommand);
            }
        }

        // FreeSWITCH closes after a disconnect-notice; the transcripts end there.
        client.Client.Shutdown(SocketShutdown.Both);
    }

    private static async Task<string> ReadCommandAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 2 || bytes[^1] != '\n' || bytes[^2] != '\n')
        {
            if (await stream.ReadAsync(one) == 0)
            {
                break;
            }

            bytes.Add(one[0]);
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}
