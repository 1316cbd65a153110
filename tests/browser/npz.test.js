// numpy .npz in Chromium: Network.fromNpz on np.savez_compressed output (inflated by the
// browser's DecompressionStream('deflate-raw')) predicts what numpy computed, and toNpz's
// archive loads back bit for bit, in the page, with the package as the demo server serves it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, blankPage } from './helpers.js';

const dir = new URL('../fixtures/npz/', import.meta.url);
const expected = JSON.parse(await readFile(new URL('expected.json', dir), 'utf8'));

let env, page, errors;
before(async () => {
  env = await launch();
  ({ page, errors } = await blankPage(env.context, env.url));
});
after(async () => { await env?.close(); });

/** load a fixture in the page with fromNpz and predict its inputs there */
async function predictInPage(file) {
  const m = expected.models[file];
  const bytes = (await readFile(new URL(file, dir))).toString('base64');
  return page.evaluate(async ({ bytes, m }) => {
    const { Network } = await import('/src/js/index.browser.js');
    const archive = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
    const net = await Network.fromNpz(archive, { activation: m.activation, output: m.output, loss: m.loss });
    try {
      return { layers: net.spec.layers, y: Array.from(net.predict(Float32Array.from(m.x))),
        native: typeof DecompressionStream === 'function' };
    } finally {
      net.dispose();
    }
  }, { bytes, m });
}

for (const file of ['two-layer-sigmoid-compressed.npz', 'fortran-tanh.npz', 'three-layer-relu-f64.npz']) {
  test(`fromNpz in Chromium: ${file} predicts what numpy computed (within 1e-5)`, async (t) => {
    const m = expected.models[file];
    const got = await predictInPage(file);
    assert.equal(got.native, true, 'the page has DecompressionStream');
    assert.deepEqual(got.layers, m.layers);
    assert.equal(got.y.length, m.predictions.length);
    const worst = Math.max(...got.y.map((v, k) => Math.abs(v - m.predictions[k])));
    t.diagnostic(`worst difference ${worst.toExponential(2)}`);
    assert.ok(worst <= 1e-5, `predictions differ from numpy's by ${worst}`);
    assert.deepEqual(errors, []);
  });
}

test('toNpz then fromNpz in Chromium is bit-exact; damaged archives are refused with an Error', async (t) => {
  // the compressed fixture with its first deflate block made of the reserved type 3
  const deflated = new Uint8Array(await readFile(new URL('two-layer-sigmoid-compressed.npz', dir)));
  const dv = new DataView(deflated.buffer, deflated.byteOffset);
  deflated[30 + dv.getUint16(26, true) + dv.getUint16(28, true)] = 0x07; // W1.npy's data: entry 1 at byte 0
  const broken = Buffer.from(deflated).toString('base64');
  const r = await page.evaluate(async (broken) => {
    const { Network } = await import('/src/js/index.browser.js');
    const net = await Network.create({ layers: [3, 7, 2], activation: 'swish', seed: 4 });
    const bytes = await net.toNpz();
    const back = await Network.fromNpz(bytes, { activation: 'swish' });
    const same = net.getParams().every((v, k) => Object.is(v, back.getParams()[k]));
    bytes[200] ^= 1; // inside W1's values: the CRC no longer matches
    const why = (e) => `${e.constructor.name}: ${e.message}`;
    const refused = await Network.fromNpz(bytes).then(() => null, why);
    const inflate = await Network.fromNpz(Uint8Array.from(atob(broken), (c) => c.charCodeAt(0))).then(() => null, why);
    net.dispose();
    back.dispose();
    return { same, refused, inflate };
  }, broken);
  t.diagnostic(r.inflate);
  assert.equal(r.same, true, 'the same parameters, bit for bit');
  assert.match(r.refused, /^Error: npz: W1\.npy fails its CRC-32 check/);
  assert.match(r.inflate, /^Error: npz: W1\.npy is not valid deflate data \(.+\)$/);
  assert.deepEqual(errors, []);
});
