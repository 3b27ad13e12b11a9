// Transfer of the active call (REFER, RFC 3515), to a number or another agent:
//  - blind: REFER at once; the NOTIFYs (message/sipfrag) say whether the target answered. On success our leg ends
//    (we send the BYE, as PbxBridge expects of the transferor); on failure the call stays and the page says why.
//  - consult: the call is held, the target is called on a second line; then complete (REFER to the held call with
//    Replaces naming the consultation, RFC 3891: PbxBridge joins the two far parties and both our legs end) or
//    cancel (the consultation ends and the held call resumes).
export const TransferPhase = Object.freeze({
  Idle: 'idle',
  Blind: 'blind', // REFER sent, waiting for the outcome
  Consulting: 'consulting', // the call is held, the target is being called or talked to
  Completing: 'completing', // REFER with Replaces sent, waiting for the outcome
});

// How long PbxBridge may take to end the consultation after a completed attended transfer before we end it ourselves.
const CONSULTATION_BYE_GRACE_MS = 5000;

export function transferFailedText(target, statusCode, reasonPhrase) {
  const why = statusCode ? `${statusCode} ${reasonPhrase ?? ''}`.trim() : 'no answer from the server';
  return `The transfer to ${target} failed (${why}); the caller is still on the line.`;
}

export class Transfer {
  constructor(phone) {
    this.phone = phone;
    this.phase = TransferPhase.Idle;
    this.target = '';
    this.original = null; // the call being transferred
    this.consultation = null; // the call to the target, while consulting
    this.cancelling = false;
  }

  blind(target) {
    const line = this.phone.line;
    const number = target.trim();
    if (this.phase !== TransferPhase.Idle || line === null || !line.answered) return;
    if (number === '') {
      this.phone.fail('Type the number or agent id to transfer to first.');
      return;
    }
    this.start(TransferPhase.Blind, number, line);
    this.refer(line, number, {}, () => this.transferred(line));
  }

  consult(target) {
    const line = this.phone.line;
    const number = target.trim();
    if (this.phase !== TransferPhase.Idle || line === null || !line.answered || this.phone.otherLine !== null) return;
    if (number === '') {
      this.phone.fail('Type the number or agent id to consult first.');
      return;
    }
    if (!line.held && !this.phone.setHold(line, true)) return;
    this.start(TransferPhase.Consulting, number, line);
    this.consultation = this.phone.dial(number);
    if (this.consultation === null) this.reset();
    this.phone.onChange();
  }

  // The consultation is answered: the held caller and the target are joined by the PBX; both our calls end.
  complete() {
    const original = this.original;
    const consultation = this.consultation;
    if (this.phase !== TransferPhase.Consulting || original === null || consultation === null || !consultation.answered) return;
    this.phase = TransferPhase.Completing;
    this.phone.lastError = null;
    const target = consultation.session.remote_identity.uri.toString();
    this.refer(original, this.target, { replaces: consultation.session }, () => {
      consultation.ending = 'transferred';
      this.transferred(original);
      // PbxBridge ends the consultation (RFC 3891: the replaced dialog gets a BYE); if it does not, we do.
      setTimeout(() => {
        if (this.phone.lines.includes(consultation)) terminate(consultation);
      }, CONSULTATION_BYE_GRACE_MS);
    }, target);
  }

  // Back to the held call: the consultation ends (BYE, or CANCEL while it rings) and the call resumes.
  cancel() {
    if (this.phase !== TransferPhase.Consulting || this.consultation === null) return;
    this.cancelling = true;
    terminate(this.consultation);
  }

  lineEnded(line) {
    if (line === this.consultation) {
      this.consultation = null;
      const original = this.original;
      const resume = this.cancelling && this.phase === TransferPhase.Consulting && original !== null;
      if (this.phase !== TransferPhase.Completing || line.ending !== 'transferred') this.reset();
      if (resume && this.phone.lines.includes(original)) {
        this.phone.activate(original);
        this.phone.setHold(original, false);
      }
    } else if (line === this.original) {
      // The transferred call is over (transfer done, or its caller hung up meanwhile); a consultation goes on as a
      // plain call.
      this.reset();
    }
  }

  start(phase, target, line) {
    this.phase = phase;
    this.target = target;
    this.original = line;
    this.cancelling = false;
    this.phone.lastError = null;
    this.phone.onChange();
  }

  reset() {
    this.phase = TransferPhase.Idle;
    this.target = '';
    this.original = null;
    this.consultation = null;
    this.cancelling = false;
  }

  refer(line, target, options, onAccepted, referTo = target) {
    const failed = (statusCode, reasonPhrase) => {
      // A failed attended transfer returns to consulting: the agent may try again or go back to the caller.
      this.phase = this.consultation !== null ? TransferPhase.Consulting : TransferPhase.Idle;
      if (this.phase === TransferPhase.Idle) this.reset();
      this.phone.fail(transferFailedText(target, statusCode, reasonPhrase));
    };
    try {
      const sent = line.session.refer(referTo, {
        ...options,
        eventHandlers: {
          requestFailed: (e) => failed(e.response?.status_code, e.response?.reason_phrase ?? e.cause),
          accepted: () => onAccepted(),
          failed: (e) => failed(e.status_line?.status_code, e.status_line?.reason_phrase),
        },
      });
      if (sent === false) failed(null, null);
    } catch (error) {
      failed(null, error.message);
    }
  }

  transferred(line) {
    line.ending = 'transferred';
    terminate(line);
  }
}

function terminate(line) {
  try {
    line.session.terminate();
  } catch {
    // Already ended: its 'ended' event has done the rest.
  }
}
