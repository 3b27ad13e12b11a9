// One call of the phone (a "line"): its JsSIP session and what the page shows about it. The phone has up to two:
// the one the agent talks on, and one on hold, ringing as call waiting, or being consulted before a transfer.
export const CallState = Object.freeze({
  Idle: 'idle',
  Outgoing: 'outgoing', // INVITE sent, waiting for an answer
  Incoming: 'incoming', // INVITE received, ringing here
  Connecting: 'connecting', // answered, waiting for the ACK / media
  InCall: 'in-call',
});

let nextLineId = 1;

export class CallLine {
  constructor(session, originator) {
    this.id = nextLineId++;
    this.session = session;
    this.direction = originator === 'remote' ? 'incoming' : 'outgoing';
    this.state = originator === 'remote' ? CallState.Incoming : CallState.Outgoing;
    this.remoteParty = {
      name: session.remote_identity?.display_name ?? '',
      number: session.remote_identity?.uri?.user ?? '',
    };
    this.muted = false;
    this.held = false; // we put it on hold (our re-INVITE)
    this.remoteHeld = false; // the other side did (its re-INVITE was sendonly / inactive)
    this.answeredAt = null;
    this.dtmfSent = '';
    this.ringing = false; // 180 without early media: the page plays its own ringback
    this.earlyMedia = false; // 183 with SDP: the far end's own audio is heard before the answer
    this.remoteStream = null;
    this.connection = null;
    this.microphoneStream = null; // this call's own clone of the microphone: hold disables its track, not the others'
    this.ending = null; // why the page ended it on purpose ('transferred'), so the end reads right
  }

  get answered() {
    return this.state === CallState.InCall;
  }

  partyLabel() {
    const { name, number } = this.remoteParty;
    if (name && number && name !== number) return `${name} (${number})`;
    return name || number || 'unknown caller';
  }

  // What the page writes for this call's hold state, from both sides.
  holdText() {
    if (this.held && this.remoteHeld) return 'On hold (both sides)';
    if (this.held) return 'On hold';
    if (this.remoteHeld) return 'Held by the other party';
    return null;
  }

  releaseMicrophone() {
    for (const track of this.microphoneStream?.getTracks() ?? []) track.stop();
    this.microphoneStream = null;
  }
}
