// The Network class: create and its spec (defaults, every name, every validation error),
// predict / evaluate against hand-computed values, gradCheck, save / load and their failure
// codes, dispose, getParams / setParams. Expected values come from nnwasm.h, docs/FORMAT.md and
// arithmetic done here, never from the code under test.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Network, NnError, datasets } from '../../src/js/index.node.js';
import { core } from '../../src/js/wasm.js'; // internal: heap usage

const run = promisify(execFile);

const f32 = Math.fround;

/** assert fn() throws an instance of Type whose message matches every pattern */
function throwsWith(fn, Type, ...patterns) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Type, `expected ${Type.name}, got ${e?.name}: ${e?.message}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

/** assert the promise (or async fn) rejects with an instance of Type matching every pattern */
async function rejectsWith(p, Type, ...patterns) {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof Type, `expected ${Type.name}, got ${e?.name}: ${e?.message}`);
    for (const q of patterns) assert.match(e.message, q);
    return true;
  });
}

/** assert an NnError with the given code (and message patterns) */
function nnErr(code, ...patterns) {
  return (e) => {
    assert.ok(e instanceof NnError, `expected NnError ${code}, got ${e?.name}: ${e?.message}`);
    assert.equal(e.code, code, e.message);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  };
}

/** CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320): the checksum of docs/FORMAT.md */
function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xEDB88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/**
 * The net of a format-1 model file (an MLP: n sizes) as the same net written as a layer list,
 * format 2 (docs/FORMAT.md): input (1, 1, sizes[0]), then dense(size, activation) per layer,
 * the last without an activation; the same spec tail, parameter count and parameters.
 */
function asLayerList(bytes) {
  const v1 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = v1.getUint32(12, true);
  const S = 16 + 4 * n;
  const act = v1.getInt32(S, true);
  const m = n - 1;
  const rest = bytes.subarray(S, bytes.length - 4); // spec tail, P, parameters
  const out = new Uint8Array(28 + 40 * m + rest.length + 4);
  const dv = new DataView(out.buffer);
  out.set(bytes.subarray(0, 12));
  dv.setUint32(4, 2, true);
  dv.setUint32(12, m, true);
  dv.setInt32(16, 1, true);
  dv.setInt32(20, 1, true);
  dv.setInt32(24, v1.getInt32(16, true), true);
  for (let l = 0; l < m; l++) {
    dv.setInt32(28 + 40 * l, 0, true); // NN_LAYER_DENSE
    dv.setInt32(28 + 40 * l + 4, v1.getInt32(16 + 4 * (l + 1), true), true); // units
    dv.setInt32(28 + 40 * l + 28, l < m - 1 ? act : 0, true); // activation
  }
  out.set(rest, 28 + 40 * m);
  dv.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

/** a copy of a model file with another activation index (at S + 0 = 16 + 4n), resealed */
function withActivation(bytes, index) {
  const b = bytes.slice();
  const dv = new DataView(b.buffer);
  dv.setInt32(16 + 4 * dv.getUint32(12, true), index, true);
  dv.setUint32(b.length - 4, crc32(b.subarray(0, b.length - 4)), true);
  return b;
}

const paramCountOf = (layers) => layers.slice(1).reduce((s, out, i) => s + (layers[i] + 1) * out, 0);

function sampleStats(values) {
  const n = values.length;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let v2 = 0;
  for (const v of values) v2 += (v - mean) ** 2;
  return { mean, std: Math.sqrt(v2 / n) };
}

/* ---- create and spec ---------------------------------------------------------------------- */

describe('create', () => {
  test('fills every documented default into net.spec', async () => {
    const net = await Network.create({ layers: [3, 5, 2] });
    assert.deepEqual(net.spec, {
      layers: [3, 5, 2],
      activation: 'relu',
      output: 'softmax',
      loss: 'cross_entropy',
      optimizer: {
        type: 'sgd', lr: f32(0.01), momentum: f32(0.9), rho: f32(0.99), beta1: f32(0.9),
        beta2: f32(0.999), eps: f32(1e-7),
      },
      init: 'he',
      seed: 42,
      leakySlope: f32(0.01),
      hswishN: 6,
      weightDecay: 0,
      clipNorm: 0,
      dropout: 0,
      flood: 0,
      schedule: { type: 'constant', stepSize: 0, gamma: 0.5, minLr: 0 },
    });
    net.dispose();
  });

  test('paramCount is Σ(in + 1)·out; inputs and outputs are the end sizes', async () => {
    for (const layers of [[2, 2], [3, 5, 2], [4, 7, 6, 1], [10, 1, 10]]) {
      const net = await Network.create({ layers, output: layers.at(-1) === 1 ? 'sigmoid' : 'softmax' });
      const expected = paramCountOf(layers);
      assert.equal(net.paramCount, expected, `layers ${layers}`);
      assert.equal(net.getParams().length, expected);
      assert.equal(net.inputs, layers[0]);
      assert.equal(net.outputs, layers.at(-1));
      net.dispose();
    }
    assert.equal(paramCountOf([3, 5, 2]), 4 * 5 + 6 * 2); // the formula itself, by hand
  });

  test('net.spec is a copy', async () => {
    const net = await Network.create({ layers: [2, 4, 2] });
    const s = net.spec;
    s.layers[0] = 99;
    s.optimizer.lr = 5;
    s.activation = 'tanh';
    assert.deepEqual(net.spec.layers, [2, 4, 2]);
    assert.equal(net.spec.optimizer.lr, f32(0.01));
    assert.equal(net.spec.activation, 'relu');
    net.dispose();
  });

  test('every activation name is accepted and reflected back', async () => {
    for (const activation of ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'swish', 'mish', 'hswish', 'tanhexp']) {
      const net = await Network.create({ layers: [2, 3, 2], activation });
      assert.equal(net.spec.activation, activation);
      net.dispose();
    }
  });

  test('every output and loss name is accepted and reflected back', async () => {
    const combos = [
      ['softmax', 'cross_entropy', 2], ['softmax', 'mse', 3], ['sigmoid', 'cross_entropy', 1],
      ['sigmoid', 'cross_entropy', 3], ['sigmoid', 'mse', 2], ['identity', 'mse', 1],
      ['identity', 'mse', 4],
    ];
    for (const [output, loss, outs] of combos) {
      const net = await Network.create({ layers: [2, outs], output, loss });
      assert.equal(net.spec.output, output);
      assert.equal(net.spec.loss, loss);
      net.dispose();
    }
  });

  test('every optimizer name, as an object or a string, with its hyper-parameters', async () => {
    for (const type of ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam']) {
      const short = await Network.create({ layers: [2, 2], optimizer: type });
      assert.equal(short.spec.optimizer.type, type);
      assert.equal(short.spec.optimizer.lr, f32(0.01)); // the shorthand keeps the defaults
      short.dispose();
      const net = await Network.create({
        layers: [2, 2],
        optimizer: { type, lr: 0.3, momentum: 0.5, rho: 0.8, beta1: 0.7, beta2: 0.95, eps: 1e-5 },
      });
      assert.deepEqual(net.spec.optimizer, {
        type, lr: f32(0.3), momentum: 0.5, rho: f32(0.8), beta1: f32(0.7), beta2: f32(0.95), eps: f32(1e-5),
      });
      net.dispose();
    }
  });

  test('every init, and {gaussian: std}, reflected back and drawn with the documented std', async () => {
    const fanIn = 200;
    const cases = [
      ['he', 'he', Math.sqrt(2 / fanIn)],
      ['xavier', 'xavier', Math.sqrt(1 / fanIn)],
      [{ gaussian: 0.05 }, { gaussian: f32(0.05) }, 0.05],
      ['gaussian', { gaussian: f32(0.01) }, 0.01], // the name alone uses the default std 0.01
    ];
    for (const [init, reflected, std] of cases) {
      const net = await Network.create({ layers: [fanIn, 100], output: 'identity', loss: 'mse', init });
      assert.deepEqual(net.spec.init, reflected);
      const p = net.getParams();
      const W = p.subarray(0, fanIn * 100);
      const b = p.subarray(fanIn * 100);
      assert.ok(b.every((v) => v === 0), 'biases start at zero');
      const s = sampleStats(W);
      // 20,000 draws: the sample std is within ~0.5% of σ, the mean within ~σ/141
      assert.ok(Math.abs(s.std / std - 1) < 0.05, `${JSON.stringify(init)}: std ${s.std} vs ${std}`);
      assert.ok(Math.abs(s.mean) < 0.05 * std, `${JSON.stringify(init)}: mean ${s.mean}`);
      net.dispose();
    }
  });

  test('every schedule name is accepted and reflected back', async () => {
    const cases = [
      { type: 'constant' },
      { type: 'step', stepSize: 3, gamma: 0.25 },
      { type: 'exponential', stepSize: 10, gamma: 0.9 },
      { type: 'cosine', stepSize: 100, minLr: 0.001 },
    ];
    for (const schedule of cases) {
      const net = await Network.create({ layers: [2, 2], optimizer: { lr: 0.1 }, schedule });
      const expect = { type: schedule.type, stepSize: schedule.stepSize ?? 0,
        gamma: f32(schedule.gamma ?? 0.5), minLr: f32(schedule.minLr ?? 0) };
      assert.deepEqual(net.spec.schedule, expect);
      net.dispose();
    }
  });

  test('the scalar options are reflected back as f32', async () => {
    const net = await Network.create({
      layers: [2, 3, 2], activation: 'leaky_relu', seed: 7, leakySlope: 0.2, hswishN: 3.5,
      weightDecay: 1e-4, clipNorm: 2.5, dropout: 0.3, flood: 0.05,
    });
    const s = net.spec;
    assert.equal(s.seed, 7);
    assert.equal(s.leakySlope, f32(0.2));
    assert.equal(s.hswishN, 3.5);
    assert.equal(s.weightDecay, f32(1e-4));
    assert.equal(s.clipNorm, 2.5);
    assert.equal(s.dropout, f32(0.3));
    assert.equal(s.flood, f32(0.05));
    net.dispose();
    // the extreme legal values
    const edge = await Network.create({ layers: [1, 65536], seed: 2 ** 32 - 1, leakySlope: -1, dropout: 0 });
    assert.equal(edge.spec.seed, 2 ** 32 - 1);
    assert.equal(edge.spec.leakySlope, -1);
    assert.equal(edge.paramCount, 2 * 65536);
    edge.dispose();
    const deep = await Network.create({ layers: Array(16).fill(2) });
    assert.equal(deep.paramCount, 15 * 3 * 2);
    deep.dispose();
  });

  test('same seed gives identical parameters, another seed different ones', async () => {
    const spec = { layers: [4, 8, 3], seed: 1234 };
    const a = await Network.create(spec);
    const b = await Network.create(spec);
    const c = await Network.create({ ...spec, seed: 1235 });
    assert.deepEqual(a.getParams(), b.getParams());
    assert.notDeepEqual(a.getParams(), c.getParams());
    // weights differ at nearly every position, not in one place
    const pa = a.getParams();
    const pc = c.getParams();
    let differ = 0;
    for (let i = 0; i < 4 * 8; i++) if (pa[i] !== pc[i]) differ++;
    assert.ok(differ > 28, `${differ} of 32 first-layer weights differ`);
    for (const n of [a, b, c]) n.dispose();
  });
});

/* ---- create errors ------------------------------------------------------------------------- */

describe('create errors', () => {
  const make = (spec) => Network.create(spec);
  const base = { layers: [2, 3] };

  test('layers missing, not an array, too few, too many', async () => {
    await rejectsWith(make({}), TypeError, /spec\.layers/, /undefined/);
    await rejectsWith(make({ layers: '2,3' }), TypeError, /spec\.layers/, /"2,3"/);
    await rejectsWith(make({ layers: new Int32Array([2, 3]) }), TypeError, /spec\.layers/, /Int32Array/);
    await rejectsWith(make({ layers: [2] }), RangeError, /spec\.layers/, /2 to 16/, /got 1/);
    await rejectsWith(make({ layers: [] }), RangeError, /spec\.layers/, /got 0/);
    await rejectsWith(make({ layers: Array(17).fill(2) }), RangeError, /spec\.layers/, /got 17/);
    await rejectsWith(make(undefined), TypeError, /spec/);
    await rejectsWith(make(null), TypeError, /spec/);
    await rejectsWith(make([2, 3]), TypeError, /spec/);
  });

  test('layer sizes: 0, fractional, negative, NaN, 65537, a string', async () => {
    await rejectsWith(make({ layers: [2, 0] }), RangeError, /spec\.layers\[1\]/, /got 0/);
    await rejectsWith(make({ layers: [2.5, 3] }), RangeError, /spec\.layers\[0\]/, /2\.5/);
    await rejectsWith(make({ layers: [2, -3, 2] }), RangeError, /spec\.layers\[1\]/, /-3/);
    await rejectsWith(make({ layers: [2, NaN] }), RangeError, /spec\.layers\[1\]/, /NaN/);
    await rejectsWith(make({ layers: [65537, 2] }), RangeError, /spec\.layers\[0\]/, /65537/, /65536/);
    await rejectsWith(make({ layers: [2, '3'] }), TypeError, /spec\.layers\[1\]/, /"3"/);
  });

  test('unknown keys are rejected with a hint', async () => {
    await rejectsWith(make({ ...base, activaton: 'relu' }), TypeError, /"activaton"/, /did you mean "activation"/);
    await rejectsWith(make({ ...base, optimizer: { type: 'sgd', learningRate: 0.1 } }), TypeError,
      /"learningRate"/, /spec\.optimizer/, /\blr\b/);
    await rejectsWith(make({ ...base, optimizer: { tpye: 'adam' } }), TypeError, /did you mean "type"/);
    await rejectsWith(make({ ...base, schedule: { type: 'step', stepsize: 2 } }), TypeError,
      /spec\.schedule/, /did you mean "stepSize"/);
    await rejectsWith(make({ ...base, init: { gausian: 0.1 } }), TypeError, /spec\.init/, /did you mean "gaussian"/);
  });

  test('unknown enum names are RangeErrors with a hint; non-strings TypeErrors', async () => {
    await rejectsWith(make({ ...base, activation: 'rellu' }), RangeError, /spec\.activation/, /"rellu"/, /did you mean "relu"/);
    await rejectsWith(make({ ...base, output: 'softmx' }), RangeError, /spec\.output/, /did you mean "softmax"/);
    await rejectsWith(make({ ...base, loss: 'mse2' }), RangeError, /spec\.loss/, /did you mean "mse"/);
    await rejectsWith(make({ ...base, optimizer: 'adamw' }), RangeError, /spec\.optimizer\.type/, /did you mean "adam"/);
    await rejectsWith(make({ ...base, init: 'xavir' }), RangeError, /spec\.init/, /did you mean "xavier"/);
    await rejectsWith(make({ ...base, schedule: { type: 'cosin', stepSize: 5 } }), RangeError,
      /spec\.schedule\.type/, /did you mean "cosine"/);
    await rejectsWith(make({ ...base, activation: 2 }), TypeError, /spec\.activation/);
    await rejectsWith(make({ ...base, optimizer: 5 }), TypeError, /spec\.optimizer/);
  });

  test('learning rate 0, -1, NaN, Infinity, "0.1"', async () => {
    for (const [lr, Type, shown] of [[0, RangeError, /got 0/], [-1, RangeError, /got -1/],
      [NaN, RangeError, /NaN/], [Infinity, RangeError, /Infinity/], ['0.1', TypeError, /"0\.1"/]]) {
      await rejectsWith(make({ ...base, optimizer: { type: 'sgd', lr } }), Type, /spec\.optimizer\.lr/, shown);
    }
  });

  test('hyper-parameters out of range', async () => {
    await rejectsWith(make({ ...base, optimizer: { type: 'momentum', momentum: 1 } }), RangeError,
      /spec\.optimizer\.momentum/, /got 1\b/);
    await rejectsWith(make({ ...base, optimizer: { type: 'adam', beta2: -0.1 } }), RangeError, /spec\.optimizer\.beta2/);
    await rejectsWith(make({ ...base, optimizer: { type: 'adam', eps: 0 } }), RangeError, /spec\.optimizer\.eps/);
    await rejectsWith(make({ ...base, dropout: 1 }), RangeError, /spec\.dropout/, /got 1\b/);
    await rejectsWith(make({ ...base, dropout: -0.1 }), RangeError, /spec\.dropout/);
    await rejectsWith(make({ ...base, leakySlope: 1.5 }), RangeError, /spec\.leakySlope/, /1\.5/);
    await rejectsWith(make({ ...base, hswishN: 0 }), RangeError, /spec\.hswishN/);
    await rejectsWith(make({ ...base, weightDecay: -1 }), RangeError, /spec\.weightDecay/);
    await rejectsWith(make({ ...base, clipNorm: NaN }), RangeError, /spec\.clipNorm/);
    await rejectsWith(make({ ...base, flood: '0' }), TypeError, /spec\.flood/);
    await rejectsWith(make({ ...base, init: { gaussian: 0 } }), RangeError, /spec\.init\.gaussian/);
  });

  test('seed -1, 2**32, 1.5', async () => {
    await rejectsWith(make({ ...base, seed: -1 }), RangeError, /spec\.seed/, /-1/);
    await rejectsWith(make({ ...base, seed: 2 ** 32 }), RangeError, /spec\.seed/, /4294967296/);
    await rejectsWith(make({ ...base, seed: 1.5 }), RangeError, /spec\.seed/, /1\.5/);
    await rejectsWith(make({ ...base, seed: '1' }), TypeError, /spec\.seed/);
  });

  test('softmax with 1 output, cross_entropy with identity', async () => {
    await rejectsWith(make({ layers: [2, 1] }), RangeError, /softmax/, /2 outputs/);
    await rejectsWith(make({ layers: [2, 3], output: 'identity' }), RangeError, /cross_entropy/, /identity/);
  });

  test('schedules: stepSize required, gamma and minLr in range', async () => {
    await rejectsWith(make({ ...base, schedule: { type: 'step' } }), RangeError, /spec\.schedule\.stepSize/, /'step'/);
    await rejectsWith(make({ ...base, schedule: { type: 'cosine' } }), RangeError, /spec\.schedule\.stepSize/);
    await rejectsWith(make({ ...base, schedule: { type: 'step', stepSize: 0 } }), RangeError, /spec\.schedule\.stepSize/);
    await rejectsWith(make({ ...base, schedule: { type: 'step', stepSize: 2, gamma: 0 } }), RangeError, /spec\.schedule\.gamma/);
    await rejectsWith(make({ ...base, schedule: { type: 'step', stepSize: 2, gamma: 1.5 } }), RangeError, /spec\.schedule\.gamma/);
    await rejectsWith(make({ ...base, optimizer: { lr: 0.1 }, schedule: { type: 'cosine', stepSize: 2, minLr: 0.2 } }),
      RangeError, /spec\.schedule\.minLr/);
    await rejectsWith(make({ ...base, schedule: 'step' }), TypeError, /spec\.schedule/);
  });
});

/* ---- check ------------------------------------------------------------------------------------ */

describe('Network.check', () => {
  test('paramCount, inputs and outputs of a spec, worked out by hand; no network is made', async () => {
    const net = await Network.create({ layers: [784, 100, 50, 10] });
    assert.equal(net.paramCount, 84060);
    net.dispose();
    const c = await core();
    const before = c.heapUsed();
    // (784 + 1)·100 + (100 + 1)·50 + (50 + 1)·10 = 78500 + 5050 + 510
    assert.deepEqual(Network.check({ layers: [784, 100, 50, 10] }), { paramCount: 84060, inputs: 784, outputs: 10 });
    // (784 + 1)·100 + (100 + 1)·100 + (100 + 1)·10 = 78500 + 10100 + 1010
    assert.deepEqual(Network.check({ layers: [784, 100, 100, 10], activation: 'tanh', optimizer: 'adam' }),
      { paramCount: 89610, inputs: 784, outputs: 10 });
    assert.deepEqual(Network.check({ layers: [2, 1], output: 'sigmoid' }), { paramCount: 3, inputs: 2, outputs: 1 });
    assert.equal(c.heapUsed(), before, 'nothing left behind');
  });

  test('refuses what create refuses, with the same class, message and code', async () => {
    const c = await core();
    const before = c.heapUsed();
    const bad = [
      { layers: Array(20).fill(4) },                   // RangeError: too many layers
      { layers: [784, 0, 10] },                        // RangeError: a layer of 0
      { layers: [784, 70000, 10] },                    // RangeError: over 65536 units
      { layers: [784, 65536, 65536, 10] },             // NnError: 4347133962 parameters
      { layers: [2, 3], optimizer: { momentum: 0.99999999 } }, // NnError: 1 in float32
      { layers: [2, 1] },                              // RangeError: softmax of one output
      { layers: [2, 3], activaton: 'relu' },           // TypeError: unknown key
      { layers: '2,3' },                               // TypeError
    ];
    const expected = [RangeError, RangeError, RangeError, NnError, NnError, RangeError, TypeError, TypeError];
    for (const [i, spec] of bad.entries()) {
      let created;
      await assert.rejects(Network.create(spec), (e) => { created = e; return true; });
      assert.ok(created instanceof expected[i], `create(${JSON.stringify(spec)}) gave ${created.name}`);
      assert.throws(() => Network.check(spec), (e) => {
        assert.equal(e.constructor, created.constructor, JSON.stringify(spec));
        assert.equal(e.message, created.message);
        assert.equal(e.code, created.code);
        return true;
      });
    }
    assert.throws(() => Network.check({ layers: [784, 65536, 65536, 10] }),
      nnErr('NN_ERR_ARG', /^4347133962 parameters are too many \(at most 268435456\)$/));
    assert.equal(c.heapUsed(), before);
  });

  test('before the module is loaded it throws an Error saying to await init()', async () => {
    const entry = new URL('../../src/js/index.node.js', import.meta.url).href;
    const code = `import { Network, init } from ${JSON.stringify(entry)};
      try { Network.check({ layers: [2, 3] }); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }
      await init();
      console.log(JSON.stringify(Network.check({ layers: [2, 3] })));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code]);
    assert.equal(stdout, 'Error: Network.check(spec) needs the module loaded: await init() first\n' +
      '{"paramCount":9,"inputs":2,"outputs":3}\n');
  });
});

