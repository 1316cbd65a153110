/**
 * The demo page's latencies in headless Chromium (playwright-core driving Debian's
 * /usr/bin/chromium, the demo server of scripts/serve.mjs on a free port): how soon the model is
 * ready, how soon Stop stops a long run, and the longest main-thread task and animation-frame gap
 * while the page's Web Worker trains. The browser tests check what the page does; the times are
 * measured here, since a test must not depend on how busy the machine is.
 *   node bench/demo.mjs [--quick] [--save]
 * Prints the figures on stderr, then their RESULTS.md section, and one JSON line on stdout
 * (bench/run.mjs runs it as the 'demo' step, with --no-summary). --save also stores the result as results.demo in bench/results.json and renders
 * bench/RESULTS.md again from that file (`node bench/run.mjs --render`), leaving the other
 * figures as they were.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir, child, flag, log as logger, root } from './common.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIEWPORT = { width: 1200, height: 800 };   // the browser tests' desktop window

/** what each figure is held to: the bounds the browser tests used to assert */
export const DEMO_TARGETS = { readyMs: 2000, stopMs: 200, longTaskMs: 50 };

/** repetitions and run lengths */
export function demoPlan({ quick = false } = {}) {
  return quick
    ? { readyLoads: 2, stops: 2, trainMs: 1000, mnistRuns: 1 }
    : { readyLoads: 5, stops: 5, trainMs: 2000, mnistRuns: 3 };
}

const tid = (id) => `[data-testid="${id}"]`;
const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const max = (xs) => (xs.some((x) => x == null) || !xs.length ? null : Math.max(...xs));
const round = (x, d = 1) => (x == null ? null : Math.round(x * 10 ** d) / 10 ** d);

/* ---- in the page, before any of its scripts ---------------------------------------------- */

/**
 * window.__bench: when model-status first says 'ready'; every long task (PerformanceObserver
 * 'longtask', buffered); the clicks on Start and Stop; when the UI shows the stop (train-progress
 * data-state="stopped" and train-start enabled); the arrival of every worker message that answers
 * with an AbortError (window.Worker wrapped); while arm()ed, the longest gap between animation
 * frames and between the turns of a setTimeout(0) chain (which bounds the longest task from above,
 * also under 50 ms, where the longtask API reports nothing).
 */
function instrument() {
  const p = window.__bench = {
    readyAt: null, longtasks: [], startClickAt: null, stopClickAt: null, stopHandledAt: null,
    uiStoppedAt: null, aborts: [],
    frames: { measuring: false, last: 0, max: 0, count: 0 },
    loop: { measuring: false, last: 0, max: 0, running: false },
  };
  const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
  const check = () => {
    if (p.readyAt === null && /ready/i.test($('model-status')?.textContent || '')) p.readyAt = performance.now();
    if (p.stopClickAt !== null && p.uiStoppedAt === null && $('train-progress')?.dataset.state === 'stopped' &&
        $('train-start') && !$('train-start').disabled) {
      p.uiStoppedAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) p.longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  // the input event's own time (when the browser took the click), unless it is not in this clock
  const clickTime = (event) => {
    const now = performance.now();
    return event.timeStamp > 0 && event.timeStamp <= now && now - event.timeStamp < 10_000 ? event.timeStamp : now;
  };
  document.addEventListener('click', (event) => {
    if (event.target.closest?.('[data-testid="train-stop"]')) {
      p.stopClickAt = clickTime(event);
      p.stopHandledAt = performance.now();
    } else if (event.target.closest?.('[data-testid="train-start"]')) {
      p.startClickAt = clickTime(event);
    }
  }, true);
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (event.data?.error?.name === 'AbortError') p.aborts.push(performance.now());
      });
    }
  };
  const frame = (now) => {
    const f = p.frames;
    if (f.measuring) {
      if (f.last) f.max = Math.max(f.max, now - f.last);
      f.count++;
      f.last = now;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const tick = () => {
    const l = p.loop;
    if (!l.measuring) { l.running = false; return; }
    const now = performance.now();
    if (l.last) l.max = Math.max(l.max, now - l.last);
    l.last = now;
    setTimeout(tick, 0);
  };
  /* start measuring a run: forget the previous one's clicks, stop, frames and loop */
  p.arm = () => {
    Object.assign(p, { startClickAt: null, stopClickAt: null, stopHandledAt: null, uiStoppedAt: null, aborts: [] });
    Object.assign(p.frames, { measuring: true, last: 0, max: 0, count: 0 });
    Object.assign(p.loop, { measuring: true, last: 0, max: 0 });
    if (!p.loop.running) { p.loop.running = true; setTimeout(tick, 0); }
  };
  /* stop measuring; the figures between `from` and `to` (page times) */
  p.collect = (from, to) => {
    p.frames.measuring = false;
    p.loop.measuring = false;
    const tasks = p.longtasks.filter((e) => e.start + e.duration >= from && e.start <= to);
    return {
      longTasks: tasks.map((e) => ({ atMs: e.start - from, ms: e.duration })),
      longestTaskMs: tasks.reduce((m, e) => Math.max(m, e.duration), 0),
      frameGapMs: p.frames.max, frames: p.frames.count, loopGapMs: p.loop.max,
    };
  };
}

/* ---- the measurements ---------------------------------------------------------------------- */

async function openPage(browser, url, errors) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
  await page.addInitScript(instrument);
  await page.goto(url);
  await page.waitForFunction(() => window.__bench.readyAt !== null, null, { timeout: 30_000, polling: 100 });
  return { context, page };
}

