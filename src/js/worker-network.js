/**
 * WorkerNetwork: the Network API with every method returning a promise, run in a Web Worker or
 * a Node worker_threads worker (worker-handler.js is the other side). Each WorkerNetwork owns
 * one worker. Spec, inputs, outputs and paramCount are cached, so they stay synchronous.
 */
import { NnError } from './heap.js';
import { checkKeys, show } from './options.js';
import { FIT_KEYS, SPEC_KEYS } from './network.js';

let spawnWorker = null;

/** Set by each entry point: how to start the worker script in this environment. */
export function setWorkerSpawner(spawn) {
  spawnWorker = spawn;
}

/* an error object from the worker back into the class it had */
function revive(e) {
  if (e.name === 'AbortError') return new DOMException(e.message, 'AbortError');
  let err;
  if (e.name === 'NnError') err = new NnError(e.status, e.message);
  else if (e.name === 'TypeError') err = new TypeError(e.message);
  else if (e.name === 'RangeError') err = new RangeError(e.message);
  else {
    err = new Error(e.message);
    if (e.name && e.name !== 'Error') err.name = e.name;
  }
  if (e.code !== undefined) err.code = e.code;
  return err;
}

const TOKEN = Symbol('nnwasm.WorkerNetwork');

/** A Network living in its own worker. Create with WorkerNetwork.create or WorkerNetwork.load. */
export class WorkerNetwork {
  #worker;
  #calls = new Map();   // id → { resolve, reject, progress }
  #next = 1;
  #handle = 0;
  #spec = null;
  #paramCount = 0;
  #disposed = false;
  #fitting = false;

  /** @private use WorkerNetwork.create or WorkerNetwork.load */
  constructor(token, worker) {
    if (token !== TOKEN) throw new TypeError('use WorkerNetwork.create(spec) or WorkerNetwork.load(bytes)');
    this.#worker = worker;
    worker.onMessage((msg) => this.#receive(msg));
    worker.onError((err) => {   // a failed worker is gone: close the network, as terminate() does
      this.#disposed = true;
      this.#failAll(new Error(`nnwasm worker failed: ${err?.message || err}`));
    });
  }

  static async #start(method, args, options = {}) {
    if (!spawnWorker) throw new Error('nnwasm: no worker support in this environment');
    const w = new WorkerNetwork(TOKEN, await spawnWorker(options));
    try {
      if (options.wasm !== undefined) await w.#call('init', [options.wasm]);
      w.#adopt(await w.#call(method, args));
      return w;
    } catch (err) {
      w.terminate();
      throw err;
    }
  }

  /**
   * @param {import('./index').NetworkSpec} spec
   * @param {{wasm?: WebAssembly.Module|ArrayBuffer|ArrayBufferView}} [options] a module or its
   *   bytes for the worker's init()
   * @returns {Promise<WorkerNetwork>}
   */
  static async create(spec, options) {
    checkKeys(spec, SPEC_KEYS, 'spec');   // here: a misspelt key holding a function cannot be posted
    return WorkerNetwork.#start('create', [spec], options);
  }

  /**
   * @param {Uint8Array|ArrayBuffer} bytes save() or checkpoint() output
   * @param {{wasm?: WebAssembly.Module|ArrayBuffer|ArrayBufferView}} [options]
   * @returns {Promise<WorkerNetwork>}
   */
  static load(bytes, options) { return WorkerNetwork.#start('load', [bytes], options); }

  /** As Network.fromWeights, in a new worker. */
  static fromWeights(spec, weights, options) {
    checkKeys(spec, SPEC_KEYS, 'spec');
    return WorkerNetwork.#start('fromWeights', [spec, weights], options);
  }

  /** As Network.fromNpz, in a new worker; `options` of the worker come third. */
  static fromNpz(bytes, importOptions, options) {
    return WorkerNetwork.#start('fromNpz', [bytes, importOptions], options);
  }

  /** As Network.fromTfjs, in a new worker. */
  static fromTfjs(modelJson, weightData, importOptions, options) {
    return WorkerNetwork.#start('fromTfjs', [modelJson, weightData, importOptions], options);
  }

  /** As Network.fromOnnx, in a new worker. */
  static fromOnnx(bytes, importOptions, options) {
    return WorkerNetwork.#start('fromOnnx', [bytes, importOptions], options);
  }

  #adopt({ handle, spec, paramCount }) {
    this.#handle = handle;
    this.#spec = spec;
    this.#paramCount = paramCount;
  }

