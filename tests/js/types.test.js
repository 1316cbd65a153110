// src/js/index.d.ts stays in step with the code, checked without TypeScript: the d.ts text is
// parsed just enough to list its exports, the members of its interfaces and classes, the
// literals of its string unions and the `@default` values in its comments, and each list is
// compared with what the code accepts, exports or returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nodeApi from '../../src/js/index.node.js';
import {
  ACTIVATIONS, OUTPUTS, LOSSES, OPTIMIZERS, INITS, SCHEDULES,
  SPEC_KEYS, OPTIMIZER_KEYS, SCHEDULE_KEYS, FIT_KEYS, EARLY_KEYS,
} from '../../src/js/network.js';

const root = new URL('../../', import.meta.url);
const dts = await readFile(new URL('src/js/index.d.ts', root), 'utf8');
const networkSource = await readFile(new URL('src/js/network.js', root), 'utf8');
// load the module through the Node entry first: the browser entry, imported next, would
// otherwise install its fetch() loader, which cannot read file: URLs
await nodeApi.init();
const browserApi = await import('../../src/js/index.browser.js');
const { Network, NnError, datasets } = nodeApi;

/* ---- a small reader of the d.ts ------------------------------------------------------------ */

/** the text with comments blanked out (strings kept), so braces and semicolons can be counted */
function stripComments(src) {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      out += ' '.repeat(end + 2 - i);
      i = end + 1;
    } else if (ch === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      out += ' '.repeat((end < 0 ? src.length : end) - i);
      i = (end < 0 ? src.length : end) - 1;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (src[j] !== ch) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j;
    } else {
      out += ch;
    }
  }
  return out;
}

const code = stripComments(dts); // same length as dts: offsets are shared

/** names the d.ts exports, with their kind (function, class, const, interface, type) */
function dtsExports() {
  const out = new Map();
  for (const m of code.matchAll(/^export\s+(?:declare\s+)?(function|class|const|let|interface|type)\s+([A-Za-z_$][\w$]*)/gm)) {
    if (!out.has(m[2])) out.set(m[2], m[1]);
  }
  return out;
}

/**
 * The members of `export interface name` or `export class name`: name → {optional, isStatic,
 * doc}, where doc is the text of the /** comment just before the member. Overloads merge.
 */
function members(name) {
  const head = new RegExp(String.raw`^export\s+(?:declare\s+)?(?:interface|class)\s+${name}\b[^{]*\{`, 'm');
  const m = head.exec(code);
  assert.ok(m, `index.d.ts declares interface or class ${name}`);
  const out = new Map();
  let depth = 1;
  let start = m.index + m[0].length;
  for (let i = start; depth > 0; i++) {
    const ch = code[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      i = code.indexOf(ch, i + 1);
    } else if ('{(['.includes(ch)) {
      depth++;
    } else if ('})]'.includes(ch)) {
      depth--;
    }
    if ((ch === ';' && depth === 1) || depth === 0) {
      const text = code.slice(start, i).trim();
      const mm = /^((?:(?:static|readonly|private|public)\s+)*)([A-Za-z_$][\w$]*)(\?)?\s*[:(<]/.exec(text);
      if (text && !mm) assert.fail(`cannot read the member ${JSON.stringify(text)} of ${name}`);
      if (mm && mm[2] !== 'constructor') {
        // the comments were blanked in code, not in dts: this member's doc is the last one
        // between the previous member and this one
        const docs = [...dts.slice(start, i).matchAll(/\/\*\*([\s\S]*?)\*\//g)];
        const prev = out.get(mm[2]);
        out.set(mm[2], {
          optional: mm[3] === '?',
          isStatic: /\bstatic\b/.test(mm[1]),
          doc: prev?.doc || (docs.length ? docs.at(-1)[1] : ''),
        });
      }
      start = i + 1;
    }
  }
  return out;
}

const keys = (name) => [...members(name).keys()];
const sorted = (a) => [...a].sort();

/** the string literals of `export type name = 'a' | 'b' ...;` in order */
function union(name) {
  const m = new RegExp(String.raw`^export\s+type\s+${name}\s*=([^;]*);`, 'm').exec(code);
  assert.ok(m, `index.d.ts declares type ${name}`);
  return [...m[1].matchAll(/'([^']*)'/g)].map((x) => x[1]);
}

/** the `@default` values of an interface's members: name → value (string, number, boolean) */
function defaults(name) {
  const out = new Map();
  for (const [key, { doc }] of members(name)) {
    const m = /@default\s+(.+?)\s*(?:\n|$)/.exec(doc);
    if (!m) continue;
    const v = m[1].replace(/\s*\*$/, '');
    out.set(key, /^'.*'$/.test(v) ? v.slice(1, -1) : v === 'true' ? true : v === 'false' ? false : Number(v));
  }
  return out;
}

/** the literal defaults `{ k: v, ..., ...spread }` that network.js merges its options over */
function sourceDefaults(spread) {
  const m = new RegExp(String.raw`\{([^{}]*?),\s*\.\.\.${spread.replace('.', '\\.')}\s*\}`).exec(networkSource);
  assert.ok(m, `network.js merges ${spread} over literal defaults (update this test if that changed)`);
  return new Map([...m[1].matchAll(/(\w+):\s*([^,]+)/g)].map(([, k, v]) => [k, JSON.parse(v.trim())]));
}

/** the known keys an options check lists in its error for an unknown key */
async function knownKeys(call) {
  try {
    await call({ notAnOption: 1 });
  } catch (err) {
    const m = /\(known: ([^)]*)\)/.exec(err.message);
    assert.ok(m, `an unknown option is rejected naming the known ones: ${err.message}`);
    return m[1].split(', ');
  }
  assert.fail('an unknown option was accepted');
}

/* ---- the tests ----------------------------------------------------------------------------- */

test('package.json points at index.d.ts and ships it', async () => {
  const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));
  assert.equal(pkg.types, './src/js/index.d.ts');
  assert.equal(pkg.exports['.'].types, './src/js/index.d.ts');
  assert.equal(Object.keys(pkg.exports['.'])[0], 'types', '"types" comes first in the conditions');
  assert.ok(pkg.files.includes('src/js/index.d.ts'));
});

