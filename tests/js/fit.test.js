// Network.fit: history, callbacks (order, indices, awaiting, throwing), yielding to the event
// loop, cancellation, concurrency, dispose during fit, divergence, reproducibility, schedules,
// early stopping, checkpoint / resume, byte inputs and every option error. Expectations come
// from nnwasm.h and arithmetic done here, never from the code under test.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Network, NnError, datasets } from '../../src/js/index.node.js';
import { core } from '../../src/js/wasm.js'; // internal: only for the heap-usage check

const f32 = Math.fround;

async function rejectsWith(p, Type, ...patterns) {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof Type, `expected ${Type.name}, got ${e?.name}: ${e?.message}`);
    for (const q of patterns) assert.match(e.message, q);
    return true;
  });
}

const isAbort = (e) => {
  assert.equal(e?.name, 'AbortError', `expected an AbortError, got ${e?.name}: ${e?.message}`);
  return true;
};

const allFinite = (a) => a.every(Number.isFinite);
const sameParams = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** the spiral, small: 3 classes × n points */
const spiral = (n = 30, seed = 1) => datasets.spiral({ pointsPerClass: n, classes: 3, seed });

const small = (extra = {}) => Network.create({ layers: [2, 16, 3], activation: 'tanh', seed: 7, ...extra });

/* ---- history -------------------------------------------------------------------------------- */

describe('history', () => {
  test('arrays of length epochs; validation entries; the last equals evaluate()', async () => {
    const { x, y } = await spiral();
    const val = await spiral(20, 2);
    const net = await small({ optimizer: { type: 'adam', lr: 0.02 } });
    const h = await net.fit(x, y, { epochs: 5, batchSize: 16, validationData: [val.x, val.y] });
    for (const k of ['loss', 'accuracy', 'lr', 'valLoss', 'valAccuracy']) {
      assert.ok(Array.isArray(h[k]), `history.${k} is an array`);
      assert.equal(h[k].length, 5, `history.${k} has one entry per epoch`);
    }
    assert.ok(h.loss.every((v) => Number.isFinite(v) && v > 0));
    assert.ok([...h.accuracy, ...h.valAccuracy].every((v) => v >= 0 && v <= 1));
    assert.ok(h.lr.every((v) => v === f32(0.02)), 'constant schedule: lr is the spec lr');
    assert.equal(h.stoppedEpoch, undefined);
    assert.equal(h.bestEpoch, undefined);
    const ev = net.evaluate(val.x, val.y);
    assert.equal(h.valLoss.at(-1), ev.loss);
    assert.equal(h.valAccuracy.at(-1), ev.accuracy);
    const noVal = await net.fit(x, y, { epochs: 2 });
    assert.equal(noVal.loss.length, 2);
    assert.equal((noVal.valLoss ?? []).length, 0, 'no validation entries without validationData');
    assert.equal((noVal.valAccuracy ?? []).length, 0);
    net.dispose();
  });

  test('evaluate does not depend on an open fit session: valLoss equals evaluate() after fit, bit for bit', async () => {
    // Validation inside fit runs while the session is open, and the core then evaluates in
    // chunks of the training batch (16 here) instead of one chunk; the mean loss must not
    // depend on that chunking (the same weights, the same rows, in the same order).
    const { x, y } = await spiral();
    const val = await spiral(20, 2);
    const net = await small({ optimizer: { type: 'adam', lr: 0.02 } });
    let inside = null;
    const h = await net.fit(x, y, {
      epochs: 5, batchSize: 16, validationData: [val.x, val.y],
      onEpochEnd: (e) => { if (e === 4) inside = net.evaluate(val.x, val.y).loss; },
    });
    const after = net.evaluate(val.x, val.y).loss;
    assert.equal(inside, h.valLoss.at(-1));
    assert.equal(after, h.valLoss.at(-1), 'evaluate after fit equals the last valLoss');
    net.dispose();
  });

  test('one full-batch epoch without shuffle reports the loss and accuracy before its step', async () => {
    // the epoch's training loss is measured on the forward pass of its only batch, i.e. with
    // the weights before the step: exactly what evaluate() says before fit (no decay, no dropout)
    const { x, y } = await spiral(10);
    const net = await small();
    const before = net.evaluate(x, y);
    const h = await net.fit(x, y, { epochs: 1, batchSize: 30, shuffle: false });
    assert.ok(Math.abs(h.loss[0] - before.loss) < 1e-9, `${h.loss[0]} vs ${before.loss}`);
    assert.equal(h.accuracy[0], before.accuracy);
    net.dispose();
  });

  test('loss decreases on the spiral', async () => {
    const { x, y } = await spiral(50);
    const net = await Network.create({ layers: [2, 32, 3], optimizer: { type: 'adam', lr: 0.01 }, seed: 3 });
    const h = await net.fit(x, y, { epochs: 60, batchSize: 16 });
    assert.ok(h.loss.at(-1) < 0.5 * h.loss[0], `loss ${h.loss[0]} → ${h.loss.at(-1)}`);
    assert.ok(h.accuracy.at(-1) > 0.8, `accuracy ${h.accuracy.at(-1)}`);
    const ev = net.evaluate(x, y);
    assert.ok(ev.loss < 0.5 * h.loss[0]);
    net.dispose();
  });

  test('labels as Uint8Array / Uint16Array / one-hot targets train like Int32Array labels', async () => {
    const { x, y } = await spiral(10);
    const onehot = new Float32Array(y.length * 3);
    y.forEach((l, r) => { onehot[r * 3 + l] = 1; });
    const opts = { epochs: 3, batchSize: 8 };
    const ref = await small();
    await ref.fit(x, y, opts);
    for (const labels of [Uint8Array.from(y), Uint16Array.from(y), onehot]) {
      const net = await small();
      await net.fit(x, labels, opts);
      assert.deepEqual(net.getParams(), ref.getParams(), labels.constructor.name);
      net.dispose();
    }
    ref.dispose();
  });
});

