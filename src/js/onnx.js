/**
 * ONNX export and import (docs/INTEROP.md). An nnwasm network becomes a chain of standard
 * opset-13 operators: per dense layer a Gemm with W (inputs × outputs) and b as initializers,
 * the hidden activation after each hidden layer (composed from standard operators where ONNX
 * has none), then Softmax or Sigmoid for the output. Import reads such a chain back, also in
 * the forms other exporters write (Gemm with transB = 1 as PyTorch does, MatMul + Add,
 * HardSwish, HardSigmoid·x, Mish), and refuses everything else naming the node.
 *
 * The protobuf field numbers below are those of onnx.proto.
 */
import { ACTIVATIONS, OUTPUTS, SPEC_KEYS, importedSpec } from './network.js';
import { checkKeys, enumIndex, integer, number, show } from './options.js';
import { Message, bytesField, concat, floatBytes, floatField, messageField, stringField, varintField } from './protobuf.js';

const IR_VERSION = 7; // the IR of ONNX 1.8, which introduced opset 13
const OPSET = 13;
const FLOAT = 1; // TensorProto.DataType
const ATTR_FLOAT = 1; // AttributeProto.AttributeType
const ATTR_INT = 2;
const META_KEY = 'nnwasm.spec';
const F32_MAX = 3.4028234663852886e38; // an h-swish width beyond this would be inf in the graph

/* ---- export ---------------------------------------------------------------------------------- */

/** a TensorProto of float32 values in raw_data (little-endian) */
const tensor = (name, dims, values) => [
  dims.map((d) => varintField(1, d)), varintField(2, FLOAT), stringField(8, name), bytesField(9, floatBytes(values))];

/** a NodeProto; attrs are AttributeProto parts */
const node = (op, name, inputs, outputs, attrs = []) => [
  inputs.map((s) => stringField(1, s)), outputs.map((s) => stringField(2, s)), stringField(3, name),
  stringField(4, op), attrs.map((a) => messageField(5, a))];
const floatAttr = (name, f) => [stringField(1, name), varintField(20, ATTR_FLOAT), floatField(2, f)];
const intAttr = (name, i) => [stringField(1, name), varintField(20, ATTR_INT), varintField(3, i)];

/** a ValueInfoProto of a float tensor; dims are sizes or names (symbolic sizes) */
const valueInfo = (name, dims) => [
  stringField(1, name),
  messageField(2, messageField(1, [varintField(1, FLOAT), messageField(2, dims.map((d) =>
    messageField(1, typeof d === 'number' ? varintField(1, d) : stringField(2, d))))]))];

/**
 * The nodes of activation act on value x, ending in value out. Where opset 13 has no operator
 * the activation is composed as x·g(x), so the graph computes what src/core/activations.c does:
 *   swish    x·Sigmoid(x)
 *   mish     x·Tanh(Softplus(x))
 *   tanhexp  x·Tanh(Exp(x))
 *   hswish   x·(Clip(x + n/2, 0, n) / n), the C code's x·((x + n/2)/n) with its two cut-offs
 *            (0 for x ≤ −n/2, x for x > n/2) done by the Clip; constants as initializers
 */
function activationNodes(act, x, out, slope) {
  const p = out; // node names: the last node is named as its output, the others after it
  const gate = (ops) => {
    const nodes = [];
    let v = x;
    for (const op of ops) {
      const y = `${p}_${op.toLowerCase()}`;
      nodes.push(node(op, y, [v], [y]));
      v = y;
    }
    return [...nodes, node('Mul', p, [x, v], [out])];
  };
  switch (act) {
    case 'sigmoid': return [node('Sigmoid', p, [x], [out])];
    case 'tanh': return [node('Tanh', p, [x], [out])];
    case 'relu': return [node('Relu', p, [x], [out])];
    case 'leaky_relu': return [node('LeakyRelu', p, [x], [out], [floatAttr('alpha', slope)])];
    case 'swish': return gate(['Sigmoid']);
    case 'mish': return gate(['Softplus', 'Tanh']);
    case 'tanhexp': return gate(['Exp', 'Tanh']);
    default: // hswish
      return [node('Add', `${p}_add`, [x, 'hswish_half'], [`${p}_add`]),
        node('Clip', `${p}_clip`, [`${p}_add`, 'hswish_zero', 'hswish_n'], [`${p}_clip`]),
        node('Div', `${p}_div`, [`${p}_clip`, 'hswish_n'], [`${p}_div`]),
        node('Mul', p, [x, `${p}_div`], [out])];
  }
}

