/**
 * `nnwasm eval`, `predict`, `convert` and `info`: each reads a model of any format (cli-files.js),
 * does one thing with it and prints the result on stdout, as text or JSON.
 */
import { Network, init } from './index.node.js';
import { needs, numberValue, specError, together, usage } from './cli-args.js';
import { FORMAT_NAMES, formatFromName, idxImages, idxPair, loadModel, namedDataset, nnwHeader, rawRows,
  encodeModel, writeFiles } from './cli-files.js';
import { scoreLine } from './cli-train.js';

/* ---- shared ----------------------------------------------------------------------------------- */

/**
 * The rest of the spec for formats that do not record it, checked by Network.check as
 * Network.create checks a spec (on a 2-2 network, never made), so a bad value is a usage error
 * naming the option before any file is read.
 */
async function importOptions(v, command) {
  const options = {};
  if (v.activation !== undefined) options.activation = v.activation;
  if (v.output !== undefined) options.output = v.output;
  if (v.loss !== undefined) options.loss = v.loss;
  else if (v.output === 'identity') options.loss = 'mse';   // cross-entropy needs probabilities
  const slope = numberValue(v, 'leaky-slope', command);
  if (slope !== undefined) options.leakySlope = slope;
  const n = numberValue(v, 'hswish-n', command);
  if (n !== undefined) options.hswishN = n;
  try {
    await init();   // Network.check is synchronous: the module must be loaded
    Network.check({ layers: [2, 2], ...options });
  } catch (err) {
    throw specError(err, command);
  }
  return options;
}

/** run fn with the model of `path`, disposed afterwards */
async function withModel(path, v, command, fn) {
  const model = await loadModel(path, await importOptions(v, command), command);
  try {
    return await fn(model);
  } finally {
    model.net.dispose();
  }
}

function checkInputs(net, path, data) {
  if (data.cols !== net.inputs) {
    throw new Error(`${path} takes ${net.inputs} inputs; ${data.name} has ${data.cols} values per row`);
  }
}

/** exactly one of the data options, or a usage error */
function oneOf(v, names, command) {
  const given = names.filter((n) => v[n] !== undefined);
  if (given.length > 1) throw together(given[0], given[1], command);
  if (given.length === 0) {
    throw usage(new TypeError(`${command} needs ${names.map((n) => `--${n}`).join(' or ')}`), command);
  }
  return given[0];
}

const json = (value) => `${JSON.stringify(value)}\n`;
/** a float for people: 6 significant digits */
const short = (v) => String(Number(v.toPrecision(6)));

/* ---- eval ------------------------------------------------------------------------------------------- */

/** `nnwasm eval MODEL`: loss and accuracy on a data set */
export async function evaluate(v, [path], io) {
  const source = oneOf(v, ['dataset', 'images'], 'eval');
  if (source === 'images' && v.labels === undefined) throw needs('images', 'labels', 'eval');
  if (source === 'dataset' && v.labels !== undefined) throw together('dataset', 'labels', 'eval');
  if (source === 'dataset' && !['mnist', 'spiral'].includes(v.dataset)) {
    throw usage(new RangeError(`--dataset must be mnist or spiral, got ${JSON.stringify(v.dataset)}`), 'eval');
  }
  return withModel(path, v, 'eval', async ({ net }) => {
    const data = source === 'dataset' ? await namedDataset(v.dataset, 'test', { bytes: true })
      : await idxPair(v.images, v.labels, { bytes: true });
    checkInputs(net, path, data);
    const r = net.evaluate(data.x, data.y);
    const correct = Math.round(r.accuracy * data.rows);
    io.out.write(v.json ? json({ loss: r.loss, accuracy: r.accuracy, rows: data.rows, correct })
      : `${scoreLine(r, data.rows)}\n`);
    return 0;
  });
}

/* ---- predict ---------------------------------------------------------------------------------------- */

/** the class of each row: the largest output, or output >= 0.5 for a single one */
function classes(outputs, count) {
  const rows = outputs.length / count;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = outputs.subarray(r * count, (r + 1) * count);
    if (count === 1) { out[r] = row[0] >= 0.5 ? 1 : 0; continue; }
    let best = 0;
    for (let k = 1; k < count; k++) if (row[k] > row[best]) best = k;
    out[r] = best;
  }
  return out;
}

/** `nnwasm predict MODEL`: per row the class and the outputs */
export async function predict(v, [path], io) {
  const source = oneOf(v, ['images', 'input'], 'predict');
  return withModel(path, v, 'predict', async ({ net }) => {
    let data;
    if (source === 'images') {
      data = { ...await idxImages(v.images), name: v.images };
      checkInputs(net, path, data);
    } else {
      data = await rawRows(v.input, net.inputs);
    }
    const outputs = net.predict(data.x);
    const m = net.outputs;
    const cls = classes(outputs, m);
    if (v.json) {
      const result = { rows: data.rows, outputs: m, classes: Array.from(cls) };
      if (!v.classes) {
        result.predictions = Array.from(cls, (_, r) => Array.from(outputs.subarray(r * m, (r + 1) * m)));
      }
      io.out.write(json(result));
      return 0;
    }
    const lines = Array.from(cls, (c, r) => (v.classes ? String(c)
      : `${c}\t${Array.from(outputs.subarray(r * m, (r + 1) * m), short).join(' ')}`));
    io.out.write(`${lines.join('\n')}\n`);
    return 0;
  });
}

