// TensorFlow.js Layers / Keras import and export (src/js/tfjs.js). Real tfjs-layers models
// (cpu backend) are saved with tf.io.withSaveHandler and read by Network.fromTfjs, and
// predictions are compared with model.predict. Our toTfjs() output is loaded by
// tf.loadLayersModel and must predict as we do. Two hand-written converter-shaped fixtures
// (Keras 2 and Keras 3) are checked against values worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { Network } from '../../src/js/index.node.js';
import { networkToTfjs, tfjsToWeights } from '../../src/js/tfjs.js';

tf.env().set('IS_TEST', true); // quiet the "install tfjs-node" banner
await tf.setBackend('cpu');
await tf.ready();

/** tfjs cpu and our wasm core both work in float32; they differ in summation order only */
const TOL = 1e-5;

/* ---- helpers ------------------------------------------------------------------------------- */

/** what model.save() hands a save handler: { modelTopology, weightSpecs, weightData, ... } */
async function artifactsOf(model, config) {
  let artifacts;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }), config);
  return artifacts;
}

/** the model.json a browser download or tf.io.fileSystem would write for these artifacts */
const modelJsonOf = (a, paths = ['group1-shard1of1.bin']) => ({
  format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy,
  modelTopology: a.modelTopology, weightsManifest: [{ paths, weights: a.weightSpecs }],
});

/** a saved tfjs model as { modelJson, weightData } */
async function saved(model) {
  const a = await artifactsOf(model);
  return { modelJson: modelJsonOf(a), weightData: a.weightData };
}

/** deterministic inputs in about [-2, 2] */
const inputs = (rows, cols, phase = 0) => Float32Array.from({ length: rows * cols }, (_, i) => 2 * Math.sin(1.7 * i + phase));

/** tfjs's own predictions */
function tfPredict(model, x, cols) {
  return tf.tidy(() => model.predict(tf.tensor2d(x, [x.length / cols, cols])).dataSync().slice());
}

function assertClose(got, want, tol = TOL, what = 'predictions') {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  assert.ok(worst <= tol, `${what} differ by ${worst} (> ${tol})`);
  assert.ok(got.every(Number.isFinite), `${what}: all finite`);
}

/** seeded initialisers so that biases are not all zero and runs repeat */
const init = (seed) => ({
  kernelInitializer: tfl.initializers.glorotNormal({ seed }),
  biasInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 0.5, seed: seed + 100 }),
});

/** a Sequential of Dense layers: sizes, hidden activation, output activation, extra options */
function sequential(sizes, hidden, output, extra = {}) {
  const m = tfl.sequential();
  for (let l = 1; l < sizes.length; l++) {
    const last = l === sizes.length - 1;
    m.add(tfl.layers.dense({ units: sizes[l], activation: last ? output : hidden, ...init(l),
      ...(l === 1 ? { inputShape: [sizes[0]] } : {}), ...(extra[l] ?? {}) }));
  }
  return m;
}

/** the message of what fn throws, checked to be of class cls */
function thrown(fn, cls) {
  try {
    fn();
  } catch (e) {
    assert.equal(e.constructor, cls, `${e.constructor.name}: ${e.message}`);
    return e.message;
  }
  assert.fail('did not throw');
}

/** a fixture folder: its model.json text and weight bytes */
function fixture(name) {
  const dir = new URL(`../fixtures/tfjs/${name}/`, import.meta.url);
  return { text: readFileSync(new URL('model.json', dir), 'utf8'), bin: readFileSync(new URL('group1-shard1of1.bin', dir)) };
}

/* ---- import: models made by tfjs-layers ------------------------------------------------------ */

test('a Sequential 4-8-3 relu/softmax with a Dropout predicts as tfjs does', async () => {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: 8, activation: 'relu', inputShape: [4], ...init(1) }));
  m.add(tfl.layers.dropout({ rate: 0.5 }));
  m.add(tfl.layers.dense({ units: 3, activation: 'softmax', ...init(2) }));
  const { modelJson, weightData } = await saved(m);
  const net = await Network.fromTfjs(modelJson, weightData);
  assert.deepEqual(net.spec.layers, [4, 8, 3]);
  assert.equal(net.spec.activation, 'relu');
  assert.equal(net.spec.output, 'softmax');
  const x = inputs(25, 4);
  assertClose(net.predict(x), tfPredict(m, x, 4));
  // the weights are the file's, bit for bit
  const W1 = new Float32Array(weightData, 0, 32);
  assert.deepEqual(net.weights()[0], W1);
  net.dispose();
  m.dispose();
});