/* ---- callbacks -------------------------------------------------------------------------------- */

describe('callbacks', () => {
  test('onBatchEnd once per step with batch indices per epoch; onEpochEnd 0-based', async () => {
    const all = await spiral(40);
    const x = all.x.slice(0, 200); // 100 rows
    const y = all.y.slice(0, 100);
    const net = await small();
    const events = [];
    const h = await net.fit(x, y, {
      epochs: 3,
      batchSize: 30, // 30, 30, 30, 10: four batches, the last partial
      onBatchEnd: (batch, logs) => { events.push(['batch', batch, logs]); },
      onEpochEnd: (epoch, logs) => { events.push(['epoch', epoch, logs]); },
    });
    const shape = events.map(([kind, i]) => `${kind}${i}`).join(' ');
    const one = 'batch0 batch1 batch2 batch3';
    assert.equal(shape, `${one} epoch0 ${one} epoch1 ${one} epoch2`);
    const batches = events.filter((e) => e[0] === 'batch');
    batches.forEach(([, , logs], k) => {
      assert.ok(Number.isFinite(logs.loss) && logs.loss > 0, `batch ${k} loss ${logs.loss}`);
      assert.equal(logs.step, k + 1, 'steps count up by one');
      assert.equal(logs.epoch, Math.floor(k / 4));
      assert.equal(logs.lr, f32(0.01));
    });
    const epochs = events.filter((e) => e[0] === 'epoch');
    epochs.forEach(([, e, logs]) => {
      assert.equal(logs.loss, h.loss[e]);
      assert.equal(logs.accuracy, h.accuracy[e]);
      assert.equal(logs.lr, h.lr[e]);
    });
    net.dispose();
  });

  test('async callbacks are awaited before training goes on', async () => {
    const { x, y } = await spiral(10);
    const net = await small();
    const log = [];
    const still = [];   // were the weights the same after the callback's sleep as before it?
    const sleepy = (start, end) => async (i) => {
      log.push([start, i]);
      const before = net.getParams();
      await sleep(20);
      still.push(sameParams(net.getParams(), before));
      log.push([end, i]);
    };
    await net.fit(x, y, {
      epochs: 2,
      batchSize: 15, // 2 batches per epoch
      onBatchEnd: sleepy('start', 'end'),
      onEpochEnd: sleepy('epoch-start', 'epoch-end'),
    });
    // each callback ends (after its sleep) before the next one starts, and no step ran meanwhile
    const b = 'start 0 end 0 start 1 end 1';
    assert.equal(log.map((entry) => entry.join(' ')).join(' '), `${b} epoch-start 0 epoch-end 0 ${b} epoch-start 1 epoch-end 1`);
    assert.deepEqual(still, Array(6).fill(true));
    net.dispose();
  });

  test('a throwing callback rejects fit with that error; the net stays usable', async () => {
    const { x, y } = await spiral(10);
    const net = await small();
    const boom = new Error('boom from onBatchEnd');
    await assert.rejects(net.fit(x, y, { epochs: 3, onBatchEnd: () => { throw boom; } }), (e) => e === boom);
    assert.ok(allFinite(net.getParams()));
    const later = new Error('async boom from onEpochEnd');
    await assert.rejects(net.fit(x, y, {
      epochs: 3, onEpochEnd: async (e) => { if (e === 1) throw later; },
    }), (e) => e === later);
    assert.ok(allFinite(net.predict(x)));
    const h = await net.fit(x, y, { epochs: 2 });
    assert.equal(h.loss.length, 2);
    net.dispose();
  });
});

/* ---- event loop, cancellation, concurrency ------------------------------------------------ */

