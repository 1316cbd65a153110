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
