using Microsoft.Extensions.Logging;
using PbxBridge.Asterisk.Ari;

namespace PbxBridge.Asterisk;

/// <summary>
/// Cluster nodes lease their calls' channels to Asterisk: each channel a call holds gets <c>TIMEOUT(absolute)</c> of
/// <see cref="AsteriskOptions.ChannelLeaseSeconds"/>, renewed every third of it while the node lives. A node killed
/// mid-call renews nothing, and Asterisk itself hangs its calls up within one lease (chan_rtp has no RTP timeout, and
/// the channels sit in an application nobody listens to any more); the other nodes never touch them. Its empty
/// bridges stay until its next start reconciles them. A single node does not lease: its restart cleans up.
/// </summary>
public sealed partial class AsteriskPbx
{
    private Task? _leases;

    /// <summary>Channel leases set or renewed (for tests and health).</summary>
    public long LeasesRenewed => Interlocked.Read(ref _leasesRenewed);

    private long _leasesRenewed;

    private bool Leasing => Options.ChannelLeaseSeconds > 0;

    private void StartLeases(CancellationToken stopping)
    {
        if (Leasing && _leases is null)
        {
            _leases = Task.Run(() => RenewLeasesAsync(stopping), CancellationToken.None);
        }
    }

    /// <summary>Leases the call's channels now (a new call must not wait for the next renewal to be covered).</summary>
    internal void Lease(AsteriskCall call)
    {
        if (Leasing)
        {
            _ = RunAsync(() => LeaseAsync(call, CancellationToken.None), "lease the channels of " + call.Key);
        }
    }

    private async Task RenewLeasesAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Options.ChannelLeaseSeconds) / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                foreach (var call in _calls.Values)
                {
                    await LeaseAsync(call, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task LeaseAsync(AsteriskCall call, CancellationToken cancellationToken)
    {
        var seconds = Options.ChannelLeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var channelId in call.LeasedChannelIds)
        {
            try
            {
                await Client.SetVariableAsync(channelId, "TIMEOUT(absolute)", seconds, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _leasesRenewed);
            }
            catch (AriException e) when (e.IsNotFound)
            {
                // Hung up meanwhile: its events end the call.
            }
            catch (Exception e) when (e is AriException or HttpRequestException or TaskCanceledException)
            {
                // Retried at the next renewal, a third of a lease later.
                LogLeaseFailed(Logger, channelId, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the lease (TIMEOUT(absolute)) of channel {Channel}: {Reason}; retried at the next renewal")]
    private static partial void LogLeaseFailed(ILogger logger, string channel, string reason);
}
