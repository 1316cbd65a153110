/**
 * numpy .npz archives in and out (docs/INTEROP.md). An .npz is a zip of .npy files, one per
 * array: np.savez stores them (method 0), np.savez_compressed deflates them (method 8). numpy
 * opens every entry with force_zip64, so entries may carry a ZIP64 extra field. Sizes, CRCs and
 * offsets are read from the central directory; local headers are only skipped over.
 * No Node built-ins: this file runs in browsers too (DecompressionStream inflates).
 *
 * Formats: PKWARE APPNOTE.TXT (zip, ZIP64) and numpy's NEP 1 (.npy).
 */
import { show } from './options.js';

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const END64_SIG = 0x06064b50;
const LOCATOR64_SIG = 0x07064b50;
const MAX_ENTRY = 2 ** 30; // bytes of one uncompressed entry: far above any network wasm holds

/* ---- CRC-32 (the zip polynomial, reflected: 0xEDB88320) ------------------------------------- */

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const hex = (n) => `0x${n.toString(16).padStart(8, '0')}`;

/* ---- reading the zip ------------------------------------------------------------------------ */

/** a bounds-checked little-endian reader over the archive */
function reader(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (at, n, what) => {
    if (at < 0 || at + n > bytes.length) {
      throw new Error(`npz: the archive is truncated: ${what} at byte ${at} needs ${n} bytes, ` +
        `the archive has ${bytes.length}`);
    }
  };
  return {
    need,
    u16: (at) => dv.getUint16(at, true),
    u32: (at) => dv.getUint32(at, true),
    // Number is exact to 2^53; anything larger is past the end of any archive anyway
    u64: (at) => Number(dv.getBigUint64(at, true)),
  };
}

/** the central directory's entry count, size and offset, from the (ZIP64) end records */
function findDirectory(bytes, r) {
  // the end record is the last 22 bytes plus a comment of at most 65535 bytes
  let end = -1;
  for (let at = bytes.length - 22; at >= 0 && at >= bytes.length - 22 - 0xffff; at--) {
    if (r.u32(at) === END_SIG && at + 22 + r.u16(at + 20) === bytes.length) { end = at; break; }
  }
  if (end < 0) {
    throw new Error('npz: not a zip archive, or a truncated one (no end-of-central-directory record); ' +
      'np.savez and np.savez_compressed write zip archives');
  }
  let count = r.u16(end + 10);
  let size = r.u32(end + 12);
  let offset = r.u32(end + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    // the real values are in the ZIP64 end record, found through the locator just before
    r.need(end - 20, 20, 'the ZIP64 end-of-central-directory locator');
    if (r.u32(end - 20) !== LOCATOR64_SIG) {
      throw new Error(`npz: the ZIP64 end-of-central-directory locator at byte ${end - 20} has the wrong signature`);
    }
    const at = r.u64(end - 12);
    r.need(at, 56, 'the ZIP64 end-of-central-directory record');
    if (r.u32(at) !== END64_SIG) {
      throw new Error(`npz: the ZIP64 end-of-central-directory record at byte ${at} has the wrong signature`);
    }
    count = r.u64(at + 32);
    size = r.u64(at + 40);
    offset = r.u64(at + 48);
  }
  r.need(offset, size, 'the central directory');
  return { count, offset };
}

/**
 * The header fields [uncompressed size, compressed size, local header offset] with each one that
 * is 0xFFFFFFFF replaced by its value from the ZIP64 extra field (id 1) of extra[at, end).
 */
function zip64Fields(r, at, end, fields, name) {
  const names = ['uncompressed size', 'compressed size', 'local header offset'];
  const wanted = fields.map((v, k) => (v === 0xffffffff ? k : -1)).filter((k) => k >= 0);
  if (wanted.length === 0) return fields;
  while (at + 4 <= end) {
    const id = r.u16(at);
    const size = r.u16(at + 2);
    if (id === 1) {
      if (size < 8 * wanted.length || at + 4 + size > end) break;
      // the field holds 8-byte values for exactly the 0xFFFFFFFF fields, in the order above
      const out = fields.slice();
      wanted.forEach((k, i) => { out[k] = r.u64(at + 4 + 8 * i); });
      return out;
    }
    at += 4 + size;
  }
  throw new Error(`npz: ${name} has 0xFFFFFFFF for its ${wanted.map((k) => names[k]).join(' and ')} ` +
    'but no ZIP64 extra field with the values');
}

