/**
 * `nnwasm train`: data, spec and fit options from the command line, the fit with its progress
 * display, and Ctrl-C: the first stops after the current step and writes the model so far, a
 * second quits at once. The model is written through a temporary file, so --out is never half
 * written.
 */
import { extname } from 'node:path';
import { Network } from './index.node.js';
import { intValue, needs, numberValue, sizesValue, specError, together, usage } from './cli-args.js';
import { checkWritable, encodeModel, idxPair, loadModel, namedDataset, nnwHeader, pauseForTest, removeTemporaries,
  writeFiles } from './cli-files.js';
import { createReporter, formatDuration, percent } from './cli-progress.js';

const INTERRUPTED = 130;   // the exit code of a run stopped by Ctrl-C, as shells report it

/** Defaults per data set: the spiral's are the seeds' 2-10-3 sigmoid run, MNIST's the demo's. */
const DEFAULTS = {
  spiral: { hidden: [10], activation: 'sigmoid', init: { gaussian: 0.01 }, lr: 1, epochs: 300, batch: 30 },
  images: { hidden: [100, 50], activation: 'relu', init: 'he', lr: 0.1, epochs: 5, batch: 100 },
};

/** options that describe the network: a resumed checkpoint brings its own */
const NETWORK_OPTIONS = ['hidden', 'layers', 'activation', 'output', 'loss', 'init', 'seed', 'leaky-slope',
  'hswish-n', 'optimizer', 'lr', 'momentum', 'rho', 'beta1', 'beta2', 'eps', 'weight-decay', 'clip-norm', 'dropout'];

const OPTIMIZER_NUMBERS = { lr: 'lr', momentum: 'momentum', rho: 'rho', beta1: 'beta1', beta2: 'beta2', eps: 'eps' };
const SPEC_NUMBERS = { 'leaky-slope': 'leakySlope', 'hswish-n': 'hswishN', 'weight-decay': 'weightDecay',
  'clip-norm': 'clipNorm', dropout: 'dropout' };

/* ---- the command line ------------------------------------------------------------------------ */

/** check the options against each other and convert every value, before any data is read */
function readOptions(v) {
  if (v.dataset !== undefined && v['train-images'] !== undefined) throw together('dataset', 'train-images', 'train');
  if (v.dataset === undefined && v['train-images'] === undefined && v['train-labels'] === undefined) {
    throw usage(new TypeError('train needs --dataset mnist|spiral, or --train-images and --train-labels'), 'train');
  }
  if (v.dataset !== undefined && !['mnist', 'spiral'].includes(v.dataset)) {
    throw usage(new RangeError(`--dataset must be mnist or spiral, got ${JSON.stringify(v.dataset)}`), 'train');
  }
  for (const [a, b] of [['train-images', 'train-labels'], ['test-images', 'test-labels']]) {
    if (v[a] !== undefined && v[b] === undefined) throw needs(a, b, 'train');
    if (v[b] !== undefined && v[a] === undefined) throw needs(b, a, 'train');
  }
  if (v.dataset !== undefined && v['test-images'] !== undefined) {
    const why = v.dataset === 'mnist' ? 'MNIST tests on its own test images' : 'the spiral has no test set';
    throw together('dataset', 'test-images', 'train', ` (${why})`);
  }
  if (v.hidden !== undefined && v.layers !== undefined) throw together('hidden', 'layers', 'train');
  if (v.resume !== undefined) {
    const given = NETWORK_OPTIONS.find((name) => v[name] !== undefined);
    if (given) throw together('resume', given, 'train', ' (the checkpoint holds the network and its optimizer)');
  }
  const out = v.out ?? 'model.nnw';
  if (['.npz', '.onnx', '.json'].includes(extname(out).toLowerCase())) {
    throw usage(new RangeError(`--out ${out}: train writes nnwasm model files (.nnw); make other formats ` +
      'from one with nnwasm convert'), 'train');
  }
  const o = {
    data: v.dataset ?? 'idx',
    out,
    epochs: intValue(v, 'epochs', 'train', 1),
    batch: intValue(v, 'batch', 'train', 1),
    seed: intValue(v, 'seed', 'train', 0, 2 ** 32 - 1),
    hidden: sizesValue(v, 'hidden', 'train'),
    layers: sizesValue(v, 'layers', 'train'),
    numbers: {},
  };
  for (const name of [...Object.keys(OPTIMIZER_NUMBERS), ...Object.keys(SPEC_NUMBERS)]) {
    o.numbers[name] = numberValue(v, name, 'train');
  }
  if (o.layers && (o.layers.length < 2 || o.layers.length > 16)) {
    throw usage(new RangeError(`--layers needs 2 to 16 sizes (input and output included), got ${o.layers.length}`),
      'train');
  }
  if (o.hidden && o.hidden.length > 14) {
    throw usage(new RangeError(`--hidden allows at most 14 hidden layers, got ${o.hidden.length}`), 'train');
  }
  const init = v.init;
  if (init !== undefined && init.startsWith('gaussian:')) {
    const std = init.slice(9).trim() === '' ? NaN : Number(init.slice(9));
    if (!Number.isFinite(std)) {
      throw usage(new RangeError(`--init gaussian:STD needs a number STD, got ${JSON.stringify(init)}`), 'train');
    }
    o.init = { gaussian: std };
  } else {
    o.init = init;
  }
  return o;
}

