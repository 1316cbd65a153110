/** Browser loader: fetches build/wasm/nnwasm-{simd,scalar}.wasm relative to this module. */

/**
 * @param {boolean} simd pick the SIMD build
 * @param {WebAssembly.Imports} imports
 * @returns {Promise<WebAssembly.Instance>}
 */
export async function loadInstance(simd, imports) {
  const url = new URL(`../../build/wasm/nnwasm-${simd ? 'simd' : 'scalar'}.wasm`, import.meta.url);
  let response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new Error(`nnwasm: cannot fetch ${url} (${err.message}); serve the .wasm file beside ` +
      'the package, or pass the module to init()');
  }
  if (!response.ok) {
    throw new Error(`nnwasm: fetching ${url} gave HTTP ${response.status}; serve the .wasm ` +
      'file beside the package, or pass the module to init()');
  }
  // streaming compilation needs the application/wasm MIME type; fall back to bytes otherwise
  if (WebAssembly.instantiateStreaming &&
      (response.headers.get('content-type') || '').startsWith('application/wasm')) {
    const { instance } = await WebAssembly.instantiateStreaming(response, imports);
    return instance;
  }
  const { instance } = await WebAssembly.instantiate(await response.arrayBuffer(), imports);
  return instance;
}

/** Start worker.browser.js as a module Worker, as the endpoint WorkerNetwork talks to. */
export async function spawnWorker() {
  const w = new Worker(new URL('./worker.browser.js', import.meta.url), { type: 'module' });
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer),
    onMessage: (fn) => { w.onmessage = (event) => fn(event.data); },
    onError: (fn) => { w.onerror = (event) => { event.preventDefault?.(); fn(event.message || event); }; },
    busy: () => {},
    terminate: () => w.terminate(),
  };
}
