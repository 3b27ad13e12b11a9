// Keeping the call when the connection to the server drops (Wi-Fi to 4G, a VPN reconnecting, a new address):
// JsSIP reconnects its WebSocket by itself with back-off (connection_recovery_min/max_interval) and registers
// again; the call's dialog and RTCPeerConnection stay. What JsSIP does not do is move the media: once registered
// on the new connection this sends a re-INVITE with an ICE restart (RFC 8445 §9) over it. PbxBridge then moves the
// dialog to the new connection (same agent, within Sip:ReconnectGraceSeconds) and ICE to the new address; the PBX
// leg is not touched.

export const RecoveryState = Object.freeze({
  None: 'none',
  Reconnecting: 'reconnecting', // the WebSocket is down; the call waits
  Restoring: 'restoring', // registered again; the re-INVITE with ICE restart is out
  Recovered: 'recovered', // the re-INVITE was answered: the call goes on over the new connection
  Lost: 'lost', // the call ended while the connection was down or being restored
});

const RETRY_MS = 1_000;
const MAX_ATTEMPTS = 5;

export class CallRecovery {
  constructor(onChange) {
    this.onChange = onChange;
    this.state = RecoveryState.None;
    this.session = null;
    this.survived = 0; // calls kept across a reconnect since sign-in
    this.lostAt = null;
    this.restoredAfterMs = null;
    this.retry = null;
  }

  newCall() {
    clearTimeout(this.retry);
    this.state = RecoveryState.None;
    this.session = null;
  }

  // The WebSocket dropped. Only an answered call is kept; JsSIP fails a call still being set up by itself.
  transportLost(session) {
    if (session === null || this.state === RecoveryState.Reconnecting) return;
    clearTimeout(this.retry);
    this.session = session;
    this.state = RecoveryState.Reconnecting;
    this.lostAt = Date.now();
    this.restoredAfterMs = null;
    this.onChange();
  }

  // Registered again on a new connection: move the call there.
  registered() {
    if (this.state !== RecoveryState.Reconnecting || this.session === null) return;
    this.state = RecoveryState.Restoring;
    this.onChange();
    this.renegotiate(this.session, 1);
  }

  renegotiate(session, attempt) {
    if (session !== this.session || this.state !== RecoveryState.Restoring) return;
    let sent = false;
    try {
      sent = session.renegotiate(
        { rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false, iceRestart: true } },
        () => {
          if (session !== this.session) return;
          this.state = RecoveryState.Recovered;
          this.survived += 1;
          this.restoredAfterMs = Date.now() - this.lostAt;
          this.onChange();
        },
      );
    } catch {
      sent = false;
    }
    // JsSIP refuses while another offer/answer is in progress (e.g. a hold the agent clicked): try again shortly.
    if (!sent && attempt < MAX_ATTEMPTS) {
      this.retry = setTimeout(() => this.renegotiate(session, attempt + 1), RETRY_MS);
    }
  }

  // The call ended: if that happened mid-recovery, the agent must be told it was the connection.
  callEnded(session) {
    if (session !== this.session) return;
    clearTimeout(this.retry);
    const midRecovery = this.state === RecoveryState.Reconnecting || this.state === RecoveryState.Restoring;
    this.state = midRecovery ? RecoveryState.Lost : RecoveryState.None;
    this.session = null;
  }

  // What the page shows while in a call; null when there is nothing to say.
  get text() {
    switch (this.state) {
      case RecoveryState.Reconnecting: return 'Connection lost; your call is kept while the phone reconnects…';
      case RecoveryState.Restoring: return 'Reconnected; moving your call to the new connection…';
      case RecoveryState.Recovered: return 'Reconnected: the call went on.';
      case RecoveryState.Lost: return 'The call was lost while the connection was down.';
      default: return null;
    }
  }
}
