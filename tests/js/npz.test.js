// numpy .npz in and out (src/js/npz.js). The fixtures in tests/fixtures/npz were written by numpy
// (scripts/make-npz-fixtures.py) with the predictions numpy computed for them; malformed and
// unsupported archives are in tests/fixtures/npz/bad or made here by changing bytes of good
// ones at offsets the zip format (PKWARE APPNOTE) defines. When python3 with numpy is present,
// numpy also reads what toNpz writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Network } from '../../src/js/index.node.js';
import { npzToWeights, readNpz, weightsToNpz } from '../../src/js/npz.js';
import { numpyPython } from './numpy.js';

const dir = new URL('../fixtures/npz/', import.meta.url);
const fixture = (name) => new Uint8Array(readFileSync(new URL(name, dir)));
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8'));
const run = promisify(execFile);

/** a copy of bytes with fn(DataView, bytes) applied */
function patched(bytes, fn) {
  const copy = bytes.slice();
  fn(new DataView(copy.buffer), copy);
  return copy;
}

/** the central directory entries of an archive without ZIP64 records or comment, as numpy
 *  writes small ones: [{ at, name, local }] with `at` the entry's offset */
function central(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - 22;
  assert.equal(dv.getUint32(end, true), 0x06054b50, 'the end record is the last 22 bytes');
  const out = [];
  let at = dv.getUint32(end + 16, true);
  for (let i = 0; i < dv.getUint16(end + 10, true); i++) {
    const n = dv.getUint16(at + 28, true);
    out.push({ at, name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + n)), local: dv.getUint32(at + 42, true) });
    at += 46 + n + dv.getUint16(at + 30, true) + dv.getUint16(at + 32, true);
  }
  return out;
}

/** where an entry's data starts, from its local header */
function dataStart(bytes, local) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
}

/** an Error of exactly this class whose message matches */
const refused = (cls, message) => (e) => {
  assert.equal(e?.constructor, cls, `expected ${cls.name}, got ${e?.constructor?.name}: ${e?.message}`);
  assert.match(e.message, message);
  return true;
};

/* ---- numpy's archives ----------------------------------------------------------------------- */

test('each numpy fixture loads with fromNpz and predicts what numpy computed (within 1e-5)', async (t) => {
  const files = Object.keys(expected.models);
  assert.ok(files.length >= 7);
  for (const file of files) {
    const m = expected.models[file];
    // one as an ArrayBuffer, the rest as Uint8Array
    const bytes = file === 'zip64.npz' ? fixture(file).buffer : fixture(file);
    const net = await Network.fromNpz(bytes, { activation: m.activation, output: m.output, loss: m.loss });
    try {
      assert.deepEqual(net.spec.layers, m.layers, file);
      assert.equal(net.spec.activation, m.activation);
      assert.equal(net.spec.output, m.output);
      const y = net.predict(Float32Array.from(m.x));
      assert.equal(y.length, m.predictions.length, file);
      let worst = 0;
      y.forEach((v, k) => { worst = Math.max(worst, Math.abs(v - m.predictions[k])); });
      t.diagnostic(`${file}: ${m.layers.join('-')} ${m.dtype} ${m.activation}/${m.output}, worst difference ${worst.toExponential(2)}`);
      assert.ok(worst <= 1e-5, `${file}: predictions differ from numpy's by ${worst}`);
    } finally {
      net.dispose();
    }
  }
});

test('np.savez and np.savez_compressed of the same net give the same weights; float64 is rounded to float32', async () => {
  const stored = await npzToWeights(fixture('two-layer-sigmoid.npz'));
  const deflated = await npzToWeights(fixture('two-layer-sigmoid-compressed.npz'));
  assert.deepEqual(deflated, stored);
  const f64 = await readNpz(fixture('three-layer-relu-f64.npz'));
  const { weights } = await npzToWeights(fixture('three-layer-relu-f64.npz'));
  assert.equal(f64.get('W2').dtype, 'f8');
  assert.ok(weights.every((w) => w instanceof Float32Array));
  assert.deepEqual(weights[2], Float32Array.from(f64.get('W2').data));
  assert.notDeepEqual(Array.from(weights[2]), Array.from(f64.get('W2').data), 'the f8 values were not all float32');
});

