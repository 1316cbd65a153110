/**
 * A training run's numbers and its state, DOM-free so Node tests can import them. A run starts
 * 'running' and ends once, as 'done', 'failed' or 'stopped': end() refuses a second ending, and
 * every text the training panel shows (progress, log, message) is computed from the run, so a
 * late frame or a late message from the worker cannot overwrite how the run ended.
 *
 * The loss is judged against the loss of guessing, ln(classes) for softmax cross-entropy:
 * a run whose loss ends EXPLODED times above it (or not finite) failed; a loss that rose GREW
 * times above it on the way earns a warning.
 */
import { DATASETS, LEARNING_RATES } from './settings.js';

export const EXPLODED = 100;
export const GREW = 10;

const OPTIMIZER_NAMES = { sgd: 'SGD', momentum: 'momentum', nesterov: 'Nesterov', adagrad: 'AdaGrad',
  rmsprop: 'RMSprop', adam: 'Adam' };

/** A loss or learning rate for people: 3 significant digits, exponent notation when large or tiny. */
export function formatNumber(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(3)));
}

/**
 * A new run, in state 'running'.
 * @param {{dataset: string, spec: object, epochs: number, batchSize: number}} settings
 * @param {number} startedAt a time in ms (performance.now())
 */
export function createRun(settings, startedAt) {
  return {
    settings,
    classes: DATASETS[settings.dataset].classes,
    state: 'running',          // running | done | failed | stopped
    phase: 'starting',         // starting | loading | fitting (while running)
    message: null,             // { kind: 'warning' | 'error' | 'info', text }
    startedAt,
    seconds: 0,                // run time, set when it ends
    epoch: 0,                  // epochs finished
    batch: 0,                  // batches finished in the current epoch
    batchesPerEpoch: 0,
    history: { loss: [], accuracy: [], valLoss: [], valAccuracy: [] },
    smooth: null,              // running averages of the batch loss and accuracy
    batches: [],               // thinned batch points for the chart: { x, loss, accuracy }
    firstLoss: null,           // the first loss seen (batch or epoch)
  };
}

/**
 * End a run: its state, seconds and final message. Only the first call counts.
 * @returns {boolean} whether this call ended it
 */
export function end(run, state, { at, message = null } = {}) {
  if (run.state !== 'running') return false;
  run.state = state;
  if (at !== undefined) run.seconds = (at - run.startedAt) / 1000;
  if (message) run.message = message;
  return true;
}

/* where in the run it is, for messages: the batch of the current epoch, or the epoch */
function place(run) {
  const { epochs } = run.settings;
  if (run.batch) return `epoch ${Math.min(run.epoch + 1, epochs)}/${epochs}, batch ${run.batch}/${run.batchesPerEpoch}`;
  return `epoch ${Math.max(1, run.epoch)}/${epochs}`;
}

/* the loss of guessing every class equally */
const chance = (run) => Math.log(run.classes);

/* a loss seen: the first one kept, and a warning when it is GREW times above guessing */
function sawLoss(run, loss) {
  run.firstLoss ??= loss;
  if (!(loss <= GREW * chance(run)) && run.message?.kind !== 'warning') {
    run.message = { kind: 'warning', text: `The loss has grown from ${formatNumber(run.firstLoss)} to ` +
      `${formatNumber(loss)} (${place(run)}). ${advice(run)}` };
  }
}

/** What to try: the optimizer's usual learning rate on this data set, or a lower one. */
export function advice(run) {
  const { type, lr } = run.settings.spec.optimizer;
  const usual = LEARNING_RATES[run.settings.dataset][type];
  const name = OPTIMIZER_NAMES[type] ?? type;
  if (lr > usual) return `The learning rate ${formatNumber(lr)} is probably too high for ${name}: try ${formatNumber(usual)}.`;
  if (lr < usual) return `Try ${name}'s usual learning rate ${formatNumber(usual)}.`;
  return `Try a learning rate lower than ${formatNumber(lr)}, or another optimizer.`;
}

/** After a batch (MNIST): its loss and accuracy, smoothed for the chart every `stride` steps.
 * Once the run has ended, a late batch changes nothing. */
export function recordBatch(run, batch, logs, stride) {
  if (run.state !== 'running') return;
  run.batch = batch + 1;
  const a = 0.05;
  run.smooth = run.smooth && Number.isFinite(run.smooth.loss)
    ? { loss: run.smooth.loss + a * (logs.loss - run.smooth.loss), accuracy: logs.accuracy }
    : { loss: logs.loss, accuracy: logs.accuracy };
  if (logs.step % stride === 0) {
    run.batches.push({ x: logs.epoch + run.batch / run.batchesPerEpoch, ...run.smooth });
  }
  sawLoss(run, logs.loss);
}

