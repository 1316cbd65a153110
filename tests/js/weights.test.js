// Network.fromWeights and weights(): parameters in the seeds' layout (per layer W as
// inputs × outputs, then b), flat or as nested rows, checked against spec.layers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network } from '../../src/js/index.node.js';

test('fromWeights(weights()) rebuilds a network bit for bit; predictions match', async () => {
  const a = await Network.create({ layers: [5, 7, 3], activation: 'tanh', seed: 9 });
  const w = a.weights();
  assert.deepEqual(w.map((x) => x.length), [35, 7, 21, 3]);
  const b = await Network.fromWeights({ layers: [5, 7, 3], activation: 'tanh' }, w);
  assert.deepEqual(b.getParams(), a.getParams());
  const x = Float32Array.from({ length: 10 }, (_, i) => Math.sin(i));
  assert.deepEqual(b.predict(x), a.predict(x));
  // Float64Array and plain arrays are accepted and rounded to float32
  const c = await Network.fromWeights({ layers: [5, 7, 3], activation: 'tanh' },
    w.map((x, i) => (i % 2 ? Array.from(x) : Float64Array.from(x))));
  assert.deepEqual(c.getParams(), a.getParams());
  for (const n of [a, b, c]) n.dispose();
});

test('nested rows are W[input][output]: a hand-computed identity layer', async () => {
  // y = x·W + b with W = [[1, 2], [3, 4], [5, 6]], b = [0.5, -0.5]
  const net = await Network.fromWeights({ layers: [3, 2], output: 'identity', loss: 'mse' },
    [[[1, 2], [3, 4], [5, 6]], [0.5, -0.5]]);
  assert.deepEqual(Array.from(net.predict(new Float32Array([1, 0, 1, 0, 2, 0]))), [6.5, 7.5, 6.5, 7.5]);
  net.dispose();
});

test('wrong counts, shapes and values are named', async () => {
  const spec = { layers: [3, 2] };
  await assert.rejects(Network.fromWeights(spec, 'W'),
    { name: 'TypeError', message: /weights must be an array \[W1, b1, W2, b2, \.\.\.\], got "W"/ });
  await assert.rejects(Network.fromWeights(spec, [new Float32Array(6)]),
    { name: 'RangeError', message: /1 layers need 2 arrays \[W1, b1, \.\.\.\], got 1/ });
  await assert.rejects(Network.fromWeights(spec, [new Float32Array(5), [0, 0]]),
    { name: 'RangeError', message: /W1 must be 3 × 2 \(spec.layers 3-2\), got 5 values/ });
  await assert.rejects(Network.fromWeights(spec, [[[1, 2, 3], [4, 5, 6]], [0, 0]]),
    { name: 'RangeError', message: /W1 must be 3 × 2 \(spec.layers 3-2\), got 2 × 3/ });
  await assert.rejects(Network.fromWeights(spec, [[[1, 2], [3, 4], [5]], [0, 0]]),
    { name: 'RangeError', message: /W1\[2\] must be a row of 2 numbers, as row 0 is/ });
  await assert.rejects(Network.fromWeights(spec, [new Float32Array(6), [[0, 0]]]),
    { name: 'RangeError', message: /b1 must be 2 \(spec.layers 3-2\), got 1 × 2/ });
  await assert.rejects(Network.fromWeights(spec, [new Float32Array(6), [0, NaN]]),
    { name: 'RangeError', message: /b1\[1\] must be a finite float32 value, got NaN/ });
  await assert.rejects(Network.fromWeights(spec, [new Float64Array(6).fill(1e39), [0, 0]]),
    { name: 'RangeError', message: /W1\[0\] must be a finite float32 value, got 1e\+39/ });
  await assert.rejects(Network.fromWeights(spec, [{}, [0, 0]]),
    { name: 'TypeError', message: /W1 must be a typed array, an array of numbers or an array of rows/ });
  // the spec itself is checked as Network.create checks it
  await assert.rejects(Network.fromWeights({ layers: [3, 2], activation: 'relux' }, []),
    { name: 'RangeError', message: /spec.activation/ });
});
