/** nnwasm for Node: reads the .wasm with fs. */
import { setPlatformLoader } from './wasm.js';
import { loadInstance, spawnWorker } from './loader.node.js';
import { setWorkerSpawner } from './worker-network.js';
import * as shared from './datasets.js';
import { mnist } from './mnist.node.js';

setPlatformLoader(loadInstance);
setWorkerSpawner(spawnWorker);

export { init, wasmVariant } from './wasm.js';
export { simdSupported } from './simd.js';
export { Network } from './network.js';
export { WorkerNetwork } from './worker-network.js';
export { NnError } from './heap.js';

/** Data sets: spiral, idx, minmax, bytesToFloats, and mnist (Node only). */
export const datasets = Object.freeze({ ...shared, mnist });
