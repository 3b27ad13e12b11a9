// Tone detection inside the page: the remote audio goes to an unmuted <audio> element (Chromium feeds a
// remote WebRTC track into Web Audio only while a media element plays it) and to an AnalyserNode with
// fftSize 8192 and no smoothing; the strongest bin, refined by parabolic interpolation, is the tone.
//
// Use: await context.addInitScript(toneProbeScript) (or page.addInitScript), then in the page
// `window.pbxToneProbe.attach(remoteStream)`, and from node `await measureTone(page, { durationMs: 2000 })`.

function installToneProbe() {
  const FFT_SIZE = 8192;
  let context = null;
  let analyser = null;
  let element = null;

  function attach(stream) {
    if (context === null) context = new AudioContext();
    context.resume().catch(() => {});
    if (element === null) {
      element = new Audio();
      element.autoplay = true;
    }
    element.muted = false;
    element.srcObject = stream;
    element.play().catch(() => {});
    const source = context.createMediaStreamSource(stream);
    analyser = context.createAnalyser();
    analyser.fftSize = FFT_SIZE;
    analyser.smoothingTimeConstant = 0;
    source.connect(analyser);
  }

  function read() {
    if (analyser === null) return null;
    const spectrum = new Float32Array(analyser.frequencyBinCount);
    const samples = new Float32Array(analyser.fftSize);
    analyser.getFloatFrequencyData(spectrum);
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    const levelDb = sum > 0 ? 10 * Math.log10(sum / samples.length) : -Infinity;
    const binHz = context.sampleRate / analyser.fftSize;
    let peak = 2;
    const last = Math.min(spectrum.length - 2, Math.ceil(8000 / binHz));
    for (let i = 3; i <= last; i++) if (spectrum[i] > spectrum[peak]) peak = i;
    const [l, c, r] = [spectrum[peak - 1], spectrum[peak], spectrum[peak + 1]];
    const d = l - 2 * c + r;
    const offset = Number.isFinite(d) && d !== 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / d)) : 0;
    return { frequencyHz: (peak + offset) * binHz, peakDb: c, levelDb };
  }

  async function measure(durationMs = 2000, intervalMs = 100) {
    const readings = [];
    const end = performance.now() + durationMs;
    while (performance.now() < end) {
      const reading = read();
      if (reading !== null) readings.push(reading);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    return readings;
  }

  Object.defineProperty(window, 'pbxToneProbe', { value: Object.freeze({ attach, read, measure }) });
}

export const toneProbeScript = `(${installToneProbe.toString()})();`;

// Summarises in-page readings: the median frequency of the windows loud enough to count.
export function summariseReadings(readings, minLevelDb = -50) {
  const loud = readings.filter((r) => r.levelDb > minLevelDb && Number.isFinite(r.frequencyHz));
  const sorted = loud.map((r) => r.frequencyHz).sort((a, b) => a - b);
  const frequencyHz = sorted.length === 0 ? null : sorted[Math.floor(sorted.length / 2)];
  const levelDb = loud.length === 0 ? null : Math.max(...loud.map((r) => r.levelDb));
  return { frequencyHz, levelDb, windows: readings.length, loudWindows: loud.length };
}

// Media starts after ICE and DTLS, which on a loaded machine can take seconds after signalling says "connected":
// wait (bounded) for sound before measuring it, so a slow handshake is not mistaken for silence. Returns the wait in
// ms, or null when nothing was heard in time.
export async function waitForSound(page, timeoutMs = 15000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const reading = await page.evaluate(() => window.pbxToneProbe.read());
    if (reading && reading.levelDb > -50) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}

export async function measureTone(page, { durationMs = 2000, minLevelDb = -50 } = {}) {
  const readings = await page.evaluate((ms) => window.pbxToneProbe.measure(ms), durationMs);
  return summariseReadings(readings, minLevelDb);
}
