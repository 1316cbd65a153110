// Spiral training in the page's Web Worker: progress, log, chart and decision boundary update;
// Stop ends a long run within 200 ms; the main thread has no task over 50 ms while it trains.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { drawStrokes, launch, newPage, numbers, oneOfEachDigit, shot, skeletonStrokes, tid, waitReady } from './helpers.js';

/* Before any script of the page: long tasks, animation-frame gaps, every message from a
 * worker, the time of the last click on Stop and of every change of train-log. */
function instrument() {
  const probe = window.__probe = {
    longtasks: [], frames: { max: 0, count: 0, measuring: false, last: 0 },
    workerMessages: [], stopClickAt: null, uiStoppedAt: null, logChanges: [],
    loop: { max: 0, measuring: false, last: 0 },
  };
  // a setTimeout(0) chain: the longest gap between two of its turns bounds the longest task
  const tick = () => {
    const l = probe.loop, now = performance.now();
    if (l.measuring && l.last) l.max = Math.max(l.max, now - l.last);
    l.last = now;
    setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const frame = (now) => {
    const f = probe.frames;
    if (f.measuring) {
      if (f.last) f.max = Math.max(f.max, now - f.last);
      f.count++;
    }
    f.last = now;
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
  new MutationObserver((records) => {
    if (probe.stopClickAt !== null && probe.uiStoppedAt === null &&
        document.querySelector('[data-testid="train-stop"]')?.disabled &&
        !document.querySelector('[data-testid="train-start"]')?.disabled) {
      probe.uiStoppedAt = performance.now();
    }
    if (records.some((r) => r.target.closest?.('[data-testid="train-log"]') ||
        r.target.parentElement?.closest('[data-testid="train-log"]'))) {
      probe.logChanges.push(performance.now());
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
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
  const before = {
    progress: await text('train-progress'),
    log: await text('train-log'),
    chart: await shot(page, tid('train-chart')),
    boundary: await shot(page, tid('boundary')),
  };
  const seen = new Set();
  const t0 = Date.now();
  await page.click(tid('train-start'));
  // sample the log while the run goes: it must move through epochs, not jump to the end
  while (Date.now() - t0 < 30_000) {
    seen.add(await text('train-log'));
    if (await isDone()) break;
    await page.waitForTimeout(10);
  }
  assert.ok(await isDone(), 'the run ended within 30 s');
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

test('Stop ends a long run within 200 ms, and no main-thread task exceeds 50 ms while training', async (t) => {
  await page.selectOption(tid('dataset'), 'spiral');
  await page.fill(tid('epochs'), '1000000');
  await page.evaluate(() => {
    const p = window.__probe;
    p.workerMessages.length = 0;
    p.logChanges.length = 0;
    p.stopClickAt = null;
    p.trainStart = performance.now();
    p.uiStoppedAt = null;
    Object.assign(p.frames, { max: 0, count: 0, measuring: true, last: 0 });
    Object.assign(p.loop, { max: 0, measuring: true, last: 0 });
  });
  await page.click(tid('train-start'));
  // let it train for a while, checking it moves
  await page.waitForFunction((sel) => /epoch\D*\d+/i.test(document.querySelector(sel).textContent), tid('train-log'));
  const early = await text('train-log');
  // the canvas still reads a digit while the worker trains
  const trainingSince = Date.now();
  const seven = (await oneOfEachDigit())[7];
  await page.click(tid('clear'));
  await drawStrokes(page, tid('draw-canvas'), skeletonStrokes(seven.pixels));
  await page.waitForFunction((sel) => document.querySelector(sel).textContent.trim() === '7',
    tid('prediction'), { timeout: 5000 });
  t.diagnostic(`a 7 drawn during training was read as 7 (${Date.now() - trainingSince} ms to draw and read)`);
  await page.waitForTimeout(Math.max(0, 2500 - (Date.now() - trainingSince)));
  const later = await text('train-log');
  assert.notEqual(later, early, 'the log moves while training');
  assert.equal(await isDone(), false, 'still training');

  await page.click(tid('train-stop'));
  await page.waitForFunction(({ start, stop }) =>
    !document.querySelector(start).disabled && document.querySelector(stop).disabled,
  { start: tid('train-start'), stop: tid('train-stop') }, { timeout: 5000, polling: 'raf' });
  const atStop = await text('train-log');
  await page.waitForTimeout(600);
  const afterwards = await text('train-log');
  const probe = await page.evaluate(() => {
    const p = window.__probe;
    p.frames.measuring = false;
    p.loop.measuring = false;
    return { ...p, frames: { ...p.frames }, loop: { ...p.loop } };
  });
  const click = probe.stopClickAt;
  assert.ok(click !== null, 'the click on Stop was seen');
  const uiStoppedAt = probe.uiStoppedAt;
  assert.ok(uiStoppedAt !== null, 'the UI went back to its stopped state');
  // the fit's promise settling in the page (its AbortError reply from the worker)
  const abortReply = probe.workerMessages.find((m) => m.t >= click && m.error === 'AbortError');
  const lastProgress = probe.workerMessages.filter((m) => m.kind === 'progress').at(-1);
  const lastLogChange = probe.logChanges.at(-1);
  const training = probe.longtasks.filter((e) => e.start + e.duration >= probe.trainStart && e.start <= click);
  const longest = training.reduce((m, e) => Math.max(m, e.duration), 0);
  t.diagnostic(`stop: Start enabled and Stop disabled ${(uiStoppedAt - click).toFixed(1)} ms after the click; worker's AbortError reply ${abortReply ? `${(abortReply.t - click).toFixed(1)} ms` : 'never'} ` +
    `after it; last worker progress message ${lastProgress ? `${(lastProgress.t - click).toFixed(1)} ms` : '-'}; ` +
    `last train-log change ${lastLogChange !== undefined ? `${(lastLogChange - click).toFixed(1)} ms` : '-'}`);
  t.diagnostic(`progress "${await text('train-progress')}"; log "${afterwards}"`);
  t.diagnostic(`while training (${((click - probe.trainStart) / 1000).toFixed(1)} s): ${training.length} long ` +
    `tasks (> 50 ms), longest ${longest.toFixed(0)} ms; ${probe.frames.count} frames, longest gap between ` +
    `animation frames ${probe.frames.max.toFixed(1)} ms; longest gap between setTimeout(0) turns ` +
    `${probe.loop.max.toFixed(1)} ms`);
  if (training.length) {
    t.diagnostic(`long tasks (ms after the start click: duration): ${training.map((e) =>
      `${(e.start - probe.trainStart).toFixed(0)}: ${e.duration.toFixed(0)}`).join(', ')}`);
  }
  assert.match(await text('train-progress'), /stop/i, 'the progress says it stopped');
  assert.ok(abortReply, 'the worker answered the fit with an AbortError');
  assert.ok(abortReply.t - click <= 200, `the worker stopped ${(abortReply.t - click).toFixed(1)} ms after the click`);
  assert.ok(uiStoppedAt - click <= 200, `the UI showed the stop ${(uiStoppedAt - click).toFixed(1)} ms after the click`);
  assert.ok(lastLogChange === undefined || lastLogChange - click <= 200,
    `train-log changed ${(lastLogChange - click).toFixed(1)} ms after the click`);
  assert.equal(afterwards, atStop, 'train-log stays put after the stop');
  assert.deepEqual(training, [], `no long tasks while training; longest ${longest.toFixed(0)} ms`);
  assert.deepEqual(errors, []);
});