test('a functional chain 3-5-5-1 tanh/sigmoid predicts as tfjs does', async () => {
  const input = tfl.input({ shape: [3] });
  let h = tfl.layers.dense({ units: 5, activation: 'tanh', ...init(3) }).apply(input);
  h = tfl.layers.dense({ units: 5, activation: 'tanh', ...init(4) }).apply(h);
  const out = tfl.layers.dense({ units: 1, activation: 'sigmoid', ...init(5) }).apply(h);
  const m = tfl.model({ inputs: input, outputs: out });
  const { modelJson, weightData } = await saved(m);
  assert.equal(modelJson.modelTopology.class_name, 'Model', 'a functional model, not a Sequential');
  const net = await Network.fromTfjs(modelJson, weightData);
  assert.deepEqual(net.spec.layers, [3, 5, 5, 1]);
  assert.equal(net.spec.activation, 'tanh');
  assert.equal(net.spec.output, 'sigmoid');
  const x = inputs(30, 3, 1);
  assertClose(net.predict(x), tfPredict(m, x, 3));
  // the flattened node lists some converters wrote ("inbound_nodes": [["dense", 0, 0, {}]]) read the same
  const flat = structuredClone(modelJson);
  for (const layer of flat.modelTopology.config.layers) layer.inbound_nodes = layer.inbound_nodes.map((node) => node[0]);
  flat.modelTopology.config.input_layers = flat.modelTopology.config.input_layers[0];
  flat.modelTopology.config.output_layers = flat.modelTopology.config.output_layers[0];
  const again = await Network.fromTfjs(flat, weightData);
  assert.deepEqual(again.getParams(), net.getParams());
  for (const n of [net, again]) n.dispose();
  m.dispose();
});

test('a linear output, use_bias false, swish, mish and sigmoid hidden layers predict as tfjs does', async () => {
  for (const act of ['swish', 'mish', 'sigmoid']) {
    // the hidden layers have no bias; the output layer has one
    const m = sequential([2, 6, 6, 2], act, 'linear', { 1: { useBias: false }, 2: { useBias: false } });
    const { modelJson, weightData } = await saved(m);
    assert.deepEqual(modelJson.weightsManifest[0].weights.map((w) => w.name).filter((n) => n.endsWith('/bias')).length, 1);
    const net = await Network.fromTfjs(modelJson, weightData);
    assert.equal(net.spec.activation, act);
    assert.equal(net.spec.output, 'identity');
    assert.equal(net.spec.loss, 'mse', 'a linear output gets the mse loss unless told otherwise');
    assert.deepEqual(net.weights()[1], new Float32Array(6), 'no bias: zeros');
    const x = inputs(20, 2, 2);
    assertClose(net.predict(x), tfPredict(m, x, 2), TOL, act);
    net.dispose();
    m.dispose();
  }
});

test('weight data split into shards, as typed arrays or Buffers, loads the same', async () => {
  const m = sequential([4, 8, 3], 'relu', 'softmax');
  const a = await artifactsOf(m);
  const all = new Uint8Array(a.weightData);
  // three shards cut through the middle of weights, as tfjs cuts at its shard size
  const cuts = [0, 50, 97, all.length];
  const shards = cuts.slice(1).map((end, i) => all.slice(cuts[i], end).buffer);
  const modelJson = modelJsonOf(a, ['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin']);
  const whole = await Network.fromTfjs(modelJson, a.weightData);
  const split = await Network.fromTfjs(modelJson, shards);
  assert.deepEqual(split.getParams(), whole.getParams());
  const buffers = await Network.fromTfjs(modelJson, shards.map((s) => Buffer.from(s)));
  assert.deepEqual(buffers.getParams(), whole.getParams());
  // an offset view into a larger buffer
  const padded = new Uint8Array(all.length + 8);
  padded.set(all, 3);
  const view = await Network.fromTfjs(modelJsonOf(a), padded.subarray(3, 3 + all.length));
  assert.deepEqual(view.getParams(), whole.getParams());
  const x = inputs(10, 4);
  assertClose(split.predict(x), tfPredict(m, x, 4));
  assert.match(thrown(() => tfjsToWeights(modelJson, shards.slice(0, 2)), RangeError),
    /^fromTfjs: weightData has 2 shards but the weightsManifest lists 3 paths$/);
  for (const n of [whole, split, buffers, view]) n.dispose();
  m.dispose();
});

