// Drives the /phone page the way an agent does: by clicking its buttons and reading what it shows.
// window.pbxPhone (the page's read-only diagnostics) is only used to wait and to read numbers the page
// also displays; every action goes through the visible controls.
import { log } from '../lib/scenario.mjs';

export async function openPhone(page, url) {
  log('open', url);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => typeof window.pbxPhone === 'object', null, { timeout: 10_000 });
}

export async function signIn(page, { agent, password, serverUrl }) {
  await page.fill('#agent-id', agent);
  await page.fill('#password', password);
  if (serverUrl) {
    await page.click('details summary');
    await page.fill('#server-url', serverUrl);
  }
  log('sign in as', agent);
  await page.click('#login-button');
}

export async function waitForRegistered(page, timeout = 15_000) {
  await page.waitForFunction(() => window.pbxPhone.registration === 'registered', null, { timeout })
    .catch(async (error) => {
      throw new Error(`not registered: ${await describe(page)} (${error.message})`);
    });
  await page.waitForSelector('#workspace:not([hidden])', { timeout: 5_000 });
}

export async function dialOnKeypad(page, number) {
  for (const key of number) {
    await page.click(`#keypad button[data-key="${key}"]`);
  }
}

export async function waitForCallState(page, state, timeout = 15_000) {
  await page.waitForFunction((s) => window.pbxPhone.state === s, state, { timeout })
    .catch(async (error) => {
      throw new Error(`call state never became "${state}": ${await describe(page)} (${error.message})`);
    });
}

// Waits for a tone on the page's incoming-audio meter, then reads the page's own figure for a while.
// Returns the readings; the C# test decides whether they are right.
export async function readIncomingTone(page, { waitMs = 10_000, sampleMs = 2_000 } = {}) {
  await page.waitForFunction(() => window.pbxPhone.incomingAudio.frequencyHz !== null, null, { timeout: waitMs })
    .catch(() => log('no incoming tone within', waitMs, 'ms'));
  const readings = [];
  const end = Date.now() + sampleMs;
  while (Date.now() < end) {
    readings.push(await page.evaluate(() => ({
      ...window.pbxPhone.incomingAudio,
      shown: document.getElementById('incoming-frequency').textContent,
    })));
    await page.waitForTimeout(200);
  }
  const frequencies = readings.map((r) => r.frequencyHz).filter((f) => f !== null).sort((a, b) => a - b);
  return {
    frequencyHz: frequencies.length === 0 ? null : frequencies[Math.floor(frequencies.length / 2)],
    toneWindows: frequencies.length,
    windows: readings.length,
    levelDb: Math.max(...readings.map((r) => r.levelDb ?? -Infinity)),
    shown: readings.at(-1)?.shown ?? null,
  };
}

export async function describe(page) {
  return page.evaluate(() => JSON.stringify({
    state: window.pbxPhone.state,
    webSocket: window.pbxPhone.webSocket,
    registration: window.pbxPhone.registration,
    lastError: window.pbxPhone.lastError,
    shownError: document.getElementById('error').hidden ? null : document.getElementById('error').textContent,
    notice: document.getElementById('notice').textContent,
  })).catch((error) => `(page unreadable: ${error.message})`);
}

// Waits until the page's incoming-audio meter reads a frequency in [lowHz, highHz] (or the time is up), then
// returns what it reads: the C# test asserts the range, so a tone that never came shows up as the wrong reading.
export async function incomingHzWhenIn(page, lowHz, highHz, timeout = 10_000) {
  await page.waitForFunction(([low, high]) => {
    const hz = window.pbxPhone.incomingAudio.frequencyHz;
    return hz !== null && hz >= low && hz <= high;
  }, [lowHz, highHz], { timeout }).catch(() => log(`no ${lowHz}-${highHz} Hz within ${timeout} ms`));
  await page.waitForTimeout(600);
  return page.evaluate(() => window.pbxPhone.incomingAudio.frequencyHz);
}

// The demo PBX calls an agent from the admin API (the caller plays the 1004 Hz tone); returns its channel id.
export async function startDemoCall(context, api, agent, from = '601') {
  const response = await context.request.post(
    new URL(`api/demo/calls?agent=${encodeURIComponent(agent)}&from=${encodeURIComponent(from)}`, api).toString());
  if (!response.ok()) throw new Error(`POST /api/demo/calls answered ${response.status()}: ${await response.text()}`);
  const { callId } = await response.json();
  log('demo call', callId, 'to', agent);
  return callId;
}

// What the page shows about its calls: the main call line, both lines' list, the transfer panel, the notice.
export async function readCallView(page) {
  return page.evaluate(() => ({
    state: window.pbxPhone.state,
    callStateText: document.getElementById('call-state').textContent,
    remoteParty: document.getElementById('remote-party').textContent,
    notice: document.getElementById('notice').textContent,
    error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent,
    lines: window.pbxPhone.lines,
    shownLines: [...document.querySelectorAll('#line-list li')].map((li) => li.textContent),
    linesHidden: document.getElementById('lines').hidden,
    waitingHidden: document.getElementById('waiting').hidden,
    waitingFrom: document.getElementById('waiting-from').textContent,
    switchEnabled: !document.getElementById('switch-button').disabled,
    transfer: window.pbxPhone.transfer,
    transferStatus: document.getElementById('transfer-status').textContent,
    completeEnabled: !document.getElementById('transfer-complete-button').disabled,
  }));
}
