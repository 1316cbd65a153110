// The demo page loads cleanly and its model becomes ready, clear empties the prediction, and the page's
// preprocessing (web/draw.js) gives an upscaled MNIST digit back close to the original.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { drawStrokes, launch, newPage, oneOfEachDigit, skeletonStrokes, tid, waitReady } from './helpers.js';

/* before any script of the page: note when model-status first says 'ready' */
function watchReady() {
  window.__nnReadyAt = null;
  const check = () => {
    const el = document.querySelector('[data-testid="model-status"]');
    if (window.__nnReadyAt === null && el && /ready/i.test(el.textContent)) {
      window.__nnReadyAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
}

let env, page, errors;
before(async () => {
  env = await launch();
  ({ page, errors } = await newPage(env.context, { initScript: watchReady }));
});
after(async () => { await env?.close(); });

test('the page loads without console or page errors and the model becomes ready', async (t) => {
  await page.goto(env.url);
  await waitReady(page, 10_000);
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return { ready: window.__nnReadyAt, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
  });
  t.diagnostic(`model-status 'ready' ${timing.ready.toFixed(0)} ms after navigation start ` +
    `(DOMContentLoaded ${timing.dcl.toFixed(0)} ms, load event ${timing.load.toFixed(0)} ms)`);
  t.diagnostic(`model-status: ${await page.locator(tid('model-status')).textContent()}`);
  // how soon is for npm run bench (bench/demo.mjs), not a test: it depends on the machine's load
  assert.ok(timing.ready !== null, 'model-status said ready');
  // every element the tests and the issue rely on is there
  for (const id of ['draw-canvas', 'clear', 'prediction', 'probabilities', 'model-status', 'preview',
    'train-start', 'train-stop', 'train-progress', 'train-log', 'train-chart', 'boundary',
    'use-trained', 'download-model', 'load-model', 'load-model-message', 'message', 'dataset', 'architecture',
    'activation', 'optimizer', 'epochs', 'learning-rate', 'batch-size', 'slow-motion', 'train-message',
    'prediction-note']) {
    assert.equal(await page.locator(tid(id)).count(), 1, `one [data-testid="${id}"]`);
  }
  const canvas = await page.locator(tid('draw-canvas')).boundingBox();
  assert.ok(canvas.width >= 280 && canvas.height >= 280, `draw-canvas is ${canvas.width}×${canvas.height} CSS px`);
  assert.match((await page.locator(tid('prediction')).textContent()).trim(), /^-?$/, 'nothing predicted yet');
  assert.equal((await page.locator(tid('message')).textContent()).trim(), '', 'no message');
  await page.waitForTimeout(300);   // late errors (worker start, fonts, favicon) count too
  assert.deepEqual(errors, []);
});

/* what the probability bars show: per row its bar's rendered width and its text */
function readBars() {
  return page.evaluate((sel) => [...document.querySelector(sel).children].map((row) => ({
    text: row.textContent.trim(),
    bar: [...row.querySelectorAll('*')].filter((e) => e.style.width)
      .map((e) => e.getBoundingClientRect().width)[0] ?? 0,
    probability: row.dataset.probability ?? null,
  })), tid('probabilities'));
}

/* sum of the RGB bytes of a canvas (0 = all black) */
function canvasInk(id) {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];
    return s;
  }, tid(id));
}

