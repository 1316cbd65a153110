// The demo's DOM-free rules (web/settings.js, web/run.js, web/chart.js's tick labels), in Node:
// each optimizer's learning rate trains the form's networks, the form's values are judged as
// the page shows them, and a run ends once, as done, failed or stopped, with the words to say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Network, datasets, init } from '../../src/js/index.node.js';
import { DATASETS, DEFAULTS, LEARNING_RATES, readSettings, summary } from '../../web/settings.js';
import { createRun, end, failure, formatNumber, logText, progressText, recordBatch, recordEpoch,
  verdict } from '../../web/run.js';
import { axisTicks, tickLabel } from '../../web/chart.js';

await init();
const check = (spec) => Network.check(spec);
const form = (over = {}) => ({ dataset: 'mnist', hidden: '100,50', activation: 'relu', optimizer: 'sgd', lr: '0.1',
  epochs: '5', batch: '100', ...over });

test('every optimizer\'s learning rate trains the spiral form (2-10-3 sigmoid, batch 30, 300 epochs) past 95%', async () => {
  const { x, y } = await datasets.spiral({ pointsPerClass: 100, classes: 3, seed: 1 });
  for (const [type, lr] of Object.entries(LEARNING_RATES.spiral)) {
    const net = await Network.create({ layers: [2, 10, 3], activation: 'sigmoid', optimizer: { type, lr }, seed: 1 });
    await net.fit(x, y, { epochs: DEFAULTS.spiral.epochs, batchSize: DEFAULTS.spiral.batch });
    const { accuracy } = net.evaluate(x, y);
    net.dispose();
    assert.ok(accuracy >= 0.95, `${type} at ${lr}: ${accuracy}`);
  }
});

test('every optimizer\'s learning rate trains the MNIST form (784-100-50-10 ReLU, batch 100) past 93% in one epoch', async () => {
  const { train, test: t } = await datasets.mnist();
  for (const [type, lr] of Object.entries(LEARNING_RATES.mnist)) {
    const net = await Network.create({ layers: [784, 100, 50, 10], activation: 'relu', optimizer: { type, lr }, seed: 1 });
    await net.fit(train.x, train.y, { epochs: 1, batchSize: DEFAULTS.mnist.batch });
    const { accuracy } = net.evaluate(t.x, t.y);
    net.dispose();
    assert.ok(accuracy >= 0.93, `${type} at ${lr}: test accuracy ${accuracy}`);
  }
});

test('the form: good values make a run; each bad one is an error at its own field', () => {
  const ok = readSettings(form(), check);
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.settings.spec.layers, [784, 100, 50, 10]);
  assert.equal(ok.settings.paramCount, 784 * 100 + 100 + 100 * 50 + 50 + 50 * 10 + 10);
  assert.equal(summary(ok.network), '784 → 100 → 50 → 10 · softmax output, cross-entropy loss · 84,060 parameters');
  assert.deepEqual(readSettings(form({ dataset: 'spiral', hidden: ' 10 , 4 ', batch: '300' }), check).settings.spec.layers,
    [2, 10, 4, 3]);
  const errors = (over) => readSettings(form(over), check).errors;
  assert.deepEqual(errors({ hidden: '100,,50' }), [{ field: 'hidden',
    message: 'Size 2 is empty (two commas in a row?): write sizes separated by commas, such as 100,50' }]);
  assert.equal(errors({ hidden: '1e2' })[0].message.startsWith('"1e2" is not a size'), true);
  assert.equal(errors({ hidden: '' })[0].field, 'hidden');
  assert.equal(errors({ hidden: '100 50' })[0].message.startsWith('"100 50" is not a size'), true);
  assert.match(errors({ hidden: Array(15).fill(4).join() })[0].message, /^spec\.layers needs 2 to 16 sizes .*got 17$/);
  assert.match(errors({ hidden: '70000' })[0].message, /65536/);
  assert.deepEqual(errors({ batch: '100000' }), [{ field: 'batch',
    message: 'At most 60,000: MNIST has 60,000 training images, not 100,000' }]);
  assert.deepEqual(errors({ dataset: 'spiral', hidden: '10', batch: '301' }).map((e) => e.message),
    ['At most 300: the spiral has 300 points, not 301']);
  // every field wrong at once: one error each, in the form's order, and the network alone
  const all = readSettings(form({ lr: '0', epochs: '1.5', batch: '-1' }), check);
  assert.deepEqual(all.errors.map((e) => e.field), ['lr', 'epochs', 'batch']);
  assert.equal(all.settings, null);
  assert.deepEqual(all.network.spec.layers, [784, 100, 50, 10], 'the summary still has the network');
  for (const lr of ['1e-3', '.5', '2.', '1E9']) assert.deepEqual(errors({ lr }), [], lr);
  for (const lr of ['', 'fast', '-1', '0', 'Infinity', '1e999', '0x10']) assert.equal(errors({ lr })[0]?.field, 'lr', lr);
  for (const epochs of ['0', '2.5', '1e2', ' ']) assert.equal(errors({ epochs })[0]?.field, 'epochs', epochs);
});

