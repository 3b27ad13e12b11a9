import assert from 'node:assert/strict';
import { test } from 'node:test';
import JsSIP from 'jssip';
import { callFailedText, microphoneErrorText, registrationErrorText } from '../src/plain-errors.js';

const causes = JsSIP.C.causes;
const response = (status_code, reason_phrase) => ({ status_code, reason_phrase });

test('a second 401 or a 403 on REGISTER reads as a wrong password', () => {
  const text = 'Wrong agent id or password. Check them and sign in again.';
  assert.equal(registrationErrorText(causes.AUTHENTICATION_ERROR, response(401, 'Unauthorized')), text);
  assert.equal(registrationErrorText(causes.REJECTED, response(403, 'Forbidden')), text);
});

test('other REGISTER failures keep the SIP status in the sentence', () => {
  assert.equal(
    registrationErrorText(causes.SIP_FAILURE_CODE, response(503, 'Service Unavailable')),
    'Sign-in failed: 503 Service Unavailable.');
});

test('a rejected call names the SIP reason', () => {
  assert.equal(callFailedText(causes.BUSY, response(486, 'Busy Here')), 'The number is busy (486 Busy Here).');
  assert.equal(callFailedText(causes.REJECTED, response(603, 'Decline')), 'The call was rejected (603 Decline).');
  assert.equal(callFailedText(causes.NOT_FOUND, response(404, 'Not Found')), 'That number does not exist (404 Not Found).');
  assert.equal(callFailedText(causes.SIP_FAILURE_CODE, response(500, 'Server Internal Error')),
    'The call failed (500 Server Internal Error).');
});

test('a failure without a SIP response still says what happened', () => {
  assert.equal(callFailedText(causes.CONNECTION_ERROR, null), 'The call was lost because the server connection dropped.');
  assert.match(callFailedText(causes.USER_DENIED_MEDIA_ACCESS, null), /Microphone access is blocked/);
});

test('microphone errors are told apart by their DOMException name', () => {
  assert.match(microphoneErrorText({ name: 'NotAllowedError' }), /blocked/);
  assert.match(microphoneErrorText({ name: 'NotFoundError' }), /No microphone was found/);
  assert.match(microphoneErrorText({ name: 'NotReadableError' }), /in use by another program/);
});