test('weights are found by name: reordered, scoped and with optimizer weights beside them', async () => {
  const m = sequential([3, 4, 2], 'tanh', 'softmax');
  const a = await artifactsOf(m);
  const x = inputs(12, 3);
  const want = tfPredict(m, x, 3);
  // reverse the manifest and the data together, and put the names under a model scope
  const specs = a.weightSpecs;
  const f32 = new Float32Array(a.weightData);
  const parts = [];
  let at = 0;
  for (const s of specs) {
    const n = s.shape.reduce((p, k) => p * k, 1);
    parts.push({ spec: { ...s, name: `sequential/${s.name}` }, data: f32.slice(at, at + n) });
    at += n;
  }
  parts.reverse();
  const data = new Float32Array(f32.length);
  at = 0;
  for (const p of parts) { data.set(p.data, at); at += p.data.length; }
  const json = { modelTopology: a.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: parts.map((p) => p.spec) }] };
  const net = await Network.fromTfjs(json, data.buffer);
  assertClose(net.predict(x), want);
  net.dispose();

  // a compiled, trained model saved with its optimizer: Adam's slots come after the weights
  m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  await m.fit(tf.tensor2d(x, [12, 3]), tf.oneHot(tf.tensor1d(Int32Array.from({ length: 12 }, (_, i) => i % 2), 'int32'), 2),
    { epochs: 1, batchSize: 12, verbose: 0 });
  const b = await artifactsOf(m, { includeOptimizer: true });
  assert.ok(b.weightSpecs.length > 4, 'the optimizer weights are in the manifest');
  const trained = await Network.fromTfjs(modelJsonOf(b), b.weightData);
  assertClose(trained.predict(x), tfPredict(m, x, 3));
  trained.dispose();
  m.dispose();
});

test('model.json as text; options are the rest of the spec, and contradicting the file is a RangeError', async () => {
  const m = sequential([2, 3, 2], 'relu', 'softmax');
  const { modelJson, weightData } = await saved(m);
  const text = JSON.stringify(modelJson);
  const net = await Network.fromTfjs(text, weightData, { layers: [2, 3, 2], activation: 'relu', seed: 7,
    optimizer: { type: 'adam', lr: 0.01 }, loss: 'cross_entropy' });
  assert.equal(net.spec.seed, 7);
  assert.equal(net.spec.optimizer.type, 'adam');
  assert.equal(net.spec.optimizer.lr, Math.fround(0.01));
  const x = inputs(6, 2);
  assertClose(net.predict(x), tfPredict(m, x, 2));
  net.dispose();
  assert.equal(thrown(() => tfjsToWeights(text, weightData, { activation: 'tanh' }), RangeError),
    'fromTfjs: options.activation is "tanh" but the model gives "relu"');
  assert.equal(thrown(() => tfjsToWeights(text, weightData, { layers: [2, 4, 2] }), RangeError),
    'fromTfjs: options.layers is [2, 4, 2] but the model gives [2, 3, 2]');
  assert.equal(thrown(() => tfjsToWeights(text, weightData, { output: 'sigmoid' }), RangeError),
    'fromTfjs: options.output is "sigmoid" but the model gives "softmax"');
  // unknown option keys are refused as Network.create refuses them
  await assert.rejects(Network.fromTfjs(text, weightData, { activaton: 'relu' }),
    { name: 'TypeError', message: /unknown option "activaton"/ });
  m.dispose();
});

/* ---- import: converter-shaped fixtures, checked by hand ------------------------------------------ */