describe('event loop and cancellation', () => {
  test('fit yields: a 1 ms interval ticks between the chunks of a long fit; abort from a timer', async (t) => {
    const { x, y } = await spiral(100);
    const net = await Network.create({ layers: [2, 64, 64, 3], seed: 2 });
    const initial = net.getParams();
    // every tick records the weights as the fit left them between two chunks; the 20th aborts
    const seen = [];
    const ac = new AbortController();
    const timer = setInterval(() => {
      seen.push(net.getParams());
      if (seen.length === 20) {
        clearInterval(timer);
        ac.abort();
      }
    }, 1);
    const t0 = performance.now();
    try {
      // 100000 epochs take far longer than 20 ticks: only the abort ends this fit
      await assert.rejects(net.fit(x, y, { epochs: 100000, batchSize: 8, signal: ac.signal }), isAbort);
    } finally {
      clearInterval(timer);
    }
    t.diagnostic(`aborted at the 20th tick, ${(performance.now() - t0).toFixed(0)} ms after the fit began`);
    assert.equal(seen.length, 20, 'the interval ticked 20 times while the fit ran');
    // fit runs its first chunk before it first yields, and at least one step between two turns
    // of the event loop: each tick sees weights that changed since the one before
    assert.notDeepEqual(seen[0], initial, 'tick 1 came after the first chunk');
    for (let i = 1; i < seen.length; i++) assert.notDeepEqual(seen[i], seen[i - 1], `steps ran between ticks ${i} and ${i + 1}`);
    // the abort takes effect when fit gets the event loop back, before its next chunk
    assert.deepEqual(net.getParams(), seen[19], 'no step after the abort');
    assert.ok(allFinite(net.getParams()));
    const h = await net.fit(x, y, { epochs: 1 });
    assert.equal(h.loss.length, 1);
    net.dispose();
  });

  test('chunkMs is validated and smaller chunks still train identically', async () => {
    const { x, y } = await spiral(10);
    const net = await small();
    await rejectsWith(net.fit(x, y, { chunkMs: 0 }), RangeError, /fit options\.chunkMs/, /got 0/);
    await rejectsWith(net.fit(x, y, { chunkMs: -5 }), RangeError, /fit options\.chunkMs/);
    await rejectsWith(net.fit(x, y, { chunkMs: NaN }), RangeError, /fit options\.chunkMs/);
    await rejectsWith(net.fit(x, y, { chunkMs: '5' }), TypeError, /fit options\.chunkMs/);
    const a = await small();
    await a.fit(x, y, { epochs: 4, batchSize: 4, chunkMs: 0.001 });
    await net.fit(x, y, { epochs: 4, batchSize: 4, chunkMs: 1000 });
    assert.deepEqual(a.getParams(), net.getParams());
    a.dispose();
    net.dispose();
  });

  test('abort from onEpochEnd: AbortError, finite params, fit works again', async () => {
    const { x, y } = await spiral(20);
    const net = await small();
    const ac = new AbortController();
    const seen = [];
    await assert.rejects(net.fit(x, y, {
      epochs: 10, batchSize: 8, signal: ac.signal,
      onEpochEnd: (e) => { seen.push(e); if (e === 1) ac.abort(); },
    }), isAbort);
    assert.deepEqual(seen, [0, 1], 'no epoch runs after the abort');
    assert.ok(allFinite(net.getParams()));
    const h = await net.fit(x, y, { epochs: 2 });
    assert.equal(h.loss.length, 2);
    net.dispose();
  });

  test('abort from onBatchEnd stops before the next step', async () => {
    const { x, y } = await spiral(20);
    const net = await small();
    const ac = new AbortController();
    const steps = [];
    let params = null;
    await assert.rejects(net.fit(x, y, {
      epochs: 10, batchSize: 8, signal: ac.signal,
      onBatchEnd: (b, logs) => { steps.push(logs.step); if (logs.step === 3) { params = net.getParams(); ac.abort(); } },
    }), isAbort);
    assert.deepEqual(steps, [1, 2, 3]);
    assert.deepEqual(net.getParams(), params, 'no step after the abort');
    net.dispose();
  });

  test('an already-aborted signal rejects before training; params unchanged', async () => {
    const { x, y } = await spiral(10);
    const net = await small();
    const before = net.getParams();
    let called = 0;
    await assert.rejects(net.fit(x, y, {
      epochs: 3, signal: AbortSignal.abort(), onBatchEnd: () => { called++; }, onEpochEnd: () => { called++; },
    }), isAbort);
    assert.equal(called, 0);
    assert.deepEqual(net.getParams(), before);
    // an abort reason of the caller's choosing is what fit rejects with
    const reason = new Error('stop, my reason');
    const ac = new AbortController();
    ac.abort(reason);
    await assert.rejects(net.fit(x, y, { signal: ac.signal }), (e) => e === reason);
    await rejectsWith(net.fit(x, y, { signal: 'abort' }), TypeError, /fit options\.signal/);
    assert.equal((await net.fit(x, y, { epochs: 1 })).loss.length, 1);
    net.dispose();
  });

  test('a second concurrent fit rejects "already running"; predict and evaluate work inside callbacks', async () => {
    const { x, y } = await spiral(20);
    const val = await spiral(10, 5);
    const net = await small();
    let inside = null;
    let gradErr = null;
    const first = net.fit(x, y, {
      epochs: 3, batchSize: 8, validationData: [val.x, val.y],
      onEpochEnd: (e, logs) => {
        inside = { p: net.predict(val.x), ev: net.evaluate(val.x, val.y), logs };
        try { net.gradCheck(val.x, val.y); } catch (err) { gradErr = err; }
      },
    });
    await rejectsWith(net.fit(x, y, { epochs: 1 }), Error, /already running/);
    const h = await first;
    assert.equal(h.loss.length, 3, 'the first fit is unaffected');
    assert.deepEqual(inside.p, net.predict(val.x), 'predict inside the last onEpochEnd saw the final weights');
    assert.equal(inside.ev.loss, inside.logs.valLoss);
    assert.ok(gradErr instanceof Error && /fit/.test(gradErr.message), `gradCheck during fit: ${gradErr?.message}`);
    assert.equal((await net.fit(x, y, { epochs: 1 })).loss.length, 1, 'fit works again afterwards');
    net.dispose();
  });

  test('dispose during fit rejects "Network has been disposed"; nothing breaks afterwards', async () => {
    const { x, y } = await spiral(20);
    for (const where of ['onEpochEnd', 'onBatchEnd']) {
      const net = await small();
      await rejectsWith(net.fit(x, y, { epochs: 5, batchSize: 8, [where]: () => { net.dispose(); } }),
        Error, /^Network has been disposed$/);
      assert.throws(() => net.getParams(), /Network has been disposed/);
      await rejectsWith(net.fit(x, y), Error, /Network has been disposed/);
      net.dispose();
    }
    // other nets keep working after the freed one
    const other = await small();
    const h = await other.fit(x, y, { epochs: 3 });
    assert.ok(allFinite(h.loss));
    other.dispose();
  });
});

