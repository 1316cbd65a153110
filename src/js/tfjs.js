/**
 * TensorFlow.js Layers / Keras models: model.json plus weight data, in and out.
 *
 * Read: a Sequential, or a Functional model whose layers form one chain, of InputLayer, Dense,
 * Dropout (a no-op at inference) and Flatten (of a 1-D input) layers, as written by
 * tfjs-layers' model.save() and by tensorflowjs_converter from Keras 2 and Keras 3.
 * Write: a Sequential of Dense layers that tf.loadLayersModel loads (docs/INTEROP.md).
 * Dense kernels are [inputs, units] row-major, which is nnwasm's W layout as it is.
 * No Node imports: this module runs in browsers too.
 */
import { importedSpec } from './network.js';
import { show } from './options.js';

/* ---- activations --------------------------------------------------------------------------- */

/** Dense activation names (tfjs-layers, Keras 2 and Keras 3) → nnwasm hidden activation, with
 *  the spec fields the name implies (Keras 3 leaky_relu's slope is 0.2; hard_silu is
 *  x·relu6(x + 3)/6, our hswish of width 6) */
const HIDDEN = {
  sigmoid: { activation: 'sigmoid' },
  tanh: { activation: 'tanh' },
  relu: { activation: 'relu' },
  swish: { activation: 'swish' },
  silu: { activation: 'swish' },
  mish: { activation: 'mish' },
  leaky_relu: { activation: 'leaky_relu', leakySlope: 0.2 },
  hard_silu: { activation: 'hswish', hswishN: 6 },
  hard_swish: { activation: 'hswish', hswishN: 6 },
};
const HIDDEN_NAMES = Object.keys(HIDDEN).map((n) => `'${n}'`).join(', ');

/** the last Dense layer's activation → nnwasm output */
const OUTPUT = { softmax: 'softmax', sigmoid: 'sigmoid', linear: 'identity' };

/** nnwasm → tfjs-layers names, for export (tfjs-layers has no leaky_relu, hswish or tanhexp
 *  activation for a Dense layer) */
const TO_TFJS_HIDDEN = { sigmoid: 'sigmoid', tanh: 'tanh', relu: 'relu', swish: 'swish', mish: 'mish' };
const TO_TFJS_OUTPUT = { softmax: 'softmax', sigmoid: 'sigmoid', identity: 'linear' };

/** bytes per element of a manifest dtype; a quantized weight is stored in its quantized dtype */
const DTYPE_BYTES = { float32: 4, int32: 4, bool: 1, complex64: 8, float16: 2, uint8: 1, uint16: 2 };

/* ---- small helpers ---------------------------------------------------------------------------- */

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** a value for a message: arrays as [a, b], the rest as options.js shows them */
const text = (v) => (Array.isArray(v) ? `[${v.map((x) => (x === null ? 'null' : show(x))).join(', ')}]` : show(v));
/** how messages name a layer: Dense "dense_1" */
const named = (layer) => `${layer.cls} ${JSON.stringify(layer.name)}`;

/** bytes of an ArrayBuffer or typed array as a Uint8Array view, or null for anything else */
function bytesOf(v) {
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return null;
}

/* ---- model.json: the topology ------------------------------------------------------------------ */

/** model.json as an object: given as one, or parsed from its text */
function parseModelJson(modelJson) {
  if (typeof modelJson === 'string') {
    let parsed;
    try {
      parsed = JSON.parse(modelJson);
    } catch (e) {
      throw new Error(`fromTfjs: model.json is not valid JSON (${e.message})`);
    }
    if (!isObject(parsed)) throw new Error(`fromTfjs: model.json holds ${text(parsed)}, not an object`);
    return parsed;
  }
  if (!isObject(modelJson)) {
    throw new TypeError(`fromTfjs: modelJson must be the parsed model.json (an object) or its text, got ${show(modelJson)}`);
  }
  return modelJson;
}

/** the layers that a name-list entry such as [["dense", 0, 0]] or ["dense", 0, 0] names */
function endNames(list) {
  if (!Array.isArray(list)) return [];
  if (typeof list[0] === 'string') return [list[0]]; // one entry written flat
  return list.map((entry) => (Array.isArray(entry) ? entry[0] : entry));
}

