// What the page remembers between visits: the agent id only. The password is never stored.
const AGENT_KEY = 'pbxbridge.phone.agentId';

export function defaultServerUrl(location) {
  const scheme = location.protocol === 'http:' ? 'ws' : 'wss';
  return `${scheme}://${location.host}/sip`;
}

export function rememberedAgentId(storage) {
  try {
    return storage.getItem(AGENT_KEY) ?? '';
  } catch {
    return '';
  }
}

export function rememberAgentId(storage, agentId) {
  try {
    storage.setItem(AGENT_KEY, agentId);
  } catch {
    // Private windows may refuse storage; signing in still works.
  }
}