/** After an epoch: its numbers into the history (once the run has ended, nothing). */
export function recordEpoch(run, epoch, logs) {
  if (run.state !== 'running') return;
  const h = run.history;
  h.loss.push(logs.loss);
  h.accuracy.push(logs.accuracy);
  if (logs.valLoss !== undefined) {
    h.valLoss.push(logs.valLoss);
    h.valAccuracy.push(logs.valAccuracy);
  }
  run.epoch = epoch + 1;
  run.batch = 0;
  sawLoss(run, logs.loss);
}

/**
 * How a finished fit turned out: failed when the last loss is not finite or EXPLODED times
 * the loss of guessing, or when the network predicts a value that is not finite; otherwise
 * done, with a warning when the loss grew on the way or the accuracy is no better than guessing.
 * @param {object} run
 * @param {boolean} predictsFinite every output of the trained network on a probe is finite
 * @returns {{state: 'done' | 'failed', message: {kind: string, text: string} | null}}
 */
export function verdict(run, predictsFinite) {
  const h = run.history;
  const last = h.valLoss.at(-1) ?? h.loss.at(-1);
  if (!predictsFinite) {
    return { state: 'failed', message: { kind: 'error', text: 'Training failed: the trained network ' +
      `predicts values that are not finite (NaN or ∞), so it was not kept. ${advice(run)}` } };
  }
  if (last !== undefined && !(last <= EXPLODED * chance(run))) {
    return { state: 'failed', message: { kind: 'error', text: `Training failed: the loss exploded to ` +
      `${formatNumber(last)} (guessing scores ${formatNumber(chance(run))}), so the network was not kept. ${advice(run)}` } };
  }
  const accuracy = h.valAccuracy.at(-1) ?? h.accuracy.at(-1);
  if (accuracy !== undefined && accuracy <= 1.5 / run.classes) {
    return { state: 'done', message: { kind: 'warning', text: `The network is no better than guessing ` +
      `(accuracy ${(accuracy * 100).toFixed(1)}%). ${advice(run)}` } };
  }
  return { state: 'done', message: run.message?.kind === 'warning' ? run.message : null };
}

/**
 * The failure message for an error thrown by the run (the worker, the data or the fit).
 * @param {object} run
 * @param {Error} err
 */
export function failure(run, err) {
  if (err?.code === 'NN_ERR_NONFINITE') {
    return { kind: 'error', text: `Training failed: the loss became infinite or NaN (after ${place(run)}), ` +
      `so the network was not kept. ${advice(run)}` };
  }
  const text = (err?.message || String(err)).replace(/\.$/, '');
  return { kind: 'error', text: `Training failed: ${text}.` };
}

/** The progress line: what the run is doing, or how it ended. */
export function progressText(run) {
  const { epochs, dataset } = run.settings;
  const mnist = dataset === 'mnist';
  const where = mnist ? `epoch ${Math.min(run.epoch + 1, epochs)}/${epochs} · batch ${run.batch}/${run.batchesPerEpoch}`
    : `epoch ${run.epoch}/${epochs}`;
  switch (run.state) {
    case 'done': {
      const n = run.history.loss.length;
      return `done: ${n} epoch${n === 1 ? '' : 's'} in ${run.seconds.toFixed(1)} s`;
    }
    case 'failed': return run.phase === 'fitting' ? `failed at ${place(run)}` : 'failed';
    case 'stopped': return run.phase === 'fitting' ? `stopped at ${place(run)}` : 'stopped before training began';
    default:
      if (run.phase === 'starting') return 'starting the worker…';
      if (run.phase === 'loading') return mnist ? 'loading MNIST into the worker (60,000 + 10,000 images)…' : 'making the spiral…';
      return where;
  }
}

/** How far the run is, 0..1, or null while it has not begun fitting. */
export function progressFraction(run) {
  if (run.state === 'done') return 1;
  if (run.phase !== 'fitting') return run.state === 'running' ? null : 0;
  return (run.epoch + run.batch / Math.max(1, run.batchesPerEpoch)) / run.settings.epochs;
}

const fixed = (v) => (Number.isFinite(v) && Math.abs(v) < 1e5 ? v.toFixed(4) : formatNumber(v));

/** The log line: the latest epoch's numbers, or in the first epoch the running ones. */
export function logText(run) {
  const { history: h, settings } = run;
  const n = h.loss.length;
  const ended = run.state === 'running' ? '' : ` — ${run.state}`;
  if (n === 0) {
    if (!run.smooth) return ended ? `no epoch finished${ended}` : '';
    const running = run.state === 'running' ? ' (running)' : `, batch ${run.batch}/${run.batchesPerEpoch}`;
    return `epoch 1/${settings.epochs}${running} loss ${fixed(run.smooth.loss)} ` +
      `accuracy ${run.smooth.accuracy.toFixed(4)}${ended}`;
  }
  let text = `epoch ${n}/${settings.epochs} loss ${fixed(h.loss[n - 1])} accuracy ${h.accuracy[n - 1].toFixed(4)}`;
  if (h.valLoss.length === n) {
    text += ` · test loss ${fixed(h.valLoss[n - 1])} test accuracy ${h.valAccuracy[n - 1].toFixed(4)}`;
  }
  return text + ended;
}