/** the central directory: [{ name, method, flags, crc, csize, usize, local }] */
function directory(bytes, r) {
  const { count, offset } = findDirectory(bytes, r);
  const entries = [];
  let at = offset;
  const utf8 = new TextDecoder();
  for (let i = 0; i < count; i++) {
    r.need(at, 46, `central directory entry ${i}`);
    if (r.u32(at) !== CENTRAL_SIG) {
      throw new Error(`npz: central directory entry ${i} at byte ${at} has the wrong signature`);
    }
    const nameLength = r.u16(at + 28);
    const extraLength = r.u16(at + 30);
    r.need(at + 46, nameLength + extraLength + r.u16(at + 32), `central directory entry ${i}`);
    const name = utf8.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const extra = at + 46 + nameLength;
    const [usize, csize, local] = zip64Fields(r, extra, extra + extraLength,
      [r.u32(at + 24), r.u32(at + 20), r.u32(at + 42)], name);
    entries.push({ name, flags: r.u16(at + 8), method: r.u16(at + 10), crc: r.u32(at + 16), usize, csize, local });
    at = extra + extraLength + r.u16(at + 32);
  }
  return entries;
}

/** inflate raw deflate data to exactly `size` bytes */
async function inflate(data, size, name) {
  let stream = null;
  try {
    stream = new DecompressionStream('deflate-raw');
  } catch {
    // missing, or too old for 'deflate-raw' (Node before 21.2 and its backport to 20.x)
  }
  if (!stream) {
    throw new Error(`npz: ${name} is compressed (np.savez_compressed) and this environment has no ` +
      "DecompressionStream('deflate-raw'); save with np.savez instead");
  }
  const writer = stream.writable.getWriter();
  // errors surface on the reading side; these promises must not reject unhandled
  writer.write(data).catch(() => {});
  writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const chunks = [];
  let got = 0;
  for (;;) {
    let step;
    try {
      step = await reader.read();
    } catch (err) {
      throw new Error(`npz: ${name} is not valid deflate data (${err.message})`);
    }
    if (step.done) break;
    got += step.value.length;
    if (got > size) {
      reader.cancel().catch(() => {});
      break; // stop inflating at once: a bomb never gets past the declared size
    }
    chunks.push(step.value);
  }
  if (got !== size) {
    throw new Error(`npz: ${name} inflates to ${got > size ? `more than ${size}` : got} bytes, ` +
      `not the ${size} its directory entry declares`);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

/** the uncompressed, CRC-checked bytes of one entry */
async function entryBytes(bytes, r, e) {
  if (e.flags & 1) throw new Error(`npz: ${e.name} is encrypted, which is not supported`);
  if (e.method !== 0 && e.method !== 8) {
    throw new Error(`npz: ${e.name} uses compression method ${e.method}; only stored (0) and deflate (8) are supported`);
  }
  if (e.usize > MAX_ENTRY) {
    throw new RangeError(`npz: ${e.name} declares ${e.usize} bytes; entries over 1 GiB are not supported`);
  }
  r.need(e.local, 30, `the local header of ${e.name}`);
  if (r.u32(e.local) !== LOCAL_SIG) {
    throw new Error(`npz: the local header of ${e.name} at byte ${e.local} has the wrong signature`);
  }
  const start = e.local + 30 + r.u16(e.local + 26) + r.u16(e.local + 28);
  r.need(start, e.csize, `the data of ${e.name}`);
  const stored = bytes.subarray(start, start + e.csize);
  let data = stored;
  if (e.method === 8) {
    data = await inflate(stored, e.usize, e.name);
  } else if (e.csize !== e.usize) {
    throw new Error(`npz: ${e.name} inflates to ${e.csize} bytes, not the ${e.usize} its directory entry declares`);
  }
  const crc = crc32(data);
  if (crc !== e.crc) {
    throw new Error(`npz: ${e.name} fails its CRC-32 check (computed ${hex(crc)}, the archive says ${hex(e.crc)}); ` +
      'the file is damaged');
  }
  return data;
}

/* ---- .npy ----------------------------------------------------------------------------------- */

// descr kind+size → [typed array, DataView getter]; 64-bit integers come as BigInts
const DTYPES = {
  f4: [Float32Array, 'getFloat32'], f8: [Float64Array, 'getFloat64'],
  i1: [Int8Array, 'getInt8'], i2: [Int16Array, 'getInt16'], i4: [Int32Array, 'getInt32'],
  i8: [BigInt64Array, 'getBigInt64'],
  u1: [Uint8Array, 'getUint8'], u2: [Uint16Array, 'getUint16'], u4: [Uint32Array, 'getUint32'],
  u8: [BigUint64Array, 'getBigUint64'],
};

/** a shape as Python writes it: (2, 3), (3,), () */
const tuple = (shape) => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

/**
 * The header dict of a .npy, a Python literal: {'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }. Parses strings, True/False/None, integers, tuples, lists and dicts;
 * anything else is bad(why).
 */
function pyLiteral(text, bad) {
  let i = 0;
  const space = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const word = /True|False|None|-?\d+/y;
  const value = (depth) => {
    if (depth > 16) throw bad('it is nested too deeply');
    space();
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw bad('a string is not closed');
      const s = text.slice(i + 1, end);
      if (s.includes('\\')) throw bad('escapes in strings are not supported');
      i = end + 1;
      return s;
    }
    if (c === '(' || c === '[' || c === '{') {
      const close = { '(': ')', '[': ']', '{': '}' }[c];
      i++;
      const items = [];
      const dict = c === '{' ? Object.create(null) : null; // no prototype: a key '__proto__' is just a key
      for (;;) {
        space();
        if (text[i] === close) { i++; return dict ?? items; }
        const v = value(depth + 1);
        if (dict) {
          space();
          if (text[i++] !== ':' || typeof v !== 'string') throw bad('a dict key is not a string followed by ":"');
          dict[v] = value(depth + 1);
        } else items.push(v);
        space();
        if (text[i] === ',') i++;
        else if (text[i] !== close) throw bad(`expected "," or "${close}" at character ${i}`);
      }
    }
    word.lastIndex = i;
    const m = word.exec(text);
    if (!m) throw bad(`unexpected ${i < text.length ? JSON.stringify(text[i]) : 'end'} at character ${i}`);
    i += m[0].length;
    return { True: true, False: false, None: null }[m[0]] ?? Number(m[0]);
  };
  const v = value(0);
  space();
  if (i !== text.length) throw bad(`unexpected text after the dict at character ${i}`);
  return v;
}

/** one .npy: { dtype, shape, data } with data row-major */
function parseNpy(bytes, name) {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((b, k) => bytes[k] !== b)) {
    throw new Error(`npz: ${name} is not a .npy array (it does not start with \\x93NUMPY)`);
  }
  const [major, minor] = [bytes[6], bytes[7]];
  if (major < 1 || major > 3 || minor !== 0) {
    throw new Error(`npz: ${name} is .npy version ${major}.${minor}; versions 1.0, 2.0 and 3.0 are supported`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // version 1 has a 2-byte header length, 2 and 3 a 4-byte one; 3 allows UTF-8 in the header
  const headerLength = major === 1 ? dv.getUint16(8, true) : bytes.length >= 12 ? dv.getUint32(8, true) : Infinity;
  const start = major === 1 ? 10 : 12;
  const bad = (why) => new Error(`npz: ${name} has a malformed .npy header: ${why}`);
  if (start + headerLength > bytes.length) throw bad('it runs past the end of the entry');
  const raw = bytes.subarray(start, start + headerLength);
  // latin1 byte by byte: TextDecoder knows only UTF-8 in Node builds without ICU
  const text = major === 3 ? new TextDecoder().decode(raw) : Array.from(raw, (b) => String.fromCharCode(b)).join('');
  const header = pyLiteral(text, bad);
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw bad('it is not a dict');
  const keys = Object.keys(header).sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') {
    throw bad(`its keys are ${keys || 'none'}, not descr, fortran_order, shape`);
  }
  const { descr, fortran_order: fortran, shape } = header;
  if (typeof fortran !== 'boolean') throw bad('fortran_order is not True or False');
  if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw bad('shape is not a tuple of sizes');
  }
  const order = typeof descr === 'string' ? descr[0] : '';
  const kind = typeof descr === 'string' ? descr.slice(1) : '';
  const type = Object.hasOwn(DTYPES, kind) ? DTYPES[kind] : null;
  // '<' little-endian; '|' byte order does not apply (one-byte types)
  if (!type || !(order === '<' || (order === '|' && type[0].BYTES_PER_ELEMENT === 1))) {
    const what = typeof descr !== 'string' ? 'a structured dtype (fields)'
      : `dtype ${descr}${order === '>' ? ' (big-endian)' : kind === 'O' ? ' (pickled Python objects)' : ''}`;
    throw new Error(`npz: ${name} has ${what}; supported are little-endian float32 (<f4), ` +
      'float64 (<f8) and integers i1 to i8, u1 to u8');
  }
  const [Type, get] = type;
  const size = Type.BYTES_PER_ELEMENT;
  const count = shape.reduce((p, n) => p * n, 1);
  const dataStart = start + headerLength;
  if (bytes.length - dataStart !== count * size) {
    throw new Error(`npz: ${name} has ${bytes.length - dataStart} bytes of data; shape ${tuple(shape)} ` +
      `of ${descr} needs ${count * size}`);
  }
  const data = new Type(count);
  for (let k = 0; k < count; k++) data[k] = dv[get](dataStart + k * size, true);
  return { dtype: descr.slice(1), shape, data: fortran ? fortranToRows(data, shape) : data };
}