/** the layer names each inbound node of a functional layer reads: Keras 2 and tfjs-layers write
 *  [[["input_1", 0, 0, {}]]], Keras 3 [{ args: [{ config: { keras_history: ["input_1", 0, 0] } }] }] */
function inboundNodes(raw) {
  const nodes = Array.isArray(raw.inbound_nodes) ? raw.inbound_nodes : [];
  return nodes.map((node) => {
    if (Array.isArray(node)) return typeof node[0] === 'string' ? [node[0]] : node.map((t) => t?.[0]);
    const found = [];
    const walk = (v) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (isObject(v)) {
        if (Array.isArray(v.config?.keras_history)) found.push(v.config.keras_history[0]);
        else Object.values(v).forEach(walk);
      }
    };
    walk(node?.args);
    return found;
  });
}

/** the layers of the topology in the order data flows through them: [{ cls, name, config }] */
function layerChain(json) {
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new Error(`fromTfjs: model.json has format ${show(json.format)}; only 'layers-model' ` +
      '(TensorFlow.js Layers / Keras) models can be read');
  }
  let top = json.modelTopology;
  // tensorflowjs_converter nests the Keras config as { keras_version, backend, model_config }
  if (isObject(top) && isObject(top.model_config)) top = top.model_config;
  if (!isObject(top)) throw new Error(`fromTfjs: model.json has no modelTopology object, got ${show(top)}`);
  const kind = top.class_name;
  if (kind !== 'Sequential' && kind !== 'Functional' && kind !== 'Model') {
    throw new Error(`fromTfjs: the model is a ${show(kind)}; only Sequential and Functional (Model) models can be read`);
  }
  // very old Keras Sequential configs are the layer list itself
  const list = Array.isArray(top.config) ? top.config : top.config?.layers;
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error('fromTfjs: modelTopology.config.layers must be a non-empty array of layers');
  }
  const layers = list.map((raw, i) => {
    if (!isObject(raw) || typeof raw.class_name !== 'string' || !isObject(raw.config)) {
      throw new Error(`fromTfjs: layer ${i} of the model needs a class_name and a config object`);
    }
    return { cls: raw.class_name, name: String(raw.config.name ?? raw.name ?? `#${i}`), config: raw.config, raw };
  });
  if (kind !== 'Sequential') checkChain(layers, top.config);
  return layers;
}

/** a functional model is read only when each layer takes the previous one's output, once */
function checkChain(layers, config) {
  layers.forEach((layer, i) => {
    const nodes = inboundNodes(layer.raw);
    if (i === 0) {
      if (nodes.length !== 0) throw new Error(`fromTfjs: the first layer ${named(layer)} takes inputs; expected an InputLayer`);
      return;
    }
    const prev = layers[i - 1].name;
    if (nodes.length !== 1 || nodes[0].length !== 1 || nodes[0][0] !== prev) {
      const from = nodes.flat().map((n) => JSON.stringify(n)).join(', ') || 'nothing';
      throw new Error(`fromTfjs: layer ${named(layer)} takes ${from}, not just the layer before it ` +
        `(${JSON.stringify(prev)}); only a single chain of layers can be read`);
    }
  });
  const first = layers[0].name;
  const last = layers[layers.length - 1].name;
  const inputs = endNames(config.input_layers);
  const outputs = endNames(config.output_layers);
  if (inputs.length !== 1 || inputs[0] !== first || outputs.length !== 1 || outputs[0] !== last) {
    throw new Error(`fromTfjs: the model's inputs are ${text(inputs)} and outputs ${text(outputs)}; ` +
      `only one input (${JSON.stringify(first)}) and one output (${JSON.stringify(last)}) can be read`);
  }
}

/** the input shape a layer's config declares, if any (Keras 3 InputLayer writes batch_shape) */
function declaredShape(config) {
  if (config.batch_input_shape !== undefined) return config.batch_input_shape;
  if (config.batch_shape !== undefined) return config.batch_shape;
  if (config.input_shape !== undefined) return [null].concat(config.input_shape);
  return undefined;
}

/** the Dense layers of the chain, checked: [{ cls, name, units, activation, useBias }], and
 *  the input size the model declares (or null) */
