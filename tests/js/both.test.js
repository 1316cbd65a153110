// One suite run against both Network (synchronous methods) and WorkerNetwork (every method a
// promise): every call is awaited, so the same expectations hold for both. Then the two are
// compared bit for bit, and WorkerNetwork's own loadIdx / releaseData are checked against the
// demo server.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Network, WorkerNetwork, NnError, datasets } from '../../src/js/index.node.js';
import { createDemoServer } from '../../scripts/serve.mjs';

const f32 = Math.fround;
const timer = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const isAbort = (e) => e?.name === 'AbortError';
const disposed = /Network has been disposed/;

/* the hand-set net: 2 → 2 identity + mse, W = [[1, 2], [3, 4]] (inputs × outputs), b = [0.5, -1] */
const HAND_SPEC = { layers: [2, 2], output: 'identity', loss: 'mse' };
const HAND_PARAMS = new Float32Array([1, 2, 3, 4, 0.5, -1]);

const SPIRAL_SPEC = { layers: [2, 8, 3], activation: 'tanh', optimizer: { type: 'adam', lr: 0.02 }, seed: 7 };

let spiral;   // 3 × 20 points
before(async () => { spiral = await datasets.spiral({ pointsPerClass: 20 }); });

for (const [name, Cls] of [['Network', Network], ['WorkerNetwork', WorkerNetwork]]) {
  describe(name, () => {
    test('create: spec with every default filled in, sizes', async () => {
      const net = await Cls.create({ layers: [2, 3, 2] });
      try {
        assert.deepEqual(net.spec, {
          layers: [2, 3, 2], activation: 'relu', output: 'softmax', loss: 'cross_entropy',
          optimizer: { type: 'sgd', lr: f32(0.01), momentum: f32(0.9), rho: f32(0.99), beta1: f32(0.9),
            beta2: f32(0.999), eps: f32(1e-7) },
          init: 'he', seed: 42, leakySlope: f32(0.01), hswishN: 6, weightDecay: 0, clipNorm: 0,
          dropout: 0, flood: 0, schedule: { type: 'constant', stepSize: 0, gamma: 0.5, minLr: 0 },
        });
        assert.equal(net.inputs, 2);
        assert.equal(net.outputs, 2);
        assert.equal(net.paramCount, 2 * 3 + 3 + 3 * 2 + 2);
        const spec = net.spec;
        spec.layers[0] = 99;
        assert.equal(net.spec.layers[0], 2, 'spec is a copy');
        const p = await net.getParams();
        assert.ok(p instanceof Float32Array && p.length === 17);
        assert.deepEqual([...p.subarray(6, 9)], [0, 0, 0], 'biases start at 0');
      } finally {
        await net.dispose();
      }
    });

    test('predict and evaluate with hand-set parameters', async () => {
      const net = await Cls.create(HAND_SPEC);
      try {
        await net.setParams(HAND_PARAMS);
        assert.deepEqual(await net.getParams(), HAND_PARAMS);
        // [1, 2]·W + b = [1 + 6 + 0.5, 2 + 8 − 1]; [0, 0] gives b
        assert.deepEqual(await net.predict(new Float32Array([1, 2, 0, 0])), new Float32Array([7.5, 9, 0.5, -1]));
        // mse ½Σ(y − t)² per row: ½(0.5² + 0²) = 0.125 and ½(0.5² + 2²) = 2.125, mean 1.125;
        // argmax agrees on row 0 (1 = 1), not on row 1 (0 ≠ 1)
        assert.deepEqual(await net.evaluate(new Float32Array([1, 2, 0, 0]), new Float32Array([7, 9, 0, 1])),
          { loss: 1.125, accuracy: 0.5 });
      } finally {
        await net.dispose();
      }
    });

    test('fit: history per epoch; callbacks awaited in order', async () => {
      const { x, y } = spiral;
      const net = await Cls.create(SPIRAL_SPEC);
      try {
        const events = [];
        let inEpochCallback = false;
        const history = await net.fit(x, y, {
          epochs: 4, batchSize: 16, validationData: [x, y],
          onBatchEnd: (batch, logs) => {
            assert.ok(!inEpochCallback, 'no batch runs while onEpochEnd is pending');
            events.push(`b${logs.epoch}.${batch}`);
            assert.equal(logs.step, events.filter((e) => e[0] === 'b').length);
          },
          onEpochEnd: async (epoch, logs) => {
            assert.ok(!inEpochCallback, 'the previous onEpochEnd finished first');
            inEpochCallback = true;
            await timer(5);
            inEpochCallback = false;
            events.push(`e${epoch}`);
            assert.ok(Number.isFinite(logs.loss) && logs.accuracy >= 0 && logs.accuracy <= 1);
            assert.ok(Number.isFinite(logs.valLoss) && Number.isFinite(logs.valAccuracy));
          },
        });
        // 60 rows in batches of 16: 4 steps per epoch
        const expected = [];
        for (let e = 0; e < 4; e++) expected.push(...[0, 1, 2, 3].map((b) => `b${e}.${b}`), `e${e}`);
        assert.deepEqual(events, expected);
        assert.deepEqual(Object.keys(history).sort(), ['accuracy', 'loss', 'lr', 'valAccuracy', 'valLoss']);
        for (const k of Object.keys(history)) assert.equal(history[k].length, 4, k);
        assert.ok(history.loss.at(-1) < history.loss[0], `loss falls: ${history.loss}`);
        assert.deepEqual(history.lr, [0.02, 0.02, 0.02, 0.02].map(f32));
        const v = await net.evaluate(x, y);
        assert.equal(history.valLoss.at(-1), v.loss, 'the last valLoss is the final evaluate');
      } finally {
        await net.dispose();
      }
    });

    test('abort via AbortSignal: AbortError, the net stays usable', async () => {
      const { x, y } = spiral;
      const net = await Cls.create(SPIRAL_SPEC);
      try {
        const ac = new AbortController();
        let last = -1;
        await assert.rejects(net.fit(x, y, {
          epochs: 100000, batchSize: 10, signal: ac.signal,
          onEpochEnd: (e) => { last = e; if (e === 2) ac.abort(); },
        }), isAbort);
        assert.equal(last, 2, 'no epoch ends after the abort');
        assert.ok((await net.getParams()).every(Number.isFinite));
        // a schedule given to the aborted fit stays part of the spec, as it would after success
        const ac2 = new AbortController();
        await assert.rejects(net.fit(x, y, { epochs: 50, schedule: { type: 'step', stepSize: 5 }, signal: ac2.signal,
          onEpochEnd: () => ac2.abort() }), isAbort);
        assert.deepEqual(net.spec.schedule, { type: 'step', stepSize: 5, gamma: 0.5, minLr: 0 });
        const pre = new AbortController();
        pre.abort();
        await assert.rejects(net.fit(x, y, { signal: pre.signal }), isAbort);
        const h = await net.fit(x, y, { epochs: 2 });
        assert.equal(h.loss.length, 2, 'fits again');
        assert.ok(Number.isFinite((await net.evaluate(x, y)).loss));
      } finally {
        await net.dispose();
      }
    });

    test('errors keep their class, message and code', async () => {
      const { x, y } = spiral;
      await assert.rejects(Cls.create({ layers: [2, 3], activaton: 'relu' }),
        (e) => e instanceof TypeError && /unknown option "activaton" in spec; did you mean "activation"\?/.test(e.message));
      await assert.rejects(Cls.create({ layers: [2, 3], activaton: () => 'relu' }),
        (e) => e instanceof TypeError && /unknown option "activaton" in spec; did you mean "activation"\?/.test(e.message));
      const net = await Cls.create(SPIRAL_SPEC);
      try {
        await assert.rejects(net.fit(x, y, { epoch: 2 }),
          (e) => e instanceof TypeError && /unknown option "epoch" in fit options; did you mean "epochs"\?/.test(e.message));
        // a misspelt callback: a function under an unknown key (which a worker could not even post)
        await assert.rejects(net.fit(x, y, { onEpochend: () => {} }),
          (e) => e instanceof TypeError && /unknown option "onEpochend" in fit options; did you mean "onEpochEnd"\?/.test(e.message));
        await assert.rejects(net.fit(x, y, []), (e) => e instanceof TypeError && /fit options must be an object/.test(e.message));
        await assert.rejects(net.fit(x, y, { epochs: 0 }),
          (e) => e instanceof RangeError && /fit options\.epochs must be an integer in \[1, /.test(e.message));
        await assert.rejects(async () => await net.predict(new Float32Array([NaN, 1])),
          (e) => e instanceof NnError && e.name === 'NnError' && e.code === 'NN_ERR_ARG' && e.status === 1 &&
            e.message === 'input row 0 column 0 is nan');
        await assert.rejects(async () => await net.predict(new Float32Array(3)),
          (e) => e instanceof RangeError && /not a positive multiple of the 2 inputs/.test(e.message));
        const boom = new Error('boom');
        await assert.rejects(net.fit(x, y, { epochs: 3, onBatchEnd: () => { throw boom; } }), (e) => e === boom);
        const late = new TypeError('late');
        await assert.rejects(net.fit(x, y, { epochs: 3, onEpochEnd: async () => { await timer(1); throw late; } }),
          (e) => e === late);
        assert.ok((await net.evaluate(x, y)).loss > 0, 'still usable');
      } finally {
        await net.dispose();
      }
    });

    test('save / load round trip', async () => {
      const { x, y } = spiral;
      const net = await Cls.create(SPIRAL_SPEC);
      await net.fit(x, y, { epochs: 3 });
      const bytes = await net.save();
      assert.ok(bytes instanceof Uint8Array && bytes.length > 0);
      const back = await Cls.load(bytes);
      const backFromBuffer = await Cls.load(bytes.slice().buffer);
      try {
        assert.ok(back instanceof Cls);
        assert.deepEqual(back.spec, net.spec);
        assert.deepEqual(await back.getParams(), await net.getParams());
        assert.deepEqual(await back.predict(x), await net.predict(x));
        assert.deepEqual(await back.save(), bytes);
        assert.deepEqual(await backFromBuffer.getParams(), await net.getParams());
        await assert.rejects(Cls.load(bytes.subarray(0, 10)), (e) => e instanceof NnError && e.code === 'NN_ERR_TRUNCATED');
      } finally {
        for (const n of [net, back, backFromBuffer]) await n.dispose();
      }
    });

    test('checkpoint, load, resume: bit-identical to an uninterrupted fit', async () => {
      const { x, y } = spiral;
      const spec = { ...SPIRAL_SPEC, dropout: 0.2 };
      const opts = { epochs: 5, batchSize: 8 };
      const a = await Cls.create(spec);
      const ha = await a.fit(x, y, opts);
      const b = await Cls.create(spec);
      const ac = new AbortController();
      await assert.rejects(b.fit(x, y, { ...opts, signal: ac.signal, onEpochEnd: (e) => { if (e === 1) ac.abort(); } }),
        isAbort);
      const c = await Cls.load(await b.checkpoint());
      try {
        assert.ok(c instanceof Cls);
        const hc = await c.fit(x, y, { ...opts, resume: true });
        assert.deepEqual(hc.loss, ha.loss.slice(2));
        assert.deepEqual(await c.getParams(), await a.getParams());
      } finally {
        for (const n of [a, b, c]) await n.dispose();
      }
    });

    test('gradCheck agrees with backpropagation', async () => {
      const small = await datasets.spiral({ pointsPerClass: 3, seed: 5 });
      const net = await Cls.create({ layers: [2, 6, 3], activation: 'tanh', seed: 11 });
      try {
        const before = await net.getParams();
        const worst = await net.gradCheck(small.x, small.y);
        assert.ok(Number.isFinite(worst) && worst >= 0 && worst < 2e-2, `worst relative error ${worst}`);
        assert.deepEqual(await net.getParams(), before, 'parameters restored');
        assert.ok((await net.gradCheck(small.x, small.y, { h: 5e-3 })) < 2e-2);
      } finally {
        await net.dispose();
      }
    });

    test('dispose is idempotent; later use throws or rejects', async () => {
      const net = await Cls.create(HAND_SPEC);
      await net.dispose();
      await net.dispose();
      const x = new Float32Array([1, 2]);
      for (const get of ['spec', 'inputs', 'outputs', 'paramCount']) {
        assert.throws(() => net[get], disposed, get);
      }
      await assert.rejects(async () => await net.predict(x), disposed);
      await assert.rejects(async () => await net.evaluate(x, new Int32Array([0])), disposed);
      await assert.rejects(async () => await net.getParams(), disposed);
      await assert.rejects(async () => await net.setParams(HAND_PARAMS), disposed);
      await assert.rejects(async () => await net.save(), disposed);
      await assert.rejects(async () => await net.checkpoint(), disposed);
      await assert.rejects(async () => await net.gradCheck(x, new Int32Array([0])), disposed);
      await assert.rejects(async () => await net.fit(x, new Int32Array([0])), disposed);
    });
  });
}

test('Network and WorkerNetwork give bit-identical results after the same seeded fit', async () => {
  const { x, y } = spiral;
  const spec = { ...SPIRAL_SPEC, dropout: 0.1, optimizer: 'nesterov', schedule: { type: 'cosine', stepSize: 40 } };
  const opts = { epochs: 6, batchSize: 7, validationData: [x, y] };
  const local = await Network.create(spec);
  const remote = await WorkerNetwork.create(spec);
  try {
    assert.deepEqual(remote.spec, local.spec);
    assert.deepEqual(await remote.getParams(), local.getParams());
    const h1 = await local.fit(x, y, opts);
    const h2 = await remote.fit(x, y, opts);
    assert.deepEqual(h2, h1);
    assert.deepEqual(await remote.getParams(), local.getParams());
    assert.deepEqual(await remote.checkpoint(), local.checkpoint());
  } finally {
    local.dispose();
    await remote.dispose();
  }
});

describe('WorkerNetwork.loadIdx from the demo server', () => {
  let server;
  let base;
  before(async () => {
    server = createDemoServer();
    await new Promise((resolve, reject) => server.listen(0, '127.0.0.1', resolve).on('error', reject));
    base = `http://localhost:${server.address().port}/data/mnist/`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  test('data kept in the worker evaluates like the same arrays read in Node; released data rejects', async () => {
    const { test: mnistTest } = await datasets.mnist({ bytes: true });
    const spec = { layers: [784, 16, 10], seed: 3 };
    const net = await WorkerNetwork.create(spec);
    const local = await Network.create(spec);
    try {
      const images = await net.loadIdx(`${base}t10k-images-idx3-ubyte`, { bytes: true });
      const labels = await net.loadIdx(`${base}t10k-labels-idx1-ubyte`);
      assert.equal(typeof images.nnwasmData, 'number');
      assert.deepEqual({ ...images, nnwasmData: 0 }, { nnwasmData: 0, kind: 'images', count: 10000, rows: 28, cols: 28 });
      assert.deepEqual({ ...labels, nnwasmData: 0 }, { nnwasmData: 0, kind: 'labels', count: 10000 });

      const fromRefs = await net.evaluate(images, labels);
      assert.deepEqual(fromRefs, await net.evaluate(mnistTest.x, mnistTest.y));
      assert.deepEqual(fromRefs, local.evaluate(mnistTest.x, mnistTest.y));
      assert.ok(fromRefs.accuracy > 0 && fromRefs.accuracy < 0.5, `untrained: ${fromRefs.accuracy}`);

      // a fit on the kept data (validationData too) matches the same fit on the arrays
      const opts = { epochs: 1, batchSize: 100 };
      const hRefs = await net.fit(images, labels, { ...opts, validationData: [images, labels] });
      const hArrays = await local.fit(mnistTest.x, mnistTest.y, { ...opts, validationData: [mnistTest.x, mnistTest.y] });
      assert.deepEqual(hRefs, hArrays);
      assert.deepEqual(await net.getParams(), local.getParams());
      const someRows = await datasets.bytesToFloats(mnistTest.x.subarray(0, 5 * 784));
      assert.deepEqual(await net.predict(someRows), local.predict(someRows));

      await net.releaseData(images);
      await assert.rejects(net.evaluate(images, labels), /is not loaded in this worker \(released\?\)/);
      await assert.rejects(net.fit(images, labels), /is not loaded in this worker/);
      assert.ok((await net.evaluate(mnistTest.x.subarray(0, 784), mnistTest.y.subarray(0, 1))).loss > 0,
        'the net is still usable');
      await net.releaseData(labels);
    } finally {
      local.dispose();
      await net.dispose();
    }
  });

  test('a missing file rejects with the HTTP status', async () => {
    const net = await WorkerNetwork.create({ layers: [784, 10] });
    try {
      await assert.rejects(net.loadIdx(`${base}no-such-file`), /HTTP 404/);
    } finally {
      await net.dispose();
    }
  });
});
