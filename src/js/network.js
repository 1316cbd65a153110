/**
 * The Network class: argument checks, option objects, the fit() chunk loop with callbacks,
 * cancellation and early stopping. All numerics happen in the C core; this file only moves
 * data in and out through heap.js and turns progress numbers into callbacks and history.
 */
import { core, loadedCore } from './wasm.js';
import { boolean, checkKeys, enumIndex, func, integer, number, show } from './options.js';

export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'swish', 'mish', 'hswish', 'tanhexp'];
/**
 * The names of the activations the core has after ACTIVATIONS (nn_activation 8..12), which the
 * JavaScript API, its types and its formats do not offer yet (issue #14): a model file that
 * uses one is refused by name instead of giving a spec whose activation is undefined.
 */
const CORE_ONLY_ACTIVATIONS = ['elu', 'gelu', 'gelu_tanh', 'relu6', 'softplus'];
export const OUTPUTS = ['softmax', 'sigmoid', 'identity'];
export const LOSSES = ['cross_entropy', 'mse'];
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'];
export const INITS = ['gaussian', 'xavier', 'he'];
export const SCHEDULES = ['constant', 'step', 'exponential', 'cosine'];

const SPEC_KEYS = ['layers', 'activation', 'output', 'loss', 'optimizer', 'init', 'seed',
  'leakySlope', 'hswishN', 'weightDecay', 'clipNorm', 'dropout', 'flood', 'schedule'];
const OPTIMIZER_KEYS = ['type', 'lr', 'momentum', 'rho', 'beta1', 'beta2', 'eps'];
const SCHEDULE_KEYS = ['type', 'stepSize', 'gamma', 'minLr'];
const FIT_KEYS = ['epochs', 'batchSize', 'shuffle', 'validationData', 'onBatchEnd', 'onEpochEnd',
  'signal', 'schedule', 'earlyStopping', 'resume', 'chunkMs'];
const EARLY_KEYS = ['patience', 'minDelta', 'restoreBestWeights'];
export { SPEC_KEYS, OPTIMIZER_KEYS, SCHEDULE_KEYS, FIT_KEYS, EARLY_KEYS }; // for tests/js/types.test.js
const MAX_LAYERS = 16;
const MAX_UNITS = 65536;

/* ---- specs ------------------------------------------------------------------------------- */

/** write a JS schedule object into the flat C fields of c */
function scheduleToC(schedule, c, where) {
  checkKeys(schedule, SCHEDULE_KEYS, where);
  if (schedule.type !== undefined) c.schedule_type = enumIndex(schedule.type, SCHEDULES, `${where}.type`);
  if (schedule.stepSize !== undefined) c.step_size = integer(schedule.stepSize, `${where}.stepSize`, 0);
  if (schedule.gamma !== undefined) {
    c.gamma = number(schedule.gamma, `${where}.gamma`, { min: 0, max: 1, minOpen: true });
  }
  if (schedule.minLr !== undefined) c.min_lr = number(schedule.minLr, `${where}.minLr`, { min: 0 });
  if (c.schedule_type !== 0 && c.step_size < 1) {
    throw new RangeError(`${where}.stepSize is required (an integer >= 1) for a '${SCHEDULES[c.schedule_type]}' schedule`);
  }
  if (c.schedule_type === 3 && c.min_lr > c.lr) {
    throw new RangeError(`${where}.minLr ${c.min_lr} must not exceed the learning rate ${c.lr}`);
  }
}

