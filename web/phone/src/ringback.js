// The ringback an agent hears while an outgoing call rings and the far end sends no audio of its own (180 without
// SDP): 425 Hz, 1 s on, 4 s off (ITU-T E.180's most common cadence), synthesised with Web Audio. It stops as soon
// as the far end's early media arrives (183 with SDP) or the call is answered. What it plays is also analysed, so
// the diagnostics (and the tests) can tell it is heard by frequency, as they do for a call's incoming audio.
import { AudioAnalysis } from './audio-analysis.js';

export const RINGBACK_HZ = 425;
const ON_SECONDS = 1;
const PERIOD_MS = 5000;
const LEVEL = 0.1;

export class Ringback {
  constructor(audioContext) {
    this.context = audioContext;
    this.timer = null;
    this.oscillator = null;
    this.output = null;
    this.analysis = null;
  }

  get playing() {
    return this.timer !== null;
  }

  start() {
    if (this.timer !== null) return;
    this.context.resume().catch(() => {});
    this.output = this.context.createGain();
    this.output.connect(this.context.destination);
    const tap = this.context.createMediaStreamDestination();
    this.output.connect(tap);
    this.analysis = new AudioAnalysis(this.context, tap.stream);
    this.burst();
    this.timer = setInterval(() => this.burst(), PERIOD_MS);
  }

  stop() {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    try { this.oscillator?.stop(); } catch { /* already stopped */ }
    this.oscillator = null;
    this.analysis?.close();
    this.analysis = null;
    this.output.disconnect();
    this.output = null;
  }

  // The frequency being played right now, or null between bursts and when stopped.
  frequencyHz() {
    return this.analysis?.dominantFrequencyHz() ?? null;
  }

  burst() {
    const now = this.context.currentTime;
    const gain = this.context.createGain();
    gain.gain.setValueAtTime(0, now);
    gain.gain.linearRampToValueAtTime(LEVEL, now + 0.03);
    gain.gain.setValueAtTime(LEVEL, now + ON_SECONDS - 0.03);
    gain.gain.linearRampToValueAtTime(0, now + ON_SECONDS);
    gain.connect(this.output);
    const oscillator = this.context.createOscillator();
    oscillator.frequency.value = RINGBACK_HZ;
    oscillator.connect(gain);
    oscillator.start(now);
    oscillator.stop(now + ON_SECONDS);
    this.oscillator = oscillator;
  }
}
