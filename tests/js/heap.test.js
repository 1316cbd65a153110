// Nothing leaks in the wasm heap: after loops of normal use, of every error path that crosses
// into wasm, of aborted fits and of fits whose callbacks throw, the bytes malloc holds
// (Core.heapUsed(), nn_heap_used) return exactly to their baseline. The baseline is taken after
// one warm-up round of each loop, so nothing that is allocated once and kept would count;
// then every single iteration must end on it (the sql.js habit of looping over an error path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network, NnError, datasets } from '../../src/js/index.node.js';
import { core } from '../../src/js/wasm.js';

const c = await core();
const { x, y } = await datasets.spiral({ pointsPerClass: 30, classes: 3, seed: 1 }); // 90 rows
const SPEC = { layers: [2, 12, 3], activation: 'tanh', optimizer: { type: 'adam', lr: 0.01 },
  dropout: 0.1, seed: 3 };

/** run body once to warm up, then n times, each time ending on the warm-up's heap usage */
async function assertNoLeak(what, n, body) {
  await body(-1);
  const base = c.heapUsed();
  for (let i = 0; i < n; i++) {
    await body(i);
    const used = c.heapUsed();
    if (used !== base) {
      assert.fail(`${what}: iteration ${i} ended with ${used} heap bytes in use, ` +
        `${used - base} more than the baseline of ${base}`);
    }
  }
}

/** an NnError with this code (an error from the core, not a JS argument check) */
const nnError = (code) => (err) => {
  assert.ok(err instanceof NnError, `expected an NnError ${code}, got ${err?.stack ?? err}`);
  assert.equal(err.code, code, err.message);
  return true;
};

test('heapUsed counts what is live (so the checks below can fail)', async () => {
  const before = c.heapUsed();
  const net = await Network.create({ layers: [2, 64, 3] });
  assert.ok(c.heapUsed() > before + 4 * (2 * 64 + 64 * 3), 'a live net holds its parameters');
  net.dispose();
  assert.equal(c.heapUsed(), before);
});

test('create → fit → predict → evaluate → save → load → checkpoint → resume → dispose, 200 times', async () => {
  await assertNoLeak('full cycle', 200, async () => {
    const net = await Network.create(SPEC);
    let ckpt = null;
    await net.fit(x, y, {
      epochs: 2, batchSize: 16, validationData: [x, y],
      onEpochEnd: (epoch) => { if (epoch === 0) ckpt = net.checkpoint(); },
    });
    assert.equal(net.predict(x).length, 90 * 3);
    const { loss } = net.evaluate(x, y);
    assert.ok(Number.isFinite(loss));
    const copy = await Network.load(net.save());
    assert.deepEqual(copy.predict(x.subarray(0, 2)), net.predict(x.subarray(0, 2)));
    copy.dispose();
    const resumed = await Network.load(ckpt);          // a checkpoint taken mid-session
    await resumed.fit(x, y, { epochs: 2, batchSize: 16, resume: true });
    assert.deepEqual(resumed.getParams(), net.getParams());
    resumed.dispose();
    net.gradCheck(x.subarray(0, 8), y.subarray(0, 4));
    net.evaluate(new Uint8Array(2 * 90).fill(128), y); // bytes in
    await net.fit(x, y, { epochs: 1, batchSize: 90, schedule: { type: 'cosine', stepSize: 4 },
      earlyStopping: { patience: 0 }, validationData: [x, y] });
    net.dispose();
  });
});

test('Network.load of damaged bytes', async () => {
  const net = await Network.create(SPEC);
  const good = net.save();
  net.dispose();
  const flipped = good.slice();
  flipped[good.length >> 1] ^= 0x10;
  const magic = good.slice();
  magic[0] ^= 0xff;
  await assertNoLeak('load damaged', 100, async () => {
    await assert.rejects(Network.load(flipped), nnError('NN_ERR_CHECKSUM'));
    await assert.rejects(Network.load(good.subarray(0, good.length - 1)), nnError('NN_ERR_TRUNCATED'));
    await assert.rejects(Network.load(magic), nnError('NN_ERR_MAGIC'));
  });
});

test('predict with NaN, evaluate and gradCheck with labels out of range', async () => {
  await assertNoLeak('predict/evaluate errors', 100, async () => {
    const net = await Network.create(SPEC);
    const bad = x.slice(0, 20);
    bad[13] = NaN;
    assert.throws(() => net.predict(bad), nnError('NN_ERR_ARG'));
    const labels = y.slice();
    labels[89] = 3;
    assert.throws(() => net.evaluate(x, labels), nnError('NN_ERR_ARG'));
    assert.throws(() => net.gradCheck(x.subarray(0, 4), new Int32Array([0, -1])), nnError('NN_ERR_ARG'));
    net.predict(x);  // still usable
    net.dispose();
  });
});

