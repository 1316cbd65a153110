// What the demo shows, on a desktop and on a phone-sized touch screen: readable chart axes and
// legend whatever the loss, text in AA contrast, a 2-input model shown with the spiral and not
// under the MNIST form, the boundary drawn after every epoch in slow motion, a dash or a dot
// not read as a digit, and touch drawing that does not scroll the page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Network, datasets } from '../../src/js/index.node.js';
import { DESKTOP, PHONE, drawStrokes, fillTraining, frames, oneOfEachDigit, openDemo, skeletonStrokes, tid,
  trainToEnd } from './helpers.js';

/* WCAG's contrast ratio of two '#rrggbb' or 'rgb(r, g, b)' colours */
function contrast(a, b) {
  const rgb = (c) => (c.startsWith('#') ? [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) : c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number));
  const lum = (c) => {
    const [r, g, bl] = rgb(c).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

for (const device of [DESKTOP, PHONE]) {
  describe(device.name, () => {
    let env, page, errors;
    before(async () => { ({ env, page, errors } = await openDemo(device)); });
    after(async () => { await env?.close(); });

    test('the chart of an exploded loss: short labels in order, inside the canvas; "1 epoch"; the legend fits', async () => {
      const layout = await page.evaluate(async (sel) => {
        const { drawChart } = await import('/chart.js');
        const canvas = document.querySelector(sel);
        return drawChart(canvas, { epochs: 1, history: { loss: [9.4e23], accuracy: [0.1], valLoss: [3.1e23], valAccuracy: [0.1] },
          batches: [{ x: 0.5, loss: 4e23, accuracy: 0.1 }] });
      }, tid('train-chart'));
      assert.deepEqual(layout.lossLabels, ['0', '2e+23', '4e+23', '6e+23', '8e+23', '1e+24']);
      assert.equal(layout.xLabel, '1 epoch');
      assert.ok(layout.left >= 0 && layout.right <= layout.width);
      for (const e of layout.legend) assert.ok(e.right <= layout.width, `legend "${e.label}" ends at ${e.right} of ${layout.width}`);
      assert.deepEqual(layout.legend.map((e) => e.label), ['loss', 'accuracy', 'test loss', 'test accuracy']);
      const label = await page.getAttribute(tid('train-chart'), 'aria-label');
      assert.match(label, /0 to 1e\+24\) .* over 1 epoch/);
      // and ordinary losses keep their decimals
      const small = await page.evaluate(async (sel) => {
        const { drawChart } = await import('/chart.js');
        return drawChart(document.querySelector(sel), { epochs: 5, history: { loss: [2.3, 0.4], accuracy: [0.5, 0.9] } });
      }, tid('train-chart'));
      assert.deepEqual(small.lossLabels, ['0', '0.5', '1.0', '1.5', '2.0', '2.5']);
      assert.equal(small.xLabel, '5 epochs');
    });

    test('text meets WCAG AA contrast: the page, and the chart axis colours', async (t) => {
      const low = await page.evaluate(() => {
        const background = (el) => {
          for (let e = el; e; e = e.parentElement) {
            const c = getComputedStyle(e).backgroundColor;
            if (c && !/rgba\(.*,\s*0\)$/.test(c) && c !== 'transparent') return c;
          }
          return 'rgb(255, 255, 255)';
        };
        const out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement;
          if (!n.textContent.trim() || !el.checkVisibility() || el.closest(':disabled, [aria-disabled="true"]')) continue;
          const s = getComputedStyle(el);
          out.push({ text: n.textContent.trim().slice(0, 40), color: s.color, background: background(el),
            size: parseFloat(s.fontSize), bold: Number(s.fontWeight) >= 700 });
        }
        return out;
      });
      const failing = low.map((x) => ({ ...x, ratio: contrast(x.color, x.background) }))
        .filter((x) => x.ratio < (x.size >= 24 || (x.size >= 18.66 && x.bold) ? 3 : 4.5));
      t.diagnostic(`${low.length} text nodes checked`);
      assert.deepEqual(failing, []);
      const colors = await page.evaluate(async () => (await import('/chart.js')).COLORS);
      for (const key of ['loss', 'accuracy', 'text']) {
        const r = contrast(colors[key], '#ffffff');
        assert.ok(r >= 4.5, `chart ${key} text ${colors[key]} on white: ${r.toFixed(2)}:1`);
      }
    });

    test('a 2-input model loaded while MNIST is shown switches the panel to the spiral, with no old chart', async () => {
      await fillTraining(page, { dataset: 'mnist', epochs: 1, 'batch-size': 600 });
      assert.equal((await trainToEnd(page)).state, 'done');
      assert.match(await page.getAttribute(tid('train-chart'), 'aria-label'), /1 finished/);
      const { x, y } = await datasets.spiral({ pointsPerClass: 100, classes: 3, seed: 1 });
      const net = await Network.create({ layers: [2, 12, 3], activation: 'tanh', optimizer: { type: 'adam', lr: 0.1 }, seed: 2 });
      await net.fit(x, y, { epochs: 100, batchSize: 30 });
      const bytes = Buffer.from(net.save());
      net.dispose();
      await page.setInputFiles(tid('load-model'), { name: 'two-inputs.nnw', mimeType: 'application/octet-stream', buffer: bytes });
      await page.waitForFunction((sel) => /two-inputs\.nnw/.test(document.querySelector(sel).textContent), tid('load-model-message'));
      assert.equal(await page.inputValue(tid('dataset')), 'spiral');
      assert.equal(await page.inputValue(tid('architecture')), '10', 'the spiral form');
      assert.match(await page.getAttribute(tid('train-chart'), 'aria-label'), /none finished yet/, 'the MNIST chart is gone');
      assert.match(await page.locator(tid('train-progress')).textContent(), /showing two-inputs\.nnw \(2-12-3 tanh\)/);
      assert.match(await page.getAttribute(tid('boundary'), 'aria-label'), /two-inputs\.nnw/);
      assert.ok(await page.locator(tid('boundary')).isVisible());
    });

    test('slow motion: the spiral\'s boundary is drawn after every epoch', async () => {
      await fillTraining(page, { dataset: 'spiral', epochs: 40, 'slow-motion': true });
      await page.evaluate((sel) => {
        window.__boundaryEpochs = [];
        new MutationObserver(() => {
          const m = document.querySelector(sel).getAttribute('aria-label').match(/after epoch (\d+) of/);
          if (m) window.__boundaryEpochs.push(Number(m[1]));
        }).observe(document.querySelector(sel), { attributes: true, attributeFilter: ['aria-label'] });
      }, tid('boundary'));
      const end = await trainToEnd(page);
      assert.equal(end.state, 'done');
      const epochs = await page.evaluate(() => [...new Set(window.__boundaryEpochs)]);
      assert.deepEqual(epochs, Array.from({ length: 40 }, (_, i) => i + 1));
    });

    test('a dash and a dot are not read as digits; a drawn 4 still is', async () => {
      const read = async (strokes) => {
        await page.click(tid('clear'));
        await drawStrokes(page, tid('draw-canvas'), strokes);
        await frames(page);
        return page.evaluate((ids) => ({ prediction: document.querySelector(ids.p).textContent.trim(),
          note: document.querySelector(ids.n).textContent.trim() }), { p: tid('prediction'), n: tid('prediction-note') });
      };
      const dash = await read([[[4, 14], [23, 14]]]);
      assert.deepEqual(dash, { prediction: '?', note: 'Not sure: this looks like a dash, not a digit.' });
      const dot = await read([[[14, 14]]]);
      assert.deepEqual(dot, { prediction: '?', note: 'Not sure: too small to read. Draw the digit larger.' });
      const four = await read(skeletonStrokes((await oneOfEachDigit())[4].pixels));
      assert.deepEqual(four, { prediction: '4', note: '' });
    });

    if (device.hasTouch) {
      test('drawing with a finger reads the digit and does not scroll the page', async () => {
        await page.click(tid('clear'));
        const box = await page.locator(tid('draw-canvas')).boundingBox();
        await page.evaluate((y) => window.scrollTo(0, y), Math.max(0, box.y - 100));
        const scrolled = await page.evaluate(() => window.scrollY);
        const at = await page.locator(tid('draw-canvas')).boundingBox();
        const cdp = await env.context.newCDPSession(page);
        const point = (x, y) => [{ x: at.x + (x / 28) * at.width, y: at.y + (y / 28) * at.height }];
        // a 1: one stroke straight down the middle
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(14, 4) });
        for (let y = 5; y <= 24; y++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(14, y) });
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
        await frames(page);
        assert.equal(await page.evaluate(() => window.scrollY), scrolled, 'the page did not scroll');
        assert.equal((await page.locator(tid('prediction')).textContent()).trim(), '1');
      });
    }

    test('no console errors or page errors on the way', () => {
      assert.deepEqual(errors, []);
    });
  });
}