test('both entry points export exactly the names index.d.ts declares as values', () => {
  const declared = dtsExports();
  const values = [...declared].filter(([, kind]) => !['interface', 'type'].includes(kind));
  const names = sorted(values.map(([n]) => n));
  assert.deepEqual(sorted(Object.keys(nodeApi)), names, 'index.node.js');
  assert.deepEqual(sorted(Object.keys(browserApi)), names, 'index.browser.js');
  for (const [n, kind] of values) {
    for (const api of [nodeApi, browserApi]) {
      const v = api[n];
      if (kind === 'function') assert.equal(typeof v, 'function', `${n} is a function`);
      if (kind === 'class') {
        assert.match(Function.prototype.toString.call(v), /^class\b/, `${n} is a class`);
      }
      if (kind === 'const') assert.notEqual(typeof v, 'function', `${n} is a value`);
    }
  }
  assert.equal(browserApi.Network, nodeApi.Network, 'one Network class for both');
});

test('the string unions list exactly the names the code accepts, in the C enum order', () => {
  assert.deepEqual(union('Activation'), ACTIVATIONS);
  assert.deepEqual(union('Output'), OUTPUTS);
  assert.deepEqual(union('Loss'), LOSSES);
  assert.deepEqual(union('OptimizerType'), OPTIMIZERS);
  assert.deepEqual(union('InitName'), INITS);
  assert.deepEqual(union('ScheduleType'), SCHEDULES);
});

test('NetworkSpec, OptimizerSpec, ScheduleSpec, FitOptions and EarlyStopping have the accepted keys', () => {
  assert.deepEqual(sorted(keys('NetworkSpec')), sorted(SPEC_KEYS));
  assert.deepEqual(sorted(keys('OptimizerSpec')), sorted(OPTIMIZER_KEYS));
  assert.deepEqual(sorted(keys('ScheduleSpec')), sorted(SCHEDULE_KEYS));
  assert.deepEqual(sorted(keys('FitOptions')), sorted(FIT_KEYS));
  assert.deepEqual(sorted(keys('EarlyStopping')), sorted(EARLY_KEYS));
  const required = [...members('NetworkSpec')].filter(([, m]) => !m.optional).map(([k]) => k);
  assert.deepEqual(required, ['layers'], 'only layers is required');
  for (const name of ['OptimizerSpec', 'ScheduleSpec', 'FitOptions', 'EarlyStopping']) {
    for (const [k, m] of members(name)) assert.ok(m.optional, `${name}.${k} is optional`);
  }
});

