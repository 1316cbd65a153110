// Loading the module: the SIMD probe, the memoised init(), the scalar and custom sources, a
// missing .wasm, and the imports and exports of the built files. Anything that needs a fresh
// module state runs in a child process (tests/js/fixtures/loader-child.mjs).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Network, datasets, init, simdSupported, wasmVariant } from '../../src/js/index.node.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const wasmPath = (v) => new URL(`build/wasm/nnwasm-${v}.wasm`, root);
const CHILD = fileURLToPath(new URL('fixtures/loader-child.mjs', import.meta.url));

/** run the child with a scenario; returns its JSON report */
async function child(scenario, entry) {
  const args = [CHILD, scenario, ...(entry ? [entry] : [])];
  const { stdout } = await run(process.execPath, args, { timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

/* what the simd build computes in this process, to compare the other builds with */
let reference = null;
async function simdReference() {
  if (!reference) {
    const { x } = await datasets.spiral({ seed: 1 });
    const probe = await Network.create({ layers: [2, 10, 3], seed: 7 });
    reference = { params: Array.from(probe.getParams()), pred: Array.from(probe.predict(x.subarray(0, 40))) };
    probe.dispose();
  }
  return reference;
}

/** the child trained the spiral to the known result, and its fixed net matches the simd build */
async function assertTrains(r) {
  assert.ok(r.loss <= 0.2, `${r.scenario}: spiral loss ${r.loss} <= 0.2`);
  assert.ok(r.accuracy >= 0.95, `${r.scenario}: spiral accuracy ${r.accuracy} >= 0.95`);
  assert.ok(r.firstLoss > r.loss);
  const ref = await simdReference();
  assert.deepEqual(r.params, ref.params, `${r.scenario}: the same seed gives the same initial weights`);
  assert.equal(r.pred.length, ref.pred.length);
  r.pred.forEach((p, i) => assert.ok(Math.abs(p - ref.pred[i]) <= 1e-6, `prediction ${i}: ${p} vs ${ref.pred[i]}`));
}

/* ---- in this process ---------------------------------------------------------------------- */

describe('in one process', () => {
  test('wasmVariant() is null before anything loads', () => {
    assert.equal(wasmVariant(), null);
  });

  test('simdSupported() is true in Node 20, and the probe is a valid SIMD module', async () => {
    assert.equal(simdSupported(), true);
    // the probe's bytes, read from simd.js itself
    const src = await readFile(new URL('src/js/simd.js', root), 'utf8');
    const body = src.match(/new Uint8Array\(\[([\s\S]*?)\]\)/);
    assert.ok(body, 'simd.js holds the probe as a Uint8Array literal');
    const bytes = Uint8Array.from(body[1].replace(/\/\/.*$/gm, '').split(',').map((s) => s.trim())
      .filter(Boolean).map(Number));
    assert.deepEqual([...bytes.subarray(0, 8)], [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    assert.equal(WebAssembly.validate(bytes), true);
    assert.ok(bytes.includes(0x7b), 'a v128 type');
    const at = bytes.indexOf(0xfd);
    assert.ok(at > 0 && bytes[at + 1] === 0x0f, 'an i8x16.splat (0xfd 0x0f)');
    // without its SIMD instruction (and returning i32) the same module is plain wasm 1.0
    const plain = Uint8Array.from(bytes);
    plain[plain.indexOf(0x7b)] = 0x7f;
    plain.set([0x01, 0x01], at); // nop; nop instead of the SIMD opcode and its immediate
    assert.equal(WebAssembly.validate(plain), true);
  });

  test('init() is memoised: two calls share one load, then networks work', async () => {
    const a = init();
    const b = init();
    assert.ok(a instanceof Promise && b instanceof Promise);
    assert.deepEqual(await Promise.all([a, b]), [undefined, undefined]);
    assert.equal(wasmVariant(), 'simd');
    const net = await Network.create({ layers: [2, 4, 3], seed: 3 });
    const out = net.predict(Float32Array.of(0.5, -0.5));
    assert.equal(out.length, 3);
    assert.ok(Math.abs(out.reduce((s, v) => s + v, 0) - 1) < 1e-6, 'softmax sums to 1');
    net.dispose();
    // a loaded module stays: later init calls resolve without reloading or switching builds
    await init(undefined, { simd: false });
    await init();
    assert.equal(wasmVariant(), 'simd');
    const again = await Network.create({ layers: [2, 4, 3], seed: 3 });
    assert.deepEqual(again.predict(Float32Array.of(0.5, -0.5)), out);
    again.dispose();
  });

  test('init options are checked: unknown keys and non-booleans are TypeErrors', async () => {
    await assert.rejects(init(undefined, { smd: false }),
      (e) => e instanceof TypeError && /did you mean "simd"/.test(e.message));
    await assert.rejects(init(undefined, { simd: 'no' }),
      (e) => e instanceof TypeError && /init options\.simd/.test(e.message));
    await assert.rejects(init(undefined, null), TypeError);
    assert.equal(wasmVariant(), 'simd', 'a rejected call leaves the loaded module alone');
  });

  test('after a load, init(source) still checks its source (and otherwise shares the load)', async () => {
    await init();
    await assert.rejects(init('nonsense'), TypeError);
    await assert.rejects(init(42), /got 42/);
    await init(new Uint8Array(8)); // a valid kind of source: the existing load is kept
    assert.equal(wasmVariant(), 'simd');
  });
});

/* ---- fresh processes ------------------------------------------------------------------------ */

describe('in a fresh process', () => {
  test('init(undefined, { simd: false }) loads the scalar build, which trains', async () => {
    const r = await child('scalar');
    assert.equal(r.before, null);
    assert.equal(r.variant, 'scalar');
    await assertTrains(r);
  });

  test('an engine without SIMD gets the scalar build by itself', async () => {
    const r = await child('nosimd');
    assert.equal(r.simdSupported, false);
    assert.equal(r.variant, 'scalar');
    await assertTrains(r);
  });

  test('init(compiled WebAssembly.Module) is "custom" and trains', async () => {
    const r = await child('module');
    assert.equal(r.before, null);
    assert.equal(r.variant, 'custom');
    await assertTrains(r);
  });

  test('init(Uint8Array of the bytes) and init(ArrayBuffer) are "custom" and train', async () => {
    for (const scenario of ['bytes', 'arraybuffer']) {
      const r = await child(scenario);
      assert.equal(r.variant, 'custom', scenario);
      await assertTrains(r);
    }
  });

  test('init(anything else) rejects with a TypeError, and a later init() still loads', async () => {
    const r = await child('nonsense');
    assert.equal(r.attempts.length, 5);
    for (const a of r.attempts) {
      assert.equal(a.ok, false);
      assert.equal(a.error.typeError, true, a.error.message);
      assert.match(a.error.message, /WebAssembly\.Module/);
    }
    assert.match(r.attempts[0].error.message, /got "nonsense"/);
    assert.equal(r.badOptions.ok, false);
    assert.equal(r.badOptions.error.typeError, true, r.badOptions.error.message);
    assert.equal(r.afterFailures, null);
    assert.equal(r.variant, 'simd');
    await assertTrains(r);
  });

  test('a missing .wasm rejects naming the path and how to build it; init(bytes) then works', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nnwasm-loader-'));
    try {
      // a copy of src/js without ../../build/wasm beside it
      await cp(new URL('src/js', root), join(dir, 'src', 'js'), { recursive: true });
      const r = await child('missing', join(dir, 'src', 'js', 'index.node.js'));
      for (const [attempt, file] of [[r.create, 'nnwasm-simd.wasm'], [r.createAgain, 'nnwasm-simd.wasm'],
        [r.scalar, 'nnwasm-scalar.wasm']]) {
        assert.equal(attempt.ok, false);
        assert.equal(attempt.error.isError, true);
        assert.ok(attempt.error.message.includes(join(dir, 'build', 'wasm', file)),
          `names the path tried: ${attempt.error.message}`);
        assert.match(attempt.error.message, /ENOENT/);
        assert.match(attempt.error.message, /npm run build/);
        assert.match(attempt.error.message, /init\(\)/);
      }
      assert.equal(r.afterFailures, null);
      assert.equal(r.variant, 'custom');
      await assertTrains(r);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/* ---- the .wasm files ------------------------------------------------------------------------ */

describe('the built .wasm files', () => {
  const NON_NN_EXPORTS = ['__errno_location', '__indirect_function_table', '_initialize', 'memory',
    'stackAlloc', 'stackRestore', 'stackSave'];

  for (const v of ['simd', 'scalar']) {
    test(`nnwasm-${v}.wasm imports one function and exports only the C API and runtime basics`, async () => {
      const bytes = await readFile(wasmPath(v));
      assert.equal(WebAssembly.validate(bytes), true);
      const mod = await WebAssembly.compile(bytes);
      assert.deepEqual(WebAssembly.Module.imports(mod),
        [{ module: 'env', name: 'emscripten_notify_memory_growth', kind: 'function' }]);
      const exports = WebAssembly.Module.exports(mod);
      const names = exports.map((e) => e.name);
      assert.equal(new Set(names).size, names.length);
      for (const name of ['nn_net_create', 'nn_net_free', 'nn_fit_begin', 'nn_fit_steps', 'nn_fit_end',
        'nn_predict', 'nn_evaluate', 'nn_model_save', 'nn_model_load', 'nn_idx_parse', 'nn_spiral',
        'nn_minmax_fit', 'nn_minmax_apply', 'nn_alloc', 'nn_free', 'nn_heap_used']) {
        assert.ok(names.includes(name), `exports ${name}`);
      }
      for (const e of exports.filter((x) => x.name.startsWith('nn_'))) {
        assert.equal(e.kind, 'function', `${e.name} is a function`);
      }
      assert.deepEqual(names.filter((n) => !n.startsWith('nn_')).sort(), NON_NN_EXPORTS,
        'no accidental exports beyond the C API and the runtime basics');
      assert.equal(exports.find((e) => e.name === 'memory').kind, 'memory');
      assert.equal(exports.find((e) => e.name === '_initialize').kind, 'function');
    });
  }

  test('both builds export the same C API', async () => {
    const list = async (v) => WebAssembly.Module.exports(await WebAssembly.compile(await readFile(wasmPath(v))))
      .map((e) => e.name).sort();
    assert.deepEqual(await list('simd'), await list('scalar'));
  });
});
