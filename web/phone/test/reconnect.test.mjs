import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallRecovery, RecoveryState } from '../src/reconnect.js';

// A JsSIP RTCSession as far as recovery uses it: renegotiate(options, done) returns whether the offer went out.
function fakeSession({ refuse = 0 } = {}) {
  const session = { offers: [], refusals: refuse, done: null };
  session.renegotiate = (options, done) => {
    if (session.refusals > 0) { session.refusals -= 1; return false; }
    session.offers.push(options);
    session.done = done;
    return true;
  };
  return session;
}

test('a lost connection keeps the call and, once registered again, re-offers with an ICE restart', () => {
  const recovery = new CallRecovery(() => {});
  const session = fakeSession();
  recovery.transportLost(session);
  assert.equal(recovery.state, RecoveryState.Reconnecting);
  assert.match(recovery.text, /your call is kept/);
  recovery.registered();
  assert.equal(recovery.state, RecoveryState.Restoring);
  assert.equal(session.offers.length, 1);
  assert.equal(session.offers[0].rtcOfferConstraints.iceRestart, true);
  session.done();
  assert.equal(recovery.state, RecoveryState.Recovered);
  assert.equal(recovery.survived, 1);
  assert.equal(recovery.text, 'Reconnected: the call went on.');
});

test('registering without a lost call sends nothing', () => {
  const recovery = new CallRecovery(() => {});
  recovery.registered();
  assert.equal(recovery.state, RecoveryState.None);
  assert.equal(recovery.text, null);
});

test('a call that ends while the connection is down is reported as lost to it', () => {
  const recovery = new CallRecovery(() => {});
  const session = fakeSession();
  recovery.transportLost(session);
  recovery.callEnded(session);
  assert.equal(recovery.state, RecoveryState.Lost);
  assert.equal(recovery.text, 'The call was lost while the connection was down.');
  recovery.newCall();
  assert.equal(recovery.state, RecoveryState.None);
});

test('a re-offer JsSIP refuses for now (another one in progress) is tried again', async () => {
  const recovery = new CallRecovery(() => {});
  const session = fakeSession({ refuse: 1 });
  recovery.transportLost(session);
  recovery.registered();
  assert.equal(session.offers.length, 0);
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  assert.equal(session.offers.length, 1);
  session.done();
  assert.equal(recovery.survived, 1);
});
