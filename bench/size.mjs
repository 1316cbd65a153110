/**
 * What a browser downloads, gzip -9 (node:zlib, level 9, each file compressed on its own as a
 * server would send it): nnwasm's JS as an app's production build ships it — the browser
 * entry bundled and minified by rolldown (the bundler inside Vite), without the chunks it
 * loads on demand — plus nnwasm-simd.wasm, against tfjs-core and the wasm backend's minified
 * ES2017 bundles plus tfjs-backend-wasm-simd.wasm. Also the unbundled sources a page without
 * a build step imports (comments stripped). One JSON line out.
 *   node bench/size.mjs
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { child, root } from './common.mjs';

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

/** the source without comments; strings, templates and regular expressions are kept */
export function stripComments(src) {
  let out = '';
  let i = 0;
  let last = ''; // last significant character of code, to tell a regex from a division
  while (i < src.length) {
    const c = src[i];
    const d = src[i + 1];
    if (c === '/' && d === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && d === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
      out += ' ';
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
      last = c;
    } else if (c === '/' && (last === '' || '(,=:[!&|?{};+-*%<>~^'.includes(last))) {
      let j = i + 1;
      let cls = false;
      while (j < src.length && (cls || src[j] !== '/') && src[j] !== '\n') {
        if (src[j] === '\\') j++;
        else if (src[j] === '[') cls = true;
        else if (src[j] === ']') cls = false;
        j++;
      }
      out += src.slice(i, j + 1);
      i = j + 1;
      last = '/';
    } else {
      out += c;
      if (!/\s/.test(c)) last = c;
      i++;
    }
  }
  return out;
}

/** static imports and re-exports, and the files it starts as workers (loaded on demand; the
 *  dynamic imports, also on demand, are measured from the bundle) */
export function specifiers(src) {
  const code = stripComments(src);
  const imports = new Set();
  const patterns = [
    /\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?['"]([^'"]+)['"]/g,
    /\bexport\s*(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})\s*from\s*['"]([^'"]+)['"]/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) imports.add(m[1]);
  const workers = new Set();
  for (const m of code.matchAll(/new\s+URL\(\s*['"]([^'"]+\.m?js)['"]\s*,\s*import\.meta\.url\s*\)/g)) workers.add(m[1]);
  return { imports: [...imports], workers: [...workers] };
}

/** every file reachable from `entry` by static imports; `workers`: scripts it starts with
 *  new URL(...) */
export function closure(entry) {
  const files = [];
  const workers = new Set();
  const seen = new Set();
  const queue = [resolve(entry)];
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    files.push(file);
    const s = specifiers(readFileSync(file, 'utf8'));
    for (const spec of s.imports) {
      if (!spec.startsWith('.') && !spec.startsWith('/')) throw new Error(`${file} imports the bare specifier ${spec}`);
      queue.push(resolve(dirname(file), spec));
    }
    for (const spec of s.workers) workers.add(resolve(dirname(file), spec));
  }
  return { files, workers: [...workers].filter((w) => !seen.has(w)) };
}

/** per-file raw and gzip -9 sizes, and their sums */
function measure(files, base) {
  const list = files.map((f) => {
    const buf = readFileSync(f);
    return { file: relative(base, f), bytes: buf.length, gzip: gz(buf) };
  });
  const sum = (k) => list.reduce((a, x) => a + x[k], 0);
  return { files: list, bytes: sum('bytes'), gzip: sum('gzip') };
}

/** the browser entry bundled and minified: the chunks a page loads at once (the entry and
 *  what it imports statically), and those it loads on demand (dynamic imports) */
async function bundle(entry) {
  const { build } = await import('rolldown');
  const r = await build({ input: entry, write: false, logLevel: 'silent',
    output: { format: 'esm', minify: true } });
  const chunks = new Map(r.output.filter((o) => o.type === 'chunk').map((o) => [o.fileName, o]));
  const eager = new Set();
  const visit = (name) => {
    if (eager.has(name)) return;
    eager.add(name);
    for (const dep of chunks.get(name).imports) visit(dep);
  };
  for (const o of chunks.values()) if (o.isEntry) visit(o.fileName);
  const sized = (o) => ({ file: o.fileName, bytes: Buffer.byteLength(o.code), gzip: gz(o.code) });
  const all = [...chunks.values()];
  return { entry: all.filter((o) => eager.has(o.fileName)).map(sized),
    lazy: all.filter((o) => !eager.has(o.fileName)).map(sized) };
}

child(async () => {
  const wasmFile = join(root, 'build/wasm/nnwasm-simd.wasm');
  const wasm = measure([wasmFile], root).files[0];
  const js = closure(join(root, 'src/js/index.browser.js'));
  const built = await bundle(join(root, 'src/js/index.browser.js'));
  const files = [...built.entry.map((x) => ({ ...x, file: `bundle: ${x.file}` })), wasm];
  const sum = (list, k) => list.reduce((a, x) => a + x[k], 0);
  const ours = { files, bytes: sum(files, 'bytes'), gzip: sum(files, 'gzip'),
    jsGzip: sum(built.entry, 'gzip'), wasmGzip: wasm.gzip };
  // a page without a build step imports the modules one by one (measured without comments)
  const sources = js.files.map((f) => ({ file: relative(root, f), code: stripComments(readFileSync(f, 'utf8')) }));
  const unbundled = { files: sources.length, gzip: sources.reduce((a, x) => a + gz(x.code), 0) };
  unbundled.totalGzip = unbundled.gzip + wasm.gzip;
  // on demand: WorkerNetwork's worker (the format modules are the bundle's lazy chunks)
  const workerExtra = [];
  for (const w of js.workers) for (const f of closure(w).files) if (!js.files.includes(f) && !workerExtra.includes(f)) workerExtra.push(f);
  const onDemand = measure(workerExtra, root);
  onDemand.bundledChunks = built.lazy;

  const require = createRequire(import.meta.url);
  const pkg = (name) => dirname(require.resolve(`${name}/package.json`));
  const tfBase = join(root, 'node_modules');
  const core = join(pkg('@tensorflow/tfjs-core'), 'dist/tf-core.es2017.min.js');
  const wasmJs = join(pkg('@tensorflow/tfjs-backend-wasm'), 'dist/tf-backend-wasm.es2017.min.js');
  const wasmBin = join(pkg('@tensorflow/tfjs-backend-wasm'), 'dist/tfjs-backend-wasm-simd.wasm');
  const layers = join(pkg('@tensorflow/tfjs-layers'), 'dist/tf-layers.es2017.min.js');
  const tfjs = measure([core, wasmJs, wasmBin], tfBase);
  tfjs.version = require('@tensorflow/tfjs-core/package.json').version;
  // training with tfjs-core needs the gradient functions, which only the layers (or union)
  // bundle registers
  const tfjsTraining = measure([core, wasmJs, wasmBin, layers], tfBase);
  return {
    method: 'node:zlib gzipSync level 9, per file, summed',
    nnwasm: ours,
    nnwasmUnbundled: { note: 'the modules a page without a build step imports, comments stripped, plus the .wasm', ...unbundled },
    nnwasmOnDemand: { note: 'loaded only when used: the format modules (import/export) and WorkerNetwork\'s worker', ...onDemand },
    tfjsWasm: tfjs,
    tfjsWasmTraining: { note: 'plus tf-layers (registers the gradients training needs)', ...tfjsTraining },
  };
});
