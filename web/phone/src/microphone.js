// The agent's microphone: permission state (from the Permissions API, kept live) and one capture stream
// opened at sign-in and reused for every call, so the level meter works before the first call and a
// denied permission is reported at sign-in instead of in the middle of a ringing call.
import { AudioAnalysis } from './audio-analysis.js';

export class Microphone {
  constructor(onChange) {
    this.onChange = onChange;
    this.permission = 'unknown';
    this.stream = null;
    this.analysis = null;
    this.error = null;
  }

  async watchPermission() {
    if (!navigator.permissions?.query) return;
    try {
      const status = await navigator.permissions.query({ name: 'microphone' });
      this.permission = status.state;
      status.onchange = () => {
        this.permission = status.state;
        this.onChange();
      };
      this.onChange();
    } catch {
      // Some browsers do not expose the microphone permission; getUserMedia still tells us.
    }
  }

  async open(audioContext) {
    if (this.stream !== null) return this.stream;
    this.error = null;
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
      this.permission = 'granted';
      this.analysis = new AudioAnalysis(audioContext, this.stream);
    } catch (error) {
      this.error = error;
      if (error?.name === 'NotAllowedError' || error?.name === 'SecurityError') this.permission = 'denied';
    }
    this.onChange();
    return this.stream;
  }

  // Mute disables the track; a call that ended while muted must not leave the next call silent.
  enable() {
    for (const track of this.stream?.getAudioTracks() ?? []) track.enabled = true;
  }

  levelDb() {
    return this.analysis === null ? null : this.analysis.levelDb();
  }

  close() {
    this.analysis?.close();
    this.analysis = null;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
  }
}