/* ---- divergence ------------------------------------------------------------------------------- */

describe('divergence', () => {
  test('lr 1e30 rejects with NN_ERR_NONFINITE; the weights of the last good step are kept', async () => {
    const { x, y } = await spiral(20);
    const net = await Network.create({ layers: [2, 8, 3], optimizer: { lr: 1e30 }, seed: 1 });
    const kept = [];
    await assert.rejects(net.fit(x, y, {
      epochs: 5, batchSize: 8, onBatchEnd: () => { kept.push(net.getParams()); },
    }), (e) => {
      assert.ok(e instanceof NnError, `${e.name}: ${e.message}`);
      assert.equal(e.code, 'NN_ERR_NONFINITE');
      assert.match(e.message, /non-finite/);
      assert.match(e.message, /epoch/);
      return true;
    });
    const p = net.getParams();
    assert.ok(allFinite(p), 'params are finite');
    assert.ok(kept.length >= 1, 'at least one good step ran first');
    assert.deepEqual(p, kept.at(-1), 'the last good step');
    net.dispose();
  });

  test('large inputs with lr 1e8 diverge the same way; the net saves, loads and has no session', async () => {
    const { x, y } = await spiral(20);
    const big = x.map((v) => v * 1000);
    const net = await Network.create({ layers: [2, 8, 3], optimizer: { lr: 1e8 }, seed: 1 });
    await assert.rejects(net.fit(big, y, { epochs: 5 }), (e) => e instanceof NnError && e.code === 'NN_ERR_NONFINITE');
    assert.ok(allFinite(net.getParams()));
    // the session is closed, not pending: nothing to resume, and the model saves and loads
    await assert.rejects(net.fit(big, y, { epochs: 5, resume: true }), (e) => e instanceof NnError && e.code === 'NN_ERR_STATE');
    const copy = await Network.load(net.checkpoint());
    assert.deepEqual(copy.getParams(), net.getParams());
    copy.dispose();
    net.dispose();
  });
});

/* ---- reproducibility --------------------------------------------------------------------------- */

describe('reproducibility', () => {
  const spec = { layers: [2, 12, 3], activation: 'relu', dropout: 0.2, optimizer: { type: 'adam', lr: 0.01 }, seed: 99 };
  const opts = { epochs: 4, batchSize: 7, shuffle: true };

  test('same seed and options give identical parameters; another seed does not', async () => {
    const { x, y } = await spiral(20);
    const a = await Network.create(spec);
    const b = await Network.create(spec);
    const ha = await a.fit(x, y, opts);
    const hb = await b.fit(x, y, opts);
    assert.deepEqual(a.getParams(), b.getParams());
    assert.deepEqual(ha, hb);
    const c = await Network.create({ ...spec, seed: 100 });
    await c.fit(x, y, opts);
    assert.notDeepEqual(c.getParams(), a.getParams());
    for (const n of [a, b, c]) n.dispose();
  });

  test('shuffle changes the result; 1-step chunks (onBatchEnd) equal big chunks', async () => {
    const { x, y } = await spiral(20);
    const a = await Network.create(spec);
    const b = await Network.create(spec);
    const c = await Network.create(spec);
    await a.fit(x, y, opts);
    let calls = 0;
    await b.fit(x, y, { ...opts, onBatchEnd: () => { calls++; } });
    assert.equal(calls, 4 * Math.ceil(60 / 7));
    assert.deepEqual(a.getParams(), b.getParams());
    await c.fit(x, y, { ...opts, shuffle: false });
    assert.notDeepEqual(c.getParams(), a.getParams());
    for (const n of [a, b, c]) n.dispose();
  });

  test('Uint8Array x trains identically to the equivalent floats', async () => {
    const rows = 60;
    const bytes = new Uint8Array(rows * 4);
    let s = 12345;
    for (let i = 0; i < bytes.length; i++) { s = (s * 1103515245 + 12345) >>> 0; bytes[i] = s >>> 24; }
    const y = Int32Array.from({ length: rows }, (_, r) => (bytes[r * 4] + bytes[r * 4 + 1]) % 3);
    const floats = await datasets.bytesToFloats(bytes);
    assert.ok(floats.every((v, i) => v === f32(bytes[i] / 255)), 'bytesToFloats is value/255');
    const sp = { layers: [4, 10, 3], optimizer: 'adam', dropout: 0.1, seed: 5 };
    const a = await Network.create(sp);
    const b = await Network.create(sp);
    const ha = await a.fit(bytes, y, { epochs: 3, batchSize: 16, validationData: [bytes, y] });
    const hb = await b.fit(floats, y, { epochs: 3, batchSize: 16, validationData: [floats, y] });
    assert.deepEqual(a.getParams(), b.getParams());
    assert.deepEqual(ha, hb);
    a.dispose();
    b.dispose();
  });
});

