// ONNX export and import (src/js/onnx.js). The independent judge is onnxruntime-web: every
// exported model, and every model this file writes as another exporter would (PyTorch's Gemm
// with transB = 1, MatMul + Add, HardSwish, Mish, ...), is run there and compared with
// net.predict. Single activations are also compared with their formulas computed here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-web';
import { Network } from '../../src/js/index.node.js';
import { networkToOnnx, onnxToWeights } from '../../src/js/onnx.js';
import {
  Message, bytesField, concat, floatBytes, floatField, messageField, packedFloatsField, stringField, varintField,
} from '../../src/js/protobuf.js';

ort.env.wasm.numThreads = 1;

const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'swish', 'mish', 'hswish', 'tanhexp'];
const OUTPUTS = ['softmax', 'sigmoid', 'identity'];

/* ---- helpers ------------------------------------------------------------------------------------ */

/** outputs of an ONNX model run by onnxruntime-web on rows of x */
async function runOrt(bytes, x, cols, input = 'input', output = 'output') {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await session.run({ [input]: new ort.Tensor('float32', x, [x.length / cols, cols]) });
    return result[output].data;
  } finally {
    await session.release();
  }
}

/** every |a − e| ≤ tol·max(1, |e|): absolute for probabilities, relative for large values */
function assertClose(actual, expected, tol, what) {
  assert.equal(actual.length, expected.length, `${what}: lengths`);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    assert.ok(err <= tol * Math.max(1, Math.abs(expected[i])),
      `${what}: value ${i} is ${actual[i]}, expected ${expected[i]} (error ${err})`);
  }
}

/** a seeded generator of numbers in [-1, 1) (mulberry32) */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  };
}

/** rows of 5 inputs from −10 to 10: saturating rows, mixed signs, zeros, and random ones */
const rand = random(5);
const X5 = new Float32Array([
  10, 10, 10, 10, 10,
  -10, -10, -10, -10, -10,
  10, -10, 10, -10, 10,
  -10, 10, -10, 10, -10,
  -0.5, 0.25, 0, 1.5, -3,
  0, 0, 0, 0, 0,
  3, -7, 0.1, 9, -2.5,
  ...Array.from({ length: 25 }, () => 10 * rand()),
]);

const specFor = (activation, output) => ({
  layers: [5, 7, 6, 3], activation, output, loss: output === 'identity' ? 'mse' : 'cross_entropy',
  seed: 11, leakySlope: 0.1, hswishN: 3,
});

/* Writing models as other exporters do, field by field (numbers from onnx.proto). */
const floatTensor = (name, dims, values) => [ // float_data, as PyTorch's small tensors
  dims.map((d) => varintField(1, d)), varintField(2, 1), packedFloatsField(4, values), stringField(8, name)];
const rawTensor = (name, dims, values, type = 1) => [
  dims.map((d) => varintField(1, d)), varintField(2, type), stringField(8, name), bytesField(9, floatBytes(values))];
const floatAttr = (name, f) => [stringField(1, name), varintField(20, 1), floatField(2, f)];
const intAttr = (name, i) => [stringField(1, name), varintField(20, 2), varintField(3, i)];
const node = (op, inputs, outputs, attrs = [], name = outputs[0], domain = null) => [
  inputs.map((s) => stringField(1, s)), outputs.map((s) => stringField(2, s)), stringField(3, name),
  stringField(4, op), domain === null ? null : stringField(7, domain), attrs.map((a) => messageField(5, a))];
const valueInfo = (name, dims, elem = 1) => [stringField(1, name), messageField(2, messageField(1, [
  varintField(1, elem),
  messageField(2, dims.map((d) => messageField(1, typeof d === 'number' ? varintField(1, d) : stringField(2, d))))]))];
function model({ nodes, inits = [], inputs = [valueInfo('x', ['N', 4])], outputs = [valueInfo('y', ['N', 3])],
  opset = 13, meta = null }) {
  return concat([
    varintField(1, 8), stringField(2, 'a test'), messageField(8, varintField(2, opset)),
    meta === null ? null : messageField(14, [stringField(1, 'nnwasm.spec'), stringField(2, meta)]),
    messageField(7, [nodes.map((n) => messageField(1, n)), stringField(2, 'g'), inits.map((t) => messageField(5, t)),
      inputs.map((i) => messageField(11, i)), outputs.map((o) => messageField(12, o))]),
  ]);
}

/** random values in [-scale, scale) */
const values = (n, scale, r) => Float32Array.from({ length: n }, () => scale * r());
/** a [rows, cols] row-major matrix transposed */
function transpose(m, rows, cols) {
  const t = new Float32Array(m.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j];
  return t;
}

/** a small valid 4-3 model (Gemm then Softmax) with extra parts to break it in the tests below */
function tiny({ nodes = null, inits = [], ...rest } = {}) {
  const r = random(3);
  return model({
    nodes: nodes ?? [node('Gemm', ['x', 'W', 'b'], ['z'], [], 'dense'), node('Softmax', ['z'], ['y'], [], 'soft')],
    inits: [rawTensor('W', [4, 3], values(12, 1, r)), rawTensor('b', [3], values(3, 1, r)), ...inits],
    ...rest,
  });
}

/** the error onnxToWeights throws for these bytes */
function errorOf(bytes, options) {
  try {
    onnxToWeights(bytes, options);
  } catch (e) {
    return e;
  }
  assert.fail('onnxToWeights accepted the model');
}

