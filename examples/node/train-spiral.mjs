// Train the seeds' spiral (2-10-3 sigmoid, SGD 1.0, batch 30, 300 epochs), save the model,
// load it back and classify a few points.
//   node examples/node/train-spiral.mjs [spiral.nnw]
import { readFile, writeFile } from 'node:fs/promises';
import { Network, datasets } from 'nnwasm';

const file = process.argv[2] ?? 'spiral.nnw';

// 3 arms of 100 points: x holds 300 rows of (x, y), y the arm of each row
const { x, y } = await datasets.spiral({ pointsPerClass: 100, classes: 3, seed: 1 });

const net = await Network.create({
  layers: [2, 10, 3],
  activation: 'sigmoid',
  init: { gaussian: 0.01 },
  optimizer: { type: 'sgd', lr: 1.0 },
});
await net.fit(x, y, {
  epochs: 300,
  batchSize: 30,
  onEpochEnd(epoch, logs) {
    if ((epoch + 1) % 50 === 0) {
      console.log(`epoch ${epoch + 1}  loss ${logs.loss.toFixed(3)}  accuracy ${logs.accuracy.toFixed(3)}`);
    }
  },
});
const { loss, accuracy } = net.evaluate(x, y);
console.log(`trained: loss ${loss.toFixed(4)} accuracy ${accuracy.toFixed(4)}`);

// the model file holds the spec and the weights; dispose frees the WebAssembly memory
await writeFile(file, net.save());
net.dispose();
console.log(`saved ${file}`);

const loaded = await Network.load(await readFile(file));
const points = [[0, 0.5], [-0.4, -0.2], [0.3, -0.4]];
const p = loaded.predict(Float32Array.from(points.flat())); // 3 rows × 3 class probabilities
points.forEach(([px, py], r) => {
  const probs = Array.from(p.subarray(r * 3, r * 3 + 3));
  const arm = probs.indexOf(Math.max(...probs));
  console.log(`point (${px}, ${py}): arm ${arm} (probabilities ${probs.map((v) => v.toFixed(3)).join(' ')})`);
});
loaded.dispose();
