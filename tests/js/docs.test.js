// docs/API.md against src/js/index.d.ts, checked without TypeScript.
//
// The d.ts is read just enough to list its exports and the members of its classes and
// interfaces. API.md "declares" a name with a code span in a heading, in the first cell of a
// table row, or at the start of a list item: `Network.create(spec)`, `net.fit(x, y, options?)`,
// `epochs`. A declaration belongs to the nearest heading above it that declares an exported
// class, interface or const: in the section of `Network`, `net.fit` is Network's instance
// member fit (and `net` means a Network everywhere in the file), `Network.create` its static
// member create; in the section of `FitOptions`, `epochs` is FitOptions.epochs.
//
// The checks: every export and every member is declared; nothing is declared that the d.ts
// does not have; every `Name.member` or `alias.member` in code spans and code blocks exists;
// every capitalised type name in code spans and TypeScript blocks is an export or a global;
// links into ERRORS.md land on a heading; every JavaScript example runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = new URL('../../', import.meta.url);
const read = (rel) => readFileSync(new URL(rel, root), 'utf8');
const run = promisify(execFile);
const dts = read('src/js/index.d.ts');
const md = read('docs/API.md');

/* ---- the d.ts ------------------------------------------------------------------------------ */

/** the text with comments blanked out (same length), so braces and semicolons can be counted */
function stripComments(src) {
  return src.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`(?:\\.|[^`\\])*`/g,
    (m) => (m[0] === '/' ? m.replace(/[^\n]/g, ' ') : m));
}

const code = stripComments(dts);

/** export name → { kind, text } (text: the declaration up to its end, for consts) */
const exportsOf = new Map();
for (const m of code.matchAll(/^export\s+(?:declare\s+)?(function|class|const|let|interface|type)\s+([A-Za-z_$][\w$]*)([^;{]*)/gm)) {
  if (!exportsOf.has(m[2])) exportsOf.set(m[2], { kind: m[1], text: m[3] });
}

/** the members of an exported class or interface: name → { isStatic } (overloads merge) */
function membersOf(name) {
  const m = new RegExp(String.raw`^export\s+(?:declare\s+)?(?:interface|class)\s+${name}\b[^{]*\{`, 'm').exec(code);
  const out = new Map();
  if (!m) return out;
  let depth = 1;
  let start = m.index + m[0].length;
  for (let i = start; depth > 0; i++) {
    const ch = code[i];
    if (ch === "'" || ch === '"' || ch === '`') i = code.indexOf(ch, i + 1); // skip strings
    else if ('{(['.includes(ch)) depth++;
    else if ('})]'.includes(ch)) depth--;
    if ((ch === ';' && depth === 1) || depth === 0) {
      const text = code.slice(start, i).trim();
      const mm = /^((?:(?:static|readonly|private|public)\s+)*)([A-Za-z_$][\w$]*)\??\s*[:(<]/.exec(text);
      assert.ok(!text || mm, `cannot read the member ${JSON.stringify(text)} of ${name}`);
      if (mm && mm[2] !== 'constructor' && !/\bprivate\b/.test(mm[1])) {
        out.set(mm[2], { isStatic: /\bstatic\b/.test(mm[1]) });
      }
      start = i + 1;
    }
  }
  return out;
}

/** classes and interfaces with their members; a const's members are those of its type's
 *  interfaces (`datasets: Readonly<Datasets>` has the members of Datasets) */
const owners = new Map();
for (const [name, { kind, text }] of exportsOf) {
  if (kind === 'class' || kind === 'interface') owners.set(name, { kind, members: membersOf(name) });
}
for (const [name, { kind, text }] of exportsOf) {
  if (kind !== 'const' && kind !== 'let') continue;
  const members = new Map();
  for (const [, t] of text.matchAll(/\b([A-Z][\w$]*)\b/g)) {
    if (owners.get(t)?.kind === 'interface') for (const [k, v] of owners.get(t).members) members.set(k, v);
  }
  owners.set(name, { kind: 'const', members });
}

/* ---- API.md -------------------------------------------------------------------------------- */

const KEYWORDS = /^(?:(?:new|static|class|interface|type|const|function|await|readonly)\s+)+/;

/** the identifier path a code span starts with: `Network.create(spec)` → ['Network', 'create'] */
function leadingPath(span) {
  const m = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/.exec(span.replace(KEYWORDS, ''));
  return m ? m[0].split('.') : null;
}

const codeSpans = (text) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** headings, declarations, fenced blocks and the prose of API.md */
function parse(text) {
  const headings = [];       // { level, line, names: [path] }
  const declarations = [];   // { path, line, where, heading: index of the enclosing heading }
  const blocks = [];         // { lang, code, line }
  const prose = [];          // { text, line } outside fenced blocks
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^```(\w*)/.exec(line);
    if (fence) {
      const start = i;
      while (++i < lines.length && !/^```\s*$/.test(lines[i]));
      blocks.push({ lang: fence[1], code: lines.slice(start + 1, i).join('\n'), line: start + 1 });
      continue;
    }
    prose.push({ text: line, line: i + 1 });
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    let spans = [];
    let where = null;
    if (h) {
      spans = codeSpans(h[2]);
      where = 'heading';
    } else if (/^\|/.test(line) && !/^\|[\s:|-]+\|?\s*$/.test(line)) {
      spans = codeSpans(line.split('|')[1]);
      where = 'table';
    } else if (/^\s*[-*]\s+`/.test(line)) {
      spans = codeSpans(line).slice(0, 1);
      where = 'list';
    }
    const paths = spans.map(leadingPath).filter(Boolean);
    if (h) headings.push({ level: h[1].length, line: i + 1, names: paths });
    for (const path of paths) {
      declarations.push({ path, line: i + 1, where, heading: headings.length - 1 - (h ? 1 : 0) });
    }
  }
  return { headings, declarations, blocks, prose };
}

const doc = parse(md);

/** the owners (exported classes, interfaces, consts) of the section holding heading index h */
function sectionOwners(h) {
  let level = Infinity;
  for (let k = h; k >= 0; k--) {
    const { level: l, names } = doc.headings[k];
    if (l >= level) continue;
    level = l;
    const found = names.filter((p) => p.length === 1 && owners.has(p[0])).map((p) => p[0]);
    if (found.length) return found;
  }
  return [];
}

/**
 * What each declaration declares: { export: name } or { owner, member }, or { error }.
 * Aliases (`net` for Network) are learnt from `alias.member` declarations in a class section.
 */
const aliases = new Map();
const resolved = doc.declarations.map((d) => {
  const [first, ...rest] = d.path;
  const where = `API.md line ${d.line}: \`${d.path.join('.')}\``;
  if (rest.length === 0) {
    // a member of the section's owner first: `init` in NetworkSpec's table is not init()
    const owner = sectionOwners(d.heading).find((o) => owners.get(o).members.has(first));
    if (!owner && exportsOf.has(first)) return { ...d, export: first };
    if (owner && owners.get(owner).members.get(first).isStatic) {
      return { ...d, error: `${where}: ${owner}.${first} is static; write it \`${owner}.${first}\`` };
    }
    return owner ? { ...d, owner, member: first } : { ...d, error: `${where} is not declared in index.d.ts` };
  }
  const member = rest[0];
  if (owners.has(first)) {
    const m = owners.get(first).members.get(member);
    if (!m) return { ...d, error: `${where}: ${first} has no member ${member} in index.d.ts` };
    if (owners.get(first).kind === 'class' && !m.isStatic) {
      return { ...d, error: `${where}: ${member} is an instance member; write it as \`instance.${member}\`` };
    }
    return { ...d, owner: first, member };
  }
  if (exportsOf.has(first)) return { ...d, error: `${where}: ${first} has no members` };
  const owner = sectionOwners(d.heading).find((o) => owners.get(o).kind === 'class');
  if (!owner) return { ...d, error: `${where}: ${first} is neither an export nor an instance in a class section` };
  if (aliases.has(first) && aliases.get(first) !== owner) {
    return { ...d, error: `${where}: ${first} stands for ${aliases.get(first)} elsewhere` };
  }
  aliases.set(first, owner);
  const m = owners.get(owner).members.get(member);
  if (!m || m.isStatic) return { ...d, error: `${where}: ${owner} has no instance member ${member}` };
  return { ...d, owner, member };
});

