// The incoming-call ring, synthesised with Web Audio so the page needs no audio file:
// the classic 440 + 480 Hz pair (North American ring), 2 s on, 4 s off.
const ON_SECONDS = 2;
const PERIOD_MS = 6000;
const LEVEL = 0.08;

export class Ringtone {
  constructor(audioContext) {
    this.context = audioContext;
    this.timer = null;
    this.nodes = [];
  }

  get ringing() {
    return this.timer !== null;
  }

  start() {
    if (this.timer !== null) return;
    this.context.resume().catch(() => {});
    this.burst();
    this.timer = setInterval(() => this.burst(), PERIOD_MS);
  }

  stop() {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const node of this.nodes) {
      try { node.stop(); } catch { /* already stopped */ }
    }
    this.nodes = [];
  }

  burst() {
    const now = this.context.currentTime;
    const gain = this.context.createGain();
    gain.gain.setValueAtTime(0, now);
    gain.gain.linearRampToValueAtTime(LEVEL, now + 0.05);
    gain.gain.setValueAtTime(LEVEL, now + ON_SECONDS - 0.05);
    gain.gain.linearRampToValueAtTime(0, now + ON_SECONDS);
    gain.connect(this.context.destination);
    this.nodes = [440, 480].map((hz) => {
      const oscillator = this.context.createOscillator();
      oscillator.frequency.value = hz;
      oscillator.connect(gain);
      oscillator.start(now);
      oscillator.stop(now + ON_SECONDS);
      return oscillator;
    });
  }
}
