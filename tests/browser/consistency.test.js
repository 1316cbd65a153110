// The same seeded training gives bit-identical weights in a Chromium Web Worker and in Node:
// WorkerNetwork in the page (the package served by the demo server) against Network in Node,
// for the SIMD build and for the scalar build.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Network, WorkerNetwork, datasets, wasmVariant } from '../../src/js/index.node.js';
import { launch, blankPage } from './helpers.js';

const spec = {
  layers: [2, 24, 16, 3], activation: 'tanh', output: 'softmax', loss: 'cross_entropy',
  optimizer: { type: 'adam', lr: 0.01 }, init: 'xavier', seed: 1234,
  weightDecay: 1e-4, dropout: 0.1,
};
const fitOptions = { epochs: 25, batchSize: 20, shuffle: true };
const spiralOptions = { seed: 1 };

let env, page, errors;
before(async () => {
  env = await launch();
  ({ page, errors } = await blankPage(env.context, env.url));
});
after(async () => { await env?.close(); });

/** Train in a Chromium worker; returns the parameters' bytes and the final loss. */
function trainInBrowser(scalar) {
  return page.evaluate(async ({ spec, fitOptions, spiralOptions, scalar }) => {
    const m = await import('/src/js/index.browser.js');
    const options = {};
    if (scalar) {
      options.wasm = await (await fetch('/build/wasm/nnwasm-scalar.wasm')).arrayBuffer();
    }
    const { x, y } = await m.datasets.spiral(spiralOptions);
    const net = await m.WorkerNetwork.create(spec, options);
    try {
      const history = await net.fit(x, y, fitOptions);
      const params = await net.getParams();
      const bytes = new Uint8Array(params.buffer, params.byteOffset, params.byteLength);
      let bin = '';
      for (const b of bytes) bin += String.fromCharCode(b);
      return { params: btoa(bin), loss: history.loss, variant: m.wasmVariant(), simd: m.simdSupported() };
    } finally {
      await net.dispose();
    }
  }, { spec, fitOptions, spiralOptions, scalar });
}

function bytesOf(f32) {
  return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength);
}

function firstDifference(a, b) {
  const fa = new Float32Array(a.buffer, a.byteOffset, a.byteLength / 4);
  const fb = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  for (let i = 0; i < Math.min(fa.length, fb.length); i++) {
    if (!Object.is(fa[i], fb[i]) && fa[i] !== fb[i]) return `param ${i}: ${fa[i]} vs ${fb[i]}`;
  }
  return `lengths ${fa.length} vs ${fb.length}`;
}

test('seeded training in a Chromium worker and in Node gives bit-identical weights (SIMD build)', async (t) => {
  const browser = await trainInBrowser(false);
  assert.equal(browser.simd, true, 'Chromium runs wasm SIMD');
  const { x, y } = await datasets.spiral(spiralOptions);
  const net = await Network.create(spec);
  let history, params;
  try {
    history = await net.fit(x, y, fitOptions);
    params = net.getParams();
  } finally {
    net.dispose();
  }
  assert.equal(wasmVariant(), 'simd', 'Node loaded the SIMD build');
  const fromBrowser = Buffer.from(browser.params, 'base64');
  const fromNode = bytesOf(params);
  t.diagnostic(`${params.length} parameters, final loss ${history.loss.at(-1)} (Node) ` +
    `${browser.loss.at(-1)} (Chromium worker)`);
  assert.ok(fromBrowser.equals(fromNode), `weights differ: ${firstDifference(fromBrowser, fromNode)}`);
  assert.deepEqual(browser.loss, history.loss, 'the per-epoch losses match exactly');
  assert.ok(history.loss.at(-1) < history.loss[0], 'the run actually trained');
});

test('seeded training in a Chromium worker and in a Node worker gives bit-identical weights (scalar build)', async (t) => {
  const browser = await trainInBrowser(true);
  const wasm = await readFile(new URL('../../build/wasm/nnwasm-scalar.wasm', import.meta.url));
  const { x, y } = await datasets.spiral(spiralOptions);
  const net = await WorkerNetwork.create(spec, { wasm });
  let history, params;
  try {
    history = await net.fit(x, y, fitOptions);
    params = await net.getParams();
  } finally {
    await net.dispose();
  }
  const fromBrowser = Buffer.from(browser.params, 'base64');
  const fromNode = bytesOf(params);
  t.diagnostic(`final loss ${history.loss.at(-1)} (both)`);
  assert.ok(fromBrowser.equals(fromNode), `weights differ: ${firstDifference(fromBrowser, fromNode)}`);
  assert.deepEqual(browser.loss, history.loss);
});

test('no console errors or page errors on the way', () => {
  assert.deepEqual(errors, []);
});
