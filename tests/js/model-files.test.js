// Network.fromFiles (src/js/model-files.js): a model read from named files as a file input gives
// them. Each format is read from fixtures written by numpy, the Keras converter and format
// version 1, or from models the package writes; the answer must be what the format's own
// reader gives (and, for the fixtures, what numpy or the fixture's record says). Detection goes
// by the bytes before the name; failures name the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Network, NnError } from '../../src/js/index.node.js';
import { core } from '../../src/js/wasm.js'; // internal: heap usage

const fixtures = new URL('../fixtures/', import.meta.url);
const fixture = (path) => new Uint8Array(readFileSync(new URL(path, fixtures)));
const text = (s) => new TextEncoder().encode(s);

/** predictions of two nets on the same rows, bit for bit */
function samePredictions(a, b, rows = 3) {
  const x = Float32Array.from({ length: rows * a.inputs }, (_, i) => Math.sin(i + 1));
  assert.deepEqual(a.predict(x), b.predict(x));
}

test('an .nnw file: the format-v1 fixture, from { name, bytes }, a File and an ArrayBuffer', async () => {
  const bytes = fixture('format-v1/model.nnw');
  const expected = JSON.parse(readFileSync(new URL('format-v1/expected.json', fixtures), 'utf8'));
  const direct = await Network.load(bytes);
  for (const files of [[{ name: 'model.nnw', bytes }], [new File([bytes], 'model.nnw')],
    [{ name: 'model.nnw', bytes: bytes.slice().buffer }]]) {
    const { net, name, format } = await Network.fromFiles(files);
    assert.equal(name, 'model.nnw');
    assert.equal(format, 'nnw');
    assert.deepEqual(net.spec.layers, expected.spec.layers);
    assert.equal(net.spec.activation, expected.spec.activation);
    assert.deepEqual(net.getParams(), direct.getParams());
    net.dispose();
  }
  direct.dispose();
});

test("an .npz written by numpy predicts what numpy computed; options give what it does not record", async () => {
  const { models } = JSON.parse(readFileSync(new URL('npz/expected.json', fixtures), 'utf8'));
  const want = models['two-layer-sigmoid.npz'];
  const options = { activation: want.activation, output: want.output };
  const { net, name, format } = await Network.fromFiles([new File([fixture('npz/two-layer-sigmoid.npz')],
    'two-layer-sigmoid.npz')], options);
  assert.equal(name, 'two-layer-sigmoid.npz');
  assert.equal(format, 'npz');
  assert.deepEqual(net.spec.layers, want.layers);
  const y = net.predict(new Float32Array(want.x));
  assert.equal(y.length, want.predictions.length);
  // float32 against numpy's float32: the order of the sums may differ by an ulp or so
  y.forEach((v, i) => assert.ok(Math.abs(v - want.predictions[i]) <= 1e-5, `output ${i}: ${v} vs ${want.predictions[i]}`));
  net.dispose();
});

test('an ONNX file the package wrote, named .onnx or without an extension', async () => {
  const original = await Network.create({ layers: [3, 5, 2], activation: 'tanh', seed: 4 });
  const bytes = await original.toOnnx();
  for (const fileName of ['model.onnx', 'exported-model']) {
    const { net, name, format } = await Network.fromFiles([{ name: fileName, bytes }]);
    assert.equal(name, fileName);
    assert.equal(format, 'onnx');
    assert.equal(net.spec.activation, 'tanh');
    samePredictions(net, original);
    net.dispose();
  }
  original.dispose();
});