test('Keras 2 converter Sequential fixture (model_config, InputLayer, Dropout): hand-computed softmax', async () => {
  const { text, bin } = fixture('keras2-sequential');
  // dense: W [[1, -1], [0.5, 0.5], [-1, 1]], b [2, 0]; dense_1: W [[0.5, -0.5], [0.25, 0.75]], b [0, -1]
  assert.deepEqual(new Float32Array(bin.buffer, bin.byteOffset, bin.length / 4),
    Float32Array.from([1, -1, 0.5, 0.5, -1, 1, 2, 0, 0.5, -0.5, 0.25, 0.75, 0, -1]));
  const net = await Network.fromTfjs(text, bin);
  assert.deepEqual(net.spec.layers, [3, 2, 2]);
  assert.equal(net.spec.activation, 'relu');
  assert.equal(net.spec.output, 'softmax');
  // x [1, 2, 3]: h = relu([1, 3]) = [1, 3]; z = [1.25, 0.75]; softmax = [σ(0.5), σ(-0.5)]
  // x [0, 0, 1]: h = [1, 1];                 z = [0.75, -0.75]; softmax = [σ(1.5), σ(-1.5)]
  // x [-2, 0, 0]: h = relu([0, 2]) = [0, 2]; z = [0.5, 0.5];   softmax = [0.5, 0.5]
  const s = (v) => 1 / (1 + Math.exp(-v));
  const got = net.predict(Float32Array.from([1, 2, 3, 0, 0, 1, -2, 0, 0]));
  assertClose(got, [s(0.5), s(-0.5), s(1.5), s(-1.5), 0.5, 0.5], 1e-6);
  assertClose(got.subarray(0, 2), [0.6224593, 0.3775407], 1e-6, 'σ(±0.5)');
  net.dispose();
  // old Keras Sequential configs are the layer list itself
  const old = JSON.parse(text);
  old.modelTopology.model_config.config = old.modelTopology.model_config.config.layers;
  assert.deepEqual(tfjsToWeights(old, bin).weights, tfjsToWeights(text, bin).weights);
});

test('Keras 3 converter Functional fixture (batch_shape, keras_history): hard_silu is hswish of width 6', async () => {
  const { text, bin } = fixture('keras3-functional');
  // dense: W [[1, -1, 0.5], [1, 1, -3]], b [0, -1, 4]; dense_1: W [[2, 0], [4, -1], [0.25, 0.5]], b [-1, 0.25]
  assert.deepEqual(new Float32Array(bin.buffer, bin.byteOffset, bin.length / 4),
    Float32Array.from([1, -1, 0.5, 1, 1, -3, 0, -1, 4, 2, 0, 4, -1, 0.25, 0.5, -1, 0.25]));
  const net = await Network.fromTfjs(text, bin);
  assert.deepEqual(net.spec.layers, [2, 3, 2]);
  assert.equal(net.spec.activation, 'hswish');
  assert.equal(net.spec.hswishN, 6);
  assert.equal(net.spec.output, 'identity');
  assert.equal(net.spec.loss, 'mse');
  // hard_silu(x) = x·relu6(x + 3)/6
  // x [1, 0.5]: pre [1.5, -1.5, 3] → h [1.125, -0.375, 3] → [2.25 − 1.5 + 0.75 − 1, 0.375 + 1.5 + 0.25] = [0.5, 2.125]
  // x [-4, 0]:  pre [-4, 3, 2]     → h [0, 3, 5/3]        → [12 + 5/12 − 1, −3 + 5/6 + 1/4] = [137/12, −23/12]
  assertClose(net.predict(Float32Array.from([1, 0.5, -4, 0])), [0.5, 2.125, 137 / 12, -23 / 12], 1e-5);
  net.dispose();

  // Keras 3's other names: leaky_relu (slope 0.2) and silu (swish)
  const x = Float32Array.from([1, 0.5, -4, 0]);
  const leaky = await Network.fromTfjs(text.replace('"hard_silu"', '"leaky_relu"'), bin);
  assert.equal(leaky.spec.activation, 'leaky_relu');
  assert.equal(Math.fround(leaky.spec.leakySlope), Math.fround(0.2));
  // x [1, 0.5]: pre [1.5, -1.5, 3] → h [1.5, -0.3, 3] → [3 − 1.2 + 0.75 − 1, 0.3 + 1.5 + 0.25] = [1.55, 2.05]
  assertClose(leaky.predict(x).subarray(0, 2), [1.55, 2.05], 1e-5, 'leaky_relu');
  // an option equal to the file's value once in float32 (as a spec read back from a net) agrees
  const read = tfjsToWeights(text.replace('"hard_silu"', '"leaky_relu"'), bin, { leakySlope: leaky.spec.leakySlope });
  assert.equal(read.spec.leakySlope, 0.2);
  leaky.dispose();
  const silu = await Network.fromTfjs(text.replace('"hard_silu"', '"silu"'), bin);
  assert.equal(silu.spec.activation, 'swish');
  const sw = (v) => v / (1 + Math.exp(-v));
  assertClose(silu.predict(x).subarray(0, 2),
    [2 * sw(1.5) + 4 * sw(-1.5) + 0.25 * sw(3) - 1, -sw(-1.5) + 0.5 * sw(3) + 0.25], 1e-5, 'silu');
  silu.dispose();
  assert.equal(thrown(() => tfjsToWeights(text, bin, { hswishN: 3 }), RangeError),
    'fromTfjs: options.hswishN is 3 but the model gives 6');
});