/** model ready: each load in a new context, so with an empty HTTP cache */
async function measureReady(browser, url, plan, log, errors) {
  const runs = [];
  for (let i = 0; i < plan.readyLoads; i++) {
    const { context, page } = await openPage(browser, url, errors);
    const r = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const b = window.__bench;
      const loadTasks = b.longtasks.filter((e) => e.start <= b.readyAt);
      return { ms: b.readyAt, domContentLoadedMs: nav.domContentLoadedEventEnd, loadEventMs: nav.loadEventEnd,
        longestTaskMs: loadTasks.reduce((m, e) => Math.max(m, e.duration), 0),
        status: document.querySelector('[data-testid="model-status"]').textContent.trim() };
    });
    await context.close();
    log(`model ready ${r.ms.toFixed(0)} ms after navigation start (DOMContentLoaded ${r.domContentLoadedMs.toFixed(0)} ms, ` +
      `load ${r.loadEventMs.toFixed(0)} ms; longest task before it ${r.longestTaskMs.toFixed(0)} ms): "${r.status}"`);
    runs.push({ ms: round(r.ms), domContentLoadedMs: round(r.domContentLoadedMs), loadEventMs: round(r.loadEventMs),
      longestTaskMs: round(r.longestTaskMs) });
  }
  const ms = runs.map((r) => r.ms);
  return { loads: runs.length, medianMs: median(ms), maxMs: max(ms), runs };
}

const state = (page) => page.evaluate((sel) => ({
  state: document.querySelector(sel.progress).dataset.state,
  startEnabled: !document.querySelector(sel.start).disabled,
  log: document.querySelector(sel.log).textContent.trim(),
}), { progress: tid('train-progress'), start: tid('train-start'), log: tid('train-log') });

const waitEnded = (page, timeout) => page.waitForFunction((sel) => {
  const p = document.querySelector(sel.progress);
  return p.dataset.state !== 'running' && p.dataset.state !== 'idle' && !document.querySelector(sel.start).disabled;
}, { progress: tid('train-progress'), start: tid('train-start') }, { timeout, polling: 50 });

