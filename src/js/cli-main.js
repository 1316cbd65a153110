/**
 * The command line's entry, apart from the process: main(args, io) runs one command line and
 * resolves to its exit code, having written the error (if any) as "nnwasm: <message>". cli.js
 * runs it for the process; tests run it in their own process too.
 */
import { readFile } from 'node:fs/promises';
import { COMMANDS, commandHelp, didYouMean, mainHelp, parse, usage } from './cli-args.js';
import { convert, evaluate, info, predict } from './cli-commands.js';
import { train } from './cli-train.js';

const RUN = { train, eval: evaluate, predict, convert, info };

/* the command line's work; resolves to the exit code or throws */
async function run(args, io) {
  const [first, ...rest] = args;
  if (first === undefined) {
    io.err.write(mainHelp());
    return 2;
  }
  if (first === '--help' || first === '-h' || (first === 'help' && rest.length === 0)) {
    io.out.write(mainHelp());
    return 0;
  }
  if (first === '--version') {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
    io.out.write(`${pkg.version}\n`);
    return 0;
  }
  if (first === 'help') return run([rest[0], '--help'], io);
  if (first.startsWith('-')) {
    throw usage(new TypeError(`unknown option ${first}; the command comes first, as in nnwasm train --help`));
  }
  if (!Object.hasOwn(COMMANDS, first)) {
    throw usage(new TypeError(`unknown command ${JSON.stringify(first)}${didYouMean(first, Object.keys(COMMANDS))}`));
  }
  const { values, positionals } = parse(first, rest);
  if (values.help) {
    io.out.write(commandHelp(first));
    return 0;
  }
  return RUN[first](values, positionals, io);
}

/** "nnwasm: <message>", with the usage line for a usage error */
function report(err, io) {
  if (process.env.NNWASM_DEBUG === '1') {
    io.err.write(`${err?.stack ?? err}\n`);
    if (err?.cause?.stack) io.err.write(`caused by: ${err.cause.stack}\n`);
  } else {
    io.err.write(`nnwasm: ${err?.message ?? err}\n`);
  }
  if (err?.usage === undefined) return 1;
  const command = err.usage;
  io.err.write(command ? `usage: ${COMMANDS[command].usage}\n(nnwasm ${command} --help lists the options)\n`
    : 'usage: nnwasm COMMAND [options]\n(nnwasm --help lists the commands)\n');
  return 2;
}

/**
 * Run one command line.
 * @param {string[]} args the arguments after `nnwasm`
 * @param {{out: NodeJS.WritableStream, err: NodeJS.WritableStream}} io stdout and stderr
 * @returns {Promise<number>} the exit code: 0 done, 1 failed, 2 usage error, 130 interrupted
 */
export async function main(args, io) {
  try {
    return await run(args, io);
  } catch (err) {
    return report(err, io);
  }
}