/* ---- import: refusals ------------------------------------------------------------------------------ */

test('unsupported layers are refused naming their class and name: Conv2D, BatchNormalization, Flatten of 2-D input', async () => {
  const conv = tfl.sequential();
  conv.add(tfl.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 3, name: 'conv' }));
  conv.add(tfl.layers.flatten());
  conv.add(tfl.layers.dense({ units: 2, activation: 'softmax' }));
  let s = await saved(conv);
  assert.equal(thrown(() => tfjsToWeights(s.modelJson, s.weightData), Error),
    'fromTfjs: layer Conv2D "conv" has input shape [null, 4, 4, 1]; only one row of features [null, n] can be read ' +
    '(Flatten is read only when the input is already 1-D)');
  // without the declared shape, the layer itself is refused
  s.modelJson.modelTopology.config.layers[0].config.batch_input_shape = undefined;
  assert.equal(thrown(() => tfjsToWeights(s.modelJson, s.weightData), Error),
    'fromTfjs: layer Conv2D "conv" is not supported; nnwasm reads InputLayer, Dense, Dropout and Flatten ' +
    '(of a 1-D input) layers only');
  conv.dispose();

  const bn = tfl.sequential();
  bn.add(tfl.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }));
  bn.add(tfl.layers.batchNormalization({ name: 'bn' }));
  bn.add(tfl.layers.dense({ units: 2, activation: 'softmax' }));
  s = await saved(bn);
  await assert.rejects(Network.fromTfjs(s.modelJson, s.weightData), (e) => e.constructor === Error &&
    e.message.startsWith('fromTfjs: layer BatchNormalization "bn" is not supported;'));
  bn.dispose();

  const flat = tfl.sequential();
  flat.add(tfl.layers.flatten({ inputShape: [2, 3], name: 'flat' }));
  flat.add(tfl.layers.dense({ units: 2, activation: 'softmax' }));
  s = await saved(flat);
  assert.match(thrown(() => tfjsToWeights(s.modelJson, s.weightData), Error),
    /^fromTfjs: layer Flatten "flat" has input shape \[null, 2, 3\]; only one row of features/);
  flat.dispose();

  // a Flatten of a 1-D input is a no-op and is read (tfjs cannot build one; Keras can)
  const dense = sequential([3, 2], 'relu', 'softmax');
  s = await saved(dense);
  const layers = s.modelJson.modelTopology.config.layers;
  delete layers[0].config.batch_input_shape;
  layers.unshift({ class_name: 'Flatten', config: { name: 'flatten', batch_input_shape: [null, 3] } });
  const net = await Network.fromTfjs(s.modelJson, s.weightData);
  const x = inputs(5, 3);
  assertClose(net.predict(x), tfPredict(dense, x, 3));
  net.dispose();
  dense.dispose();
});

test('activations: mixed, hidden linear, an unsupported hidden or output activation are refused naming the layer', async () => {
  const cases = [
    [['relu', 'tanh'], 'softmax', 'fromTfjs: layer Dense "d2" has activation "tanh" but layer Dense "d1" has "relu"; ' +
      'nnwasm uses one activation for all hidden layers'],
    [['relu', 'linear'], 'softmax', 'fromTfjs: layer Dense "d2" has activation "linear"; a hidden layer can have ' +
      "'sigmoid', 'tanh', 'relu', 'swish', 'silu', 'mish', 'leaky_relu', 'hard_silu', 'hard_swish'"],
    [['elu', 'elu'], 'softmax', /^fromTfjs: layer Dense "d1" has activation "elu"; a hidden layer can have /],
    [['relu', 'relu'], 'relu', 'fromTfjs: the last layer Dense "d3" has activation "relu"; ' +
      "the output layer can have 'softmax', 'sigmoid' or 'linear'"],
  ];
  for (const [hidden, output, message] of cases) {
    const m = tfl.sequential();
    m.add(tfl.layers.dense({ units: 3, inputShape: [2], activation: hidden[0], name: 'd1' }));
    m.add(tfl.layers.dense({ units: 3, activation: hidden[1], name: 'd2' }));
    m.add(tfl.layers.dense({ units: 2, activation: output, name: 'd3' }));
    const s = await saved(m);
    const got = thrown(() => tfjsToWeights(s.modelJson, s.weightData), Error);
    if (typeof message === 'string') assert.equal(got, message);
    else assert.match(got, message);
    m.dispose();
  }
});

