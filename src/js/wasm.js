/**
 * Loading the module once: picks the SIMD or scalar build with the feature probe, accepts an
 * already compiled WebAssembly.Module or the bytes (for bundlers and workers), and keeps one
 * memoised promise of the Core every Network shares.
 */
import { Core } from './heap.js';
import { boolean, checkKeys, show } from './options.js';
import { simdSupported } from './simd.js';

let platformLoad = null;
let ready = null;
let loaded = null;
let variant = null;

/** Set by each entry point (index.node.js, index.browser.js): how to find the .wasm file. */
export function setPlatformLoader(load) {
  platformLoad = load;
}

/* the only import: memory grew. Views are re-created on every use, so nothing to do. */
const imports = () => ({ env: { emscripten_notify_memory_growth() {} } });

async function instantiate(source, simd) {
  if (source instanceof WebAssembly.Module) return WebAssembly.instantiate(source, imports());
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return (await WebAssembly.instantiate(source, imports())).instance;
  }
  if (!platformLoad) throw new Error('nnwasm: no loader for this platform; pass the module to init()');
  return platformLoad(simd, imports());
}

/**
 * Load and initialise the WebAssembly module once. Every API call awaits this itself; call it
 * directly to load early or to hand in the module (compiled or bytes) from elsewhere. Once a
 * load has succeeded, later calls share it and do not use their source; a failed load may be
 * retried.
 * @param {WebAssembly.Module|ArrayBuffer|ArrayBufferView} [source] the nnwasm .wasm; by default
 *   build/wasm/nnwasm-simd.wasm (or -scalar.wasm without SIMD) beside the package
 * @param {{simd?: boolean}} [options] force the SIMD (true) or scalar (false) build
 * @returns {Promise<void>}
 */
export function init(source, options = {}) {
  try {
    if (source !== undefined && !(source instanceof WebAssembly.Module ||
        source instanceof ArrayBuffer || ArrayBuffer.isView(source))) {
      throw new TypeError('init(source): source must be a WebAssembly.Module, an ArrayBuffer or ' +
        `a typed array of the .wasm bytes, got ${show(source)}`);
    }
    checkKeys(options, ['simd'], 'init options');
    if (options.simd !== undefined) boolean(options.simd, 'init options.simd');
  } catch (err) {
    return Promise.reject(err);
  }
  if (!ready) {
    const simd = options.simd ?? simdSupported();
    ready = instantiate(source, simd).then((instance) => {
      instance.exports._initialize();
      variant = source === undefined ? (simd ? 'simd' : 'scalar') : 'custom';
      loaded = new Core(instance.exports);
      return loaded;
    });
    ready.catch(() => { ready = null; }); // a failed load may be retried
  }
  return ready.then(() => {});
}

/** @returns {Promise<Core>} the shared core (internal) */
export async function core() {
  await init();
  return ready;
}

/** @returns {Core|null} the shared core once a load has finished, for synchronous calls
 *  (internal) */
export function loadedCore() {
  return loaded;
}

/** @returns {'simd'|'scalar'|'custom'|null} which build is loaded, null before init */
export function wasmVariant() {
  return variant;
}
