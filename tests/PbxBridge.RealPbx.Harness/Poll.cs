namespace PbxBridge.RealPbx.Harness;

/// <summary>Waiting for what a real PBX or browser does in its own time.</summary>
public static class Poll
{
    /// <summary>True as soon as <paramref name="condition"/> holds, false when <paramref name="timeout"/> passes first.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(250);
        }

        return true;
    }
}
