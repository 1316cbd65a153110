// The demo's pretrained MNIST model (web/models/mnist.nnw, made by scripts/train-mnist-model.mjs):
// it loads with Network.load, is 784 → 10 softmax, reaches ≥ 97.5% on the MNIST test set, and
// web/models/mnist.json describes this very file (architecture, size, the accuracy it records).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Network, datasets } from '../../src/js/index.node.js';

const MODEL = new URL('../../web/models/mnist.nnw', import.meta.url);
const META = new URL('../../web/models/mnist.json', import.meta.url);
const HINT = 'make it with: node scripts/train-mnist-model.mjs';

let bytes;
let meta;
let net;
let mnistTest;

before(async () => {
  bytes = new Uint8Array(await readFile(MODEL).catch((e) => { throw new Error(`${e.message}; ${HINT}`); }));
  meta = JSON.parse(await readFile(META, 'utf8').catch((e) => { throw new Error(`${e.message}; ${HINT}`); }));
  net = await Network.load(bytes);
  mnistTest = (await datasets.mnist({ bytes: true })).test;
});

after(() => net?.dispose());

test('the model is 784 → 10 with a softmax output and cross-entropy loss', () => {
  assert.equal(net.inputs, 784);
  assert.equal(net.outputs, 10);
  const { layers, output, loss } = net.spec;
  assert.equal(layers[0], 784);
  assert.equal(layers.at(-1), 10);
  assert.ok(layers.length >= 3, `has hidden layers: ${layers.join('-')}`);
  assert.equal(output, 'softmax');
  assert.equal(loss, 'cross_entropy');
  assert.ok(bytes.length < 1.1e6, `small enough for the demo page: ${bytes.length} bytes`);
});

test('mnist.json describes this file', () => {
  const spec = net.spec;
  assert.deepEqual(meta.architecture.layers, spec.layers);
  assert.equal(meta.architecture.activation, spec.activation);
  assert.equal(meta.architecture.output, spec.output);
  assert.equal(meta.architecture.loss, spec.loss);
  assert.equal(meta.activation, spec.activation);
  assert.equal(meta.paramCount, net.paramCount);
  assert.equal(meta.bytes, bytes.length);
  assert.equal(meta.file, 'mnist.nnw');
  assert.deepEqual(meta.optimizer, spec.optimizer);
  assert.equal(meta.seed, spec.seed);
  assert.ok(Number.isInteger(meta.epochs) && meta.epochs >= 1, `epochs ${meta.epochs}`);
  assert.ok(!Number.isNaN(Date.parse(meta.date)), `date ${meta.date}`);
  assert.match(meta.command, /train-mnist-model\.mjs/);
});

test('≥ 97.5% on the 10,000 MNIST test images, as mnist.json records', () => {
  assert.equal(mnistTest.y.length, 10000);
  const { accuracy, loss } = net.evaluate(mnistTest.x, mnistTest.y);
  assert.ok(accuracy >= 0.975, `test accuracy ${accuracy}`);
  assert.ok(Math.abs(accuracy - meta.testAccuracy) <= 1e-4, `measured ${accuracy}, mnist.json says ${meta.testAccuracy}`);
  assert.ok(Math.abs(loss - meta.testLoss) <= 1e-4, `measured loss ${loss}, mnist.json says ${meta.testLoss}`);
});

test('predict gives probability rows whose argmax agrees with evaluate', async () => {
  const rows = 200;
  const x = await datasets.bytesToFloats(mnistTest.x.subarray(0, rows * 784));
  const p = net.predict(x);
  assert.equal(p.length, rows * 10);
  let right = 0;
  for (let r = 0; r < rows; r++) {
    const row = p.subarray(r * 10, r * 10 + 10);
    const sum = row.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4, `row ${r} sums to ${sum}`);
    const best = row.indexOf(Math.max(...row));
    if (best === mnistTest.y[r]) right++;
  }
  const { accuracy } = net.evaluate(mnistTest.x.subarray(0, rows * 784), mnistTest.y.subarray(0, rows));
  assert.equal(right / rows, accuracy);
});