/* ---- predict ---------------------------------------------------------------------------------- */

describe('predict', () => {
  /** [2,2] identity + mse with W = [[1, 2], [3, 4]] (inputs × outputs) and b = [0.5, -1] */
  async function linear() {
    const net = await Network.create({ layers: [2, 2], output: 'identity', loss: 'mse' });
    net.setParams(new Float32Array([1, 2, 3, 4, 0.5, -1]));
    return net;
  }

  test('a linear layer computes x·W + b by hand', async () => {
    const net = await linear();
    assert.deepEqual(net.predict(new Float32Array([1, 2])), new Float32Array([7.5, 9]));
    // several rows: [0, 0] → b; [1, 0] → W row 0 + b; [-1, 0.5] → [-1 + 1.5 + 0.5, -2 + 2 - 1]
    assert.deepEqual(net.predict(new Float32Array([0, 0, 1, 0, -1, 0.5])),
      new Float32Array([0.5, -1, 1.5, 1, 1, -1]));
    net.dispose();
  });

  test('a hidden layer with relu / leaky_relu / tanh and a sigmoid or softmax output', async () => {
    // layers [2, 2, 1]: W1 = [[1, -1], [2, 1]], b1 = [0, -0.5]; W2 = [[1], [-2]], b2 = [0.25]
    const params = new Float32Array([1, -1, 2, 1, 0, -0.5, 1, -2, 0.25]);
    const x = [0.5, -1];
    const z1 = [x[0] * 1 + x[1] * 2 + 0, x[0] * -1 + x[1] * 1 - 0.5]; // [-1.5, -2]
    const sig = (v) => 1 / (1 + Math.exp(-v));
    const acts = {
      relu: (v) => Math.max(v, 0),
      leaky_relu: (v) => (v > 0 ? v : 0.1 * v),
      tanh: Math.tanh,
      sigmoid: sig,
    };
    for (const [activation, g] of Object.entries(acts)) {
      const net = await Network.create({ layers: [2, 2, 1], activation, output: 'sigmoid', leakySlope: 0.1 });
      net.setParams(params);
      const h = z1.map(g);
      const expected = sig(h[0] * 1 + h[1] * -2 + 0.25);
      const [y] = net.predict(new Float32Array(x));
      assert.ok(Math.abs(y - expected) < 1e-6, `${activation}: ${y} vs ${expected}`);
      net.dispose();
    }
    // softmax output over [2, 3] with W = 0 and b = [0, ln 2, ln 3] → [1/6, 2/6, 3/6] for any x
    const sm = await Network.create({ layers: [2, 3] });
    sm.setParams(new Float32Array([0, 0, 0, 0, 0, 0, 0, Math.log(2), Math.log(3)]));
    const p = sm.predict(new Float32Array([5, -7, 0.1, 0.2]));
    const want = [1 / 6, 2 / 6, 3 / 6, 1 / 6, 2 / 6, 3 / 6];
    want.forEach((w, i) => assert.ok(Math.abs(p[i] - w) < 1e-6, `softmax ${i}: ${p[i]} vs ${w}`));
    sm.dispose();
  });

  test('returns a copy: its own buffer, unaffected by later calls', async () => {
    const net = await linear();
    const a = net.predict(new Float32Array([1, 2]));
    assert.ok(a instanceof Float32Array);
    assert.equal(a.buffer.byteLength, a.length * 4, 'not a view on wasm memory');
    assert.equal(a.byteOffset, 0);
    a[0] = 1000;
    const b = net.predict(new Float32Array([1, 2]));
    assert.deepEqual(b, new Float32Array([7.5, 9]));
    net.predict(new Float32Array([5, 5]));
    assert.equal(b[0], 7.5, 'an earlier result is not overwritten by a later predict');
    net.dispose();
  });

  test('does not modify its input and reads a subarray from its offset', async () => {
    const net = await linear();
    const big = new Float32Array([9, 9, 9, 1, 2, 9]);
    const copy = big.slice();
    assert.deepEqual(net.predict(big.subarray(3, 5)), new Float32Array([7.5, 9]));
    assert.deepEqual(big, copy);
    net.dispose();
  });

  test('wrong types are TypeErrors, wrong lengths RangeErrors, the net still works', async () => {
    const net = await linear();
    const ok = () => assert.deepEqual(net.predict(new Float32Array([1, 2])), new Float32Array([7.5, 9]));
    for (const bad of [[1, 2], new Float64Array([1, 2]), new Uint8Array([1, 2]), null, undefined, 'ab']) {
      throwsWith(() => net.predict(bad), TypeError, /predict\(x\): x/, /Float32Array/);
      ok();
    }
    throwsWith(() => net.predict(new Float32Array(3)), RangeError, /predict\(x\): x/, /\b3\b/, /\b2 inputs/);
    ok();
    throwsWith(() => net.predict(new Float32Array(0)), RangeError, /predict\(x\): x/, /\b0\b/);
    ok();
    net.dispose();
  });

  test('a non-finite input is an NnError NN_ERR_ARG naming its row and column', async () => {
    const net = await linear();
    assert.throws(() => net.predict(new Float32Array([1, 2, 3, NaN])), nnErr('NN_ERR_ARG', /row 1/, /column 1/));
    assert.deepEqual(net.predict(new Float32Array([1, 2])), new Float32Array([7.5, 9]));
    assert.throws(() => net.predict(new Float32Array([Infinity, 0])), nnErr('NN_ERR_ARG', /row 0/, /column 0/));
    assert.deepEqual(net.predict(new Float32Array([1, 2])), new Float32Array([7.5, 9]));
    net.dispose();
  });

  test('many rows at once equal the rows one at a time', async () => {
    const net = await Network.create({ layers: [3, 16, 4], activation: 'tanh', seed: 3 });
    const rows = 1000;
    const x = new Float32Array(rows * 3).map((_, i) => Math.sin(i * 0.37));
    const all = net.predict(x);
    assert.equal(all.length, rows * 4);
    for (const r of [0, 1, 511, 999]) {
      assert.deepEqual(all.subarray(r * 4, r * 4 + 4), net.predict(x.subarray(r * 3, r * 3 + 3)));
    }
    net.dispose();
  });
});