test('readNpz gives every dtype, shape and value numpy wrote, row-major whatever the order', async () => {
  const arrays = await readNpz(fixture('dtypes.npz'));
  assert.deepEqual([...arrays.keys()].sort(), Object.keys(expected.arrays).sort());
  const types = { i1: Int8Array, i2: Int16Array, i4: Int32Array, i8: BigInt64Array, u1: Uint8Array,
    u2: Uint16Array, u4: Uint32Array, u8: BigUint64Array, f4: Float32Array, f8: Float64Array };
  for (const [name, want] of Object.entries(expected.arrays)) {
    const got = arrays.get(name);
    assert.equal(got.dtype, want.dtype, name);
    assert.deepEqual(got.shape, want.shape, name);
    assert.ok(got.data instanceof types[want.dtype], `${name} is a ${got.data.constructor.name}`);
    const values = Array.from(got.data, (v) => (typeof v === 'bigint' ? String(v) : v));
    assert.deepEqual(values, want.values, name); // deepEqual tells -0 from 0
  }
  // the 3-D array was stored in Fortran order; numpy's values are row-major 0..23
  assert.deepEqual(Array.from(arrays.get('cube').data), Array.from({ length: 24 }, (_, i) => i));
  // the int-versions fixture: .npy 2.0 and 3.0, Fortran-order uint8
  const ints = await readNpz(fixture('int-versions.npz'));
  assert.deepEqual([...ints.values()].map((a) => a.dtype), ['i1', 'i2', 'u1', 'i8']);
});

test('the archive records no activation: options give it, the spec defaults otherwise', async () => {
  const m = expected.models['two-layer-sigmoid.npz'];
  const plain = await Network.fromNpz(fixture('two-layer-sigmoid.npz'));
  assert.equal(plain.spec.activation, 'relu', 'the spec default');
  assert.notDeepEqual(Array.from(plain.predict(Float32Array.from(m.x))), m.predictions);
  plain.dispose();
  const options = { activation: 'sigmoid', output: 'softmax', loss: 'cross_entropy',
    optimizer: { type: 'adam', lr: 0.005 }, seed: 3, layers: [4, 5, 3] };
  const { spec } = await npzToWeights(fixture('two-layer-sigmoid.npz'), options);
  assert.deepEqual(spec, options, 'options come back with the archive\'s layers');
  const net = await Network.fromNpz(fixture('two-layer-sigmoid.npz'), options);
  assert.equal(net.spec.optimizer.type, 'adam');
  assert.equal(net.spec.seed, 3);
  net.dispose();
});

/* ---- toNpz ---------------------------------------------------------------------------------- */

test('toNpz then fromNpz is bit-exact', async () => {
  const spec = { layers: [6, 9, 7, 3], activation: 'tanh', output: 'softmax', seed: 11 };
  const net = await Network.create(spec);
  const bytes = await net.toNpz();
  assert.ok(bytes instanceof Uint8Array);
  const back = await Network.fromNpz(bytes, { activation: 'tanh' });
  assert.deepEqual(back.spec.layers, spec.layers);
  const bits = (f) => Array.from(new Uint32Array(f.buffer, f.byteOffset, f.length));
  assert.deepEqual(bits(back.getParams()), bits(net.getParams()));
  const x = Float32Array.from({ length: 6 * 5 }, (_, i) => Math.cos(i * 0.7) * 3);
  assert.deepEqual(bits(back.predict(x)), bits(net.predict(x)));
  // and once more through a numpy-written archive
  const first = await Network.fromNpz(fixture('fortran-tanh.npz'), { activation: 'tanh', output: 'identity', loss: 'mse' });
  const again = await npzToWeights(await first.toNpz());
  assert.deepEqual(again.weights.map(bits), first.weights().map(bits));
  for (const n of [net, back, first]) n.dispose();
});

