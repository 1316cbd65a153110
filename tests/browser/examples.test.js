// The browser examples in headless Chromium, each served as a user would serve it:
// - examples/page: a plain module page, from a static server of the repository root;
// - examples/vite: built by `vite build` into a temporary folder and served from there, so the
//   bundled .wasm, worker and model files must all be found; it reports the gzip -9 size of what
//   the page downloads;
// - the page of docs/GUIDE-python.md, with the spiral.npz its numpy script writes.
// Digits are real MNIST test images (one of each class), handed to the page as canvas pixels
// and drawn with the mouse.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, drawStrokes, newPage, oneOfEachDigit, skeletonStrokes } from './helpers.js';
import { numpyPython } from '../js/numpy.js';

const rootDir = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/* ---- a static server of one folder ------------------------------------------------------------ */

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm',
};

/** Serve the files under dir (GET only; '..' cannot leave it) on a free port. */
async function serve(folder) {
  const dir = resolve(folder); // no trailing separator
  const server = createServer(async (req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      path = '\0';
    }
    if (path === '/favicon.ico') return res.writeHead(204).end(); // no icon, and no 404 to report
    if (path.endsWith('/')) path += 'index.html';
    const file = resolve(dir, `.${path}`);
    const info = file.startsWith(dir + sep) && !path.includes('\0') ? await stat(file).catch(() => null) : null;
    if (req.method !== 'GET' || !info?.isFile()) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'content-length': info.size });
    createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); }),
  };
}

/* ---- the digit pages (examples/page and examples/vite share their markup) --------------------- */

/** Paint 28×28 bytes (white on black) onto #pad at its scale, end a stroke, await #digit. */
async function paintDigit(page, pixels) {
  await page.click('#clear');
  await page.evaluate((px) => {
    const pad = document.querySelector('#pad');
    const scale = pad.width / 28;
    const image = new ImageData(pad.width, pad.height);
    for (let i = 0; i < pad.width * pad.height; i++) {
      const v = px[Math.floor(i / pad.width / scale) * 28 + Math.floor((i % pad.width) / scale)];
      image.data.set([v, v, v, 255], 4 * i);
    }
    pad.getContext('2d').putImageData(image, 0, 0);
    pad.dispatchEvent(new PointerEvent('pointerup'));
  }, Array.from(pixels));
  return readDigit(page);
}

/** Draw the digit's centre lines with the mouse on #pad, then await #digit. */
async function drawDigit(page, pixels) {
  await page.click('#clear');
  await drawStrokes(page, '#pad', skeletonStrokes(pixels));
  return readDigit(page);
}

/** the class #digit shows once the page has classified (the Vite app asks its worker) */
async function readDigit(page) {
  await page.waitForFunction(() => /^\d$/.test(document.querySelector('#digit').textContent), null, { timeout: 10_000 });
  return page.textContent('#digit');
}

/** Every one of ten MNIST digits, painted then drawn: at least 9 of each read right. */
async function recognisesDigits(t, page) {
  for (const how of ['painted', 'drawn with the mouse']) {
    const results = [];
    for (const d of await oneOfEachDigit()) {
      const got = how === 'painted' ? await paintDigit(page, d.pixels) : await drawDigit(page, d.pixels);
      results.push(`${d.digit}→${got}${got === String(d.digit) ? '' : ' (wrong)'}`);
    }
    const right = results.filter((r) => !r.includes('wrong')).length;
    t.diagnostic(`${how}: ${right}/10 right: ${results.join(', ')}`);
    assert.ok(right >= 9, `${how}: only ${right} of 10 MNIST digits recognised`);
  }
}

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});
after(async () => { await browser?.close(); });

/* ---- the tests ------------------------------------------------------------------------------------ */

test('examples/page: a module page without a build step reads MNIST digits', async (t) => {
  const server = await serve(rootDir);
  const context = await browser.newContext();
  try {
    const { page, errors } = await newPage(context);
    await page.goto(`${server.url}examples/page/`);
    await page.waitForFunction(() => document.querySelector('#status').textContent === 'ready');
    await recognisesDigits(t, page);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await server.close();
  }
});