/** assert onnxToWeights refuses bytes with a plain Error whose message matches */
function refuses(bytes, message) {
  const e = errorOf(bytes);
  assert.equal(e.constructor, Error, `${e.name}: ${e.message}`);
  assert.match(e.message, message);
}

/* ---- export, run by onnxruntime-web -------------------------------------------------------------- */

for (const activation of ACTIVATIONS) {
  for (const output of OUTPUTS) {
    test(`${activation} hidden, ${output} output: onnxruntime-web matches predict within 1e-5`, async () => {
      const net = await Network.create(specFor(activation, output));
      // the rows reach the activations' overflow paths: pre-activations beyond ±20
      const [W1, b1] = net.weights();
      let lo = Infinity;
      let hi = -Infinity;
      for (let r = 0; r < X5.length / 5; r++) {
        for (let o = 0; o < 7; o++) {
          let z = b1[o];
          for (let i = 0; i < 5; i++) z += X5[r * 5 + i] * W1[i * 7 + o];
          lo = Math.min(lo, z);
          hi = Math.max(hi, z);
        }
      }
      assert.ok(lo < -20 && hi > 20, `pre-activations span only [${lo}, ${hi}]`);
      const bytes = await net.toOnnx();
      assert.deepEqual(bytes, networkToOnnx(net.spec, net.weights()));
      assertClose(await runOrt(bytes, X5, 5), net.predict(X5), 1e-5, `${activation}/${output}`);
      net.dispose();
    });
  }
}

test('each activation exported alone computes its formula (hand-computed values)', async () => {
  const sigma = (x) => 1 / (1 + Math.exp(-x));
  const slope = Math.fround(0.1);
  const formulas = {
    sigmoid: sigma,
    tanh: Math.tanh,
    relu: (x) => Math.max(x, 0),
    leaky_relu: (x) => (x > 0 ? x : slope * x),
    swish: (x) => x * sigma(x),
    mish: (x) => x * Math.tanh(Math.log1p(Math.exp(x))),
    hswish: (x) => (x <= -1.5 ? 0 : x > 1.5 ? x : (x * (x + 1.5)) / 3), // width 3
    tanhexp: (x) => x * Math.tanh(Math.exp(x)),
  };
  const x = new Float32Array([-100, -30, -10, -3, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 9.5, 10, 25, 30, 100]);
  for (const activation of ACTIVATIONS) {
    // 1-1-1 with unit weights and zero biases: the output is the activation of the input
    const net = await Network.fromWeights({ layers: [1, 1, 1], activation, output: 'identity', loss: 'mse',
      leakySlope: 0.1, hswishN: 3 }, [[1], [0], [1], [0]]);
    const expected = Array.from(x, formulas[activation]);
    assertClose(await runOrt(await net.toOnnx(), x, 1), expected, 1e-5, `${activation} in onnxruntime`);
    assertClose(net.predict(x), expected, 1e-5, `${activation} in nnwasm`);
    net.dispose();
  }
});

test('the model: IR 7, opset 13, input/output float [batch, n], the spec as metadata, composed activations', async () => {
  const ops = {
    sigmoid: ['Sigmoid'], tanh: ['Tanh'], relu: ['Relu'], leaky_relu: ['LeakyRelu'], swish: ['Sigmoid', 'Mul'],
    mish: ['Softplus', 'Tanh', 'Mul'], tanhexp: ['Exp', 'Tanh', 'Mul'], hswish: ['Add', 'Clip', 'Div', 'Mul'],
  };
  for (const activation of ACTIVATIONS) {
    const net = await Network.create(specFor(activation, 'softmax'));
    const m = new Message(await net.toOnnx(), 'model');
    assert.equal(m.int(1, 'ir_version'), 7);
    assert.equal(m.string(2, 'producer_name'), 'nnwasm');
    const [opset] = m.messages(8, 'opset_import');
    assert.deepEqual([opset.string(1, 'domain'), opset.int(2, 'version')], ['', 13]);
    const [meta] = m.messages(14, 'metadata_props');
    assert.equal(meta.string(1, 'key'), 'nnwasm.spec');
    assert.deepEqual(JSON.parse(meta.string(2, 'value')), net.spec);
    const g = m.message(7, 'graph');
    const shape = (vi) => {
      const t = vi.message(2, 'type').message(1, 'tensor_type');
      return [t.int(1, 'elem_type'), ...t.message(2, 'shape').messages(1, 'dim')
        .map((d) => (d.has(1) ? d.int(1, 'dim_value') : d.string(2, 'dim_param')))];
    };
    assert.deepEqual(g.messages(11, 'input').map((vi) => [vi.string(1, 'name'), ...shape(vi)]), [['input', 1, 'batch', 5]]);
    assert.deepEqual(g.messages(12, 'output').map((vi) => [vi.string(1, 'name'), ...shape(vi)]), [['output', 1, 'batch', 3]]);
    const a = ops[activation];
    assert.deepEqual(g.messages(1, 'node').map((n) => n.string(4, 'op_type')),
      ['Gemm', ...a, 'Gemm', ...a, 'Gemm', 'Softmax']);
    const inits = g.messages(5, 'initializer').map((t) => [t.string(8, 'name'), t.ints(1, 'dims'), t.int(2, 'data_type')]);
    assert.deepEqual(inits.slice(0, 6), [['W1', [5, 7], 1], ['b1', [7], 1], ['W2', [7, 6], 1], ['b2', [6], 1],
      ['W3', [6, 3], 1], ['b3', [3], 1]]);
    if (activation === 'hswish') {
      assert.deepEqual(inits.slice(6).map((t) => t[0]), ['hswish_half', 'hswish_zero', 'hswish_n']);
    }
    net.dispose();
  }
  // the batch size is free: 1 row and 9 rows
  const net = await Network.create(specFor('tanh', 'sigmoid'));
  const bytes = await net.toOnnx();
  for (const rows of [1, 9]) {
    const x = X5.subarray(0, rows * 5);
    assertClose(await runOrt(bytes, x, 5), net.predict(x), 1e-5, `${rows} rows`);
  }
  net.dispose();
});

