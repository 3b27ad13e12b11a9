import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration } from '../src/call-timer.js';

test('minutes and seconds, zero padded', () => {
  assert.equal(formatDuration(0), '00:00');
  assert.equal(formatDuration(9.9), '00:09');
  assert.equal(formatDuration(61), '01:01');
});

test('hours appear only past an hour', () => {
  assert.equal(formatDuration(3599), '59:59');
  assert.equal(formatDuration(3600 + 62), '1:01:02');
});

test('a clock running backwards never shows a negative time', () => {
  assert.equal(formatDuration(-3), '00:00');
});
