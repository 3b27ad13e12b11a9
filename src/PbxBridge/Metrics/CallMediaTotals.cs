using PbxBridge.Calls;

namespace PbxBridge.Metrics;

/// <summary>Sums of call media counters: what ended calls left behind, plus live ones at scrape time.</summary>
public sealed class CallMediaTotals
{
    private readonly Lock gate = new();

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
        }
    }

    public CallMediaTotals Copy()
    {
        var copy = new CallMediaTotals();
        lock (gate)
        {
            copy.Add(new CallMediaCounters(PacketsFromBrowser, PacketsToPbx, PacketsFromPbx, PacketsToBrowser, Lost, Late, Concealed, 0, PbxPacketsIgnored));
        }

        return copy;
    }
}
