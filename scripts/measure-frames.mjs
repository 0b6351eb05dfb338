// Measures the playground's smoothness and memory in Debian's Chromium, as
// issue 6 asks: 1,000 simulated records a second on 8 shards, the clock
// playing. Reports frame times (requestAnimationFrame deltas), long tasks
// over 50 ms, and the JS heap plus wasm memory before and after ten
// simulated minutes. A measurement, not a test: it prints numbers.
//
//   node scripts/measure-frames.mjs        (after building dist/)
import { chromium } from 'playwright-core';
import { serve } from './static-server.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const server = await serve(`${ROOT}dist`);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
// Trunk's loader announces the instance; its exports include the memory.
await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; }));
await page.goto(`${origin}/?sandbox`);
await page.locator('.lane').first().waitFor();

async function send(target, body) {
  const input = page.locator('.console input[name=operation]');
  await input.fill(target);
  await input.dispatchEvent('change');
  await page.locator('.console textarea').fill(JSON.stringify(body));
  await page.locator('.console button[type=submit]').click();
}
await send('Kinesis_20131202.UpdateShardCount', { StreamName: 'sandbox', TargetShardCount: 8, ScalingType: 'UNIFORM_SCALING' });
for (let i = 0; i < 4; i++) await page.keyboard.press('s');
await send('Shardlab.StartGenerator', { StreamName: 'sandbox', RecordsPerSecond: 1000, RecordBytes: 100, Keys: { Distribution: 'UNIFORM', DistinctKeys: 10000 } });
await send('Shardlab.StartPollingConsumer', { StreamName: 'sandbox', ShardIteratorType: 'LATEST' });

const memory = () => page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
const cdp = await page.context().newCDPSession(page);
const heap = async () => (await cdp.send('Runtime.getHeapUsage')).usedSize;

// Frames at real time (1×): 20 seconds of play.
await page.evaluate(() => {
  window.__frames = [];
  window.__long = [];
  new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__long.push([e.startTime, e.duration]))).observe({ type: 'longtask', buffered: false });
  window.__start = performance.now();
  let last = performance.now();
  const tick = (now) => { window.__frames.push(now - last); last = now; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
});
await page.keyboard.press(' ');
await page.waitForTimeout(20_000);
await page.keyboard.press(' ');
const { frames, long, start } = await page.evaluate(() => ({ frames: window.__frames, long: window.__long, start: window.__start }));
const sorted = [...frames].sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(1);
console.log(`frames: ${frames.length} in 20 s (${(frames.length / 20).toFixed(1)} fps); median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, p99 ${pct(0.99)} ms, max ${sorted.at(-1).toFixed(1)} ms`);
const when = long.map(([at, ms]) => `${ms.toFixed(0)} ms at ${((at - start) / 1000).toFixed(1)} s`);
console.log(`long tasks over 50 ms: ${long.length}${long.length ? ` (${when.join('; ')})` : ''}`);

// Memory over ten simulated minutes at 10×: sixty seconds of play.
const select = page.locator('.clock-bar select');
await select.selectOption('1000');
const wasmMemory = () => page.evaluate(() => window.__wasm.memory.buffer.byteLength);
const before = { js: await heap(), wasm: await wasmMemory(), clock: await page.textContent('.clock') };
await page.keyboard.press(' ');
const samples = [];
const wasmSamples = [];
for (let i = 0; i < 6; i++) {
  await page.waitForTimeout(10_000);
  samples.push(((await heap()) / 1e6).toFixed(1));
  wasmSamples.push(((await wasmMemory()) / 1e6).toFixed(1));
}
await page.keyboard.press(' ');
console.log(`JS heap (MB) every 10 s over ${before.clock} → ${await page.textContent('.clock')}: ${(before.js / 1e6).toFixed(1)} → ${samples.join(', ')}`);
// Wasm memory grows in 64 KiB pages and never shrinks: flat means no growth.
console.log(`wasm memory (MB) every 10 s: ${(before.wasm / 1e6).toFixed(1)} → ${wasmSamples.join(', ')}`);
await browser.close();
server.close();
