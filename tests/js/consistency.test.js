// One seeded training run, three engines: the native core (build/native/nnwasm_trajectory,
// from src/tools/trajectory.c), the scalar wasm build and the SIMD wasm build (each in its own
// Node process through the public API: tests/js/fixtures/trajectory.mjs). The run — spiral
// 3 × 100, 2-16-16-3 tanh, Adam, dropout 0.1, batch 30 shuffled, 200 steps — goes through every
// layer, the dropout masks and the shuffle, so a difference in any of them shows in the losses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as api from '../../src/js/index.node.js';
import { STEPS, trajectory } from './fixtures/trajectory.mjs';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const tool = fileURLToPath(new URL('build/native/nnwasm_trajectory', root));
const fixture = fileURLToPath(new URL('fixtures/trajectory.mjs', import.meta.url));

// Why 1e-5 relative, and not bit-identical across engines:
// - libm: natively tanhf, expf, logf, sinf, cosf come from glibc; in wasm from musl (emscripten's
//   libc). Both are accurate to about an ulp but not always the same ulp, so the spiral's points
//   and every tanh/softmax can differ in the last bit of a float (≈ 6e-8 relative).
// - SIMD: a simd128 GEMM or dot product sums in four lanes and adds the lanes at the end: a
//   different order of float additions, again last-bit differences. (Today the SIMD build is
//   the scalar code compiled with -msimd128, and clang does not reorder float sums without
//   -ffast-math, so SIMD and scalar happen to agree to the bit; hand-written kernels_simd128.c
//   will not, and this test must not forbid them.)
// - Such rounding differences do not blow up here: 200 Adam steps on a smooth tanh net keep
//   them near float precision (measured: worst batch-loss difference ≈ 1.4e-7 relative, worst
//   parameter ≈ 4e-7 absolute). 1e-5 leaves two orders of magnitude of headroom, yet a real
//   divergence — another dropout mask, another shuffle order, a wrong gradient in one layer —
//   changes the batch losses by 1e-3 or more within a few steps (a dropout rate of 0.12
//   instead of 0.1 moves the first loss by 1e-2; clipping the gradient norm to 0.5, the third).
// Within one engine nothing varies: the same run twice must be bit-identical.
const RTOL = 1e-5;

/** |a − b| <= tol · max(|a|, |b|, floor): relative, with an absolute floor for small values */
function close(a, b, tol, floor = 0) {
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), floor);
}

function assertClose(actual, expected, what, floor = 0) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(close(actual[i], expected[i], RTOL, floor),
      `${what}[${i}]: ${actual[i]} vs ${expected[i]} (relative difference ` +
      `${Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor)} > ${RTOL})`);
  }
}

async function json(file, args) {
  const { stdout } = await run(file, args, { maxBuffer: 16 << 20 });
  return JSON.parse(stdout);
}

/** a trajectory that actually trains: 200 finite losses, the last ones well below the first */
function assertTrains(t, what) {
  assert.equal(t.losses.length, STEPS, `${what}: one loss per step`);
  assert.ok(t.losses.every(Number.isFinite), `${what}: finite losses`);
  const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
  const first = mean(t.losses.slice(0, 10));
  const last = mean(t.losses.slice(-10));
  assert.ok(last < 0.6 * first, `${what}: loss falls (first 10 steps ${first}, last 10 ${last})`);
}

test('native, scalar wasm and SIMD wasm follow the same trajectory within 1e-5', async () => {
  assert.ok(existsSync(tool), `${tool} is missing: build it with \`bash scripts/build.sh\` ` +
    '(npm test does)');
  const [native, scalar, simd] = await Promise.all([
    json(tool, []),
    json(process.execPath, [fixture, 'scalar']),
    json(process.execPath, [fixture, 'simd']),
  ]);
  assert.equal(native.variant, 'native');
  assert.equal(scalar.variant, 'scalar');
  assert.equal(simd.variant, 'simd');
  assertTrains(native, 'native');
  for (const wasm of [scalar, simd]) {
    const [first, ...again] = wasm.runs;
    // the same process ran it again, twice at once on two nets sharing the module
    for (const other of again) assert.deepEqual(other, first, `${wasm.variant}: runs are bit-identical`);
    assertClose(first.losses, native.losses, `${wasm.variant} vs native batch loss`);
    // parameters: relative to their size, absolutely for those below 1 (an Adam step moves a
    // weight by about lr = 0.01, so 1e-5 is a thousandth of one step)
    assertClose(first.params, native.params, `${wasm.variant} vs native parameter`, 1);
    assert.ok(close(first.evaluate.loss, native.evaluate.loss, RTOL), 'evaluate loss');
    assert.ok(Math.abs(first.evaluate.accuracy - native.evaluate.accuracy) <= 1 / 300,
      `evaluate accuracy ${first.evaluate.accuracy} vs ${native.evaluate.accuracy}`);
  }
});

test('the same run twice in one process is bit-identical (losses and parameters)', async () => {
  const a = await trajectory(api);
  // two more nets trained at the same time, their chunks interleaved on one module: nothing
  // (RNG, workspace, shuffle order) may be shared between nets
  const [b, c] = await Promise.all([trajectory(api), trajectory(api)]);
  assertTrains(a, api.wasmVariant());
  assert.deepEqual(b.losses, a.losses);
  assert.deepEqual(c.losses, a.losses);
  assert.deepEqual(b.params, a.params);
  assert.deepEqual(c.params, a.params);
  assert.deepEqual(b.evaluate, a.evaluate);
});
