namespace PbxBridge.Calls.Tests.Support;

/// <summary>What a fake PBX leg was asked to do, in order ("hold", "unhold", "hangup", ...).</summary>
internal sealed class PbxRequests
{
    private readonly Lock _gate = new();
    private readonly List<string> _requests = [];

    public IReadOnlyList<string> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public Task Add(string request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }

        return Task.CompletedTask;
    }

    /// <summary>Waits up to 5 s until <paramref name="count"/> requests arrived; returns what arrived.</summary>
    public async Task<IReadOnlyList<string>> WaitForAsync(int count)
    {
        for (var i = 0; i < 500 && All.Count < count; i++)
        {
            await Task.Delay(10);
        }

        return All;
    }
}
