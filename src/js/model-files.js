/**
 * A model from a set of named files, as a user picks them in a file input or a command names
 * them: which file is the model, its format (told by its bytes first, then by its name), the
 * weight files a TensorFlow.js model.json needs among the others, and the reader of that
 * format. Platform-neutral (no node: imports): Network.fromFiles in browsers and Node, and the
 * CLI. The format readers are imported on use, as network.js does.
 */
import { Network, SPEC_KEYS, importedSpec } from './network.js';
import { checkKeys, show } from './options.js';

/** file extension (lower case) → format */
export const MODEL_EXTENSIONS = Object.freeze({ '.nnw': 'nnw', '.npz': 'npz', '.onnx': 'onnx', '.json': 'tfjs' });

/** what an .nnw file records that an import option could name: options must agree with it */
const RECORDED = ['layers', 'activation', 'output', 'loss', 'leakySlope', 'hswishN'];

const extension = (name) => /\.[^./\\]*$/.exec(name)?.[0].toLowerCase() ?? '';
/* the bytes start a JSON object (after a byte-order mark and white space) */
const startsJson = (bytes) => new TextDecoder().decode(bytes.subarray(0, 64)).replace(/^\uFEFF/, '').trimStart()
  .startsWith('{');
const baseName = (path) => path.split(/[\\/]/).pop();

/**
 * The format of a model file, or null: the bytes' magic first ('NNWM'; a zip archive; a JSON
 * object), then the name's extension, then a protobuf whose first field is a varint (ONNX).
 * @param {string} name
 * @param {Uint8Array} bytes
 * @returns {'nnw'|'npz'|'onnx'|'tfjs'|null}
 */
export function formatOf(name, bytes) {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic === 'NNWM') return 'nnw';
  if (magic === 'PK\x03\x04' || magic === 'PK\x05\x06') return 'npz';
  if (startsJson(bytes)) return 'tfjs';
  const byName = MODEL_EXTENSIONS[extension(name)];
  if (byName) return byName;
  if (bytes[0] === 0x08) return 'onnx';   // field 1 (ir_version), a varint: an ONNX ModelProto
  return null;
}

/**
 * The format of a model file (formatOf), or an Error naming the file.
 * @returns {'nnw'|'npz'|'onnx'|'tfjs'}
 */
export function modelFormat(name, bytes) {
  const format = formatOf(name, bytes);
  if (!format) {
    throw new Error(`cannot tell the format of ${name}: it is not an nnwasm model (NNWM), a numpy .npz, ` +
      'a TensorFlow.js model.json or an ONNX model');
  }
  return format;
}

/**
 * The weight files a parsed model.json names, in the order of its weightsManifest (an empty
 * list when it has none: fromTfjs then says what is missing).
 * @returns {Array<string>}
 */
export function tfjsWeightPaths(json) {
  const groups = Array.isArray(json?.weightsManifest) ? json.weightsManifest : [];
  return groups.flatMap((group) => (Array.isArray(group?.paths) ? group.paths : []));
}

/** the text of a model.json, parsed */
export function parseModelJson(name, bytes) {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new Error(`${name} is not JSON (${err.message})`);
  }
}

/** a File (or a Blob with a name) or { name, bytes } as { name, bytes: Uint8Array } */
async function readItem(item, i) {
  if (item !== null && typeof item === 'object' && typeof item.name === 'string') {
    // a File first: Blob has a bytes() method in newer engines
    if (typeof item.arrayBuffer === 'function') return { name: item.name, bytes: new Uint8Array(await item.arrayBuffer()) };
    if (item.bytes instanceof Uint8Array) return { name: item.name, bytes: item.bytes };
    if (item.bytes instanceof ArrayBuffer) return { name: item.name, bytes: new Uint8Array(item.bytes) };
  }
  throw new TypeError(`fromFiles(files): files[${i}] must be a File or { name, bytes } with bytes a ` +
    `Uint8Array or ArrayBuffer, got ${show(item)}`);
}

/**
 * Read a model from a set of named files (Network.fromFiles). The model is the model.json if
 * one is given (its weight files are found among the others by the path the manifest gives,
 * else by base name), else the first
 * file whose format can be told; other files are not read. `options` go to fromNpz, fromOnnx
 * and fromTfjs; an .npz needs activation and output; an .nnw file records its whole spec, so
 * options that name what it records must agree with it.
 * @param {Iterable<File|{name: string, bytes: Uint8Array|ArrayBuffer}>} files
 * @param {Partial<import('./index').NetworkSpec>} [options]
 * @returns {Promise<{net: Network, name: string, format: 'nnw'|'npz'|'onnx'|'tfjs'}>}
 */
export async function modelFromFiles(files, options = {}) {
  if (files === null || typeof files !== 'object' || typeof files[Symbol.iterator] !== 'function') {
    throw new TypeError(`fromFiles(files): files must be an array, a FileList or another iterable of files, got ${show(files)}`);
  }
  checkKeys(options, SPEC_KEYS, 'fromFiles options');
  const list = await Promise.all([...files].map(readItem));
  if (list.length === 0) throw new RangeError('fromFiles(files): files is empty');
  const formats = list.map((f) => formatOf(f.name, f.bytes));
  // a model.json comes with its weight files, so it is the model wherever it is in the list:
  // the file that is JSON, before a binary weight file that only has a .json name
  const jsons = list.filter((f, i) => formats[i] === 'tfjs');
  const model = jsons.find((f) => startsJson(f.bytes)) ?? jsons.find((f) => extension(f.name) === '.json') ?? jsons[0] ??
    list.find((f, i) => formats[i] !== null) ?? list[0];
  const { name, bytes } = model;
  const format = modelFormat(name, bytes);
  if (format === 'npz' && (options.activation === undefined || options.output === undefined)) {
    throw new TypeError(`${name} is a numpy .npz, which does not record the activation and output: ` +
      'give them in options ({ activation, output })');
  }
  let json = null;
  let shards = null;
  if (format === 'tfjs') {
    json = parseModelJson(name, bytes);
    shards = tfjsWeightPaths(json).map((path) => {
      const want = baseName(String(path));
      const others = list.filter((f) => f !== model);
      // the path as written (a program's files), else its base name (a file input's)
      const file = others.find((f) => f.name === path) ?? others.find((f) => baseName(f.name) === want);
      if (!file) throw new Error(`${name} needs its weight file ${want}: select it together with the .json`);
      return file.bytes;
    });
  }
  let net;
  try {
    if (format === 'nnw') net = await Network.load(bytes);
    else if (format === 'npz') net = await Network.fromNpz(bytes, options);
    else if (format === 'onnx') net = await Network.fromOnnx(bytes, options);
    else net = await Network.fromTfjs(json, shards, options);
  } catch (err) {
    const wrapped = new Error(`${name}: ${err.message}`, { cause: err });
    if (err.code !== undefined) wrapped.code = err.code;
    throw wrapped;
  }
  if (format === 'nnw') {
    const spec = net.spec;
    try {
      importedSpec(Object.fromEntries(RECORDED.map((k) => [k, spec[k]])), options, (key, given, value) => {
        throw new RangeError(`fromFiles options.${key} ${JSON.stringify(given)} contradicts ${name}, ` +
          `which has ${JSON.stringify(value)}`);
      });
    } catch (err) {
      net.dispose();
      throw err;
    }
  }
  return { net, name, format };
}
