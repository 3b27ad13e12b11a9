using System.Buffers.Binary;
using PbxBridge.WebRtc.Dtls;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.WebRtc.Tests.Dtls;

/// <summary>
/// Our client and server in memory. Once connected an association keeps no thread: what still arrives (the peer's
/// last flight again, close_notify) is read on demand, and must still get the answers RFC 6347 and RFC 5246 ask for.
/// </summary>
public sealed class DtlsSrtpSessionTests
{
    private const byte ChangeCipherSpec = 20;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private static readonly IReadOnlyList<SrtpProtectionProfile> s_profiles = [SrtpProtectionProfile.AesCm128HmacSha1_80];
    private static readonly DtlsCertificate s_certificate = DtlsCertificate.Generate();

    [Fact]
    public async Task The_handshake_threads_end_once_both_sides_are_connected()
    {
        var pair = new Pair();
        await pair.ConnectAsync();

        await WaitUntilAsync(() => !pair.Server.IsHandshakeThreadAlive && !pair.Client.IsHandshakeThreadAlive);
        Assert.Equal(DtlsState.Connected, pair.Server.State);
        Assert.Equal(DtlsState.Connected, pair.Client.State);
        pair.Close();
    }

    [Fact]
    public async Task Every_association_presents_the_one_certificate_chain_parsed_at_startup_not_a_parse_of_its_own()
    {
        // Each association's context keeps the chain it presented for the call's life: a parse per handshake was
        // kept once per call (about 3.7 KB, and the parse was CPU on the setup path).
        var first = new Pair();
        var second = new Pair();
        await first.ConnectAsync();
        await second.ConnectAsync();

        Assert.Same(s_certificate.TlsChain, first.Server.PresentedChain);
        Assert.Same(s_certificate.TlsChain, first.Client.PresentedChain);
        Assert.Same(s_certificate.TlsChain, second.Server.PresentedChain);
        first.Close();
        second.Close();
    }

    [Fact]
    public async Task A_lost_final_flight_is_sent_again_when_the_client_repeats_its_own_after_the_server_thread_ended()
    {
        var pair = new Pair();
        var lost = 0;

        // The server's last flight (ChangeCipherSpec, then Finished under epoch 1) is lost the first time: the client
        // stays in its handshake and, on its timer, sends its own last flight again.
        pair.DropToClient = datagram =>
            !pair.ServerConnected.Task.IsCompleted && (datagram[0] == ChangeCipherSpec || BinaryPrimitives.ReadUInt16BigEndian(datagram[3..]) == 1) &&
            Interlocked.Increment(ref lost) > 0;
        pair.Start();
        await pair.ServerConnected.Task.WaitAsync(Patience);
        await WaitUntilAsync(() => !pair.Server.IsHandshakeThreadAlive);
        Assert.False(pair.ClientConnected.Task.IsCompleted);

        await pair.ClientConnected.Task.WaitAsync(Patience);
        Assert.True(lost > 0);
        Assert.Equal(DtlsState.Connected, pair.Server.State);
        pair.Close();
    }

    [Fact]
    public async Task Close_notify_from_the_peer_after_the_handshake_is_reported_once_and_answered()
    {
        var pair = new Pair();
        await pair.ConnectAsync();
        await WaitUntilAsync(() => !pair.Server.IsHandshakeThreadAlive);

        pair.Client.Close();

        Assert.Equal("DTLS close_notify received", await pair.ServerClosed.Task.WaitAsync(Patience));
        Assert.Equal(DtlsState.Closed, pair.Server.State);
        Assert.True(pair.Server.Transport.IsClosed);
        Assert.False(pair.ClientClosed.Task.IsCompleted);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }

    private sealed class Pair
    {
        public Pair()
        {
            Server = new DtlsSrtpSession(true, s_certificate, s_certificate.Fingerprint, s_profiles, Patience, ToClient, _ => { });
            Client = new DtlsSrtpSession(false, s_certificate, s_certificate.Fingerprint, s_profiles, Patience, datagram => Server.Transport.Deliver(datagram), _ => { });
        }

        public DtlsSrtpSession Server { get; }

        public DtlsSrtpSession Client { get; }

        public Func<ReadOnlySpan<byte>, bool>? DropToClient { get; set; }

        public TaskCompletionSource ServerConnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ClientConnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<string> ServerClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<string> ClientClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Start()
        {
            Server.Start(() => ServerConnected.TrySetResult(), reason => ServerClosed.TrySetResult(reason));
            Client.Start(() => ClientConnected.TrySetResult(), reason => ClientClosed.TrySetResult(reason));
        }

        public async Task ConnectAsync()
        {
            Start();
            await Task.WhenAll(ServerConnected.Task, ClientConnected.Task).WaitAsync(Patience);
        }

        public void Close()
        {
            Client.Close();
            Server.Close();
        }

        private void ToClient(ReadOnlySpan<byte> datagram)
        {
            if (DropToClient?.Invoke(datagram) != true)
            {
                Client.Transport.Deliver(datagram);
            }
        }
    }
}
