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
