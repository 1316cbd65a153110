/**
 * The peer: TensorFlow.js (tfjs-core) in Node on the `wasm` backend (SIMD build, threads off)
 * or the `cpu` backend, with the manual training loop a tfjs user writes without layers
 * (tf.variable weights, tf.train.sgd(lr).minimize, softmaxCrossEntropy) and a forward
 * function for prediction. Same plan as nnwasm (bench/workloads.mjs), same data, same init
 * kinds; one JSON line out.
 *   node bench/tfjs.mjs wasm|cpu [--quick]
 *
 * tfjs-core registers no gradients by itself; @tensorflow/tfjs-layers is imported only for
 * its side effect of registering tfjs-core's gradient functions (as the union package does).
 * The `cpu` backend is slow on W1, so it runs one timed epoch (see capFor below).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { child, flag, loadData, log as logger, maxRssMB, now } from './common.mjs';
import { latency, plan, summary, w2Result } from './workloads.mjs';

const backend = process.argv[2];
if (backend !== 'wasm' && backend !== 'cpu') {
  console.error('usage: node bench/tfjs.mjs wasm|cpu [--quick]');
  process.exit(2);
}
const log = logger(`tfjs-${backend}`);

/** what the cpu backend is spared: fewer W1 epochs (times are per epoch, so still comparable) */
function capFor(p) {
  if (backend === 'cpu') p.w1.epochs = 1;
  return p;
}