/* ---- schedules -------------------------------------------------------------------------------- */

describe('schedule fit option', () => {
  test('step schedule: lr = η·γ^floor(step/2) per step; history.lr is the last step of each epoch', async () => {
    const all = await spiral(20);
    const x = all.x.slice(0, 80); // 40 rows, batch 10 → 4 steps per epoch
    const y = all.y.slice(0, 40);
    const net = await small({ optimizer: { lr: 0.1 } });
    const stepLr = [];
    const h = await net.fit(x, y, {
      epochs: 3, batchSize: 10, schedule: { type: 'step', stepSize: 2, gamma: 0.5 },
      onBatchEnd: (b, logs) => { stepLr.push(logs.lr); },
    });
    const eta = f32(0.1);
    assert.deepEqual(stepLr, Array.from({ length: 12 }, (_, s) => eta * 0.5 ** Math.floor(s / 2)));
    // the last step of epoch e is s = 4(e + 1) − 1, so floor(s / 2) = 2e + 1
    assert.deepEqual(h.lr, [eta * 0.5 ** 1, eta * 0.5 ** 3, eta * 0.5 ** 5]);
    assert.deepEqual(net.spec.schedule, { type: 'step', stepSize: 2, gamma: 0.5, minLr: 0 },
      'the schedule becomes part of the spec');
    net.dispose();
  });

  test('the scheduled lr is the one the optimizer uses (sgd on a 1-weight linear model)', async () => {
    // one row x = 1, target 0, identity + mse: L = ½(w + b)², so each sgd step maps
    // y = w + b to y·(1 − 2η_s); with a step schedule (stepSize 1, γ 0.5): η_s = 0.1·0.5^s
    const net = await Network.create({ layers: [1, 1], output: 'identity', loss: 'mse', optimizer: { lr: 0.1 } });
    net.setParams(new Float32Array([1, 0.5]));
    await net.fit(new Float32Array([1]), new Float32Array([0]), {
      epochs: 3, batchSize: 1, schedule: { type: 'step', stepSize: 1, gamma: 0.5 },
    });
    const [w, b] = net.getParams();
    const want = 1.5 * (1 - 0.2) * (1 - 0.1) * (1 - 0.05);
    assert.ok(Math.abs(w + b - want) < 1e-6, `w + b = ${w + b}, want ${want}`);
    net.dispose();
  });

  test('cosine schedule: η_min + (η − η_min)(1 + cos(π·min(s, S)/S))/2', async () => {
    const { x, y } = await spiral(10);
    const net = await small({ optimizer: { type: 'adam', lr: 0.05 } });
    const got = [];
    await net.fit(x, y, {
      epochs: 3, batchSize: 10, schedule: { type: 'cosine', stepSize: 5, minLr: 0.001 },
      onBatchEnd: (b, logs) => { got.push(logs.lr); },
    });
    const eta = f32(0.05);
    const lo = f32(0.001);
    got.forEach((lr, s) => {
      const want = lo + (eta - lo) * (1 + Math.cos(Math.PI * Math.min(s, 5) / 5)) / 2;
      assert.ok(Math.abs(lr - want) < 1e-7, `step ${s}: ${lr} vs ${want}`);
    });
    assert.equal(got.length, 9);
    assert.equal(got.at(-1), lo);
    net.dispose();
  });

  test('invalid schedules are rejected and leave the spec unchanged', async () => {
    const { x, y } = await spiral(10);
    const net = await small();
    const before = net.spec.schedule;
    await rejectsWith(net.fit(x, y, { schedule: { type: 'step' } }), RangeError, /fit options\.schedule\.stepSize/);
    await rejectsWith(net.fit(x, y, { schedule: { type: 'stpe', stepSize: 2 } }), RangeError,
      /fit options\.schedule\.type/, /did you mean "step"/);
    await rejectsWith(net.fit(x, y, { schedule: { type: 'step', stepSize: 2, gamma: 2 } }), RangeError, /gamma/);
    await rejectsWith(net.fit(x, y, { schedule: { type: 'step', stepsize: 2 } }), TypeError, /did you mean "stepSize"/);
    await rejectsWith(net.fit(x, y, { schedule: 'step' }), TypeError, /fit options\.schedule/);
    assert.deepEqual(net.spec.schedule, before);
    net.dispose();
  });
});