/* ---- evaluate ------------------------------------------------------------------------------ */

describe('evaluate', () => {
  // [2, 3] softmax + cross-entropy with these parameters
  const W = [[0.5, -1, 2], [1.5, 0.25, -0.5]];
  const b = [0.1, -0.2, 0.3];
  const X = [[1, 2], [-1, 0.5], [0.25, -2], [0, 0]];
  const labels = [1, 0, 2, 2];

  /** loss and accuracy worked out here in double from the f32 parameters */
  function expected() {
    let loss = 0;
    let right = 0;
    X.forEach((x, r) => {
      const z = [0, 1, 2].map((j) => f32(x[0]) * f32(W[0][j]) + f32(x[1]) * f32(W[1][j]) + f32(b[j]));
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const sum = e.reduce((s, v) => s + v, 0);
      loss += -Math.log(e[labels[r]] / sum);
      if (z.indexOf(m) === labels[r]) right++;
    });
    return { loss: loss / X.length, accuracy: right / X.length };
  }

  async function softmaxNet() {
    const net = await Network.create({ layers: [2, 3] });
    net.setParams(new Float32Array([...W[0], ...W[1], ...b]));
    return net;
  }

  test('softmax + cross-entropy loss and accuracy by hand', async () => {
    const net = await softmaxNet();
    const want = expected();
    // by hand: z = [3.6, -0.7, 1.3], [0.35, 0.925, -1.95], [-2.775, -0.95, 1.8], [0.1, -0.2, 0.3]
    // → argmax 0, 1, 2, 2 against labels 1, 0, 2, 2: two of four right
    assert.equal(want.accuracy, 0.5);
    const got = net.evaluate(new Float32Array(X.flat()), new Int32Array(labels));
    assert.ok(Math.abs(got.loss - want.loss) < 1e-5 * want.loss, `loss ${got.loss} vs ${want.loss}`);
    assert.equal(got.accuracy, want.accuracy);
    net.dispose();
  });

  test('labels as Int32Array, Uint8Array, Uint16Array and one-hot Float32Array agree', async () => {
    const net = await softmaxNet();
    const x = new Float32Array(X.flat());
    const ref = net.evaluate(x, new Int32Array(labels));
    assert.deepEqual(net.evaluate(x, new Uint8Array(labels)), ref);
    assert.deepEqual(net.evaluate(x, new Uint16Array(labels)), ref);
    const onehot = new Float32Array(labels.length * 3);
    labels.forEach((l, r) => { onehot[r * 3 + l] = 1; });
    const t = net.evaluate(x, onehot);
    assert.ok(Math.abs(t.loss - ref.loss) < 1e-12, `one-hot loss ${t.loss} vs labels ${ref.loss}`);
    assert.equal(t.accuracy, ref.accuracy);
    net.dispose();
  });

  test('mse with targets on an identity output, by hand', async () => {
    const net = await Network.create({ layers: [2, 2], output: 'identity', loss: 'mse' });
    net.setParams(new Float32Array([1, 2, 3, 4, 0.5, -1]));
    // outputs [7.5, 9] and [0.5, -1]; targets [7, 10] and [0.5, 0]
    // ½((0.5)² + 1²) = 0.625 and ½(0 + 1) = 0.5 → mean 0.5625
    const r = net.evaluate(new Float32Array([1, 2, 0, 0]), new Float32Array([7, 10, 0.5, 0]));
    assert.ok(Math.abs(r.loss - 0.5625) < 1e-7, `loss ${r.loss}`);
    // accuracy by argmax of outputs vs argmax of targets: row 0 (1 vs 1) right, row 1 (0 vs 0) right
    assert.equal(r.accuracy, 1);
    net.dispose();
  });

  test('one sigmoid output: binary cross-entropy, right on the same side of 0.5', async () => {
    const net = await Network.create({ layers: [1, 1], output: 'sigmoid' });
    net.setParams(new Float32Array([2, -1])); // z = 2x − 1
    const xs = [0, 1, 2, 0.25];
    const ys = [0, 1, 0, 1];
    let loss = 0;
    let right = 0;
    xs.forEach((x, r) => {
      const p = 1 / (1 + Math.exp(-(2 * x - 1)));
      loss += -(ys[r] ? Math.log(p) : Math.log(1 - p));
      if ((p > 0.5) === (ys[r] === 1)) right++;
    });
    const got = net.evaluate(new Float32Array(xs), new Int32Array(ys));
    assert.ok(Math.abs(got.loss - loss / 4) < 1e-5, `loss ${got.loss} vs ${loss / 4}`);
    assert.equal(got.accuracy, right / 4);
    assert.equal(right, 2);
    net.dispose();
  });

  test('Uint8Array inputs are read as value/255', async () => {
    const net = await Network.create({ layers: [4, 5, 3], activation: 'tanh', seed: 9 });
    const bytes = new Uint8Array([0, 1, 2, 127, 128, 200, 254, 255, 3, 77, 51, 170]);
    const floats = Float32Array.from(bytes, (v) => f32(v / 255));
    const y = new Int32Array([0, 2, 1]);
    assert.deepEqual(net.evaluate(bytes, y), net.evaluate(floats, y));
    net.dispose();
  });

  test('out-of-range labels are NnError NN_ERR_ARG naming the label; the net still works', async () => {
    const net = await softmaxNet();
    const x = new Float32Array(X.flat());
    const want = net.evaluate(x, new Int32Array(labels));
    assert.throws(() => net.evaluate(x, new Int32Array([0, 1, 3, 0])), nnErr('NN_ERR_ARG', /label 3/, /row 2/));
    assert.throws(() => net.evaluate(x, new Int32Array([0, -1, 1, 0])), nnErr('NN_ERR_ARG', /label -1/));
    assert.throws(() => net.evaluate(x, new Uint8Array([0, 1, 2, 255])), nnErr('NN_ERR_ARG', /label 255/));
    assert.deepEqual(net.evaluate(x, new Int32Array(labels)), want);
    // a single sigmoid output takes labels 0 and 1 only
    const one = await Network.create({ layers: [1, 1], output: 'sigmoid' });
    assert.throws(() => one.evaluate(new Float32Array([1]), new Int32Array([2])), nnErr('NN_ERR_ARG', /label 2/));
    one.dispose();
    net.dispose();
  });

  test('mismatched lengths and wrong kinds', async () => {
    const net = await softmaxNet();
    const x = new Float32Array(X.flat());
    throwsWith(() => net.evaluate(x, new Int32Array(3)), RangeError, /evaluate\(x, y\): y/, /\b3 labels/, /\b4 rows/);
    throwsWith(() => net.evaluate(x, new Float32Array(4)), RangeError, /evaluate\(x, y\): y/, /\b12\b/);
    throwsWith(() => net.evaluate(new Float32Array(7), new Int32Array(3)), RangeError, /evaluate\(x, y\): x/, /\b7\b/);
    throwsWith(() => net.evaluate(x, [1, 0, 2, 2]), TypeError, /evaluate\(x, y\): y/);
    throwsWith(() => net.evaluate(x, new Float64Array(4)), TypeError, /evaluate\(x, y\): y/);
    throwsWith(() => net.evaluate([1, 2], new Int32Array(1)), TypeError, /evaluate\(x, y\): x/);
    assert.throws(() => net.evaluate(x, new Float32Array(12).fill(NaN)), nnErr('NN_ERR_ARG', /target/));
    assert.ok(Number.isFinite(net.evaluate(x, new Int32Array(labels)).loss));
    net.dispose();
  });
});

