using System.Diagnostics;
using System.Globalization;
using PbxBridge.Browser.Simulator.Measurement;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Browser.Simulator.Sip;
using PbxBridge.WebRtc.Sdp;

namespace PbxBridge.Browser.Simulator.WebRtc;

/// <summary>
/// One browser leg as Chromium would run it against PbxBridge: SIP over WSS (REGISTER, INVITE with the offer of
/// <see cref="BrowserMedia"/>, BYE), then the media of <see cref="BrowserMedia"/>: ICE as the controlling agent, DTLS
/// client, SRTP/Opus both ways.
/// </summary>
internal sealed class BrowserLeg : IAsyncDisposable
{
    private readonly SipWebSocketUserAgent _sip;
    private readonly BrowserMedia _media;
    private long _inviteTicks;
    private long _answeredTicks;

    private readonly bool _useDtx;

    /// <param name="iceTcpPort">null: media over UDP; else over ICE-TCP to PbxBridge's passive candidate on this port.</param>
    public BrowserLeg(int index, ClientCertificate certificate, OpusFrameSource source, string user, string password, string domain, bool probe, bool useDtx = false, bool measureTone = false, int? iceTcpPort = null)
    {
        Index = index;
        _sip = new SipWebSocketUserAgent(user, password, domain);
        _media = new BrowserMedia(certificate, source, probe, measureTone, iceTcpPort);
        _useDtx = useDtx;
    }

    public int Index { get; }

    /// <summary>One-way times through PbxBridge; fed by the PBX socket where the load generator hosts the PBX.</summary>
    public OneWayLatency Latency => _media.Latency;

    public bool IsSending => _media.IsSending;

    /// <summary>Where this leg's media goes, from the SDP answer (null before the answer).</summary>
    public System.Net.IPEndPoint? MediaPeer => _media.MediaPeer;

    public long PacketsSent => _media.PacketsSent;

    public long PacketsReceived => _media.PacketsReceived;

    public long PacketsLate => _media.PacketsLate;

    public long PacketsLost => _media.PacketsLost;

    /// <summary>The dominant frequency of the last two seconds heard (legs made with <c>measureTone</c>), and its RMS.</summary>
    public (double FrequencyHz, double Rms) ReceivedTone => _media.ReceivedTone;

    /// <summary>INVITE sent to first decrypted media packet back, in milliseconds.</summary>
    public double SetupMs => Stopwatch.GetElapsedTime(_inviteTicks, _media.FirstMediaTicks).TotalMilliseconds;

    /// <summary>Where this leg's setup time went (SIP answer, ICE, DTLS, first frame out, media back).</summary>
    public SetupPhases Phases => new(
        Stopwatch.GetElapsedTime(_inviteTicks, _answeredTicks).TotalMilliseconds,
        Stopwatch.GetElapsedTime(_answeredTicks, _media.IceConnectedTicks).TotalMilliseconds,
        Stopwatch.GetElapsedTime(_media.IceConnectedTicks, _media.DtlsConnectedTicks).TotalMilliseconds,
        Stopwatch.GetElapsedTime(_media.DtlsConnectedTicks, _media.FirstSentTicks).TotalMilliseconds,
        Stopwatch.GetElapsedTime(_media.FirstSentTicks, _media.FirstMediaTicks).TotalMilliseconds,
        _media.DtlsClientCpuMs);

    /// <summary>Marker round trips seen while recording (probe legs only).</summary>
    public IReadOnlyList<double> RoundTripsMs => _media.RoundTripsMs;

    /// <summary>Only the hold period's round trips count: setup and teardown transients are not steady state.</summary>
    public bool Recording
    {
        set => _media.Recording = value;
    }

    /// <summary>The final status of a refused INVITE (503 when PbxBridge sheds load), and how long the refusal took.</summary>
    public int? RefusedStatus { get; private set; }

    public double RefusedAfterMs { get; private set; }

    public async Task SetupAsync(Uri wss, string extension, CancellationToken cancellationToken)
    {
        await _sip.ConnectAsync(wss, cancellationToken);
        await _sip.RegisterAsync(cancellationToken);

        var offer = _media.CreateOffer(SdpOfferer.OfferedTelephoneEvents, _useDtx);
        _inviteTicks = Stopwatch.GetTimestamp();
        string answerSdp;
        try
        {
            answerSdp = await _sip.InviteAsync(extension, offer.ToString(), cancellationToken);
        }
        catch (SipFailureException e) when (e.StatusCode is { } status)
        {
            RefusedStatus = status;
            RefusedAfterMs = Stopwatch.GetElapsedTime(_inviteTicks).TotalMilliseconds;
            throw;
        }

        _answeredTicks = Stopwatch.GetTimestamp();
        if (!RemoteAudioDescription.TryRead(answerSdp, out var answer, out var reason))
        {
            throw new SipFailureException($"unusable SDP answer: {reason}");
        }

        await _media.ConnectAsync(answer, cancellationToken);
    }

    /// <summary>Called by the pacer thread only: one 20 ms Opus frame, SRTP-protected, to PbxBridge.</summary>
    public void SendFrame() => _media.SendFrame();

    public async Task HangUpAsync(CancellationToken cancellationToken)
    {
        _media.StopSending();
        await _sip.ByeAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _media.DisposeAsync();
        await _sip.DisposeAsync();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"leg {Index}");
}