/**
 * The network as an ONNX ModelProto (opset 13): input "input" and output "output", float32
 * [batch, units]. The whole spec goes into metadata_props "nnwasm.spec" so an import gets the
 * training settings back; the graph alone decides layers and activations.
 * @param {import('./index').NetworkSpec} spec a complete spec (net.spec)
 * @param {Float32Array[]} weights [W1, b1, W2, b2, ...] as net.weights() gives them
 * @returns {Uint8Array}
 */
export function networkToOnnx(spec, weights) {
  if (spec === null || typeof spec !== 'object' || !Array.isArray(spec.layers)) {
    throw new TypeError(`networkToOnnx(spec, weights): spec must be a network's spec (net.spec), got ${show(spec)}`);
  }
  const layers = spec.layers.map((n, i) => integer(n, `networkToOnnx spec.layers[${i}]`, 1, 65536));
  if (layers.length < 2) {
    throw new RangeError(`networkToOnnx(spec, weights): spec.layers needs at least 2 sizes, got ${layers.length}`);
  }
  const act = ACTIVATIONS[enumIndex(spec.activation, ACTIVATIONS, 'networkToOnnx spec.activation')];
  const output = OUTPUTS[enumIndex(spec.output, OUTPUTS, 'networkToOnnx spec.output')];
  const hidden = layers.length > 2;
  const slope = hidden && act === 'leaky_relu' ? number(spec.leakySlope, 'networkToOnnx spec.leakySlope') : 0;
  const n = hidden && act === 'hswish'
    ? number(spec.hswishN, 'networkToOnnx spec.hswishN', { min: 0, minOpen: true, max: F32_MAX }) : 0;
  const L = layers.length - 1;
  if (!Array.isArray(weights)) {
    throw new TypeError('networkToOnnx(spec, weights): weights must be an array [W1, b1, W2, b2, ...] of ' +
      `Float32Arrays, got ${show(weights)}`);
  }
  if (weights.length !== 2 * L) {
    throw new RangeError(`networkToOnnx(spec, weights): ${L} layers need ${2 * L} arrays [W1, b1, ...], got ${weights.length}`);
  }
  const inits = [];
  const nodes = [];
  let x = 'input';
  for (let l = 1; l <= L; l++) {
    const I = layers[l - 1];
    const O = layers[l];
    for (const [name, a, size] of [[`W${l}`, weights[2 * l - 2], I * O], [`b${l}`, weights[2 * l - 1], O]]) {
      if (!(a instanceof Float32Array)) {
        throw new TypeError(`networkToOnnx(spec, weights): ${name} must be a Float32Array, got ${show(a)}`);
      }
      if (a.length !== size) {
        throw new RangeError(`networkToOnnx(spec, weights): ${name} has ${a.length} values; ` +
          `spec.layers [${layers.join(', ')}] need ${size}`);
      }
      const bad = a.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new RangeError(`networkToOnnx(spec, weights): ${name}[${bad}] is ${a[bad]}, not finite`);
    }
    inits.push(tensor(`W${l}`, [I, O], weights[2 * l - 2]), tensor(`b${l}`, [O], weights[2 * l - 1]));
    const last = l === L;
    const z = last && output === 'identity' ? 'output' : `dense${l}`;
    nodes.push(node('Gemm', `dense${l}`, [x, `W${l}`, `b${l}`], [z]));
    if (!last) {
      nodes.push(...activationNodes(act, z, `act${l}`, slope));
      x = `act${l}`;
    } else if (output === 'softmax') {
      nodes.push(node('Softmax', 'softmax', [z], ['output'], [intAttr('axis', -1)]));
    } else if (output === 'sigmoid') {
      nodes.push(node('Sigmoid', 'sigmoid', [z], ['output']));
    }
  }
  if (n > 0) {
    const f = Math.fround(n);
    inits.push(tensor('hswish_half', [], [f / 2]), tensor('hswish_zero', [], [0]), tensor('hswish_n', [], [f]));
  }
  const graph = [
    nodes.map((nd) => messageField(1, nd)), stringField(2, 'nnwasm'), inits.map((t) => messageField(5, t)),
    messageField(11, valueInfo('input', ['batch', layers[0]])),
    messageField(12, valueInfo('output', ['batch', layers[L]]))];
  return concat([
    varintField(1, IR_VERSION),
    stringField(2, 'nnwasm'),
    messageField(8, [stringField(1, ''), varintField(2, OPSET)]),
    messageField(14, [stringField(1, META_KEY), stringField(2, JSON.stringify(spec))]),
    messageField(7, graph), // last, so that any truncated file is missing part of its graph
  ]);
}

