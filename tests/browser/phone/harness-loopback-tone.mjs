// Checks the shared harness without PbxBridge: Chromium's fake microphone plays the WAV, the audio goes through
// a real WebRTC connection between two RTCPeerConnections in one page (Opus over loopback), and the shared tone
// probe measures what comes out. If this fails, browser interop failures elsewhere are not PbxBridge's fault.
import path from 'node:path';
import { launchChromium } from '../lib/chromium.mjs';
import { log, runScenario, scenarioArgs } from '../lib/scenario.mjs';
import { measureTone, toneProbeScript } from '../lib/tone.mjs';

const args = scenarioArgs({ wav: undefined, sampleMs: '2000' });

await runScenario(async () => {
  const browser = await launchChromium({ fakeAudioWav: path.resolve(args.wav) });
  try {
    const { page, context } = browser;
    await context.addInitScript(toneProbeScript);
    // http://localhost is a secure context, so getUserMedia works; the page is served by the route below.
    await page.route('http://localhost/harness', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>harness</title>' }));
    await page.goto('http://localhost/harness');
    const connected = await page.evaluate(async () => {
      const mic = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
      const sender = new RTCPeerConnection();
      const receiver = new RTCPeerConnection();
      sender.onicecandidate = (e) => e.candidate && receiver.addIceCandidate(e.candidate);
      receiver.onicecandidate = (e) => e.candidate && sender.addIceCandidate(e.candidate);
      const remote = new Promise((resolve) => { receiver.ontrack = (e) => resolve(e.streams[0]); });
      sender.addTrack(mic.getAudioTracks()[0], mic);
      await sender.setLocalDescription();
      await receiver.setRemoteDescription(sender.localDescription);
      await receiver.setLocalDescription();
      await sender.setRemoteDescription(receiver.localDescription);
      window.pbxToneProbe.attach(await remote);
      const start = performance.now();
      while (receiver.connectionState !== 'connected' && performance.now() - start < 10_000) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const stats = await receiver.getStats();
      let codec = null;
      stats.forEach((s) => { if (s.type === 'codec') codec = s.mimeType; });
      return { state: receiver.connectionState, codec };
    });
    log('loopback', JSON.stringify(connected));
    await page.waitForTimeout(1000);
    const tone = await measureTone(page, { durationMs: Number(args.sampleMs) });
    log('tone', JSON.stringify(tone));
    return { ...connected, tone };
  } finally {
    await browser.close();
  }
});
