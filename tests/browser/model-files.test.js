// Models out of and into the page: a trained model downloads as a file that Network.load reads
// in Node (with exactly the weights the same training gives in Node), the file input loads it
// back, "Use trained model" puts an MNIST model on the canvas, and a broken file is refused
// with a message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network, datasets } from '../../src/js/index.node.js';
import { drawStrokes, launch, mnistTest, newPage, oneOfEachDigit, skeletonStrokes, tid, waitReady } from './helpers.js';

let env, page, errors, dir;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nnwasm-models-'));
  env = await launch();
  ({ page, errors } = await newPage(env.context));
  await page.goto(env.url);
  await waitReady(page);
});
after(async () => {
  await env?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const text = async (id) => (await page.locator(tid(id)).textContent()).trim();

/* draw MNIST test digits 0 to 4 on the canvas; returns "digit→prediction" for each */
async function readDigits() {
  const right = [];
  for (const d of (await oneOfEachDigit()).slice(0, 5)) {
    await page.click(tid('clear'));
    await drawStrokes(page, tid('draw-canvas'), skeletonStrokes(d.pixels));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    right.push(`${d.digit}→${await text('prediction')}`);
  }
  return right;
}

/* fill the form, start, wait until Start is enabled again; returns the final log */
async function train(settings, timeout = 60_000) {
  await page.selectOption(tid('dataset'), settings.dataset);
  for (const [id, value] of Object.entries(settings)) {
    if (id === 'dataset') continue;
    if (id === 'activation' || id === 'optimizer') await page.selectOption(tid(id), value);
    else await page.fill(tid(id), String(value));
  }
  await page.click(tid('train-start'));
  await page.waitForFunction((sel) => document.querySelector(sel).disabled, tid('train-start'));
  await page.waitForFunction((sel) => !document.querySelector(sel).disabled, tid('train-start'), { timeout });
  return text('train-log');
}

/* click Download model; returns the file's bytes and its suggested name */
async function download(name) {
  await page.waitForFunction((sel) => document.querySelector(sel).getAttribute('aria-disabled') !== 'true',
    tid('download-model'));
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(tid('download-model'))]);
  assert.equal(await dl.failure(), null, 'the download completed');
  const path = join(dir, name);
  await dl.saveAs(path);
  return { bytes: new Uint8Array(await readFile(path)), path, suggested: dl.suggestedFilename() };
}

/* the message, its visibility and whether it is styled as an error */
function message() {
  return page.evaluate((sel) => {
    const m = document.querySelector(sel);
    return { text: m.textContent.trim(), visible: !m.hidden && m.offsetParent !== null,
      error: m.classList.contains('error') || m.getAttribute('role') === 'alert' };
  }, tid('load-model-message'));
}

test('a trained spiral model downloads, loads in Node with the weights Node trains, and loads back', async (t) => {
  const epochs = 30, batchSize = 30;
  const log = await train({ dataset: 'spiral', epochs, 'batch-size': batchSize });
  t.diagnostic(`page: ${log}`);
  assert.match(log, new RegExp(`epoch ${epochs}/${epochs}`));
  const file = await download('spiral.nnw');
  t.diagnostic(`downloaded ${file.bytes.length} bytes as "${file.suggested}"`);
  assert.match(file.suggested, /\.nnw$/);

  const net = await Network.load(file.bytes);
  const spiral = await datasets.spiral({ pointsPerClass: 100, classes: 3, seed: 1 });
  try {
    assert.deepEqual(net.spec.layers, [2, 10, 3], 'the form\'s default spiral network');
    // (Network.create refuses the resolved spec's own constant schedule, stepSize 0; leave it out)
    const { schedule, ...spec } = net.spec;
    const twin = await Network.create(schedule.type === 'constant' ? spec : net.spec);
    try {
      await twin.fit(spiral.x, spiral.y, { epochs, batchSize });
      const a = Buffer.from(net.getParams().buffer), b = Buffer.from(twin.getParams().buffer);
      assert.ok(a.equals(b), 'the downloaded weights are bit-identical to the same training in Node');
    } finally {
      twin.dispose();
    }
    const { accuracy } = net.evaluate(spiral.x, spiral.y);
    t.diagnostic(`Node: the downloaded model scores ${(accuracy * 100).toFixed(1)}% on the spiral`);
    assert.ok(accuracy > 0.4, 'better than chance');
  } finally {
    net.dispose();
  }

  await page.setInputFiles(tid('load-model'), file.path);
  await page.waitForFunction((sel) => document.querySelector(sel).textContent.trim() !== '', tid('load-model-message'));
  const m = await message();
  t.diagnostic(`message after loading it: "${m.text}"`);
  assert.equal(m.error, false, 'not an error');
  assert.doesNotMatch(m.text, /could not|error|fail/i);
  assert.match(m.text, /spiral\.nnw/);
  assert.match(await text('model-status'), /ready/, 'the canvas keeps a model');
  assert.deepEqual(errors, []);
});