test('clear empties the drawing, the prediction, the preview and the probability bars', async (t) => {
  await waitReady(page);
  const [seven] = (await oneOfEachDigit()).slice(7, 8);
  await drawStrokes(page, tid('draw-canvas'), skeletonStrokes(seven.pixels));
  await page.waitForFunction((sel) => /^\d$/.test(document.querySelector(sel).textContent.trim()),
    tid('prediction'));
  const drawn = await readBars();
  t.diagnostic(`drawn: prediction ${await page.locator(tid('prediction')).textContent()}, bars ` +
    drawn.map((b) => b.text.replace(/\s+/g, ' ')).join(' | '));
  assert.equal(drawn.length, 10, 'ten probability rows');
  assert.ok(drawn.some((b) => b.bar > 0), 'some bar shows a probability while a digit is drawn');
  assert.ok(await canvasInk('preview') > 0, 'the preview shows the digit');

  await page.click(tid('clear'));
  await page.waitForTimeout(100);   // a frame for anything scheduled
  assert.match((await page.locator(tid('prediction')).textContent()).trim(), /^-?$/);
  const cleared = await readBars();
  assert.equal(cleared.length, 10);
  for (const [k, b] of cleared.entries()) {
    assert.equal(b.bar, 0, `bar ${k} has width 0`);
    assert.equal(b.probability, null, `row ${k} carries no probability`);
    assert.ok(!/[1-9]|%/.test(b.text.replace(String(k), '')), `row ${k} shows no number: "${b.text}"`);
  }
  assert.equal(await canvasInk('draw-canvas'), 0, 'the drawing canvas is black');
  assert.equal(await canvasInk('preview'), 0, 'the preview is black');
  assert.deepEqual(errors, []);
});

test("the page's preprocessing gives a 10× upscaled MNIST digit back close to the original", async (t) => {
  const digits = await oneOfEachDigit();
  const results = await page.evaluate(async (images) => {
    const draw = await import('/draw.js');
    return images.map((pixels) => {
      // 28×28 → 280×280, each pixel a 10×10 block of its grey, white ink on black
      const img = new ImageData(280, 280);
      for (let y = 0; y < 280; y++) {
        for (let x = 0; x < 280; x++) {
          const v = pixels[((y / 10) | 0) * 28 + ((x / 10) | 0)];
          const p = 4 * (y * 280 + x);
          img.data[p] = img.data[p + 1] = img.data[p + 2] = v;
          img.data[p + 3] = 255;
        }
      }
      return Array.from(draw.preprocess(img));
    });
  }, digits.map((d) => Array.from(d.pixels)));

  const com = (v) => {
    let s = 0, sx = 0, sy = 0;
    for (let i = 0; i < 784; i++) { s += v[i]; sx += v[i] * (i % 28); sy += v[i] * ((i / 28) | 0); }
    return { x: sx / s, y: sy / s };
  };
  for (const [k, d] of digits.entries()) {
    const orig = Array.from(d.pixels, (p) => p / 255);
    const out = results[k];
    assert.equal(out.length, 784);
    assert.ok(out.every((v) => v >= 0 && v <= 1), 'values in 0..1');
    const mad = out.reduce((s, v, i) => s + Math.abs(v - orig[i]), 0) / 784;
    const a = com(orig), b = com(out);
    t.diagnostic(`digit ${d.digit} (test image ${d.index}): mean |Δ| ${mad.toFixed(4)}, centre of ` +
      `mass (${b.x.toFixed(2)}, ${b.y.toFixed(2)}) vs original (${a.x.toFixed(2)}, ${a.y.toFixed(2)})`);
    assert.ok(mad < 0.05, `digit ${d.digit}: mean absolute difference ${mad}`);
    assert.ok(Math.abs(a.x - b.x) <= 1 && Math.abs(a.y - b.y) <= 1, `digit ${d.digit}: centre of mass moved`);
    assert.ok(Math.abs(b.x - 14) <= 1 && Math.abs(b.y - 14) <= 1, `digit ${d.digit}: centre of mass not centred`);
  }
  // a blank image stays blank
  const blank = await page.evaluate(async () => {
    const draw = await import('/draw.js');
    const img = new ImageData(280, 280);
    for (let i = 3; i < img.data.length; i += 4) img.data[i] = 255;
    return Array.from(draw.preprocess(img)).some((v) => v !== 0);
  });
  assert.equal(blank, false, 'a black canvas gives an all-zero input');
  assert.deepEqual(errors, []);
});
