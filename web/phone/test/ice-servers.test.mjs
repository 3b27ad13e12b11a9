import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiBaseFromServerUrl, basicAuthorization, fetchIceServers } from '../src/ice-servers.js';

test('the API lives on the WebSocket server\'s HTTPS origin', () => {
  assert.equal(apiBaseFromServerUrl('wss://pbx.example.com:8443/sip'), 'https://pbx.example.com:8443/');
  assert.equal(apiBaseFromServerUrl('ws://10.0.0.1:8080/sip?x=1'), 'http://10.0.0.1:8080/');
});

test('Basic credentials are UTF-8 (RFC 7617), not Latin-1', () => {
  assert.equal(basicAuthorization('1001', 'pässwörd'), `Basic ${Buffer.from('1001:pässwörd', 'utf8').toString('base64')}`);
});

test('the list is taken from the reply, sent with the agent\'s credentials', async () => {
  let asked = null;
  const fetchImpl = async (url, init) => {
    asked = { url: url.toString(), authorization: init.headers.Authorization };
    return { ok: true, json: async () => ({ iceServers: [{ urls: ['turns:t.example.com:443?transport=tcp'], username: 'u', credential: 'c' }] }) };
  };
  const result = await fetchIceServers({ apiBase: 'https://pbx.example.com:8443/', authorization: 'Basic eA==', fetchImpl });
  assert.deepEqual(asked, { url: 'https://pbx.example.com:8443/api/ice-servers', authorization: 'Basic eA==' });
  assert.equal(result.error, null);
  assert.equal(result.iceServers[0].username, 'u');
});

test('a refusal or an unreachable server gives no servers and the reason, never an exception', async () => {
  const refused = await fetchIceServers({ apiBase: 'https://h/', authorization: '', fetchImpl: async () => ({ ok: false, status: 401, statusText: 'Unauthorized' }) });
  assert.deepEqual(refused, { iceServers: [], error: '401 Unauthorized' });
  const down = await fetchIceServers({ apiBase: 'https://h/', authorization: '', fetchImpl: async () => { throw new Error('Failed to fetch'); } });
  assert.deepEqual(down, { iceServers: [], error: 'Failed to fetch' });
});
