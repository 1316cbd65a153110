// A model written by the command line loads in the demo page: `nnwasm train --dataset spiral`
// (a short run) writes spiral.nnw, the page's file input takes it without an error, and the
// page draws the model's decision boundary over the spiral (issue 8: "npx nnwasm train --dataset
// spiral ... writes a model that the demo page loads").
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launch, newPage, tid, waitReady } from './helpers.js';

const CLI = fileURLToPath(new URL('../../src/js/cli.js', import.meta.url));
const run = promisify(execFile);

let env, page, errors, dir;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nnwasm-cli-model-'));
  env = await launch();
  ({ page, errors } = await newPage(env.context));
  await page.goto(env.url);
  await waitReady(page);
});
after(async () => {
  await env?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/* share of the boundary canvas's pixels that are not white: the dots alone cover little of it,
 * the class regions of a drawn boundary cover all of it */
const inked = () => page.evaluate((sel) => {
  const canvas = document.querySelector(sel);
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250)) n++;   // painted, not white
  }
  return n / (data.length / 4);
}, tid('boundary'));

test('the model of `nnwasm train --dataset spiral` loads in the page, which draws its boundary', async (t) => {
  const { stdout } = await run(process.execPath, [CLI, 'train', '--dataset', 'spiral', '--epochs', '60', '--out', 'spiral.nnw'],
    { cwd: dir });
  t.diagnostic(stdout.trim().split('\n').slice(-3).join(' | '));
  assert.match(stdout, /wrote the model to spiral\.nnw/);

  const before = await inked();
  await page.setInputFiles(tid('load-model'), join(dir, 'spiral.nnw'));
  await page.waitForFunction((sel) => /spiral\.nnw/.test(document.querySelector(sel).textContent), tid('load-model-message'));
  const m = await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    return { text: el.textContent.trim(), error: el.classList.contains('error') || el.getAttribute('role') === 'alert' };
  }, tid('load-model-message'));
  t.diagnostic(`message: "${m.text}"`);
  assert.equal(m.error, false, 'not shown as an error');
  assert.doesNotMatch(m.text, /could not|error|fail/i);
  assert.match(m.text, /2 inputs/);

  const visible = await page.evaluate((sel) => {
    const figure = document.querySelector(sel).closest('figure');
    return !figure.hidden && figure.offsetParent !== null;
  }, tid('boundary'));
  assert.equal(visible, true, 'the boundary figure is shown');
  const share = await inked();
  t.diagnostic(`${(before * 100).toFixed(1)}% of the boundary canvas was coloured before, ${(share * 100).toFixed(1)}% after`);
  assert.ok(before < 0.5, 'no boundary before');
  assert.ok(share > 0.9, 'the class regions fill the canvas');
  assert.match(await page.locator(tid('model-status')).textContent(), /ready/, 'the canvas keeps its model');
  assert.deepEqual(errors, []);
});