function denseLayers(layers) {
  let inputs = null;
  const dense = [];
  layers.forEach((layer, i) => {
    const shape = i === 0 ? declaredShape(layer.config) : undefined;
    if (shape !== undefined) {
      const ok = Array.isArray(shape) && shape.length === 2 && Number.isInteger(shape[1]) && shape[1] >= 1;
      if (!ok) {
        throw new Error(`fromTfjs: layer ${named(layer)} has input shape ${text(shape)}; only one row of features ` +
          '[null, n] can be read (Flatten is read only when the input is already 1-D)');
      }
      inputs = shape[1];
    }
    switch (layer.cls) {
      case 'InputLayer':
        if (i !== 0) throw new Error(`fromTfjs: layer ${named(layer)} is not the first layer`);
        return;
      case 'Dropout': // inference ignores dropout
      case 'Flatten': // of a 1-D input (checked above), a no-op
        return;
      case 'Dense': {
        const { units } = layer.config;
        if (!Number.isInteger(units) || units < 1) {
          throw new Error(`fromTfjs: layer ${named(layer)} has units ${show(units)}; expected a positive integer`);
        }
        dense.push({ ...layer, units, activation: layer.config.activation ?? 'linear',
          useBias: layer.config.use_bias !== false });
        return;
      }
      default:
        throw new Error(`fromTfjs: layer ${named(layer)} is not supported; nnwasm reads InputLayer, Dense, ` +
          'Dropout and Flatten (of a 1-D input) layers only');
    }
  });
  if (dense.length === 0) throw new Error('fromTfjs: the model has no Dense layer');
  return { inputs, dense };
}

/** the spec fields the activations give: { activation?, leakySlope?, hswishN?, output } */
function activations(dense) {
  const fields = {};
  const hidden = dense.slice(0, -1);
  hidden.forEach((layer) => {
    const act = HIDDEN[layer.activation];
    if (typeof layer.activation !== 'string' || !act) {
      throw new Error(`fromTfjs: layer ${named(layer)} has activation ${show(layer.activation)}; ` +
        `a hidden layer can have ${HIDDEN_NAMES}`);
    }
    if (layer.activation !== hidden[0].activation) {
      throw new Error(`fromTfjs: layer ${named(layer)} has activation ${show(layer.activation)} but layer ` +
        `${named(hidden[0])} has ${show(hidden[0].activation)}; nnwasm uses one activation for all hidden layers`);
    }
    Object.assign(fields, act);
  });
  const last = dense[dense.length - 1];
  if (typeof last.activation !== 'string' || !OUTPUT[last.activation]) {
    throw new Error(`fromTfjs: the last layer ${named(last)} has activation ${show(last.activation)}; ` +
      "the output layer can have 'softmax', 'sigmoid' or 'linear'");
  }
  fields.output = OUTPUT[last.activation];
  return fields;
}

/* ---- model.json: the weights manifest ---------------------------------------------------------- */

/** every manifest entry with its byte offset in the joined data: [{ name, shape, dtype,
 *  quantization, offset, size }], the total byte count and the number of shard paths */
function manifestEntries(json) {
  let groups = json.weightsManifest;
  // the artifacts of tf.io.withSaveHandler carry weightSpecs instead of a manifest
  if (groups === undefined && Array.isArray(json.weightSpecs)) groups = [{ weights: json.weightSpecs }];
  if (!Array.isArray(groups) || !groups.every((g) => isObject(g) && Array.isArray(g.weights) &&
      (g.paths === undefined || Array.isArray(g.paths)))) {
    throw new Error(`fromTfjs: model.json needs a weightsManifest: an array of { paths, weights } groups, got ${show(groups)}`);
  }
  const entries = [];
  let offset = 0;
  let paths = 0;
  groups.forEach((group, g) => {
    paths += group.paths?.length ?? 0;
    group.weights.forEach((w, k) => {
      const ok = isObject(w) && typeof w.name === 'string' && Array.isArray(w.shape) &&
        w.shape.every((n) => Number.isInteger(n) && n >= 0) && typeof w.dtype === 'string';
      if (!ok) {
        throw new Error(`fromTfjs: weightsManifest[${g}].weights[${k}] needs a string name, a shape of ` +
          'non-negative integers and a dtype');
      }
      const stored = isObject(w.quantization) ? w.quantization.dtype : w.dtype;
      const bytes = DTYPE_BYTES[stored];
      if (bytes === undefined) {
        throw new Error(`fromTfjs: weight ${JSON.stringify(w.name)} is stored as ${show(stored)}, whose size is ` +
          'unknown, so the weight data cannot be laid out');
      }
      const size = w.shape.reduce((p, n) => p * n, 1) * bytes;
      entries.push({ ...w, offset, size });
      offset += size;
    });
  });
  return { entries, total: offset, paths };
}