test('toNpz writes the .npy bytes np.savez writes for the same float32 arrays', async () => {
  const numpyFile = Buffer.from(fixture('two-layer-sigmoid.npz'));
  const net = await Network.fromNpz(numpyFile, { activation: 'sigmoid' });
  const ours = await net.toNpz();
  net.dispose();
  // ours is stored with no extra fields: walk its local headers
  const dv = new DataView(ours.buffer, ours.byteOffset, ours.byteLength);
  const names = [];
  for (let at = 0; dv.getUint32(at, true) === 0x04034b50;) {
    assert.equal(dv.getUint16(at + 8, true), 0, 'method 0: stored');
    const size = dv.getUint32(at + 18, true);
    const n = dv.getUint16(at + 26, true);
    names.push(new TextDecoder().decode(ours.subarray(at + 30, at + 30 + n)));
    const npy = ours.subarray(at + 30 + n, at + 30 + n + size);
    assert.ok(numpyFile.indexOf(npy) > 0, `${names.at(-1)}: numpy's archive holds the same ${size} bytes`);
    at += 30 + n + size;
  }
  assert.deepEqual(names, ['W1.npy', 'b1.npy', 'W2.npy', 'b2.npy']);
});


const LOAD = `
import json, sys, zipfile
import numpy as np
with np.load(sys.argv[1]) as d:
    arrays = {k: {'dtype': d[k].dtype.str, 'shape': list(d[k].shape),
                  'values': [float(v) for v in d[k].ravel()]} for k in d.files}
print(json.dumps({'testzip': zipfile.ZipFile(sys.argv[1]).testzip(), 'arrays': arrays}))
`;

test('numpy\'s np.load reads toNpz output: the same float32 arrays and shapes', async (t) => {
  const py = await numpyPython();
  if (!py) {
    t.skip('python3 with numpy is not available (Debian: apt-get install python3-numpy)');
    return;
  }
  const net = await Network.create({ layers: [5, 4, 6, 2], seed: 5 });
  const folder = await mkdtemp(join(tmpdir(), 'nnwasm-npz-'));
  try {
    const path = join(folder, 'net.npz');
    await writeFile(path, await net.toNpz());
    const { stdout } = await run(py.python, ['-c', LOAD, path], { env: py.env });
    const got = JSON.parse(stdout);
    assert.equal(got.testzip, null, 'zipfile finds every CRC right');
    const weights = net.weights();
    assert.deepEqual(Object.keys(got.arrays), ['W1', 'b1', 'W2', 'b2', 'W3', 'b3']);
    Object.values(got.arrays).forEach((a, i) => {
      const l = i >> 1;
      const layers = net.spec.layers;
      assert.equal(a.dtype, '<f4');
      assert.deepEqual(a.shape, i % 2 ? [layers[l + 1]] : [layers[l], layers[l + 1]]);
      assert.deepEqual(a.values, Array.from(weights[i]), 'float32 values, exactly');
    });
  } finally {
    net.dispose();
    await rm(folder, { recursive: true, force: true });
  }
});

