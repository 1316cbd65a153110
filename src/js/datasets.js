/**
 * Data sets: the seeds' spiral, IDX files (MNIST's format) and min-max normalisation. The
 * work is done by the C core; here only arguments are checked and results handed out.
 */
import { core } from './wasm.js';
import { boolean, checkKeys, integer, show } from './options.js';

let byteTable = null;

/* value/255 for every byte, computed once by the core's own IDX decoder, so byte inputs
 * converted here are bit-identical to the bytes the core reads as x_u8 */
function scaleTable(c) {
  if (!byteTable) {
    const idx = new Uint8Array(16 + 256);
    idx.set([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 16, 0, 0, 0, 16]); // magic 2051, 1 image of 16×16
    for (let i = 0; i < 256; i++) idx[16 + i] = i;
    byteTable = c.idxImages(idx, 256);
  }
  return byteTable;
}

/**
 * Bytes to floats in 0..1 exactly as the core reads them (value/255).
 * @param {Uint8Array|Uint8ClampedArray} pixels
 * @returns {Promise<Float32Array>}
 */
export async function bytesToFloats(pixels) {
  if (!(pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray)) {
    throw new TypeError(`bytesToFloats(pixels): pixels must be a Uint8Array or Uint8ClampedArray, got ${show(pixels)}`);
  }
  const table = scaleTable(await core());
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = table[pixels[i]];
  return out;
}

/**
 * The spiral of the seeds: `classes` arms of `pointsPerClass` points, r = i/n,
 * θ = 4j + 4r + 0.2·N(0, 1), x = r·(sin θ, cos θ). Row j·n + i has label j.
 * @param {{pointsPerClass?: number, classes?: number, seed?: number}} [options]
 *   defaults 100, 3, 1
 * @returns {Promise<{x: Float32Array, y: Int32Array}>} x is rows × 2
 */
export async function spiral(options = {}) {
  checkKeys(options, ['pointsPerClass', 'classes', 'seed'], 'spiral options');
  const { pointsPerClass = 100, classes = 3, seed = 1 } = options;
  integer(pointsPerClass, 'spiral options.pointsPerClass', 1, 10_000_000);
  integer(classes, 'spiral options.classes', 1, 10_000_000);
  integer(seed, 'spiral options.seed', 0, 2 ** 32 - 1);
  if (pointsPerClass * classes > 10_000_000) {
    throw new RangeError(`spiral: ${pointsPerClass} × ${classes} points exceed the limit of 10,000,000`);
  }
  return (await core()).spiral(pointsPerClass, classes, seed);
}

/**
 * Parse an IDX file (unsigned bytes; images 2051 or labels 2049), checking every size.
 * @param {Uint8Array|ArrayBuffer} bytes the whole file
 * @param {{bytes?: boolean}} [options] images as a Uint8Array of raw pixels (fit reads them as
 *   value/255) instead of floats in 0..1
 * @returns {Promise<{kind: 'images', count: number, rows: number, cols: number,
 *   x: Float32Array|Uint8Array} | {kind: 'labels', count: number, y: Int32Array}>}
 */
export async function idx(bytes, options = {}) {
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`idx(bytes): bytes must be a Uint8Array or ArrayBuffer, got ${show(bytes)}`);
  }
  checkKeys(options, ['bytes'], 'idx options');
  const raw = options.bytes === undefined ? false : boolean(options.bytes, 'idx options.bytes');
  const c = await core();
  const r = c.idx(bytes);
  if (r.kind === 'labels') return { kind: 'labels', count: r.count, y: r.labels };
  return { kind: 'images', count: r.count, rows: r.rows, cols: r.cols,
    x: raw ? r.pixels : await bytesToFloats(r.pixels) };
}

/**
 * Fit min-max normalisation on x (rows × cols): per column (x − min)/(max − min), a constant
 * column becoming 0. Fit on training data, apply to both.
 * @param {Float32Array} x
 * @param {number} cols values per row
 * @returns {Promise<{min: Float32Array, max: Float32Array, apply: (x: Float32Array) => Float32Array}>}
 */
export async function minmax(x, cols) {
  if (!(x instanceof Float32Array)) throw new TypeError(`minmax(x, cols): x must be a Float32Array, got ${show(x)}`);
  integer(cols, 'minmax(x, cols): cols', 1);
  if (x.length === 0 || x.length % cols !== 0) {
    throw new RangeError(`minmax(x, cols): x has ${x.length} values, not a positive multiple of ${cols}`);
  }
  const c = await core();
  const { min, max } = c.minmaxFit(x, x.length / cols, cols);
  const apply = (v) => {
    if (!(v instanceof Float32Array)) throw new TypeError(`apply(x): x must be a Float32Array, got ${show(v)}`);
    if (v.length === 0 || v.length % cols !== 0) {
      throw new RangeError(`apply(x): x has ${v.length} values, not a positive multiple of ${cols}`);
    }
    return c.minmaxApply(v, v.length / cols, cols, min, max);
  };
  return { min: min.slice(), max: max.slice(), apply };
}