/* ---- early stopping ----------------------------------------------------------------------------- */

describe('earlyStopping', () => {
  /** the rule, worked out here: best improves when v < best − minDelta; stop after patience + 1 misses */
  function expectedStop(valLoss, patience, minDelta) {
    let best = 0;
    let wait = 0;
    for (let e = 1; e < valLoss.length; e++) {
      if (valLoss[e] < valLoss[best] - minDelta) { best = e; wait = 0; } else if (++wait > patience) return { best, stopped: e };
    }
    return { best, stopped: undefined };
  }

  // a big net on a small training set overfits: validation loss turns upward
  const overfit = async () => ({
    net: await Network.create({ layers: [2, 64, 64, 3], optimizer: { type: 'adam', lr: 0.05 }, seed: 1 }),
    tr: await datasets.spiral({ pointsPerClass: 10, classes: 3, seed: 3 }),
    va: await datasets.spiral({ pointsPerClass: 30, classes: 3, seed: 4 }),
  });

  test('stops early and restores the best weights', async () => {
    const { net, tr, va } = await overfit();
    const recorded = [];
    const h = await net.fit(tr.x, tr.y, {
      epochs: 200, batchSize: 10, validationData: [va.x, va.y], earlyStopping: { patience: 4 },
      onEpochEnd: () => { recorded.push(net.getParams()); },
    });
    assert.ok(h.stoppedEpoch !== undefined, 'stopped early');
    assert.equal(h.loss.length, h.stoppedEpoch + 1);
    assert.ok(h.loss.length < 200);
    const want = expectedStop(h.valLoss, 4, 0);
    assert.equal(h.bestEpoch, want.best);
    assert.equal(h.stoppedEpoch, want.stopped);
    assert.equal(h.stoppedEpoch, h.bestEpoch + 5);
    assert.deepEqual(net.getParams(), recorded[h.bestEpoch], 'the best epoch\'s weights, bit for bit');
    // bit-equality of evaluate and valLoss: see the 'evaluate does not depend on an open fit session' test
    assert.equal(net.evaluate(va.x, va.y).loss, h.valLoss[h.bestEpoch]);
    assert.equal(h.valLoss[h.bestEpoch], Math.min(...h.valLoss));
    net.dispose();
  });

  test('restoreBestWeights: false keeps the last weights', async () => {
    const { net, tr, va } = await overfit();
    const recorded = [];
    const h = await net.fit(tr.x, tr.y, {
      epochs: 200, batchSize: 10, validationData: [va.x, va.y],
      earlyStopping: { patience: 4, restoreBestWeights: false },
      onEpochEnd: () => { recorded.push(net.getParams()); },
    });
    assert.ok(h.stoppedEpoch !== undefined && h.stoppedEpoch > h.bestEpoch);
    assert.deepEqual(net.getParams(), recorded.at(-1));
    assert.notDeepEqual(net.getParams(), recorded[h.bestEpoch]);
    assert.equal(net.evaluate(va.x, va.y).loss, h.valLoss.at(-1));
    net.dispose();
  });

  test('minDelta: no later epoch improves by 1e9, so epoch 0 is best and patience 2 stops at 3', async () => {
    const { x, y } = await spiral(10);
    const net = await small();
    const recorded = [];
    const h = await net.fit(x, y, {
      epochs: 20, validationData: [x, y], earlyStopping: { patience: 2, minDelta: 1e9 },
      onEpochEnd: () => { recorded.push(net.getParams()); },
    });
    assert.equal(h.bestEpoch, 0);
    assert.equal(h.stoppedEpoch, 3);
    assert.equal(h.loss.length, 4);
    assert.deepEqual(net.getParams(), recorded[0]);
    net.dispose();
  });

  test('option errors', async () => {
    const { x, y } = await spiral(10);
    const net = await small();
    await rejectsWith(net.fit(x, y, { earlyStopping: { patience: 2 } }), TypeError, /earlyStopping/, /validationData/);
    const v = [x, y];
    await rejectsWith(net.fit(x, y, { validationData: v, earlyStopping: { patiense: 2 } }), TypeError, /did you mean "patience"/);
    await rejectsWith(net.fit(x, y, { validationData: v, earlyStopping: { patience: -1 } }), RangeError, /earlyStopping\.patience/);
    await rejectsWith(net.fit(x, y, { validationData: v, earlyStopping: { patience: 1.5 } }), RangeError, /earlyStopping\.patience/);
    await rejectsWith(net.fit(x, y, { validationData: v, earlyStopping: { minDelta: -1 } }), RangeError, /earlyStopping\.minDelta/);
    await rejectsWith(net.fit(x, y, { validationData: v, earlyStopping: { restoreBestWeights: 1 } }), TypeError,
      /earlyStopping\.restoreBestWeights/);
    await rejectsWith(net.fit(x, y, { validationData: v, earlyStopping: true }), TypeError, /earlyStopping/);
    net.dispose();
  });
});

