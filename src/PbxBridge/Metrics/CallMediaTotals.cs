using PbxBridge.Calls;
using PbxBridge.Calls.Media;

namespace PbxBridge.Metrics;

/// <summary>Sums of call media counters: what ended calls left behind, plus live ones at scrape time.</summary>
public sealed class CallMediaTotals
{
    private readonly Lock gate = new();
    private readonly long[] rejected = new long[CallMediaRejections.None.ByReason().Count];

    public long PacketsFromBrowser { get; private set; }
    public long PacketsToPbx { get; private set; }
    public long PacketsFromPbx { get; private set; }
    public long PacketsToBrowser { get; private set; }
    public long Lost { get; private set; }
    public long Late { get; private set; }
    public long Concealed { get; private set; }
    public long PbxPacketsIgnored { get; private set; }

    public void Add(CallMediaCounters c)
    {
        lock (gate)
        {
            PacketsFromBrowser += c.PacketsFromBrowser;
            PacketsToPbx += c.PacketsToPbx;
            PacketsFromPbx += c.PacketsFromPbx;
            PacketsToBrowser += c.PacketsToBrowser;
            Lost += c.Lost;
            Late += c.Late;
            Concealed += c.Concealed;
            PbxPacketsIgnored += c.PbxPacketsIgnored;
            var reasons = (c.Rejections ?? CallMediaRejections.None).ByReason();
            for (var i = 0; i < reasons.Count; i++)
            {
                rejected[i] += reasons[i].Count;
            }
        }
    }

    /// <summary>Inbound media refused, summed per reason (pbxbridge_media_packets_rejected_total).</summary>
    public IReadOnlyList<(string Reason, long Count)> Rejected
    {
        get
        {
            var reasons = CallMediaRejections.None.ByReason();
            lock (gate)
            {
                return [.. reasons.Select((r, i) => (r.Reason, rejected[i]))];
            }
        }
    }

    public CallMediaTotals Copy()
    {
        var copy = new CallMediaTotals();
        lock (gate)
        {
            copy.Add(new CallMediaCounters(PacketsFromBrowser, PacketsToPbx, PacketsFromPbx, PacketsToBrowser, Lost, Late, Concealed, 0, PbxPacketsIgnored));
            Array.Copy(rejected, copy.rejected, rejected.Length);
        }

        return copy;
    }
}