/* ---- import ------------------------------------------------------------------------------------ */

test('fromOnnx(toOnnx()) gives the same parameters and spec, training settings included', async () => {
  for (const activation of ACTIVATIONS) {
    for (const output of OUTPUTS) {
      const spec = { ...specFor(activation, output), optimizer: { type: 'adam', lr: 0.003, beta1: 0.8 },
        init: { gaussian: 0.5 }, weightDecay: 1e-4, clipNorm: 5, dropout: 0.25, flood: 0.01,
        schedule: { type: 'cosine', stepSize: 100, minLr: 1e-4 } };
      const net = await Network.create(spec);
      const back = await Network.fromOnnx(await net.toOnnx());
      assert.deepEqual(back.spec, net.spec);
      assert.deepEqual(back.getParams(), net.getParams());
      back.dispose();
      net.dispose();
    }
  }
  // without hidden layers the graph has no activation: the metadata keeps it
  const net = await Network.create({ layers: [5, 3], activation: 'tanh', seed: 2 });
  const back = await Network.fromOnnx(await net.toOnnx());
  assert.equal(back.spec.activation, 'tanh');
  assert.deepEqual(back.getParams(), net.getParams());
  back.dispose();
  net.dispose();
});

test('a PyTorch-style model (Gemm transB=1, MatMul + Add, HardSwish, no metadata) imports and predicts as onnxruntime', async () => {
  const r = random(17);
  const W1t = values(6 * 4, 1, r); // [out, in], as torch.nn.Linear keeps it
  const b1 = values(6, 0.5, r);
  const W2 = values(6 * 5, 1, r); // [in, out] for MatMul
  const b2 = values(5, 0.5, r);
  const W3t = values(3 * 5, 1, r);
  const b3 = values(3, 0.5, r);
  const inits = [floatTensor('fc1.weight', [6, 4], W1t), floatTensor('fc1.bias', [6], b1),
    floatTensor('W2', [6, 5], W2), floatTensor('b2', [5], b2),
    floatTensor('fc3.weight', [3, 5], W3t), floatTensor('fc3.bias', [3], b3)];
  const bytes = model({
    opset: 14,
    nodes: [
      node('Gemm', ['x', 'fc1.weight', 'fc1.bias'], ['/fc1/Gemm_output_0'], [intAttr('transB', 1)], '/fc1/Gemm'),
      node('HardSwish', ['/fc1/Gemm_output_0'], ['h1'], [], '/act/HardSwish'),
      node('MatMul', ['h1', 'W2'], ['m2'], [], 'mm2'),
      node('Add', ['b2', 'm2'], ['z2'], [], 'add2'), // bias first: Add is commutative
      node('HardSwish', ['z2'], ['h2'], [], '/act_1/HardSwish'),
      node('Gemm', ['h2', 'fc3.weight', 'fc3.bias'], ['z3'],
        [floatAttr('alpha', 1), floatAttr('beta', 1), intAttr('transA', 0), intAttr('transB', 1)], '/fc3/Gemm'),
      node('Softmax', ['z3'], ['y'], [intAttr('axis', 1)], '/Softmax'),
    ],
    inits,
    // old PyTorch exports list the initializers among the graph inputs too
    inputs: [valueInfo('x', ['batch_size', 4]), valueInfo('fc1.weight', [6, 4]), valueInfo('fc1.bias', [6])],
  });
  const { spec, weights } = onnxToWeights(bytes);
  assert.deepEqual(spec, { layers: [4, 6, 5, 3], output: 'softmax', activation: 'hswish', hswishN: 6 });
  assert.deepEqual(weights, [transpose(W1t, 6, 4), b1, W2, b2, transpose(W3t, 3, 5), b3]);
  const x = values(4 * 12, 8, r);
  const net = await Network.fromOnnx(bytes);
  assertClose(net.predict(x), await runOrt(bytes, x, 4, 'x', 'y'), 1e-5, 'PyTorch-style model');
  net.dispose();
});

