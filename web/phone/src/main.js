// The page: wires the DOM to the Softphone and renders everything from its state in one place.
import { defaultServerUrl, rememberAgentId, rememberedAgentId } from './agent-settings.js';
import { formatDuration } from './call-timer.js';
import { describeQuality } from './call-quality.js';
import { publishDiagnostics } from './diagnostics.js';
import { Microphone } from './microphone.js';
import { networkCheckView } from './network-check.js';
import { microphoneErrorText } from './plain-errors.js';
import { Ringtone } from './ringtone.js';
import { bindShortcuts } from './shortcuts.js';
import { CallLinesView } from './call-lines-view.js';
import { CallState, Softphone } from './softphone.js';

const $ = (id) => document.getElementById(id);
const METER_INTERVAL_MS = 100;

const ui = {
  login: $('login'),
  agentId: $('agent-id'),
  password: $('password'),
  serverUrl: $('server-url'),
  loginButton: $('login-button'),
  workspace: $('workspace'),
  agentName: $('agent-name'),
  logoutButton: $('logout-button'),
  error: $('error'),
  notice: $('notice'),
  wsState: $('ws-state'),
  wsDot: $('ws-dot'),
  regState: $('reg-state'),
  regDot: $('reg-dot'),
  micState: $('mic-state'),
  micDot: $('mic-dot'),
  netState: $('net-state'),
  netDot: $('net-dot'),
  micLevel: $('mic-level'),
  incomingLevel: $('incoming-level'),
  incomingFrequency: $('incoming-frequency'),
  incoming: $('incoming'),
  incomingFrom: $('incoming-from'),
  answerButton: $('answer-button'),
  rejectButton: $('reject-button'),
  callState: $('call-state'),
  callTimer: $('call-timer'),
  remoteParty: $('remote-party'),
  quality: $('quality'),
  number: $('number'),
  keypad: $('keypad'),
  callButton: $('call-button'),
  hangupButton: $('hangup-button'),
  muteButton: $('mute-button'),
  holdButton: $('hold-button'),
  remoteAudio: $('remote-audio'),
};

// Created lazily inside the first click: browsers only let a user gesture start audio.
let audioContext = null;
let ringtone = null;
let phone = null;
let signingIn = false;

const microphone = new Microphone(() => render());
const linesView = new CallLinesView(() => phone);

function ensureAudio() {
  if (audioContext === null) {
    audioContext = new AudioContext();
    ringtone = new Ringtone(audioContext);
    phone = new Softphone({
      audioContext,
      microphone,
      remoteAudio: ui.remoteAudio,
      onChange: () => render(),
      onIncoming: (waiting) => (waiting ? linesView.focusWaitingAnswer() : ui.answerButton.focus()),
    });
  }
  audioContext.resume().catch(() => {});
}

ui.agentId.value = rememberedAgentId(localStorage);
ui.serverUrl.value = defaultServerUrl(location);
if (ui.agentId.value !== '') ui.password.focus();

ui.login.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (signingIn) return;
  ensureAudio();
  const agentId = ui.agentId.value.trim();
  const password = ui.password.value;
  const serverUrl = ui.serverUrl.value.trim();
  rememberAgentId(localStorage, agentId);
  signingIn = true;
  phone.lastError = null;
  render();
  await microphone.open(audioContext);
  const ok = await phone.signIn({ agentId, password, serverUrl });
  signingIn = false;
  ui.password.value = '';
  render();
  if (ok) ui.number.focus();
  else ui.password.focus();
});

ui.logoutButton.addEventListener('click', () => {
  phone.signOut();
  phone.registration = 'unregistered';
  microphone.close();
  render();
});

ui.keypad.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-key]');
  if (!button) return;
  const key = button.dataset.key;
  if (phone?.callState === CallState.InCall) {
    phone.sendDtmf(key);
  } else {
    ui.number.value += key;
  }
});

ui.number.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') {
    event.preventDefault();
    phone?.call(ui.number.value);
  }
});

ui.callButton.addEventListener('click', () => phone?.call(ui.number.value));
ui.hangupButton.addEventListener('click', () => phone?.hangUp());
ui.answerButton.addEventListener('click', () => phone?.answer());
ui.rejectButton.addEventListener('click', () => phone?.hangUp());
ui.muteButton.addEventListener('click', () => phone?.toggleMute());
ui.holdButton.addEventListener('click', () => phone?.toggleHold());
for (const radio of document.querySelectorAll('input[name="dtmf"]')) {
  radio.addEventListener('change', () => {
    if (radio.checked) phone?.setDtmfTransport(radio.value);
  });
}

bindShortcuts(document, {
  answer: () => phone?.answer(),
  hangUp: () => phone?.hangUp(),
  mute: () => phone?.toggleMute(),
});

