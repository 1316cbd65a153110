// The README's Node example runs as written and prints what the README says it prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm, symlink, mkdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url);
const run = promisify(execFile);

test('the README Node example runs as written', async () => {
  const readme = await readFile(new URL('README.md', root), 'utf8');
  const m = readme.match(/```js\n(\/\/ example\.mjs[\s\S]*?)```/);
  assert.ok(m, 'README has a ```js block starting with // example.mjs');
  // run it from a folder where `nnwasm` resolves to this checkout, as an installed package would
  const dir = await mkdtemp(join(tmpdir(), 'nnwasm-readme-'));
  try {
    await mkdir(join(dir, 'node_modules'));
    await symlink(new URL('.', root).pathname, join(dir, 'node_modules', 'nnwasm'), 'dir');
    await writeFile(join(dir, 'example.mjs'), m[1]);
    const { stdout } = await run(process.execPath, ['example.mjs'], { cwd: dir });
    const out = stdout.trim().split('\n');
    const last = out.at(-1).match(/^loss ([\d.]+) accuracy ([\d.]+)$/);
    assert.ok(last, `last line is "loss … accuracy …", got ${JSON.stringify(out.at(-1))}`);
    assert.ok(Number(last[1]) <= 0.2, `spiral loss ${last[1]} <= 0.2`);
    assert.ok(Number(last[2]) >= 0.95, `spiral accuracy ${last[2]} >= 0.95`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** the README block that starts with `// <name>`, or fail */
function block(readme, lang, first) {
  const m = readme.match(new RegExp('```' + lang + '\\n(' + first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '[\\s\\S]*?)```'));
  assert.ok(m, `README has a \`\`\`${lang} block starting with ${first}`);
  return m[1];
}

test('the README interop example (convert.mjs) runs as written and prints what it says', async () => {
  const readme = await readFile(new URL('README.md', root), 'utf8');
  const code = block(readme, 'js', '// convert.mjs');
  const dir = await mkdtemp(join(tmpdir(), 'nnwasm-readme-'));
  try {
    await mkdir(join(dir, 'node_modules'));
    await symlink(new URL('.', root).pathname, join(dir, 'node_modules', 'nnwasm'), 'dir');
    await writeFile(join(dir, 'convert.mjs'), code);
    // the numpy archive the comment describes: a fixture scripts/make-npz-fixtures.py wrote
    await writeFile(join(dir, 'two-layer.npz'), await readFile(new URL('tests/fixtures/npz/two-layer-sigmoid.npz', root)));
    const { stdout } = await run(process.execPath, ['convert.mjs'], { cwd: dir });
    // each console.log line prints what its comment says
    const promised = [...code.matchAll(/console\.log\(.*\);\s*\/\/ (.+)/g)].map((m) => m[1].trim());
    assert.deepEqual(stdout.trim().split('\n'), promised);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the README command-line block runs as written (npx nnwasm → this checkout\'s bin)', async () => {
  const readme = await readFile(new URL('README.md', root), 'utf8');
  const m = readme.match(/```sh\n(npx nnwasm train[\s\S]*?)```/);
  assert.ok(m, 'README has a ```sh block of npx nnwasm commands');
  const cli = new URL('src/js/cli.js', root).pathname;
  const dir = await mkdtemp(join(tmpdir(), 'nnwasm-readme-cli-'));
  try {
    const outputs = [];
    for (const line of m[1].trim().split('\n')) {
      const args = line.replace(/#.*/, '').trim().split(/\s+/);
      assert.deepEqual(args.slice(0, 2), ['npx', 'nnwasm']);
      const { stdout } = await run(process.execPath, [cli, ...args.slice(2)], { cwd: dir });
      outputs.push(stdout);
    }
    assert.match(outputs[0], /wrote the model to model\.nnw/);
    assert.match(outputs[1], /2-10-3/);
    const acc = Number(/accuracy ([\d.]+)%/.exec(outputs[2])?.[1]);
    assert.ok(acc >= 95, `eval of the trained spiral model: ${outputs[2]}`);
    const { Network } = await import('../../src/js/index.node.js');
    const onnx = await readFile(join(dir, 'model.onnx'));
    const net = await Network.fromOnnx(onnx);
    assert.deepEqual(net.spec.layers, [2, 10, 3]);
    net.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