/* ---- the tests ----------------------------------------------------------------------------- */

test('index.d.ts is read: its exports and the members of Network', () => {
  // a guard on the parser: if these change, the d.ts was restructured and the reader with it
  assert.ok(exportsOf.get('Network')?.kind === 'class');
  assert.ok(exportsOf.get('datasets')?.kind === 'const');
  const net = owners.get('Network').members;
  assert.ok(net.get('create').isStatic && net.get('load').isStatic && !net.get('fit').isStatic);
  assert.ok(owners.get('datasets').members.has('spiral'), 'datasets has the members of Datasets');
  assert.ok(exportsOf.size >= 40, `${exportsOf.size} exports`);
});

test('API.md declares every export of index.d.ts', () => {
  const declared = new Set(resolved.filter((r) => r.export).map((r) => r.export));
  const missing = [...exportsOf.keys()].filter((n) => !declared.has(n));
  assert.deepEqual(missing, [], 'exports without a heading, table row or list entry in API.md');
});

test('API.md declares every member of every class and interface, in its section', () => {
  const declared = new Set(resolved.filter((r) => r.owner).map((r) => `${r.owner}.${r.member}`));
  const missing = [];
  for (const [name, { kind, members }] of owners) {
    if (kind === 'const') continue; // its members are its interface's, checked there or here
    for (const member of members.keys()) {
      const viaConst = [...owners].some(([c, o]) => o.kind === 'const' && declared.has(`${c}.${member}`) &&
        exportsOf.get(c).text.includes(name));
      if (!declared.has(`${name}.${member}`) && !viaConst) missing.push(`${name}.${member}`);
    }
  }
  assert.deepEqual(missing, [], 'members without an entry in their section of API.md');
});