test('a TensorFlow.js model.json finds its weight file among the others, in any order', async () => {
  for (const dir of ['keras2-sequential', 'keras3-functional']) {
    const json = fixture(`tfjs/${dir}/model.json`);
    const bin = fixture(`tfjs/${dir}/group1-shard1of1.bin`);
    const direct = await Network.fromTfjs(new TextDecoder().decode(json), bin);
    // as a file input lists them: the weights first, the json as a File, both in a Set
    const files = new Set([{ name: 'group1-shard1of1.bin', bytes: bin }, new File([json], 'model.json')]);
    const { net, name, format } = await Network.fromFiles(files);
    assert.equal(name, 'model.json');
    assert.equal(format, 'tfjs');
    assert.deepEqual(net.getParams(), direct.getParams(), dir);
    samePredictions(net, direct);
    net.dispose();
    direct.dispose();
  }
  // the shards written by toTfjs, listed by path: matched by base name
  const original = await Network.create({ layers: [2, 3, 2], seed: 9 });
  const { modelJson, weightData } = await original.toTfjs();
  modelJson.weightsManifest[0].paths = ['weights/shard.bin'];
  const { net } = await Network.fromFiles([{ name: 'm.json', bytes: text(JSON.stringify(modelJson)) },
    { name: 'shard.bin', bytes: weightData }]);
  samePredictions(net, original);
  net.dispose();
  // two shards of one base name in different folders: each found by its whole path
  const data = new Uint8Array(weightData);
  modelJson.weightsManifest[0].paths = ['a/w.bin', 'b/w.bin'];
  const split = await Network.fromFiles([{ name: 'b/w.bin', bytes: data.slice(12) },
    { name: 'a/w.bin', bytes: data.slice(0, 12) }, { name: 'm.json', bytes: text(JSON.stringify(modelJson)) }]);
  assert.deepEqual(split.net.getParams(), original.getParams());
  split.net.dispose();
  // a weight file named .json, listed first, beside a model.json named otherwise: the JSON is the model
  modelJson.weightsManifest[0].paths = ['w.json'];
  const named = await Network.fromFiles([{ name: 'w.json', bytes: weightData }, { name: 'model.txt',
    bytes: text(JSON.stringify(modelJson)) }]);
  assert.equal(named.name, 'model.txt');
  assert.deepEqual(named.net.getParams(), original.getParams());
  named.net.dispose();
  original.dispose();
});

test('the bytes tell the format before the name does', async () => {
  const original = await Network.create({ layers: [2, 4, 3], seed: 2 });
  const nnw = original.save();
  const npz = await original.toNpz();
  const onnx = await original.toOnnx();
  const { modelJson, weightData } = await original.toTfjs();
  const cases = [
    [[{ name: 'model.onnx', bytes: nnw }], 'nnw'],
    [[{ name: 'weights.nnw', bytes: npz }], 'npz'],
    [[{ name: 'model.npz', bytes: text(`\uFEFF  ${JSON.stringify(modelJson)}`) },
      { name: modelJson.weightsManifest[0].paths[0], bytes: weightData }], 'tfjs'],
    [[{ name: 'model.bin', bytes: onnx }], 'onnx'],
  ];
  for (const [files, want] of cases) {
    const { net, format, name } = await Network.fromFiles(files, want === 'npz' ? { activation: 'relu', output: 'softmax' } : {});
    assert.equal(format, want, files[0].name);
    assert.equal(name, files[0].name);
    samePredictions(net, original);
    net.dispose();
  }
  original.dispose();
});

test('a model.json without its weight file asks for it by name', async () => {
  const json = fixture('tfjs/keras2-sequential/model.json');
  await assert.rejects(Network.fromFiles([{ name: 'model.json', bytes: json }]), (e) => {
    assert.equal(e.constructor, Error);
    assert.equal(e.message, 'model.json needs its weight file group1-shard1of1.bin: select it together with the .json');
    return true;
  });
  await assert.rejects(Network.fromFiles([{ name: 'model.json', bytes: json }, { name: 'other.bin', bytes: new Uint8Array(4) }]),
    /^Error: model\.json needs its weight file group1-shard1of1\.bin/);
});

test('a file of no known format is named in the error', async () => {
  await assert.rejects(Network.fromFiles([{ name: 'notes.txt', bytes: text('hello, world') }]), (e) => {
    assert.equal(e.constructor, Error);
    assert.equal(e.message, 'cannot tell the format of notes.txt: it is not an nnwasm model (NNWM), a numpy .npz, ' +
      'a TensorFlow.js model.json or an ONNX model');
    return true;
  });
  await assert.rejects(Network.fromFiles([{ name: 'empty', bytes: new Uint8Array(0) }]), /cannot tell the format of empty:/);
});

