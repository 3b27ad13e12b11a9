// Level and dominant frequency of one audio stream, read from a Web Audio AnalyserNode.
// fftSize 8192 gives ~5.9 Hz bins at 48 kHz; smoothing 0 so every reading is the current window,
// not an average that still remembers the previous call.
const FFT_SIZE = 8192;
const SILENCE_DB = -80;
// A bin must stand this far above the floor before it counts as a tone rather than noise.
const TONE_MIN_DB = -70;
const LOWEST_HZ = 60;
const HIGHEST_HZ = 8000;

export class AudioAnalysis {
  constructor(audioContext, stream) {
    this.context = audioContext;
    this.source = audioContext.createMediaStreamSource(stream);
    this.analyser = audioContext.createAnalyser();
    this.analyser.fftSize = FFT_SIZE;
    this.analyser.smoothingTimeConstant = 0;
    this.source.connect(this.analyser);
    this.spectrum = new Float32Array(this.analyser.frequencyBinCount);
    this.samples = new Float32Array(this.analyser.fftSize);
  }

  // RMS level of the latest window in dBFS (SILENCE_DB when nothing arrives).
  levelDb() {
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (let i = 0; i < this.samples.length; i++) sum += this.samples[i] * this.samples[i];
    const rms = Math.sqrt(sum / this.samples.length);
    return rms > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(rms)) : SILENCE_DB;
  }

  // The strongest frequency in the latest window, or null when nothing stands out.
  // Parabolic interpolation over the peak bin and its neighbours refines it below one bin width.
  dominantFrequencyHz() {
    this.analyser.getFloatFrequencyData(this.spectrum);
    const binHz = this.context.sampleRate / this.analyser.fftSize;
    const first = Math.max(1, Math.floor(LOWEST_HZ / binHz));
    const last = Math.min(this.spectrum.length - 2, Math.ceil(HIGHEST_HZ / binHz));
    let peak = first;
    for (let i = first + 1; i <= last; i++) {
      if (this.spectrum[i] > this.spectrum[peak]) peak = i;
    }
    if (!(this.spectrum[peak] > TONE_MIN_DB)) return null;
    const left = this.spectrum[peak - 1];
    const centre = this.spectrum[peak];
    const right = this.spectrum[peak + 1];
    const denominator = left - 2 * centre + right;
    const offset = Number.isFinite(denominator) && denominator !== 0 ? 0.5 * (left - right) / denominator : 0;
    return (peak + Math.max(-0.5, Math.min(0.5, offset))) * binHz;
  }

  close() {
    this.source.disconnect();
  }
}
