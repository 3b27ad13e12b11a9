namespace PbxBridge.FreeSwitch.Simulator;

/// <summary>api/response bodies recorded from FreeSWITCH 1.10.12 (transcripts 01 and 07), replayed verbatim.</summary>
public static class RecordedResponses
{
    /// <summary>`api status` (transcript 01, 337 bytes).</summary>
    public const string Status = "UP 0 years, 0 days, 0 hours, 6 minutes, 2 seconds, 499 milliseconds, 689 microseconds\nFreeSWITCH (Version 1.10.12-release  64bit) is ready\n59 session(s) since startup\n0 session(s) - peak 6, last 5min 3 \n0 session(s) per Sec out of max 30, peak 3, last 5min 3 \n200 session(s) max\nmin idle cpu 0.00/93.33\nCurrent Stack Size/Max 240K/8192K\n";

    /// <summary>`sofia status` with the pbxbridge profile RUNNING (transcript 07).</summary>
    public const string SofiaStatus = "                     Name\t   Type\t                                      Data\tState\n=================================================================================================\n                pbxbridge\tprofile\t              sip:mod_sofia@127.0.0.1:5080\tRUNNING (0)\n     pbxbridge::pbxbridge\tgateway\t             sip:FreeSWITCH@127.0.0.1:5090\tNOREG\n=================================================================================================\n1 profile 0 aliases\n";

    /// <summary>`sofia status` when the pbxbridge profile failed to start (no profile line).</summary>
    public const string SofiaStatusWithoutProfile = "                     Name\t   Type\t                                      Data\tState\n=================================================================================================\n=================================================================================================\n0 profiles 0 aliases\n";

    /// <summary>`sofia status profile pbxbridge` (transcript 07).</summary>
    public const string SofiaStatusProfile = "=================================================================================================\nName             \tpbxbridge\nDomain Name      \tN/A\nAuto-NAT         \tfalse\nDBName           \tsofia_reg_pbxbridge\nPres Hosts       \t\nDialplan         \tXML\nContext          \tfrom-pbxbridge\nChallenge Realm  \tauto_to\nRTP-IP           \t127.0.0.1\nExt-RTP-IP       \t127.0.0.1\nSIP-IP           \t127.0.0.1\nExt-SIP-IP       \t127.0.0.1\nURL              \tsip:mod_sofia@127.0.0.1:5080\nBIND-URL         \tsip:mod_sofia@127.0.0.1:5080;maddr=127.0.0.1;transport=udp,tcp\nHOLD-MUSIC       \tN/A\nOUTBOUND-PROXY   \tN/A\nCODECS IN        \tPCMU\nCODECS OUT       \tPCMU\nTEL-EVENT        \t101\nDTMF-MODE        \trfc2833\nCNG              \t13\nSESSION-TO       \t0\nMAX-DIALOG       \t0\nMAX-RECV-RPS     \t1000\nNOMEDIA          \tfalse\nLATE-NEG         \tfalse\nPROXY-MEDIA      \tfalse\nAGGRESSIVENAT    \tfalse\nCALLS-IN         \t1\nFAILED-CALLS-IN  \t0\nCALLS-OUT        \t4\nFAILED-CALLS-OUT \t0\nREGISTRATIONS    \t0\n";

    /// <summary>What mod_event_socket sends before closing (transcript 01, 67 bytes).</summary>
    public const string Goodbye = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";

    /// <summary>text/rude-rejection body (transcript 01, 24 bytes).</summary>
    public const string AccessDenied = "Access Denied, go away.\n";
}
