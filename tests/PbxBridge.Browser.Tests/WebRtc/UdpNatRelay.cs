using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace PbxBridge.Browser.Tests.WebRtc;

/// <summary>
/// A NAT between Chromium and the endpoint, on loopback: Chromium talks to the relay's front socket (the answer's
/// candidate is rewritten to it), and the relay forwards to the endpoint from a back socket, as a NAT's public
/// mapping. <see cref="Rebind"/> moves to a new back socket, as a NAT that lost its mapping (or a phone that changed
/// network) does: from then on the endpoint sees Chromium at a new address, with Chromium's own fresh checks.
/// <see cref="StartReplaying"/> plays the attacker on the path: it copies the last Binding request Chromium sent and
/// sends that same datagram from a socket of its own every 40 ms, counting what the endpoint sends it.
/// </summary>
internal sealed partial class UdpNatRelay : IAsyncDisposable
{
    private readonly Socket _front = Bound();
    private readonly Socket _attacker = Bound();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly Lock _gate = new();
    private Socket _back = Bound();
    private IPEndPoint? _endpoint;
    private IPEndPoint? _browser;
    private byte[]? _lastCheck;
    private int _attackerReceived;
    private int _replaysSent;

    public IPEndPoint BackAddress => (IPEndPoint)Volatile.Read(ref _back).LocalEndPoint!;

    /// <summary>Datagrams of any kind the endpoint sent to the attacker's socket.</summary>
    public int AttackerReceived => Volatile.Read(ref _attackerReceived);

    public int ReplaysSent => Volatile.Read(ref _replaysSent);

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>Points the relay at the endpoint the answer names and rewrites the answer to name the relay instead.</summary>
    public string Attach(string answerSdp)
    {
        var port = int.Parse(CandidatePort().Match(answerSdp).Groups[1].Value, CultureInfo.InvariantCulture);
        _endpoint = new IPEndPoint(IPAddress.Loopback, port);
        _loops.Add(Task.Run(FrontLoopAsync));
        _loops.Add(Task.Run(() => BackLoopAsync(_back)));
        _loops.Add(Task.Run(AttackerLoopAsync));
        var front = ((IPEndPoint)_front.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
        return Regex.Replace(answerSdp, $@"\b{port}\b", front);
    }

    /// <summary>The NAT gives the flow a new public port: the old mapping forwards nothing more either way.</summary>
    public void Rebind()
    {
        var fresh = Bound();
        Socket old;
        lock (_gate)
        {
            old = _back;
            Volatile.Write(ref _back, fresh);
        }

        _loops.Add(Task.Run(() => BackLoopAsync(fresh)));
        old.Dispose();
    }

    public void StartReplaying() => _loops.Add(Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            if (Volatile.Read(ref _lastCheck) is { } check)
            {
                _attacker.SendTo(check, _endpoint!);
                Interlocked.Increment(ref _replaysSent);
            }

            try
            {
                await Task.Delay(40, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }));

    private async Task FrontLoopAsync()
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await _front.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _browser = (IPEndPoint)result.RemoteEndPoint;
            var datagram = buffer.AsSpan(0, result.ReceivedBytes);
            try
            {
                Volatile.Read(ref _back).SendTo(datagram, _endpoint!);
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                // Rebinding right now: this one is lost, as on a real NAT.
            }

            if (datagram.Length >= 20 && datagram[0] == 0x00 && datagram[1] == 0x01)
            {
                // A Binding request as it travels in clear, copied once it went on: what a sniffer on the path sees.
                Volatile.Write(ref _lastCheck, datagram.ToArray());
            }
        }
    }

    private async Task BackLoopAsync(Socket back)
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await back.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (_browser is { } browser)
            {
                _front.SendTo(buffer.AsSpan(0, result.ReceivedBytes), browser);
            }
        }
    }

    private async Task AttackerLoopAsync()
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _attacker.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                Interlocked.Increment(ref _attackerReceived);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _front.Dispose();
        _attacker.Dispose();
        Volatile.Read(ref _back).Dispose();
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    [GeneratedRegex(@"a=candidate:\S+ 1 udp \d+ \S+ (\d+) typ host")]
    private static partial Regex CandidatePort();
}