test('functional models that are not a single chain are refused', async () => {
  // a layer that reads the input instead of the layer before it
  const input = tfl.input({ shape: [2], name: 'in' });
  const a = tfl.layers.dense({ units: 3, name: 'a' }).apply(input);
  const b = tfl.layers.dense({ units: 2, activation: 'softmax', name: 'b' }).apply(input);
  const branchy = tfl.model({ inputs: input, outputs: [a, b] });
  let s = await saved(branchy);
  assert.equal(thrown(() => tfjsToWeights(s.modelJson, s.weightData), Error),
    'fromTfjs: layer Dense "b" takes "in", not just the layer before it ("a"); only a single chain of layers can be read');
  // a chain with a second output
  const input2 = tfl.input({ shape: [2], name: 'in2' });
  const c = tfl.layers.dense({ units: 3, activation: 'relu', name: 'c' }).apply(input2);
  const d = tfl.layers.dense({ units: 2, activation: 'softmax', name: 'd' }).apply(c);
  const twoOut = tfl.model({ inputs: input2, outputs: [c, d] });
  s = await saved(twoOut);
  assert.equal(thrown(() => tfjsToWeights(s.modelJson, s.weightData), Error),
    'fromTfjs: the model\'s inputs are ["in2"] and outputs ["c", "d"]; only one input ("in2") and one output ("d") can be read');
  // a first layer that takes inputs (the InputLayer missing from the list)
  s.modelJson.modelTopology.config.layers.shift();
  assert.equal(thrown(() => tfjsToWeights(s.modelJson, s.weightData), Error),
    'fromTfjs: the first layer Dense "c" takes inputs; expected an InputLayer');
});

test('weights: float16, int32, quantized, missing, misshaped, non-finite, ambiguous', async () => {
  const m = sequential([3, 4, 2], 'relu', 'softmax');
  const a = await artifactsOf(m);
  m.dispose();
  const base = () => structuredClone(modelJsonOf(a));
  const f32 = new Float32Array(a.weightData);
  const weight = (json, name) => json.weightsManifest[0].weights.find((w) => w.name === name);
  const names = a.weightSpecs.map((w) => w.name);
  const [k1, b1] = names;

  // float16: the data is 2 bytes per value less for that weight (4 values)
  let json = base();
  weight(json, b1).dtype = 'float16';
  assert.equal(thrown(() => tfjsToWeights(json, new Uint8Array(f32.byteLength - 8)), Error),
    `fromTfjs: weight "${b1}" is "float16"; only float32 weights can be read`);
  json = base();
  weight(json, k1).dtype = 'int32';
  assert.equal(thrown(() => tfjsToWeights(json, a.weightData), Error),
    `fromTfjs: weight "${k1}" is "int32"; only float32 weights can be read`);
  // quantized to uint8: one byte per value (12 values of the kernel)
  json = base();
  weight(json, k1).quantization = { dtype: 'uint8', scale: 0.01, min: -1 };
  assert.equal(thrown(() => tfjsToWeights(json, new Uint8Array(f32.byteLength - 36)), Error),
    `fromTfjs: weight "${k1}" is quantized to "uint8"; only float32 weights can be read ` +
    '(convert the model without quantization)');
  json = base();
  weight(json, k1).dtype = 'string';
  assert.equal(thrown(() => tfjsToWeights(json, a.weightData), Error),
    `fromTfjs: weight "${k1}" is stored as "string", whose size is unknown, so the weight data cannot be laid out`);

  // missing: the first bias is gone from the manifest and the data
  json = base();
  json.weightsManifest[0].weights.splice(1, 1);
  const without = new Float32Array([...f32.subarray(0, 12), ...f32.subarray(16)]);
  await assert.rejects(Network.fromTfjs(json, without.buffer), (e) => e.constructor === Error &&
    e.message === `fromTfjs: the weightsManifest has no weight "${b1}" for layer Dense "${b1.split('/')[0]}"`);

  // misshaped: the kernel declared [4, 3] instead of [3, 4]
  json = base();
  weight(json, k1).shape = [4, 3];
  assert.equal(thrown(() => tfjsToWeights(json, a.weightData), Error),
    `fromTfjs: weight "${k1}" has shape [4, 3]; layer Dense "${k1.split('/')[0]}" needs [3, 4]`);

  // a NaN in the data
  const nan = f32.slice();
  nan[5] = NaN;
  assert.equal(thrown(() => tfjsToWeights(base(), nan.buffer), RangeError),
    `fromTfjs: weight "${k1}" holds NaN at index 5; every value must be finite`);

  // two scoped copies of one name
  json = base();
  const ws = json.weightsManifest[0].weights;
  ws[0].name = `m1/${k1}`;
  ws.push({ ...ws[0], name: `m2/${k1}` });
  const twice = new Float32Array([...f32, ...f32.subarray(0, 12)]);
  assert.equal(thrown(() => tfjsToWeights(json, twice.buffer), Error),
    `fromTfjs: the weightsManifest has 2 weights named like "${k1}" ("m1/${k1}", "m2/${k1}"); expected one`);
});