/** values stored first-index-fastest (Fortran order) moved to row-major (C) order */
function fortranToRows(src, shape) {
  if (shape.length < 2) return src;
  const out = new src.constructor(src.length);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, n) => p * n, 1));
  const index = shape.map(() => 0);
  for (let k = 0; k < src.length; k++) {
    out[index.reduce((at, i, d) => at + i * strides[d], 0)] = src[k];
    for (let d = 0; d < shape.length && ++index[d] === shape[d]; d++) index[d] = 0;
  }
  return out;
}

/**
 * Every array of an .npz archive.
 * @param {Uint8Array|ArrayBuffer} bytes the archive as np.savez or np.savez_compressed wrote it
 * @returns {Promise<Map<string, {dtype: string, shape: number[], data: ArrayLike<number|bigint>}>>}
 *   keyed by the name given to np.savez (the entry name without .npy); dtype as 'f4', 'i8', ...;
 *   data row-major whatever the file's order, BigInt64Array / BigUint64Array for i8 / u8
 */
export async function readNpz(bytes) {
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`fromNpz(bytes): bytes must be a Uint8Array or ArrayBuffer, got ${show(bytes)}`);
  }
  const r = reader(bytes);
  const arrays = new Map();
  for (const e of directory(bytes, r)) {
    if (!e.name.endsWith('.npy')) {
      throw new Error(`npz: entry ${JSON.stringify(e.name)} is not a .npy array; np.savez writes only .npy entries`);
    }
    const key = e.name.slice(0, -4);
    if (arrays.has(key)) throw new Error(`npz: ${e.name} appears twice in the archive`);
    arrays.set(key, parseNpy(await entryBytes(bytes, r, e), e.name));
  }
  return arrays;
}

