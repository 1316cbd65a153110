#!/usr/bin/env node
/**
 * nnwasm on the command line: `nnwasm train | eval | predict | convert | info` (docs/CLI.md).
 * Results go to stdout, progress and errors to stderr, as "nnwasm: <message>" without a stack
 * trace (NNWASM_DEBUG=1 shows it). Exit codes: 0 done, 1 failed, 2 usage error (printed with
 * the usage line), 130 interrupted by Ctrl-C.
 */
import { main } from './cli-main.js';

// a reader that went away (nnwasm train ... | head) is not an error: the command goes on (train
// still writes its model) without stdout
let gone = false;
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
  gone = true;
});
const out = { write: (s) => gone || process.stdout.write(s) };
process.exitCode = await main(process.argv.slice(2), { out, err: process.stderr });