test('weight data of the wrong length or kind, bad JSON text and malformed model.json are refused', async () => {
  const m = sequential([3, 4, 2], 'relu', 'softmax');
  const a = await artifactsOf(m);
  m.dispose();
  const json = modelJsonOf(a);
  const bytes = new Uint8Array(a.weightData);
  assert.equal(thrown(() => tfjsToWeights(json, bytes.subarray(0, bytes.length - 4)), RangeError),
    'fromTfjs: weightData has 100 bytes but the weightsManifest describes 104');
  assert.equal(thrown(() => tfjsToWeights(json, new Uint8Array(108)), RangeError),
    'fromTfjs: weightData has 108 bytes but the weightsManifest describes 104');
  assert.equal(thrown(() => tfjsToWeights(json, 'weights.bin'), TypeError),
    'fromTfjs: weightData must be an ArrayBuffer, a typed array or an array of them (the shards in weightsManifest ' +
    'order), got "weights.bin"');
  assert.equal(thrown(() => tfjsToWeights(json, [bytes, null]), TypeError),
    'fromTfjs: weightData[1] must be an ArrayBuffer or a typed array, got null');

  // the text of model.json: not JSON, or JSON but not an object
  assert.match(thrown(() => tfjsToWeights('{"modelTopology": ', bytes), Error),
    /^fromTfjs: model\.json is not valid JSON \(.+\)$/);
  assert.equal(thrown(() => tfjsToWeights('[1, 2]', bytes), Error), 'fromTfjs: model.json holds [1, 2], not an object');
  assert.equal(thrown(() => tfjsToWeights(42, bytes), TypeError),
    'fromTfjs: modelJson must be the parsed model.json (an object) or its text, got 42');
  assert.equal(thrown(() => tfjsToWeights(json, bytes, 'relu'), TypeError),
    'fromTfjs: options must be an object (the rest of the spec), got "relu"');

  // the topology
  const edit = (fn) => { const j = structuredClone(json); fn(j); return j; };
  assert.equal(thrown(() => tfjsToWeights(edit((j) => { j.format = 'graph-model'; }), bytes), Error),
    "fromTfjs: model.json has format \"graph-model\"; only 'layers-model' (TensorFlow.js Layers / Keras) models can be read");
  assert.equal(thrown(() => tfjsToWeights(edit((j) => { delete j.modelTopology; }), bytes), Error),
    'fromTfjs: model.json has no modelTopology object, got undefined');
  assert.equal(thrown(() => tfjsToWeights(edit((j) => { j.modelTopology.class_name = 'Bidirectional'; }), bytes), Error),
    'fromTfjs: the model is a "Bidirectional"; only Sequential and Functional (Model) models can be read');
  assert.equal(thrown(() => tfjsToWeights(edit((j) => { j.modelTopology.config.layers = {}; }), bytes), Error),
    'fromTfjs: modelTopology.config.layers must be a non-empty array of layers');
  assert.equal(thrown(() => tfjsToWeights(edit((j) => { delete j.modelTopology.config.layers[1].class_name; }), bytes), Error),
    'fromTfjs: layer 1 of the model needs a class_name and a config object');
  assert.equal(thrown(() => tfjsToWeights(edit((j) => { j.modelTopology.config.layers[1].config.units = 2.5; }), bytes), Error),
    `fromTfjs: layer Dense "${a.weightSpecs[2].name.split('/')[0]}" has units 2.5; expected a positive integer`);
  assert.equal(thrown(() => tfjsToWeights(edit((j) => {
    const late = { class_name: 'InputLayer', config: { name: 'late', batch_input_shape: [null, 4] } };
    j.modelTopology.config.layers.splice(1, 0, late);
  }), bytes), Error), 'fromTfjs: layer InputLayer "late" is not the first layer');
  assert.equal(thrown(() => tfjsToWeights(edit((j) => {
    j.modelTopology.config.layers = [{ class_name: 'Dropout', config: { name: 'drop', rate: 0.5 } }];
  }), bytes), Error), 'fromTfjs: the model has no Dense layer');

  // the manifest
  assert.equal(thrown(() => tfjsToWeights(edit((j) => { delete j.weightsManifest; }), bytes), Error),
    'fromTfjs: model.json needs a weightsManifest: an array of { paths, weights } groups, got undefined');
  assert.equal(thrown(() => tfjsToWeights(edit((j) => { j.weightsManifest[0].weights[2].shape = [3, -1]; }), bytes), Error),
    'fromTfjs: weightsManifest[0].weights[2] needs a string name, a shape of non-negative integers and a dtype');
  // the artifacts of a save handler (weightSpecs, no manifest) are read too
  const net = await Network.fromTfjs({ modelTopology: a.modelTopology, weightSpecs: a.weightSpecs }, a.weightData);
  assert.deepEqual(net.spec.layers, [3, 4, 2]);
  net.dispose();
});