/* ---- gradCheck ------------------------------------------------------------------------------ */

describe('gradCheck', () => {
  test('backprop matches central differences for several nets; params restored', async () => {
    const { x, y } = await datasets.spiral({ pointsPerClass: 3, classes: 3, seed: 5 });
    const specs = [
      { layers: [2, 6, 3], activation: 'tanh' },
      { layers: [2, 5, 4, 3], activation: 'sigmoid', init: 'xavier' },
      { layers: [2, 6, 3], activation: 'mish', weightDecay: 0.1 },
      { layers: [2, 6, 3], activation: 'swish', output: 'sigmoid', loss: 'mse', weightDecay: 0.01 },
    ];
    for (const spec of specs) {
      const net = await Network.create({ ...spec, seed: 11 });
      const before = net.getParams();
      const worst = net.gradCheck(x, y);
      assert.ok(Number.isFinite(worst) && worst >= 0, `${spec.activation}: ${worst}`);
      assert.ok(worst < 2e-2, `${spec.activation}: worst relative error ${worst}`);
      assert.deepEqual(net.getParams(), before, 'parameters restored exactly');
      assert.ok(net.gradCheck(x, y, { h: 5e-3 }) < 2e-2);
      net.dispose();
    }
  });

  test('options: h validated, unknown option rejected', async () => {
    const net = await Network.create({ layers: [2, 3], activation: 'tanh' });
    const x = new Float32Array([0.1, 0.2]);
    const y = new Int32Array([1]);
    throwsWith(() => net.gradCheck(x, y, { h: 0 }), RangeError, /gradCheck options\.h/, /got 0/);
    throwsWith(() => net.gradCheck(x, y, { h: -1 }), RangeError, /gradCheck options\.h/);
    throwsWith(() => net.gradCheck(x, y, { h: NaN }), RangeError, /gradCheck options\.h/);
    throwsWith(() => net.gradCheck(x, y, { h: '0.01' }), TypeError, /gradCheck options\.h/);
    throwsWith(() => net.gradCheck(x, y, { step: 0.01 }), TypeError, /"step"/, /gradCheck options/);
    throwsWith(() => net.gradCheck(x, y, 0.01), TypeError, /gradCheck options/);
    throwsWith(() => net.gradCheck(x, new Int32Array(2)), RangeError, /gradCheck\(x, y\): y/);
    assert.ok(net.gradCheck(x, y) < 2e-2);
    net.dispose();
  });
});

