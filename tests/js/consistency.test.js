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

// Bit-identical across engines. What could make them differ, and why it does not:
// - libm: glibc natively and musl in wasm round tanhf, expf, log1pf, expm1f differently (tanhf
//   for 17 million floats). The core uses none of them on the training path: every activation
//   and the softmax are computed in double by src/core/nn_math.c, the core's own functions, and
//   rounded once; the spiral's points use nn_sin and nn_cos.
// - SIMD: kernels_simd128.c sums every output element in the same order as the scalar loops
//   (tests/c/test_kernels.c checks it to the bit), and every build uses -ffp-contract=off.
// So a difference here, even in the last bit, is a bug: another dropout mask, another shuffle
// order, a wrong gradient, or a libm call back on the training path.

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

test('native, scalar wasm and SIMD wasm follow the same trajectory, to the bit', async () => {
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
    assert.deepEqual(first.losses, native.losses, `${wasm.variant} vs native batch losses`);
    // the tool prints each float32 parameter with 9 significant digits, which name it exactly
    assert.deepEqual(Float32Array.from(first.params), Float32Array.from(native.params),
      `${wasm.variant} vs native parameters`);
    assert.deepEqual(first.evaluate, native.evaluate, `${wasm.variant} vs native evaluate`);
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
