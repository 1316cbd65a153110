/**
 * The nnwasm demo page: wires the two panels together. The drawing panel (draw-panel.js) reads
 * digits drawn on the canvas with a network on this thread; the training panel (train-panel.js)
 * trains MNIST or the spiral in a Web Worker. A trained MNIST model goes from the second to the
 * first; a 2-input model loaded from a file goes from the first to the second.
 */
import { init } from '../src/js/index.browser.js';
import { createDrawPanel } from './draw-panel.js';
import { createTrainPanel } from './train-panel.js';

const PRETRAINED_URL = 'models/mnist.nnw';

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const banner = $('message');

/* errors nobody caught still reach the page, not only the console */
function unexpected(err) {
  banner.textContent = `Unexpected error: ${err?.message || err}`;
  banner.hidden = false;
}
window.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  unexpected(event.reason);
});
window.addEventListener('error', (event) => unexpected(event.error ?? event.message));

try {
  await init();
  let train = null;
  const draw = createDrawPanel({
    canvas: $('draw-canvas'),
    clear: $('clear'),
    prediction: $('prediction'),
    note: $('prediction-note'),
    preview: $('preview'),
    probabilities: $('probabilities'),
    status: $('model-status'),
    loadModel: $('load-model'),
    fileMessage: $('load-model-message'),
    usePretrained: $('use-pretrained'),
  }, { onTwoInputModel: (net, name) => train.showModel(net, name) });
  train = createTrainPanel({
    form: $('train-form'),
    dataset: $('dataset'),
    hidden: $('architecture'),
    hiddenError: $('architecture-error'),
    activation: $('activation'),
    optimizer: $('optimizer'),
    lr: $('learning-rate'),
    lrError: $('learning-rate-error'),
    epochs: $('epochs'),
    epochsError: $('epochs-error'),
    batch: $('batch-size'),
    batchError: $('batch-size-error'),
    slow: $('slow-motion'),
    summary: $('architecture-summary'),
    start: $('train-start'),
    stop: $('train-stop'),
    progress: $('train-progress'),
    progressBar: $('train-progress').querySelector('progress'),
    progressText: $('train-progress').querySelector('.progress-text'),
    log: $('train-log'),
    message: $('train-message'),
    chart: $('train-chart'),
    boundary: $('boundary'),
    boundaryFigure: document.querySelector('.boundary-figure'),
    useTrained: $('use-trained'),
    download: $('download-model'),
  }, { useModel: (net, name) => draw.useModel(net, name) });
  await draw.loadPretrained(PRETRAINED_URL);
} catch (err) {
  $('model-status').textContent = 'not available: the WebAssembly module did not load';
  unexpected(err);
}