/* ---- save and load ----------------------------------------------------------------------- */

describe('save and load', () => {
  async function trained() {
    const net = await Network.create({
      layers: [2, 3, 2], activation: 'tanh', optimizer: { type: 'adam', lr: 0.05 }, seed: 3,
      init: { gaussian: 0.3 }, dropout: 0.1, weightDecay: 1e-3, schedule: { type: 'cosine', stepSize: 50, minLr: 0.001 },
    });
    const { x, y } = await datasets.spiral({ pointsPerClass: 10, classes: 2, seed: 2 });
    await net.fit(x, y, { epochs: 2, batchSize: 8 });
    return { net, x };
  }

  test('round trip is bit-identical: params, spec, predictions, bytes', async () => {
    const { net, x } = await trained();
    const bytes = net.save();
    // size per docs/FORMAT.md: model = 120 + 4n + 4P; layers 2-3-2 → P = 17, 200 bytes
    assert.equal(bytes.length, 200);
    assert.deepEqual([...bytes.subarray(0, 16)], [0x4e, 0x4e, 0x57, 0x4d, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0]);
    const copy = await Network.load(bytes);
    assert.deepEqual(copy.getParams(), net.getParams());
    assert.deepEqual(copy.spec, net.spec);
    assert.deepEqual(copy.predict(x), net.predict(x));
    assert.deepEqual(copy.save(), bytes);
    assert.deepEqual(net.save(), bytes, 'saving twice gives the same bytes');
    // the checkpoint too (adam: k = 2 → 200 + 132 + 8·17 = 468 bytes)
    const ck = net.checkpoint();
    assert.equal(ck.length, 468);
    assert.equal(ck[8], 1, 'kind 1');
    const fromCk = await Network.load(ck);
    assert.deepEqual(fromCk.getParams(), net.getParams());
    assert.deepEqual(fromCk.checkpoint(), ck);
    assert.deepEqual(fromCk.save(), bytes);
    for (const n of [net, copy, fromCk]) n.dispose();
  });

  test('accepts an ArrayBuffer, a subarray at an offset and a Buffer', async () => {
    const { net } = await trained();
    const bytes = net.save();
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    const a = await Network.load(ab);
    assert.deepEqual(a.getParams(), net.getParams());
    const padded = new Uint8Array(bytes.length + 13);
    padded.set(bytes, 7);
    const b = await Network.load(padded.subarray(7, 7 + bytes.length));
    assert.deepEqual(b.getParams(), net.getParams());
    const c = await Network.load(Buffer.from(bytes));
    assert.deepEqual(c.getParams(), net.getParams());
    for (const n of [net, a, b, c]) n.dispose();
  });

  test('every proper prefix is NN_ERR_TRUNCATED (model and checkpoint)', async () => {
    const net = await Network.create({ layers: [2, 3, 2], optimizer: 'momentum' });
    for (const bytes of [net.save(), net.checkpoint()]) {
      for (let n = 1; n < bytes.length; n++) {
        await assert.rejects(Network.load(bytes.slice(0, n)), nnErr('NN_ERR_TRUNCATED'), `prefix ${n}`);
      }
    }
    net.dispose();
  });

  test('a flipped bit: NN_ERR_CHECKSUM in parameters, spec or checksum; never accepted anywhere', async () => {
    const net = await Network.create({ layers: [2, 3, 2], seed: 8 });
    const bytes = net.save();
    const flip = (at, bit) => { const b = bytes.slice(); b[at] ^= 1 << bit; return b; };
    const seedAt = 16 + 4 * 3 + 44; // S + 44
    for (const at of [seedAt, 128, 128 + 33, bytes.length - 5, bytes.length - 1]) {
      await assert.rejects(Network.load(flip(at, 0)), nnErr('NN_ERR_CHECKSUM'), `byte ${at}`);
    }
    for (let at = 0; at < bytes.length; at++) {
      for (let bit = 0; bit < 8; bit++) {
        await assert.rejects(Network.load(flip(at, bit)), (e) => e instanceof NnError, `byte ${at} bit ${bit}`);
      }
    }
    net.dispose();
  });

  test('wrong magic, newer version, unknown kind, trailing bytes', async () => {
    const net = await Network.create({ layers: [2, 3, 2] });
    const bytes = net.save();
    const magic = bytes.slice();
    magic[0] = 0x50;
    await assert.rejects(Network.load(magic), nnErr('NN_ERR_MAGIC'));
    const newer = bytes.slice();
    newer[4] = 3; // the checksum is not recomputed: the version is checked first
    await assert.rejects(Network.load(newer), nnErr('NN_ERR_VERSION', /newer/));
    const zero = bytes.slice();
    zero[4] = 0;
    await assert.rejects(Network.load(zero), nnErr('NN_ERR_VERSION'));
    const kind = bytes.slice();
    kind[8] = 7;
    await assert.rejects(Network.load(kind), nnErr('NN_ERR_FORMAT', /kind/));
    const long = new Uint8Array(bytes.length + 1);
    long.set(bytes);
    await assert.rejects(Network.load(long), nnErr('NN_ERR_FORMAT'));
    net.dispose();
  });

  test('a model with an activation only the core has (elu ... softplus) is an Error naming it; nothing leaks', async () => {
    // nn_activation 8..12 (nnwasm.h) are in the core, not yet in the JavaScript API (#14)
    const c = await core();
    const net = await Network.create({ layers: [2, 3, 2], activation: 'tanh', seed: 3 });
    const bytes = net.save();
    net.dispose();
    assert.deepEqual(withActivation(bytes, 1), bytes, 'tanh is 1, and the reseal is the checksum the core writes');
    const heap = c.heapUsed();
    for (const [index, name] of [[8, 'elu'], [9, 'gelu'], [10, 'gelu_tanh'], [11, 'relu6'], [12, 'softplus']]) {
      const file = withActivation(bytes, index);
      for (let k = 0; k < 20; k++) {
        await assert.rejects(Network.load(file), (e) => {
          // a plain Error: the core read the file, JavaScript cannot describe its net
          assert.ok(e instanceof Error && !(e instanceof NnError), `${e?.name}: ${e?.message}`);
          assert.equal(e.message, `this model uses activation ${index} (${name}), which the JavaScript API does not offer yet`);
          return true;
        });
      }
    }
    assert.equal(c.heapUsed(), heap, 'every net the core made was freed');
    // one past the core's activations is the core's own NN_ERR_FORMAT
    await assert.rejects(Network.load(withActivation(bytes, 13)), nnErr('NN_ERR_FORMAT', /activation 13 is unknown/));
    const again = await Network.load(bytes);
    assert.equal(again.spec.activation, 'tanh');
    again.dispose();
  });

  test('a layer-list model (format 2) is an Error saying the JavaScript API does not load it yet; nothing leaks', async () => {
    // the core reads format 2 (issue #13); the JavaScript API learns layer lists in issue #14
    const c = await core();
    const net = await Network.create({ layers: [2, 3, 2], activation: 'tanh', seed: 3 });
    const file = asLayerList(net.save());
    net.dispose();
    assert.equal(file.length, 280, 'docs/FORMAT.md: the 2-3-2 MLP as a layer list is 280 bytes');
    const heap = c.heapUsed();
    for (let k = 0; k < 20; k++) {
      await assert.rejects(Network.load(file), (e) => {
        // a plain Error: the core read the file (a damaged one is its NnError), JavaScript
        // cannot describe the net
        assert.ok(e instanceof Error && !(e instanceof NnError), `${e?.name}: ${e?.message}`);
        assert.equal(e.message, 'this model is a layer-list network (format 2), which the JavaScript API does not load yet');
        return true;
      });
    }
    assert.equal(c.heapUsed(), heap, 'every net the core made was freed');
    const damaged = file.slice();
    damaged[28 + 4] = 0; // the first layer's units: 0, resealed
    new DataView(damaged.buffer).setUint32(damaged.length - 4, crc32(damaged.subarray(0, damaged.length - 4)), true);
    await assert.rejects(Network.load(damaged), nnErr('NN_ERR_FORMAT', /layer 0 \(dense\): units 0 is not allowed/));
  });

  test('empty is a RangeError, non-bytes a TypeError', async () => {
    await rejectsWith(Network.load(new Uint8Array(0)), RangeError, /Network\.load\(bytes\)/, /empty/);
    await rejectsWith(Network.load(new ArrayBuffer(0)), RangeError, /empty/);
    for (const bad of [[0x4e, 0x4e], 'NNWM', null, undefined, new Int8Array(4), new Float32Array(4), {}]) {
      await rejectsWith(Network.load(bad), TypeError, /Network\.load\(bytes\)/, /Uint8Array or ArrayBuffer/);
    }
  });
});