test('API.md declares nothing that index.d.ts does not have', () => {
  assert.deepEqual(resolved.filter((r) => r.error).map((r) => r.error), []);
});

test('every Name.member and alias.member in API.md code exists', () => {
  const texts = [
    ...doc.prose.flatMap((p) => codeSpans(p.text).map((s) => ({ s, line: p.line }))),
    ...doc.blocks.map((b) => ({ s: stripComments(b.code), line: b.line })),
  ];
  const wrong = [];
  for (const { s, line } of texts) {
    for (const m of s.matchAll(/(?<![\w$./])([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)/g)) {
      const owner = owners.has(m[1]) ? m[1] : aliases.get(m[1]);
      if (!owner) continue;
      const member = owners.get(owner).members.get(m[2]);
      const isStaticUse = owners.has(m[1]);
      const ok = member && (owners.get(owner).kind !== 'class' || member.isStatic === isStaticUse);
      if (!ok) wrong.push(`line ${line}: ${m[0]}`);
    }
  }
  assert.deepEqual(wrong, [], 'uses of members index.d.ts does not declare (or static/instance mixed up)');
});

test('every capitalised type name in code spans and TypeScript blocks is an export or a global', () => {
  // names of the platform that Node does not have as globals, TypeScript's utility types, and
  // the names of DOMExceptions
  const platform = new Set(['Worker', 'OffscreenCanvas', 'ImageData', 'HTMLCanvasElement', 'Readonly',
    'Omit', 'Partial', 'Required', 'Record', 'ArrayLike', 'ArrayBufferView', 'AbortError',
    'DataCloneError', 'Buffer', 'Iterable', 'FileList']);
  const texts = [
    ...doc.prose.flatMap((p) => codeSpans(p.text).map((s) => ({ s, line: p.line }))),
    ...doc.blocks.filter((b) => b.lang === 'ts').map((b) => ({ s: stripComments(b.code), line: b.line })),
  ];
  const unknown = [];
  for (const { s, line } of texts) {
    if (/^['"]/.test(s)) continue; // a string value, such as an error message
    for (const [name] of s.matchAll(/(?<![\w$.'"])[A-Z][a-z][\w$]*/g)) {
      if (!exportsOf.has(name) && !(name in globalThis) && !platform.has(name)) unknown.push(`line ${line}: ${name}`);
    }
  }
  assert.deepEqual(unknown, [], 'type names that are neither exports of index.d.ts nor globals');
});

test('links from API.md reach existing files and ERRORS.md headings', () => {
  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens */
  const slug = (h) => h.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
  const anchors = (file) => {
    const seen = new Map(); // a repeated heading gets -1, -2, ... as on GitHub
    return new Set(read(file).split('\n').filter((l) => /^#{1,6}\s/.test(l)).map((l) => {
      const s = slug(l.replace(/^#+\s+/, ''));
      const n = seen.get(s) ?? 0;
      seen.set(s, n + 1);
      return n ? `${s}-${n}` : s;
    }));
  };
  const bad = [];
  let errorsLinks = 0;
  for (const [, target] of md.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/.test(target)) continue; // http: and the like
    const [path, anchor] = target.split('#');
    const file = path ? `docs/${path}` : 'docs/API.md';
    if (!existsSync(new URL(file, root))) { bad.push(`${target}: no file ${file}`); continue; }
    if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(anchor)) bad.push(`${target}: no such heading`);
    if (path === 'ERRORS.md') errorsLinks++;
  }
  assert.deepEqual(bad, []);
  assert.ok(errorsLinks >= 5, `API.md links the errors of each part to ERRORS.md (${errorsLinks} links)`);
});

/**
 * An example as a module that checks its own output: after each line ending in (or followed by
 * a line of) `// → text`, the last console.log must have printed text (spaces aside; a remark
 * in parentheses after the text is not part of it).
 */
function checkedExample(b) {
  const lines = b.code.split('\n').map((line, k) => {
    const m = /^(.*?)\/\/ → (.*?)(?: \(.*)?$/.exec(line);
    if (!m) return line;
    return `${m[1]}__expect(${b.line + 1 + k}, ${JSON.stringify(m[2].trim())});`;
  });
  const preamble = [
    "import { format as __format } from 'node:util';",
    'let __last = null;',
    'const __log = console.log;',
    'console.log = (...args) => { __last = __format(...args); __log(...args); };',
    'const __same = (a) => String(a).replace(/\\s+/g, " ").trim();',
    'function __expect(line, want) {',
    '  if (__same(__last) !== __same(want)) {',
    '    throw new Error(`API.md line ${line}: the comment says ${want}, console.log printed ${__last}`);',
    '  }',
    '}',
  ];
  return [...preamble, ...lines].join('\n');
}

test('every JavaScript example of API.md runs in Node and prints what its comments say', async (t) => {
  // each ```js block is a module run from a folder where `nnwasm` resolves to this checkout,
  // as it would for an installed package; a block whose first line says "// browser" is
  // checked above but not run
  const blocks = doc.blocks.filter((b) => b.lang === 'js');
  const runnable = blocks.filter((b) => !/^\/\/ browser\b/.test(b.code));
  assert.ok(runnable.length >= 10, `${runnable.length} examples`);
  const checks = runnable.reduce((n, b) => n + (b.code.match(/\/\/ → /g) || []).length, 0);
  const dir = await mkdtemp(join(tmpdir(), 'nnwasm-api-'));
  try {
    await mkdir(join(dir, 'node_modules'));
    await symlink(fileURLToPath(root), join(dir, 'node_modules', 'nnwasm'), 'dir');
    for (const b of runnable) {
      const file = join(dir, `example-${b.line}.mjs`);
      await writeFile(file, checkedExample(b));
      try {
        await run(process.execPath, [file], { cwd: dir, timeout: 60_000 });
      } catch (err) {
        assert.fail(`the example at API.md line ${b.line} failed:\n${err.stderr || err.message}`);
      }
    }
    t.diagnostic(`${runnable.length} of ${blocks.length} examples run, ${checks} printed values checked`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
