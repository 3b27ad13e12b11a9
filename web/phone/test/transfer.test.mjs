import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallLine, CallState } from '../src/call-line.js';
import { Transfer, TransferPhase, transferFailedText } from '../src/transfer.js';

// A JsSIP session as far as the transfer uses it: refer() keeps its handlers, terminate() ends the line.
function fakeSession(number, onTerminate) {
  return {
    remote_identity: { display_name: '', uri: { user: number, toString: () => `sip:${number}@pbx` } },
    refers: [],
    terminated: 0,
    refer(target, options) { this.refers.push({ target, options }); return {}; },
    terminate() { this.terminated++; onTerminate?.(); },
  };
}

function fakePhone() {
  const phone = {
    lines: [], line: null, errors: [],
    get otherLine() { return this.lines.find((l) => l !== this.line) ?? null; },
    fail(text) { this.errors.push(text); },
    onChange() {},
    setHold(line, hold) { line.held = hold; return true; },
    activate(line) { this.line = line; },
    dial(number) {
      const line = answeredLine(number, this);
      line.state = CallState.Outgoing;
      this.lines.push(line);
      this.line = line;
      return line;
    },
  };
  return phone;
}

function answeredLine(number, phone) {
  const line = new CallLine(fakeSession(number, () => {
    phone.lines = phone.lines.filter((l) => l !== line);
    phone.transfer?.lineEnded(line);
  }), 'remote');
  line.state = CallState.InCall;
  return line;
}

test('a failed transfer names the target and the SIP status and says the caller stays', () => {
  assert.equal(transferFailedText('1009', 404, 'Not Found'), 'The transfer to 1009 failed (404 Not Found); the caller is still on the line.');
  assert.equal(transferFailedText('1009', null, null), 'The transfer to 1009 failed (no answer from the server); the caller is still on the line.');
});

test('hold is shown from both sides', () => {
  const line = new CallLine(fakeSession('601'), 'remote');
  assert.equal(line.holdText(), null);
  line.remoteHeld = true;
  assert.equal(line.holdText(), 'Held by the other party');
  line.held = true;
  assert.equal(line.holdText(), 'On hold (both sides)');
  line.remoteHeld = false;
  assert.equal(line.holdText(), 'On hold');
});

test('blind: REFER to the target; a failed NOTIFY keeps the call, an accepted one ends it', () => {
  const phone = fakePhone();
  const transfer = new Transfer(phone);
  phone.transfer = transfer;
  const line = answeredLine('601', phone);
  phone.lines.push(line);
  phone.line = line;

  transfer.blind(' 603 ');
  assert.equal(transfer.phase, TransferPhase.Blind);
  assert.equal(line.session.refers[0].target, '603');
  line.session.refers[0].options.eventHandlers.failed({ status_line: { status_code: 486, reason_phrase: 'Busy Here' } });
  assert.equal(transfer.phase, TransferPhase.Idle);
  assert.equal(line.session.terminated, 0);
  assert.match(phone.errors.at(-1), /486 Busy Here/);

  transfer.blind('1002');
  line.session.refers[1].options.eventHandlers.accepted({});
  assert.equal(line.session.terminated, 1);
  assert.equal(line.ending, 'transferred');
});

test('consult holds the call and dials; complete sends REFER with Replaces naming the consultation', () => {
  const phone = fakePhone();
  const transfer = new Transfer(phone);
  phone.transfer = transfer;
  const caller = answeredLine('601', phone);
  phone.lines.push(caller);
  phone.line = caller;

  transfer.consult('1002');
  assert.equal(caller.held, true);
  assert.equal(transfer.phase, TransferPhase.Consulting);
  const consultation = transfer.consultation;
  transfer.complete();
  assert.equal(caller.session.refers.length, 0, 'no REFER before the consultation is answered');
  consultation.state = CallState.InCall;
  transfer.complete();
  assert.equal(transfer.phase, TransferPhase.Completing);
  const { target, options } = caller.session.refers[0];
  assert.equal(target, 'sip:1002@pbx');
  assert.equal(options.replaces, consultation.session);
});

test('cancel ends the consultation and resumes the held call', () => {
  const phone = fakePhone();
  const transfer = new Transfer(phone);
  phone.transfer = transfer;
  const caller = answeredLine('601', phone);
  phone.lines.push(caller);
  phone.line = caller;
  transfer.consult('1002');
  const consultation = transfer.consultation;
  transfer.cancel();
  assert.equal(consultation.session.terminated, 1);
  assert.equal(transfer.phase, TransferPhase.Idle);
  assert.equal(phone.line, caller);
  assert.equal(caller.held, false);
});