/** the weight data as one Uint8Array: one buffer, or the shards joined in order */
function joinData(weightData, paths) {
  const single = bytesOf(weightData);
  if (single) return single;
  if (!Array.isArray(weightData)) {
    throw new TypeError('fromTfjs: weightData must be an ArrayBuffer, a typed array or an array of them ' +
      `(the shards in weightsManifest order), got ${show(weightData)}`);
  }
  const parts = weightData.map((shard, i) => {
    const b = bytesOf(shard);
    if (!b) throw new TypeError(`fromTfjs: weightData[${i}] must be an ArrayBuffer or a typed array, got ${show(shard)}`);
    return b;
  });
  if (paths > 0 && parts.length !== paths) {
    throw new RangeError(`fromTfjs: weightData has ${parts.length} shards but the weightsManifest lists ${paths} paths`);
  }
  const out = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of parts) { out.set(b, at); at += b.length; }
  return out;
}

/** the one manifest entry holding `<layer>/<kind>`: the exact name, else one whose name ends
 *  with "/<layer>/<kind>" (weights saved under a model scope, such as "sequential/dense/kernel") */
function findWeight(entries, layer, kind) {
  const want = `${layer.name}/${kind}`;
  let found = entries.filter((e) => e.name === want);
  if (found.length === 0) found = entries.filter((e) => e.name.endsWith(`/${want}`));
  if (found.length === 0) {
    throw new Error(`fromTfjs: the weightsManifest has no weight ${JSON.stringify(want)} for layer ${named(layer)}`);
  }
  if (found.length > 1) {
    throw new Error(`fromTfjs: the weightsManifest has ${found.length} weights named like ${JSON.stringify(want)} ` +
      `(${found.map((e) => JSON.stringify(e.name)).join(', ')}); expected one`);
  }
  return found[0];
}

/** the float32 values of an entry, its shape checked against the layer */
function readWeight(entry, data, shape, layer) {
  if (isObject(entry.quantization)) {
    throw new Error(`fromTfjs: weight ${JSON.stringify(entry.name)} is quantized to ${show(entry.quantization.dtype)}; ` +
      'only float32 weights can be read (convert the model without quantization)');
  }
  if (entry.dtype !== 'float32') {
    throw new Error(`fromTfjs: weight ${JSON.stringify(entry.name)} is ${show(entry.dtype)}; only float32 weights can be read`);
  }
  if (entry.shape.length !== shape.length || entry.shape.some((n, i) => n !== shape[i])) {
    throw new Error(`fromTfjs: weight ${JSON.stringify(entry.name)} has shape ${text(entry.shape)}; layer ` +
      `${named(layer)} needs ${text(shape)}`);
  }
  // slice() copies into a fresh, aligned buffer; tfjs writes little-endian, as every engine we run on is
  const values = new Float32Array(data.slice(entry.offset, entry.offset + entry.size).buffer);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new RangeError(`fromTfjs: weight ${JSON.stringify(entry.name)} holds ${values[bad]} at index ${bad}; ` +
      'every value must be finite');
  }
  return values;
}

/* ---- import ------------------------------------------------------------------------------------- */

/**
 * Read a TensorFlow.js Layers / Keras model of Dense layers.
 * @param {object|string} modelJson model.json, parsed or as text
 * @param {ArrayBuffer|ArrayBufferView|Array<ArrayBuffer|ArrayBufferView>} weightData all the
 *   weights in manifest order, or the shards in the order of the manifest's paths
 * @param {object} [options] the rest of the spec (loss, optimizer, ...); what the file records
 *   (layers, activation, output, and leakySlope / hswishN when an activation implies them) wins,
 *   and an option that contradicts it is a RangeError
 * @returns {{ spec: object, weights: Float32Array[] }} for Network.fromWeights
 */