/* ---- export --------------------------------------------------------------------------------------- */

/** load { modelJson, weightData } with tfjs itself */
const tfLoad = ({ modelJson, weightData }) => tfl.loadLayersModel(tf.io.fromMemory({
  modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData }));

test('toTfjs(): tf.loadLayersModel loads it and predicts as we do, for every activation tfjs has', async () => {
  const outputs = { softmax: 3, sigmoid: 2, identity: 2 };
  for (const activation of ['sigmoid', 'tanh', 'relu', 'swish', 'mish']) {
    for (const [output, units] of Object.entries(outputs)) {
      const net = await Network.create({ layers: [4, 7, 5, units], activation, output, seed: 11,
        loss: output === 'identity' ? 'mse' : 'cross_entropy' });
      const exported = await net.toTfjs();
      assert.ok(exported.weightData instanceof ArrayBuffer);
      assert.equal(exported.weightData.byteLength, net.paramCount * 4);
      assert.equal(exported.modelJson.format, 'layers-model');
      assert.deepEqual(exported.modelJson.weightsManifest[0].paths, ['weights.bin']);
      // through JSON text, as a file would carry it
      const m = await tfLoad({ modelJson: JSON.parse(JSON.stringify(exported.modelJson)), weightData: exported.weightData });
      const x = inputs(16, 4, 3);
      assertClose(tfPredict(m, x, 4), net.predict(x), TOL, `${activation}/${output}`);
      // and back: the same parameters, bit for bit
      const back = await Network.fromTfjs(exported.modelJson, exported.weightData);
      assert.deepEqual(back.getParams(), net.getParams());
      assert.equal(back.spec.activation, activation);
      assert.equal(back.spec.output, output);
      for (const n of [net, back]) n.dispose();
      m.dispose();
    }
  }
});

test('toTfjs() of leaky_relu, hswish or tanhexp hidden layers is refused pointing to ONNX', async () => {
  for (const activation of ['leaky_relu', 'hswish', 'tanhexp']) {
    const net = await Network.create({ layers: [2, 3, 2], activation, seed: 1 });
    await assert.rejects(net.toTfjs(), (e) => e.constructor === Error && e.message ===
      `toTfjs: TensorFlow.js Layers has no "${activation}" activation for Dense layers (it has 'sigmoid', 'tanh', ` +
      "'relu', 'swish' and 'mish'); export this network with toOnnx() instead");
    net.dispose();
  }
  // with no hidden layer the activation is never used, so the export goes through
  const single = await Network.create({ layers: [3, 2], activation: 'hswish', output: 'sigmoid', seed: 2 });
  const m = await tfLoad(await single.toTfjs());
  const x = inputs(4, 3);
  assertClose(tfPredict(m, x, 3), single.predict(x));
  single.dispose();
  m.dispose();
  // networkToTfjs checks the weights it is given
  assert.equal(thrown(() => networkToTfjs({ layers: [3, 2], activation: 'relu', output: 'softmax' },
    [new Float32Array(6)]), RangeError), 'toTfjs: weights must be 2 Float32Arrays [W1, b1, ...] fitting spec.layers 3-2');
});
