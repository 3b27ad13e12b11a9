// Transport proof against the real browser: headless Chromium plays a tone from its fake microphone into an
// RTCPeerConnection whose far end is a PbxBridge WebRtcEndpoint (started by the C# test), which echoes every
// RTP packet back. Prints one JSON line: connection and DTLS/SRTP state from getStats(), and the echoed tone's
// frequency measured in the page.
//   node webrtc/echo-tone.mjs --url=http://localhost:PORT/webrtc/echo.html --wav=/abs/tone700.wav [--restartIce=true]
import path from 'node:path';
import { launchChromium } from '../lib/chromium.mjs';
import { log, runScenario, scenarioArgs } from '../lib/scenario.mjs';
import { measureTone, toneProbeScript, waitForSound } from '../lib/tone.mjs';

const args = scenarioArgs({ url: undefined, wav: undefined, settleMs: '1500', sampleMs: '2000', restartIce: 'false' });

await runScenario(async () => {
  const browser = await launchChromium({ fakeAudioWav: path.resolve(args.wav) });
  try {
    const { page, context } = browser;
    await context.addInitScript(toneProbeScript);
    await page.goto(args.url);
    const started = await page.evaluate(() => window.startEcho());
    log('connected; answer had', started.answer.split('\n').length, 'lines');
    // Chromium reports "connected" when ITS side of DTLS is done; ours may still be finishing on a loaded box.
    const soundAfterMs = await waitForSound(page);
    log('echo heard after', soundAfterMs, 'ms');
    await page.waitForTimeout(Number(args.settleMs));
    const tone = await measureTone(page, { durationMs: Number(args.sampleMs) });
    log('tone', JSON.stringify(tone));
    let restart = null;
    if (args.restartIce === 'true') {
      const before = /a=ice-ufrag:(\S+)/.exec(started.answer)?.[1];
      restart = { ...(await page.evaluate(() => window.restartIce())), answerUfragBefore: before };
      log('ICE restart', JSON.stringify(restart));
      await page.waitForTimeout(Number(args.settleMs));
      restart.tone = await measureTone(page, { durationMs: Number(args.sampleMs) });
      log('tone after restart', JSON.stringify(restart.tone));
    }
    const stats = await page.evaluate(() => window.echoStats());
    log('stats', JSON.stringify(stats));
    return { ...stats, tone, restart };
  } catch (error) {
    log('console:', browser.consoleLines.join('\n'));
    throw error;
  } finally {
    await browser.close();
  }
});
