import assert from 'node:assert/strict';
import { test } from 'node:test';
import JsSIP from 'jssip';
import { callFailedText, microphoneErrorText, registrationErrorText } from '../src/plain-errors.js';

const causes = JsSIP.C.causes;
const response = (status_code, reason_phrase, headers = {}) => ({
  status_code,
  reason_phrase,
  // JsSIP's IncomingResponse.getHeader: case-insensitive, undefined when absent.
  getHeader: (name) => Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1],
});

test('a second 401 or a 403 on REGISTER reads as a wrong password', () => {
  const text = 'Wrong agent id or password. Check them and sign in again.';
  assert.equal(registrationErrorText(causes.AUTHENTICATION_ERROR, response(401, 'Unauthorized')), text);
  assert.equal(registrationErrorText(causes.REJECTED, response(403, 'Forbidden')), text);
});

test('other REGISTER failures keep the SIP status in the sentence', () => {
  assert.equal(
    registrationErrorText(causes.SIP_FAILURE_CODE, response(500, 'Server Internal Error')),
    'Sign-in failed: 500 Server Internal Error.');
});

test('a REGISTER over the registrations limit says to close a tab, not that the password is wrong', () => {
  assert.equal(
    registrationErrorText(causes.SIP_FAILURE_CODE, response(503, 'Too Many Registrations', { 'Retry-After': '540' })),
    'You are signed in from too many tabs or devices. Close one of them, then sign in again.');
});

test('any other 503 on REGISTER says when to try again, from Retry-After', () => {
  assert.equal(
    registrationErrorText(causes.SIP_FAILURE_CODE, response(503, 'Too Many Messages', { 'Retry-After': '1' })),
    'The server cannot sign you in right now (503 Too Many Messages). Try again in 1 second.');
  assert.equal(
    registrationErrorText(causes.SIP_FAILURE_CODE, response(503, 'Service Unavailable')),
    'The server cannot sign you in right now (503 Service Unavailable). Try again in a little while.');
});

test('a throttled sign-in (429) says to wait, in minutes when it is long', () => {
  assert.equal(
    registrationErrorText(causes.SIP_FAILURE_CODE, response(429, 'Too Many Requests', { 'retry-after': '300' })),
    'Too many failed sign-ins from your network. Try again in 5 minutes. Check the agent id and password first.');
});

test('a call over a limit says which limit in plain words', () => {
  assert.equal(
    callFailedText(causes.SIP_FAILURE_CODE, response(503, 'Too Many Calls For This Agent', { 'Retry-After': '30' })),
    'You already have as many calls as you may (503 Too Many Calls For This Agent). Hang up one, then call again.');
  assert.equal(
    callFailedText(causes.SIP_FAILURE_CODE, response(503, 'Too Many Calls', { 'Retry-After': '30' })),
    'The server is carrying as many calls as it may (503 Too Many Calls). Try again in 30 seconds.');
  assert.equal(
    callFailedText(causes.SIP_FAILURE_CODE, response(503, 'No Media Ports Free', { 'Retry-After': '30' })),
    'The server has no room for the audio of another call (503 No Media Ports Free). Try again in 30 seconds.');
  assert.equal(
    callFailedText(causes.SIP_FAILURE_CODE, response(503, 'Server Overloaded', { 'Retry-After': '10' })),
    'The server is short of processing power and keeps it for the calls already up (503 Server Overloaded). Try again in 10 seconds.');
  assert.equal(
    callFailedText(causes.SIP_FAILURE_CODE, response(503, 'Too Many Messages', { 'Retry-After': '1 (rate)' })),
    'Your phone sent too much at once (503 Too Many Messages). Try again in 1 second.');
});

test('a 503 from the PBX side still reads as busy-try-later', () => {
  assert.equal(
    callFailedText(causes.SIP_FAILURE_CODE, response(503, 'Service Unavailable')),
    'The server cannot take the call right now (503 Service Unavailable). Try again in a little while.');
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