test('toNpz(weights) checks its arrays: kinds, counts and shapes that chain', () => {
  const f = (n) => new Float32Array(n);
  assert.throws(() => weightsToNpz('W'), refused(TypeError,
    /^toNpz\(weights\): weights must be an array \[W1, b1, W2, b2, \.\.\.\] of Float32Arrays, got "W"$/));
  assert.throws(() => weightsToNpz([]), refused(RangeError, /^toNpz\(weights\): 0 arrays given; \[W1, b1, W2, b2, \.\.\.\] needs a W and a b per layer$/));
  assert.throws(() => weightsToNpz([f(6), f(3), f(6)]), refused(RangeError, /3 arrays given/));
  assert.throws(() => weightsToNpz([f(6), [1, 2, 3]]), refused(TypeError, /^toNpz\(weights\): b1 must be a Float32Array, got an array of length 3$/));
  assert.throws(() => weightsToNpz([new Float64Array(6), f(3)]), refused(TypeError, /W1 must be a Float32Array, got a Float64Array of length 6/));
  assert.throws(() => weightsToNpz([f(7), f(3)]), refused(RangeError, /^toNpz\(weights\): W1 has 7 values, not inputs × 3 \(b1 has 3\)$/));
  assert.throws(() => weightsToNpz([f(6), f(0)]), refused(RangeError, /W1 has 6 values, not inputs × 0 \(b1 has 0\)/));
  assert.throws(() => weightsToNpz([f(0), f(3)]), refused(RangeError, /W1 has 0 values, not inputs × 3/));
  assert.throws(() => weightsToNpz([f(6), f(3), f(8), f(2)]), refused(RangeError, /^toNpz\(weights\): W2 has 8 values, not 3 × 2 \(b2 has 2\)$/));
  assert.equal(weightsToNpz([f(6), f(3), f(6), f(2)]).constructor, Uint8Array);
});

/* ---- refusals ------------------------------------------------------------------------------- */

test('wrong kinds of argument are TypeErrors: bytes, options', async () => {
  await assert.rejects(Network.fromNpz('W1.npz'), refused(TypeError,
    /^fromNpz\(bytes\): bytes must be a Uint8Array or ArrayBuffer, got "W1.npz"$/));
  await assert.rejects(readNpz([1, 2]), refused(TypeError, /got an array of length 2/));
  await assert.rejects(Network.fromNpz(fixture('two-layer-sigmoid.npz'), 'sigmoid'), refused(TypeError,
    /^fromNpz\(bytes, options\): options must be an object \(the rest of the spec\), got "sigmoid"$/));
  await assert.rejects(npzToWeights(fixture('two-layer-sigmoid.npz'), null), refused(TypeError, /got null/));
  // the rest of the spec is checked as Network.create checks it
  await assert.rejects(Network.fromNpz(fixture('two-layer-sigmoid.npz'), { activaton: 'sigmoid' }),
    refused(TypeError, /unknown option "activaton" in spec; did you mean "activation"\?/));
});