/** Stop during long spiral runs at full speed, and the main thread while they train */
async function measureStop(page, plan, log) {
  const runs = [];
  for (let i = 0; i < plan.stops; i++) {
    await page.selectOption(tid('dataset'), 'spiral');
    await page.setChecked(tid('slow-motion'), false);
    await page.fill(tid('epochs'), '1000000');
    await page.evaluate(() => window.__bench.arm());
    await page.click(tid('train-start'));
    await page.waitForFunction((sel) => document.querySelector(sel.progress).dataset.state === 'running' &&
      /epoch\D*\d+/i.test(document.querySelector(sel.log).textContent),
    { progress: tid('train-progress'), log: tid('train-log') }, { timeout: 30_000, polling: 50 });
    await page.waitForTimeout(plan.trainMs);
    const before = await state(page);
    if (before.state !== 'running') throw new Error(`the spiral run ended before Stop: ${before.state}, "${before.log}"`);
    await page.click(tid('train-stop'));
    let stopped = true;
    await page.waitForFunction(() => {
      const b = window.__bench;
      return b.uiStoppedAt !== null && b.aborts.some((t) => t >= b.stopClickAt);
    }, null, { timeout: 10_000, polling: 20 }).catch(() => { stopped = false; });
    const r = await page.evaluate(() => {
      const b = window.__bench;
      const abort = b.aborts.find((t) => t >= b.stopClickAt);
      return { ...b.collect(b.startClickAt, b.stopClickAt), trainedMs: b.stopClickAt - b.startClickAt,
        uiMs: b.uiStoppedAt === null ? null : b.uiStoppedAt - b.stopClickAt,
        workerMs: abort === undefined ? null : abort - b.stopClickAt, inputDelayMs: b.stopHandledAt - b.stopClickAt };
    });
    await waitEnded(page, 30_000);
    const after = await state(page);
    const epochs = Number(before.log.match(/epoch\D*(\d+)/i)?.[1]) || null;
    log(`stop ${i + 1}/${plan.stops} after ${(r.trainedMs / 1000).toFixed(1)} s (epoch ${epochs ?? '?'}): UI stopped ` +
      `${r.uiMs == null ? 'never' : `${r.uiMs.toFixed(1)} ms`}, worker's AbortError reply ` +
      `${r.workerMs == null ? 'never' : `${r.workerMs.toFixed(1)} ms`} after the click (click handled after ` +
      `${r.inputDelayMs.toFixed(1)} ms); while training: ${r.longTasks.length} long task(s), longest ` +
      `${r.longestTaskMs.toFixed(0)} ms, longest frame gap ${r.frameGapMs.toFixed(1)} ms, setTimeout(0) gap ` +
      `${r.loopGapMs.toFixed(1)} ms; then "${after.state}"`);
    if (!stopped && after.state !== 'stopped') throw new Error(`Stop did not stop the run: ${after.state}, "${after.log}"`);
    runs.push({ uiMs: round(r.uiMs), workerMs: round(r.workerMs), inputDelayMs: round(r.inputDelayMs),
      trainedMs: round(r.trainedMs, 0), epochs, longestTaskMs: round(r.longestTaskMs),
      longTasks: r.longTasks.map((t) => ({ atMs: round(t.atMs, 0), ms: round(t.ms, 0) })),
      frameGapMs: round(r.frameGapMs), frames: r.frames, loopGapMs: round(r.loopGapMs) });
    await page.waitForTimeout(300);   // the stopped run's last work (its boundary) is done
  }
  const ui = runs.map((r) => r.uiMs);
  const worker = runs.map((r) => r.workerMs);
  return {
    stops: runs.length,
    ui: { medianMs: median(ui), maxMs: max(ui) },
    worker: { medianMs: median(worker), maxMs: max(worker) },
    training: {
      seconds: round(runs.reduce((a, r) => a + r.trainedMs, 0) / 1000, 2),
      longTasks: runs.reduce((a, r) => a + r.longTasks.length, 0),
      longestTaskMs: Math.max(...runs.map((r) => r.longestTaskMs)),
      frameGapMs: Math.max(...runs.map((r) => r.frameGapMs)),
      loopGapMs: Math.max(...runs.map((r) => r.loopGapMs)),
    },
    runs,
  };
}