/* ---- import ---------------------------------------------------------------------------------- */

const TYPE_NAMES = ['UNDEFINED', 'FLOAT', 'UINT8', 'INT8', 'UINT16', 'INT16', 'INT32', 'INT64', 'STRING',
  'BOOL', 'FLOAT16', 'DOUBLE', 'UINT32', 'UINT64', 'COMPLEX64', 'COMPLEX128', 'BFLOAT16'];
const ATTR_TYPES = ['UNDEFINED', 'FLOAT', 'INT', 'STRING', 'TENSOR', 'GRAPH', 'FLOATS', 'INTS', 'STRINGS',
  'TENSORS', 'GRAPHS', 'SPARSE_TENSOR', 'SPARSE_TENSORS', 'TYPE_PROTO', 'TYPE_PROTOS'];
const typeName = (names, t) => names[t] ?? `type ${t}`;

/** every operator a chain we read may hold; anything else is refused before looking further */
const KNOWN_OPS = ['Gemm', 'MatMul', 'Add', 'Identity', 'Sigmoid', 'Tanh', 'Relu', 'LeakyRelu', 'HardSwish',
  'Mish', 'Softmax', 'Softplus', 'Exp', 'HardSigmoid', 'Clip', 'Div', 'Mul'];
/** operators that are a whole activation by themselves */
const SINGLE = { Sigmoid: 'sigmoid', Tanh: 'tanh', Relu: 'relu', LeakyRelu: 'leaky_relu', HardSwish: 'hswish',
  Mish: 'mish', Softmax: 'softmax' };
/** activations written x·g(x), keyed by the operators of g in order */
const GATES = { Sigmoid: 'swish', 'Softplus Tanh': 'mish', 'Exp Tanh': 'tanhexp', HardSigmoid: 'hswish',
  'Add Clip Div': 'hswish' };

const quote = (s) => JSON.stringify(s);
/** a node as errors name it: "name" (Op), or #index (Op) when it has no name */
const desc = (nd) => `${nd.name ? quote(nd.name) : `#${nd.index}`} (${nd.op})`;
const dimsText = (dims) => `[${dims.join(', ')}]`;