/* ---- getParams / setParams ------------------------------------------------------------------- */

describe('getParams and setParams', () => {
  test('getParams is a copy; setParams round-trips and changes predictions', async () => {
    const net = await Network.create({ layers: [2, 2], output: 'identity', loss: 'mse' });
    const p = net.getParams();
    assert.equal(p.buffer.byteLength, p.length * 4);
    p.fill(0);
    assert.notDeepEqual(net.getParams(), p, 'mutating the copy changes nothing');
    const values = new Float32Array([1, 2, 3, 4, 0.5, -1]);
    net.setParams(values);
    values[0] = 100; // the net keeps its own copy
    assert.deepEqual(net.getParams(), new Float32Array([1, 2, 3, 4, 0.5, -1]));
    assert.deepEqual(net.predict(new Float32Array([1, 2])), new Float32Array([7.5, 9]));
    net.dispose();
  });

  test('wrong length RangeError, non-finite RangeError, non-Float32Array TypeError', async () => {
    const net = await Network.create({ layers: [2, 2], output: 'identity', loss: 'mse' });
    const before = net.getParams();
    throwsWith(() => net.setParams(new Float32Array(5)), RangeError, /setParams/, /\b5\b/, /\b6\b/);
    throwsWith(() => net.setParams(new Float32Array(7)), RangeError, /setParams/);
    throwsWith(() => net.setParams(new Float32Array([1, 2, NaN, 4, 5, 6])), RangeError, /setParams/, /finite/);
    throwsWith(() => net.setParams(new Float32Array([1, 2, 3, Infinity, 5, 6])), RangeError, /finite/);
    throwsWith(() => net.setParams([1, 2, 3, 4, 5, 6]), TypeError, /setParams/, /Float32Array/);
    throwsWith(() => net.setParams(new Float64Array(6)), TypeError, /Float32Array/);
    assert.deepEqual(net.getParams(), before, 'a rejected setParams changes nothing');
    net.dispose();
  });
});