test('fit rejected by the core at the start, or by its validation data at an epoch end', async () => {
  const labels = y.slice();
  labels[0] = 7;
  await assertNoLeak('fit errors', 100, async () => {
    const net = await Network.create(SPEC);
    await assert.rejects(net.fit(x, y, { resume: true }), nnError('NN_ERR_STATE')); // nothing to resume
    await assert.rejects(net.fit(x, labels, { epochs: 2 }), nnError('NN_ERR_ARG'));
    await assert.rejects(net.fit(x, y, { epochs: 2, validationData: [x, labels] }), nnError('NN_ERR_ARG'));
    net.dispose();
  });
});

test('a fit that diverges', async () => {
  const targets = new Float32Array(90).fill(100);
  await assertNoLeak('diverging fit', 100, async () => {
    const net = await Network.create({ layers: [2, 8, 1], output: 'identity', loss: 'mse',
      optimizer: { type: 'sgd', lr: 1e3 } });
    await assert.rejects(net.fit(x, targets, { epochs: 20, batchSize: 9 }), nnError('NN_ERR_NONFINITE'));
    assert.ok(net.getParams().every(Number.isFinite), 'the last good weights are kept');
    net.predict(x);
    net.dispose();
  });
});

test('fits aborted by their signal, before and during training', async () => {
  await assertNoLeak('aborted fit', 100, async (i) => {
    const net = await Network.create(SPEC);
    const ac = new AbortController();
    const fit = net.fit(x, y, { epochs: 50, batchSize: 10, signal: ac.signal,
      onBatchEnd: (batch, logs) => { if (logs.step === 1 + (i & 7)) ac.abort(); } });
    await assert.rejects(fit, { name: 'AbortError' });
    await assert.rejects(net.fit(x, y, { signal: AbortSignal.abort() }), { name: 'AbortError' });
    // abort without per-batch callbacks: the chunked loop checks the signal between chunks
    const late = new AbortController();
    const running = net.fit(x, y, { epochs: 1000, signal: late.signal, chunkMs: 0.1 });
    setImmediate(() => late.abort());
    await assert.rejects(running, { name: 'AbortError' });
    net.dispose();
  });
});

test('fits whose callbacks throw or reject', async () => {
  await assertNoLeak('throwing callbacks', 100, async (i) => {
    const net = await Network.create(SPEC);
    await assert.rejects(net.fit(x, y, { epochs: 3, batchSize: 10,
      onBatchEnd: (batch) => { if (batch === Math.max(i, 0) % 9) throw new Error('batch boom'); } }), /batch boom/);
    await assert.rejects(net.fit(x, y, { epochs: 3, validationData: [x, y],
      onEpochEnd: async () => { throw new Error('epoch boom'); } }), /epoch boom/);
    await net.fit(x, y, { epochs: 1 });  // the net trains again afterwards
    net.dispose();
  });
});

test('dispose during a fit frees the net when the fit stops', async () => {
  await assertNoLeak('dispose during fit', 100, async () => {
    const net = await Network.create(SPEC);
    const fit = net.fit(x, y, { epochs: 5, batchSize: 10, onBatchEnd: (batch) => {
      if (batch === 2) net.dispose();
    } });
    await assert.rejects(fit, /disposed/);
  });
});

test('datasets: spiral, idx, minmax and their errors', async () => {
  const idxLabels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 0]);
  await assertNoLeak('datasets', 100, async () => {
    await datasets.spiral({ pointsPerClass: 10, classes: 2 });
    assert.deepEqual((await datasets.idx(idxLabels)).y, new Int32Array([1, 2, 0]));
    await assert.rejects(datasets.idx(idxLabels.subarray(0, 10)), nnError('NN_ERR_TRUNCATED'));
    await assert.rejects(datasets.idx(new Uint8Array(16)), nnError('NN_ERR_MAGIC'));
    const mm = await datasets.minmax(x, 2);
    mm.apply(x);
    await assert.rejects(datasets.minmax(new Float32Array([1, NaN]), 2), nnError('NN_ERR_ARG'));
  });
});

test('10,000 rounds of create → fit → save → load → dispose and of failing loads end on the baseline', async () => {
  const small = { layers: [2, 4, 3], activation: 'tanh', optimizer: 'sgd' };
  const xs = x.subarray(0, 2 * 16);
  const ys = y.subarray(0, 16);
  await assertNoLeak('10k rounds', 10000, async (i) => {
    const net = await Network.create({ ...small, seed: i + 1 });
    await net.fit(xs, ys, { epochs: 1, batchSize: 8 });
    const bytes = net.save();
    const back = await Network.load(bytes);
    bytes[bytes.length - 5] ^= 0x10;   // the last parameter byte, just before the checksum
    await assert.rejects(Network.load(bytes), nnError('NN_ERR_CHECKSUM'));
    back.dispose();
    net.dispose();
  });
});