/** little-endian float32 values of raw bytes */
function floatsOf(raw) {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
  return Float32Array.from({ length: raw.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

/** the dims and float32 values of an initializer (a TensorProto), checked */
function tensorValues(t, name) {
  const type = t.int(2, 'data_type');
  if (type !== FLOAT) {
    throw new Error(`ONNX initializer ${quote(name)}: data type ${typeName(TYPE_NAMES, type)} is not supported; ` +
      'nnwasm reads float32 (FLOAT) only');
  }
  const external = t.messages(13, 'external_data');
  if (t.int(14, 'data_location') === 1 || external.length) {
    const file = external.find((e) => e.string(1, 'key') === 'location')?.string(2, 'value') ?? 'no location';
    throw new Error(`ONNX initializer ${quote(name)}: its data is in an external file (${file}); ` +
      'save the model with its tensors inside the .onnx file');
  }
  const dims = t.ints(1, 'dims');
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`ONNX initializer ${quote(name)}: dims ${dimsText(dims)} are not valid sizes`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const raw = t.bytes(9, 'raw_data');
  const values = raw ? (raw.length % 4 ? null : floatsOf(raw)) : t.floats(4, 'float_data');
  if (values?.length !== count) {
    const found = values ? values.length : `${raw.length} bytes of`;
    throw new Error(`ONNX initializer ${quote(name)}: ${found} values for dims ${dimsText(dims)}, which need ${count}`);
  }
  return { name, dims, values };
}

/**
 * Follow the graph from its input to its output as a list of steps, each a dense layer
 * { w (I × O, row-major), b } or an activation { act, param }; check that they make an nnwasm
 * network and return what the graph says of it: { spec: { layers, output, activation, ... },
 * weights: [W1, b1, ...] }.
 */
function readChain(graph) {
  const nodes = graph.messages(1, 'node').map((m, index) => ({
    m, index, name: m.string(3, 'name'), op: m.string(4, 'op_type'), domain: m.string(7, 'domain'),
    inputs: m.strings(1, 'input'), outputs: m.strings(2, 'output'),
  }));
  for (const nd of nodes) {
    if (nd.domain !== '' && nd.domain !== 'ai.onnx') {
      throw new Error(`ONNX node ${desc(nd)}: domain ${quote(nd.domain)} is not supported; nnwasm reads standard ONNX operators only`);
    }
    if (!KNOWN_OPS.includes(nd.op)) {
      throw new Error(`ONNX node ${desc(nd)}: ${nd.op} is not supported; nnwasm reads dense layers (Gemm, MatMul + Add), ` +
        'their activations and a final Softmax or Sigmoid (docs/INTEROP.md)');
    }
  }
  const inits = new Map(graph.messages(5, 'initializer').map((t) => [t.string(8, 'name'), t]));
  const inputs = graph.messages(11, 'input').map((vi) => ({ name: vi.string(1, 'name'), vi }))
    .filter((i) => !inits.has(i.name)); // old exporters list the initializers as inputs too
  if (inputs.length !== 1) {
    const names = inputs.map((i) => quote(i.name)).join(', ');
    throw new Error(`ONNX graph: ${inputs.length} inputs besides the initializers (${names}); nnwasm takes exactly one`);
  }
  const outputs = graph.messages(12, 'output').map((vi) => vi.string(1, 'name'));
  if (outputs.length !== 1) {
    throw new Error(`ONNX graph: ${outputs.length} outputs (${outputs.map(quote).join(', ')}); nnwasm gives exactly one`);
  }
  const input = inputs[0].name;
  const output = outputs[0];

  const readers = new Map(); // value name → the nodes that read it
  for (const nd of nodes) {
    for (const v of new Set(nd.inputs)) {
      if (!readers.has(v)) readers.set(v, []);
      readers.get(v).push(nd);
    }
  }
  const readersOf = (v) => readers.get(v) ?? [];
  const out = (nd) => nd.outputs[0] ?? '';

  /* ---- node parts ---- */
  const attr = (nd, name, kind, def) => {
    const a = nd.m.messages(5, 'attribute').find((x) => x.string(1, 'name') === name);
    if (!a) return def;
    const type = a.int(20, 'type');
    if (type !== 0 && type !== kind) {
      throw new Error(`ONNX node ${desc(nd)}: attribute ${name} is ${typeName(ATTR_TYPES, type)}, expected ${ATTR_TYPES[kind]}`);
    }
    return kind === ATTR_FLOAT ? a.float(2, 'f', def) : a.int(3, 'i', def);
  };
  const need = (nd, what, value, ok, rule) => {
    if (!ok) throw new Error(`ONNX node ${desc(nd)}: ${what} ${value} is not supported (nnwasm needs ${rule})`);
  };
  const decoded = new Map();
  const constant = (nd, k) => {
    const name = nd.inputs[k] ?? '';
    if (!inits.has(name)) {
      throw new Error(`ONNX node ${desc(nd)}: input ${k} ${quote(name)} must be an initializer (a constant), not a computed value`);
    }
    if (!decoded.has(name)) decoded.set(name, tensorValues(inits.get(name), name));
    return decoded.get(name);
  };
  const misfit = (t, nd, shape) =>
    new Error(`ONNX initializer ${quote(t.name)}: dims ${dimsText(t.dims)} do not fit node ${desc(nd)} (it needs ${shape})`);
  const scalar = (nd, k) => {
    const t = constant(nd, k);
    if (t.values.length !== 1) throw misfit(t, nd, 'one value');
    return t.values[0];
  };

  /* ---- steps ---- */
  /** a dense layer from its weight (2-D, [O, I] if transposed) and optional bias initializers */
  const dense = (nd, W, transposed, bias, end) => {
    if (W.dims.length !== 2) throw misfit(W, nd, transposed ? '[outputs, inputs]' : '[inputs, outputs]');
    const [I, O] = transposed ? [W.dims[1], W.dims[0]] : W.dims;
    let w = W.values;
    if (transposed) { // [O, I] → [I, O]
      w = new Float32Array(I * O);
      for (let i = 0; i < I; i++) for (let o = 0; o < O; o++) w[i * O + o] = W.values[o * I + i];
    }
    if (bias && !(bias.values.length === O && bias.dims.at(-1) === O && bias.dims.length <= 2)) {
      throw misfit(bias, nd, `[${O}] or [1, ${O}]`);
    }
    return { kind: 'dense', node: nd, W, transposed, I, O, w, b: bias ? bias.values : new Float32Array(O), end };
  };
  const gemm = (nd) => {
    const alpha = attr(nd, 'alpha', ATTR_FLOAT, 1);
    need(nd, 'alpha', alpha, alpha === 1, 'alpha 1');
    const transA = attr(nd, 'transA', ATTR_INT, 0);
    need(nd, 'transA', transA, transA === 0, 'transA 0');
    const transB = attr(nd, 'transB', ATTR_INT, 0);
    need(nd, 'transB', transB, transB === 0 || transB === 1, 'transB 0 or 1');
    const hasBias = Boolean(nd.inputs[2]);
    const beta = attr(nd, 'beta', ATTR_FLOAT, 1);
    need(nd, 'beta', beta, !hasBias || beta === 1, 'beta 1');
    return dense(nd, constant(nd, 1), transB === 1, hasBias ? constant(nd, 2) : null, out(nd));
  };
  const matmul = (nd) => {
    const W = constant(nd, 1);
    const next = readersOf(out(nd));
    const add = next.length === 1 && next[0].op === 'Add' ? next[0] : null;
    const k = add && (add.inputs[0] === out(nd) ? 1 : 0);
    if (add && inits.has(add.inputs[k])) {
      const step = dense(nd, W, false, constant(add, k), out(add));
      step.nodes = [nd, add];
      return step;
    }
    return dense(nd, W, false, null, out(nd)); // no bias
  };
  const single = (nd) => {
    let param;
    if (nd.op === 'LeakyRelu') param = attr(nd, 'alpha', ATTR_FLOAT, Math.fround(0.01));
    if (nd.op === 'HardSwish') param = 6; // x·max(0, min(1, x/6 + 1/2)): h-swish of width 6
    if (nd.op === 'Softmax') {
      const axis = attr(nd, 'axis', ATTR_INT, -1); // rows are 2-D: -1 and 1 (older default) agree
      need(nd, 'axis', axis, axis === -1 || axis === 1, 'the last axis, -1 or 1');
    }
    return { kind: 'act', node: nd, act: SINGLE[nd.op], param, end: out(nd) };
  };
  /** x·g(x): v read by a Mul and by the first operator of g, whose last output the Mul reads */
  const gate = (v, users) => {
    const mul = users.find((u) => u.op === 'Mul');
    const first = users.find((u) => u !== mul);
    if (!mul || !first || mul.inputs.length !== 2) return null;
    const seq = [first];
    while (!mul.inputs.includes(out(seq.at(-1)))) {
      const next = readersOf(out(seq.at(-1)));
      if (next.length !== 1 || seq.length === 3) return null;
      seq.push(next[0]);
    }
    if (readersOf(out(seq.at(-1))).length !== 1) return null;
    const ops = seq.map((nd) => nd.op).join(' ');
    const act = GATES[ops];
    if (!act) {
      const g = seq.reduce((e, nd) => `${nd.op}(${e})`, 'x');
      throw new Error(`ONNX nodes ${[...seq, mul].map(desc).join(', ')}: x·${g} is not an activation nnwasm knows ` +
        '(docs/INTEROP.md lists them)');
    }
    let param;
    if (ops === 'HardSigmoid') { // x·max(0, min(1, αx + β)) is h-swish of width n = 1/α when β = 1/2
      const alpha = attr(first, 'alpha', ATTR_FLOAT, 0.2);
      const beta = attr(first, 'beta', ATTR_FLOAT, 0.5);
      need(first, 'beta', beta, beta === 0.5, 'beta 0.5 for h-swish');
      need(first, 'alpha', alpha, alpha > 0, 'alpha > 0 for h-swish');
      param = Math.fround(1 / alpha);
      if (Math.fround(1 / Math.round(param)) === alpha) param = Math.round(param); // 1/6 gives 6
    } else if (ops === 'Add Clip Div') { // x·(Clip(x + n/2, 0, n) / n), as networkToOnnx writes it
      const [add, clip, div] = seq;
      const half = scalar(add, add.inputs[0] === v ? 1 : 0);
      need(clip, 'input 0', quote(clip.inputs[0]), clip.inputs[0] === out(add), `the output of ${desc(add)}`);
      const min = clip.inputs[1] ? scalar(clip, 1) : attr(clip, 'min', ATTR_FLOAT, -Infinity);
      const max = clip.inputs[2] ? scalar(clip, 2) : attr(clip, 'max', ATTR_FLOAT, Infinity);
      need(clip, 'min', min, min === 0, 'min 0 for h-swish');
      need(clip, 'max', max, max > 0 && max < Infinity, 'a finite max n > 0 for h-swish');
      need(add, 'constant', half, half === Math.fround(max / 2), `n/2 = ${Math.fround(max / 2)} for h-swish of width ${max}`);
      need(div, 'input 0', quote(div.inputs[0]), div.inputs[0] === out(clip), `the output of ${desc(clip)}`);
      const by = scalar(div, 1);
      need(div, 'divisor', by, by === max, `n = ${max} for h-swish of width ${max}`);
      param = max;
    }
    return { kind: 'act', node: first, nodes: [...seq, mul], act, param, end: out(mul) };
  };
  const step = (v) => {
    const users = readersOf(v);
    if (users.length === 1) {
      const nd = users[0];
      if (nd.op === 'Gemm') return gemm(nd);
      if (nd.op === 'MatMul') return matmul(nd);
      if (nd.op === 'Identity') return { kind: 'skip', node: nd, end: out(nd) };
      if (SINGLE[nd.op]) return single(nd);
      throw new Error(`ONNX node ${desc(nd)}: ${nd.op} here is not part of a dense layer or an activation nnwasm knows (docs/INTEROP.md)`);
    }
    const g = users.length === 2 ? gate(v, users) : null;
    if (g) return g;
    throw new Error(`ONNX graph branches at ${quote(v)}: ${users.map(desc).join(', ')} all read it; nnwasm reads a single chain of layers`);
  };

  /* ---- the walk from input to output ---- */
  const used = new Set();
  const steps = [];
  for (let v = input; ;) {
    if (!readersOf(v).length) {
      if (v !== output) {
        throw new Error(`ONNX graph: the chain from input ${quote(input)} ends at ${quote(v)}, which is not the graph output ${quote(output)}`);
      }
      break;
    }
    const s = step(v);
    for (const nd of s.nodes ?? [s.node]) {
      if (used.has(nd)) throw new Error(`ONNX node ${desc(nd)} is reached twice: the graph has a cycle`);
      used.add(nd);
    }
    if (s.kind !== 'skip') steps.push(s);
    v = s.end;
  }
  const left = nodes.find((nd) => !used.has(nd));
  if (left) throw new Error(`ONNX node ${desc(left)} is not on the chain from ${quote(input)} to ${quote(output)}`);

  /* ---- the steps as nnwasm layers: dense (activation dense)* [Softmax | Sigmoid] ---- */
  const layers = [];
  const weights = [];
  let hidden = null;
  let outputAct = 'identity';
  const label = (s) => (s.param === undefined ? s.act : `${s.act} (${s.act === 'leaky_relu' ? 'alpha' : 'n'} ${s.param})`);
  steps.forEach((s, i) => {
    const prev = steps[i - 1];
    if (s.kind === 'dense') {
      if (prev?.kind === 'dense') {
        throw new Error(`ONNX node ${desc(s.node)}: a dense layer right after another; nnwasm needs an activation between them`);
      }
      if (prev && s.I !== layers.at(-1)) {
        throw misfit(s.W, s.node, s.transposed ? `[outputs, ${layers.at(-1)}]` : `[${layers.at(-1)}, outputs]`);
      }
      if (!prev) layers.push(s.I);
      layers.push(s.O);
      weights.push(s.w, s.b);
      return;
    }
    if (!prev) {
      throw new Error(`ONNX node ${desc(s.node)}: ${s.act} before the first dense layer; ` +
        'nnwasm starts with a dense layer (Gemm or MatMul + Add)');
    }
    if (prev.kind === 'act') {
      throw new Error(`ONNX node ${desc(s.node)}: a second activation after ${desc(prev.node)}; nnwasm has one per layer`);
    }
    if (i === steps.length - 1) {
      if (s.act !== 'softmax' && s.act !== 'sigmoid') {
        throw new Error(`ONNX node ${desc(s.node)}: ${s.act} on the output; nnwasm's output is Softmax, Sigmoid or nothing`);
      }
      outputAct = s.act;
      return;
    }
    if (s.act === 'softmax') {
      throw new Error(`ONNX node ${desc(s.node)}: Softmax between dense layers; nnwasm only has it on the output`);
    }
    if (hidden && (hidden.act !== s.act || hidden.param !== s.param)) {
      throw new Error(`ONNX node ${desc(s.node)}: activation ${label(s)} differs from ${label(hidden)} ` +
        `of ${desc(hidden.node)}; nnwasm has one hidden activation`);
    }
    hidden = s;
  });
  if (!layers.length) {
    throw new Error(`ONNX graph: no dense layer (Gemm or MatMul + Add) between input ${quote(input)} and output ${quote(output)}`);
  }

  // the declared input, where it says more than a name, must fit the first layer
  const type = inputs[0].vi.message(2, 'type')?.message(1, 'tensor_type');
  if (type) {
    const elem = type.int(1, 'elem_type');
    const dims = type.message(2, 'shape')?.messages(1, 'dim')
      .map((d) => (d.has(1) ? d.int(1, 'dim_value') : d.string(2, 'dim_param') || '?'));
    const fits = !dims || (dims.length === 2 && (typeof dims[1] !== 'number' || dims[1] === layers[0]));
    if (elem !== FLOAT || !fits) {
      const declared = `${typeName(TYPE_NAMES, elem)} ${dims ? dimsText(dims) : '[?]'}`;
      throw new Error(`ONNX graph input ${quote(input)}: ${declared} does not fit the first layer, ` +
        `which takes FLOAT [batch, ${layers[0]}]`);
    }
  }

  const spec = { layers, output: outputAct };
  if (hidden) {
    spec.activation = hidden.act;
    if (hidden.act === 'leaky_relu') spec.leakySlope = hidden.param;
    if (hidden.act === 'hswish') spec.hswishN = hidden.param;
  }
  return { spec, weights };
}

/** the spec stored by networkToOnnx, its known keys only (a newer nnwasm may store more) */
function readMetadata(model) {
  const entry = model.messages(14, 'metadata_props').find((e) => e.string(1, 'key') === META_KEY);
  if (!entry) return {};
  let spec;
  try {
    spec = JSON.parse(entry.string(2, 'value'));
  } catch (e) {
    throw new Error(`ONNX metadata nnwasm.spec is not valid JSON (${e.message})`);
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new Error(`ONNX metadata nnwasm.spec must be a JSON object (a spec), got ${show(spec)}`);
  }
  return Object.fromEntries(Object.entries(spec).filter(([k]) => SPEC_KEYS.includes(k)));
}

/**
 * Read an ONNX model of the shape networkToOnnx writes, or a plain MLP from another exporter.
 * The graph gives layers, weights, the activation and the output; the "nnwasm.spec" metadata,
 * if present, the training settings; `options` the rest of the spec, overriding the metadata
 * but never the graph (a contradiction is a RangeError).
 * @param {Uint8Array|ArrayBuffer} bytes an .onnx file
 * @param {Partial<import('./index').NetworkSpec>} [options]
 * @returns {{spec: import('./index').NetworkSpec, weights: Float32Array[]}}
 */
export function onnxToWeights(bytes, options = {}) {
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`fromOnnx(bytes): bytes must be a Uint8Array or ArrayBuffer, got ${show(bytes)}`);
  }
  if (bytes.length === 0) throw new RangeError('fromOnnx(bytes): bytes is empty');
  checkKeys(options, SPEC_KEYS, 'fromOnnx options');
  const model = new Message(bytes, 'ONNX model');
  const graph = model.message(7, 'graph');
  if (!graph) throw new Error('ONNX model: no graph (field 7); these bytes are not an ONNX model');
  const file = readChain(graph);
  const meta = readMetadata(model);
  const text = (x) => (Array.isArray(x) ? dimsText(x) : show(x));
  const spec = importedSpec(file.spec, options, (key, given, value) => {
    throw new RangeError(`fromOnnx options.${key} ${text(given)} contradicts the file, which has ${text(value)}`);
  }, meta);
  return { spec, weights: file.weights };
}
