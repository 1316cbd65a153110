/** nnwasm for browsers and bundlers: fetches the .wasm relative to this module. */
import { setPlatformLoader } from './wasm.js';
import { loadInstance, spawnWorker } from './loader.browser.js';
import { setWorkerSpawner } from './worker-network.js';
import * as shared from './datasets.js';

setPlatformLoader(loadInstance);
setWorkerSpawner(spawnWorker);

export { init, wasmVariant } from './wasm.js';
export { simdSupported } from './simd.js';
export { Network } from './network.js';
export { WorkerNetwork } from './worker-network.js';
export { NnError } from './heap.js';

/** Browsers have no MNIST files: fetch the IDX files and pass them to datasets.idx(). */
async function mnist() {
  throw new Error('datasets.mnist() is for Node; in a browser, fetch the IDX files and use datasets.idx(bytes)');
}

/** Data sets: spiral, idx, minmax, bytesToFloats (mnist is Node only). */
export const datasets = Object.freeze({ ...shared, mnist });