test("the documented spec defaults are the core's (Network.create({ layers }).spec)", async () => {
  const net = await Network.create({ layers: [2, 3] });
  const spec = net.spec;
  net.dispose();
  const same = (documented, actual, where) => {
    if (typeof documented === 'number') {
      assert.equal(actual, Math.fround(documented), `${where}: documented ${documented}, actual ${actual}`);
    } else {
      assert.equal(actual, documented, where);
    }
  };
  const top = defaults('NetworkSpec');
  for (const k of SPEC_KEYS) {
    if (['layers', 'optimizer', 'schedule'].includes(k)) continue;
    assert.ok(top.has(k), `NetworkSpec.${k} documents its @default`);
    same(top.get(k), spec[k], `NetworkSpec.${k}`);
  }
  for (const [iface, actual] of [['OptimizerSpec', spec.optimizer], ['ScheduleSpec', spec.schedule]]) {
    const d = defaults(iface);
    for (const k of keys(iface)) {
      assert.ok(d.has(k), `${iface}.${k} documents its @default`);
      same(d.get(k), actual[k], `${iface}.${k}`);
    }
  }
});

test('the documented fit and early-stopping defaults are those network.js merges options over', () => {
  for (const [iface, spread] of [['FitOptions', 'options'], ['EarlyStopping', 'o.earlyStopping']]) {
    const documented = defaults(iface);
    const actual = sourceDefaults(spread);
    assert.deepEqual(new Map([...documented].filter(([k]) => actual.has(k))), actual,
      `${iface}: every default in network.js is documented, with its value`);
    for (const k of documented.keys()) assert.ok(actual.has(k), `${iface}.${k}: @default is in network.js`);
  }
});

test('ResolvedNetworkSpec is the shape of net.spec', async () => {
  const net = await Network.create({ layers: [2, 4, 3], init: 'gaussian' });
  const spec = net.spec;
  net.dispose();
  assert.deepEqual(sorted(keys('ResolvedNetworkSpec')), sorted(Object.keys(spec)));
  assert.deepEqual(sorted(Object.keys(spec.optimizer)), sorted(OPTIMIZER_KEYS));
  assert.deepEqual(sorted(Object.keys(spec.schedule)), sorted(SCHEDULE_KEYS));
  assert.deepEqual(Object.keys(spec.init), ['gaussian'], "'gaussian' comes back as { gaussian: std }");
  for (const [k, m] of members('ResolvedNetworkSpec')) assert.ok(!m.optional, `${k} is always there`);
});

test('History, BatchLogs and EpochLogs have the keys fit produces', async () => {
  const { x, y } = await datasets.spiral({ pointsPerClass: 10 });
  const net = await Network.create({ layers: [2, 4, 3], seed: 1 });
  let batchLogs = null;
  let epochLogs = null;
  const plain = await net.fit(x, y, { epochs: 1, onBatchEnd: (_, l) => { batchLogs = l; },
    onEpochEnd: (_, l) => { epochLogs = l; } });
  let valLogs = null;
  // minDelta too large to ever improve: stops after the second epoch, with both epoch fields
  const early = await net.fit(x, y, { epochs: 5, validationData: [x, y],
    earlyStopping: { minDelta: 1e9 }, onEpochEnd: (_, l) => { valLogs = l; } });
  net.dispose();
  assert.equal(early.stoppedEpoch, 1);

  const check = (iface, always, all) => {
    const m = members(iface);
    const required = [...m].filter(([, v]) => !v.optional).map(([k]) => k);
    assert.deepEqual(sorted(required), sorted(Object.keys(always)), `${iface}: the keys always there`);
    assert.deepEqual(sorted(m.keys()), sorted(Object.keys(all)), `${iface}: every key`);
  };
  check('History', plain, early);
  check('EpochLogs', epochLogs, valLogs);
  check('BatchLogs', batchLogs, batchLogs);
});

