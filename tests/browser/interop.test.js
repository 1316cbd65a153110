// ONNX and TensorFlow.js models in Chromium: files written in Node (by toOnnx / toTfjs) load
// in the page with Network.fromOnnx / fromTfjs and predict exactly what the same network
// predicts in Node, and the page's own exports are byte-for-byte those of Node.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from '../../src/js/index.node.js';
import { launch, blankPage } from './helpers.js';

let env, page, errors;
before(async () => {
  env = await launch();
  ({ page, errors } = await blankPage(env.context, env.url));
});
after(async () => { await env?.close(); });

const b64 = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

for (const activation of ['relu', 'tanh', 'swish']) {
  test(`${activation}: ONNX and tfjs files from Node load in Chromium and predict the same bits`, async () => {
    const spec = { layers: [6, 9, 4], activation, seed: 21 };
    const net = await Network.create(spec);
    const x = Float32Array.from({ length: 5 * 6 }, (_, i) => Math.sin(i * 1.7) * 3);
    const want = Array.from(net.predict(x));
    const onnx = await net.toOnnx();
    const tfjs = await net.toTfjs();
    net.dispose();
    const got = await page.evaluate(async ({ onnx, modelJson, weights, x, spec }) => {
      const { Network } = await import('/src/js/index.browser.js');
      const bytes = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
      const a = await Network.fromOnnx(bytes(onnx));
      const b = await Network.fromTfjs(modelJson, bytes(weights).buffer);
      const c = await Network.create(spec);
      const again = await c.toOnnx();
      const out = { onnx: Array.from(a.predict(Float32Array.from(x))),
        tfjs: Array.from(b.predict(Float32Array.from(x))),
        activation: [a.spec.activation, b.spec.activation], again: Array.from(again) };
      for (const n of [a, b, c]) n.dispose();
      return out;
    }, { onnx: b64(onnx), modelJson: tfjs.modelJson, weights: b64(new Uint8Array(tfjs.weightData)),
      x: Array.from(x), spec });
    assert.deepEqual(got.activation, [activation, activation]);
    assert.deepEqual(got.onnx, want, 'fromOnnx in Chromium predicts the bits Node predicts');
    assert.deepEqual(got.tfjs, want, 'fromTfjs in Chromium predicts the bits Node predicts');
    assert.deepEqual(got.again, Array.from(onnx), 'toOnnx in Chromium writes the bytes Node writes');
    assert.deepEqual(errors, []);
  });
}

test('a malformed ONNX file is refused in the page with an Error naming the problem', async () => {
  const message = await page.evaluate(async () => {
    const { Network } = await import('/src/js/index.browser.js');
    return Network.fromOnnx(new Uint8Array([1, 2, 3, 4, 5])).then(() => null, (e) => `${e.constructor.name}: ${e.message}`);
  });
  assert.match(message, /^Error: ONNX model: truncated protobuf/);
});
