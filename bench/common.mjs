/**
 * Node helpers of the bench children: flags, the data cache bench/data.mjs writes, the one JSON
 * line each child prints, and peak memory.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const root = join(benchDir, '..');
export const cacheDir = join(benchDir, '.cache', 'data');

/** the files of the data cache: name → typed array kind */
export const DATA_FILES = {
  'train-x': Uint8Array, 'train-y': Int32Array, 'test-x': Uint8Array, 'test-y': Int32Array,
  'spiral-x': Float32Array, 'spiral-y': Int32Array,
};

export const flag = (name) => process.argv.includes(name);

/** the value after `name` on the command line, or `fallback` */
export function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** MNIST (pixels as bytes) and the spiral, as bench/data.mjs stored them from nnwasm's datasets */
export function loadData() {
  const read = (name) => {
    const buf = readFileSync(join(cacheDir, `${name}.bin`));
    const Kind = DATA_FILES[name];
    if (Kind === Uint8Array) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength); // no copy
    return new Kind(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  };
  return {
    train: { x: read('train-x'), y: read('train-y') },
    test: { x: read('test-x'), y: read('test-y') },
    spiral: { x: read('spiral-x'), y: read('spiral-y') },
  };
}

/** peak resident set size of this process so far, in MB (resourceUsage reports KiB) */
export const maxRssMB = () => process.resourceUsage().maxRSS / 1024;

export const now = () => performance.now();

/** progress on stderr, so stdout holds only the result line */
export const log = (who) => (msg) => process.stderr.write(`  [${who}] ${msg}\n`);

/** print the child's result as one JSON line on stdout */
export function emit(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

/** run main(); on failure print {error} as the JSON line and exit 1 */
export function child(main) {
  main().then(emit, (err) => {
    emit({ error: String(err?.stack || err) });
    process.exitCode = 1;
  });
}
