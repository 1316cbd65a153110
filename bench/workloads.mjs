/**
 * The benchmark's workloads and their sizes, shared by every runner. No Node or DOM imports:
 * bench/nnwasm.mjs (Node) and bench/page.mjs (Chromium) run the nnwasm half of this file on
 * the same plan; bench/tfjs.mjs follows the same plan with tfjs.
 *
 *   W1  MNIST 784-100-50-10 ReLU, softmax cross-entropy, SGD 0.1, batch 100, shuffled each
 *       epoch: seconds per epoch, then test accuracy.
 *   W2  predict the 10,000 test images: one batch of 10,000 and ten of 1,000; images/s
 *       (--quick: 2,000 images, 1×2,000 and 10×200).
 *   W3  the spiral (seed 1), 2-10-3 sigmoid, SGD 1.0, batch 30, 300 epochs: seconds, loss.
 *   W4  one 784-pixel image through the W1 net (the canvas case): latency in µs.
 */

/** What every runner does, full or --quick. Runners may cap a peer (see bench/tfjs.mjs). */
export function plan({ quick = false } = {}) {
  return {
    quick,
    w1: {
      layers: [784, 100, 50, 10], lr: 0.1, batch: 100, seed: 42,
      rows: quick ? 6000 : 60000,     // training rows used (the first ones)
      epochs: quick ? 1 : 3,          // timed epochs, one after another on one network
      warmupRows: quick ? 500 : 2000, // one untimed epoch on a throwaway network first
    },
    // W2 predicts the first `images` test images as one batch and as ten of `small`
    w2: { images: quick ? 2000 : 10000, small: quick ? 200 : 1000, reps: quick ? 1 : 5 },
    testRows: quick ? 2000 : 10000, // test images W1's accuracy is measured on
    w3: { layers: [2, 10, 3], lr: 1.0, batch: 30, epochs: 300, std: 0.01, seed: 1,
      reps: quick ? 1 : 5, warmupEpochs: 10 },
    w4: { calls: quick ? 300 : 3000, warmup: quick ? 50 : 300 },
  };
}

/* ---- statistics ------------------------------------------------------------------------- */

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

/** { runs, median, min } of a list of timings (or any measurements) */
export function summary(values) {
  return { runs: values, median: median(values), min: Math.min(...values) };
}

/** the shared W2 result shape from per-rep seconds of the two cases */
export function w2Result(images, bigSeconds, smallSeconds, small) {
  const rate = (s) => images / s;
  return {
    images,
    oneBatch: { batch: images, seconds: summary(bigSeconds), imagesPerSec: { median: rate(median(bigSeconds)), max: rate(Math.min(...bigSeconds)) } },
    tenBatches: { batch: small, seconds: summary(smallSeconds), imagesPerSec: { median: rate(median(smallSeconds)), max: rate(Math.min(...smallSeconds)) } },
  };
}

/** latency of fn() in µs: `calls` samples, each timing `group` calls (1 in Node; more where the
 *  clock is coarse, as in browsers), after `warmup` untimed calls */
export function latency(fn, { calls, warmup, group = 1 }, now) {
  for (let i = 0; i < warmup; i++) fn();
  const us = [];
  for (let i = 0; i < Math.ceil(calls / group); i++) {
    const t0 = now();
    for (let j = 0; j < group; j++) fn();
    us.push(((now() - t0) * 1000) / group);
  }
  return { calls: us.length * group, group, medianUs: median(us), minUs: Math.min(...us), p90Us: quantile(us, 0.9) };
}

/* ---- nnwasm ------------------------------------------------------------------------------ */

/**
 * Every workload with nnwasm.
 * @param {object} nn the nnwasm module (Network, datasets)
 * @param {{train: {x: Uint8Array, y: Int32Array}, test: {x: Uint8Array, y: Int32Array},
 *   spiral: {x: Float32Array, y: Int32Array}}} data MNIST as bytes, the spiral
 * @param {object} p plan()
 * @param {{now: () => number, latencyGroup?: number, afterW1?: () => void,
 *   log?: (msg: string) => void}} env the clock in ms; afterW1 runs right after W1 (memory)
 */