test("a broken file: the reader's message after the file's name, its code and the cause kept", async () => {
  const original = await Network.create({ layers: [2, 3], seed: 1 });
  const nnw = original.save();
  const npz = await original.toNpz();
  const onnx = await original.toOnnx();
  original.dispose();
  await assert.rejects(Network.fromFiles([{ name: 'cut.nnw', bytes: nnw.subarray(0, 50) }]), (e) => {
    assert.equal(e.constructor, Error);
    assert.match(e.message, /^cut\.nnw: the file is 50 bytes but /);
    assert.equal(e.code, 'NN_ERR_TRUNCATED');
    assert.ok(e.cause instanceof NnError);
    assert.equal(e.message, `cut.nnw: ${e.cause.message}`);
    return true;
  });
  const flipped = nnw.slice();
  flipped[flipped.length - 9] ^= 1;    // a parameter bit: the checksum no longer matches
  await assert.rejects(Network.fromFiles([{ name: 'flipped.nnw', bytes: flipped }]),
    (e) => e.code === 'NN_ERR_CHECKSUM' && e.message.startsWith('flipped.nnw: '));
  await assert.rejects(Network.fromFiles([{ name: 'cut.npz', bytes: npz.subarray(0, 60) }], { activation: 'relu', output: 'softmax' }),
    (e) => e.constructor === Error && /^cut\.npz: npz: /.test(e.message) && e.code === undefined && e.cause instanceof Error);
  await assert.rejects(Network.fromFiles([{ name: 'cut.onnx', bytes: onnx.subarray(0, 30) }]),
    (e) => /^cut\.onnx: ONNX model: truncated protobuf/.test(e.message) && e.cause instanceof Error);
  await assert.rejects(Network.fromFiles([{ name: 'model.json', bytes: text('{ "modelTopology": ') }]),
    /^Error: model\.json is not JSON \(/);
  // options the reader refuses are named after the file too
  await assert.rejects(Network.fromFiles([{ name: 'm.onnx', bytes: onnx }], { output: 'sigmoid' }),
    (e) => e.message === 'm.onnx: fromOnnx options.output "sigmoid" contradicts the file, which has "softmax"' &&
      e.cause instanceof RangeError);
});

test('arguments: files, their items and options are checked; an .npz needs activation and output', async () => {
  const c = await core();
  const original = await Network.create({ layers: [2, 3], seed: 1 });
  const nnw = original.save();
  const npz = await original.toNpz();
  original.dispose();
  const before = c.heapUsed();
  const fails = async (args, Type, message) => {
    await assert.rejects(Network.fromFiles(...args), (e) => {
      assert.equal(e.constructor, Type, e.message);
      assert.equal(e.message, message);
      return true;
    });
  };
  await fails([undefined], TypeError, 'fromFiles(files): files must be an array, a FileList or another iterable of files, got undefined');
  await fails(['model.nnw'], TypeError, 'fromFiles(files): files must be an array, a FileList or another iterable of files, got "model.nnw"');
  await fails([[]], RangeError, 'fromFiles(files): files is empty');
  await fails([[nnw]], TypeError, 'fromFiles(files): files[0] must be a File or { name, bytes } with bytes a Uint8Array ' +
    'or ArrayBuffer, got a Uint8Array of length ' + nnw.length);
  await fails([[{ name: 'a.nnw', bytes: [1, 2] }]], TypeError, 'fromFiles(files): files[0] must be a File or { name, bytes } ' +
    'with bytes a Uint8Array or ArrayBuffer, got an object (Object)');
  await fails([[new Blob([nnw])]], TypeError, 'fromFiles(files): files[0] must be a File or { name, bytes } with bytes a ' +
    'Uint8Array or ArrayBuffer, got an object (Blob)');
  await fails([[{ name: 'a.nnw', bytes: nnw }], { activaton: 'relu' }], TypeError,
    'unknown option "activaton" in fromFiles options; did you mean "activation"? (known: layers, activation, output, loss, ' +
    'optimizer, init, seed, leakySlope, hswishN, weightDecay, clipNorm, dropout, flood, schedule)');
  await fails([[{ name: 'w.npz', bytes: npz }], { activation: 'relu' }], TypeError,
    'w.npz is a numpy .npz, which does not record the activation and output: give them in options ({ activation, output })');
  // an .nnw file records its spec: options may repeat it, not change it
  const same = await Network.fromFiles([{ name: 'a.nnw', bytes: nnw }], { layers: [2, 3], activation: 'relu', output: 'softmax' });
  same.net.dispose();
  await fails([[{ name: 'a.nnw', bytes: nnw }], { activation: 'tanh' }], RangeError,
    'fromFiles options.activation "tanh" contradicts a.nnw, which has "relu"');
  await fails([[{ name: 'a.nnw', bytes: nnw }], { leakySlope: 0.2 }], RangeError,
    'fromFiles options.leakySlope 0.2 contradicts a.nnw, which has 0.009999999776482582');
  assert.equal(c.heapUsed(), before, 'a refused file leaves no network behind');
});