/* ---- to and from the seeds' layout ---------------------------------------------------------- */

/** W1[2, 3] or b1[4]: where a value sits, for messages */
const position = (name, shape, k) => (shape.length === 2
  ? `${name}[${Math.floor(k / shape[1])}, ${k % shape[1]}]` : `${name}[${k}]`);

/** an array's values as float32, each checked to be finite there */
function float32(name, { shape, data }) {
  const out = data instanceof Float32Array ? data : Float32Array.from(data, Number);
  for (let k = 0; k < out.length; k++) {
    if (!Number.isFinite(out[k])) {
      throw new RangeError(`npz: ${position(name, shape, k)} is ${data[k]}, not a finite float32 value`);
    }
  }
  return out;
}

/**
 * The spec and weights of an .npz holding the seeds' parameters W1, b1, W2, b2, ... (W of
 * inputs × outputs, b of outputs). Layers come from the shapes; the .npz records no activation
 * or output, so those (and the rest of the spec) come from `options`.
 * @param {Uint8Array|ArrayBuffer} bytes
 * @param {object} [options] the rest of the spec; `layers`, if given, must be the archive's
 * @returns {Promise<{spec: object, weights: Float32Array[]}>} weights as [W1, b1, ...], W row-major
 */
export async function npzToWeights(bytes, options = {}) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`fromNpz(bytes, options): options must be an object (the rest of the spec), got ${show(options)}`);
  }
  const arrays = await readNpz(bytes);
  let layerCount = 0;
  for (const name of arrays.keys()) {
    const m = /^[Wb]([1-9][0-9]*)$/.exec(name);
    if (!m) {
      throw new Error(`npz: array ${JSON.stringify(name)} is not one of W1, b1, W2, b2, ... (a dense layer's ` +
        'weights and biases); other layers such as batch normalisation are not supported, and positional ' +
        'arrays (arr_0, ...) need names: np.savez(file, **params)');
    }
    layerCount = Math.max(layerCount, Number(m[1]));
  }
  const layers = [];
  const weights = [];
  for (let l = 1; l <= Math.max(layerCount, 1); l++) {
    for (const name of [`W${l}`, `b${l}`]) {
      if (!arrays.has(name)) {
        throw new Error(`npz: ${name} is missing; layer ${l} needs W${l} and b${l}` +
          ` (the archive has ${[...arrays.keys()].join(', ') || 'no arrays'})`);
      }
    }
    const W = arrays.get(`W${l}`);
    const b = arrays.get(`b${l}`);
    if (W.shape.length !== 2) {
      throw new RangeError(`npz: W${l} must be 2-D (inputs, outputs), got shape ${tuple(W.shape)}`);
    }
    const [inputs, outputs] = W.shape;
    if (l > 1 && inputs !== layers[l - 1]) {
      throw new RangeError(`npz: W${l} has shape ${tuple(W.shape)} but layer ${l - 1} has ${layers[l - 1]} ` +
        `outputs (W${l - 1} is ${tuple(arrays.get(`W${l - 1}`).shape)}); W${l} needs ${layers[l - 1]} rows`);
    }
    if (b.shape.length !== 1 || b.shape[0] !== outputs) {
      throw new RangeError(`npz: b${l} must have shape (${outputs},) to match W${l} ${tuple(W.shape)}, ` +
        `got ${tuple(b.shape)}`);
    }
    if (l === 1) layers.push(inputs);
    layers.push(outputs);
    weights.push(float32(`W${l}`, W), float32(`b${l}`, b));
  }
  if (options.layers !== undefined &&
      !(Array.isArray(options.layers) && options.layers.join() === layers.join())) {
    throw new RangeError(`fromNpz options.layers ${show(options.layers)} differ from the archive's layers ` +
      `${layers.join('-')}; leave layers out, the archive gives them`);
  }
  return { spec: { ...options, layers }, weights };
}

