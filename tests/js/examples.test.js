// The Node example (examples/node) and the Python guide (docs/GUIDE-python.md) run as written
// and do what they say. The example imports 'nnwasm' by name, which Node resolves to this
// checkout by self-reference (the package's own name, from a file inside it). The guide's
// numpy script runs when python3 with numpy is present, and numpy's own forward pass over the
// .npz it writes is the expectation nnwasm's predictions are compared with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Network, datasets } from '../../src/js/index.node.js';
import { numpyPython } from './numpy.js';

const root = new URL('../../', import.meta.url);
const rootDir = fileURLToPath(root);
const run = promisify(execFile);

/** a fresh temporary folder for fn, removed afterwards */
async function inTemp(prefix, fn) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/* ---- examples/node --------------------------------------------------------------------------- */

/** the arm of the spiral (r = i/n, θ = 4j + 4r) whose angle at radius r is closest to the point's */
function nearestArm(px, py, classes = 3) {
  const r = Math.hypot(px, py);
  const theta = Math.atan2(px, py); // x = r·sin θ, y = r·cos θ
  let best = -1;
  let bestGap = Infinity;
  for (let j = 0; j < classes; j++) {
    const d = Math.abs((((theta - (4 * j + 4 * r)) % (2 * Math.PI)) + 3 * Math.PI) % (2 * Math.PI) - Math.PI);
    if (d < bestGap) { best = j; bestGap = d; }
  }
  return best;
}

test('examples/node resolves nnwasm by self-reference: no package.json between it and the root', () => {
  for (const dir of ['examples/node/', 'examples/']) {
    assert.ok(!existsSync(new URL(`${dir}package.json`, root)), `${dir}package.json would hide the root package`);
  }
});