test('Network and NnError declare exactly the members the classes have', () => {
  const declared = members('Network');
  const statics = [...declared].filter(([, m]) => m.isStatic).map(([k]) => k);
  const instance = [...declared].filter(([, m]) => !m.isStatic).map(([k]) => k);
  const runtimeStatics = Object.getOwnPropertyNames(Network)
    .filter((k) => !['length', 'name', 'prototype'].includes(k));
  const runtimeInstance = Object.getOwnPropertyNames(Network.prototype).filter((k) => k !== 'constructor');
  assert.deepEqual(sorted(statics), sorted(runtimeStatics), 'static members');
  assert.deepEqual(sorted(instance), sorted(runtimeInstance), 'instance members');
  for (const k of ['spec', 'inputs', 'outputs', 'paramCount']) {
    assert.ok(Object.getOwnPropertyDescriptor(Network.prototype, k).get, `${k} is a getter`);
    assert.ok(!Object.getOwnPropertyDescriptor(Network.prototype, k).set, `${k} is read-only`);
  }

  const err = new NnError(1, 'message');
  assert.ok(err instanceof Error);
  assert.deepEqual(sorted(keys('NnError')), sorted(Object.keys(err)));
  const codes = Array.from({ length: union('NnErrorCode').length }, (_, i) => new NnError(i + 1, '').code);
  assert.deepEqual(codes, union('NnErrorCode'), 'the codes of statuses 1.. in order');
  const next = new NnError(codes.length + 1, '').code;
  assert.equal(next, `NN_STATUS_${codes.length + 1}`, `status ${codes.length + 1} (${next}) is not in NnErrorCode`);
});

test('datasets has the declared functions, options and result shapes', async () => {
  for (const api of [nodeApi, browserApi]) {
    assert.deepEqual(sorted(Object.keys(api.datasets)), sorted(keys('Datasets')));
    assert.ok(Object.isFrozen(api.datasets), 'datasets is read-only');
  }
  assert.deepEqual(sorted(await knownKeys((o) => datasets.spiral(o))), sorted(keys('SpiralOptions')));
  assert.deepEqual(sorted(await knownKeys((o) => datasets.idx(new Uint8Array(1), o))), sorted(keys('IdxOptions')));
  assert.deepEqual(sorted(await knownKeys((o) => datasets.mnist(o))), sorted(keys('MnistOptions')));

  // spiral's documented defaults give the spiral of no options
  const d = Object.fromEntries(defaults('SpiralOptions'));
  assert.deepEqual(Object.keys(d).sort(), sorted(keys('SpiralOptions')));
  assert.deepEqual(await datasets.spiral(d), await datasets.spiral());

  const { x, y } = await datasets.spiral({ pointsPerClass: 2, classes: 2 });
  assert.deepEqual(sorted(Object.keys(await datasets.spiral())), ['x', 'y']);
  assert.ok(x instanceof Float32Array && y instanceof Int32Array);
  assert.deepEqual(sorted(Object.keys(await datasets.minmax(x, 2))), sorted(keys('MinMax')));

  // tiny IDX files: 1 image of 2×2 and its label, as MNIST's four files in a folder
  const images = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 64, 128, 255]);
  const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 7]);
  const img = await datasets.idx(images);
  assert.deepEqual(sorted(Object.keys(img)), sorted(keys('IdxImages')));
  assert.equal(img.kind, 'images');
  assert.ok(img.x instanceof Float32Array);
  assert.ok((await datasets.idx(images, { bytes: true })).x instanceof Uint8Array);
  const lab = await datasets.idx(labels);
  assert.deepEqual(sorted(Object.keys(lab)), sorted(keys('IdxLabels')));
  assert.equal(lab.kind, 'labels');
  const dir = await mkdtemp(join(tmpdir(), 'nnwasm-types-'));
  try {
    for (const part of ['train', 't10k']) {
      await writeFile(join(dir, `${part}-images-idx3-ubyte`), images);
      await writeFile(join(dir, `${part}-labels-idx1-ubyte`), labels);
    }
    const mnist = await datasets.mnist({ dir });
    assert.deepEqual(sorted(Object.keys(mnist)), sorted(keys('Mnist')));
    assert.deepEqual(sorted(Object.keys(mnist.train)), sorted(keys('MnistSplit')));
    assert.ok((await datasets.mnist({ dir, bytes: true })).test.x instanceof Uint8Array);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('gradCheck and init options', async () => {
  const net = await Network.create({ layers: [2, 3] });
  try {
    const keysOf = await knownKeys((o) => net.gradCheck(new Float32Array(2), new Int32Array(1), o));
    assert.deepEqual(sorted(keysOf), sorted(keys('GradCheckOptions')));
  } finally {
    net.dispose();
  }
  assert.deepEqual(sorted(await knownKeys((o) => nodeApi.init(undefined, o))), sorted(keys('InitOptions')));
  assert.equal(typeof nodeApi.wasmVariant(), 'string');
  assert.ok(union('NnErrorCode').every((c) => c.startsWith('NN_ERR_')));
});
