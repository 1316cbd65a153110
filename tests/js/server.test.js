// The demo server: MIME types, the mounts, no way out of them however '..' is spelled, and
// caching: an ETag on every file, 304 for a matching If-None-Match, revalidation for the app's
// files and a long max-age for the installed MNIST files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoServer, resolvePath } from '../../scripts/serve.mjs';

let server;
let port;

before(async () => {
  server = createDemoServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
});

after(() => new Promise((resolve) => server.close(resolve)));

/* a raw request: the path is sent exactly as given (no URL normalisation on our side) */
function get(path, method = 'GET', headers = {}, to = port) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: to, path, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'],
        headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('serves the page, the package files, the wasm and the MNIST files with their MIME types', async () => {
  const page = await get('/');
  assert.equal(page.status, 200);
  assert.match(page.type, /^text\/html/);
  assert.deepEqual(page.body, await readFile(new URL('../../web/index.html', import.meta.url)));
  assert.match((await get('/src/js/index.browser.js')).type, /^text\/javascript/);
  assert.match((await get('/app.js')).type, /^text\/javascript/);
  assert.match((await get('/styles.css')).type, /^text\/css/);
  const wasm = await get('/build/wasm/nnwasm-simd.wasm');
  assert.equal(wasm.status, 200);
  assert.equal(wasm.type, 'application/wasm');
  assert.ok(WebAssembly.validate(wasm.body));
  const labels = await get('/data/mnist/t10k-labels-idx1-ubyte');
  assert.equal(labels.status, 200);
  assert.equal(labels.body.readUInt32BE(0), 2049);
  assert.equal((await get('/models/mnist.nnw')).type, 'application/octet-stream');
  const head = await get('/', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal((await get('/', 'POST')).status, 405);
  assert.equal((await get('/nothing-here.js')).status, 404);
  assert.equal((await get('/src/js/')).status, 404, 'no directory listings');
});

test('no path escapes its folder, encoded or not', async () => {
  const attempts = [
    '/../package.json', '/..%2fpackage.json', '/%2e%2e/package.json', '/%2E%2E%2Fpackage.json',
    '/src/js/../../package.json', '/src/js/..%2f..%2fpackage.json', '/src/js/%2e%2e/%2e%2e/package.json',
    '/build/wasm/..%2f..%2fpackage.json', '/data/mnist/..%2f..%2f..%2f..%2fpackage.json',
    '/..%5c..%5cpackage.json', '/%252e%252e/package.json', '/web/%00.html', '/%c0%ae%c0%ae/package.json',
    '/src/js/%2e%2e%2f%2e%2e%2f.git/config', '/%',
  ];
  for (const path of attempts) {
    const r = await get(path);
    assert.ok(r.status === 404 || r.status === 400, `${path} gave ${r.status}`);
    assert.doesNotMatch(r.body.toString(), /"name": "nnwasm"|\[core\]/, `${path} leaked a file`);
  }
  // the resolver itself, below the HTTP layer's own normalisation
  for (const path of ['/src/js/../../package.json', '/../package.json', '/data/mnist/../../x',
    '/src/js/..\\..\\package.json', '/a\0b', '/%zz']) {
    assert.equal(resolvePath(path), null, path);
  }
});

test('every file has an ETag; the app revalidates, the MNIST files are kept for a long time', async () => {
  const tag = /^"[0-9a-f]+-[0-9a-f]+"$/;
  for (const path of ['/', '/app.js', '/src/js/index.browser.js', '/build/wasm/nnwasm-simd.wasm']) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.etag, tag, path);
    assert.equal(r.headers['cache-control'], 'no-cache', `${path}: edits show at once`);
  }
  const mnist = await get('/data/mnist/t10k-labels-idx1-ubyte');
  assert.match(mnist.headers.etag, tag);
  const maxAge = Number(/(?:^|,\s*)max-age=(\d+)/.exec(mnist.headers['cache-control'])?.[1]);
  assert.ok(maxAge >= 30 * 24 * 3600, `MNIST is kept for at least 30 days: ${mnist.headers['cache-control']}`);
  assert.doesNotMatch(mnist.headers['cache-control'], /no-cache|no-store/);
  const head = await get('/data/mnist/t10k-labels-idx1-ubyte', 'HEAD');
  assert.equal(head.headers.etag, mnist.headers.etag, 'HEAD gives the tag GET gives');
  assert.equal(Number(head.headers['content-length']), mnist.body.length);
});

test('a matching If-None-Match gets 304 with no body, for GET and HEAD; another tag the file', async () => {
  for (const path of ['/', '/data/mnist/t10k-labels-idx1-ubyte']) {
    const first = await get(path);
    const { etag } = first.headers;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      for (const method of ['GET', 'HEAD']) {
        const r = await get(path, method, { 'if-none-match': ifNoneMatch });
        assert.equal(r.status, 304, `${method} ${path} with If-None-Match ${ifNoneMatch}`);
        assert.equal(r.body.length, 0);
        assert.equal(r.headers.etag, etag);
        assert.equal(r.headers['cache-control'], first.headers['cache-control']);
      }
    }
    const other = await get(path, 'GET', { 'if-none-match': '"0-0", W/"1-2"' });
    assert.equal(other.status, 200);
    assert.deepEqual(other.body, first.body);
  }
  assert.equal((await get('/nothing-here.js', 'GET', { 'if-none-match': '*' })).status, 404);
});

test('a changed file gets a new ETag: the old one gets 200 and the new contents', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nnwasm-serve-'));
  const local = createDemoServer({ mounts: [['/', dir, 'no-cache']] });
  await new Promise((resolve) => local.listen(0, '127.0.0.1', resolve));
  const at = local.address().port;
  try {
    const file = join(dir, 'model.nnw');
    await writeFile(file, 'first');
    await utimes(file, 1_700_000_000, 1_700_000_000);
    const one = await get('/model.nnw', 'GET', {}, at);
    assert.equal(one.body.toString(), 'first');
    assert.equal((await get('/model.nnw', 'GET', { 'if-none-match': one.headers.etag }, at)).status, 304);

    // same size, later modification time
    await writeFile(file, 'again');
    await utimes(file, 1_700_000_100, 1_700_000_100);
    const two = await get('/model.nnw', 'GET', { 'if-none-match': one.headers.etag }, at);
    assert.equal(two.status, 200);
    assert.equal(two.body.toString(), 'again');
    assert.notEqual(two.headers.etag, one.headers.etag);

    // another size, the same modification time
    await writeFile(file, 'longer contents');
    await utimes(file, 1_700_000_100, 1_700_000_100);
    const three = await get('/model.nnw', 'HEAD', { 'if-none-match': two.headers.etag }, at);
    assert.equal(three.status, 200);
    assert.equal(Number(three.headers['content-length']), 15);
    assert.notEqual(three.headers.etag, two.headers.etag);
    assert.equal((await get('/model.nnw', 'GET', { 'if-none-match': three.headers.etag }, at)).status, 304);
  } finally {
    await new Promise((resolve) => local.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
});