test('examples/node/train-spiral.mjs trains, saves, reloads and predicts as it prints', async () => {
  await inTemp('nnwasm-example-', async (dir) => {
    const model = join(dir, 'spiral.nnw');
    const script = fileURLToPath(new URL('examples/node/train-spiral.mjs', root));
    const { stdout } = await run(process.execPath, [script, model], { cwd: dir });
    const lines = stdout.trim().split('\n');

    // progress every 50 epochs, the loss falling
    const epochs = lines.map((l) => /^epoch (\d+) {2}loss ([\d.]+) {2}accuracy ([\d.]+)$/.exec(l)).filter(Boolean);
    assert.deepEqual(epochs.map((m) => Number(m[1])), [50, 100, 150, 200, 250, 300], stdout);
    assert.ok(Number(epochs.at(-1)[2]) < Number(epochs[0][2]) / 3, 'the loss falls');

    // the trained net: the seeds' result (loss about 0.11)
    const trained = /^trained: loss ([\d.]+) accuracy ([\d.]+)$/m.exec(stdout);
    assert.ok(trained, stdout);
    assert.ok(Number(trained[1]) < 0.2 && Number(trained[2]) >= 0.95, trained[0]);

    // the file it saved is that net: evaluating it here gives the numbers it printed
    assert.match(stdout, new RegExp(`^saved ${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    const net = await Network.load(await readFile(model));
    const { x, y } = await datasets.spiral({ pointsPerClass: 100, classes: 3, seed: 1 });
    const { loss, accuracy } = net.evaluate(x, y);
    assert.equal(loss.toFixed(4), trained[1]);
    assert.equal(accuracy.toFixed(4), trained[2]);

    // each point is put on the arm that passes closest to it, with the loaded net's probabilities
    const points = lines.map((l) => /^point \((\S+), (\S+)\): arm (\d) \(probabilities (.*)\)$/.exec(l)).filter(Boolean);
    assert.equal(points.length, 3, stdout);
    for (const [line, px, py, arm, probs] of points) {
      assert.equal(Number(arm), nearestArm(Number(px), Number(py)), line);
      const p = net.predict(new Float32Array([Number(px), Number(py)]));
      assert.equal(probs, Array.from(p, (v) => v.toFixed(3)).join(' '), line);
    }
    net.dispose();
  });
});

/* ---- docs/GUIDE-python.md ------------------------------------------------------------------------ */

const guide = await readFile(new URL('docs/GUIDE-python.md', root), 'utf8');
/** the fenced blocks of a language in the guide, in order */
const blocks = (lang) => [...guide.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm'))].map((m) => m[1]);


const py = await numpyPython();
const NO_NUMPY = 'python3 with numpy is not available (Debian: apt-get install python3-numpy)';

/** numpy's forward pass of a 2-layer sigmoid/softmax net in spiral.npz over a grid, as JSON */
const NUMPY_FORWARD = `
import json, sys
import numpy as np
p = np.load(sys.argv[1])
g = np.linspace(-1, 1, 21)
x = np.array([[a, b] for a in g for b in g])
h = 1 / (1 + np.exp(-(x @ p['W1'] + p['b1'])))
s = h @ p['W2'] + p['b2']
e = np.exp(s - s.max(axis=1, keepdims=True))
print(json.dumps({'x': x.ravel().tolist(), 'p': (e / e.sum(axis=1, keepdims=True)).ravel().tolist()}))
`;

/** run the guide's numpy script in dir: its output, and spiral.npz in dir */
async function trainInPython(dir) {
  const script = blocks('python')[0];
  assert.match(script, /np\.savez\('spiral\.npz'/, 'the first python block trains and saves spiral.npz');
  await writeFile(join(dir, 'train_spiral.py'), script);
  const { stdout } = await run(py.python, ['train_spiral.py'], { cwd: dir, env: py.env });
  return stdout;
}

test('the guide\'s numpy script trains the spiral; Network.fromNpz predicts what numpy does', { skip: !py && NO_NUMPY }, async () => {
  await inTemp('nnwasm-guide-', async (dir) => {
    const stdout = await trainInPython(dir);
    const losses = [...stdout.matchAll(/^epoch \d+: loss ([\d.]+)$/gm)].map((m) => Number(m[1]));
    assert.equal(losses.length, 6, stdout);
    assert.ok(losses.at(-1) < 0.2, `final loss ${losses.at(-1)}`);
    assert.ok(Number(/^accuracy ([\d.]+)$/m.exec(stdout)[1]) >= 0.9, stdout);

    // the call the guide's page makes
    const bytes = await readFile(join(dir, 'spiral.npz'));
    const net = await Network.fromNpz(bytes, { activation: 'sigmoid', output: 'softmax' });
    assert.deepEqual(net.spec.layers, [2, 10, 3]);

    // the three points the script printed, to its four decimals
    const points = [...stdout.matchAll(/^point \((\S+), (\S+)\): (\S+) (\S+) (\S+)$/gm)];
    assert.equal(points.length, 3, stdout);
    for (const [line, px, py_, ...probs] of points) {
      const p = net.predict(new Float32Array([Number(px), Number(py_)]));
      probs.forEach((v, k) => assert.ok(Math.abs(p[k] - Number(v)) <= 0.5e-4 + 1e-6, `${line}: nnwasm ${p[k]}`));
    }

    // numpy's forward pass over a grid, in float64, against nnwasm's in float32
    const { stdout: json } = await run(py.python, ['-c', NUMPY_FORWARD, join(dir, 'spiral.npz')], { env: py.env });
    const ref = JSON.parse(json);
    const got = net.predict(Float32Array.from(ref.x));
    const worst = ref.p.reduce((w, v, i) => Math.max(w, Math.abs(v - got[i])), 0);
    assert.ok(worst < 1e-5, `worst difference from numpy ${worst}`);
    net.dispose();
  });
});

test('the guide\'s `npx nnwasm convert` makes a model file that predicts as fromNpz does', { skip: !py && NO_NUMPY }, async (t) => {
  if (!existsSync(new URL('src/js/cli.js', root))) {
    t.skip('src/js/cli.js is not there yet');
    return;
  }
  const command = blocks('sh').map((b) => b.trim()).find((b) => b.startsWith('npx nnwasm convert'));
  assert.ok(command, 'the guide has a ```sh block with npx nnwasm convert');
  await inTemp('nnwasm-guide-', async (dir) => {
    await trainInPython(dir);
    // npx nnwasm runs the package's bin, src/js/cli.js
    const args = command.split(/\s+/).slice(2);
    await run(process.execPath, [join(rootDir, 'src/js/cli.js'), ...args], { cwd: dir });
    const fromFile = await Network.load(await readFile(join(dir, args[2])));
    const fromNpz = await Network.fromNpz(await readFile(join(dir, args[1])), { activation: 'sigmoid', output: 'softmax' });
    assert.equal(fromFile.spec.activation, 'sigmoid');
    assert.equal(fromFile.spec.output, 'softmax');
    const { x } = await datasets.spiral();
    assert.deepEqual(fromFile.predict(x), fromNpz.predict(x));
    fromFile.dispose();
    fromNpz.dispose();
  });
});

test('the guide\'s way back: numpy loads what net.toNpz() wrote, float32 in the seeds\' shapes', { skip: !py && NO_NUMPY }, async () => {
  const js = blocks('js').filter((b) => !b.startsWith('// browser'));
  assert.equal(js.length, 1, 'one Node example in the guide');
  const load = blocks('python')[1];
  assert.match(load, /np\.load\('trained\.npz'\)/);
  await inTemp('nnwasm-guide-', async (dir) => {
    await mkdir(join(dir, 'node_modules'));
    await symlink(rootDir, join(dir, 'node_modules', 'nnwasm'), 'dir');
    await writeFile(join(dir, 'back.mjs'), js[0]);
    await run(process.execPath, ['back.mjs'], { cwd: dir });
    // the guide's lines, then what they read
    const check = `${load}\nprint(' '.join(f'{a.dtype} {a.shape}' for a in (W1, b1, W2, b2)))\n`;
    const { stdout } = await run(py.python, ['-c', check], { cwd: dir, env: py.env });
    assert.equal(stdout.trim(), 'float32 (2, 10) float32 (10,) float32 (10, 3) float32 (3,)');
  });
});