/** the spec from the options and the data's shape */
function buildSpec(v, o, train) {
  const d = DEFAULTS[o.data === 'spiral' ? 'spiral' : 'images'];
  let layers;
  if (o.layers) {
    layers = o.layers;
    if (layers[0] !== train.cols) {
      throw usage(new RangeError(`--layers starts with ${layers[0]} inputs; ${train.name} has ${train.cols} ` +
        'values per row'), 'train');
    }
    const outputs = layers[layers.length - 1];
    if (outputs < train.classes && !(outputs === 1 && train.classes === 2)) {
      throw usage(new RangeError(`--layers ends with ${outputs} outputs; the labels of ${train.name} need ` +
        `${train.classes} (classes 0 to ${train.classes - 1})`), 'train');
    }
  } else {
    layers = [train.cols, ...(o.hidden ?? d.hidden), train.classes];
  }
  const spec = { layers, activation: v.activation ?? d.activation, init: o.init ?? d.init };
  if (v.output !== undefined) spec.output = v.output;
  if (v.loss !== undefined) spec.loss = v.loss;
  else if (v.output === 'identity') spec.loss = 'mse';   // cross-entropy needs probabilities
  if (o.seed !== undefined) spec.seed = o.seed;
  for (const [name, key] of Object.entries(SPEC_NUMBERS)) {
    if (o.numbers[name] !== undefined) spec[key] = o.numbers[name];
  }
  spec.optimizer = { type: v.optimizer ?? 'sgd', lr: o.numbers.lr ?? d.lr };
  for (const [name, key] of Object.entries(OPTIMIZER_NUMBERS)) {
    if (o.numbers[name] !== undefined) spec.optimizer[key] = o.numbers[name];
  }
  return spec;
}

/* ---- data -------------------------------------------------------------------------------------- */

async function readData(v, o) {
  if (o.data === 'spiral') return { train: await namedDataset('spiral', 'train'), test: null };
  if (o.data === 'mnist') {
    return { train: await namedDataset('mnist', 'train', { bytes: true }),
      test: await namedDataset('mnist', 'test', { bytes: true }) };
  }
  const train = await idxPair(v['train-images'], v['train-labels'], { bytes: true });
  let test = null;
  if (v['test-images'] !== undefined) {
    test = await idxPair(v['test-images'], v['test-labels'], { bytes: true });
    if (test.cols !== train.cols) {
      throw new Error(`${test.name} has ${test.cols} values per row; ${train.name} has ${train.cols}`);
    }
    train.classes = Math.max(train.classes, test.classes);
  }
  return { train, test };
}

/** the checkpoint to resume, and where its unfinished session stands */
async function readCheckpoint(path) {
  const { net, format, bytes } = await loadModel(path, {}, 'train');
  const header = format === 'nnw' ? nnwHeader(bytes, net.spec, net.paramCount) : null;
  if (header?.kind !== 'checkpoint') {
    net.dispose();
    throw new Error(`${path} is a model, not a checkpoint; only a checkpoint (train --checkpoint) can be resumed`);
  }
  if (!header.session) {
    net.dispose();
    throw new Error(`${path} has no unfinished training to resume`);
  }
  return { net, session: header.session };
}

/* ---- the command ------------------------------------------------------------------------------- */

/**
 * Run `nnwasm train`. Resolves to the exit code (0, or 130 when interrupted); failures throw.
 * @param {object} v parsed option values
 * @param {{out: NodeJS.WritableStream, err: NodeJS.WriteStream}} io
 */
export async function train(v, positionals, io) {
  const o = readOptions(v);
  await checkWritable(o.out);
  const { train: data, test } = await readData(v, o);
  let net;
  let session = null;
  if (v.resume !== undefined) {
    ({ net, session } = await readCheckpoint(v.resume));
    if (net.inputs !== data.cols) {
      net.dispose();
      throw new Error(`${v.resume} takes ${net.inputs} inputs; ${data.name} has ${data.cols} values per row`);
    }
  } else {
    const spec = buildSpec(v, o, data);
    try {
      net = await Network.create(spec);
    } catch (err) {
      throw specError(err, 'train');
    }
  }
  try {
    return await run(net, v, o, data, test, session, io);
  } finally {
    net.dispose();
  }
}

