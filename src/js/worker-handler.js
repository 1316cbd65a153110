/**
 * The message handler run inside a Web Worker or a Node worker_threads worker. Requests are
 * `{id, method, args}`; answers are `{id, result}` or `{id, error: {name, message, code}}`;
 * fit progress is `{id, kind: 'progress', event: 'batch' | 'epoch', index, logs}`, answered by
 * `{method: 'ack', args: [id, error?]}` once the caller's callback has finished, so callbacks
 * are awaited exactly as with Network. worker.browser.js and worker.node.js adapt it.
 */

/** plain-object form of an error, for postMessage */
function serialise(err) {
  return {
    name: err?.name || 'Error',
    message: err?.message || String(err),
    code: err?.code,
    status: err?.status,
  };
}

/** transferable buffers of a result (typed arrays made here are never shared) */
function transfers(result) {
  return ArrayBuffer.isView(result) ? [result.buffer] : [];
}

/**
 * @param {object} api the nnwasm entry point (Network, datasets, init)
 * @param {(msg: object, transfer?: Transferable[]) => void} post
 * @returns {(msg: object) => void} the onmessage handler
 */
export function createHandler(api, post) {
  const nets = new Map();       // handle → Network
  const stored = new Map();     // data handle → an array kept in the worker (loadIdx)
  const fits = new Map();       // request id → AbortController of a running fit
  const acks = new Map();       // request id → resolve/reject of a pending progress ack
  let next = 1;

  const net = (handle) => {
    const n = nets.get(handle);
    if (!n) throw new Error('Network has been disposed');
    return n;
  };
  /* a {nnwasmData: id} reference from the caller becomes the array it names */
  const arg = (v) => {
    if (v === null || typeof v !== 'object' || !('nnwasmData' in v)) return v;
    const a = stored.get(v.nnwasmData);
    if (!a) throw new Error(`data ${v.nnwasmData} is not loaded in this worker (released?)`);
    return a;
  };
  const describe = (handle, n) => ({ handle, spec: n.spec, paramCount: n.paramCount });
  const keep = (n) => { const handle = next++; nets.set(handle, n); return describe(handle, n); };

  /* progress to the caller, resumed when the caller's callback is done */
  const progress = (id, event) => (index, logs) => new Promise((resolve, reject) => {
    acks.set(id, { resolve, reject });
    post({ id, kind: 'progress', event, index, logs });
  });

  const methods = {
    init: (source, options) => api.init(source, options),
    create: async (spec) => keep(await api.Network.create(spec)),
    load: async (bytes) => keep(await api.Network.load(bytes)),
    fromWeights: async (spec, weights) => keep(await api.Network.fromWeights(spec, weights)),
    fromNpz: async (bytes, options) => keep(await api.Network.fromNpz(bytes, options)),
    fromTfjs: async (json, data, options) => keep(await api.Network.fromTfjs(json, data, options)),
    fromOnnx: async (bytes, options) => keep(await api.Network.fromOnnx(bytes, options)),
    recreate: async (h, spec) => {   // the old network stays if spec is refused
      const old = net(h);
      const n = await api.Network.create(spec);
      nets.set(h, n);
      old.dispose();
      return describe(h, n);
    },
    spec: (h) => describe(h, net(h)),
    predict: (h, x) => net(h).predict(arg(x)),
    evaluate: (h, x, y) => net(h).evaluate(arg(x), arg(y)),
    gradCheck: (h, x, y, options) => net(h).gradCheck(arg(x), arg(y), options),
    save: (h) => net(h).save(),
    checkpoint: (h) => net(h).checkpoint(),
    weights: (h) => net(h).weights(),
    toNpz: (h) => net(h).toNpz(),
    toTfjs: (h) => net(h).toTfjs(),
    toOnnx: (h) => net(h).toOnnx(),
    getParams: (h) => net(h).getParams(),
    setParams: (h, values) => net(h).setParams(values),
    dispose: (h) => { nets.get(h)?.dispose(); nets.delete(h); },
    fit: async (id, h, x, y, options, callbacks) => {
      const controller = new AbortController();
      fits.set(id, controller);
      try {
        const o = { ...options, signal: controller.signal };
        if (o.validationData) o.validationData = o.validationData.map(arg);
        if (callbacks.batch) o.onBatchEnd = progress(id, 'batch');
        if (callbacks.epoch) o.onEpochEnd = progress(id, 'epoch');
        const n = net(h);
        const history = await n.fit(arg(x), arg(y), o);
        return { history, spec: n.spec };
      } finally {
        fits.delete(id);
      }
    },
    abort: (id) => { fits.get(id)?.abort(); },
    ack: (id, error) => {
      const pending = acks.get(id);
      acks.delete(id);
      if (!pending) return;
      if (error) pending.reject(Object.assign(new Error(error.message), error));
      else pending.resolve();
    },
    loadIdx: async (url, options) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`loading ${url} gave HTTP ${response.status}`);
      const r = await api.datasets.idx(await response.arrayBuffer(), options);
      const id = next++;
      stored.set(id, r.kind === 'images' ? r.x : r.y);
      const { x, y, ...about } = r;
      return { nnwasmData: id, ...about };
    },
    releaseData: (ref) => { stored.delete(ref?.nnwasmData); },
    spiral: (options) => api.datasets.spiral(options),
    idx: (bytes, options) => api.datasets.idx(bytes, options),
    mnist: (options) => api.datasets.mnist(options),
  };

  return async (msg) => {
    const { id, method, args = [] } = msg || {};
    if (method === 'ack' || method === 'abort') {   // control messages get no answer
      methods[method](...args);
      return;
    }
    try {
      const fn = Object.hasOwn(methods, method) ? methods[method] : null;
      if (!fn) throw new TypeError(`unknown worker method ${JSON.stringify(method)}`);
      const result = await (method === 'fit' ? fn(id, ...args) : fn(...args));
      post({ id, result }, transfers(result));
    } catch (err) {
      post({ id, error: serialise(err) });
    }
  };
}