const WS_TEXT = {
  offline: ['Server: not connected', ''],
  connecting: ['Server: connecting…', 'busy'],
  connected: ['Server: connected', 'ok'],
  reconnecting: ['Server: connection lost, reconnecting…', 'bad'],
};
const REG_TEXT = {
  unregistered: ['Not signed in', ''],
  registering: ['Signing in…', 'busy'],
  registered: ['Signed in', 'ok'],
  failed: ['Sign-in failed', 'bad'],
};
const MIC_TEXT = {
  unknown: ['Microphone: not checked', ''],
  prompt: ['Microphone: will ask for permission', 'busy'],
  granted: ['Microphone: allowed', 'ok'],
  denied: ['Microphone: blocked', 'bad'],
};
const CALL_TEXT = {
  [CallState.Idle]: 'Ready',
  [CallState.Outgoing]: 'Calling…',
  [CallState.Incoming]: 'Ringing',
  [CallState.Connecting]: 'Connecting…',
  [CallState.InCall]: 'In call',
};

function setDot(dot, kind) {
  dot.className = kind ? `dot ${kind}` : 'dot';
}

function render() {
  const ws = phone?.webSocket ?? 'offline';
  const registration = phone?.registration ?? 'unregistered';
  const signedIn = phone?.signedIn ?? false;

  ui.wsState.textContent = WS_TEXT[ws][0];
  ui.wsState.dataset.state = ws;
  setDot(ui.wsDot, WS_TEXT[ws][1]);
  ui.regState.textContent = REG_TEXT[registration][0];
  ui.regState.dataset.state = registration;
  setDot(ui.regDot, REG_TEXT[registration][1]);
  const mic = MIC_TEXT[microphone.permission] ?? MIC_TEXT.unknown;
  ui.micState.textContent = mic[0];
  ui.micState.dataset.state = microphone.permission;
  setDot(ui.micDot, mic[1]);
  const net = networkCheckView(phone?.networkCheck ?? null);
  ui.netState.textContent = net.text;
  ui.netState.dataset.state = net.state;
  setDot(ui.netDot, net.dot);

  const error = phone?.lastError ?? (microphone.error ? microphoneErrorText(microphone.error) : null);
  ui.error.hidden = error === null;
  ui.error.textContent = error ?? '';

  ui.login.hidden = signedIn;
  ui.workspace.hidden = !signedIn;
  ui.loginButton.disabled = signingIn;
  ui.loginButton.textContent = signingIn ? 'Signing in…' : 'Sign in';
  ui.agentName.textContent = phone?.agentId ? `Agent ${phone.agentId}` : 'Agent';

  const state = phone?.callState ?? CallState.Idle;
  const inCall = state === CallState.InCall;
  ui.callState.textContent = (inCall ? phone.line.holdText() : null) ?? CALL_TEXT[state];
  ui.callState.dataset.state = state;
  ui.incoming.hidden = state !== CallState.Incoming;
  ui.incomingFrom.textContent = state === CallState.Incoming ? phone.partyLabel() : '';
  ui.remoteParty.textContent = state === CallState.Idle ? '' : phone.partyLabel();
  ui.callButton.disabled = state !== CallState.Idle || registration !== 'registered';
  ui.hangupButton.disabled = state === CallState.Idle;
  ui.hangupButton.textContent = state === CallState.Outgoing ? 'Cancel' : 'Hang up';
  ui.muteButton.disabled = !inCall;
  ui.holdButton.disabled = !inCall;
  ui.muteButton.setAttribute('aria-pressed', String(Boolean(phone?.muted)));
  ui.muteButton.textContent = phone?.muted ? 'Unmute' : 'Mute';
  ui.holdButton.setAttribute('aria-pressed', String(Boolean(phone?.held)));
  ui.holdButton.textContent = phone?.held ? 'Resume' : 'Hold';

  const rating = phone?.rating ?? 'none';
  const details = describeQuality(phone?.quality ?? null);
  ui.quality.dataset.rating = rating;
  ui.quality.textContent = rating === 'none' ? 'Quality' : `Quality: ${rating}`;
  ui.quality.title = details;
  ui.quality.setAttribute('aria-label', `Call quality: ${rating === 'none' ? 'no call' : `${rating}, ${details}`}`);

  if (state === CallState.Idle) {
    ui.notice.textContent = phone?.lastEnd ?? '';
    ui.callTimer.textContent = formatDuration(0);
  } else if (inCall && phone.recovery.text !== null) {
    ui.notice.textContent = phone.recovery.text;
  } else if (inCall && phone.dtmfSent !== '') {
    ui.notice.textContent = `Keys sent: ${phone.dtmfSent}`;
  } else {
    ui.notice.textContent = '';
  }

  if (state === CallState.Incoming || phone?.waitingLine) ringtone?.start();
  else ringtone?.stop();
  linesView.render();
}

// Meters, the call timer and the incoming-audio reading refresh on one clock.
setInterval(() => {
  const micDb = microphone.levelDb();
  ui.micLevel.value = micDb ?? -80;
  if (phone === null) return;
  phone.readIncomingAudio();
  ui.incomingLevel.value = phone.incomingLevelDb ?? -80;
  ui.incomingFrequency.textContent = phone.incomingFrequencyHz === null
    ? '-'
    : `${Math.round(phone.incomingFrequencyHz)} Hz`;
  if (phone.answeredAt !== null) ui.callTimer.textContent = formatDuration((Date.now() - phone.answeredAt) / 1000);
}, METER_INTERVAL_MS);

// Closing the tab unregisters, so the server stops ringing an agent who has gone.
window.addEventListener('pagehide', () => phone?.signOut());

publishDiagnostics(window, () => phone, microphone);
microphone.watchPermission();
render();