/** one-epoch MNIST runs to their end (the first one also fetches and parses MNIST in the worker) */
async function measureMnist(page, plan, log) {
  const runs = [];
  for (let i = 0; i < plan.mnistRuns; i++) {
    await page.selectOption(tid('dataset'), 'mnist');
    await page.fill(tid('epochs'), '1');
    await page.evaluate(() => window.__bench.arm());
    await page.click(tid('train-start'));
    await waitEnded(page, 5 * 60_000);
    const r = await page.evaluate(() => {
      const b = window.__bench;
      const end = performance.now();
      return { ...b.collect(b.startClickAt, end), seconds: (end - b.startClickAt) / 1000 };
    });
    const after = await state(page);
    log(`MNIST run ${i + 1}/${plan.mnistRuns}${i === 0 ? ' (loads MNIST into the worker)' : ''}: ${r.seconds.toFixed(1)} s, ` +
      `"${after.state}", "${after.log}"; ${r.longTasks.length} long task(s), longest ${r.longestTaskMs.toFixed(0)} ms, ` +
      `longest frame gap ${r.frameGapMs.toFixed(1)} ms, setTimeout(0) gap ${r.loopGapMs.toFixed(1)} ms`);
    if (after.state !== 'done') throw new Error(`the MNIST run did not finish: ${after.state}, "${after.log}"`);
    runs.push({ seconds: round(r.seconds, 2), loadsData: i === 0, log: after.log, longestTaskMs: round(r.longestTaskMs),
      longTasks: r.longTasks.map((t) => ({ atMs: round(t.atMs, 0), ms: round(t.ms, 0) })),
      frameGapMs: round(r.frameGapMs), frames: r.frames, loopGapMs: round(r.loopGapMs) });
  }
  return {
    runs: runs.length,
    seconds: round(runs.reduce((a, r) => a + r.seconds, 0), 2),
    longTasks: runs.reduce((a, r) => a + r.longTasks.length, 0),
    longestTaskMs: Math.max(...runs.map((r) => r.longestTaskMs)),
    frameGapMs: Math.max(...runs.map((r) => r.frameGapMs)),
    loopGapMs: Math.max(...runs.map((r) => r.loopGapMs)),
    each: runs,
  };
}

/** the targets, each judged on the worst repetition */
function demoTargets(r) {
  const T = DEMO_TARGETS;
  const t = [];
  const add = (name, goal, value, met) => t.push({ name, goal, value, met: met == null ? null : !!met });
  const ok = (x) => x && !x.error;
  add('Model ready', `≤ ${T.readyMs} ms after navigation start`, ok(r.ready) ? r.ready.maxMs : null,
    ok(r.ready) && r.ready.maxMs != null ? r.ready.maxMs <= T.readyMs : null);
  add('Stop → UI stopped', `≤ ${T.stopMs} ms after the click`, ok(r.stop) ? r.stop.ui.maxMs : null,
    ok(r.stop) ? r.stop.ui.maxMs != null && r.stop.ui.maxMs <= T.stopMs : null);
  add('Stop → worker\'s AbortError reply', `≤ ${T.stopMs} ms after the click`, ok(r.stop) ? r.stop.worker.maxMs : null,
    ok(r.stop) ? r.stop.worker.maxMs != null && r.stop.worker.maxMs <= T.stopMs : null);
  add('Long tasks, spiral at full speed', `no main-thread task over ${T.longTaskMs} ms`,
    ok(r.stop) ? r.stop.training.longestTaskMs : null, ok(r.stop) ? r.stop.training.longTasks === 0 : null);
  add('Long tasks, MNIST', `no main-thread task over ${T.longTaskMs} ms`,
    ok(r.mnist) ? r.mnist.longestTaskMs : null, ok(r.mnist) ? r.mnist.longTasks === 0 : null);
  return t;
}

/* ---- the RESULTS.md section (bench/run.mjs renders it too) --------------------------------- */

const ms = (x, d = 0) => (x == null ? '—' : `${Number(x).toFixed(d)} ms`);