test('options.layers that differ from the archive\'s are a RangeError', async () => {
  await assert.rejects(Network.fromNpz(fixture('two-layer-sigmoid.npz'), { layers: [4, 6, 3] }), refused(RangeError,
    /^fromNpz options\.layers an array of length 3 differ from the archive's layers 4-5-3; leave layers out, the archive gives them$/));
  await assert.rejects(npzToWeights(fixture('two-layer-sigmoid.npz'), { layers: '4-5-3' }), refused(RangeError,
    /options\.layers "4-5-3" differ/));
});

test('not a zip, empty or cut short: an Error saying so', async () => {
  const model = await Network.create({ layers: [2, 3], seed: 1 });
  const nnw = model.save();
  model.dispose();
  const notZip = /^npz: not a zip archive, or a truncated one \(no end-of-central-directory record\); np\.savez and np\.savez_compressed write zip archives$/;
  for (const bytes of [nnw, new Uint8Array(0), new TextEncoder().encode('W1,b1\n1,2,3\n'), new ArrayBuffer(100)]) {
    await assert.rejects(readNpz(bytes), refused(Error, notZip));
  }
  // every proper prefix: the end record is gone
  for (const file of ['two-layer-sigmoid.npz', 'two-layer-sigmoid-compressed.npz', 'zip64.npz']) {
    const whole = fixture(file);
    for (let n = 0; n < whole.length; n++) {
      await assert.rejects(readNpz(whole.subarray(0, n)), (e) => e.constructor === Error &&
        notZip.test(e.message), `${file} cut to ${n} bytes`);
    }
  }
  // the middle cut out, the end record kept: it points past the data
  const whole = fixture('two-layer-sigmoid.npz');
  const cut = new Uint8Array([...whole.subarray(0, 300), ...whole.subarray(whole.length - 22)]);
  const [W1] = central(whole);
  await assert.rejects(readNpz(cut), refused(Error, new RegExp('^npz: the archive is truncated: the central directory ' +
    `at byte ${W1.at} needs ${whole.length - 22 - W1.at} bytes, the archive has 322$`)));
  // a directory entry that points past the data
  const far = patched(whole, (dv) => dv.setUint32(central(whole)[1].at + 42, 5000, true));
  await assert.rejects(readNpz(far), refused(Error, /^npz: the archive is truncated: the local header of b1\.npy at byte 5000 needs 30 bytes, the archive has 1138$/));
});

test('a damaged entry fails its CRC-32 check; damaged deflate data is refused', async () => {
  const stored = fixture('two-layer-sigmoid.npz');
  const [W1] = central(stored);
  const flipped = patched(stored, (dv, b) => { b[dataStart(stored, W1.local) + 140] ^= 0x01; });
  await assert.rejects(readNpz(flipped), refused(Error,
    /^npz: W1\.npy fails its CRC-32 check \(computed 0x[0-9a-f]{8}, the archive says 0x[0-9a-f]{8}\); the file is damaged$/));
  const deflated = fixture('two-layer-sigmoid-compressed.npz');
  const [cW1, cb1] = central(deflated);
  // the stored CRC itself changed
  const crc = patched(deflated, (dv) => dv.setUint32(cb1.at + 16, dv.getUint32(cb1.at + 16, true) ^ 1, true));
  await assert.rejects(readNpz(crc), refused(Error, /^npz: b1\.npy fails its CRC-32 check/));
  // a first block of the reserved type 3: no inflater accepts it
  const invalid = patched(deflated, (dv, b) => { b[dataStart(deflated, cW1.local)] = 0x07; });
  await assert.rejects(readNpz(invalid), refused(Error, /^npz: W1\.npy is not valid deflate data \(.+\)$/));
});

test('sizes must agree with the directory: stored and inflated', async () => {
  const stored = fixture('two-layer-sigmoid.npz');
  const [W1] = central(stored);
  const length = new DataView(stored.buffer).getUint32(W1.at + 20, true);
  const longer = patched(stored, (dv) => dv.setUint32(W1.at + 24, length + 1, true));
  await assert.rejects(readNpz(longer), refused(Error,
    new RegExp(`^npz: W1\\.npy inflates to ${length} bytes, not the ${length + 1} its directory entry declares$`)));
  const deflated = fixture('two-layer-sigmoid-compressed.npz');
  const [, b1] = central(deflated);
  const size = new DataView(deflated.buffer).getUint32(b1.at + 24, true);
  const more = patched(deflated, (dv) => dv.setUint32(b1.at + 24, size + 1, true));
  await assert.rejects(readNpz(more), refused(Error, new RegExp(`^npz: b1\\.npy inflates to ${size} bytes, not the ${size + 1} its directory entry declares$`)));
  const fewer = patched(deflated, (dv) => dv.setUint32(b1.at + 24, size - 1, true));
  await assert.rejects(readNpz(fewer), refused(Error, new RegExp(`^npz: b1\\.npy inflates to more than ${size - 1} bytes, not the ${size - 1} its`)));
  // a size far beyond any network is refused before anything is inflated
  const huge = patched(deflated, (dv) => dv.setUint32(b1.at + 24, 0x7fffffff, true));
  await assert.rejects(readNpz(huge), refused(RangeError, /^npz: b1\.npy declares 2147483647 bytes; entries over 1 GiB are not supported$/));
});

test('zip features numpy never writes are refused: encryption, bzip2, bad signatures, a missing ZIP64 field', async () => {
  const stored = fixture('two-layer-sigmoid.npz');
  const [W1, b1] = central(stored);
  const encrypted = patched(stored, (dv) => dv.setUint16(b1.at + 8, 1, true));
  await assert.rejects(readNpz(encrypted), refused(Error, /^npz: b1\.npy is encrypted, which is not supported$/));
  await assert.rejects(readNpz(fixture('bad/bzip2.npz')), refused(Error,
    /^npz: W1\.npy uses compression method 12; only stored \(0\) and deflate \(8\) are supported$/));
  const local = patched(stored, (dv) => dv.setUint32(W1.at + 42, 1, true));
  await assert.rejects(readNpz(local), refused(Error, /^npz: the local header of W1\.npy at byte 1 has the wrong signature$/));
  const entry = patched(stored, (dv) => dv.setUint32(b1.at, 0x04034b50, true));
  await assert.rejects(readNpz(entry), refused(Error, new RegExp(`^npz: central directory entry 1 at byte ${b1.at} has the wrong signature$`)));
  const noExtra = patched(stored, (dv) => { dv.setUint32(W1.at + 24, 0xffffffff, true); dv.setUint32(W1.at + 42, 0xffffffff, true); });
  await assert.rejects(readNpz(noExtra), refused(Error,
    /^npz: W1\.npy has 0xFFFFFFFF for its uncompressed size and local header offset but no ZIP64 extra field with the values$/));
  // an end record that says "see the ZIP64 record" without one before it
  const end = stored.length - 22;
  const noLocator = patched(stored, (dv) => dv.setUint16(end + 10, 0xffff, true));
  await assert.rejects(readNpz(noLocator), refused(Error,
    new RegExp(`^npz: the ZIP64 end-of-central-directory locator at byte ${end - 20} has the wrong signature$`)));
  // a locator pointing at something else
  const z64 = fixture('zip64.npz');
  const zend = z64.length - 22 - 39; // the fixture's end record has a 39-byte comment
  const badRecord = patched(z64, (dv) => dv.setBigUint64(zend - 12, 0n, true));
  await assert.rejects(readNpz(badRecord), refused(Error,
    /^npz: the ZIP64 end-of-central-directory record at byte 0 has the wrong signature$/));
});

test('without DecompressionStream a compressed archive is refused; a stored one still loads', async () => {
  const saved = globalThis.DecompressionStream;
  const noDeflate = /^npz: W1\.npy is compressed \(np\.savez_compressed\) and this environment has no DecompressionStream\('deflate-raw'\); save with np\.savez instead$/;
  try {
    globalThis.DecompressionStream = undefined;
    await assert.rejects(readNpz(fixture('two-layer-sigmoid-compressed.npz')), refused(Error, noDeflate));
    assert.equal((await readNpz(fixture('two-layer-sigmoid.npz'))).size, 4);
    // an older Node: the class exists but refuses the format
    globalThis.DecompressionStream = class {
      constructor(format) {
        if (format !== 'gzip' && format !== 'deflate') throw new TypeError(`format ${format} is invalid`);
      }
    };
    await assert.rejects(readNpz(fixture('two-layer-sigmoid-compressed.npz')), refused(Error, noDeflate));
  } finally {
    globalThis.DecompressionStream = saved;
  }
});

test('.npy problems are named: magic, version, header, dtype, data size, entries', async () => {
  const cases = {
    'no-magic.npz': [Error, /^npz: W1\.npy is not a \.npy array \(it does not start with \\x93NUMPY\)$/],
    'npy-version.npz': [Error, /^npz: W1\.npy is \.npy version 4\.0; versions 1\.0, 2\.0 and 3\.0 are supported$/],
    'header-keys.npz': [Error, /^npz: W1\.npy has a malformed \.npy header: its keys are descr, shape, not descr, fortran_order, shape$/],
    'header-syntax.npz': [Error, /^npz: W1\.npy has a malformed \.npy header: unexpected end at character \d+$/],
    'big-endian.npz': [Error, /^npz: W1\.npy has dtype >f4 \(big-endian\); supported are little-endian float32 \(<f4\), float64 \(<f8\) and integers i1 to i8, u1 to u8$/],
    'object.npz': [Error, /^npz: W1\.npy has dtype \|O \(pickled Python objects\); supported are/],
    'float16.npz': [Error, /^npz: W1\.npy has dtype <f2; supported are/],
    'structured.npz': [Error, /^npz: W1\.npy has a structured dtype \(fields\); supported are/],
    'short-data.npz': [Error, /^npz: W1\.npy has 76 bytes of data; shape \(4, 5\) of <f4 needs 80$/],
    'not-npy.npz': [Error, /^npz: entry "notes\.txt" is not a \.npy array; np\.savez writes only \.npy entries$/],
    'duplicate.npz': [Error, /^npz: W1\.npy appears twice in the archive$/],
  };
  for (const [file, [cls, message]] of Object.entries(cases)) {
    await assert.rejects(Network.fromNpz(fixture(`bad/${file}`)), refused(cls, message), file);
  }
  // header text the little Python-literal reader refuses
  const header = (text) => {
    const h = text.padEnd(117, ' ') + '\n';
    const npy = new Uint8Array(10 + h.length + 4);
    npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length, 0]);
    npy.set(new TextEncoder().encode(h), 10);
    return npy;
  };
  const zipOf = (npy) => {
    // a stored entry "W1.npy" by hand: local header, central entry, end record
    const name = new TextEncoder().encode('W1.npy');
    const out = new Uint8Array(30 + 6 + npy.length + 46 + 6 + 22);
    const dv = new DataView(out.buffer);
    const crc = crc32(npy);
    dv.setUint32(0, 0x04034b50, true);
    dv.setUint32(14, crc, true);
    dv.setUint32(18, npy.length, true);
    dv.setUint32(22, npy.length, true);
    dv.setUint16(26, 6, true);
    out.set(name, 30);
    out.set(npy, 36);
    const c = 36 + npy.length;
    dv.setUint32(c, 0x02014b50, true);
    dv.setUint32(c + 16, crc, true);
    dv.setUint32(c + 20, npy.length, true);
    dv.setUint32(c + 24, npy.length, true);
    dv.setUint16(c + 28, 6, true);
    out.set(name, c + 46);
    const e = c + 52;
    dv.setUint32(e, 0x06054b50, true);
    dv.setUint16(e + 8, 1, true);
    dv.setUint16(e + 10, 1, true);
    dv.setUint32(e + 12, 52, true);
    dv.setUint32(e + 16, c, true);
    return out;
  };
  const good = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }";
  assert.deepEqual((await readNpz(zipOf(header(good)))).get('W1').shape, [1], 'the hand-made archive is right');
  const headers = {
    "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }": /fortran_order is not True or False/,
    "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }": /shape is not a tuple of sizes/,
    "{'descr': '<f4', 'fortran_order': False, 'shape': 1, }": /shape is not a tuple of sizes/,
    "('descr', 'fortran_order', 'shape')": /it is not a dict/,
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}": /its keys are descr, fortran_order, shape, x, not/,
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), '__proto__': []}": /its keys are __proto__, descr, fortran_order, shape, not/,
    "{'descr': '<f4' 'fortran_order': False}": /expected "," or "}" at character 16/,
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x": /unexpected text after the dict at character 58/,
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), '\\x': 1}": /escapes in strings are not supported/,
    "{'descr: '<f4'}": /expected "," or "}"|a dict key is not a string/,
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 5: 1}": /a dict key is not a string followed by ":"/,
    "{'descr': '<f4', 'fortran_order': False, 'shape': ((((((((((((((((((1,),),),),),),),),),),),),),),),),),),), }": /it is nested too deeply/,
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 'open}": /a string is not closed/,
    "{'descr': <f4, 'fortran_order': False, 'shape': (1,), }": /unexpected "<" at character 10/,
  };
  for (const [text, why] of Object.entries(headers)) {
    await assert.rejects(readNpz(zipOf(header(text))), refused(Error, new RegExp(`^npz: W1\\.npy has a malformed \\.npy header: ${why.source}`)), text);
  }
  const long = header(good);
  long[8] = 200; // a header length past the end of the entry
  await assert.rejects(readNpz(zipOf(long)), refused(Error, /^npz: W1\.npy has a malformed \.npy header: it runs past the end of the entry$/));
});