/** check a user spec and merge it over the core's defaults: the flat C fields heap.js writes */
function specToC(spec, defaults) {
  checkKeys(spec, SPEC_KEYS, 'spec');
  const c = { ...defaults };
  const { layers } = spec;
  if (!Array.isArray(layers)) {
    throw new TypeError(`spec.layers must be an array of layer sizes (input first), got ${show(layers)}`);
  }
  if (layers.length < 2 || layers.length > MAX_LAYERS) {
    throw new RangeError(`spec.layers needs 2 to ${MAX_LAYERS} sizes (input and output included), got ${layers.length}`);
  }
  c.layers = layers.map((n, i) => integer(n, `spec.layers[${i}]`, 1, MAX_UNITS));
  if (spec.activation !== undefined) c.activation = enumIndex(spec.activation, ACTIVATIONS, 'spec.activation');
  if (spec.output !== undefined) c.output = enumIndex(spec.output, OUTPUTS, 'spec.output');
  if (spec.loss !== undefined) c.loss = enumIndex(spec.loss, LOSSES, 'spec.loss');
  if (spec.seed !== undefined) c.seed = integer(spec.seed, 'spec.seed', 0, 2 ** 32 - 1);
  if (spec.leakySlope !== undefined) c.leaky_slope = number(spec.leakySlope, 'spec.leakySlope', { min: -1, max: 1 });
  if (spec.hswishN !== undefined) c.hswish_n = number(spec.hswishN, 'spec.hswishN', { min: 0, minOpen: true });
  if (spec.weightDecay !== undefined) c.weight_decay = number(spec.weightDecay, 'spec.weightDecay', { min: 0 });
  if (spec.clipNorm !== undefined) c.clip_norm = number(spec.clipNorm, 'spec.clipNorm', { min: 0 });
  if (spec.dropout !== undefined) c.dropout = number(spec.dropout, 'spec.dropout', { min: 0, max: 1, maxOpen: true });
  if (spec.flood !== undefined) c.flood = number(spec.flood, 'spec.flood', { min: 0 });
  const { init } = spec;
  if (typeof init === 'string') {
    c.init = enumIndex(init, INITS, 'spec.init');
  } else if (init !== undefined) {
    if (init === null || typeof init !== 'object') {
      throw new TypeError(`spec.init must be 'he', 'xavier', 'gaussian' or { gaussian: std }, got ${show(init)}`);
    }
    checkKeys(init, ['gaussian'], 'spec.init');
    c.init = 0;
    c.init_std = number(init.gaussian, 'spec.init.gaussian', { min: 0, minOpen: true });
  }
  let opt = spec.optimizer;
  if (typeof opt === 'string') opt = { type: opt };
  if (opt !== undefined) {
    if (opt === null || typeof opt !== 'object') {
      throw new TypeError(`spec.optimizer must be a name such as 'adam' or { type, lr, ... }, got ${show(opt)}`);
    }
    checkKeys(opt, OPTIMIZER_KEYS, 'spec.optimizer');
    if (opt.type !== undefined) c.opt_type = enumIndex(opt.type, OPTIMIZERS, 'spec.optimizer.type');
    if (opt.lr !== undefined) c.lr = number(opt.lr, 'spec.optimizer.lr', { min: 0, minOpen: true });
    for (const k of ['momentum', 'rho', 'beta1', 'beta2']) {
      if (opt[k] !== undefined) c[k] = number(opt[k], `spec.optimizer.${k}`, { min: 0, max: 1, maxOpen: true });
    }
    if (opt.eps !== undefined) c.eps = number(opt.eps, 'spec.optimizer.eps', { min: 0, minOpen: true });
  }
  if (c.output === 0 && c.layers[c.layers.length - 1] < 2) {
    throw new RangeError("spec.output 'softmax' needs at least 2 outputs; use 'sigmoid' for one");
  }
  if (c.loss === 0 && c.output === 2) {
    throw new RangeError("spec.loss 'cross_entropy' needs output 'softmax' or 'sigmoid'; use loss 'mse' with 'identity'");
  }
  if (spec.schedule !== undefined) scheduleToC(spec.schedule, c, 'spec.schedule');
  return c;
}

