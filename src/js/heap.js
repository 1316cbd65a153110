/**
 * The only file that touches wasm pointers. It wraps the exported C API (include/nnwasm.h) in
 * methods taking and returning JS values: it allocates what it passes in, frees it in
 * `finally`, re-creates typed-array views after every call that can grow memory, and hands out
 * copies, never views into the heap. Struct layouts match src/core/abi.c, which fails the wasm
 * build if they drift.
 */

const STATUS = [
  'NN_OK', 'NN_ERR_ARG', 'NN_ERR_NOMEM', 'NN_ERR_FORMAT', 'NN_ERR_VERSION', 'NN_ERR_CHECKSUM',
  'NN_ERR_STATE', 'NN_ERR_NONFINITE', 'NN_ERR_TRUNCATED', 'NN_ERR_MAGIC', 'NN_ERR_CAPACITY',
];

const SPEC_BYTES = 1456; // the MLP fields (160 bytes), then input, n_items and the layer list
const SPEC_MLP_BYTES = 160; // what writeSpec fills; the layer list after it is written as zeros
const SPEC_N_ITEMS = 172; // nn_spec.n_items: > 0 for a layer-list net, which readSpec reports
const DATA_BYTES = 24;
const FIT_OPTS_BYTES = 32; // epochs, batch_size, shuffle, resume, then augment (4 f32: all 0 = off)
const PROGRESS_BYTES = 72;
const IDX_INFO_BYTES = 20;
const ERROR_BYTES = 256;
const MAX_LAYERS = 16;

const decoder = new TextDecoder();

/** An Error carrying the core's status: `code` is its name ('NN_ERR_ARG', ...). */
export class NnError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'NnError';
    this.status = status;
    this.code = STATUS[status] || `NN_STATUS_${status}`;
  }
}

/* the nn_spec fields after the layer sizes, in memory order: [name, kind] */
const SPEC_FIELDS = [
  ['activation', 'i32'], ['output', 'i32'], ['loss', 'i32'], ['init', 'i32'],
  ['init_std', 'f32'], ['leaky_slope', 'f32'], ['hswish_n', 'f32'], ['weight_decay', 'f32'],
  ['clip_norm', 'f32'], ['dropout', 'f32'], ['flood', 'f32'], ['seed', 'u32'],
  ['opt_type', 'i32'], ['lr', 'f32'], ['momentum', 'f32'], ['rho', 'f32'], ['beta1', 'f32'],
  ['beta2', 'f32'], ['eps', 'f32'],
  ['schedule_type', 'i32'], ['step_size', 'i32'], ['gamma', 'f32'], ['min_lr', 'f32'],
];

function put(dv, at, kind, v) {
  if (kind === 'f32') dv.setFloat32(at, v, true);
  else if (kind === 'u32') dv.setUint32(at, v, true);
  else dv.setInt32(at, v, true);
}

function get(dv, at, kind) {
  if (kind === 'f32') return dv.getFloat32(at, true);
  if (kind === 'u32') return dv.getUint32(at, true);
  return dv.getInt32(at, true);
}

/** The wasm instance's C API with JS values in and out. */
export class Core {
  /** @param {WebAssembly.Exports} exports of an initialised nnwasm module */
  constructor(exports) {
    this.fn = exports;
    this.memory = exports.memory;
  }

  /* ---- memory ---------------------------------------------------------------------------- */

  /* views are made fresh on each use: memory growth detaches old buffers */
  dv() { return new DataView(this.memory.buffer); }

  alloc(bytes) {
    // wasm32 sizes are 32-bit: a larger request would wrap to a small block
    if (!(bytes <= 0xffffffff)) throw new NnError(2, `nnwasm: ${bytes} bytes do not fit in 32-bit wasm memory`);
    const p = this.fn.nn_alloc(Math.max(1, bytes));
    if (!p) throw new NnError(2, `nnwasm: out of wasm memory allocating ${bytes} bytes`);
    return p;
  }

