using System.Runtime.InteropServices;

namespace PbxBridge.Media.Opus;

/// <summary>Owns one native OpusEncoder*; released with opus_encoder_destroy exactly once.</summary>
internal sealed class OpusEncoderHandle : SafeHandle
{
    public OpusEncoderHandle(nint encoder)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(encoder);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OpusNative.EncoderDestroy(handle);
        return true;
    }
}
