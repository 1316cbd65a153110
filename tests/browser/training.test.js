// Spiral training in the page's Web Worker: progress, log, chart and decision boundary update;
// Stop takes effect before the worker's next chunk of steps, and the page keeps drawing and
// reading digits while the worker trains. How fast (stop latency, long tasks) is measured by
// npm run bench (bench/demo.mjs), never asserted here: it depends on the machine's load.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { drawStrokes, frames, launch, newPage, numbers, oneOfEachDigit, shot, skeletonStrokes, tid, waitReady } from './helpers.js';

/* Before any script of the page: animation frames, every message from a worker, and the time
 * of the last click on Stop. */
function instrument() {
  const probe = window.__probe = { frames: { count: 0, measuring: false }, workerMessages: [], stopClickAt: null };
  const frame = () => {
    if (probe.frames.measuring) probe.frames.count++;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const d = event.data || {};
        probe.workerMessages.push({ t: performance.now(), id: d.id, kind: d.kind ?? (d.error ? 'error' : 'result'),
          error: d.error?.name ?? null });
      });
    }
  };
  document.addEventListener('click', (event) => {
    if (event.target.closest?.('[data-testid="train-stop"]')) probe.stopClickAt = performance.now();
  }, true);
}

let env, page, errors;
before(async () => {
  env = await launch();
  ({ page, errors } = await newPage(env.context, { initScript: instrument }));
  await page.goto(env.url);
  await waitReady(page);
});
after(async () => { await env?.close(); });

const text = async (id) => (await page.locator(tid(id)).textContent()).trim();
const isDone = () => page.evaluate((sel) => {
  const start = document.querySelector(sel.start);
  const stop = document.querySelector(sel.stop);
  return !start.disabled && stop.disabled;
}, { start: tid('train-start'), stop: tid('train-stop') });

test('a short spiral run: progress, log, chart and boundary all update', async (t) => {
  await page.selectOption(tid('dataset'), 'spiral');
  await page.waitForSelector(tid('boundary'), { state: 'visible' });
  await page.fill(tid('epochs'), '60');
  await page.setChecked(tid('slow-motion'), false);
  const before = {
    progress: await text('train-progress'),
    log: await text('train-log'),
    chart: await shot(page, tid('train-chart')),
    boundary: await shot(page, tid('boundary')),
  };
  const seen = new Set();
  const t0 = Date.now();
  await page.click(tid('train-start'));
  // sample the log while the run goes, however long it takes
  while (!(await isDone())) {
    seen.add(await text('train-log'));
    await page.waitForTimeout(10);
  }
  const progress = await text('train-progress');
  const log = await text('train-log');
  t.diagnostic(`${Date.now() - t0} ms; progress "${progress}"; log "${log}"; ${seen.size} distinct log texts seen`);
  assert.notEqual(progress, before.progress, 'train-progress changed');
  assert.notEqual(log, before.log, 'train-log changed');
  assert.match(log, /epoch/i, 'the log names the epoch');
  assert.match(log, /loss/i, 'the log shows a loss');
  const [epoch, epochs] = numbers(log.match(/epoch\D*(\d+)\s*\/\s*(\d+)/i)?.slice(1).join(' ') ?? '');
  assert.deepEqual([epoch, epochs], [60, 60], 'the log ends at epoch 60/60');
  const loss = Number(log.match(/loss\D*?(\d+(?:\.\d+)?)/i)?.[1]);
  assert.ok(Number.isFinite(loss) && loss > 0 && loss < 1.1, `a plausible spiral loss: ${loss}`);
  assert.match(progress, /done|60\s*\/\s*60|100\s*%/i, 'the progress says the run is complete');
  const progressValue = await page.evaluate((sel) => document.querySelector(`${sel} progress`)?.value, tid('train-progress'));
  if (progressValue !== undefined) assert.equal(progressValue, 1, 'the progress bar is full');
  const chart = await shot(page, tid('train-chart'));
  const boundary = await shot(page, tid('boundary'));
  assert.ok(!chart.equals(before.chart), 'the chart canvas changed');
  assert.ok(!boundary.equals(before.boundary), 'the boundary canvas changed');
  const chartInk = await page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    for (let i = 0; i < d.length; i += 4) if (d[i + 3]) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return { width: c.width, height: c.height, colours: colours.size };
  }, tid('train-chart'));
  t.diagnostic(`chart ${chartInk.width}×${chartInk.height}, ${chartInk.colours} colours`);
  assert.ok(chartInk.colours > 2, 'the chart draws something');
  assert.deepEqual(errors, []);
});

test('Stop takes effect before the next chunk, and the page reads a digit while the worker trains', async (t) => {
  await page.selectOption(tid('dataset'), 'spiral');
  await page.setChecked(tid('slow-motion'), false);
  await page.fill(tid('epochs'), '1000000');
  await page.evaluate(() => {
    const p = window.__probe;
    p.workerMessages.length = 0;
    p.stopClickAt = null;
    Object.assign(p.frames, { count: 0, measuring: true });
  });
  await page.click(tid('train-start'));
  await page.waitForFunction((sel) => /epoch\D*\d+/i.test(document.querySelector(sel).textContent), tid('train-log'));
  const early = await text('train-log');
  // the canvas still reads a digit while the worker trains
  const seven = (await oneOfEachDigit())[7];
  await page.click(tid('clear'));
  await drawStrokes(page, tid('draw-canvas'), skeletonStrokes(seven.pixels));
  await page.waitForFunction((sel) => document.querySelector(sel).textContent.trim() === '7', tid('prediction'));
  // the log moves on: wait for it, however long the machine takes
  await page.waitForFunction(({ sel, was }) => document.querySelector(sel).textContent.trim() !== was,
    { sel: tid('train-log'), was: early }, { timeout: 60_000 });
  assert.equal(await isDone(), false, 'still training');
  const during = await page.evaluate(() => ({ frames: window.__probe.frames.count }));

  await page.click(tid('train-stop'));
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.state === 'stopped', tid('train-progress'),
    { polling: 'raf' });
  // the worker's answer to the aborted fit
  await page.waitForFunction(() => window.__probe.workerMessages.some((m) => m.t >= window.__probe.stopClickAt &&
    m.error === 'AbortError'));
  const atStop = await text('train-log');
  await frames(page, 5);
  const afterwards = await text('train-log');
  const probe = await page.evaluate(() => {
    window.__probe.frames.measuring = false;
    return window.__probe;
  });
  const click = probe.stopClickAt;
  assert.ok(click !== null, 'the click on Stop was seen');
  const abortAt = probe.workerMessages.findIndex((m) => m.t >= click && m.error === 'AbortError');
  const progressAfterClick = probe.workerMessages.filter((m, i) => m.t >= click && i < abortAt && m.kind === 'progress');
  t.diagnostic(`${probe.frames.count} animation frames while training; ${progressAfterClick.length} progress ` +
    `message(s) from the worker between the click and its AbortError; progress "${await text('train-progress')}"; ` +
    `log "${afterwards}" (latencies: npm run bench)`);
  // the worker ran no chunk after the one in flight when the abort arrived
  assert.ok(progressAfterClick.length <= 1, `${progressAfterClick.length} chunks reported after the click`);
  assert.ok(during.frames > 0, 'the page drew frames while the worker trained');
  assert.match(await text('train-progress'), /stop/i, 'the progress says it stopped');
  assert.match(afterwards, /stopped/, 'the log says it stopped');
  assert.equal(afterwards, atStop, 'train-log stays put after the stop');
  assert.equal(await isDone(), true, 'Start is enabled again and Stop disabled');
  assert.deepEqual(errors, []);
});