/* ---- writing -------------------------------------------------------------------------------- */

/** a float32 .npy (version 1.0) of the given shape */
function npy(values, shape) {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple(shape)}, }`;
  // numpy pads with spaces and a newline so the data starts at a multiple of 64
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + 4 * values.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  const dv = new DataView(out.buffer);
  dv.setUint16(8, header.length, true);
  for (let k = 0; k < header.length; k++) out[10 + k] = header.charCodeAt(k);
  const start = 10 + header.length;
  for (let k = 0; k < values.length; k++) dv.setFloat32(start + 4 * k, values[k], true);
  return out;
}

/** a zip of stored (uncompressed) entries: [{ name, data }] */
function zip(files) {
  const enc = new TextEncoder();
  const entries = files.map((f) => ({ name: enc.encode(f.name), data: f.data, crc: crc32(f.data) }));
  const localSize = entries.reduce((s, e) => s + 30 + e.name.length + e.data.length, 0);
  const centralSize = entries.reduce((s, e) => s + 46 + e.name.length, 0);
  const out = new Uint8Array(localSize + centralSize + 22);
  const dv = new DataView(out.buffer);
  let at = 0;
  // the fields local and central headers share: version 2.0, no flags, stored, 1980-01-01 00:00
  const common = (e) => {
    dv.setUint16(at, 20, true);
    dv.setUint16(at + 2, 0, true);
    dv.setUint16(at + 4, 0, true);
    dv.setUint16(at + 6, 0, true);
    dv.setUint16(at + 8, (1 << 5) | 1, true);
    dv.setUint32(at + 10, e.crc, true);
    dv.setUint32(at + 14, e.data.length, true);
    dv.setUint32(at + 18, e.data.length, true);
    dv.setUint16(at + 22, e.name.length, true);
  };
  for (const e of entries) {
    e.offset = at;
    dv.setUint32(at, LOCAL_SIG, true);
    at += 4;
    common(e);
    at += 26; // then the extra field length, 0
    out.set(e.name, at);
    out.set(e.data, at + e.name.length);
    at += e.name.length + e.data.length;
  }
  const central = at;
  for (const e of entries) {
    dv.setUint32(at, CENTRAL_SIG, true);
    dv.setUint16(at + 4, 20, true); // made by: MS-DOS attributes, version 2.0
    at += 6;
    common(e);
    dv.setUint32(at + 36, e.offset, true); // after extra, comment, disk, attributes: all 0
    at += 40 + e.name.length;
    out.set(e.name, at - e.name.length);
  }
  dv.setUint32(at, END_SIG, true);
  dv.setUint16(at + 8, entries.length, true);
  dv.setUint16(at + 10, entries.length, true);
  dv.setUint32(at + 12, at - central, true);
  dv.setUint32(at + 16, central, true);
  return out;
}

/**
 * An .npz (np.savez's layout: stored .npy entries) of float32 arrays W1, b1, W2, b2, ... with
 * W of shape (inputs, outputs) and b of shape (outputs,). Shapes follow from the lengths: b_l
 * gives layer l's outputs, W1's length over them its inputs, and each W_l must chain.
 * @param {Float32Array[]} weights [W1, b1, W2, b2, ...] as net.weights() gives them
 * @returns {Uint8Array}
 */
export function weightsToNpz(weights) {
  if (!Array.isArray(weights)) {
    throw new TypeError(`toNpz(weights): weights must be an array [W1, b1, W2, b2, ...] of Float32Arrays, got ${show(weights)}`);
  }
  if (weights.length === 0 || weights.length % 2 !== 0) {
    throw new RangeError(`toNpz(weights): ${weights.length} arrays given; [W1, b1, W2, b2, ...] needs a W and a b per layer`);
  }
  const files = [];
  let inputs = 0;
  for (let i = 0; i < weights.length; i += 2) {
    const l = i / 2 + 1;
    const [W, b] = [weights[i], weights[i + 1]];
    for (const [name, a] of [[`W${l}`, W], [`b${l}`, b]]) {
      if (!(a instanceof Float32Array)) throw new TypeError(`toNpz(weights): ${name} must be a Float32Array, got ${show(a)}`);
    }
    const outputs = b.length;
    if (l === 1) inputs = W.length / outputs;
    if (outputs === 0 || !Number.isInteger(inputs) || inputs === 0 || W.length !== inputs * outputs) {
      throw new RangeError(`toNpz(weights): W${l} has ${W.length} values, not ${l === 1 ? 'inputs' : inputs} × ` +
        `${outputs} (b${l} has ${outputs})`);
    }
    files.push({ name: `W${l}.npy`, data: npy(W, [inputs, outputs]) }, { name: `b${l}.npy`, data: npy(b, [outputs]) });
    inputs = outputs;
  }
  return zip(files);
}