/** "## Demo page latencies" for bench/RESULTS.md, from the demo step's result */
export function demoMarkdown(d) {
  const L = ['## Demo page latencies', ''];
  if (!d) return [...L, 'not run', ''].join('\n');
  if (d.error) return [...L, `failed: \`${d.error.split('\n')[0]}\``, ''].join('\n');
  const p = d.plan;
  const load = d.loadavg ? `1-min load average ${d.loadavg.start[0].toFixed(2)} at its start, ${d.loadavg.end[0].toFixed(2)} at its end` : '';
  L.push(`The demo page (web/, served by scripts/serve.mjs) in headless Chromium ${d.runtime?.replace(/^chromium /, '') ?? '?'}, ` +
    `${d.viewport.width}×${d.viewport.height} window, web/ of ${d.web ?? '?'}; ${load}` +
    (d.standalone ? `. Measured on ${d.date} by \`node bench/demo.mjs\`, apart from the run above` : '') +
    `. Each target is judged on the worst repetition.`);
  if (d.loadavg && Math.max(d.loadavg.start[0], d.loadavg.end[0]) > d.cores) {
    L.push('', `**The machine was busy** (load above its ${d.cores} cores): other processes competed with the page ` +
      `and its worker for the CPU, so these times are longer than on an idle machine.`);
  }
  L.push('', '| figure | target | measured | met |', '|---|---|---|---|');
  const met = (name) => {
    const t = d.targets.find((x) => x.name === name);
    return !t || t.met == null ? 'n/a' : t.met ? '**met**' : 'not met';
  };
  const fail = (x) => (x?.error ? `failed: ${x.error.split('\n')[0]}` : null);
  const T = DEMO_TARGETS;
  L.push(`| model ready: navigation start → model-status says 'ready' (empty cache) | ≤ ${T.readyMs} ms | ` +
    `${fail(d.ready) ?? `median ${ms(d.ready.medianMs)}, max ${ms(d.ready.maxMs)} (${d.ready.loads} loads)`} | ${met('Model ready')} |`);
  const s = d.stop;
  L.push(`| Stop → the UI shows it (data-state="stopped", Start enabled) | ≤ ${T.stopMs} ms | ` +
    `${fail(s) ?? `median ${ms(s.ui.medianMs, 1)}, max ${ms(s.ui.maxMs, 1)} (${s.stops} stops)`} | ${met('Stop → UI stopped')} |`);
  L.push(`| Stop → the worker's AbortError reply arrives in the page | ≤ ${T.stopMs} ms | ` +
    `${fail(s) ?? `median ${ms(s.worker.medianMs, 1)}, max ${ms(s.worker.maxMs, 1)} (${s.stops} stops)`} | ${met('Stop → worker\'s AbortError reply')} |`);
  const tasks = (x) => (x.longTasks === 0 ? `none over ${T.longTaskMs} ms` : `${x.longTasks} over ${T.longTaskMs} ms, longest ${ms(x.longestTaskMs)}`);
  L.push(`| longest main-thread task, spiral at full speed (${s?.error ? '?' : `${s.training.seconds.toFixed(1)} s`} of training) | ` +
    `none over ${T.longTaskMs} ms | ${fail(s) ?? `${tasks(s.training)} (setTimeout(0) gap ≤ ${ms(s.training.loopGapMs, 1)})`} | ${met('Long tasks, spiral at full speed')} |`);
  const m = d.mnist;
  L.push(`| longest main-thread task, MNIST 1 epoch (${m?.error ? '?' : `${m.runs} run${m.runs === 1 ? '' : 's'}, ${m.seconds.toFixed(1)} s`}) | ` +
    `none over ${T.longTaskMs} ms | ${fail(m) ?? `${tasks(m)} (setTimeout(0) gap ≤ ${ms(m.loopGapMs, 1)})`} | ${met('Long tasks, MNIST')} |`);
  L.push(`| longest gap between animation frames while training, spiral / MNIST | (reported) | ` +
    `${s?.error ? '—' : ms(s.training.frameGapMs, 1)} / ${m?.error ? '—' : ms(m.frameGapMs, 1)} | |`);
  L.push('');
  L.push(`- Model ready: ${p.readyLoads} loads of the page, each in a new browser context (empty HTTP cache); a ` +
    `MutationObserver installed by an init script notes performance.now() when model-status first contains 'ready' ` +
    `(performance.now() counts from navigation start).` +
    (d.ready && !d.ready.error ? ` DOMContentLoaded came at median ${ms(median(d.ready.runs.map((r) => r.domContentLoadedMs)))}.` : ''));
  L.push(`- Stop: ${p.stops} times, the spiral at full speed (slow motion off) with 1,000,000 epochs is started, ` +
    `left to train ${(p.trainMs / 1000).toFixed(0)} s once the log shows an epoch, then Stop is clicked; times count from the click ` +
    `event's timeStamp (when the browser took the input) to the MutationObserver seeing the stopped UI, and to the ` +
    `worker's message answering the aborted fit (window.Worker wrapped by the init script).` +
    (s && !s.error ? ` The runs reached epochs ${s.runs.map((r) => (r.epochs ?? '?').toLocaleString('en-US')).join(', ')} before Stop.` : ''));
  L.push(`- Long tasks: a PerformanceObserver for 'longtask' (buffered) in the init script; a task counts when it ` +
    `overlaps the run (spiral: Start click to Stop click; MNIST, epochs 1 and the other settings the page's defaults: ` +
    `Start click to the run's end, the first of the ${p.mnistRuns} MNIST run${p.mnistRuns === 1 ? '' : 's'} also ` +
    `fetching and parsing the 55 MB of MNIST in the worker). The longtask API ` +
    `reports only tasks over 50 ms; the longest gap between the turns of a setTimeout(0) chain running meanwhile ` +
    `bounds the longest task from above (a turn waits for the task before it, and 4 ms of clamping).` +
    (m && !m.error ? ` The MNIST runs took ${m.each.map((r) => `${r.seconds.toFixed(1)} s`).join(', ')} from the click on Start to the end.` : ''));
  if (d.pageErrors?.length) L.push(`- The page reported errors: ${d.pageErrors.slice(0, 3).map((e) => `\`${e}\``).join('; ')}`);
  L.push('');
  return L.join('\n');
}

/* ---- main ---------------------------------------------------------------------------------- */

function webState() {
  const git = (...a) => { try { return execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim(); } catch { return ''; } };
  const commit = git('rev-parse', '--short', 'HEAD');
  if (!commit) return null;
  return `${commit}${git('status', '--porcelain', '--', 'web', 'src/js') !== '' ? ' + uncommitted changes' : ''}`;
}

async function main() {
  const log = logger('demo');
  const quick = flag('--quick');
  const plan = demoPlan({ quick });
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (bash scripts/deps.sh --browser installs it)`);
  const { chromium } = await import('playwright-core');
  const { createDemoServer } = await import('../scripts/serve.mjs');
  const server = createDemoServer();
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  const result = { date: new Date().toISOString(), quick, plan, viewport: VIEWPORT, web: webState(),
    cores: cpus().length, loadavg: { start: loadavg() } };
  const errors = [];
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    result.runtime = `chromium ${browser.version()}`;
    const part = async (name, fn) => {
      try {
        result[name] = await fn();
      } catch (err) {
        result[name] = { error: String(err?.message || err) };
        log(`${name} failed: ${result[name].error.split('\n')[0]}`);
      }
    };
    await part('ready', () => measureReady(browser, url, plan, log, errors));
    // one page for the runs, as a person would use it: the spiral runs, then MNIST
    let page, context;
    await part('stop', async () => {
      ({ page, context } = await openPage(browser, url, errors));
      return measureStop(page, plan, log);
    });
    await part('mnist', async () => {
      if (!page) ({ page, context } = await openPage(browser, url, errors));
      return measureMnist(page, plan, log);
    });
    await context?.close();
  } finally {
    await browser?.close().catch(() => {});
    await new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); });
  }
  result.loadavg.end = loadavg();
  result.pageErrors = errors;
  result.targets = demoTargets(result);
  for (const t of result.targets) {
    log(`${t.name}: ${t.value == null ? '—' : `${t.value} ms`} (target ${t.goal}): ${t.met == null ? 'n/a' : t.met ? 'met' : 'NOT met'}`);
  }
  if (errors.length) log(`page errors: ${errors.join(' | ')}`);
  const failed = ['ready', 'stop', 'mnist'].filter((k) => result[k]?.error);
  if (failed.length === 3) throw new Error(`every part failed: ${failed.map((k) => result[k].error).join('; ')}`);

  if (flag('--save')) {
    // what bench/run.mjs records of a step, then this result into the saved run
    result.standalone = true;
    const file = join(benchDir, `results${quick ? '-quick' : ''}.json`);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    saved.results.demo = result;
    writeFileSync(file, JSON.stringify(saved, null, 2) + '\n');
    execFileSync(process.execPath, [join(benchDir, 'run.mjs'), '--render', ...(quick ? ['--quick'] : [])],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    log(`stored as results.demo in bench/${file.split('/').pop()}; bench/RESULTS${quick ? '-quick' : ''}.md rendered again`);
  }
  // bench/run.mjs prints the section with the rest; on its own, this is the summary
  if (!flag('--no-summary')) process.stderr.write('\n' + demoMarkdown(result) + '\n');
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) child(main);
