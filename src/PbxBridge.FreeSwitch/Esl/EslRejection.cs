namespace PbxBridge.FreeSwitch.Esl;

/// <summary>Why FreeSWITCH refused an inbound ESL connection.</summary>
public enum EslRejection
{
    /// <summary>`auth` answered "-ERR invalid": the password differs from event_socket.conf.xml's.</summary>
    BadPassword,

    /// <summary>text/rude-rejection "Access Denied, go away.": our address is not in `apply-inbound-acl`.</summary>
    AccessDenied,

    /// <summary>The peer did not speak ESL (no auth/request), e.g. a wrong port.</summary>
    NotEventSocket,
}
