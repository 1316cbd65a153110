// Model files are versioned: files written by format version 1 (tests/fixtures/format-v1, made
// once and never regenerated) keep loading bit for bit, a v1 checkpoint still resumes exactly,
// and a file from a newer format version is refused with a message saying so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Network, NnError, datasets } from '../../src/js/index.node.js';

const dir = new URL('../fixtures/format-v1/', import.meta.url);
const expected = JSON.parse(await readFile(new URL('expected.json', dir), 'utf8'));
const bits = (f32) => Array.from(new Uint32Array(f32.buffer, f32.byteOffset, f32.length));

test('a format-v1 model file loads with the same spec, weights and predictions', async () => {
  const net = await Network.load(await readFile(new URL('model.nnw', dir)));
  assert.deepEqual(net.spec, expected.spec);
  assert.deepEqual(bits(net.getParams()), expected.paramBits);
  assert.deepEqual(bits(net.predict(new Float32Array(expected.probe))), expected.predictionBits);
  net.dispose();
});

test('a format-v1 checkpoint resumes to the same weights as a run that never stopped', async () => {
  const { data, epochs, batchSize } = expected.resume;
  const { x, y } = await datasets.spiral(data);
  const resumed = await Network.load(await readFile(new URL('checkpoint.nnw', dir)));
  assert.deepEqual(bits(resumed.getParams()), expected.paramBits);
  await resumed.fit(x, y, { epochs, batchSize, resume: true });
  const straight = await Network.create(expected.spec);
  await straight.fit(x, y, { epochs, batchSize });
  assert.deepEqual(bits(resumed.getParams()), bits(straight.getParams()));
  resumed.dispose();
  straight.dispose();
});

test('a file from a newer format version is refused, saying so', async () => {
  for (const name of ['model.nnw', 'checkpoint.nnw']) {
    const bytes = new Uint8Array(await readFile(new URL(name, dir)));
    bytes[4] = 3;   // the u32 version after the magic (this library reads 1 and 2)
    await assert.rejects(Network.load(bytes), (err) => err instanceof NnError &&
      err.code === 'NN_ERR_VERSION' && /newer/.test(err.message) && /\b3\b/.test(err.message));
  }
});