/** the C fields back as a complete JS spec */
function specFromC(c) {
  if (c.n_items > 0) {
    // a model file of format 2 (docs/FORMAT.md): an input shape and typed layers (issue #14)
    throw new Error('this model is a layer-list network (format 2), which the JavaScript API does not load yet');
  }
  if (ACTIVATIONS[c.activation] === undefined) {
    const name = CORE_ONLY_ACTIVATIONS[c.activation - ACTIVATIONS.length] ?? 'unknown';
    throw new Error(`this model uses activation ${c.activation} (${name}), which the JavaScript API does not offer yet`);
  }
  const spec = {
    layers: c.layers.slice(),
    activation: ACTIVATIONS[c.activation],
    output: OUTPUTS[c.output],
    loss: LOSSES[c.loss],
    optimizer: { type: OPTIMIZERS[c.opt_type], lr: c.lr, momentum: c.momentum, rho: c.rho,
      beta1: c.beta1, beta2: c.beta2, eps: c.eps },
    init: c.init === 0 ? { gaussian: c.init_std } : INITS[c.init],
    seed: c.seed,
    leakySlope: c.leaky_slope,
    hswishN: c.hswish_n,
    weightDecay: c.weight_decay,
    clipNorm: c.clip_norm,
    dropout: c.dropout,
    flood: c.flood,
    schedule: { type: SCHEDULES[c.schedule_type], stepSize: c.step_size, gamma: c.gamma, minLr: c.min_lr },
  };
  return spec;
}

/* ---- imported models ----------------------------------------------------------------------- */

/**
 * The spec of a model read from a file (fromTfjs, fromOnnx): what the file records (layers,
 * activation, output, ...) over the caller's options over `stored`, the settings a file may
 * keep besides (ONNX metadata). An option that contradicts the file goes to
 * conflict(key, given, fileValue), which throws the importer's RangeError; arrays compare
 * element-wise, numbers as the float32 the core keeps. An identity output with no loss gets
 * 'mse', the only loss it can take (the default, cross-entropy, needs softmax or sigmoid).
 */
export function importedSpec(fromFile, options, conflict, stored = {}) {
  for (const [key, value] of Object.entries(fromFile)) {
    const given = options[key];
    if (given === undefined) continue;
    const same = Array.isArray(value)
      ? Array.isArray(given) && given.length === value.length && given.every((v, i) => v === value[i])
      : typeof value === 'number' ? typeof given === 'number' && Math.fround(given) === Math.fround(value)
        : given === value;
    if (!same) conflict(key, given, value);
  }
  const spec = { ...stored, ...options, ...fromFile };
  if (spec.output === 'identity' && spec.loss === undefined) spec.loss = 'mse';
  return spec;
}

/* ---- yielding ------------------------------------------------------------------------------ */

/** let the event loop run (timers, I/O, UI) between chunks; setImmediate in Node, a
 *  MessageChannel message in browsers (setTimeout(0) would be clamped to 4 ms) */
function yieldToEventLoop() {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => { port1.close(); resolve(); };
    port2.postMessage(0);
  });
}

const now = () => (typeof performance === 'object' ? performance.now() : Date.now());

/* ---- the class ------------------------------------------------------------------------------ */

const TOKEN = Symbol('nnwasm.Network');

/** A multi-layer perceptron living in the wasm heap. Create with Network.create or Network.load. */
export class Network {
  #core;
  #net;
  #spec;
  #disposed = false;
  #fitting = false;

  /** @private use Network.create or Network.load */
  constructor(token, c, net) {
    if (token !== TOKEN) throw new TypeError('use Network.create(spec) or Network.load(bytes)');
    this.#core = c;
    this.#net = net;
    try {
      this.#spec = specFromC(c.spec(net));
    } catch (e) {
      c.destroy(net); // a net JavaScript cannot describe is never handed out
      throw e;
    }
  }

  /**
   * Create a network with freshly initialised weights.
   * @param {import('./index').NetworkSpec} spec at least `layers`; see index.d.ts for the rest
   * @returns {Promise<Network>}
   */
  static async create(spec) {
    const c = await core();
    const net = c.create(specToC(spec, c.specDefault()));
    return new Network(TOKEN, c, net);
  }

