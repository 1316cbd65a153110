/**
 * The bench page's server: the demo server (scripts/serve.mjs: /src/js/, /build/wasm/,
 * /data/mnist/, web/) plus the few bench files the page needs under /bench/. Every response
 * is cross-origin isolated (COOP/COEP), which gives the page a finer performance.now().
 *   node bench/server.mjs      (PORT=0 picks a free port) — to open the page by hand
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDemoServer } from '../scripts/serve.mjs';
import { benchDir } from './common.mjs';

/** URL → file in bench/, the only ones served from it */
const FILES = {
  '/bench/page.html': ['page.html', 'text/html; charset=utf-8'],
  '/bench/page.mjs': ['page.mjs', 'text/javascript; charset=utf-8'],
  '/bench/workloads.mjs': ['workloads.mjs', 'text/javascript; charset=utf-8'],
};

export function createBenchServer() {
  const demo = createDemoServer().listeners('request')[0];
  return createServer(async (req, res) => {
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    res.setHeader('cross-origin-embedder-policy', 'require-corp');
    const path = new URL(req.url, 'http://localhost').pathname;
    if (!path.startsWith('/bench/')) return demo(req, res);
    const file = FILES[path];
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      return res.end('not found\n');
    }
    const body = await readFile(join(benchDir, file[0]));
    res.writeHead(200, { 'content-type': file[1], 'content-length': body.length, 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

/** listen on 127.0.0.1 and a free port (or `port`) @returns {Promise<{url: string, close(): Promise<void>}>} */
export async function startBenchServer(port = 0) {
  const server = createBenchServer();
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((ok) => {
      server.closeAllConnections?.();
      server.close(() => ok());
    }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await startBenchServer(Number(process.env.PORT ?? 8081));
  console.log(`nnwasm bench page: ${url}bench/page.html  (?quick for the short run; Ctrl-C stops it)`);
}
