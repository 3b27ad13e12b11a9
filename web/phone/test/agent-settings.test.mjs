import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultServerUrl, rememberAgentId, rememberedAgentId } from '../src/agent-settings.js';

test('the server address follows the page origin: wss for https, ws for http', () => {
  assert.equal(defaultServerUrl({ protocol: 'https:', host: 'pbx.example.net:8443' }), 'wss://pbx.example.net:8443/sip');
  assert.equal(defaultServerUrl({ protocol: 'http:', host: 'localhost:8080' }), 'ws://localhost:8080/sip');
});

test('the agent id round-trips through storage and a refusing storage is not fatal', () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  rememberAgentId(storage, '1001');
  assert.equal(rememberedAgentId(storage), '1001');
  assert.deepEqual([...store.values()], ['1001']);

  const refusing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
  rememberAgentId(refusing, '1001');
  assert.equal(rememberedAgentId(refusing), '');
});