export function tfjsToWeights(modelJson, weightData, options = {}) {
  const json = parseModelJson(modelJson);
  if (!isObject(options)) {
    throw new TypeError(`fromTfjs: options must be an object (the rest of the spec), got ${show(options)}`);
  }
  const { inputs, dense } = denseLayers(layerChain(json));
  const fields = activations(dense);
  const { entries, total, paths } = manifestEntries(json);
  const data = joinData(weightData, paths);
  if (data.length !== total) {
    throw new RangeError(`fromTfjs: weightData has ${data.length} bytes but the weightsManifest describes ${total}`);
  }

  const weights = [];
  const sizes = [];
  dense.forEach((layer, l) => {
    const kernel = findWeight(entries, layer, 'kernel');
    // the first layer's input size comes from the declared shape, else from its kernel
    const fanIn = l > 0 ? dense[l - 1].units : inputs ?? kernel.shape[0];
    if (l === 0) sizes.push(fanIn);
    sizes.push(layer.units);
    weights.push(readWeight(kernel, data, [fanIn, layer.units], layer));
    weights.push(layer.useBias ? readWeight(findWeight(entries, layer, 'bias'), data, [layer.units], layer)
      : new Float32Array(layer.units)); // use_bias false: a zero bias
  });

  const spec = importedSpec({ layers: sizes, ...fields }, options, (key, given, value) => {
    throw new RangeError(`fromTfjs: options.${key} is ${text(given)} but the model gives ${text(value)}`);
  });
  return { spec, weights };
}

/* ---- export ------------------------------------------------------------------------------------- */

/**
 * A network as a TensorFlow.js Layers model: a Sequential of Dense layers named dense_1,
 * dense_2, ... with one weight file. Write modelJson as model.json and weightData beside it as
 * "weights.bin" for tf.loadLayersModel(url), or pass them to tf.io.fromMemory.
 * @param {object} spec the network's complete spec (net.spec)
 * @param {Float32Array[]} weights [W1, b1, W2, b2, ...] (net.weights())
 * @returns {{ modelJson: object, weightData: ArrayBuffer }}
 */
export function networkToTfjs(spec, weights) {
  const { layers } = spec;
  const count = layers.length - 1;
  const fits = Array.isArray(weights) && weights.length === 2 * count && weights.every((w, i) =>
    w instanceof Float32Array && w.length === (i % 2 ? 1 : layers[i >> 1]) * layers[(i >> 1) + 1]);
  if (!fits) {
    throw new RangeError(`toTfjs: weights must be ${2 * count} Float32Arrays [W1, b1, ...] fitting ` +
      `spec.layers ${layers.join('-')}`);
  }
  const hidden = TO_TFJS_HIDDEN[spec.activation];
  if (count > 1 && !hidden) {
    throw new Error(`toTfjs: TensorFlow.js Layers has no ${show(spec.activation)} activation for Dense layers ` +
      "(it has 'sigmoid', 'tanh', 'relu', 'swish' and 'mish'); export this network with toOnnx() instead");
  }
  const config = [];
  const specs = [];
  for (let l = 0; l < count; l++) {
    const name = `dense_${l + 1}`;
    const layer = { name, trainable: true, dtype: 'float32', units: layers[l + 1],
      activation: l + 1 < count ? hidden : TO_TFJS_OUTPUT[spec.output], use_bias: true };
    if (l === 0) layer.batch_input_shape = [null, layers[0]];
    config.push({ class_name: 'Dense', config: layer });
    specs.push({ name: `${name}/kernel`, shape: [layers[l], layers[l + 1]], dtype: 'float32' },
      { name: `${name}/bias`, shape: [layers[l + 1]], dtype: 'float32' });
  }
  const all = new Float32Array(weights.reduce((n, w) => n + w.length, 0));
  let at = 0;
  for (const w of weights) { all.set(w, at); at += w.length; }
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'nnwasm',
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'sequential', layers: config },
      keras_version: 'nnwasm', backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  return { modelJson, weightData: all.buffer };
}