  /**
   * Judge a spec exactly as Network.create would, without making a network: the same
   * TypeError and RangeError from the option checks, and the core's NnError for what only it
   * checks (too many parameters, values that only fail in float32). Synchronous, for a summary
   * updated on every keystroke, so the module must be loaded: await init() (or any other
   * nnwasm promise) first.
   * @param {import('./index').NetworkSpec} spec
   * @returns {{paramCount: number, inputs: number, outputs: number}}
   */
  static check(spec) {
    const c = loadedCore();
    if (!c) throw new Error('Network.check(spec) needs the module loaded: await init() first');
    const cspec = specToC(spec, c.specDefault());
    const paramCount = c.validate(cspec);
    return { paramCount, inputs: cspec.layers[0], outputs: cspec.layers[cspec.layers.length - 1] };
  }

  /**
   * Rebuild a network from save() or checkpoint() bytes. Anything malformed is rejected with an
   * Error whose code names the problem (NN_ERR_TRUNCATED, NN_ERR_MAGIC, NN_ERR_VERSION,
   * NN_ERR_CHECKSUM, NN_ERR_FORMAT).
   * @param {Uint8Array|ArrayBuffer} bytes
   * @returns {Promise<Network>}
   */
  static async load(bytes) {
    if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError(`Network.load(bytes): bytes must be a Uint8Array or ArrayBuffer, got ${show(bytes)}`);
    }
    if (bytes.length === 0) throw new RangeError('Network.load(bytes): bytes is empty');
    const c = await core();
    return new Network(TOKEN, c, c.load(bytes));
  }

  /**
   * A network with the given parameters instead of initialised ones: per layer W
   * (inputs × outputs) then b, as getParams() lays them out and as the seeds' numpy code
   * keeps them. Each array may be flat (Float32Array, Float64Array or numbers) or nested rows
   * (W as `inputs` arrays of `outputs` numbers); its shape is checked against spec.layers.
   * @param {import('./index').NetworkSpec} spec
   * @param {Array<ArrayLike<number>|number[][]>} weights [W1, b1, W2, b2, ...]
   * @returns {Promise<Network>}
   */
  static async fromWeights(spec, weights) {
    const c = await core();
    const cspec = specToC(spec, c.specDefault());
    const params = packWeights(cspec.layers, weights);
    const net = new Network(TOKEN, c, c.create(cspec));
    c.setParams(net.#net, params);
    return net;
  }

  /**
   * A network from a numpy .npz archive (np.savez or np.savez_compressed) holding W1, b1,
   * W2, b2, ... (docs/INTEROP.md); `options` is the rest of the spec (activation, output, ...).
   * @param {Uint8Array|ArrayBuffer} bytes
   * @param {Partial<import('./index').NetworkSpec>} [options]
   */
  static async fromNpz(bytes, options) {
    const { npzToWeights } = await import('./npz.js');
    const { spec, weights } = await npzToWeights(bytes, options);
    return Network.fromWeights(spec, weights);
  }

  /**
   * A network from a TensorFlow.js Layers / Keras model: the model.json (object or text) and
   * its weight data (one buffer, or the shards in the order of its weightsManifest).
   */
  static async fromTfjs(modelJson, weightData, options) {
    const { tfjsToWeights } = await import('./tfjs.js');
    const { spec, weights } = tfjsToWeights(modelJson, weightData, options);
    return Network.fromWeights(spec, weights);
  }

  /** A network from an ONNX model of the shape toOnnx() writes (docs/INTEROP.md). */
  static async fromOnnx(bytes, options) {
    const { onnxToWeights } = await import('./onnx.js');
    const { spec, weights } = onnxToWeights(bytes, options);
    return Network.fromWeights(spec, weights);
  }

  /**
   * A network from a set of named files, as a user picks them in a file input: an .nnw, .npz
   * or ONNX file, or a TensorFlow.js model.json with its weight files. The format comes from
   * the bytes first, then the name; errors of the format readers are rethrown naming the file.
   * @param {Iterable<File|{name: string, bytes: Uint8Array|ArrayBuffer}>} files
   * @param {Partial<import('./index').NetworkSpec>} [options] for fromNpz, fromOnnx, fromTfjs
   * @returns {Promise<{net: Network, name: string, format: 'nnw'|'npz'|'onnx'|'tfjs'}>}
   */
  static async fromFiles(files, options) {
    const { modelFromFiles } = await import('./model-files.js');
    return modelFromFiles(files, options);
  }

  /** The parameters as a numpy .npz archive (W1, b1, ... as float32), readable by np.load. */
  async toNpz() {
    this.#live();
    const { weightsToNpz } = await import('./npz.js');
    return weightsToNpz(this.weights());
  }

  /** The network as a TensorFlow.js Layers model: { modelJson, weightData }. */
  async toTfjs() {
    this.#live();
    const { networkToTfjs } = await import('./tfjs.js');
    return networkToTfjs(this.spec, this.weights());
  }

  /** The network as an ONNX model (opset 13), for onnxruntime and friends. */
  async toOnnx() {
    this.#live();
    const { networkToOnnx } = await import('./onnx.js');
    return networkToOnnx(this.spec, this.weights());
  }

  /**
   * The parameters split per layer: [W1, b1, W2, b2, ...], W flat row-major (inputs × outputs).
   * @returns {Float32Array[]}
   */
  weights() {
    const all = this.getParams();
    const { layers } = this.#spec;
    const out = [];
    let at = 0;
    for (let l = 0; l + 1 < layers.length; l++) {
      const nw = layers[l] * layers[l + 1];
      out.push(all.slice(at, at + nw), all.slice(at + nw, at + nw + layers[l + 1]));
      at += nw + layers[l + 1];
    }
    return out;
  }

  #live() {
    if (this.#disposed) throw new Error('Network has been disposed');
  }

  /** @returns {import('./index').NetworkSpec} the complete spec, defaults filled in (a copy) */
  get spec() { this.#live(); return structuredClone(this.#spec); }

  /** @returns {number} input units */
  get inputs() { this.#live(); return this.#spec.layers[0]; }

  /** @returns {number} output units */
  get outputs() { this.#live(); return this.#spec.layers[this.#spec.layers.length - 1]; }

  /** @returns {number} weights and biases */
  get paramCount() { this.#live(); return this.#core.paramCount(this.#net); }

  /**
   * A copy of every parameter: per layer W (inputs × outputs, row-major), then b.
   * @returns {Float32Array}
   */
  getParams() { this.#live(); return this.#core.getParams(this.#net); }

  /**
   * Overwrite every parameter (layout of getParams).
   * @param {Float32Array} values
   */
  setParams(values) {
    this.#live();
    if (!(values instanceof Float32Array)) {
      throw new TypeError(`setParams(values): values must be a Float32Array, got ${show(values)}`);
    }
    if (values.length !== this.paramCount) {
      throw new RangeError(`setParams(values): ${values.length} values given, the network has ${this.paramCount}`);
    }
    if (!values.every(Number.isFinite)) throw new RangeError('setParams(values): every value must be finite');
    this.#core.setParams(this.#net, values);
  }

  /* rows of x, checked: Float32Array (or Uint8Array when bytes are allowed) of rows × inputs */
  #rows(x, where, bytes) {
    const ok = x instanceof Float32Array || (bytes && x instanceof Uint8Array);
    if (!ok) {
      const kinds = bytes ? 'a Float32Array (or a Uint8Array read as value/255)' : 'a Float32Array';
      throw new TypeError(`${where} must be ${kinds} of rows × ${this.inputs} values, got ${show(x)}`);
    }
    if (x.length === 0 || x.length % this.inputs !== 0) {
      throw new RangeError(`${where} has ${x.length} values, not a positive multiple of the ${this.inputs} inputs`);
    }
    return x.length / this.inputs;
  }

  /* y as the core wants it: Int32Array labels or Float32Array targets, checked against rows */
  #truth(y, rows, where) {
    if (y instanceof Float32Array) {
      if (y.length !== rows * this.outputs) {
        throw new RangeError(`${where} has ${y.length} targets; ${rows} rows × ${this.outputs} outputs need ${rows * this.outputs}`);
      }
      return y;
    }
    if (y instanceof Int32Array || y instanceof Uint8Array || y instanceof Uint16Array) {
      if (y.length !== rows) throw new RangeError(`${where} has ${y.length} labels for ${rows} rows`);
      return y instanceof Int32Array ? y : Int32Array.from(y);
    }
    throw new TypeError(`${where} must be class indices (Int32Array, Uint8Array or Uint16Array) ` +
      `or a Float32Array of targets, got ${show(y)}`);
  }

  /**
   * Outputs for every row of x, without dropout.
   * @param {Float32Array} x rows × inputs
   * @returns {Float32Array} rows × outputs
   */
  predict(x) {
    this.#live();
    const rows = this.#rows(x, 'predict(x): x', false);
    return this.#core.predict(this.#net, x, rows, this.outputs);
  }

  /* run fn with x, y uploaded to the heap */
  #withData(x, y, where, fn) {
    const rows = this.#rows(x, `${where}: x`, true);
    const data = this.#core.upload({ x, y: this.#truth(y, rows, `${where}: y`), rows, cols: this.inputs });
    try {
      return fn(data);
    } finally {
      data.free();
    }
  }

  /**
   * Mean loss (without weight decay or Flooding) and accuracy over a data set.
   * @param {Float32Array|Uint8Array} x rows × inputs
   * @param {Int32Array|Uint8Array|Uint16Array|Float32Array} y labels or targets
   * @returns {{loss: number, accuracy: number}}
   */
  evaluate(x, y) {
    this.#live();
    return this.#withData(x, y, 'evaluate(x, y)', (d) => this.#core.evaluate(this.#net, d));
  }

  /**
   * Compare backpropagation with central differences on (x, y).
   * @param {Float32Array|Uint8Array} x a few rows
   * @param {Int32Array|Uint8Array|Uint16Array|Float32Array} y
   * @param {{h?: number}} [options] the difference step (default 1e-2)
   * @returns {number} the worst relative error over all parameters
   */
  gradCheck(x, y, options = {}) {
    this.#live();
    checkKeys(options, ['h'], 'gradCheck options');
    const h = options.h === undefined ? 1e-2 : number(options.h, 'gradCheck options.h', { min: 0, minOpen: true });
    if (this.#fitting) throw new Error('gradCheck cannot run while fit is running');
    return this.#withData(x, y, 'gradCheck(x, y)', (d) => this.#core.gradCheck(this.#net, d, h));
  }

  /** @returns {Uint8Array} the model file (docs/FORMAT.md): spec and parameters */
  save() { this.#live(); return this.#core.save(this.#net, false); }

  /**
   * A checkpoint: the model plus optimizer state, RNG state and an unfinished fit's position,
   * so `Network.load(bytes)` then `fit(x, y, { resume: true, ... })` continues exactly.
   * @returns {Uint8Array}
   */
  checkpoint() { this.#live(); return this.#core.save(this.#net, true); }

  /**
   * Train. Runs in chunks of steps and yields to the event loop between them; weights only ever
   * change by whole optimizer steps, so an abort or an error leaves a usable network.
   * @param {Float32Array|Uint8Array} x rows × inputs (bytes are read as value/255)
   * @param {Int32Array|Uint8Array|Uint16Array|Float32Array} y labels or targets
   * @param {import('./index').FitOptions} [options]
   * @returns {Promise<import('./index').History>}
   */
  async fit(x, y, options = {}) {
    this.#live();
    if (this.#fitting) throw new Error('fit is already running on this network; await it or abort it first');
    const o = fitOptions(options);
    const rows = this.#rows(x, 'fit(x, y): x', true);
    const labels = this.#truth(y, rows, 'fit(x, y): y');
    let val = null;
    if (o.validationData) {
      const [xv, yv] = o.validationData;
      const vrows = this.#rows(xv, 'fit options.validationData[0]', true);
      val = { x: xv, y: this.#truth(yv, vrows, 'fit options.validationData[1]'), rows: vrows, cols: this.inputs };
    }
    if (o.earlyStopping && !val) throw new TypeError('fit options.earlyStopping needs validationData');
    o.signal?.throwIfAborted();
    const c = this.#core;
    const net = this.#net;
    if (o.schedule) {
      const s = { ...c.spec(net) };
      scheduleToC(o.schedule, s, 'fit options.schedule');
      c.setSchedule(net, s);
      this.#spec = specFromC(c.spec(net));
    }
    this.#fitting = true;
    let data = null;
    let vdata = null;
    let progress = 0;
    const history = { loss: [], accuracy: [], valLoss: [], valAccuracy: [], lr: [] };
    try {
      data = c.upload({ x, y: labels, rows, cols: this.inputs });
      if (val) vdata = c.upload(val);
      progress = c.fitBegin(net, data, o);
      let chunk = 1;
      let yielded = now();
      let best = null;
      let wait = 0;
      let step = null;
      for (;;) {
        const t0 = now();
        const p = c.fitSteps(net, progress, o.onBatchEnd ? 1 : chunk);
        // steps this call ran; on the first call, only a session finished before it ran none
        const ran = step === null ? (p.done && !p.epochEnd ? 0 : 1) : p.step - step;
        step = p.step;
        if (!o.onBatchEnd && ran > 0) {   // aim for chunks of about chunkMs
          const perStep = Math.max((now() - t0) / ran, 1e-3);
          chunk = Math.max(1, Math.min(1 << 20, Math.round(o.chunkMs / perStep)));
        }
        if (o.onBatchEnd && ran > 0) {
          await o.onBatchEnd(p.epochEnd ? p.batchesPerEpoch - 1 : p.batch - 1, {
            loss: p.batchLoss, accuracy: p.accuracy, epoch: p.epochEnd ? p.epoch - 1 : p.epoch,
            step: p.step, lr: p.lr,
          });
        }
        let stop = p.done;
        if (p.epochEnd) {
          const logs = { loss: p.loss, accuracy: p.accuracy, lr: p.lr };
          if (vdata) {
            const v = c.evaluate(net, vdata);
            logs.valLoss = v.loss;
            logs.valAccuracy = v.accuracy;
          }
          history.loss.push(logs.loss);
          history.accuracy.push(logs.accuracy);
          history.lr.push(logs.lr);
          if (vdata) {
            history.valLoss.push(logs.valLoss);
            history.valAccuracy.push(logs.valAccuracy);
          }
          const es = o.earlyStopping;
          if (es) {
            if (!best || logs.valLoss < best.loss - es.minDelta) {
              best = { loss: logs.valLoss, epoch: p.epoch - 1, params: es.restoreBestWeights ? c.getParams(net) : null };
              wait = 0;
            } else if (++wait > es.patience) {
              stop = true;
              history.stoppedEpoch = p.epoch - 1;
            }
            history.bestEpoch = best.epoch;
          }
          if (o.onEpochEnd) await o.onEpochEnd(p.epoch - 1, logs);
        }
        if (stop) {
          if (best?.params) c.setParams(net, best.params);
          return history;
        }
        // chunks end early at epoch ends; the event loop gets a turn once per chunkMs
        if (now() - yielded >= o.chunkMs) {
          await yieldToEventLoop();
          yielded = now();
        }
        this.#live();
        o.signal?.throwIfAborted();
      }
    } finally {
      if (progress) c.fitEnd(net, progress);
      data?.free();
      vdata?.free();
      this.#fitting = false;
      if (this.#disposed) c.destroy(net); // dispose() was called during fit
    }
  }

  /** Free the network's wasm memory. Idempotent; any later use throws. */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    if (!this.#fitting) this.#core.destroy(this.#net);
  }
}

/* ---- fromWeights --------------------------------------------------------------------------- */

/** values of one array as a flat list, with its shape when given as nested rows */
function flatten(a, where) {
  if (ArrayBuffer.isView(a) && !(a instanceof DataView)) return { flat: a, shape: null };
  if (!Array.isArray(a)) {
    throw new TypeError(`${where} must be a typed array, an array of numbers or an array of rows, got ${show(a)}`);
  }
  if (a.length === 0 || !Array.isArray(a[0])) return { flat: a, shape: null };
  const cols = a[0].length;
  a.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== cols) {
      throw new RangeError(`${where}[${i}] must be a row of ${cols} numbers, as row 0 is, got ${show(row)}`);
    }
  });
  return { flat: a.flat(), shape: [a.length, cols] };
}

/** [W1, b1, ...] checked against layers, as one Float32Array in the layout of getParams */
function packWeights(layers, weights) {
  const layerCount = layers.length - 1;
  if (!Array.isArray(weights)) {
    throw new TypeError(`fromWeights(spec, weights): weights must be an array [W1, b1, W2, b2, ...], got ${show(weights)}`);
  }
  if (weights.length !== 2 * layerCount) {
    throw new RangeError(`fromWeights(spec, weights): ${layerCount} layers need ${2 * layerCount} arrays [W1, b1, ...], got ${weights.length}`);
  }
  const total = layers.slice(1).reduce((sum, n, l) => sum + (layers[l] + 1) * n, 0);
  const out = new Float32Array(total);
  let at = 0;
  weights.forEach((a, i) => {
    const l = i >> 1;
    const name = `${i % 2 ? 'b' : 'W'}${l + 1}`;
    const where = `fromWeights(spec, weights): ${name}`;
    const { flat, shape } = flatten(a, where);
    const want = i % 2 ? [layers[l + 1]] : [layers[l], layers[l + 1]];
    const size = want.reduce((p, n) => p * n, 1);
    if (shape ? i % 2 === 1 || shape[0] !== want[0] || shape[1] !== want[1] : flat.length !== size) {
      const got = shape ? `${shape[0]} × ${shape[1]}` : `${flat.length} value${flat.length === 1 ? '' : 's'}`;
      throw new RangeError(`${where} must be ${want.join(' × ')} (spec.layers ${layers.join('-')}), got ${got}`);
    }
    for (let k = 0; k < size; k++) {
      const v = flat[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isFinite(Math.fround(v))) {
        throw new RangeError(`${where}[${k}] must be a finite float32 value, got ${show(v)}`);
      }
      out[at++] = v;
    }
  });
  return out;
}

/* ---- fit options --------------------------------------------------------------------------- */

function fitOptions(options) {
  checkKeys(options, FIT_KEYS, 'fit options');
  const o = { epochs: 1, batchSize: 32, shuffle: true, resume: false, chunkMs: 10, ...options };
  integer(o.epochs, 'fit options.epochs', 1);
  integer(o.batchSize, 'fit options.batchSize', 1);
  boolean(o.shuffle, 'fit options.shuffle');
  boolean(o.resume, 'fit options.resume');
  number(o.chunkMs, 'fit options.chunkMs', { min: 0, minOpen: true });
  if (o.onBatchEnd !== undefined) func(o.onBatchEnd, 'fit options.onBatchEnd');
  if (o.onEpochEnd !== undefined) func(o.onEpochEnd, 'fit options.onEpochEnd');
  if (o.signal !== undefined && !(typeof o.signal === 'object' && o.signal !== null &&
      typeof o.signal.throwIfAborted === 'function')) {
    throw new TypeError(`fit options.signal must be an AbortSignal, got ${show(o.signal)}`);
  }
  if (o.validationData !== undefined &&
      !(Array.isArray(o.validationData) && o.validationData.length === 2)) {
    throw new TypeError(`fit options.validationData must be [x, y], got ${show(o.validationData)}`);
  }
  if (o.schedule !== undefined) checkKeys(o.schedule, SCHEDULE_KEYS, 'fit options.schedule');
  if (o.earlyStopping !== undefined) {
    checkKeys(o.earlyStopping, EARLY_KEYS, 'fit options.earlyStopping');
    o.earlyStopping = { patience: 0, minDelta: 0, restoreBestWeights: true, ...o.earlyStopping };
    integer(o.earlyStopping.patience, 'fit options.earlyStopping.patience', 0);
    number(o.earlyStopping.minDelta, 'fit options.earlyStopping.minDelta', { min: 0 });
    boolean(o.earlyStopping.restoreBestWeights, 'fit options.earlyStopping.restoreBestWeights');
  }
  return o;
}
