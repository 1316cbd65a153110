/** Node loader: reads build/wasm/nnwasm-{simd,scalar}.wasm beside the package with fs. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * @param {boolean} simd pick the SIMD build
 * @param {WebAssembly.Imports} imports
 * @returns {Promise<WebAssembly.Instance>}
 */
export async function loadInstance(simd, imports) {
  const url = new URL(`../../build/wasm/nnwasm-${simd ? 'simd' : 'scalar'}.wasm`, import.meta.url);
  let bytes;
  try {
    bytes = await readFile(url);
  } catch (err) {
    throw new Error(`nnwasm: cannot read ${fileURLToPath(url)} (${err.code || err.message}); ` +
      'build it with `npm test` or `npm run build`, or pass the module to init()');
  }
  const { instance } = await WebAssembly.instantiate(bytes, imports);
  return instance;
}

/**
 * Start worker.node.js in a worker_threads Worker, as the endpoint WorkerNetwork talks to. The
 * worker holds the process open only while calls are pending.
 */
export async function spawnWorker() {
  const { Worker } = await import('node:worker_threads');
  const w = new Worker(new URL('./worker.node.js', import.meta.url));
  w.unref();
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer),
    onMessage: (fn) => w.on('message', fn),
    onError: (fn) => w.on('error', fn),
    busy: (yes) => (yes ? w.ref() : w.unref()),
    terminate: () => w.terminate(),
  };
}
