using PbxBridge.Sip.Dialogs;
using PbxBridge.Sip.Refer;

namespace PbxBridge.Sip;

/// <summary>Finding the dialog a Replaces names (RFC 3891 §3).</summary>
internal sealed partial class SipCore
{
    /// <summary>
    /// The live dialog with the Call-ID and tags of <paramref name="replaces"/>, or null. The tags are tried both ways
    /// round: SIP.js names them as the REFER's recipient sees the dialog (to-tag = its remote tag), JsSIP by the
    /// dialog's From and To, which differ for a call the agent received.
    /// </summary>
    public SipDialog? FindDialog(Replaces replaces)
    {
        foreach (var key in (ReadOnlySpan<string>)[
                     SipDialog.KeyOf(replaces.CallId, replaces.ToTag, replaces.FromTag),
                     SipDialog.KeyOf(replaces.CallId, replaces.FromTag, replaces.ToTag)])
        {
            if (_dialogs.TryGetValue(key, out var dialog) && !dialog.IsTerminated)
            {
                return dialog;
            }
        }

        return null;
    }
}
