/**
 * Files for `nnwasm`: reading with messages that name the file, writing through a temporary
 * file renamed into place (so a reader never sees half a file), model files of every format
 * Network reads and writes, and data sets (spiral, MNIST, IDX files, raw float32 rows).
 */
import { readFile, stat } from 'node:fs/promises';
import { close, fsync, openSync, renameSync, rmSync, write } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { datasets } from './index.node.js';
import { usage } from './cli-args.js';
import { MODEL_EXTENSIONS, modelFormat, modelFromFiles, parseModelJson, tfjsWeightPaths } from './model-files.js';

/* ---- reading and writing --------------------------------------------------------------------- */

const REASONS = { ENOENT: 'no such file', EISDIR: 'it is a folder', EACCES: 'permission denied',
  ENOTDIR: 'a part of the path is not a folder', EPERM: 'not permitted', ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system' };
const reason = (err) => REASONS[err.code] || err.code || err.message;

/** a whole file (or stdin for '-') as a Uint8Array */
export async function readBytes(path) {
  try {
    if (path === '-') {
      const chunks = [];
      for await (const chunk of process.stdin) chunks.push(chunk);
      return new Uint8Array(Buffer.concat(chunks));
    }
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new Error(`cannot read ${path} (${reason(err)})`);
  }
}

/** temporary files that exist and are not yet renamed; removeTemporaries() removes them */
const temporaries = new Set();

/** Remove temporary files at once (a second Ctrl-C quits without waiting for a write). */
export function removeTemporaries() {
  for (const tmp of temporaries) rmSync(tmp, { force: true });
  temporaries.clear();
}

const writeFd = promisify(write);
const syncFd = promisify(fsync);
const closeFd = promisify(close);

/**
 * Write bytes to `path` through a temporary file in the same folder, synced and then renamed
 * over it: `path` holds either its old contents or all of the new ones, never a part.
 *
 * The temporary file is created and renamed synchronously; only the writing and syncing, which
 * may take a while, go through the thread pool. A second Ctrl-C (removeTemporaries, then exit)
 * runs on the main thread between two callbacks, never inside openSync or renameSync, so it
 * finds the file either not yet created, in `temporaries` (and removes it: writes still under
 * way go to the removed file), or already renamed into place; never an open or a rename still
 * running in the thread pool that would create or keep the file after the process has gone.
 */
export async function writeAtomic(path, bytes) {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fail = (err) => new Error(`cannot write ${path} (${reason(err)})`);
  let fd;
  try {
    fd = openSync(tmp, 'w');
  } catch (err) {
    throw fail(err);
  }
  temporaries.add(tmp);
  try {
    try {
      for (let at = 0; at < bytes.length;) at += (await writeFd(fd, bytes, at, bytes.length - at)).bytesWritten;
      await syncFd(fd);
    } finally {
      await closeFd(fd);
    }
    await pauseForTest('rename', `before renaming ${tmp} to ${path}`);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw fail(err);
  } finally {
    temporaries.delete(tmp);
  }
}

/** where the command pauses for a test of Ctrl-C (NNWASM_TEST_PAUSE), '' for nowhere */
const PAUSE_AT = process.env.NNWASM_TEST_PAUSE ?? '';

/**
 * For the Ctrl-C tests only: with NNWASM_TEST_PAUSE=POINT in the environment, the command stops
 * at that point (`step:N`: after the Nth training step; `rename`: before a temporary file,
 * written and synced, is renamed into place), says so on stderr, and goes on when its stdin
 * ends. It handles Ctrl-C as usual meanwhile, so a test knows where the command is when it
 * sends one. Resolves at once (null) at any other point.
 */
export function pauseForTest(point, what) {
  if (point !== PAUSE_AT) return null;
  process.stderr.write(`nnwasm: NNWASM_TEST_PAUSE=${point}: paused ${what} until stdin ends\n`);
  return new Promise((resolve) => { process.stdin.once('end', resolve).resume(); });
}

/** Fail early when `path` cannot be written: its folder is missing, or it is a folder. */
export async function checkWritable(path) {
  const dir = dirname(path);
  let why = null;
  if (!(await stat(dir).catch(() => null))?.isDirectory()) why = `folder ${dir} does not exist`;
  else if ((await stat(path).catch(() => null))?.isDirectory()) why = reason({ code: 'EISDIR' });
  if (why) throw new Error(`cannot write ${path} (${why})`);
}

/* ---- model formats ------------------------------------------------------------------------------ */

/** What each format is called in messages and `info`. */
export const FORMAT_NAMES = { nnw: 'nnwasm model file', npz: 'numpy .npz', onnx: 'ONNX model',
  tfjs: 'TensorFlow.js Layers model.json' };

/** The format to write for a file name, from its extension. */
export function formatFromName(path, command) {
  const format = MODEL_EXTENSIONS[extname(path).toLowerCase()];
  if (!format) {
    throw usage(new RangeError(`cannot tell the format of ${path} from its extension; use .nnw, .npz, .onnx ` +
      'or .json (TensorFlow.js)'), command);
  }
  return format;
}

/** the weight files a model.json names, read relative to it, as { name, bytes } in manifest order */
async function tfjsShards(path, json) {
  if (!Array.isArray(json?.weightsManifest)) throw new Error(`${path}: no weightsManifest naming its weight files`);
  const files = [];
  for (const p of tfjsWeightPaths(json)) {
    // a model.json names files beside it; refuse anything that would read elsewhere
    if (typeof p !== 'string' || p === '' || isAbsolute(p) || p.split(/[\\/]/).includes('..')) {
      throw new Error(`${path}: weight file ${JSON.stringify(p)} is not a file name relative to the model.json`);
    }
    files.push({ name: p, bytes: await readBytes(join(dirname(path), p)) });
  }
  return files;
}

/**
 * Read a model of any format. npz records no activation or output: `options` (the rest of
 * the spec) must give them; for the other formats they are checked against the file.
 * @returns {Promise<{net: Network, format: string, bytes: Uint8Array}>}
 */
export async function loadModel(path, options, command) {
  const bytes = await readBytes(path);
  const format = modelFormat(path, bytes);
  if (format === 'npz' && (options.activation === undefined || options.output === undefined)) {
    throw usage(new TypeError(`${path} is a numpy .npz, which does not record the activation and output: ` +
      'give --activation and --output'), command);
  }
  const files = [{ name: path, bytes }];
  if (format === 'tfjs') files.push(...await tfjsShards(path, parseModelJson(path, bytes)));
  // an nnwasm file's options are checked by recorded(), in the command line's words
  const { net } = await modelFromFiles(files, format === 'nnw' ? {} : options);
  if (format !== 'nnw') return { net, format, bytes };
  try {
    return { net: recorded(net, options), format, bytes };
  } catch (err) {
    throw new Error(`${path}: ${err.message}`, { cause: err });
  }
}

/** An nnwasm file records the whole spec: an import option may repeat it, not change it. */
function recorded(net, options) {
  const spec = net.spec;
  const names = { activation: 'activation', output: 'output', loss: 'loss', leakySlope: 'leaky-slope',
    hswishN: 'hswish-n' };
  for (const [key, name] of Object.entries(names)) {
    const given = options[key];
    const same = typeof given === 'number' ? Math.fround(given) === spec[key] : given === spec[key];
    if (given !== undefined && !same) {
      net.dispose();
      throw new Error(`--${name} ${JSON.stringify(given)} contradicts the file, which has ` +
        `${JSON.stringify(spec[key])}`);
    }
  }
  return net;
}

/**
 * A network in a format, as the files to write: [[path, bytes], ...]. tfjs is OUT.json and
 * OUT.weights.bin beside it. Nothing is written yet, so a format that cannot hold the network
 * fails before any file changes.
 */
export async function encodeModel(net, path, format, { checkpoint = false } = {}) {
  if (format === 'nnw') return [[path, checkpoint ? net.checkpoint() : net.save()]];
  if (format === 'npz') return [[path, await net.toNpz()]];
  if (format === 'onnx') return [[path, await net.toOnnx()]];
  const { modelJson, weightData } = await net.toTfjs();
  // one shard, named after the json, so two models can share a folder
  const bin = `${basename(path, extname(path))}.weights.bin`;
  const weights = modelJson.weightsManifest.flatMap((group) => group.weights);
  modelJson.weightsManifest = [{ paths: [bin], weights }];
  return [[join(dirname(path), bin), new Uint8Array(weightData)],
    [path, new TextEncoder().encode(`${JSON.stringify(modelJson, null, 2)}\n`)]];
}

/** Write what encodeModel made, each file through writeAtomic (the weights before the json). */
export async function writeFiles(files) {
  for (const [path, bytes] of files) await writeAtomic(path, bytes);
}

/**
 * What an nnwasm file's header and (for a checkpoint) its training cursor say
 * (docs/FORMAT.md), or null for bytes that are not a whole format-1 file of this net.
 */
export function nnwHeader(bytes, spec, paramCount) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(4, true);
  const kind = dv.getUint32(8, true);
  const header = { version, kind: kind === 1 ? 'checkpoint' : 'model' };
  if (kind !== 1 || version !== 1) return header;
  const n = spec.layers.length;
  const P = paramCount;
  // optimizer state vectors: none for sgd, one for momentum/nesterov/adagrad/rmsprop, two for adam
  const k = { sgd: 0, adam: 2 }[spec.optimizer.type] ?? 1;
  const C = 116 + 4 * n + 4 * P;
  const R = C + 8 + 4 * k * P;
  const K = R + 32;
  if (bytes.length !== K + 96) return header;
  header.steps = Number(dv.getBigUint64(C, true));
  if (dv.getUint32(K, true) === 1) {
    header.session = { rows: dv.getInt32(K + 4, true), batchSize: dv.getInt32(K + 8, true),
      epochs: dv.getInt32(K + 12, true), shuffle: dv.getUint32(K + 16, true) === 1,
      epoch: dv.getInt32(K + 20, true), batch: dv.getInt32(K + 24, true) };
  } else {
    header.session = null;
  }
  return header;
}

