// Ten MNIST test digits, one of each class, redrawn on the canvas with real mouse events: the
// pretrained model must read at least nine of them right, and the preview must show exactly
// what the model is given (the page's own preprocessing of the canvas).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { drawStrokes, launch, newPage, oneOfEachDigit, skeletonStrokes, tid, waitReady } from './helpers.js';

let env, page, errors;
before(async () => {
  env = await launch();
  ({ page, errors } = await newPage(env.context));
  await page.goto(env.url);
  await waitReady(page);
});
after(async () => { await env?.close(); });

/* the preview canvas against draw.js's preprocess() of the drawing canvas, in the page */
function previewMatchesPreprocess() {
  return page.evaluate(async ({ canvasSel, previewSel }) => {
    const draw = await import('/draw.js');
    const c = document.querySelector(canvasSel);
    const x = draw.preprocess(c.getContext('2d').getImageData(0, 0, c.width, c.height));
    const p = document.querySelector(previewSel);
    const shown = p.getContext('2d').getImageData(0, 0, p.width, p.height).data;
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(shown[4 * i] - Math.round(x[i] * 255)));
    return { worst, size: [p.width, p.height], ink: x.reduce((s, v) => s + v, 0) };
  }, { canvasSel: tid('draw-canvas'), previewSel: tid('preview') });
}

test('ten MNIST test digits drawn with the mouse: at least 9 recognised', async (t) => {
  const digits = await oneOfEachDigit();
  const results = [];
  for (const d of digits) {
    await page.click(tid('clear'));
    await page.waitForFunction((sel) => /^-?$/.test(document.querySelector(sel).textContent.trim()),
      tid('prediction'));
    const strokes = skeletonStrokes(d.pixels);
    const started = Date.now();
    await drawStrokes(page, tid('draw-canvas'), strokes);
    // the page predicts once per animation frame: wait until two frames have passed
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const got = (await page.locator(tid('prediction')).textContent()).trim();
    const probability = await page.evaluate(({ sel, got }) =>
      document.querySelector(`${sel} [data-digit="${got}"]`)?.dataset.probability ?? '?',
    { sel: tid('probabilities'), got });
    const preview = await previewMatchesPreprocess();
    results.push({ ...d, got, ok: got === String(d.digit) });
    t.diagnostic(`digit ${d.digit} (MNIST test image ${d.index}, ${strokes.length} strokes, ` +
      `${Date.now() - started} ms): predicted ${got || '(nothing)'} (p = ${probability}) ` +
      `${got === String(d.digit) ? 'right' : 'WRONG'}`);
    assert.deepEqual(preview.size, [28, 28], 'the preview is 28×28');
    assert.ok(preview.ink > 0, 'the drawing reached the model');
    assert.ok(preview.worst <= 1, `the preview differs from preprocess(canvas) by ${preview.worst}/255`);
  }
  const right = results.filter((r) => r.ok).length;
  t.diagnostic(`${right}/10 right: ${results.map((r) => `${r.digit}→${r.got}`).join(' ')}`);
  assert.ok(right >= 9, `only ${right} of 10 digits recognised`);
  assert.deepEqual(errors, []);
});