/* ---- dispose ------------------------------------------------------------------------------- */

describe('dispose', () => {
  test('is idempotent; every method afterwards throws "Network has been disposed"', async () => {
    const net = await Network.create({ layers: [2, 3] });
    const x = new Float32Array([0.1, 0.2]);
    const y = new Int32Array([1]);
    const params = net.getParams();
    net.dispose();
    net.dispose();
    const gone = /^Network has been disposed$/;
    throwsWith(() => net.spec, Error, gone);
    throwsWith(() => net.paramCount, Error, gone);
    throwsWith(() => net.predict(x), Error, gone);
    throwsWith(() => net.evaluate(x, y), Error, gone);
    throwsWith(() => net.save(), Error, gone);
    throwsWith(() => net.checkpoint(), Error, gone);
    throwsWith(() => net.getParams(), Error, gone);
    throwsWith(() => net.setParams(params), Error, gone);
    throwsWith(() => net.gradCheck(x, y), Error, gone);
    await rejectsWith(net.fit(x, y), Error, gone);
    net.dispose();
  });

  test('other nets are unaffected, and create/dispose cycles keep working', async () => {
    const keep = await Network.create({ layers: [2, 4, 2], seed: 1 });
    const x = new Float32Array([0.3, -0.7]);
    const before = keep.predict(x);
    for (let i = 0; i < 200; i++) {
      const n = await Network.create({ layers: [2, 16, 2], seed: i });
      n.predict(x);
      n.dispose();
    }
    assert.deepEqual(keep.predict(x), before);
    keep.dispose();
  });

  test('the constructor is private', () => {
    assert.throws(() => new Network(), TypeError);
  });
});

test('Network.create accepts the resolved spec of another network (spec round trip)', async () => {
  for (const spec of [{ layers: [2, 3, 2] },
    { layers: [4, 5, 3], schedule: { type: 'cosine', stepSize: 10, minLr: 0.001 }, init: { gaussian: 0.1 } }]) {
    const a = await Network.create(spec);
    const b = await Network.create(a.spec);
    assert.deepEqual(b.spec, a.spec);
    assert.deepEqual(b.getParams(), a.getParams());
    a.dispose();
    b.dispose();
  }
});
