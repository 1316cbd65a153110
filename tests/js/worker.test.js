// WorkerNetwork in Node worker_threads: the same answers as Network, callbacks awaited across
// the thread boundary, errors revived in their own classes, abort and dispose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network, WorkerNetwork, NnError, datasets } from '../../src/js/index.node.js';

const spec = { layers: [2, 10, 3], activation: 'sigmoid', init: { gaussian: 0.01 },
  optimizer: { type: 'sgd', lr: 1 }, seed: 5 };

test('a worker trains bit-identically to the main thread, awaiting callbacks', async () => {
  const { x, y } = await datasets.spiral({ pointsPerClass: 50 });
  const local = await Network.create(spec);
  const remote = await WorkerNetwork.create(spec);
  try {
    assert.deepEqual(remote.spec, local.spec);
    assert.equal(remote.paramCount, local.paramCount);
    assert.deepEqual(await remote.getParams(), local.getParams());
    const seen = [];
    const h1 = await local.fit(x, y, { epochs: 20, batchSize: 30 });
    const h2 = await remote.fit(x, y, {
      epochs: 20, batchSize: 30,
      onEpochEnd: async (e) => {   // the worker must wait for this before it goes on
        await new Promise((r) => setTimeout(r, 2));
        seen.push(e);
      },
    });
    assert.deepEqual(h2, h1);
    assert.deepEqual(seen, [...Array(20).keys()]);
    assert.deepEqual(await remote.getParams(), local.getParams());
    assert.deepEqual(await remote.predict(x), local.predict(x));
    assert.deepEqual(await remote.evaluate(x, y), local.evaluate(x, y));
    assert.deepEqual(await remote.save(), local.save());
    const back = await WorkerNetwork.load(await remote.checkpoint());
    assert.deepEqual(await back.getParams(), local.getParams());
    await back.dispose();
  } finally {
    local.dispose();
    await remote.dispose();
  }
});

test('errors keep their class, message and code; a callback error is rethrown as is', async () => {
  const { x, y } = await datasets.spiral({ pointsPerClass: 20 });
  const net = await WorkerNetwork.create(spec);
  try {
    await assert.rejects(net.fit(x, y, { epochs: 0 }), (e) => e instanceof RangeError && /fit options\.epochs/.test(e.message));
    await assert.rejects(net.fit(x, y, { epoch: 2 }), (e) => e instanceof TypeError && /did you mean "epochs"/.test(e.message));
    await assert.rejects(net.predict(new Float32Array([NaN, 1])),
      (e) => e instanceof NnError && e.code === 'NN_ERR_ARG' && /row 0 column 0/.test(e.message));
    const boom = new Error('boom');
    await assert.rejects(net.fit(x, y, { onBatchEnd: () => { throw boom; } }), (e) => e === boom);
    await assert.rejects(WorkerNetwork.create({ layers: [2] }), RangeError);
    assert.ok((await net.evaluate(x, y)).loss > 0, 'still usable');
  } finally {
    await net.dispose();
  }
});

test('abort stops a worker fit; dispose is idempotent and later calls throw', async () => {
  const { x, y } = await datasets.spiral({ pointsPerClass: 20 });
  const net = await WorkerNetwork.create(spec);
  const ac = new AbortController();
  await assert.rejects(net.fit(x, y, { epochs: 100000, signal: ac.signal,
    onEpochEnd: (e) => { if (e === 3) ac.abort(); } }), { name: 'AbortError' });
  assert.ok((await net.getParams()).every(Number.isFinite));
  const running = net.fit(x, y, { epochs: 100000 });
  await net.dispose();
  await assert.rejects(running, /Network has been disposed/);
  await net.dispose();
  assert.throws(() => net.paramCount, /Network has been disposed/);
  await assert.rejects(net.predict(x), /Network has been disposed/);
});

test('terminate mid-fit (a closed tab) leaves nothing half-written', async () => {
  const { x, y } = await datasets.spiral({ pointsPerClass: 30 });
  const net = await WorkerNetwork.create(spec);
  let snapshot = null;
  const running = net.fit(x, y, {
    epochs: 100000, batchSize: 10,
    onEpochEnd: async (e) => {
      if (e === 5) snapshot = await net.checkpoint();   // answered between chunks
      if (e === 10) net.terminate();
    },
  });
  await assert.rejects(running, /Network has been disposed/);
  assert.ok(snapshot, 'a checkpoint was taken mid-fit');
  const back = await Network.load(snapshot);           // whole-step weights, loads cleanly
  assert.ok(back.getParams().every(Number.isFinite));
  const more = await back.fit(x, y, { epochs: 8, batchSize: 10, resume: true }); // 6 were done
  assert.equal(more.loss.length, 2);
  back.dispose();
  await assert.rejects(net.predict(x), /Network has been disposed/);
  await net.dispose();                                  // after terminate: a no-op
});