test('examples/vite: the vite build finds its .wasm, worker and model, and reads MNIST digits', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'nnwasm-vite-'));
  let server = null;
  const context = await browser.newContext();
  try {
    // as `npx vite build` in examples/vite would, into a folder outside the repository; the
    // native config loader imports vite.config.js as it is (no bundled temporary copy)
    await run(process.execPath, [join(rootDir, 'node_modules/vite/bin/vite.js'), 'build',
      '--configLoader', 'native', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: join(rootDir, 'examples/vite') });
    const assets = await readdir(join(out, 'assets'));
    assert.ok(assets.some((f) => /^nnwasm-simd-.*\.wasm$/.test(f)), `the SIMD .wasm is in the build: ${assets}`);
    assert.ok(assets.some((f) => /^worker\.browser-.*\.js$/.test(f)), `the worker is in the build: ${assets}`);
    for (const f of assets.filter((a) => a.endsWith('.js'))) {
      // the browser entry was bundled, not the Node one
      assert.doesNotMatch(await readFile(join(out, 'assets', f), 'utf8'), /["']node:/, `${f} imports nothing from Node`);
    }

    server = await serve(out);
    const { page, errors } = await newPage(context);
    const fetched = new Map(); // path → bytes, of the .js and .wasm the page loaded
    page.on('response', async (res) => {
      const path = new URL(res.url()).pathname;
      if (res.ok() && /\.(js|wasm)$/.test(path)) fetched.set(path, await res.body().catch(() => null));
    });
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector('#status').textContent === 'ready');
    await recognisesDigits(t, page);
    assert.deepEqual(errors, []);

    const loaded = [...fetched.keys()].map((p) => p.replace(/^\/assets\//, ''));
    assert.ok(loaded.some((f) => /^nnwasm-simd-.*\.wasm$/.test(f)), `the page fetched the SIMD .wasm: ${loaded}`);
    assert.ok(loaded.some((f) => /^worker\.browser-.*\.js$/.test(f)), `the page started the bundled worker: ${loaded}`);
    // vite.config.js's worker format 'es' keeps the import/export modules out of the download
    assert.ok(!loaded.some((f) => /^(npz|tfjs|onnx|protobuf)\b/.test(f)), `no format reader fetched: ${loaded}`);
    assert.ok(assets.some((f) => /^npz-.*\.js$/.test(f)), `the .npz reader is a chunk of its own: ${assets}`);

    // sizes, for the download-size target: what this page fetched, and all JS + .wasm built
    const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
    const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
    let total = 0;
    for (const [path, body] of fetched) {
      if (!body) continue;
      total += gz(body);
      t.diagnostic(`  fetched ${path.replace(/^\/assets\//, '')}: ${kb(body.length)}, gzip -9 ${kb(gz(body))}`);
    }
    t.diagnostic(`the page downloaded JS + .wasm of ${kb(total)} gzip -9 (the model file aside)`);
    let built = 0;
    for (const f of assets.filter((a) => /\.(js|wasm)$/.test(a))) built += gz(await readFile(join(out, 'assets', f)));
    t.diagnostic(`all JS and .wasm in the build (both .wasm variants): ${kb(built)} gzip -9`);
  } finally {
    await context.close();
    await server?.close();
    await rm(out, { recursive: true, force: true });
  }
});


const py = await numpyPython();

test('docs/GUIDE-python.md: its page shows what its numpy script printed', {
  skip: !py && 'python3 with numpy is not available (Debian: apt-get install python3-numpy)',
}, async () => {
  const guide = await readFile(join(rootDir, 'docs/GUIDE-python.md'), 'utf8');
  const block = (lang) => new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'm').exec(guide)[1];
  const dir = await mkdtemp(join(tmpdir(), 'nnwasm-guide-page-'));
  let server = null;
  const context = await browser.newContext();
  try {
    // the folder the guide describes: the script's spiral.npz, the page, node_modules/nnwasm
    await writeFile(join(dir, 'train_spiral.py'), block('python'));
    const { stdout } = await run(py.python, ['train_spiral.py'], { cwd: dir, env: py.env });
    await writeFile(join(dir, 'index.html'), block('html'));
    await mkdir(join(dir, 'node_modules'));
    await symlink(rootDir, join(dir, 'node_modules', 'nnwasm'), 'dir');

    server = await serve(dir);
    const { page, errors } = await newPage(context);
    await page.goto(server.url);
    await page.waitForFunction(() => !/loading/.test(document.querySelector('#out').textContent));
    const shown = (await page.textContent('#out')).trim().split('\n');
    const printed = stdout.trim().split('\n').filter((l) => l.startsWith('point '));
    assert.equal(printed.length, 3, stdout);
    assert.equal(shown.length, 3, shown.join('\n'));
    // the same lines, up to a last-digit rounding of float32 against float64
    shown.forEach((line, i) => {
      const [a, b] = [line, printed[i]].map((l) => l.split(': '));
      assert.equal(a[0], b[0]);
      const [pa, pb] = [a[1], b[1]].map((s) => s.split(' ').map(Number));
      pa.forEach((v, k) => assert.ok(Math.abs(v - pb[k]) <= 1.01e-4, `page: ${line}\nnumpy: ${printed[i]}`));
    });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  }
});
