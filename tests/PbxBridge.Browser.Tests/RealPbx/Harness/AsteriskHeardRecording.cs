using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using PbxBridge.RealPbx.Harness;

namespace PbxBridge.Browser.Tests.RealPbx.Harness;

/// <summary>
/// What a dialplan caller hears, on an Asterisk whose build has neither MixMonitor nor Record (the suite's): an ARI snoop
/// on the caller's channel with <c>spy=in</c> (the audio the channel reads: what reaches the caller from the far side,
/// not its own tone), recorded with <c>POST /channels/{snoop}/record</c> into the PBX's spool. The snoop channel lives
/// in an application of the test's own, which needs an events WebSocket open for as long as it records; the snoop
/// ends with the caller's channel, and the recording with it.
/// </summary>
public sealed class AsteriskHeardRecording : IAsyncDisposable
{
    /// <summary>The test's ARI application the snoop channels enter (not PbxBridge's, which would treat them as calls).</summary>
    public const string Application = "lab-heard";

    private readonly RealAsterisk _pbx;
    private readonly HttpClient _http;
    private readonly ClientWebSocket _events = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _drain = Task.CompletedTask;

    private AsteriskHeardRecording(RealAsterisk pbx)
    {
        _pbx = pbx;
        _http = new HttpClient { BaseAddress = new Uri(pbx.AriUrl + "/ari/"), Timeout = TimeSpan.FromSeconds(10) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RealAsterisk.AriUser}:{pbx.AriPassword}")));
    }

    /// <summary>Registers the application (its events WebSocket) so that snoop channels can enter it.</summary>
    public static async Task<AsteriskHeardRecording> ConnectAsync(RealAsterisk pbx)
    {
        ArgumentNullException.ThrowIfNull(pbx);
        var recording = new AsteriskHeardRecording(pbx);
        var events = new Uri($"ws://127.0.0.1:8088/ari/events?app={Application}&api_key={RealAsterisk.AriUser}:{pbx.AriPassword}");
        await recording._events.ConnectAsync(events, CancellationToken.None);
        recording._drain = recording.DrainAsync();
        return recording;
    }

    /// <summary>
    /// Waits for the channel whose name starts with <paramref name="namePrefix"/> and ends with <paramref name="nameSuffix"/>
    /// (a Local caller's ;1 half), snoops what it hears and records that; returns the WAV's path, complete once the
    /// channel is gone.
    /// </summary>
    public async Task<string> RecordWhatItHearsAsync(string namePrefix, string nameSuffix)
    {
        string? channelId = null;
        Assert.True(
            await Poll.UntilAsync(async () => (channelId = await FindChannelAsync(namePrefix, nameSuffix)) is not null, TimeSpan.FromSeconds(10)),
            $"Asterisk has no channel {namePrefix}…{nameSuffix}: {await _http.GetStringAsync(new Uri("channels", UriKind.Relative))}");

        // Asterisk records only into an existing folder (without it: 500, "No such file or directory" in its log);
        // an installed Asterisk has /var/spool/asterisk/recording, the lab's private run folder has to be given one.
        var folder = Directory.CreateDirectory(Path.Combine(_pbx.RunDirectory, "spool", "recording")).FullName;
        var snoopId = "lab-heard-" + Guid.NewGuid().ToString("N")[..12];
        await PostAsync($"channels/{channelId}/snoop?spy=in&whisper=none&app={Application}&snoopId={snoopId}");
        var name = "heard-" + Guid.NewGuid().ToString("N")[..12];

        // The snoop channel enters the application on a thread of its own: record is refused until it is there.
        Assert.True(
            await Poll.UntilAsync(async () => await TryPostAsync($"channels/{snoopId}/record?name={name}&format=wav&ifExists=overwrite&beep=false"), TimeSpan.FromSeconds(10)),
            $"the snoop {snoopId} on {channelId} never started recording");
        return Path.Combine(folder, name + ".wav");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_events.State == WebSocketState.Open)
            {
                // Only the close frame: the reader below receives Asterisk's reply and returns.
                await _events.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            }

            await _drain.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or TimeoutException)
        {
            // Asterisk already gone, or slow to reply: the socket is aborted below either way.
        }

        await _stop.CancelAsync();

        _events.Dispose();
        _stop.Dispose();
        _http.Dispose();
    }

    private async Task<string?> FindChannelAsync(string namePrefix, string nameSuffix)
    {
        using var channels = JsonDocument.Parse(await _http.GetStringAsync(new Uri("channels", UriKind.Relative)));
        return channels.RootElement.EnumerateArray()
            .Where(c => c.GetProperty("name").GetString() is { } n && n.StartsWith(namePrefix, StringComparison.Ordinal) && n.EndsWith(nameSuffix, StringComparison.Ordinal))
            .Select(c => c.GetProperty("id").GetString())
            .FirstOrDefault();
    }

    private async Task PostAsync(string path)
    {
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), null);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<bool> TryPostAsync(string path)
    {
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), null);
        return response.IsSuccessStatusCode;
    }

    // The application's events are not needed, but they are read so that Asterisk never waits on a full socket.
    private async Task DrainAsync()
    {
        var buffer = new byte[16384];
        while (!_stop.IsCancellationRequested && _events.State == WebSocketState.Open)
        {
            var received = await _events.ReceiveAsync(buffer, _stop.Token);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
        }
    }
}
