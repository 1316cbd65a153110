// The demo server: MIME types, the mounts, and no way out of them however '..' is spelled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
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
function get(path, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'],
        body: Buffer.concat(chunks) }));
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
