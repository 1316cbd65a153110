/**
 * nnwasm in Node: every workload (bench/workloads.mjs) on the SIMD build, one JSON line out.
 *   node bench/nnwasm.mjs [--quick] [--scalar]
 */
import * as nn from '../src/js/index.node.js';
import { child, flag, loadData, log, maxRssMB, now } from './common.mjs';
import { plan, runNnwasm } from './workloads.mjs';

child(async () => {
  const p = plan({ quick: flag('--quick') });
  await nn.init(undefined, { simd: !flag('--scalar') });
  const data = loadData();
  const memory = { beforeW1MB: maxRssMB(), w1MB: null };
  const r = await runNnwasm(nn, data, p, {
    now, log: log('nnwasm'), afterW1: () => { memory.w1MB = maxRssMB(); },
  });
  return { library: 'nnwasm', variant: nn.wasmVariant(), runtime: `node ${process.version}`, ...r, memory };
});