test('arrays that are not a dense network are refused, naming the array', async () => {
  const notDense = /is not one of W1, b1, W2, b2, \.\.\. \(a dense layer's weights and biases\); other layers such as batch normalisation are not supported, and positional arrays \(arr_0, \.\.\.\) need names: np\.savez\(file, \*\*params\)$/;
  const cases = {
    'missing-b2.npz': [Error, /^npz: b2 is missing; layer 2 needs W2 and b2 \(the archive has W1, b1, W2\)$/],
    'batchnorm.npz': [Error, new RegExp(`^npz: array "gamma1" ${notDense.source}`)],
    'positional.npz': [Error, new RegExp(`^npz: array "arr_0" ${notDense.source}`)],
    'no-chain.npz': [RangeError, /^npz: W2 has shape \(6, 3\) but layer 1 has 5 outputs \(W1 is \(4, 5\)\); W2 needs 5 rows$/],
    'b-row.npz': [RangeError, /^npz: b1 must have shape \(5,\) to match W1 \(4, 5\), got \(1, 5\)$/],
    'w-flat.npz': [RangeError, /^npz: W1 must be 2-D \(inputs, outputs\), got shape \(20,\)$/],
    'f64-range.npz': [RangeError, /^npz: W1\[1, 2\] is 1e\+39, not a finite float32 value$/],
    'nan.npz': [RangeError, /^npz: W2\[4, 0\] is NaN, not a finite float32 value$/],
  };
  for (const [file, [cls, message]] of Object.entries(cases)) {
    await assert.rejects(Network.fromNpz(fixture(`bad/${file}`)), refused(cls, message), file);
  }
  await assert.rejects(npzToWeights(fixture('dtypes.npz')), refused(Error, new RegExp(`^npz: array "i1" ${notDense.source}`)));
  // an archive with no arrays at all
  const empty = new Uint8Array(22);
  new DataView(empty.buffer).setUint32(0, 0x06054b50, true);
  assert.equal((await readNpz(empty)).size, 0);
  await assert.rejects(npzToWeights(empty), refused(Error, /^npz: W1 is missing; layer 1 needs W1 and b1 \(the archive has no arrays\)$/));
});

/* ---- robustness ----------------------------------------------------------------------------- */

test('every single-byte change of an archive loads the same weights or is refused with an npz: error', async () => {
  for (const file of ['two-layer-sigmoid.npz', 'two-layer-sigmoid-compressed.npz', 'zip64.npz', 'streamed.npz']) {
    const whole = fixture(file);
    const want = await npzToWeights(whole);
    let refusedCount = 0;
    for (let i = 0; i < whole.length; i++) {
      const bytes = patched(whole, (dv, b) => { b[i] ^= 0x5a; });
      try {
        const got = await npzToWeights(bytes);
        assert.deepEqual(got, want, `${file}: byte ${i} changed, different weights loaded`);
      } catch (e) {
        assert.ok(e instanceof Error && !(e instanceof TypeError) && /^npz: /.test(e.message),
          `${file}: byte ${i}: ${e?.constructor?.name}: ${e?.message}`);
        refusedCount++;
      }
    }
    assert.ok(refusedCount > whole.length / 2, `${file}: only ${refusedCount} of ${whole.length} changes refused`);
  }
});

/** CRC-32 as zip computes it (bitwise, the reflected polynomial 0xEDB88320) */
function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
