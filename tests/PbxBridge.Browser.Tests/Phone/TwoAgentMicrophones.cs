using PbxBridge.Browser.Tests.Harness;

namespace PbxBridge.Browser.Tests.Phone;

/// <summary>
/// The microphones of the two /phone pages of a scenario: 1001 plays 700 Hz and 1002 900 Hz for 60 s, so who hears
/// whom is checked by frequency. The files are deleted with it.
/// </summary>
public sealed class TwoAgentMicrophones : IDisposable
{
    public TwoAgentMicrophones()
    {
        ToneWav.Write(AliceWav, 700, 60);
        ToneWav.Write(BobWav, 900, 60);
    }

    /// <summary>Agent 1001's microphone, 700 Hz.</summary>
    public string AliceWav { get; } = Path.Combine(Path.GetTempPath(), $"phone-1001-{Guid.NewGuid():N}.wav");

    /// <summary>Agent 1002's microphone, 900 Hz.</summary>
    public string BobWav { get; } = Path.Combine(Path.GetTempPath(), $"phone-1002-{Guid.NewGuid():N}.wav");

    /// <summary>The phone scenarios' arguments naming both files.</summary>
    public string[] Arguments => [$"--wav1={AliceWav}", $"--wav2={BobWav}"];

    public void Dispose()
    {
        File.Delete(AliceWav);
        File.Delete(BobWav);
    }
}