async function run(net, v, o, data, test, session, io) {
  const d = DEFAULTS[o.data === 'spiral' ? 'spiral' : 'images'];
  const epochs = o.epochs ?? session?.epochs ?? d.epochs;
  const batchSize = Math.min(o.batch ?? session?.batchSize ?? d.batch, data.rows);
  const batches = Math.ceil(data.rows / batchSize);
  const quiet = Boolean(v.quiet);
  const bar = !quiet && !v.plain && io.err.isTTY && process.env.TERM !== 'dumb';
  const say = (line) => { if (!quiet) io.out.write(`${line}\n`); };
  const s = net.spec;
  say(`${session ? 'resuming' : 'training'} ${s.layers.join('-')} ${s.activation} (${net.paramCount} parameters, ` +
    `${s.optimizer.type} lr ${Number(s.optimizer.lr.toPrecision(6))}) on ${data.name} (${data.rows} rows)` +
    `${test ? `, testing on ${test.name}` : ''}: ${epochs} epoch${epochs === 1 ? '' : 's'} of batch ${batchSize}` +
    `${session ? `, from epoch ${session.epoch + 1}` : ''}`);

  const reporter = createReporter({ out: io.out, err: io.err, mode: quiet ? 'quiet' : bar ? 'bar' : 'lines',
    epochs, batches, firstEpoch: session?.epoch ?? 0, firstBatch: session?.batch ?? 0 });
  // Ctrl-C: the first stops after the current step (or lets a finished training be written),
  // the second quits at once; --out then keeps what it had. Wherever the second lands (in a
  // step, or while the model is written), removeTemporaries leaves no temporary file: see
  // writeAtomic for why none can appear after it.
  const controller = new AbortController();
  let fitting = true;
  let steps = 0;
  const onSignal = () => {
    if (!controller.signal.aborted) {
      controller.abort();
      reporter.note(`nnwasm: ${fitting ? 'stopping after the current step' : `writing ${o.out} first`} ` +
        '(Ctrl-C again to quit at once)');
      return;
    }
    removeTemporaries();
    reporter.note(`nnwasm: interrupted again; quit without writing ${o.out}`);
    process.exit(INTERRUPTED);
  };
  process.on('SIGINT', onSignal);
  const t0 = performance.now();
  try {
    let stopped = false;   // the fit ended early, by Ctrl-C
    try {
      await net.fit(data.x, data.y, {
        epochs, batchSize, resume: Boolean(session), signal: controller.signal,
        validationData: test ? [test.x, test.y] : undefined,
        onBatchEnd: (batch, logs) => {
          steps++;
          reporter.batch(batch, logs);
          return pauseForTest(`step:${steps}`, `after step ${steps}`);
        },
        onEpochEnd: (epoch, logs) => reporter.epoch(epoch, logs),
      });
    } catch (err) {
      reporter.end();
      if (!controller.signal.aborted || err !== controller.signal.reason) {
        throw new Error(`training failed (${o.out} not written): ${err.message}`, { cause: err });
      }
      stopped = true;
    } finally {
      fitting = false;
    }
    reporter.end();
    if (stopped && steps === 0) {
      reporter.note(`nnwasm: interrupted before the first step; nothing was written to ${o.out}`);
      return INTERRUPTED;
    }
    if (!stopped) {
      say(`trained in ${formatDuration(performance.now() - t0)}`);
      say(`train  ${scoreLine(net.evaluate(data.x, data.y), data.rows)}`);
      if (test) say(`test   ${scoreLine(net.evaluate(test.x, test.y), test.rows)}`);
    }
    await writeFiles(await encodeModel(net, o.out, 'nnw', { checkpoint: Boolean(v.checkpoint) }));
    const what = v.checkpoint ? 'a checkpoint' : 'the model';
    if (stopped) {
      const at = reporter.where();
      const place = at.batch === 0 ? `after epoch ${at.epoch - 1}/${at.epochs}`
        : `in epoch ${at.epoch}/${at.epochs} after batch ${at.batch}/${at.batches}`;
      reporter.note(`nnwasm: interrupted ${place}; wrote ${what} so far to ${o.out}` +
        `${v.checkpoint ? ` (continue with nnwasm train --resume ${o.out} and the same data)` : ''}`);
      return INTERRUPTED;
    }
    say(`wrote ${what} to ${o.out}`);
    if (controller.signal.aborted) {
      reporter.note(`nnwasm: interrupted after the training had finished; wrote ${what} to ${o.out}`);
      return INTERRUPTED;
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/** "loss 0.1058  accuracy 97.33% (292/300)": what train prints at the end and eval prints */
export function scoreLine({ loss, accuracy }, rows) {
  return `loss ${loss.toFixed(4)}  accuracy ${percent(accuracy)} (${Math.round(accuracy * rows)}/${rows})`;
}