/* ---- data ------------------------------------------------------------------------------------------ */

/** The seeds' spiral, as the demo makes it: 3 arms of 100 points, seed 1. */
export const SPIRAL = { pointsPerClass: 100, classes: 3, seed: 1 };

/**
 * A data set: x (Float32Array, or pixel bytes with `bytes`), y (Int32Array), cols, classes.
 * @param {'spiral'|'mnist'} name
 * @param {'train'|'test'} part MNIST's training or test images (the spiral has one part)
 */
export async function namedDataset(name, part, { bytes = false } = {}) {
  if (name === 'spiral') {
    const { x, y } = await datasets.spiral(SPIRAL);
    return { x, y, cols: 2, rows: y.length, classes: SPIRAL.classes, name: 'the spiral' };
  }
  const mnist = await datasets.mnist({ bytes });
  const { x, y } = mnist[part];
  const title = `MNIST ${part === 'train' ? 'training' : 'test'} images`;
  return { x, y, cols: 784, rows: y.length, classes: 10, name: title };
}

/** An IDX images file and its labels file, checked against each other. */
export async function idxPair(imagesPath, labelsPath, { bytes = false } = {}) {
  const images = await parseIdx(imagesPath, bytes);
  const labels = await parseIdx(labelsPath, false);
  if (images.kind !== 'images') throw new Error(`${imagesPath} holds labels, not images`);
  if (labels.kind !== 'labels') throw new Error(`${labelsPath} holds images, not labels`);
  if (images.count !== labels.count) {
    throw new Error(`${imagesPath} has ${images.count} images but ${labelsPath} has ${labels.count} labels`);
  }
  let max = 0;
  for (const v of labels.y) if (v > max) max = v;
  return { x: images.x, y: labels.y, cols: images.rows * images.cols, rows: images.count,
    classes: Math.max(2, max + 1), name: imagesPath };
}

/** IDX images alone (predict), as floats in 0..1 */
export async function idxImages(path) {
  const images = await parseIdx(path, false);
  if (images.kind !== 'images') throw new Error(`${path} holds labels, not images`);
  return { x: images.x, cols: images.rows * images.cols, rows: images.count };
}

async function parseIdx(path, bytes) {
  const raw = await readBytes(path);
  try {
    return await datasets.idx(raw, { bytes });
  } catch (err) {
    throw new Error(`${path}: ${err.message}`, { cause: err });
  }
}

/** Raw little-endian float32 rows of `inputs` values. */
export async function rawRows(path, inputs) {
  const raw = await readBytes(path);
  const row = 4 * inputs;
  if (raw.length === 0 || raw.length % row !== 0) {
    throw new Error(`${path} has ${raw.length} bytes, not a whole number of rows of ${inputs} float32 inputs ` +
      `(${row} bytes each)`);
  }
  const x = new Float32Array(raw.length / 4);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < x.length; i++) x[i] = dv.getFloat32(4 * i, true);
  return { x, cols: inputs, rows: raw.length / row };
}