test('the imports and exports work in a worker: the same parameters and files as Network', async () => {
  const local = await Network.create({ layers: [4, 6, 3], activation: 'tanh', seed: 8 });
  const w = local.weights();
  const [npz, tfjs, onnx] = [await local.toNpz(), await local.toTfjs(), await local.toOnnx()];
  const workers = [
    await WorkerNetwork.fromWeights(local.spec, w), // the whole spec: ONNX metadata holds it
    await WorkerNetwork.fromNpz(npz, { activation: 'tanh' }),
    await WorkerNetwork.fromTfjs(tfjs.modelJson, tfjs.weightData),
    await WorkerNetwork.fromOnnx(onnx),
  ];
  try {
    for (const remote of workers) {
      assert.equal(remote.spec.activation, 'tanh');
      assert.deepEqual(await remote.getParams(), local.getParams());
      assert.deepEqual(await remote.weights(), w);
    }
    // each export from the worker is the file the main thread writes
    assert.deepEqual(await workers[0].toNpz(), npz);
    assert.deepEqual(await workers[0].toOnnx(), onnx);
    const back = await workers[0].toTfjs();
    assert.deepEqual(back.modelJson, tfjs.modelJson);
    assert.deepEqual(new Uint8Array(back.weightData), new Uint8Array(tfjs.weightData));
    // a refusal comes back in its class, with the message of Network
    await assert.rejects(WorkerNetwork.fromWeights({ layers: [4, 3] }, [new Float32Array(5), [0, 0, 0]]),
      { name: 'RangeError', message: /W1 must be 4 × 3/ });
  } finally {
    local.dispose();
    for (const remote of workers) await remote.dispose();
  }
});

test('recreate swaps the network for a new spec and keeps the data loaded in the worker', async () => {
  // an IDX pair of 120 images of 4×4 pixels in 3 classes: class k is bright in pixel row k
  const n = 120;
  const images = new Uint8Array(16 + 16 * n);
  const labels = new Uint8Array(8 + n);
  new DataView(images.buffer).setUint32(0, 2051);
  new DataView(images.buffer).setUint32(4, n);
  new DataView(images.buffer).setUint32(8, 4);
  new DataView(images.buffer).setUint32(12, 4);
  new DataView(labels.buffer).setUint32(0, 2049);
  new DataView(labels.buffer).setUint32(4, n);
  for (let i = 0; i < n; i++) {
    labels[8 + i] = i % 3;
    for (let p = 0; p < 16; p++) images[16 + 16 * i + p] = ((p >> 2) === i % 3 ? 200 : 30) + ((7 * i + 13 * p) % 50);
  }
  const url = (bytes) => `data:application/octet-stream;base64,${Buffer.from(bytes).toString('base64')}`;
  const first = { layers: [16, 5, 3], seed: 1 };
  const second = { layers: [16, 8, 8, 3], activation: 'tanh', optimizer: { type: 'adam', lr: 0.01 }, dropout: 0.1, seed: 7 };
  const remote = await WorkerNetwork.create(first);
  try {
    const x = await remote.loadIdx(url(images), { bytes: true });
    const y = await remote.loadIdx(url(labels));
    await remote.fit(x, y, { epochs: 2, batchSize: 10 });

    // a refused spec leaves the first network as it was
    const trained = await remote.getParams();
    await assert.rejects(remote.recreate({ layers: [16, 0, 3] }),
      (e) => e instanceof RangeError && e.message === 'spec.layers[1] must be an integer in [1, 65536], got 0');
    await assert.rejects(remote.recreate({ layers: [16, 65536, 65536, 3] }),
      (e) => e instanceof NnError && e.code === 'NN_ERR_ARG' && /parameters are too many/.test(e.message));
    await assert.rejects(remote.recreate({ layers: [16, 3], activaton: 'tanh' }), TypeError);
    assert.deepEqual(remote.spec.layers, [16, 5, 3]);
    assert.deepEqual(await remote.getParams(), trained);

    await remote.recreate(second);
    assert.deepEqual(remote.spec.layers, [16, 8, 8, 3]);
    assert.equal(remote.inputs, 16);
    assert.equal(remote.outputs, 3);
    assert.equal(remote.paramCount, 17 * 8 + 9 * 8 + 9 * 3);
    // the kept data trains the new network exactly as the same bytes train a fresh one here
    const local = await Network.create(second);
    try {
      assert.deepEqual(remote.spec, local.spec);
      const lx = (await datasets.idx(images, { bytes: true })).x;
      const ly = (await datasets.idx(labels)).y;
      const opts = { epochs: 5, batchSize: 12 };
      const h1 = await remote.fit(x, y, { ...opts, validationData: [x, y] });
      const h2 = await local.fit(lx, ly, { ...opts, validationData: [lx, ly] });
      assert.deepEqual(h1, h2);
      assert.deepEqual(await remote.getParams(), local.getParams());
      assert.deepEqual(await remote.save(), local.save());
    } finally {
      local.dispose();
    }

    // not while a fit runs
    const ac = new AbortController();
    const running = remote.fit(x, y, { epochs: 100000, signal: ac.signal });
    await assert.rejects(remote.recreate(first),
      (e) => e.message === 'recreate cannot run while fit is running; await it or abort it first');
    ac.abort();
    await assert.rejects(running, { name: 'AbortError' });
    assert.deepEqual(remote.spec.layers, [16, 8, 8, 3]);
  } finally {
    await remote.dispose();
  }
  await assert.rejects(remote.recreate(first), /Network has been disposed/);
});
