using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Pbx;
using PbxBridge.Sip.Message;
using PbxBridge.WebRtc;

namespace PbxBridge.Calls;

/// <summary>What the PBX and the media report, and how a call ends (exactly once, releasing everything).</summary>
public sealed partial class Call
{
    void IPbxLegObserver.OnRinging()
    {
        lock (gate)
        {
            if (State != CallState.Setup || Direction != CallDirection.FromAgent || earlyMedia)
            {
                return;
            }

            State = CallState.Ringing;
        }

        fromAgent?.SendRinging();
    }

    void IPbxLegObserver.OnMediaReady(PbxMediaAnswer media)
    {
        using var scope = Scope();
        Media.ConnectPbx(media);
    }

    void IPbxLegObserver.OnAnswered()
    {
        string? sdp;
        lock (gate)
        {
            if (Direction != CallDirection.FromAgent || State is CallState.Answered or CallState.Ended)
            {
                return;
            }

            MarkAnswered();
            sdp = answerSdp;
        }

        using var scope = Scope();
        logger.LogInformation("PBX answered {Destination}", RemoteParty);
        fromAgent?.Accept(sdp!);
    }

    void IPbxLegObserver.OnDtmf(char digit, TimeSpan duration) => Media.SendDtmfToBrowser(digit, duration);

    /// <summary>The PBX leg ended, or never came up.</summary>
    public void OnHangup(PbxCause cause)
    {
        if (DeferHangupDuringTransfer(cause))
        {
            return;
        }

        CallState before;
        lock (gate)
        {
            before = State;
            pbxHungUp = true;
        }

        if (before == CallState.Ended)
        {
            return;
        }

        using var scope = Scope();
        logger.LogInformation("PBX side ended: {Cause}", cause);
        if (Direction == CallDirection.FromAgent)
        {
            if (before == CallState.Answered)
            {
                fromAgent?.Hangup();
            }
            else
            {
                var (status, reason) = SipCauseMapping.ToSipResponse(cause);
                fromAgent?.Reject(status, reason, SipReason.Q850(cause.Q850, cause.Text));
            }
        }
        else if (before == CallState.Answered)
        {
            toAgent?.Hangup();
        }
        else
        {
            toAgent?.Cancel();
        }

        Finish(Outcome(before, cause), cause);
    }

    void ICallMediaEvents.OnBrowserMediaConnected()
    {
        using var scope = Scope();
        // Not SelectedRemote: Chromium completes DTLS before it nominates, so that is often still empty here.
        logger.LogInformation("browser media connected from {Remote}", Media.Browser?.RemoteEndPoint?.ToString() ?? "(no checked address)");
    }

    void ICallMediaEvents.OnBrowserMediaClosed(string reason)
    {
        using var scope = Scope();
        if (WebRtcCloseReasons.IsNormal(reason))
        {
            // The browser closing its peer connection: every hangup does it, around its BYE. No failure.
            logger.LogInformation("browser closed its media: {Reason}", reason);
        }
        else
        {
            logger.LogWarning("browser media closed: {Reason}", reason);
            observer.OnMediaFailure("browser", reason);
        }

        _ = HangupAsync(reason);
    }

    void ICallMediaEvents.OnBrowserDtmf(char digit, TimeSpan duration) => SendDtmfToPbx(digit, duration);

    /// <summary>Ends the call on both sides (admin hangup, shutdown drain, browser media lost).</summary>
    public async Task HangupAsync(string reason)
    {
        IPbxLeg? leg;
        CallState before;
        lock (gate)
        {
            before = State;
            leg = pbxLeg;
        }

        if (before == CallState.Ended)
        {
            return;
        }

        using var scope = Scope();
        logger.LogInformation("hanging up: {Reason}", reason);
        if (Direction == CallDirection.FromAgent)
        {
            if (before == CallState.Answered)
            {
                fromAgent?.Hangup();
            }
            else
            {
                fromAgent?.Reject(503, "Service Unavailable");
            }
        }
        else if (before == CallState.Answered)
        {
            toAgent?.Hangup();
        }
        else
        {
            toAgent?.Cancel();
        }

        Finish(before == CallState.Answered ? "answered" : "failed", PbxCause.NormalClearing, reason);
        if (leg is not null)
        {
            await HangupPbxQuietlyAsync(leg, PbxCause.NormalClearing);
        }
    }

