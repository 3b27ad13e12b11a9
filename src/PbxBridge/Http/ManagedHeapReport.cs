namespace PbxBridge.Http;

/// <summary>
/// POST /api/diagnostics/heap: the managed heap after a full, blocking, compacting collection, so a soak run can tell a
/// leak from garbage not yet collected. It pauses the process for the collection (milliseconds on an idle service):
/// loopback only, never with the admin token, and not something to scrape.
/// </summary>
public sealed record ManagedHeapReport(long HeapBytesAfterFullGc, long CommittedBytes, int Gen2Collections)
{
    public static ManagedHeapReport CollectAndMeasure()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);

        // Objects with finalizers survive the first collection; their memory is only reclaimed by the next one,
        // which GetTotalMemory(forceFullCollection: true) runs after the finalizers have finished.
        GC.WaitForPendingFinalizers();
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        return new ManagedHeapReport(heap, GC.GetGCMemoryInfo().TotalCommittedBytes, GC.CollectionCount(GC.MaxGeneration));
    }
}