/* ---- checkpoint and resume ----------------------------------------------------------------- */

describe('checkpoint and resume', () => {
  const spec = { layers: [2, 10, 3], activation: 'tanh', dropout: 0.2, optimizer: { type: 'adam', lr: 0.02 }, seed: 21 };
  const opts = { epochs: 6, batchSize: 8, shuffle: true }; // 60 rows: 8 batches, the last of 4

  test('abort after epoch 2, checkpoint, load, resume: bit-identical to an uninterrupted run', async () => {
    const { x, y } = await spiral(20);
    const a = await Network.create(spec);
    const ha = await a.fit(x, y, opts);

    const b = await Network.create(spec);
    const ac = new AbortController();
    await assert.rejects(b.fit(x, y, {
      ...opts, signal: ac.signal, onEpochEnd: (e) => { if (e === 1) ac.abort(); },
    }), isAbort);
    const bytes = b.checkpoint();
    const c = await Network.load(bytes);
    const hc = await c.fit(x, y, { ...opts, resume: true });
    assert.deepEqual(c.getParams(), a.getParams());
    assert.deepEqual(hc.loss, ha.loss.slice(2), 'the resumed epochs report what the uninterrupted ones did');
    assert.deepEqual(hc.lr, ha.lr.slice(2));

    // the interrupted net itself can resume too
    await b.fit(x, y, { ...opts, resume: true });
    assert.deepEqual(b.getParams(), a.getParams());
    for (const n of [a, b, c]) n.dispose();
  });

  test('abort in the middle of an epoch, resume from the checkpoint: identical', async () => {
    const { x, y } = await spiral(20);
    const a = await Network.create(spec);
    await a.fit(x, y, opts);
    const b = await Network.create(spec);
    const ac = new AbortController();
    await assert.rejects(b.fit(x, y, {
      ...opts, signal: ac.signal, onBatchEnd: (i, logs) => { if (logs.step === 19) ac.abort(); },
    }), isAbort);
    const c = await Network.load(b.checkpoint());
    const steps = [];
    await c.fit(x, y, { ...opts, resume: true, onBatchEnd: (i, logs) => steps.push(logs.step) });
    assert.equal(steps[0], 20, 'resumes at the next step');
    assert.equal(steps.at(-1), 48);
    assert.deepEqual(c.getParams(), a.getParams());
    for (const n of [a, b, c]) n.dispose();
  });

  test('resume without a pending session is NN_ERR_STATE; mismatched data too', async () => {
    const { x, y } = await spiral(20);
    const fresh = await Network.create(spec);
    await assert.rejects(fresh.fit(x, y, { ...opts, resume: true }), (e) => e instanceof NnError && e.code === 'NN_ERR_STATE');
    assert.equal((await fresh.fit(x, y, { epochs: 1 })).loss.length, 1, 'usable afterwards');
    // a finished session leaves nothing to resume
    await assert.rejects(fresh.fit(x, y, { resume: true }), (e) => e instanceof NnError && e.code === 'NN_ERR_STATE');

    const b = await Network.create(spec);
    const ac = new AbortController();
    await assert.rejects(b.fit(x, y, { ...opts, signal: ac.signal, onEpochEnd: () => ac.abort() }), isAbort);
    const c = await Network.load(b.checkpoint());
    await assert.rejects(c.fit(x, y, { ...opts, batchSize: 9, resume: true }),
      (e) => e instanceof NnError && e.code === 'NN_ERR_STATE' && /batch/.test(e.message));
    await assert.rejects(c.fit(x.slice(0, 100), y.slice(0, 50), { ...opts, resume: true }),
      (e) => e instanceof NnError && e.code === 'NN_ERR_STATE' && /rows/.test(e.message));
    const h = await c.fit(x, y, { ...opts, resume: true });
    assert.equal(h.loss.length, 5, 'still resumable after the refused attempts');
    // a plain model file (save, not checkpoint) holds no session
    const m = await Network.load(b.save());
    await assert.rejects(m.fit(x, y, { ...opts, resume: true }), (e) => e instanceof NnError && e.code === 'NN_ERR_STATE');
    for (const n of [fresh, b, c, m]) n.dispose();
  });
});

/* ---- option and data errors ----------------------------------------------------------------- */