/* a run with these settings, as the page makes it */
const newRun = (over = {}) => createRun(readSettings(form({ epochs: '2', ...over }), check).settings, 0);

test('a run ends once: later endings, frames and messages do not change how it ended', () => {
  const run = newRun();
  run.phase = 'fitting';
  run.batchesPerEpoch = 600;
  recordBatch(run, 0, { loss: 2.4, accuracy: 0.1, epoch: 0, step: 1 }, 1);
  recordBatch(run, 1, { loss: 9.4e23, accuracy: 0.08, epoch: 0, step: 2 }, 1);
  assert.match(run.message.text, /^The loss has grown from 2\.4 to 9\.4e\+23 \(epoch 1\/2, batch 2\/600\)\. Try a learning rate lower than 0\.1, or another optimizer\.$/);
  // the chart's running average: 2.4 + 0.05 × (9.4e23 − 2.4)
  assert.equal(logText(run), 'epoch 1/2 (running) loss 4.7e+22 accuracy 0.0800');
  const err = Object.assign(new Error('the loss became non-finite'), { code: 'NN_ERR_NONFINITE' });
  assert.equal(end(run, 'failed', { at: 1500, message: failure(run, err) }), true);
  assert.equal(end(run, 'done', { at: 2000 }), false, 'a second ending is refused');
  assert.equal(end(run, 'stopped'), false);
  recordBatch(run, 2, { loss: 1, accuracy: 0.5, epoch: 0, step: 3 }, 1);   // a late message
  assert.equal(run.state, 'failed');
  assert.equal(run.seconds, 1.5);
  assert.equal(progressText(run), 'failed at epoch 1/2, batch 2/600');
  assert.doesNotMatch(logText(run), /running/);
  assert.match(logText(run), / — failed$/);
  assert.match(run.message.text, /^Training failed: the loss became infinite or NaN \(after epoch 1\/2, batch 2\/600\), so the network was not kept\. Try a learning rate lower/);
});

test('verdicts: exploded or non-finite fails; growth and guessing warn; a good run says nothing', () => {
  const finished = (losses, accuracy, over) => {
    const run = newRun(over);
    run.phase = 'fitting';
    losses.forEach((loss, i) => recordEpoch(run, i, { loss, accuracy }));
    return run;
  };
  const exploded = verdict(finished([2.3, 1e9], 0.3), true);
  assert.equal(exploded.state, 'failed');
  assert.match(exploded.message.text, /the loss exploded/);
  assert.equal(verdict(finished([2.3, NaN], 0.1), true).state, 'failed');
  assert.equal(verdict(finished([2.3, 0.3], 0.9), false).state, 'failed', 'non-finite predictions');
  const recovered = verdict(finished([50, 0.3], 0.9), true);   // grew past 10 × ln 10 on the way
  assert.deepEqual([recovered.state, recovered.message.kind], ['done', 'warning']);
  const guessing = verdict(finished([2.3, 2.3], 0.11), true);
  assert.deepEqual([guessing.state, guessing.message.kind], ['done', 'warning']);
  assert.match(guessing.message.text, /no better than guessing \(accuracy 11\.0%\)/);
  assert.deepEqual(verdict(finished([0.5, 0.3], 0.9), true), { state: 'done', message: null });
  // RMSprop picked with SGD's rate: the advice names RMSprop's own
  const rms = finished([2.3, 1e4], 0.1, { optimizer: 'rmsprop', lr: '0.1' });
  assert.match(verdict(rms, true).message.text, /learning rate 0\.1 is probably too high for RMSprop: try 0\.001/);
  assert.equal(DATASETS.mnist.classes, 10);
});

test('numbers for people, and chart ticks without float noise', () => {
  assert.deepEqual([0.1, 2.4512, 1e9, 9.4e23, 0.0005, 123456].map(formatNumber),
    ['0.1', '2.45', '1e+9', '9.4e+23', '5e-4', '1.23e+5']);
  const big = axisTicks(9.4e23);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => tickLabel(i * big.step, big)),
    ['0', '2e+23', '4e+23', '6e+23', '8e+23', '1e+24']);
  const odd = axisTicks(6.5e9);
  assert.deepEqual(Array.from({ length: odd.steps + 1 }, (_, i) => tickLabel(i * odd.step, odd)),
    ['0', '2e+9', '4e+9', '6e+9', '8e+9']);
  const small = axisTicks(2.45);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => tickLabel(i * small.step, small)), ['0', '0.5', '1.0', '1.5', '2.0', '2.5']);
});
