/**
 * The training form's rules, DOM-free so Node tests can import them: the data sets, the form's
 * defaults, each optimizer's learning rate, and readSettings(), which turns the form's strings
 * into a training run or into an error for each field at fault. The numbers of a network (how
 * many layers, how large, how many parameters) are judged by the package itself
 * (Network.check), never here.
 */

/** What the page trains on: inputs and classes per row, and rows in the training set. */
export const DATASETS = {
  mnist: { name: 'MNIST', inputs: 784, classes: 10, rows: 60000, rowName: 'training images' },
  spiral: { name: 'the spiral', inputs: 2, classes: 3, rows: 300, rowName: 'points' },
};

/** Form values when a data set is picked (the spiral's are the seeds' 2-10-3 sigmoid run). */
export const DEFAULTS = {
  mnist: { hidden: '100,50', activation: 'relu', optimizer: 'sgd', epochs: 5, batch: 100 },
  spiral: { hidden: '10', activation: 'sigmoid', optimizer: 'sgd', epochs: 300, batch: 30 },
};

/**
 * The learning rate set when an optimizer is picked, per data set, from sweeps of the form's
 * default network (MNIST 784-100-50-10 ReLU, batch 100, test accuracy after 2 epochs; spiral
 * 2-10-3 sigmoid, batch 30, accuracy after 300 epochs, seeds 1-3): each is at or next to the
 * best of 0.0003 ... 3, and tests/js/demo-settings.test.js trains with every one of them.
 * Adaptive optimizers want far smaller rates than SGD: RMSprop at 0.1 stays near chance on MNIST.
 */
export const LEARNING_RATES = {
  mnist: { sgd: 0.1, momentum: 0.03, nesterov: 0.03, adagrad: 0.03, rmsprop: 0.001, adam: 0.001 },
  spiral: { sgd: 1, momentum: 0.3, nesterov: 0.3, adagrad: 1, rmsprop: 0.1, adam: 0.1 },
};

/* a form field's text as a number: plain decimal or exponent notation, nothing else */
const NUMBER = /^[+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
/* a whole number written in digits */
const DIGITS = /^\d+$/;

/** 60000 → '60,000' */
export function thousands(n) {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

/**
 * Hidden layer sizes from the field's text, each written in digits, separated by commas.
 * @param {string} text
 * @returns {number[]}
 * @throws {RangeError} naming what is wrong with the text
 */
export function parseHidden(text) {
  const example = 'write sizes separated by commas, such as 100,50';
  if (text.trim() === '') throw new RangeError(`Enter at least one hidden layer size: ${example}`);
  return text.split(',').map((part, i) => {
    const s = part.trim();
    if (s === '') throw new RangeError(`Size ${i + 1} is empty (two commas in a row?): ${example}`);
    if (!DIGITS.test(s) || Number(s) < 1) {
      throw new RangeError(`"${s}" is not a size: sizes are whole numbers from 1 written in digits; ${example}`);
    }
    return Number(s);
  });
}

/* a number field's text: a finite number (whole when asked), at least min (above min if open) */
function numberField(text, { integer = false, min, minOpen = false, max = Infinity, maxText = '' }) {
  const s = text.trim();
  const v = Number(s);
  const kind = integer ? 'a whole number' : 'a number';
  const bound = `${minOpen ? 'above' : 'at least'} ${min}`;
  if (s === '') throw new RangeError(`Enter ${kind} ${bound}`);
  const ok = (integer ? DIGITS.test(s) : NUMBER.test(s)) && Number.isFinite(v);
  if (!ok || (minOpen ? v <= min : v < min)) throw new RangeError(`Enter ${kind} ${bound}, not "${s}"`);
  if (v > max) throw new RangeError(`At most ${thousands(max)}${maxText}, not ${thousands(v)}`);
  return v;
}

/**
 * The form's values checked and turned into a run's settings, or an error for each field at
 * fault (in the form's order). The network is judged by `check` (Network.check): its message
 * goes to the hidden-layers field, the only field that shapes the network.
 * @param {{dataset: string, hidden: string, activation: string, optimizer: string, lr: string,
 *   epochs: string, batch: string}} values the form's values as text
 * @param {(spec: object) => {paramCount: number}} check throws for a network that cannot be made
 * @returns {{settings: {dataset: string, spec: object, epochs: number, batchSize: number,
 *   paramCount: number} | null, network: {spec: object, paramCount: number} | null,
 *   errors: Array<{field: string, message: string}>}} network: the network alone, when the
 *   hidden layers are right (for the summary line while another field is wrong)
 */
export function readSettings(values, check) {
  const data = DATASETS[values.dataset];
  const errors = [];
  const field = (name, read) => {
    try {
      return read();
    } catch (err) {
      errors.push({ field: name, message: err.message });
      return undefined;
    }
  };
  const hidden = field('hidden', () => parseHidden(values.hidden));
  const lr = field('lr', () => numberField(values.lr, { min: 0, minOpen: true }));
  const epochs = field('epochs', () => numberField(values.epochs, { integer: true, min: 1 }));
  const batchSize = field('batch', () => numberField(values.batch, { integer: true, min: 1,
    max: data.rows, maxText: `: ${data.name} has ${thousands(data.rows)} ${data.rowName}` }));
  let spec = null;
  let paramCount = 0;
  if (hidden) {
    spec = {
      layers: [data.inputs, ...hidden, data.classes],
      activation: values.activation,
      output: 'softmax',
      loss: 'cross_entropy',
      optimizer: { type: values.optimizer, lr: lr ?? LEARNING_RATES[values.dataset][values.optimizer] },
    };
    field('hidden', () => { ({ paramCount } = check(spec)); });
  }
  errors.sort((a, b) => ORDER.indexOf(a.field) - ORDER.indexOf(b.field));
  const network = spec && !errors.some((e) => e.field === 'hidden') ? { spec, paramCount } : null;
  if (errors.length) return { settings: null, network, errors };
  return { settings: { dataset: values.dataset, spec, epochs, batchSize, paramCount }, network, errors };
}
const ORDER = ['hidden', 'lr', 'epochs', 'batch'];

/**
 * One line about the network the form describes.
 * @param {{spec: object, paramCount: number}} network
 */
export function summary({ spec, paramCount }) {
  return `${spec.layers.join(' → ')} · softmax output, cross-entropy loss · ${thousands(paramCount)} parameters`;
}
