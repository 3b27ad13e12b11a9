// The RTCIceServer list for this agent: PbxBridge hands out time-limited TURN credentials (TURN REST API) at
// GET /api/ice-servers, to the agent only (HTTP Basic with the SIP id and password). Without a TURN server the list
// is empty and calls go direct (UDP, or ICE-TCP where UDP is blocked).

// wss://host:8443/sip -> https://host:8443/ (the API shares the WebSocket's HTTPS endpoint).
export function apiBaseFromServerUrl(serverUrl) {
  const url = new URL(serverUrl);
  url.protocol = url.protocol === 'ws:' ? 'http:' : 'https:';
  url.pathname = '/';
  url.search = '';
  url.hash = '';
  return url.toString();
}

// RFC 7617 with UTF-8: btoa alone only takes Latin-1.
export function basicAuthorization(agentId, password) {
  const bytes = new TextEncoder().encode(`${agentId}:${password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

// Returns { iceServers, error }: an unreachable or refusing endpoint gives an empty list and the reason, never throws.
export async function fetchIceServers({ apiBase, authorization, fetchImpl = globalThis.fetch }) {
  try {
    const response = await fetchImpl(new URL('api/ice-servers', apiBase), {
      headers: { Authorization: authorization },
      cache: 'no-store',
    });
    if (!response.ok) return { iceServers: [], error: `${response.status} ${response.statusText}`.trim() };
    const body = await response.json();
    const iceServers = Array.isArray(body?.iceServers) ? body.iceServers : [];
    return { iceServers, error: null };
  } catch (error) {
    return { iceServers: [], error: error.message };
  }
}