test('Mish (opset 18), SiLU as Sigmoid·x, HardSigmoid·x, MatMul without bias and Identity nodes import', async () => {
  const r = random(23);
  const cases = [
    { // Mish operator, Identity in the chain, a sigmoid output
      opset: 18, layers: [4, 6, 2], expect: { activation: 'mish', output: 'sigmoid' },
      nodes: (W) => [node('Gemm', ['x', 'W1', 'b1'], ['z1'], [intAttr('transB', 1)]),
        node('Identity', ['z1'], ['i1']), node('Mish', ['i1'], ['a1']),
        node('Gemm', ['a1', 'W2', 'b2'], ['z2']), node('Sigmoid', ['z2'], ['y'])],
      inits: (w) => [rawTensor('W1', [6, 4], transpose(w[0], 4, 6)), rawTensor('b1', [6], w[1]),
        rawTensor('W2', [6, 2], w[2]), rawTensor('b2', [1, 2], w[3])],
    },
    { // SiLU as PyTorch wrote it before opset 14: Sigmoid then Mul(sigmoid, x)
      opset: 13, layers: [4, 5, 3], expect: { activation: 'swish', output: 'softmax' },
      nodes: () => [node('MatMul', ['x', 'W1'], ['m1']), node('Add', ['m1', 'b1'], ['z1']),
        node('Sigmoid', ['z1'], ['s1']), node('Mul', ['s1', 'z1'], ['a1']),
        node('Gemm', ['a1', 'W2', 'b2'], ['z2']), node('Softmax', ['z2'], ['y'])],
      inits: (w) => [rawTensor('W1', [4, 5], w[0]), rawTensor('b1', [5], w[1]),
        rawTensor('W2', [5, 3], w[2]), rawTensor('b2', [3], w[3])],
    },
    { // h-swish as x·HardSigmoid(x) with α = 1/4: width 4; MatMul with no bias; no output op
      opset: 13, layers: [4, 6, 3], expect: { activation: 'hswish', hswishN: 4, output: 'identity', loss: 'mse' },
      nodes: () => [node('MatMul', ['x', 'W1'], ['z1']),
        node('HardSigmoid', ['z1'], ['g1'], [floatAttr('alpha', 0.25), floatAttr('beta', 0.5)]),
        node('Mul', ['z1', 'g1'], ['a1']), node('MatMul', ['a1', 'W2'], ['m2']), node('Add', ['m2', 'b2'], ['y'])],
      inits: (w) => [rawTensor('W1', [4, 6], w[0]), rawTensor('W2', [6, 3], w[2]), rawTensor('b2', [3], w[3])],
      zeroBias: true,
    },
  ];
  for (const c of cases) {
    const [I, H, O] = c.layers;
    const w = [values(I * H, 1, r), c.zeroBias ? new Float32Array(H) : values(H, 0.5, r), values(H * O, 1, r), values(O, 0.5, r)];
    const bytes = model({ opset: c.opset, nodes: c.nodes(w), inits: c.inits(w), outputs: [valueInfo('y', ['N', O])] });
    const { spec, weights } = onnxToWeights(bytes);
    assert.deepEqual(spec, { layers: c.layers, ...c.expect });
    assert.deepEqual(weights, w);
    const x = values(I * 10, 8, r);
    const net = await Network.fromOnnx(bytes);
    assertClose(net.predict(x), await runOrt(bytes, x, I, 'x', 'y'), 1e-5, c.expect.activation);
    net.dispose();
  }
});

test('options fill in what the file does not say; an option contradicting the file is a RangeError', async () => {
  const net = await Network.create({ ...specFor('leaky_relu', 'softmax'), optimizer: { type: 'adam', lr: 0.01 } });
  const bytes = await net.toOnnx();
  // options override the stored training settings
  assert.equal(onnxToWeights(bytes, { optimizer: 'sgd' }).spec.optimizer, 'sgd');
  assert.equal(onnxToWeights(bytes).spec.optimizer.type, 'adam');
  // options that agree with the graph are fine (numbers compared as float32)
  assert.deepEqual(onnxToWeights(bytes, { layers: [5, 7, 6, 3], activation: 'leaky_relu', leakySlope: 0.1,
    output: 'softmax' }).spec.leakySlope, Math.fround(0.1));
  const contradict = (options, message) =>
    assert.throws(() => onnxToWeights(bytes, options), { name: 'RangeError', message });
  contradict({ activation: 'tanh' },
    /^fromOnnx options.activation "tanh" contradicts the file, which has "leaky_relu"$/);
  contradict({ output: 'sigmoid' }, /^fromOnnx options.output "sigmoid" contradicts the file, which has "softmax"$/);
  contradict({ layers: [5, 7, 3] }, /^fromOnnx options.layers \[5, 7, 3\] contradicts the file, which has \[5, 7, 6, 3\]$/);
  contradict({ leakySlope: 0.2 }, /^fromOnnx options.leakySlope 0.2 contradicts the file, which has 0.10000000149011612$/);
  await assert.rejects(Network.fromOnnx(bytes, { output: 'identity' }), { name: 'RangeError' });
  // options are a spec's keys
  assert.throws(() => onnxToWeights(bytes, null), { name: 'TypeError', message: /^fromOnnx options must be an object, got null$/ });
  assert.throws(() => onnxToWeights(bytes, { activaton: 'relu' }),
    { name: 'TypeError', message: /unknown option "activaton" in fromOnnx options; did you mean "activation"\?/ });
  // a file without metadata: the caller's options complete the spec; identity output implies mse
  const plain = tiny({ nodes: [node('Gemm', ['x', 'W', 'b'], ['y'])] });
  assert.deepEqual(onnxToWeights(plain, { seed: 4, activation: 'tanh' }).spec,
    { seed: 4, activation: 'tanh', layers: [4, 3], output: 'identity', loss: 'mse' });
  net.dispose();
});

/* ---- refusals ---------------------------------------------------------------------------------- */