child(async () => {
  const p = capFor(plan({ quick: flag('--quick') }));
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-layers'); // registers the gradients (see above)
  const require = createRequire(import.meta.url);
  let wasmFile = null;
  if (backend === 'wasm') {
    const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
    // Node reads the .wasm with fs from node_modules, offline; say so explicitly
    const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
    setWasmPaths(dist);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasmFile = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
  await tf.ready();
  if (tf.getBackend() !== backend) throw new Error(`tfjs is on ${tf.getBackend()}, not ${backend}`);
  const version = require('@tensorflow/tfjs-core/package.json').version;

  const data = loadData();
  const memory = { beforeW1MB: maxRssMB(), w1MB: null };
  const out = {
    library: `tfjs-${backend}`, version, backend, wasmFile, runtime: `node ${process.version}`,
    flags: { ...tf.env().getFlags() },
  };
  const SCALE = new Float32Array(256).map((_, i) => i / 255); // bytes read as value/255

  /* ---- the model: dense layers as variables, a forward function, the manual step -------- */

  function createModel(layers, std, act, seed) {
    const vars = [];
    const dense = [];
    for (let i = 0; i + 1 < layers.length; i++) {
      const W = tf.variable(tf.randomNormal([layers[i], layers[i + 1]], 0, std(layers[i]), 'float32', seed + i));
      const b = tf.variable(tf.zeros([layers[i + 1]]));
      dense.push({ W, b });
      vars.push(W, b);
    }
    // the last layer gives logits; the loss (training) or softmax (prediction) follows
    const forward = (x) => {
      let h = x;
      dense.forEach(({ W, b }, i) => {
        const last = i === dense.length - 1;
        if (act === 'relu' || last) {
          // fused matMul + bias (+ relu): the kernel tfjs-layers' Dense uses; it has gradients
          h = tf.fused.matMul({ a: h, b: W, bias: b, activation: last ? 'linear' : 'relu' });
        } else {
          h = tf.sigmoid(tf.add(tf.matMul(h, W), b)); // fused sigmoid has no gradient
        }
      });
      return h;
    };
    return { vars, forward, inputs: layers[0], outputs: layers.at(-1), dispose: () => vars.forEach((v) => v.dispose()) };
  }

  /** one shuffled epoch: shuffle, gather each batch (bytes → value/255), forward, backward, update */
  function trainEpoch(model, opt, x, y, rows, batch) {
    const n = model.inputs;
    const order = new Int32Array(rows).map((_, i) => i);
    tf.util.shuffle(order);
    const xb = new Float32Array(batch * n);
    const yb = new Int32Array(batch);
    for (let s = 0; s < rows; s += batch) {
      const m = Math.min(batch, rows - s);
      for (let r = 0; r < m; r++) {
        const row = order[s + r];
        if (x instanceof Uint8Array) {
          for (let j = 0, o = r * n, k = row * n; j < n; j++) xb[o + j] = SCALE[x[k + j]];
        } else {
          xb.set(x.subarray(row * n, row * n + n), r * n);
        }
        yb[r] = y[row];
      }
      tf.tidy(() => {
        const xt = tf.tensor2d(m === batch ? xb : xb.subarray(0, m * n), [m, n]);
        const yt = tf.oneHot(tf.tensor1d(m === batch ? yb : yb.subarray(0, m), 'int32'), model.outputs);
        opt.minimize(() => tf.losses.softmaxCrossEntropy(yt, model.forward(xt)), false, model.vars);
      });
    }
  }

  /** softmax outputs for `rows` rows of floats, copied out as prediction in nnwasm is */
  function predict(model, xf, rows) {
    const t = tf.tidy(() => tf.softmax(model.forward(tf.tensor2d(xf, [rows, model.inputs]))));
    const v = t.dataSync();
    t.dispose();
    return v;
  }

  function evaluate(model, x, y, rows) {
    let right = 0;
    let loss = 0;
    const n = model.inputs;
    for (let s = 0; s < rows; s += 1000) {
      const m = Math.min(1000, rows - s);
      const xs = new Float32Array(m * n);
      if (x instanceof Uint8Array) for (let i = 0; i < xs.length; i++) xs[i] = SCALE[x[s * n + i]];
      else xs.set(x.subarray(s * n, (s + m) * n));
      const [l, pred] = tf.tidy(() => {
        const logits = model.forward(tf.tensor2d(xs, [m, n]));
        const yt = tf.oneHot(tf.tensor1d(y.subarray(s, s + m), 'int32'), model.outputs);
        return [tf.losses.softmaxCrossEntropy(yt, logits).dataSync()[0], tf.argMax(logits, 1).dataSync()];
      });
      loss += l * m;
      for (let i = 0; i < m; i++) if (pred[i] === y[s + i]) right++;
    }
    return { loss: loss / rows, accuracy: right / rows };
  }

  /* ---- W1 ------------------------------------------------------------------------------ */

  const { w1, w2, w3, w4 } = p;
  log('W1 MNIST training');
  const he = (fanIn) => Math.sqrt(2 / fanIn);
  {
    const warm = createModel(w1.layers, he, 'relu', 7);
    trainEpoch(warm, tf.train.sgd(w1.lr), data.train.x, data.train.y, w1.warmupRows, w1.batch);
    warm.dispose();
  }
  const model = createModel(w1.layers, he, 'relu', w1.seed);
  const opt = tf.train.sgd(w1.lr);
  const seconds = [];
  for (let e = 0; e < w1.epochs; e++) {
    const t0 = now();
    trainEpoch(model, opt, data.train.x, data.train.y, w1.rows, w1.batch);
    seconds.push((now() - t0) / 1000);
  }
  memory.w1MB = maxRssMB();
  const test = evaluate(model, data.test.x, data.test.y, p.testRows);
  out.w1 = { rows: w1.rows, epochs: w1.epochs, seconds: summary(seconds), testRows: p.testRows, testAccuracy: test.accuracy,
    testLoss: test.loss, tensorsAfter: tf.memory().numTensors };

  /* ---- W2, W4 ---------------------------------------------------------------------------- */

  log('W2 predict');
  const n = w1.layers[0];
  const testF = new Float32Array(w2.images * n);
  for (let i = 0; i < testF.length; i++) testF[i] = SCALE[data.test.x[i]];
  predict(model, testF, w2.images); // warm-up, both cases
  predict(model, testF.subarray(0, w2.small * n), w2.small);
  const big = [];
  const small = [];
  for (let r = 0; r < w2.reps; r++) {
    let t0 = now();
    predict(model, testF, w2.images);
    big.push((now() - t0) / 1000);
    t0 = now();
    for (let i = 0; i < w2.images; i += w2.small) predict(model, testF.subarray(i * n, (i + w2.small) * n), w2.small);
    small.push((now() - t0) / 1000);
  }
  out.w2 = w2Result(w2.images, big, small, w2.small);

  log('W4 one-image latency');
  const one = testF.slice(0, n);
  out.w4 = latency(() => predict(model, one, 1), w4, now);
  model.dispose();

  /* ---- W3 -------------------------------------------------------------------------------- */

  log('W3 spiral');
  const { x: sx, y: sy } = data.spiral;
  const rows = sy.length;
  const gauss = () => w3.std;
  {
    const warm = createModel(w3.layers, gauss, 'sigmoid', 7);
    const o = tf.train.sgd(w3.lr);
    for (let e = 0; e < w3.warmupEpochs; e++) trainEpoch(warm, o, sx, sy, rows, w3.batch);
    warm.dispose();
  }
  const total = [];
  let final = null;
  for (let r = 0; r < w3.reps; r++) {
    const m3 = createModel(w3.layers, gauss, 'sigmoid', w3.seed + 100 * r);
    const o = tf.train.sgd(w3.lr);
    const t0 = now();
    for (let e = 0; e < w3.epochs; e++) trainEpoch(m3, o, sx, sy, rows, w3.batch);
    total.push((now() - t0) / 1000);
    const ev = evaluate(m3, sx, sy, rows);
    final = { finalLoss: ev.loss, finalAccuracy: ev.accuracy };
    m3.dispose();
    o.dispose();
  }
  out.w3 = { epochs: w3.epochs, steps: w3.epochs * Math.ceil(rows / w3.batch), seconds: summary(total), ...final };
  out.memory = memory;
  return out;
});