export async function runNnwasm(nn, data, p, env) {
  const { Network, datasets } = nn;
  const { now, log = () => {} } = env;
  const out = {};
  const { w1, w2, w3, w4 } = p;
  const inputs = w1.layers[0];
  const trainX = data.train.x.subarray(0, w1.rows * inputs);
  const trainY = data.train.y.subarray(0, w1.rows);
  const w1Spec = {
    layers: w1.layers, activation: 'relu', output: 'softmax', loss: 'cross_entropy',
    optimizer: { type: 'sgd', lr: w1.lr }, init: 'he', seed: w1.seed,
  };

  // W1: warm-up on a throwaway net, then `epochs` timed epochs in one fit (the times are taken
  // at each epoch's end, so the first also holds fit's copy of the data into the wasm heap)
  log('W1 MNIST training');
  const warm = await Network.create(w1Spec);
  await warm.fit(trainX.subarray(0, w1.warmupRows * inputs), trainY.subarray(0, w1.warmupRows),
    { epochs: 1, batchSize: w1.batch });
  warm.dispose();
  const net = await Network.create(w1Spec);
  const seconds = [];
  const losses = [];
  let t = now();
  await net.fit(trainX, trainY, {
    epochs: w1.epochs, batchSize: w1.batch, shuffle: true,
    onEpochEnd: (epoch, logs) => {
      const t1 = now();
      seconds.push((t1 - t) / 1000);
      losses.push(logs.loss);
      t = t1;
    },
  });
  env.afterW1?.();
  const test = net.evaluate(data.test.x.subarray(0, p.testRows * inputs), data.test.y.subarray(0, p.testRows));
  out.w1 = { rows: w1.rows, epochs: w1.epochs, seconds: summary(seconds), trainLoss: losses,
    testRows: p.testRows, testAccuracy: test.accuracy, testLoss: test.loss };

  // W2: predict takes floats; converting the bytes is not timed (a caller would hold floats)
  log('W2 predict');
  const testF = await datasets.bytesToFloats(data.test.x.subarray(0, w2.images * inputs));
  const big = [];
  const small = [];
  net.predict(testF); // warm-up: both cases once (the first big batch also grows the heap)
  net.predict(testF.subarray(0, w2.small * inputs));
  for (let r = 0; r < w2.reps; r++) {
    let t0 = now();
    net.predict(testF);
    big.push((now() - t0) / 1000);
    t0 = now();
    for (let i = 0; i < w2.images; i += w2.small) net.predict(testF.subarray(i * inputs, (i + w2.small) * inputs));
    small.push((now() - t0) / 1000);
  }
  out.w2 = w2Result(w2.images, big, small, w2.small);

  // W4: one image, as the demo's canvas sends it
  log('W4 one-image latency');
  const one = testF.slice(0, inputs);
  out.w4 = latency(() => net.predict(one), { ...w4, group: env.latencyGroup ?? 1 }, now);
  net.dispose();

  // W3: the spiral, whole fits timed
  log('W3 spiral');
  const w3Spec = {
    layers: w3.layers, activation: 'sigmoid', output: 'softmax', loss: 'cross_entropy',
    optimizer: { type: 'sgd', lr: w3.lr }, init: { gaussian: w3.std }, seed: w3.seed,
  };
  const { x: sx, y: sy } = data.spiral;
  const warm3 = await Network.create(w3Spec);
  await warm3.fit(sx, sy, { epochs: w3.warmupEpochs, batchSize: w3.batch });
  warm3.dispose();
  const total = [];
  let final = null;
  for (let r = 0; r < w3.reps; r++) {
    const n3 = await Network.create(w3Spec);
    const t0 = now();
    const h = await n3.fit(sx, sy, { epochs: w3.epochs, batchSize: w3.batch, shuffle: true });
    total.push((now() - t0) / 1000);
    const ev = n3.evaluate(sx, sy);
    final = { finalLoss: ev.loss, finalAccuracy: ev.accuracy, lastEpochTrainLoss: h.loss.at(-1) };
    n3.dispose();
  }
  out.w3 = { epochs: w3.epochs, steps: w3.epochs * Math.ceil(sy.length / w3.batch), seconds: summary(total), ...final };
  return out;
}