describe('fit argument errors', () => {
  test('options: unknown keys with a hint, epochs, batchSize, shuffle, callbacks', async () => {
    const { x, y } = await spiral(10);
    const net = await small();
    const before = net.getParams();
    await rejectsWith(net.fit(x, y, { epoch: 3 }), TypeError, /"epoch"/, /fit options/, /did you mean "epochs"/);
    await rejectsWith(net.fit(x, y, { batchsize: 3 }), TypeError, /did you mean "batchSize"/);
    await rejectsWith(net.fit(x, y, { epochs: 0 }), RangeError, /fit options\.epochs/, /got 0/);
    await rejectsWith(net.fit(x, y, { epochs: 1.5 }), RangeError, /fit options\.epochs/, /1\.5/);
    await rejectsWith(net.fit(x, y, { epochs: '3' }), TypeError, /fit options\.epochs/, /"3"/);
    await rejectsWith(net.fit(x, y, { epochs: -1 }), RangeError, /fit options\.epochs/);
    await rejectsWith(net.fit(x, y, { batchSize: 0 }), RangeError, /fit options\.batchSize/);
    await rejectsWith(net.fit(x, y, { shuffle: 1 }), TypeError, /fit options\.shuffle/);
    await rejectsWith(net.fit(x, y, { resume: 'yes' }), TypeError, /fit options\.resume/);
    await rejectsWith(net.fit(x, y, { onBatchEnd: 'log' }), TypeError, /fit options\.onBatchEnd/);
    await rejectsWith(net.fit(x, y, { onEpochEnd: {} }), TypeError, /fit options\.onEpochEnd/);
    await rejectsWith(net.fit(x, y, null), TypeError, /fit options/);
    assert.deepEqual(net.getParams(), before, 'nothing trained');
    net.dispose();
  });

  test('data: wrong kinds and lengths, validationData not a pair, non-finite inputs', async () => {
    const { x, y } = await spiral(10);
    const net = await small();
    const before = net.getParams();
    await rejectsWith(net.fit(x, y.slice(0, 29)), RangeError, /fit\(x, y\): y/, /29 labels/, /30 rows/);
    await rejectsWith(net.fit(x, new Float32Array(30)), RangeError, /fit\(x, y\): y/, /90/);
    await rejectsWith(net.fit(x.slice(0, 59), y), RangeError, /fit\(x, y\): x/, /59/);
    await rejectsWith(net.fit([...x], y), TypeError, /fit\(x, y\): x/);
    await rejectsWith(net.fit(x, [...y]), TypeError, /fit\(x, y\): y/);
    await rejectsWith(net.fit(x, y, { validationData: [x] }), TypeError, /fit options\.validationData/, /\[x, y\]/);
    await rejectsWith(net.fit(x, y, { validationData: x }), TypeError, /fit options\.validationData/);
    await rejectsWith(net.fit(x, y, { validationData: { x, y } }), TypeError, /fit options\.validationData/);
    await rejectsWith(net.fit(x, y, { validationData: [x, y, y] }), TypeError, /fit options\.validationData/);
    await rejectsWith(net.fit(x, y, { validationData: [x, y.slice(1)] }), RangeError, /validationData\[1\]/);
    await rejectsWith(net.fit(x, y, { validationData: [x.slice(1), y] }), RangeError, /validationData\[0\]/);
    const bad = x.slice();
    bad[7] = NaN;
    await assert.rejects(net.fit(bad, y), (e) => e instanceof NnError && e.code === 'NN_ERR_ARG' && /row 3/.test(e.message));
    const badLabel = y.slice();
    badLabel[4] = 3;
    await assert.rejects(net.fit(x, badLabel), (e) => e instanceof NnError && e.code === 'NN_ERR_ARG' && /label/.test(e.message));
    assert.deepEqual(net.getParams(), before, 'nothing trained');
    const h = await net.fit(x, y, { epochs: 2 });
    assert.equal(h.loss.length, 2, 'a failed start leaves no session open');
    net.dispose();
  });
});

/* ---- no leaks --------------------------------------------------------------------------------- */

test('every way a fit can end returns the wasm heap to its baseline', async () => {
  const c = await core();
  const { x, y } = await spiral(20);
  const val = await spiral(5, 2);
  const once = async () => {
    // finished, with validation and early stopping
    let net = await small();
    await net.fit(x, y, { epochs: 3, validationData: [val.x, val.y], earlyStopping: { patience: 0, minDelta: 1e9 } });
    net.dispose();
    // a throwing callback
    net = await small();
    await assert.rejects(net.fit(x, y, { epochs: 2, onBatchEnd: () => { throw new Error('x'); } }));
    net.dispose();
    // aborted, then checkpointed and resumed
    net = await small();
    const ac = new AbortController();
    await assert.rejects(net.fit(x, y, { epochs: 4, signal: ac.signal, onEpochEnd: () => ac.abort() }));
    const resumed = await Network.load(net.checkpoint());
    await resumed.fit(x, y, { epochs: 4, resume: true });
    resumed.dispose();
    net.dispose();
    // disposed during fit
    net = await small();
    await assert.rejects(net.fit(x, y, { epochs: 3, validationData: [val.x, val.y], onEpochEnd: () => net.dispose() }));
    // refused at the start by the core
    net = await small();
    await assert.rejects(net.fit(x, new Int32Array(30).fill(7)));
    await assert.rejects(net.fit(x, y, { resume: true }));
    net.dispose();
    // diverged
    net = await Network.create({ layers: [2, 8, 3], optimizer: { lr: 1e30 } });
    await assert.rejects(net.fit(x, y, { epochs: 3 }));
    net.dispose();
  };
  await once(); // warm up: the allocator's first growth is not a leak
  const base = c.heapUsed();
  const probe = await small();
  assert.ok(c.heapUsed() > base, 'heapUsed sees a live net (the check is not vacuous)');
  probe.dispose();
  for (let i = 0; i < 3; i++) await once();
  assert.equal(c.heapUsed(), base);
});
