// window.pbxPhone: a read-only view of what the page shows, for tests and troubleshooting from the console.
// Every property is a getter over live state, so nothing written here can change the phone.
export function publishDiagnostics(window, currentPhone, microphone) {
  const view = {
    get state() { return currentPhone()?.callState ?? 'idle'; },
    get webSocket() { return currentPhone()?.webSocket ?? 'offline'; },
    get registration() { return currentPhone()?.registration ?? 'unregistered'; },
    get lastError() { return currentPhone()?.lastError ?? null; },
    get lastEnd() { return currentPhone()?.lastEnd ?? null; },
    get remoteParty() {
      const party = currentPhone()?.remoteParty;
      return party ? { ...party } : null;
    },
    get muted() { return Boolean(currentPhone()?.muted); },
    get held() { return Boolean(currentPhone()?.held); },
    get remoteHeld() { return Boolean(currentPhone()?.remoteHeld); },
    // Every call, the active one first: the second is held, ringing as call waiting, or a transfer's consultation.
    get lines() {
      const phone = currentPhone();
      if (!phone) return [];
      return [phone.line, ...phone.lines.filter((l) => l !== phone.line)].filter(Boolean).map((l) => ({
        state: l.state, number: l.remoteParty.number, held: l.held, remoteHeld: l.remoteHeld, active: l === phone.line,
      }));
    },
    get transfer() {
      const transfer = currentPhone()?.transfer;
      return { phase: transfer?.phase ?? 'idle', target: transfer?.target ?? '' };
    },
    get ringback() {
      const ringback = currentPhone()?.ringback;
      return { playing: Boolean(ringback?.playing), frequencyHz: ringback?.frequencyHz() ?? null };
    },
    get dtmfSent() { return currentPhone()?.dtmfSent ?? ''; },
    get callSeconds() {
      const answeredAt = currentPhone()?.answeredAt;
      return answeredAt ? (Date.now() - answeredAt) / 1000 : 0;
    },
    get incomingAudio() {
      const phone = currentPhone();
      return { frequencyHz: phone?.incomingFrequencyHz ?? null, levelDb: phone?.incomingLevelDb ?? null };
    },
    get microphone() {
      return { permission: microphone.permission, levelDb: microphone.levelDb() };
    },
    // The check before the first call: state (running | done), path (udp | tcp | relay | none), port, text as shown.
    get networkCheck() {
      const check = currentPhone()?.networkCheck;
      if (!check) return null;
      return {
        state: check.state,
        path: check.selected?.path ?? (check.state === 'done' ? 'none' : null),
        port: check.selected?.port ?? null,
        udp: Boolean(check.udp),
        tcp: Boolean(check.tcp),
        relay: Boolean(check.relay),
        text: check.text,
      };
    },
    // What carries the call's audio now (getStats' selected candidate pair): { path, port, relayProtocol }.
    get mediaPath() {
      const path = currentPhone()?.mediaPath;
      return path ? { ...path } : null;
    },
    // Keeping the call across a lost WebSocket: state (none | reconnecting | restoring | recovered | lost), calls kept.
    get recovery() {
      const recovery = currentPhone()?.recovery;
      return recovery
        ? { state: recovery.state, survived: recovery.survived, restoredAfterMs: recovery.restoredAfterMs }
        : { state: 'none', survived: 0, restoredAfterMs: null };
    },
    get quality() {
      const phone = currentPhone();
      return phone?.quality ? { ...phone.quality, rating: phone.rating } : null;
    },
  };
  Object.defineProperty(window, 'pbxPhone', { value: Object.freeze(view), writable: false, configurable: false });
}
