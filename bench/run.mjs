/**
 * npm run bench: runs each library in its own Node process, one after another, then writes
 * bench/results.json and bench/RESULTS.md (the figures, nnwasm/peer ratios from this same run,
 * the targets met or not) and prints the tables.
 *   node bench/run.mjs [--quick] [--only nnwasm,cnn,cnn-known,tfjs-wasm,tfjs-cpu,chromium,demo,size] [--render]
 * --quick: small subsets, one repetition (results-quick.*); --only: those steps (results-partial.*);
 * --render: only rewrite the markdown from the saved JSON.
 */
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchDir, flag, option, root } from './common.mjs';
import { cnnSpeedMarkdown } from './cnn.mjs';
import { demoMarkdown } from './demo.mjs';

const quick = flag('--quick');
const STEPS = [
  { name: 'data', script: 'data.mjs', args: [], minutes: 5 },
  { name: 'nnwasm', script: 'nnwasm.mjs', args: [], minutes: 20 },
  { name: 'cnn', script: 'cnn.mjs', args: ['--no-summary'], minutes: 10 },
  { name: 'cnn-known', script: 'cnn-known.mjs', args: [], minutes: 10 },
  { name: 'tfjs-wasm', script: 'tfjs.mjs', args: ['wasm'], minutes: 30 },
  { name: 'tfjs-cpu', script: 'tfjs.mjs', args: ['cpu'], minutes: 40 },
  { name: 'chromium', script: 'browser.mjs', args: [], minutes: 20 },
  { name: 'demo', script: 'demo.mjs', args: ['--no-summary'], minutes: 15 },
  { name: 'size', script: 'size.mjs', args: [], minutes: 5 },
];
const only = option('--only', null)?.split(',').map((s) => s.trim()).filter(Boolean) ?? null;
if (only) {
  const unknown = only.filter((n) => !STEPS.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`bench: unknown step(s) ${unknown.join(', ')}; steps: ${STEPS.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
}
const suffix = quick ? '-quick' : only ? '-partial' : '';

/** run one child; its last stdout line is its JSON result */
function runChild(step) {
  const args = [join(benchDir, step.script), ...step.args, ...(quick ? ['--quick'] : [])];
  console.error(`bench: ${step.name}  (node ${args.map((a) => a.replace(root + '/', '')).join(' ')})`);
  const t0 = performance.now();
  const load = loadavg()[0];
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    p.stdout.on('data', (d) => { stdout += d; });
    const timer = setTimeout(() => p.kill('SIGKILL'), step.minutes * 60_000);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = stdout.trim().split('\n');
      let result = null;
      for (let i = lines.length - 1; i >= 0 && !result; i--) {
        try { result = JSON.parse(lines[i]); } catch { /* not the result line */ }
      }
      for (const l of lines) if (l && !l.startsWith('{')) process.stderr.write(`  [${step.name}] ${l}\n`);
      if (!result) result = { error: `no result (exit ${code}${signal ? `, ${signal}` : ''}${signal === 'SIGKILL' ? `: over ${step.minutes} min` : ''})` };
      result.wallSeconds = (performance.now() - t0) / 1000;
      result.loadavg1 = { start: load, end: loadavg()[0] };
      if (result.error) console.error(`bench: ${step.name} failed: ${result.error.split('\n')[0]}`);
      resolve(result);
    });
  });
}

function machine(results) {
  const cpuinfo = (() => { try { return readFileSync('/proc/cpuinfo', 'utf8'); } catch { return ''; } })();
  const model = cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  let chromium = results.chromium?.runtime?.replace(/^chromium /, '') ?? null;
  if (!chromium) {
    try { chromium = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim(); } catch { chromium = 'not found'; }
  }
  const git = (...a) => { try { return execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim(); } catch { return ''; } };
  const commit = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--', 'src', 'include', 'CMakeLists.txt') !== '';
  let tfjs = null;
  try { tfjs = JSON.parse(readFileSync(join(root, 'node_modules/@tensorflow/tfjs-core/package.json'), 'utf8')).version; } catch { /* absent */ }
  const wasm = (v) => { try { return statSync(join(root, `build/wasm/nnwasm-${v}.wasm`)).size; } catch { return null; } };
  return {
    cpu: model, cores: cpus().length, memoryGB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version,
    chromium, tfjs, nnwasmCommit: commit ? `${commit}${dirty ? ' + uncommitted changes' : ''}` : null,
    nnwasmSimdWasmBytes: wasm('simd'),
  };
}

/* ---- ratios and targets -------------------------------------------------------------------- */

const get = (o, path) => path.split('.').reduce((a, k) => (a == null ? undefined : a[k]), o);

/** speedups of nnwasm (Node) over a peer, from medians (and from minimums) of this run */
function ratios(ours, theirs) {
  if (!ours || ours.error || !theirs || theirs.error) return null;
  const faster = (path) => { const a = get(ours, path); const b = get(theirs, path); return a && b ? b / a : null; };
  const more = (path) => { const a = get(ours, path); const b = get(theirs, path); return a && b ? a / b : null; };
  return {
    w1: faster('w1.seconds.median'), w1Min: faster('w1.seconds.min'),
    w2One: more('w2.oneBatch.imagesPerSec.median'), w2Ten: more('w2.tenBatches.imagesPerSec.median'),
    w3: faster('w3.seconds.median'), w3Min: faster('w3.seconds.min'),
    w4: faster('w4.medianUs'),
    memoryW1: faster('memory.w1MB'), // theirs / ours: how many times less memory nnwasm peaks at
  };
}

function targets(r) {
  const vs = r.ratios.tfjsWasm;
  const n = r.results.nnwasm;
  const size = r.results.size;
  const t = [];
  const add = (name, goal, value, met) => t.push({ name, goal, value, met: met === null ? null : !!met });
  add('W1 training', '≥ 12× faster than tfjs-wasm', vs?.w1 ?? null, vs?.w1 == null ? null : vs.w1 >= 12);
  const w2 = vs ? Math.min(vs.w2One, vs.w2Ten) : null;
  add('W2 predict', '≥ 1.3× the images/s of tfjs-wasm (both batchings)', vs ? [vs.w2One, vs.w2Ten] : null, w2 == null ? null : w2 >= 1.3);
  add('W3 spiral', '≥ 30× faster than tfjs-wasm', vs?.w3 ?? null, vs?.w3 == null ? null : vs.w3 >= 30);
  const w4 = n && !n.error ? n.w4.medianUs : null;
  add('W4 latency', '< 100 µs (median, Node)', w4, w4 == null ? null : w4 < 100);
  const kb = size && !size.error ? size.nnwasm.gzip / 1000 : null;
  add('Download size', 'JS + wasm < 40 KB gzip (KB = 1000 bytes)', kb, kb == null ? null : kb < 40);
  const memOurs = n && !n.error ? n.memory.w1MB : null;
  const memTheirs = r.results['tfjs-wasm']?.memory?.w1MB ?? null;
  add('W1 peak memory', 'max RSS below tfjs-wasm\'s', memOurs == null || memTheirs == null ? null : [memOurs, memTheirs],
    memOurs == null || memTheirs == null ? null : memOurs < memTheirs);
  return t;
}

/* ---- markdown ------------------------------------------------------------------------------- */

const f = (x, d = 3) => (x == null || Number.isNaN(x) ? '—' : Number(x).toFixed(d));
const int = (x) => (x == null ? '—' : Math.round(x).toLocaleString('en-US'));
const times = (x) => (x == null ? '—' : `${x.toFixed(x >= 10 ? 1 : 2)}×`);
const kB = (b) => (b == null ? '—' : `${(b / 1000).toFixed(1)} KB`);

function markdown(r) {
  const R = r.results;
  const cols = [['nnwasm', 'nnwasm (Node)'], ['chromium', 'nnwasm (Chromium)'], ['tfjs-wasm', 'tfjs wasm'], ['tfjs-cpu', 'tfjs cpu']];
  const ok = (k) => R[k] && !R[k].error;
  const cell = (k, fn) => (ok(k) ? fn(R[k]) : R[k]?.error ? 'failed' : 'not run');
  const p = r.plan;
  const w2One = `1×${int(p.w2.images)}`;
  const w2Ten = `10×${int(p.w2.small)}`;
  const L = [];
  L.push(`# nnwasm benchmark${r.quick ? ' (--quick)' : ''}`, '');
  L.push(`- command: \`${r.command}\``);
  L.push(`- date: ${r.date}`);
  const m = r.machine;
  L.push(`- machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB; Node ${m.node}; Chromium ${m.chromium}; load average at start ${r.loadavg.start.map((x) => x.toFixed(2)).join(' ')}, at end ${r.loadavg.end.map((x) => x.toFixed(2)).join(' ')}`);
  L.push(`- nnwasm ${m.nnwasmCommit ?? '?'} (nnwasm-simd.wasm ${int(m.nnwasmSimdWasmBytes)} bytes); tfjs ${m.tfjs ?? '?'} (tfjs-core, tfjs-backend-wasm, tfjs-backend-cpu)`);
  L.push(`- every library ran in its own process, one after another, in this run; the ratios compare figures of the same run`);
  const busiest = Math.max(...r.loadavg.start, ...r.loadavg.end, ...Object.values(r.results).flatMap((x) => (x?.loadavg1 ? [x.loadavg1.start, x.loadavg1.end] : [])));
  if (busiest > m.cores) {
    L.push(`- **the machine was busy**: the 1-min load average reached ${busiest.toFixed(1)} on ${m.cores} cores, so other processes competed for the CPU while this ran; the figures (and, as the load changed between processes, the ratios) are noisier than on an idle machine — the minimums are the less disturbed figures`);
  }
  L.push('');

  L.push('## Targets', '', '| target | goal | measured | met |', '|---|---|---|---|');
  for (const t of r.targets) {
    let v = '—';
    if (t.value != null) {
      if (t.name === 'W2 predict') v = `${times(t.value[0])} (${w2One}), ${times(t.value[1])} (${w2Ten})`;
      else if (t.name === 'W4 latency') v = `${f(t.value, 1)} µs`;
      else if (t.name === 'Download size') v = `${f(t.value, 1)} KB`;
      else if (t.name === 'W1 peak memory') v = `${f(t.value[0], 0)} MB vs ${f(t.value[1], 0)} MB`;
      else v = times(t.value);
    }
    L.push(`| ${t.name} | ${t.goal} | ${v} | ${t.met == null ? 'n/a' : t.met ? '**met**' : 'not met'} |`);
  }
  L.push('');

  L.push('## Results (median, min in brackets)', '');
  L.push(`| workload | ${cols.map((c) => c[1]).join(' | ')} |`, `|---|${cols.map(() => '---:').join('|')}|`);
  const row = (label, fn) => L.push(`| ${label} | ${cols.map(([k]) => cell(k, fn)).join(' | ')} |`);
  row(`W1 s/epoch (${int(p.w1.rows)} rows)`, (x) => `${f(x.w1.seconds.median)} (${f(x.w1.seconds.min)})`);
  row('W1 epochs timed', (x) => `${x.w1.epochs}: ${x.w1.seconds.runs.map((s) => f(s)).join(', ')}`);
  row('W1 test accuracy', (x) => f(x.w1.testAccuracy, 4));
  row(`W2 images/s, ${w2One}`, (x) => `${int(x.w2.oneBatch.imagesPerSec.median)} (best ${int(x.w2.oneBatch.imagesPerSec.max)})`);
  row(`W2 images/s, ${w2Ten}`, (x) => `${int(x.w2.tenBatches.imagesPerSec.median)} (best ${int(x.w2.tenBatches.imagesPerSec.max)})`);
  row(`W3 s total (${p.w3.epochs} epochs)`, (x) => `${f(x.w3.seconds.median)} (${f(x.w3.seconds.min)})`);
  row('W3 final loss / accuracy', (x) => `${f(x.w3.finalLoss, 4)} / ${f(x.w3.finalAccuracy, 3)}`);
  row('W4 µs per image', (x) => `${f(x.w4.medianUs, 1)} (${f(x.w4.minUs, 1)})`);
  row('1-min load average, start → end', (x) => (x.loadavg1 ? `${f(x.loadavg1.start, 1)} → ${f(x.loadavg1.end, 1)}` : '—'));
  row('W1 peak RSS (MB)', (x) => (x.memory ? `${f(x.memory.w1MB, 0)} (${f(x.memory.beforeW1MB, 0)} before W1)` : '—'));
  L.push('');

  L.push('## Speedups of nnwasm (Node) — ours vs theirs, same run', '');
  L.push('| | vs tfjs wasm | vs tfjs cpu |', '|---|---:|---:|');
  const rw = r.ratios.tfjsWasm;
  const rc = r.ratios.tfjsCpu;
  const rr = (label, k, kMin) => L.push(`| ${label} | ${times(rw?.[k])}${kMin && rw ? ` (min ${times(rw[kMin])})` : ''} | ${times(rc?.[k])}${kMin && rc ? ` (min ${times(rc[kMin])})` : ''} |`);
  rr('W1 time per epoch (theirs / ours)', 'w1', 'w1Min');
  rr(`W2 images/s, ${w2One} (ours / theirs)`, 'w2One');
  rr(`W2 images/s, ${w2Ten} (ours / theirs)`, 'w2Ten');
  rr('W3 total time (theirs / ours)', 'w3', 'w3Min');
  rr('W4 latency (theirs / ours)', 'w4');
  rr('W1 peak RSS (theirs / ours)', 'memoryW1');
  L.push('');

  const s = R.size;
  L.push('## Download size (gzip -9, each file on its own)', '');
  if (s && !s.error) {
    L.push('| | files | raw | gzip |', '|---|---|---:|---:|');
    L.push(`| nnwasm JS (index.browser.js bundled and minified by rolldown) | ${s.nnwasm.files.length - 1} | ${kB(s.nnwasm.bytes - s.nnwasm.files.at(-1).bytes)} | ${kB(s.nnwasm.jsGzip)} |`);
    L.push(`| nnwasm-simd.wasm | 1 | ${kB(s.nnwasm.files.at(-1).bytes)} | ${kB(s.nnwasm.wasmGzip)} |`);
    L.push(`| **nnwasm total** | ${s.nnwasm.files.length} | ${kB(s.nnwasm.bytes)} | **${kB(s.nnwasm.gzip)}** |`);
    if (s.nnwasmUnbundled) L.push(`| (without a build step: the ${s.nnwasmUnbundled.files} modules as they are, comments stripped, + .wasm) | ${s.nnwasmUnbundled.files + 1} | | ${kB(s.nnwasmUnbundled.totalGzip)} |`);
    const lazy = s.nnwasmOnDemand.bundledChunks ?? [];
    if (lazy.length) L.push(`| (on demand: the format modules, bundled: ${lazy.map((x) => x.file).join(', ')}) | ${lazy.length} | ${kB(lazy.reduce((a, x) => a + x.bytes, 0))} | ${kB(lazy.reduce((a, x) => a + x.gzip, 0))} |`);
    L.push(`| (on demand: WorkerNetwork's worker, unbundled) | ${s.nnwasmOnDemand.files.length} | ${kB(s.nnwasmOnDemand.bytes)} | ${kB(s.nnwasmOnDemand.gzip)} |`);
    for (const x of s.tfjsWasm.files) L.push(`| ${x.file.replace(/^@tensorflow\//, '')} | 1 | ${kB(x.bytes)} | ${kB(x.gzip)} |`);
    L.push(`| **tfjs core + wasm backend total** | ${s.tfjsWasm.files.length} | ${kB(s.tfjsWasm.bytes)} | **${kB(s.tfjsWasm.gzip)}** (${times(s.tfjsWasm.gzip / s.nnwasm.gzip)} nnwasm) |`);
    L.push(`| (tfjs for training: + tf-layers.es2017.min.js for the gradients) | ${s.tfjsWasmTraining.files.length} | ${kB(s.tfjsWasmTraining.bytes)} | ${kB(s.tfjsWasmTraining.gzip)} |`);
  } else L.push(s?.error ? 'failed' : 'not run');
  L.push('');

  // the demo page's latencies: their own targets, and how they were measured
  L.push(demoMarkdown(R.demo));
  // the #13 CNN: its training speed (bench/cnn.mjs), then its known result: the reference and
  // nnwasm's run of it (bench/cnn-known.mjs)
  L.push(cnnSpeedMarkdown(R.cnn));
  L.push(cnnMarkdown(R['cnn-known']));

  L.push('## How it was measured', '');
  L.push(`- Data: MNIST from \`datasets.mnist({ bytes: true })\` and the spiral from \`datasets.spiral({ seed: 1 })\`, loaded once by bench/data.mjs and stored raw in bench/.cache/; every Node child reads those arrays (so no child carries another library's loader or heap). The Chromium page fetches /data/mnist/ and parses it with \`datasets.idx\`.`);
  L.push(`- W1: ${p.w1.layers.join('-')} ReLU, softmax cross-entropy, SGD ${p.w1.lr}, batch ${p.w1.batch}, shuffled each epoch, on the first ${int(p.w1.rows)} training images; He-normal weights, zero biases. Warm-up: one epoch of ${int(p.w1.warmupRows)} rows on a throwaway net. Then ${p.w1.epochs} timed epoch(s) on one net, each reported; the timed region holds shuffling, gathering batches (bytes read as value/255), forward, backward and update. nnwasm: one \`fit\` call, timed at each epoch end (its first epoch also holds fit's copy of the data into the wasm heap). tfjs: the manual loop (tf.variable weights, \`tf.train.sgd(lr).minimize\` of \`tf.losses.softmaxCrossEntropy\`, \`tf.fused.matMul\` with bias and ReLU as tfjs-layers' Dense uses), batches gathered in JS from the same bytes. Test accuracy afterwards on the first ${int(p.testRows)} test images.`);
  if (R['tfjs-cpu'] && !R['tfjs-cpu'].error) L.push(`- tfjs cpu is capped to ${R['tfjs-cpu'].w1.epochs} timed W1 epoch (its W1 is slow); it is compared per epoch, so the ratio is unaffected. Its W3 runs in full.`);
  L.push(`- W2: \`predict\` of the first ${int(p.w2.images)} test images (floats; converting bytes to floats is not timed), as one batch and as ten of ${int(p.w2.small)}, ${p.w2.reps} repetition(s) after one untimed call of each; output copied out (tfjs: softmax of the forward function, \`dataSync\`).`);
  L.push(`- W3: ${p.w3.layers.join('-')} sigmoid, softmax cross-entropy, SGD ${p.w3.lr}, batch ${p.w3.batch}, ${p.w3.epochs} epochs on the 300 spiral points, N(0, ${p.w3.std}²) weights; a fresh net per repetition (${p.w3.reps}), after a ${p.w3.warmupEpochs}-epoch warm-up; final loss and accuracy over the whole spiral.`);
  L.push(`- W4: \`predict\` of one 784-pixel image with the W1 net, ${p.w4.calls} timed calls after ${p.w4.warmup} untimed ones; median. In Chromium (cross-origin isolated, 5 µs clock) calls are timed in groups of ${R.chromium?.w4?.group ?? '20'}.`);
  L.push('- tfjs: tfjs-core with the `wasm` backend (tfjs-backend-wasm-simd.wasm read from node_modules with fs, threads off via WASM_HAS_MULTITHREAD_SUPPORT=false) or the `cpu` backend; @tensorflow/tfjs-layers is imported only because it registers tfjs-core\'s gradient functions, which tfjs-core alone does not.');
  L.push('- Peak memory: `process.resourceUsage().maxRSS` right after W1 (W1 runs first in each process; it includes the runtime, the library and the data).');
  L.push('- Size: node:zlib `gzipSync` level 9 of each file a browser downloads, summed. nnwasm: src/js/index.browser.js as an app production build ships it (bundled and minified by rolldown, the bundler Vite uses; the chunks loaded on demand are listed apart) plus nnwasm-simd.wasm; also the unbundled modules a page without a build step imports. tfjs: tf-core.es2017.min.js + tf-backend-wasm.es2017.min.js (which bundles the shared cpu kernels) + tfjs-backend-wasm-simd.wasm.');
  L.push('- Medians and minimums are over the repetitions listed; with --quick there is one repetition on a subset, so the figures are only a quick look.');
  const failed = Object.entries(R).filter(([, v]) => v?.error);
  if (failed.length) {
    L.push('', '## Failures', '');
    for (const [k, v] of failed) L.push(`- ${k}: \`${v.error.split('\n')[0]}\``);
  }
  // the hand-written profile of the targets not met (bench/ANALYSIS.md), kept with the numbers
  try {
    L.push('', readFileSync(join(benchDir, 'ANALYSIS.md'), 'utf8').trim());
  } catch { /* no analysis written */ }
  L.push('', `Raw figures: bench/results${suffix}.json.`, '');
  return L.join('\n');
}

/* The CNN known result of issue #13: the independent PyTorch reference (scripts/cnn-reference.py,
   its run saved in bench/cnn-reference.json) that nnwasm's CNN must match within its tolerance,
   and beside it nnwasm's run of the recipe on several seeds (k: the cnn-known step's result). */
function cnnMarkdown(k) {
  let ref;
  try {
    ref = JSON.parse(readFileSync(join(benchDir, 'cnn-reference.json'), 'utf8'));
  } catch {
    return '';
  }
  const pct = (v) => `${(v * 100).toFixed(2)}%`;
  const L = ['## CNN known result: nnwasm against the PyTorch reference', ''];
  L.push(`The recipe: ${ref.recipe.layers.join(' → ')}; ${ref.recipe.optimizer.type} ${ref.recipe.optimizer.lr} ` +
    `(eps ${ref.recipe.optimizer.eps}), batch ${ref.recipe.batch_size}, He init, one thread. PyTorch ${ref.machine.torch} ` +
    `from Debian, ${ref.seeds.length} seeds, run ${ref.machine.date.slice(0, 10)} (\`${ref.command}\`).`, '');
  L.push('| epoch | test accuracy, mean | min – max | std |', '|---:|---:|---:|---:|');
  for (const a of ref.summary.test_accuracy) L.push(`| ${a.epoch} | ${pct(a.mean)} | ${pct(a.min)} – ${pct(a.max)} | ${(a.std * 100).toFixed(2)} |`);
  L.push('', `nnwasm's run of the same recipe must reach the reference after 1 and after 3 epochs within ` +
    `${(ref.reference.tolerance * 100).toFixed(1)} points (the means over the seeds). This recipe reaches less than the ` +
    'issue first guessed (about 98.5% and 99%); a wider net, 32 and 64 filters, comes close (98.4% and 99.1% in one run).', '');
  if (!k) {
    L.push('nnwasm: not run (bench/cnn-known.mjs).', '');
    return L.join('\n');
  }
  if (k.error) {
    L.push(`nnwasm: failed: \`${k.error.split('\n')[0]}\``, '');
    return L.join('\n');
  }
  const n = k.runs.length;
  const load = k.loadavg ? `; 1-min load average ${k.loadavg.start[0].toFixed(2)} at its start, ${k.loadavg.end[0].toFixed(2)} at its end` : '';
  L.push(`### nnwasm: ${n} seeds (1–${n}), ${k.epochs} epochs each`, '');
  L.push(`The same recipe trained by nnwasm-simd's code (the timing tool \`src/tools/cnn_epoch.c\` in its WebAssembly SIMD ` +
    `build, \`--epochs ${k.epochs} --seed S\`, one Node ${k.runtime?.replace(/^node /, '') ?? '?'} process per seed, single thread) on ` +
    `${Math.round(k.images).toLocaleString('en-US')} training images${k.quick ? ' (--quick: the first ones only; not compared)' : ''}; ` +
    `test accuracy on the 10,000 test images after each epoch. A seed sets the initial weights and the shuffles; nnwasm's ` +
    `random streams are not PyTorch's, so only the means are compared. ${k.cpu ?? '?'}, ${k.cores} cores${load}` +
    (k.standalone ? `. Measured on ${k.date} by \`node bench/cnn-known.mjs\`, apart from the run above` : '') + '.', '');
  const cmp = k.comparison ?? [];
  L.push('| epoch | nnwasm mean | nnwasm min – max | nnwasm std | reference mean | difference | within ' +
    `${(ref.reference.tolerance * 100).toFixed(1)} points |`, '|---:|---:|---:|---:|---:|---:|---|');
  for (const m of k.mean) {
    const r = ref.summary.test_accuracy.find((a) => a.epoch === m.epoch);
    const c = cmp.find((x) => x.epoch === m.epoch);
    const diff = r ? `${((m.testAccuracy - r.mean) * 100).toFixed(2)} points` : '—';
    L.push(`| ${m.epoch} | ${c ? '**' : ''}${pct(m.testAccuracy)}${c ? '**' : ''} | ${pct(m.min)} – ${pct(m.max)} | ` +
      `${(m.std * 100).toFixed(2)} | ${r ? pct(r.mean) : '—'} | ${diff} | ${c ? (c.met ? 'met' : '**not met**') : k.quick ? 'n/a (--quick)' : '—'} |`);
  }
  L.push('', '| seed | ' + k.mean.map((m) => `epoch ${m.epoch}`).join(' | ') + ' | seconds training (all epochs) | CRC-32 of the parameters |',
    '|---:|' + k.mean.map(() => '---:|').join('') + '---:|---|');
  for (const r of k.runs) L.push(`| ${r.seed} | ${r.epochs.map((e) => pct(e.testAccuracy)).join(' | ')} | ${r.seconds.toFixed(1)} | 0x${r.paramsCrc} |`);
  L.push('');
  return L.join('\n');
}

/* ---- main ---------------------------------------------------------------------------------- */

if (flag('--render')) { // rewrite RESULTS*.md from results*.json, running nothing
  const saved = JSON.parse(readFileSync(join(benchDir, `results${suffix}.json`), 'utf8'));
  const md = markdown(saved);
  writeFileSync(join(benchDir, `RESULTS${suffix}.md`), md);
  console.log(md);
  process.exit(0);
}

const started = new Date();
const load0 = loadavg();
const results = {};
for (const step of STEPS) {
  if (only && step.name !== 'data' && !only.includes(step.name)) continue;
  results[step.name] = await runChild(step);
  if (step.name === 'data' && results.data.error) break;
}
const { plan } = await import('./workloads.mjs');
const run = {
  command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
  date: started.toISOString(),
  quick,
  machine: machine(results),
  loadavg: { start: load0, end: loadavg() },
  plan: plan({ quick }),
  results,
};
run.ratios = {
  tfjsWasm: ratios(results.nnwasm, results['tfjs-wasm']),
  tfjsCpu: ratios(results.nnwasm, results['tfjs-cpu']),
  chromiumVsTfjsWasm: ratios(results.chromium, results['tfjs-wasm']),
};
run.targets = targets(run);
const md = markdown(run);
writeFileSync(join(benchDir, `results${suffix}.json`), JSON.stringify(run, null, 2) + '\n');
writeFileSync(join(benchDir, `RESULTS${suffix}.md`), md);
console.log('\n' + md);
console.error(`bench: wrote bench/results${suffix}.json and bench/RESULTS${suffix}.md`);
if (Object.values(results).some((r) => r?.error)) process.exitCode = 1;