test('a broken model file is refused with a message, and the page keeps working', async (t) => {
  const bad = join(dir, 'broken.nnw');
  await writeFile(bad, Buffer.from('this is not a model file at all, just some text'));
  await page.setInputFiles(tid('load-model'), bad);
  await page.waitForFunction((sel) => /broken\.nnw/.test(document.querySelector(sel).textContent), tid('load-model-message'));
  const m = await message();
  t.diagnostic(`message: "${m.text}"`);
  assert.equal(m.visible, true);
  assert.equal(m.error, true, 'shown as an error');
  assert.match(await text('model-status'), /ready/);
  assert.deepEqual(errors, []);
});

test('a short MNIST run in the worker: "Use trained model" reads digits, the download scores the same in Node', async (t) => {
  const t0 = Date.now();
  const log = await train({ dataset: 'mnist', architecture: '32', epochs: 1, 'batch-size': 100,
    'learning-rate': 0.1 }, 120_000);
  t.diagnostic(`page (${Date.now() - t0} ms): ${log}`);
  const pageAccuracy = Number(log.match(/test accuracy\D*(\d+(?:\.\d+)?)/i)?.[1]);
  assert.ok(pageAccuracy > 0.85, `test accuracy ${pageAccuracy} after one epoch`);

  assert.equal(await page.locator(tid('use-trained')).isEnabled(), true, 'Use trained model is enabled');
  await page.click(tid('use-trained'));
  await page.waitForFunction((sel) => /trained/i.test(document.querySelector(sel).textContent), tid('model-status'));
  const status = await text('model-status');
  t.diagnostic(`model-status: ${status}`);
  assert.match(status, /ready/);
  assert.match(status, /784-32-10/);
  const right = await readDigits();
  t.diagnostic(`the trained model reads: ${right.join(' ')}`);
  assert.ok(right.filter((s) => s[0] === s.at(-1)).length >= 3, 'it reads most of them');

  const file = await download('mnist.nnw');
  const net = await Network.load(file.bytes);
  try {
    const test = await mnistTest();
    const { accuracy } = net.evaluate(test.x, test.y);
    t.diagnostic(`Node: ${file.bytes.length} bytes, test accuracy ${accuracy.toFixed(4)} (page said ${pageAccuracy})`);
    assert.equal(accuracy.toFixed(4), pageAccuracy.toFixed(4), 'the same model as the page evaluated');
  } finally {
    net.dispose();
  }

  await page.click(tid('clear'));
  await page.setInputFiles(tid('load-model'), file.path);
  await page.waitForFunction((sel) => /mnist\.nnw/.test(document.querySelector(sel).textContent), tid('model-status'));
  const m = await message();
  t.diagnostic(`after loading the file: model-status "${await text('model-status')}", message "${m.text}"`);
  assert.match(await text('model-status'), /ready/);
  assert.equal(m.error, false);
  assert.deepEqual(errors, []);
});

test('the shipped model as ONNX, and as a TensorFlow.js model.json with its .bin, loads on the canvas and reads digits', async (t) => {
  const shipped = await Network.load(await readFile(new URL('../../web/models/mnist.nnw', import.meta.url)));
  const onnxPath = join(dir, 'mnist.onnx');
  await writeFile(onnxPath, await shipped.toOnnx());
  const { modelJson, weightData } = await shipped.toTfjs();
  const jsonPath = join(dir, 'mnist-tfjs.json');
  const binPath = join(dir, modelJson.weightsManifest[0].paths[0]);
  await writeFile(jsonPath, JSON.stringify(modelJson));
  await writeFile(binPath, new Uint8Array(weightData));
  shipped.dispose();

  for (const [files, name] of [[[onnxPath], 'mnist.onnx'], [[jsonPath, binPath], 'mnist-tfjs.json']]) {
    await page.setInputFiles(tid('load-model'), files);
    await page.waitForFunction(([sel, n]) => document.querySelector(sel).textContent.includes(n),
      [tid('model-status'), name]);
    assert.match(await text('model-status'), /ready/);
    const right = await readDigits();
    t.diagnostic(`${name} reads: ${right.join(' ')}`);
    assert.ok(right.filter((s) => s[0] === s.at(-1)).length >= 4, `${name} reads the digits`);
  }

  // a model.json without its weight file names the missing file
  await page.setInputFiles(tid('load-model'), [jsonPath]);
  await page.waitForFunction((sel) => /needs its weight file/.test(document.querySelector(sel).textContent), tid('load-model-message'));
  assert.deepEqual(errors, []);
});