  /** Run fn(scope) and free everything the scope allocated, whatever happens. */
  with(fn) {
    const ptrs = [];
    const scope = {
      alloc: (bytes) => { const p = this.alloc(bytes); ptrs.push(p); return p; },
      copyIn: (typed) => {
        const p = scope.alloc(typed.byteLength);
        new Uint8Array(this.memory.buffer, p, typed.byteLength)
          .set(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
        return p;
      },
    };
    try {
      return fn(scope);
    } finally {
      for (const p of ptrs) this.fn.nn_free(p);
    }
  }

  /** a copy of n elements of Type at p */
  copyOut(Type, p, n) { return new Type(this.memory.buffer, p, n).slice(); }

  string(p) {
    const b = new Uint8Array(this.memory.buffer);
    let end = p;
    while (b[end]) end++;
    return decoder.decode(b.subarray(p, end));
  }

  heapUsed() { return this.fn.nn_heap_used(); }

  /* ---- errors ------------------------------------------------------------------------------ */

  /** throw the net's last error unless status is NN_OK */
  check(status, net) {
    if (status !== 0) throw new NnError(status, this.string(this.fn.nn_net_last_error(net)));
  }

  /** call fn(errPtr) for functions reporting through an nn_error, throw on failure */
  withError(scope, fn) {
    const err = scope.alloc(ERROR_BYTES);
    new Uint8Array(this.memory.buffer, err, 1)[0] = 0;
    const status = fn(err);
    if (status !== 0) {
      const detail = this.string(err) || this.string(this.fn.nn_status_str(status));
      throw new NnError(status, detail);
    }
  }

  /* ---- specs ------------------------------------------------------------------------------- */

  /** nn_spec_default() as a flat object (C field names; opt and schedule fields flattened) */
  specDefault() {
    return this.with((s) => {
      const p = s.alloc(SPEC_BYTES);
      this.fn.nn_spec_default(p); // struct return: the callee fills the pointer it is given
      return this.readSpec(p);
    });
  }

  /** the MLP fields, and n_items (the layers of a layer-list net, which the JavaScript API
   *  does not describe yet: issue #14; 0 for the MLP shorthand) */
  readSpec(p) {
    const dv = this.dv();
    const n = dv.getInt32(p, true);
    const spec = { layers: [] };
    for (let l = 0; l < n; l++) spec.layers.push(dv.getInt32(p + 4 + 4 * l, true));
    SPEC_FIELDS.forEach(([name, kind], i) => { spec[name] = get(dv, p + 68 + 4 * i, kind); });
    spec.n_items = dv.getInt32(p + SPEC_N_ITEMS, true);
    return spec;
  }

  writeSpec(p, spec) {
    // the shorthand only: input, n_items and the layer list stay zero (n_items = 0)
    new Uint8Array(this.memory.buffer, p + SPEC_MLP_BYTES, SPEC_BYTES - SPEC_MLP_BYTES).fill(0);
    const dv = this.dv();
    dv.setInt32(p, spec.layers.length, true);
    for (let l = 0; l < MAX_LAYERS; l++) dv.setInt32(p + 4 + 4 * l, spec.layers[l] ?? 0, true);
    SPEC_FIELDS.forEach(([name, kind], i) => put(dv, p + 68 + 4 * i, kind, spec[name]));
  }

  /** nn_spec_validate: the core's verdict on a spec, without making a net
   *  @returns {number} the parameter count */
  validate(spec) {
    return this.with((s) => {
      const sp = s.alloc(SPEC_BYTES);
      this.writeSpec(sp, spec);
      const count = s.alloc(4);
      this.withError(s, (err) => this.fn.nn_spec_validate(sp, count, err));
      return this.dv().getUint32(count, true);
    });
  }

  /* ---- nets -------------------------------------------------------------------------------- */

  /** @returns {number} a net handle */
  create(spec) {
    return this.with((s) => {
      const sp = s.alloc(SPEC_BYTES);
      this.writeSpec(sp, spec);
      const out = s.alloc(4);
      this.withError(s, (err) => this.fn.nn_net_create(sp, out, err));
      return this.dv().getUint32(out, true);
    });
  }

  destroy(net) { this.fn.nn_net_free(net); }

  spec(net) {
    return this.with((s) => {
      const p = s.alloc(SPEC_BYTES);
      this.fn.nn_net_spec(net, p);
      return this.readSpec(p);
    });
  }

  paramCount(net) { return this.fn.nn_param_count(net); }

  getParams(net) { return this.copyOut(Float32Array, this.fn.nn_params(net), this.paramCount(net)); }

  setParams(net, values) {
    new Float32Array(this.memory.buffer, this.fn.nn_params(net), this.paramCount(net)).set(values);
  }

  setSchedule(net, spec) {
    this.with((s) => {
      const p = s.alloc(16);
      const dv = this.dv();
      dv.setInt32(p, spec.schedule_type, true);
      dv.setInt32(p + 4, spec.step_size, true);
      dv.setFloat32(p + 8, spec.gamma, true);
      dv.setFloat32(p + 12, spec.min_lr, true);
      this.check(this.fn.nn_net_set_schedule(net, p), net);
    });
  }

  /* ---- data -------------------------------------------------------------------------------- */

  /**
   * Copy a data set into the heap once (for a whole fit, or validation every epoch).
   * @param {{x: Float32Array|Uint8Array, y?: Int32Array|Float32Array, rows: number,
   *          cols: number}} d   labels as Int32Array, targets as Float32Array
   * @returns {{ptr: number, free: () => void}} an nn_data in the heap; free() releases it all
   */
  upload(d) {
    const ptrs = [];
    const copy = (typed) => {
      const p = this.alloc(typed.byteLength);
      ptrs.push(p);
      new Uint8Array(this.memory.buffer, p, typed.byteLength)
        .set(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
      return p;
    };
    const free = () => { for (const p of ptrs.splice(0)) this.fn.nn_free(p); };
    try {
      const x = copy(d.x);
      const y = d.y ? copy(d.y) : 0;
      const ptr = this.alloc(DATA_BYTES);
      ptrs.push(ptr);
      const dv = this.dv();
      dv.setUint32(ptr, d.x instanceof Float32Array ? x : 0, true);
      dv.setUint32(ptr + 4, d.x instanceof Uint8Array ? x : 0, true);
      dv.setUint32(ptr + 8, d.y instanceof Int32Array ? y : 0, true);
      dv.setUint32(ptr + 12, d.y instanceof Float32Array ? y : 0, true);
      dv.setInt32(ptr + 16, d.rows, true);
      dv.setInt32(ptr + 20, d.cols, true);
      return { ptr, free };
    } catch (err) {
      free();
      throw err;
    }
  }

  /* ---- training ---------------------------------------------------------------------------- */

  /** nn_fit_begin; returns the progress buffer the session's steps report into */
  fitBegin(net, data, { epochs, batchSize, shuffle, resume }) {
    const progress = this.alloc(PROGRESS_BYTES);
    try {
      this.with((s) => {
        const o = s.alloc(FIT_OPTS_BYTES);
        const dv = this.dv();
        dv.setInt32(o, epochs, true);
        dv.setInt32(o + 4, batchSize, true);
        dv.setInt32(o + 8, shuffle ? 1 : 0, true);
        dv.setInt32(o + 12, resume ? 1 : 0, true);
        // nn_fit_opts.augment: shift, rotate, scale, shear; zeros (off) until the JavaScript
        // API offers augmentation, which needs image inputs (layer lists, issue #14)
        new Uint8Array(this.memory.buffer, o + 16, 16).fill(0);
        this.check(this.fn.nn_fit_begin(net, data.ptr, o), net);
      });
    } catch (err) {
      this.fn.nn_free(progress);
      throw err;
    }
    return progress;
  }

  /** nn_fit_steps: at most k steps; returns the progress as numbers */
  fitSteps(net, progress, k) {
    this.check(this.fn.nn_fit_steps(net, k, progress), net);
    const dv = this.dv();
    return {
      step: Number(dv.getBigInt64(progress, true)),
      totalSteps: Number(dv.getBigInt64(progress + 8, true)),
      epoch: dv.getInt32(progress + 16, true),
      epochs: dv.getInt32(progress + 20, true),
      batch: dv.getInt32(progress + 24, true),
      batchesPerEpoch: dv.getInt32(progress + 28, true),
      epochEnd: dv.getInt32(progress + 32, true) !== 0,
      done: dv.getInt32(progress + 36, true) !== 0,
      loss: dv.getFloat64(progress + 40, true),
      accuracy: dv.getFloat64(progress + 48, true),
      batchLoss: dv.getFloat64(progress + 56, true),
      lr: dv.getFloat32(progress + 64, true),
    };
  }

  fitEnd(net, progress) {
    this.fn.nn_fit_end(net);
    this.fn.nn_free(progress);
  }

  /* ---- inference --------------------------------------------------------------------------- */

  predict(net, x, rows, outputs) {
    return this.with((s) => {
      const xp = s.copyIn(x);
      const n = rows * outputs;
      const out = s.alloc(4 * n);
      this.check(this.fn.nn_predict(net, xp, rows, out, n), net);
      return this.copyOut(Float32Array, out, n);
    });
  }

  /** @param data an upload() */
  evaluate(net, data) {
    return this.with((s) => {
      const r = s.alloc(16);
      this.check(this.fn.nn_evaluate(net, data.ptr, r, r + 8), net);
      const dv = this.dv();
      return { loss: dv.getFloat64(r, true), accuracy: dv.getFloat64(r + 8, true) };
    });
  }

  /** @param data an upload() */
  gradCheck(net, data, h) {
    return this.with((s) => {
      const r = s.alloc(8);
      this.check(this.fn.nn_grad_check(net, data.ptr, h, r), net);
      return this.dv().getFloat64(r, true);
    });
  }

  /* ---- model files ------------------------------------------------------------------------- */

  save(net, checkpoint) {
    return this.with((s) => {
      const n = this.fn.nn_model_size(net, checkpoint ? 1 : 0);
      const p = s.alloc(n);
      this.check(this.fn.nn_model_save(net, checkpoint ? 1 : 0, p, n), net);
      return this.copyOut(Uint8Array, p, n);
    });
  }

  /** @returns {number} a net handle */
  load(bytes) {
    return this.with((s) => {
      const p = s.copyIn(bytes);
      const out = s.alloc(4);
      this.withError(s, (err) => this.fn.nn_model_load(p, bytes.byteLength, out, err));
      return this.dv().getUint32(out, true);
    });
  }

  /* ---- datasets ---------------------------------------------------------------------------- */

  spiral(perClass, classes, seed) {
    return this.with((s) => {
      const rows = perClass * classes;
      const x = s.alloc(8 * rows);
      const y = s.alloc(4 * rows);
      this.withError(s, (err) => this.fn.nn_spiral(perClass, classes, seed, x, y, err));
      return { x: this.copyOut(Float32Array, x, 2 * rows), y: this.copyOut(Int32Array, y, rows) };
    });
  }

  /** parse an IDX file; images come back as bytes (value/255 is applied where they are used) */
  idx(bytes) {
    return this.with((s) => {
      const p = s.copyIn(bytes);
      const info = s.alloc(IDX_INFO_BYTES);
      this.withError(s, (err) => this.fn.nn_idx_parse(p, bytes.byteLength, info, err));
      const dv = this.dv();
      const magic = dv.getInt32(info, true);
      const count = dv.getInt32(info + 4, true);
      const rows = dv.getInt32(info + 8, true);
      const cols = dv.getInt32(info + 12, true);
      const offset = dv.getUint32(info + 16, true);
      if (magic === 2049) {
        const out = s.alloc(4 * count);
        this.withError(s, (err) => this.fn.nn_idx_labels(p, bytes.byteLength, out, count, err));
        return { kind: 'labels', count, labels: this.copyOut(Int32Array, out, count) };
      }
      return { kind: 'images', count, rows, cols,
        pixels: this.copyOut(Uint8Array, p + offset, count * rows * cols) };
    });
  }

  /** decode IDX images to floats in 0..1 by the core's value/255 */
  idxImages(bytes, n) {
    return this.with((s) => {
      const p = s.copyIn(bytes);
      const out = s.alloc(4 * n);
      this.withError(s, (err) => this.fn.nn_idx_images(p, bytes.byteLength, out, n, err));
      return this.copyOut(Float32Array, out, n);
    });
  }

  minmaxFit(x, rows, cols) {
    return this.with((s) => {
      const xp = s.copyIn(x);
      const lo = s.alloc(4 * cols);
      const hi = s.alloc(4 * cols);
      this.withError(s, (err) => this.fn.nn_minmax_fit(xp, rows, cols, lo, hi, err));
      return { min: this.copyOut(Float32Array, lo, cols), max: this.copyOut(Float32Array, hi, cols) };
    });
  }

  minmaxApply(x, rows, cols, min, max) {
    return this.with((s) => {
      const xp = s.copyIn(x);
      const lo = s.copyIn(min);
      const hi = s.copyIn(max);
      this.withError(s, (err) => this.fn.nn_minmax_apply(xp, rows, cols, lo, hi, err));
      return this.copyOut(Float32Array, xp, rows * cols);
    });
  }
}