/* ---- convert ---------------------------------------------------------------------------------------- */

/** `nnwasm convert IN OUT`: between the formats, by content and extension */
export async function convert(v, [from, to], io) {
  const format = formatFromName(to, 'convert');
  return withModel(from, v, 'convert', async ({ net, format: source }) => {
    let files;
    try {
      files = await encodeModel(net, to, format);
    } catch (err) {
      throw new Error(`cannot write ${to} as ${FORMAT_NAMES[format]}: ${err.message}`, { cause: err });
    }
    await writeFiles(files);
    const also = files.length > 1 ? ` and its weights, ${files[0][0]}` : '';
    io.out.write(`converted ${from} (${FORMAT_NAMES[source]}) to ${to} (${FORMAT_NAMES[format]})${also}\n`);
    return 0;
  });
}

/* ---- info ------------------------------------------------------------------------------------------- */

/** what `info` knows about a model, as JSON */
function describe(path, { net, format, bytes }) {
  const spec = net.spec;
  const d = { file: path, bytes: bytes.length, format, layers: spec.layers, parameters: net.paramCount,
    activation: spec.activation, output: spec.output, loss: spec.loss };
  if (format === 'nnw') {
    Object.assign(d, nnwHeader(bytes, spec, net.paramCount));
    Object.assign(d, { optimizer: spec.optimizer, init: spec.init, seed: spec.seed, leakySlope: spec.leakySlope,
      hswishN: spec.hswishN, weightDecay: spec.weightDecay, clipNorm: spec.clipNorm, dropout: spec.dropout,
      flood: spec.flood, schedule: spec.schedule });
  }
  return d;
}

/** the optimizer with the settings its type uses */
function optimizerText(o) {
  const used = { momentum: ['momentum'], nesterov: ['momentum'], adagrad: ['eps'], rmsprop: ['rho', 'eps'],
    adam: ['beta1', 'beta2', 'eps'] }[o.type] ?? [];
  return [`${o.type}, lr ${short(o.lr)}`, ...used.map((k) => `${k} ${short(o[k])}`)].join(', ');
}

/** `nnwasm info MODEL` */
export async function info(v, [path], io) {
  return withModel(path, v, 'info', async (model) => {
    const d = describe(path, model);
    if (v.json) {
      io.out.write(json(d));
      return 0;
    }
    const rows = [['file', `${path} (${d.bytes} bytes)`]];
    rows.push(['format', d.format === 'nnw' ? `${FORMAT_NAMES.nnw}, version ${d.version}, ${d.kind}`
      : FORMAT_NAMES[d.format]]);
    rows.push(['layers', `${d.layers.join('-')} (${d.parameters} parameters)`]);
    d.layers.slice(1).forEach((n, l) => {
      const act = l + 2 < d.layers.length ? d.activation : d.output;
      rows.push(['', `layer ${l + 1}: ${d.layers[l]} -> ${n} ${act} (${(d.layers[l] + 1) * n} parameters)`]);
    });
    const spec = model.net.spec;
    let activation = d.activation;
    if (activation === 'leaky_relu') activation += ` (slope ${short(spec.leakySlope)})`;
    if (activation === 'hswish') activation += ` (n ${short(spec.hswishN)})`;
    rows.push(['activation', activation], ['output', d.output], ['loss', d.loss]);
    if (d.format === 'nnw') {
      rows.push(['optimizer', optimizerText(d.optimizer)]);
      const init = typeof d.init === 'string' ? d.init : `gaussian ${short(d.init.gaussian)}`;
      rows.push(['init', `${init}, seed ${d.seed}`]);
      const extra = [['weight decay', d.weightDecay], ['clip norm', d.clipNorm], ['dropout', d.dropout],
        ['flood', d.flood]].filter(([, x]) => x !== 0).map(([k, x]) => `${k} ${short(x)}`);
      if (extra.length) rows.push(['training', extra.join(', ')]);
      const sc = d.schedule;
      if (sc.type !== 'constant') {
        rows.push(['schedule', `${sc.type}, every ${sc.stepSize} steps` +
          `${sc.type === 'cosine' ? `, down to ${short(sc.minLr)}` : `, gamma ${short(sc.gamma)}`}`]);
      }
      if (d.kind === 'checkpoint' && d.steps !== undefined) {
        rows.push(['steps', `${d.steps} optimizer steps taken`]);
        const s = d.session;
        const session = s ? `unfinished: epoch ${s.epoch + 1} of ${s.epochs}, ${s.batch} batches of ${s.batchSize} ` +
          `done in it, ${s.rows} rows (nnwasm train --resume continues it)` : 'none (training finished)';
        rows.push(['session', session]);
      }
    }
    io.out.write(rows.map(([k, t]) => `${k.padEnd(12)}${t}`).join('\n') + '\n');
    return 0;
  });
}