test('garbage, non-bytes and empty input are refused', async () => {
  refuses(new TextEncoder().encode('this is not an onnx model'),
    /^ONNX model: malformed protobuf \(field 14 with group end at byte 0\)$/);
  refuses(Uint8Array.from([0x08, 0x07, 0x12, 0x01, 0x41]), /^ONNX model: no graph \(field 7\); these bytes are not an ONNX model$/);
  refuses(Uint8Array.from([0x00, 0x01]), /^ONNX model: malformed protobuf \(field 0 with varint at byte 0\)$/);
  refuses(Uint8Array.from([0x0f, 0x01]), /^ONNX model: malformed protobuf \(field 1 with wire type 7 at byte 0\)$/);
  // random bytes never get past with anything but a plain Error naming ONNX
  const r = random(99);
  for (let k = 0; k < 300; k++) {
    const bytes = Uint8Array.from({ length: 1 + (k % 60) }, () => Math.floor(128 * (r() + 1)));
    const e = errorOf(bytes);
    assert.equal(e.constructor, Error, `${e.name}: ${e.message}`);
    assert.match(e.message, /^ONNX /);
  }
  assert.throws(() => onnxToWeights('model.onnx'),
    { name: 'TypeError', message: /^fromOnnx\(bytes\): bytes must be a Uint8Array or ArrayBuffer, got "model.onnx"$/ });
  assert.throws(() => onnxToWeights(new ArrayBuffer(0)), { name: 'RangeError', message: /^fromOnnx\(bytes\): bytes is empty$/ });
  await assert.rejects(Network.fromOnnx(new Uint8Array([1, 2, 3])), { message: /^ONNX model: / });
});

test('every proper prefix of an exported model is refused; damaged bytes never crash', async () => {
  const net = await Network.create(specFor('hswish', 'softmax'));
  const bytes = await net.toOnnx();
  for (let n = 1; n < bytes.length; n++) {
    const e = errorOf(bytes.subarray(0, n));
    assert.equal(e.constructor, Error);
    assert.match(e.message, /: truncated protobuf \(a field runs past the end at byte \d+\)$|^ONNX model: no graph/, `prefix ${n}`);
  }
  assert.match(errorOf(bytes.subarray(0, bytes.length - 1)).message, /^ONNX model: truncated protobuf/);
  // one byte changed anywhere: a model (maybe another one) or a plain Error, nothing else
  const r = random(7);
  for (let k = 0; k < 400; k++) {
    const damaged = bytes.slice();
    damaged[Math.floor(((r() + 1) / 2) * bytes.length)] = Math.floor(128 * (r() + 1));
    try {
      const { spec, weights } = onnxToWeights(damaged);
      assert.ok(Array.isArray(spec.layers) && weights.every((w) => w instanceof Float32Array));
    } catch (e) {
      assert.ok(e.constructor === Error && /^ONNX /.test(e.message), `${e.name}: ${e.message}`);
    }
  }
  net.dispose();
});

test('malformed protobuf: long varints, wrong wire types, packed floats of odd length', () => {
  refuses(Uint8Array.from([0x08, ...new Array(10).fill(0xff), 0x01]),
    /^ONNX model: malformed protobuf \(a varint of more than 10 bytes at byte 1\)$/);
  refuses(Uint8Array.from([0x38, 0x01]), /^ONNX model.graph: malformed protobuf \(varint, expected length-delimited\)$/);
  const odd = concat([varintField(1, 1), varintField(2, 1), stringField(8, 'W'), bytesField(4, new Uint8Array(6))]);
  refuses(tiny({ inits: [odd], nodes: [node('Gemm', ['x', 'W', 'b'], ['y'])] }),
    /^ONNX model.graph.initializer\[2\].float_data: malformed protobuf \(packed floats of 6 bytes, not a multiple of 4\)$/);
});