    private void SendDtmfToPbx(char digit, TimeSpan duration)
    {
        // In band where the PBX leg negotiated telephone-event (FreeSWITCH), as RFC 4733 on our RTP: it reaches the
        // far party with the audio's timing and needs no control round trip. Otherwise through the PBX's API (ARI).
        if (Media.TrySendDtmfToPbx(digit, duration))
        {
            return;
        }

        var leg = pbxLeg;
        if (leg is null)
        {
            return;
        }

        // RFC 4733 digits arrive on the call's media loop: the API request starts on the thread pool, never on the
        // loop that carries every call's audio on this core.
        _ = Task.Run(() => SendDtmfQuietlyAsync(leg, digit, duration));
    }

    private async Task SendDtmfQuietlyAsync(IPbxLeg leg, char digit, TimeSpan duration)
    {
        try
        {
            await leg.SendDtmfAsync(digit, duration, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("DTMF {Digit} toward the PBX failed: {Error}", digit, e.Message);
        }
    }

    private async Task HangupPbxQuietlyAsync(IPbxLeg leg, PbxCause cause)
    {
        bool already;
        lock (gate)
        {
            already = pbxHungUp;
            pbxHungUp = true;
        }

        if (already)
        {
            return;
        }

        try
        {
            await leg.HangupAsync(cause, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("PBX hangup of {PbxId} failed: {Error}", leg.PbxId, e.Message);
        }
    }

    private void MarkAnswered()
    {
        State = CallState.Answered;
        AnsweredAt = DateTimeOffset.UtcNow;
        observer.OnCallAnswered(this, Stopwatch.GetElapsedTime(startTimestamp));
    }

    private static string Outcome(CallState before, PbxCause cause) => before == CallState.Answered
        ? "answered"
        : cause.Q850 switch
        {
            17 => "busy",
            18 or 19 => "no_answer",
            487 => "cancelled",
            1 or 2 or 3 or 20 or 21 => "rejected",
            _ => "failed",
        };

    private void Finish(string outcome, PbxCause cause, string? reason = null)
    {
        lock (gate)
        {
            if (State == CallState.Ended)
            {
                return;
            }

            State = CallState.Ended;
            EndReason = reason ?? cause.ToString();
        }

        observer.OnCallEnded(this, outcome, cause);
        _ = ReleaseAsync();
    }

    private async Task ReleaseAsync()
    {
        try
        {
            await Media.DisposeAsync();
            observer.OnCallReleased(this, Snapshot().Media);
        }
        catch (Exception e)
        {
            logger.LogError(e, "releasing media of call {CallId} failed", Id);
        }
        finally
        {
            ended.TrySetResult();
        }
    }

    public CallInfo Snapshot()
    {
        var up = Media.BrowserToPbxStatistics;
        var down = Media.PbxToBrowserStatistics;
        return new CallInfo(
            Id,
            Direction,
            State,
            AgentId,
            RemoteParty,
            StartedAt,
            AnsweredAt,
            pbxLeg?.PbxId,
            pbxLeg?.Details ?? new Dictionary<string, string>(),
            Media.Browser?.SelectedRemote?.ToString(),
            Media.PbxLocalEndPoint?.ToString(),
            Media.PbxRemoteEndPoint?.ToString(),
            Media.PbxCodec?.ToString(),
            CallMediaCountersReader.Read(up, down, Media.PbxPacketsIgnored, Media.Browser?.Statistics),
            EndReason);
    }
}