  #receive(msg) {
    const call = this.#calls.get(msg.id);
    if (!call) return;
    if (msg.kind === 'progress') {
      call.progress(msg);
      return;
    }
    this.#calls.delete(msg.id);
    if (this.#calls.size === 0) this.#worker.busy(false);
    if (msg.error) call.reject(revive(msg.error));
    else call.resolve(msg.result);
  }

  #failAll(err) {
    for (const call of this.#calls.values()) call.reject(err);
    this.#calls.clear();
    this.#worker.busy(false);
  }

  #call(method, args, progress = null, id = this.#next++) {
    return new Promise((resolve, reject) => {
      if (this.#calls.size === 0) this.#worker.busy(true);
      this.#calls.set(id, { resolve, reject, progress });
      try {
        this.#worker.post({ id, method, args });
      } catch (err) {   // e.g. a DataCloneError: the call never left, so nothing will answer it
        this.#calls.delete(id);
        if (this.#calls.size === 0) this.#worker.busy(false);
        reject(err);
      }
    });
  }

  #live() {
    if (this.#disposed) throw new Error('Network has been disposed');
  }

  /** @returns {import('./index').NetworkSpec} */
  get spec() { this.#live(); return structuredClone(this.#spec); }
  /** @returns {number} */
  get inputs() { this.#live(); return this.#spec.layers[0]; }
  /** @returns {number} */
  get outputs() { this.#live(); return this.#spec.layers[this.#spec.layers.length - 1]; }
  /** @returns {number} */
  get paramCount() { this.#live(); return this.#paramCount; }

  /** @returns {Promise<Float32Array>} */
  async predict(x) { this.#live(); return this.#call('predict', [this.#handle, x]); }
  /** @returns {Promise<{loss: number, accuracy: number}>} */
  async evaluate(x, y) { this.#live(); return this.#call('evaluate', [this.#handle, x, y]); }
  /** @returns {Promise<number>} */
  async gradCheck(x, y, options = {}) { this.#live(); return this.#call('gradCheck', [this.#handle, x, y, options]); }
  /** @returns {Promise<Uint8Array>} */
  async save() { this.#live(); return this.#call('save', [this.#handle]); }
  /** @returns {Promise<Uint8Array>} */
  async checkpoint() { this.#live(); return this.#call('checkpoint', [this.#handle]); }

  async weights() { this.#live(); return this.#call('weights', [this.#handle]); }

  async toNpz() { this.#live(); return this.#call('toNpz', [this.#handle]); }

  async toTfjs() { this.#live(); return this.#call('toTfjs', [this.#handle]); }

  async toOnnx() { this.#live(); return this.#call('toOnnx', [this.#handle]); }
  /** @returns {Promise<Float32Array>} */
  async getParams() { this.#live(); return this.#call('getParams', [this.#handle]); }
  /** @returns {Promise<void>} */
  async setParams(values) { this.#live(); return this.#call('setParams', [this.#handle, values]); }

  /**
   * Train in the worker. Callbacks run here and are awaited: the worker waits for each.
   * @param {import('./index').FitOptions} [options]
   * @returns {Promise<import('./index').History>}
   */
  async fit(x, y, options = {}) {
    this.#live();
    if (this.#fitting) throw new Error('fit is already running on this network; await it or abort it first');
    checkKeys(options, FIT_KEYS, 'fit options');   // here: a misspelt callback cannot be posted
    const { onBatchEnd, onEpochEnd, signal, ...rest } = options;
    for (const [name, f] of [['onBatchEnd', onBatchEnd], ['onEpochEnd', onEpochEnd]]) {
      if (f !== undefined && typeof f !== 'function') {
        throw new TypeError(`fit options.${name} must be a function, got ${show(f)}`);
      }
    }
    if (signal !== undefined && typeof signal?.throwIfAborted !== 'function') {
      throw new TypeError(`fit options.signal must be an AbortSignal, got ${show(signal)}`);
    }
    signal?.throwIfAborted();
    const id = this.#next++;
    let thrown = null;   // a callback's own error object, handed back as is
    const progress = async (msg) => {
      let error;
      try {
        await (msg.event === 'batch' ? onBatchEnd : onEpochEnd)(msg.index, msg.logs);
      } catch (err) {
        thrown = err;
        error = { name: err?.name || 'Error', message: err?.message || String(err) };
      }
      if (this.#calls.has(id)) this.#worker.post({ method: 'ack', args: [id, error] });
    };
    const abort = () => this.#worker.post({ method: 'abort', args: [id] });
    signal?.addEventListener('abort', abort);
    this.#fitting = true;
    try {
      const callbacks = { batch: !!onBatchEnd, epoch: !!onEpochEnd };
      const r = await this.#call('fit', [this.#handle, x, y, rest, callbacks], progress, id);
      this.#spec = r.spec;
      return r.history;
    } catch (err) {
      if (rest.schedule !== undefined && !this.#disposed) {
        // Network sets the schedule before training, so it stays after a failed fit: take the
        // spec back from the worker
        try { this.#adopt(await this.#call('spec', [this.#handle])); } catch { /* disposed meanwhile */ }
      }
      if (signal?.aborted && err?.name === 'AbortError') throw signal.reason ?? err;
      throw thrown ?? err;
    } finally {
      signal?.removeEventListener('abort', abort);
      this.#fitting = false;
    }
  }

  /**
   * Replace the worker's network with a new one made from `spec`, keeping the worker and every
   * data set kept by loadIdx (a second network trains on them without loading them again).
   * Afterwards spec, inputs, outputs and paramCount describe the new network; on a bad spec
   * the old one stays.
   * @param {import('./index').NetworkSpec} spec
   * @returns {Promise<void>}
   */
  async recreate(spec) {
    this.#live();
    if (this.#fitting) throw new Error('recreate cannot run while fit is running; await it or abort it first');
    checkKeys(spec, SPEC_KEYS, 'spec');
    this.#adopt(await this.#call('recreate', [this.#handle, spec]));
  }

  /**
   * Fetch and parse an IDX file inside the worker and keep it there: the returned reference
   * can stand for x or y in fit, evaluate, predict and validationData, so big data sets never
   * cross the thread boundary.
   * @param {string|URL} url absolute, or relative to the page
   * @param {{bytes?: boolean}} [options] as datasets.idx
   * @returns {Promise<import('./index').WorkerData>}
   */
  async loadIdx(url, options = {}) {
    this.#live();
    // resolved here: relative to the page, not to the worker script
    const href = typeof location === 'object' && location?.href ? new URL(url, location.href).href : String(url);
    return this.#call('loadIdx', [href, options]);
  }

  /** Drop data kept by loadIdx. */
  async releaseData(ref) {
    this.#live();
    return this.#call('releaseData', [ref]);
  }

  /** Free the network and stop its worker. Idempotent; any later use throws. */
  async dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      await this.#call('dispose', [this.#handle]);
    } finally {
      this.terminate();
    }
  }

  /** Stop the worker at once; pending calls reject. The network is gone. */
  terminate() {
    this.#disposed = true;
    this.#worker.terminate();
    this.#failAll(new Error('Network has been disposed'));
  }
}