test('a Conv node is refused naming it; so is any other operator or domain', () => {
  const conv = [node('Conv', ['x', 'K'], ['c'], [], 'conv1'), node('Gemm', ['c', 'W', 'b'], ['y'])];
  refuses(tiny({ nodes: conv }), /^ONNX node "conv1" \(Conv\): Conv is not supported; nnwasm reads dense layers/);
  refuses(tiny({ nodes: [node('BatchNormalization', ['x'], ['y'], [], '')] }),
    /^ONNX node #0 \(BatchNormalization\): BatchNormalization is not supported/);
  refuses(tiny({ nodes: [node('Gemm', ['x', 'W', 'b'], ['y'], [], 'fused', 'com.microsoft')] }),
    /^ONNX node "fused" \(Gemm\): domain "com.microsoft" is not supported; nnwasm reads standard ONNX operators only$/);
});

test('a graph with a branch is refused naming the value and its readers', () => {
  const branch = [node('Gemm', ['x', 'W', 'b'], ['p'], [], 'left'), node('Gemm', ['x', 'W', 'b'], ['q'], [], 'right'),
    node('Add', ['p', 'q'], ['y'], [], 'sum')];
  refuses(tiny({ nodes: branch }),
    /^ONNX graph branches at "x": "left" \(Gemm\), "right" \(Gemm\) all read it; nnwasm reads a single chain of layers$/);
  // a layer's output read twice, outside any activation pattern
  const twice = [node('Gemm', ['x', 'W', 'b'], ['z'], [], 'dense'), node('Relu', ['z'], ['a']), node('Tanh', ['z'], ['t']),
    node('Gemm', ['a', 'W2', 'b2'], ['y'])];
  refuses(tiny({ nodes: twice }), /^ONNX graph branches at "z": "a" \(Relu\), "t" \(Tanh\) all read it/);
  // two inputs, two outputs
  refuses(tiny({ inputs: [valueInfo('x', ['N', 4]), valueInfo('x2', ['N', 4])] }),
    /^ONNX graph: 2 inputs besides the initializers \("x", "x2"\); nnwasm takes exactly one$/);
  refuses(tiny({ outputs: [valueInfo('y', ['N', 3]), valueInfo('z', ['N', 3])] }),
    /^ONNX graph: 2 outputs \("y", "z"\); nnwasm gives exactly one$/);
});

test('non-float initializers are refused naming the initializer and its type', () => {
  refuses(tiny({ nodes: [node('Gemm', ['x', 'W64', 'b'], ['y'])], inits: [rawTensor('W64', [4, 3], new Float32Array(12), 11)] }),
    /^ONNX initializer "W64": data type DOUBLE is not supported; nnwasm reads float32 \(FLOAT\) only$/);
  refuses(tiny({ nodes: [node('Gemm', ['x', 'Wq', 'b'], ['y'])], inits: [rawTensor('Wq', [4, 3], new Float32Array(3), 3)] }),
    /^ONNX initializer "Wq": data type INT8 is not supported/);
});

test('external data is refused naming the file', () => {
  const ext = [varintField(1, 4), varintField(1, 3), varintField(2, 1), stringField(8, 'Wx'),
    messageField(13, [stringField(1, 'location'), stringField(2, 'weights.bin')]),
    messageField(13, [stringField(1, 'offset'), stringField(2, '0')]), varintField(14, 1)];
  refuses(tiny({ nodes: [node('Gemm', ['x', 'Wx', 'b'], ['y'])], inits: [ext] }),
    /^ONNX initializer "Wx": its data is in an external file \(weights.bin\); save the model with its tensors inside the .onnx file$/);
});

test('initializers of the wrong size or shape, and inputs that do not fit, are refused', () => {
  const gemm = (W, b = 'b') => [node('Gemm', ['x', W, b], ['y'], [], 'dense')];
  refuses(tiny({ nodes: gemm('W5'), inits: [rawTensor('W5', [4, 3], new Float32Array(11))] }),
    /^ONNX initializer "W5": 11 values for dims \[4, 3\], which need 12$/);
  refuses(tiny({ nodes: gemm('Wf'), inits: [floatTensor('Wf', [4, 3], new Float32Array(13))] }),
    /^ONNX initializer "Wf": 13 values for dims \[4, 3\], which need 12$/);
  const odd = [varintField(1, 4), varintField(1, 3), varintField(2, 1), stringField(8, 'Wo'), bytesField(9, new Uint8Array(47))];
  refuses(tiny({ nodes: gemm('Wo'), inits: [odd] }), /^ONNX initializer "Wo": 47 bytes of values for dims \[4, 3\], which need 12$/);
  refuses(tiny({ nodes: gemm('Wn'), inits: [floatTensor('Wn', [-4, 3], new Float32Array(12))] }),
    /^ONNX initializer "Wn": dims \[-4, 3\] are not valid sizes$/);
  refuses(tiny({ nodes: gemm('W3'), inits: [rawTensor('W3', [2, 2, 3], new Float32Array(12))] }),
    /^ONNX initializer "W3": dims \[2, 2, 3\] do not fit node "dense" \(Gemm\) \(it needs \[inputs, outputs\]\)$/);
  refuses(tiny({ nodes: gemm('W', 'b4'), inits: [rawTensor('b4', [4], new Float32Array(4))] }),
    /^ONNX initializer "b4": dims \[4\] do not fit node "dense" \(Gemm\) \(it needs \[3\] or \[1, 3\]\)$/);
  // layer 2 takes 5 inputs where layer 1 gives 3
  refuses(tiny({ nodes: [node('Gemm', ['x', 'W', 'b'], ['z']), node('Relu', ['z'], ['a']), node('Gemm', ['a', 'W2', 'b2'], ['y'], [], 'd2')],
    inits: [rawTensor('W2', [5, 3], new Float32Array(15)), rawTensor('b2', [3], new Float32Array(3))] }),
  /^ONNX initializer "W2": dims \[5, 3\] do not fit node "d2" \(Gemm\) \(it needs \[3, outputs\]\)$/);
  refuses(tiny({ inputs: [valueInfo('x', ['N', 5])] }),
    /^ONNX graph input "x": FLOAT \[N, 5\] does not fit the first layer, which takes FLOAT \[batch, 4\]$/);
  refuses(tiny({ inputs: [valueInfo('x', ['N', 4], 11)] }), /^ONNX graph input "x": DOUBLE \[N, 4\] does not fit/);
});

test('unsupported attributes and computed weights are refused naming the node', () => {
  const gemm = (attrs, inputs = ['x', 'W', 'b']) => tiny({ nodes: [node('Gemm', inputs, ['y'], attrs, 'dense')] });
  refuses(gemm([floatAttr('alpha', 2)]), /^ONNX node "dense" \(Gemm\): alpha 2 is not supported \(nnwasm needs alpha 1\)$/);
  refuses(gemm([floatAttr('beta', 0.5)]), /^ONNX node "dense" \(Gemm\): beta 0.5 is not supported \(nnwasm needs beta 1\)$/);
  refuses(gemm([intAttr('transA', 1)]), /^ONNX node "dense" \(Gemm\): transA 1 is not supported \(nnwasm needs transA 0\)$/);
  refuses(gemm([intAttr('transB', 2)]), /transB 2 is not supported \(nnwasm needs transB 0 or 1\)$/);
  refuses(gemm([intAttr('alpha', 1)]), /^ONNX node "dense" \(Gemm\): attribute alpha is INT, expected FLOAT$/);
  refuses(tiny({ nodes: [node('Gemm', ['x', 'W', 'b'], ['z']), node('Softmax', ['z'], ['y'], [intAttr('axis', 0)], 'soft')] }),
    /^ONNX node "soft" \(Softmax\): axis 0 is not supported \(nnwasm needs the last axis, -1 or 1\)$/);
  // a weight computed by another node (here a Relu of an initializer) is not a constant
  refuses(tiny({ nodes: [node('Relu', ['W'], ['Wr']), node('Gemm', ['x', 'Wr', 'b'], ['y'], [], 'dense')] }),
    /^ONNX node "dense" \(Gemm\): input 1 "Wr" must be an initializer \(a constant\), not a computed value$/);
});

test('layers out of order are refused: two dense or two activations in a row, Softmax inside, ReLU last, mixed activations', () => {
  const r = random(31);
  const inits = [rawTensor('W2', [3, 3], values(9, 1, r)), rawTensor('b2', [3], values(3, 1, r)),
    rawTensor('W3', [3, 3], values(9, 1, r)), rawTensor('b3', [3], values(3, 1, r))];
  const chain = (...rest) => tiny({ inits, nodes: [node('Gemm', ['x', 'W', 'b'], ['z1'], [], 'd1'), ...rest] });
  refuses(chain(node('Gemm', ['z1', 'W2', 'b2'], ['y'], [], 'd2')),
    /^ONNX node "d2" \(Gemm\): a dense layer right after another; nnwasm needs an activation between them$/);
  refuses(chain(node('Relu', ['z1'], ['a'], [], 'r1'), node('Tanh', ['a'], ['t'], [], 't1'), node('Gemm', ['t', 'W2', 'b2'], ['y'])),
    /^ONNX node "t1" \(Tanh\): a second activation after "r1" \(Relu\); nnwasm has one per layer$/);
  refuses(chain(node('Softmax', ['z1'], ['s'], [], 's1'), node('Gemm', ['s', 'W2', 'b2'], ['y'])),
    /^ONNX node "s1" \(Softmax\): Softmax between dense layers; nnwasm only has it on the output$/);
  refuses(chain(node('Relu', ['z1'], ['y'], [], 'r1')),
    /^ONNX node "r1" \(Relu\): relu on the output; nnwasm's output is Softmax, Sigmoid or nothing$/);
  refuses(chain(node('Relu', ['z1'], ['a'], [], 'r1'), node('Gemm', ['a', 'W2', 'b2'], ['z2']),
    node('Tanh', ['z2'], ['t'], [], 't2'), node('Gemm', ['t', 'W3', 'b3'], ['y'])),
  /^ONNX node "t2" \(Tanh\): activation tanh differs from relu of "r1" \(Relu\); nnwasm has one hidden activation$/);
  refuses(chain(node('LeakyRelu', ['z1'], ['a'], [floatAttr('alpha', 0.1)], 'l1'), node('Gemm', ['a', 'W2', 'b2'], ['z2']),
    node('LeakyRelu', ['z2'], ['t'], [floatAttr('alpha', 0.2)], 'l2'), node('Gemm', ['t', 'W3', 'b3'], ['y'])),
  /^ONNX node "l2" \(LeakyRelu\): activation leaky_relu \(alpha 0.20000000298023224\) differs from leaky_relu \(alpha 0.10000000149011612\) of "l1"/);
  refuses(tiny({ nodes: [node('Relu', ['x'], ['a'], [], 'r0'), node('Gemm', ['a', 'W', 'b'], ['y'])] }),
    /^ONNX node "r0" \(Relu\): relu before the first dense layer; nnwasm starts with a dense layer \(Gemm or MatMul \+ Add\)$/);
  refuses(tiny({ nodes: [node('Identity', ['x'], ['y'])], outputs: [valueInfo('y', ['N', 4])] }),
    /^ONNX graph: no dense layer \(Gemm or MatMul \+ Add\) between input "x" and output "y"$/);
});

test('unknown activation patterns, wrong h-swish constants, stray nodes, a missed output and cycles are refused', () => {
  const r = random(37);
  const k = (name, v) => rawTensor(name, [], [v]);
  const inits = [rawTensor('W2', [3, 3], values(9, 1, r)), rawTensor('b2', [3], values(3, 1, r)),
    k('half', 1.5), k('zero', 0), k('n', 3), k('two', 2)];
  const chain = (...rest) => tiny({ inits, nodes: [node('Gemm', ['x', 'W', 'b'], ['z1'], [], 'd1'), ...rest] });
  const then = (out) => node('Gemm', [out, 'W2', 'b2'], ['y'], [], 'd2');
  refuses(chain(node('Relu', ['z1'], ['g'], [], 'g1'), node('Mul', ['z1', 'g'], ['a'], [], 'm1'), then('a')),
    /^ONNX nodes "g1" \(Relu\), "m1" \(Mul\): x·Relu\(x\) is not an activation nnwasm knows \(docs\/INTEROP.md lists them\)$/);
  refuses(chain(node('Exp', ['z1'], ['e'], [], 'e1'), then('e')),
    /^ONNX node "e1" \(Exp\): Exp here is not part of a dense layer or an activation nnwasm knows \(docs\/INTEROP.md\)$/);
  const hswish = (half, zero, n, by) => chain(node('Add', ['z1', half], ['p'], [], 'add'),
    node('Clip', ['p', zero, n], ['c'], [], 'clip'), node('Div', ['c', by], ['q'], [], 'div'),
    node('Mul', ['z1', 'q'], ['a'], [], 'mul'), then('a'));
  assert.equal(onnxToWeights(hswish('half', 'zero', 'n', 'n')).spec.hswishN, 3);
  refuses(hswish('two', 'zero', 'n', 'n'),
    /^ONNX node "add" \(Add\): constant 2 is not supported \(nnwasm needs n\/2 = 1.5 for h-swish of width 3\)$/);
  refuses(hswish('half', 'half', 'n', 'n'), /^ONNX node "clip" \(Clip\): min 1.5 is not supported \(nnwasm needs min 0 for h-swish\)$/);
  refuses(hswish('half', 'zero', 'n', 'two'), /^ONNX node "div" \(Div\): divisor 2 is not supported \(nnwasm needs n = 3/);
  refuses(hswish('half', 'zero', 'n', 'W2'), /^ONNX initializer "W2": dims \[3, 3\] do not fit node "div" \(Div\) \(it needs one value\)$/);
  refuses(chain(node('HardSigmoid', ['z1'], ['g'], [floatAttr('beta', 0.25)], 'hs'), node('Mul', ['g', 'z1'], ['a']), then('a')),
    /^ONNX node "hs" \(HardSigmoid\): beta 0.25 is not supported \(nnwasm needs beta 0.5 for h-swish\)$/);
  // a node off the chain, a chain that does not reach the output, a cycle
  refuses(chain(node('Sigmoid', ['z1'], ['y']), node('Relu', ['W2'], ['stray'], [], 'stray')),
    /^ONNX node "stray" \(Relu\) is not on the chain from "x" to "y"$/);
  refuses(chain(node('Sigmoid', ['z1'], ['s'])),
    /^ONNX graph: the chain from input "x" ends at "s", which is not the graph output "y"$/);
  refuses(chain(node('Relu', ['z1'], ['r'], [], 'r1'), node('Identity', ['r'], ['z1'], [], 'back')),
    /^ONNX node "r1" \(Relu\) is reached twice: the graph has a cycle$/);
});

test('metadata nnwasm.spec that is not a JSON object is refused', () => {
  refuses(tiny({ meta: '{"layers": [4, 3' }), /^ONNX metadata nnwasm.spec is not valid JSON \(/);
  refuses(tiny({ meta: '[4, 3]' }), /^ONNX metadata nnwasm.spec must be a JSON object \(a spec\), got an array of length 2$/);
  // unknown keys (a newer nnwasm) are dropped; known ones are used
  assert.deepEqual(onnxToWeights(tiny({ meta: '{"seed": 8, "future": 1, "layers": [9, 9]}' })).spec,
    { seed: 8, layers: [4, 3], output: 'softmax' });
});

test('networkToOnnx checks its arguments', () => {
  const spec = specFor('hswish', 'softmax');
  const w = [new Float32Array(35), new Float32Array(7), new Float32Array(42), new Float32Array(6),
    new Float32Array(18), new Float32Array(3)];
  assert.ok(networkToOnnx(spec, w) instanceof Uint8Array);
  const fails = (s, weights, name, message) => assert.throws(() => networkToOnnx(s, weights), { name, message });
  fails(null, w, 'TypeError', /^networkToOnnx\(spec, weights\): spec must be a network's spec \(net.spec\), got null$/);
  fails({ ...spec, layers: [5] }, w, 'RangeError', /^networkToOnnx\(spec, weights\): spec.layers needs at least 2 sizes, got 1$/);
  fails({ ...spec, layers: [5, 0] }, w, 'RangeError', /^networkToOnnx spec.layers\[1\] must be an integer in \[1, 65536\], got 0$/);
  fails({ ...spec, activation: 'gelu' }, w, 'RangeError', /^networkToOnnx spec.activation "gelu" is not one of/);
  fails({ ...spec, output: undefined }, w, 'TypeError', /^networkToOnnx spec.output must be one of/);
  fails({ ...spec, hswishN: 0 }, w, 'RangeError', /^networkToOnnx spec.hswishN must be in \(0, 3.4028234663852886e\+38\], got 0$/);
  fails({ ...spec, activation: 'leaky_relu', leakySlope: '0.1' }, w, 'TypeError', /^networkToOnnx spec.leakySlope must be a number/);
  fails(spec, 'w', 'TypeError', /^networkToOnnx\(spec, weights\): weights must be an array \[W1, b1, W2, b2, \.\.\.\] of Float32Arrays, got "w"$/);
  fails(spec, w.slice(1), 'RangeError', /^networkToOnnx\(spec, weights\): 3 layers need 6 arrays \[W1, b1, \.\.\.\], got 5$/);
  fails(spec, [Array.from(w[0]), ...w.slice(1)], 'TypeError', /^networkToOnnx\(spec, weights\): W1 must be a Float32Array, got an array of length 35$/);
  fails(spec, [w[0], new Float32Array(6), ...w.slice(2)], 'RangeError',
    /^networkToOnnx\(spec, weights\): b1 has 6 values; spec.layers \[5, 7, 6, 3\] need 7$/);
  fails(spec, [w[0], w[1], Float32Array.from(w[2]).fill(NaN, 3, 4), ...w.slice(3)], 'RangeError',
    /^networkToOnnx\(spec, weights\): W2\[3\] is NaN, not finite$/);
});
