/**
 * The "Draw a digit" panel: the drawing pad, what the model sees, its reading (or why it is not
 * sure), the probability bars, and which model reads the drawing: the pretrained one, a trained
 * one, or one loaded from files (through the package's Network.fromFiles). Predictions run on
 * the page's thread, one per animation frame.
 */
import { Network } from '../src/js/index.browser.js';
import { createPen, inkBox, isBlank, preprocess, readDigit, toRgba, FRAME } from './draw.js';

/** Can this network read the canvas? */
export const readsDigits = (net) => net.inputs === FRAME * FRAME && net.outputs === 10;

/* a short description of a network: 784-100-10 relu */
const describe = (net) => `${net.spec.layers.join('-')} ${net.spec.activation}`;

/**
 * @param {Record<string, HTMLElement>} ui the panel's elements
 * @param {{onTwoInputModel: (net: Network, name: string) => Promise<void>}} hooks a 2-input model
 *   from a file goes to the training panel, which shows its boundary (and disposes it)
 */
export function createDrawPanel(ui, hooks) {
  const models = { current: null, pretrained: null };
  const preview = ui.preview.getContext('2d');
  let frame = 0;
  let drawn = false;   // anything on the pad since the last clear

  const pen = createPen(ui.canvas, { lineWidth: 20, onChange: () => {
    drawn = true;
    frame ||= requestAnimationFrame(() => { frame = 0; predict(); });
  } });

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

  /* the bars and the reading, or empty ones (probs null) */
  function show(probs, reading = null) {
    bars.forEach(({ row, bar, value }, k) => {
      const p = probs ? probs[k] : 0;
      const percent = Number.isFinite(p) ? `${(p * 100).toFixed(1)}%` : '–';
      bar.style.width = probs && Number.isFinite(p) ? percent : '0%';
      value.textContent = probs ? percent : '';
      row.classList.toggle('best', reading?.sure === true && k === reading.digit);
      if (probs) row.dataset.probability = p.toFixed(4);
      else delete row.dataset.probability;
      row.setAttribute('aria-label', probs ? `${k}: ${percent}` : `${k}`);
    });
    ui.prediction.textContent = !reading ? '-' : reading.sure ? String(reading.digit) : '?';
    ui.note.textContent = reading?.why ?? '';
  }

  function predict() {
    if (!drawn) {
      preview.clearRect(0, 0, FRAME, FRAME);
      show(null);
      return;
    }
    const image = pen.context.getImageData(0, 0, ui.canvas.width, ui.canvas.height);
    const x = preprocess(image);
    preview.putImageData(new ImageData(toRgba(x), FRAME, FRAME), 0, 0);
    if (isBlank(x) || !models.current) {
      show(null);
      return;
    }
    const probs = models.current.predict(x);
    show(probs, readDigit(probs, inkBox(image), ui.canvas.width));
  }

  function clear() {
    pen.clear();
    drawn = false;
    cancelAnimationFrame(frame);
    frame = 0;
    predict();
  }

  /**
   * Read the drawing with this network from now on (the one it replaces is disposed, unless it
   * is the pretrained one).
   */
  function useModel(net, name) {
    const old = models.current;
    models.current = net;
    if (old && old !== net && old !== models.pretrained) old.dispose();
    ui.status.textContent = `ready — ${name} · ${describe(net)}`;
    ui.usePretrained.disabled = !models.pretrained || net === models.pretrained;
    predict();
  }

  /** Load the shipped model and read with it, unless another model came first. */
  async function loadPretrained(url) {
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`fetching ${url} gave HTTP ${response.status}`);
      const net = await Network.load(new Uint8Array(await response.arrayBuffer()));
      if (!readsDigits(net)) throw new Error(`${url} is not a 784 → 10 model`);
      models.pretrained = net;
      if (!models.current) useModel(net, 'pretrained model');
    } catch (err) {
      if (!models.current) ui.status.textContent = `no model: the pretrained model did not load (${err.message})`;
    }
  }

  /* the message under the file input: a result, or an error that marks the input invalid */
  function fileMessage(text, error = false) {
    ui.fileMessage.textContent = text;
    ui.fileMessage.classList.toggle('error', error);
    if (error) ui.loadModel.setAttribute('aria-invalid', 'true');
    else ui.loadModel.removeAttribute('aria-invalid');
  }

  async function loadFiles() {
    const files = [...(ui.loadModel.files ?? [])];
    if (files.length === 0) return;
    let net = null;
    try {
      let name;
      ({ net, name } = await Network.fromFiles(files));
      if (readsDigits(net)) {
        useModel(net, `${name} from file`);
        net = null;
        fileMessage(`Loaded ${name}: the canvas now uses it.`);
      } else if (net.inputs === 2) {
        const twoInputs = net;
        net = null;
        await hooks.onTwoInputModel(twoInputs, name);
        fileMessage(`Loaded ${name}: it takes 2 inputs, not a drawing, so its decision boundary ` +
          'over the spiral is shown in the training panel.');
      } else {
        throw new Error(`${name} has ${net.inputs} inputs and ${net.outputs} outputs; the canvas ` +
          'needs a 784-input, 10-output model and the spiral a 2-input one');
      }
    } catch (err) {
      fileMessage(`Could not load it: ${err.message}`, true);
      ui.loadModel.focus();
      ui.fileMessage.scrollIntoView({ block: 'nearest' });
    } finally {
      net?.dispose();
      ui.loadModel.value = '';
    }
  }

  ui.clear.addEventListener('click', clear);
  ui.loadModel.addEventListener('change', loadFiles);
  ui.usePretrained.addEventListener('click', () => {
    if (models.pretrained) useModel(models.pretrained, 'pretrained model');
  });
  show(null);
  return { useModel, loadPretrained };
}
