/*
 * nnwasm.h — the whole public C API of nnwasm, a small MLP training library.
 *
 * Read top to bottom as a manual: version, export macro, status codes, enums, spec structs,
 * the network handle, training, prediction, model files, gradient check, datasets, and the
 * memory helpers used by the JavaScript binding.
 *
 * Conventions used throughout:
 *   - Matrices are row-major f32, one row per sample: x[r * cols + c].
 *   - Shapes are written as (rows, cols); B = batch rows, I = inputs, O = outputs.
 *   - Every fallible function returns an nn_status. On failure a message naming the problem is
 *     kept in the net (nn_net_last_error) or written to the nn_error the caller passed.
 *   - The library never prints, exits or aborts, and keeps no global mutable state: every
 *     RNG, scratch buffer and error message lives in an nn_net or in caller memory.
 *   - Public functions never return memory the caller must free, except nn_net_create and
 *     nn_model_load, which pair with nn_net_free.
 */
#ifndef NNWASM_H
#define NNWASM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- version ---------------------------------------------------------------------------- */

#define NN_VERSION_MAJOR 0
#define NN_VERSION_MINOR 1
#define NN_VERSION_PATCH 0
#define NN_VERSION_NUMBER (NN_VERSION_MAJOR * 10000 + NN_VERSION_MINOR * 100 + NN_VERSION_PATCH)

/* ---- export macro ----------------------------------------------------------------------- */

#if defined(__EMSCRIPTEN__)
#include <emscripten/emscripten.h>
#define NN_API EMSCRIPTEN_KEEPALIVE
#elif defined(__GNUC__)
#define NN_API __attribute__((visibility("default")))
#else
#define NN_API
#endif

/** @return NN_VERSION_NUMBER of the library actually linked. */
NN_API int nn_version(void);

/* ---- status codes ------------------------------------------------------------------------
 * Values are pinned: they cross into JavaScript and into scripts. Only ever append. */

typedef enum {
    NN_OK = 0,
    NN_ERR_ARG = 1,         /* an argument is invalid (size, range, NaN, null pointer, enum) */
    NN_ERR_NOMEM = 2,       /* an allocation failed or a size would overflow memory */
    NN_ERR_FORMAT = 3,      /* a file's contents are malformed (bad enum, absurd size, ...) */
    NN_ERR_VERSION = 4,     /* a model file from a format version this library cannot read */
    NN_ERR_CHECKSUM = 5,    /* a model file's checksum does not match its contents */
    NN_ERR_STATE = 6,       /* the call is not allowed now (e.g. fit_steps without fit_begin) */
    NN_ERR_NONFINITE = 7,   /* training produced a non-finite loss, gradient or weight */
    NN_ERR_TRUNCATED = 8,   /* a buffer ends before the data its header announces */
    NN_ERR_MAGIC = 9,       /* a buffer does not start with the expected magic number */
    NN_ERR_CAPACITY = 10    /* a caller buffer is too small for the output */
} nn_status;

/** @return a static, never-NULL English name for a status ("invalid argument", ...). */
NN_API const char *nn_status_str(int status);

/** Message holder for functions that fail before a net exists (create, load, datasets).
 *  Any such function accepts NULL when the caller does not want the message. */
typedef struct {
    char message[256];
} nn_error;

/* ---- enums (explicit values: they are written into model files) -------------------------- */

typedef enum {
    NN_ACT_SIGMOID = 0,
    NN_ACT_TANH = 1,
    NN_ACT_RELU = 2,
    NN_ACT_LEAKY_RELU = 3,  /* x > 0 ? x : slope·x  (slope also for x = 0)    (spec.leaky_slope) */
    NN_ACT_SWISH = 4,       /* x·sigmoid(x)                                                    */
    NN_ACT_MISH = 5,        /* x·tanh(softplus(x))                                              */
    NN_ACT_HSWISH = 6,      /* x·ReLU_n(x + n/2)/n, ReLU_n clips to [0, n]      (spec.hswish_n) */
    NN_ACT_TANHEXP = 7,     /* x·tanh(eˣ)                                                       */
    /* 8..12 are the C core's only, for now: the JavaScript API and its model formats refuse
     * them until they learn their names (issue #14). */
    NN_ACT_ELU = 8,         /* x > 0 ? x : α(eˣ − 1): α = 1 in the MLP shorthand, a layer's
                               act_param (default 1) in a layer list                            */
    NN_ACT_GELU = 9,        /* x·Φ(x) = ½x(1 + erf(x/√2)), Φ the standard normal CDF (exact)    */
    NN_ACT_GELU_TANH = 10,  /* ½x(1 + tanh(√(2/π)(x + 0.044715x³))), GELU's tanh approximation  */
    NN_ACT_RELU6 = 11,      /* min(max(x, 0), 6)                                                */
    NN_ACT_SOFTPLUS = 12,   /* ln(1 + eˣ)                                                       */
    NN_ACT_COUNT = 13
} nn_activation;

typedef enum {
    NN_OUT_SOFTMAX = 0,
    NN_OUT_SIGMOID = 1,
    NN_OUT_IDENTITY = 2,
    NN_OUT_COUNT = 3
} nn_output;

typedef enum {
    /* Cross-entropy averaged over the batch. With softmax: −(1/B)Σ log y[label];
     * with sigmoid: elementwise binary cross-entropy. Gradient at the logits is (y − t)/B. */
    NN_LOSS_CROSS_ENTROPY = 0,
    /* Sum of squares ½Σ(y − t)² per row, averaged over the batch. Any output. */
    NN_LOSS_MSE = 1,
    NN_LOSS_COUNT = 2
} nn_loss;

typedef enum {
    NN_OPT_SGD = 0,         /* w −= η·g                                                          */
    NN_OPT_MOMENTUM = 1,    /* v = μv − η·g; w += v                                              */
    NN_OPT_NESTEROV = 2,    /* v' = μv − η·g; w += −μv + (1 + μ)v'                               */
    NN_OPT_ADAGRAD = 3,     /* h += g²; w −= η·g/(√h + ε)                                        */
    NN_OPT_RMSPROP = 4,     /* h = ρh + (1 − ρ)g²; w −= η·g/(√h + ε)                             */
    NN_OPT_ADAM = 5,        /* m, v moving averages (β1, β2), bias-corrected; w −= η·m̂/(√v̂ + ε) */
    NN_OPT_COUNT = 6
} nn_optimizer;

typedef enum {
    NN_INIT_GAUSSIAN = 0,   /* N(0, init_std²)                                                   */
    NN_INIT_XAVIER = 1,     /* N(0, 1/fan_in)                                                    */
    NN_INIT_HE = 2,         /* N(0, 2/fan_in)                                                    */
    NN_INIT_COUNT = 3
} nn_init;

typedef enum {
    NN_SCHED_CONSTANT = 0,  /* η                                                                  */
    NN_SCHED_STEP = 1,      /* η·γ^floor(s / step_size)                                           */
    NN_SCHED_EXPONENTIAL = 2, /* η·γ^(s / step_size)                                              */
    NN_SCHED_COSINE = 3,    /* η_min + (η − η_min)·(1 + cos(π·min(s, S)/S))/2, S = step_size      */
    NN_SCHED_COUNT = 4
} nn_schedule;

/* ---- spec structs --------------------------------------------------------------------------
 * Plain values, no pointers. Start from nn_spec_default() and change what you need; every
 * field is checked by nn_net_create, and the whole spec is written into model files. */

#define NN_MAX_LAYERS 16    /* sizes in nn_spec.layers, input and output included */
#define NN_MAX_UNITS 65536  /* largest allowed layer size */

typedef struct {
    int32_t type;           /* nn_optimizer. Default NN_OPT_SGD.                               */
    float lr;               /* learning rate η > 0. Default 0.01.                               */
    float momentum;         /* μ in [0, 1) for momentum and nesterov. Default 0.9.              */
    float rho;              /* ρ in [0, 1) for rmsprop. Default 0.99.                           */
    float beta1;            /* β1 in [0, 1) for adam. Default 0.9.                              */
    float beta2;            /* β2 in [0, 1) for adam. Default 0.999.                            */
    float eps;              /* ε > 0 for adagrad, rmsprop and adam. Default 1e-7.               */
} nn_optimizer_spec;

typedef struct {
    int32_t type;           /* nn_schedule. Default NN_SCHED_CONSTANT.                          */
    int32_t step_size;      /* steps per decay period (step, exponential) or the cosine length
                               S; > 0 when type is not constant. Default 0.                     */
    float gamma;            /* decay factor in (0, 1] for step and exponential. Default 0.5.    */
    float min_lr;           /* η_min ≥ 0 for cosine. Default 0.                                 */
} nn_schedule_spec;

/* ---- networks as layer lists ----------------------------------------------------------------
 * A network is an input shape plus an ordered list of typed layers (nn_spec.input, .items).
 * Tensors are NHWC, as in TensorFlow: each row of the data is one image of height H, width W
 * and C channels, channels last, x[(h·W + w)·C + c], so a row has H·W·C values. An MLP's
 * input is (1, 1, n). Every layer's output shape follows from its input's and is checked at
 * creation (nn_spec_validate says why a list is refused: "layer 2 (conv2d): kernel 7×7 is
 * larger than its 5×5 input"). The last layer is dense: its units are the net's outputs, which
 * go through spec.output and the loss as in an MLP.
 *
 * The MLP spec (n_items = 0: layer sizes, one hidden activation, dropout) is a shorthand for
 * the list dense(layers[1], activation) [dropout(rate)] … dense(layers[n − 1]) on input
 * (1, 1, layers[0]); both forms of one net create the same weights and train to the same bits.
 *
 * Parameters: each dense and conv2d layer in order has its weights W then its bias b, in the one
 * block of nn_params: dense W (I, O), I = H·W·C of its input; conv2d W (KH, KW, C, F), i.e. the
 * matrix (KH·KW·C, F), W[((kh·KW + kw)·C + c)·F + f]; b (O) or (F). Init (He, Xavier) takes
 * fan_in = I for dense, KH·KW·C for conv2d. */

#define NN_MAX_ITEMS 32     /* layers in nn_spec.items */

typedef enum {
    /* units outputs; z = x·W + b, then the activation (hidden) or spec.output (last). After a
     * conv2d or a pool its input is flattened implicitly, in NHWC order (as flatten does).
     * Fields: units, activation, act_param. */
    NN_LAYER_DENSE = 0,
    /* units filters of kernel_h × kernel_w over every input channel, stride_h × stride_w,
     * padding; y = conv(x, W) + b, then the activation. Output (OH, OW, units), OH = ⌊(H −
     * KH)/sh⌋ + 1 with 'valid', ⌈H/sh⌉ with 'same' (TensorFlow's rule); the same for the width.
     * Fields: units, kernel_h, kernel_w, stride_h, stride_w, padding, activation, act_param. */
    NN_LAYER_CONV2D = 1,
    /* the maximum of each kernel_h × kernel_w window per channel, windows stride_h × stride_w
     * apart ('same' padding is never the maximum). Fields: kernel_*, stride_*, padding. */
    NN_LAYER_MAXPOOL2D = 2,
    /* the mean of each window per channel ('same' padding is not counted). Fields as maxpool. */
    NN_LAYER_AVGPOOL2D = 3,
    /* (H, W, C) → (1, 1, H·W·C), NHWC order; changes nothing in memory. No fields. */
    NN_LAYER_FLATTEN = 4,
    /* inverted dropout while training: each value is zeroed with probability rate, the others
     * scaled by 1/(1 − rate); the identity in predict and evaluate. Shape unchanged.
     * Fields: rate in [0, 1). */
    NN_LAYER_DROPOUT = 5,
    NN_LAYER_COUNT = 6
} nn_layer_type;

typedef enum {
    NN_PAD_VALID = 0,       /* windows only where they fit inside the input                    */
    NN_PAD_SAME = 1         /* zeros around the input so that O = ⌈I/stride⌉ (TensorFlow's 'same':
                               the smaller half of the padding before)                          */
} nn_padding;

/* One layer of nn_spec.items. The fields a type does not list above must be 0, so that one
 * net has one description (and one model file). */
typedef struct {
    int32_t type;           /* nn_layer_type                                                    */
    int32_t units;          /* dense: outputs; conv2d: filters. 1..NN_MAX_UNITS                 */
    int32_t kernel_h;       /* conv2d kernel, pool window: >= 1                                 */
    int32_t kernel_w;
    int32_t stride_h;       /* conv2d and pools: >= 1                                           */
    int32_t stride_w;
    int32_t padding;        /* conv2d and pools: nn_padding                                     */
    int32_t activation;     /* dense and conv2d: nn_activation. The last layer's must be 0 (it
                               has spec.output instead)                                         */
    float act_param;        /* the activation's parameter: leaky_relu's slope in [-1, 1],
                               hswish's n > 0, ELU's α > 0; 0 = the default (spec.leaky_slope,
                               spec.hswish_n, α = 1). Must be 0 for the other activations       */
    float rate;             /* dropout: in [0, 1)                                               */
} nn_layer;

typedef struct {
    int32_t n_layers;       /* the MLP shorthand (n_items = 0): how many entries of layers are
                               used, 2..NN_MAX_LAYERS. 0 with a layer list                      */
    int32_t layers[NN_MAX_LAYERS]; /* sizes, input first, output last: each 1..NN_MAX_UNITS     */
    int32_t activation;     /* shorthand: nn_activation of every hidden layer (unused with a
                               layer list, but still a known value). Default NN_ACT_RELU.       */
    int32_t output;         /* nn_output. Default NN_OUT_SOFTMAX.                               */
    int32_t loss;           /* nn_loss. Default NN_LOSS_CROSS_ENTROPY (needs softmax or sigmoid
                               output).                                                         */
    int32_t init;           /* nn_init. Default NN_INIT_HE.                                     */
    float init_std;         /* std of NN_INIT_GAUSSIAN, > 0. Default 0.01.                      */
    float leaky_slope;      /* slope of leaky_relu for x <= 0, in [-1, 1]. Default 0.01.        */
    float hswish_n;         /* width n of hswish, finite and > 0. Default 6.                    */
    float weight_decay;     /* λ ≥ 0: loss += λ/2·ΣW², grad += λW (weights only). Default 0.    */
    float clip_norm;        /* clip the global L2 norm of the gradient to this; 0 = off.        */
    float dropout;          /* shorthand: inverted-dropout rate in [0, 1) after each hidden
                               layer. 0 with a layer list (dropout is a layer there). Default 0. */
    float flood;            /* Flooding level b ≥ 0; 0 = off. Default 0.                        */
    uint32_t seed;          /* seeds every random choice of this net. Default 42.               */
    nn_optimizer_spec opt;
    nn_schedule_spec schedule;
    /* the layer list (appended, so the fields above keep their offsets) */
    int32_t input[3];       /* input shape (height, width, channels), each >= 1, when n_items
                               > 0; zeros for the shorthand                                     */
    int32_t n_items;        /* layers in items: 0 = the MLP shorthand above, else 1..NN_MAX_ITEMS */
    nn_layer items[NN_MAX_ITEMS]; /* the layers, input side first; the last is dense            */
} nn_spec;

/** @return a spec with every default above, n_layers = 0 and n_items = 0 (the caller sets the
 *  sizes or the layer list). */
NN_API nn_spec nn_spec_default(void);

/** Judge a spec exactly as nn_net_create does, without allocating anything.
 * @param param_count  optional: receives the number of f32 parameters of the net the spec
 *                     describes (Σ(in + 1)·out for an MLP); 0 on failure
 * @param err          optional: receives nn_net_create's message on failure
 * @return NN_OK or NN_ERR_ARG (a field is invalid). nn_net_create may still fail with
 *         NN_ERR_NOMEM for a valid spec. */
NN_API nn_status nn_spec_validate(const nn_spec *spec, size_t *param_count, nn_error *err);

/* ---- the network ----------------------------------------------------------------------- */

typedef struct nn_net nn_net;

/** Create a network from a spec: parameters initialised from spec->seed, biases zero.
 * @param spec  read during the call only
 * @param out   receives the net (owned by the caller, release with nn_net_free); NULL on error
 * @param err   optional: receives a message naming the problem on failure
 * @return NN_OK, NN_ERR_ARG (a field is invalid) or NN_ERR_NOMEM. */
NN_API nn_status nn_net_create(const nn_spec *spec, nn_net **out, nn_error *err);

/** Release a net and everything it owns. NULL is allowed. */
NN_API void nn_net_free(nn_net *net);

/** @return the message of the last failed call on this net ("" if none). Owned by the net,
 *  valid until the next call on it. */
NN_API const char *nn_net_last_error(const nn_net *net);

/** Copy the spec the net was created with (or loaded with) into *spec. */
NN_API void nn_net_spec(const nn_net *net, nn_spec *spec);

/** Replace the learning-rate schedule, checked as nn_net_create checks spec.schedule. It is
 * part of the spec, so model files keep it.
 * @return NN_OK, NN_ERR_ARG or NN_ERR_STATE (during a fit session). */
NN_API nn_status nn_net_set_schedule(nn_net *net, const nn_schedule_spec *schedule);

/** @return the number of f32 parameters (all weights and biases). */
NN_API size_t nn_param_count(const nn_net *net);

/** @return the parameter block: for each dense or conv2d layer in order, its W row-major then
 *  its b (see "networks as layer lists"; for an MLP W_l (in_l, out_l), b_l (out_l)). Owned by
 *  the net; valid until nn_net_free. Writing to it changes the model. */
NN_API float *nn_params(nn_net *net);

/** @return the gradient block of the last training step or gradient computation, laid out
 *  like nn_params. Owned by the net; valid until nn_net_free. */
NN_API const float *nn_grads(const nn_net *net);

/* ---- data --------------------------------------------------------------------------------
 * A view of caller memory: the library reads it during the calls that take it and, for
 * nn_fit_begin, until nn_fit_end. Exactly one of x / x_u8 and exactly one of labels / targets
 * is non-NULL. x_u8 bytes are read as value/255, so image sets can stay one byte per pixel. */

typedef struct {
    const float *x;         /* (rows, cols) inputs, finite                                     */
    const uint8_t *x_u8;    /* (rows, cols) inputs as bytes, read as value/255                 */
    const int32_t *labels;  /* (rows) class indices in [0, outputs); 0 or 1 for one output     */
    const float *targets;   /* (rows, outputs) targets (one-hot rows for classification)       */
    int32_t rows;           /* > 0                                                             */
    int32_t cols;           /* must equal the net's input size                                 */
} nn_data;

/* ---- training in chunks ----------------------------------------------------------------- */

/* Data augmentation for image inputs: seeded random affine transforms of each training sample,
 * drawn anew each time the sample is gathered into a batch (so per sample per epoch), applied
 * in C to the gathered batch before the forward pass. Training only: nn_predict, nn_evaluate,
 * nn_grad_check and validation never see it. All zero (a zeroed struct, the default) is off,
 * and then nothing is drawn: training gives exactly the bits it gives without this option.
 *
 * For a net whose input (spec.input) is an image: a layer list whose input has height or
 * width above 1. Each image (H, W, C) moves about its centre ((W − 1)/2, (H − 1)/2), x the
 * column rightwards and y the row downwards, by p_out = centre + T + R(θ)·Sh(φ)·s·(p_in −
 * centre): T the shift, R(θ) the rotation (positive θ turns the content clockwise as shown),
 * Sh(φ) = [1, tan φ; 0, 1] the shear, s the zoom. The output is resampled bilinearly by the
 * inverse map; pixels from outside the image read 0 (the background). Per sample, five
 * uniforms u in (−1, 1) give T = (shift·W·u₁, shift·H·u₂), θ = rotate·u₃, s = 1 + scale·u₄,
 * φ = shear·u₅, from a generator of its own (seeded from spec.seed, kept in checkpoints), so
 * that the shuffle and dropout draws do not change when augmentation is turned on or off.
 * Deterministic for a seed: the same bits natively and in WebAssembly. */
typedef struct {
    float shift;            /* max |translation| as a fraction of the width and height, in
                               [0, 1]. 0.1 moves a 28-pixel digit by up to 2.8 pixels.         */
    float rotate;           /* max |rotation| in degrees, [0, 180]                             */
    float scale;            /* max relative zoom: the factor is in [1 − scale, 1 + scale];
                               [0, 1)                                                          */
    float shear;            /* max |shear angle| in degrees, [0, 90)                           */
} nn_augment_spec;

typedef struct {
    int32_t epochs;         /* > 0. Default 1.                                                  */
    int32_t batch_size;     /* > 0; capped at rows. Default 32.                                 */
    int32_t shuffle;        /* nonzero: a new seeded permutation each epoch. Default 1.         */
    int32_t resume;         /* nonzero: continue the session held by a loaded checkpoint
                               instead of starting at epoch 0. Default 0.                       */
    nn_augment_spec augment; /* data augmentation of the training batches (above). Default all
                               0: off. Only for an image input (NN_ERR_ARG otherwise)           */
} nn_fit_opts;

/** @return the defaults above. */
NN_API nn_fit_opts nn_fit_opts_default(void);

typedef struct {
    int64_t step;           /* optimizer steps done in this session                            */
    int64_t total_steps;    /* steps the whole session will take                               */
    int32_t epoch;          /* completed epochs in this session                                */
    int32_t epochs;         /* epochs of the session                                           */
    int32_t batch;          /* batches done in the current epoch                               */
    int32_t batches_per_epoch;
    int32_t epoch_end;      /* 1 when the last step finished an epoch                          */
    int32_t done;           /* 1 when every epoch is done                                      */
    double loss;            /* mean training loss over the current epoch so far (after an
                               epoch end: over that whole epoch), with weight decay and
                               Flooding as optimised                                            */
    double accuracy;        /* fraction of rows classified right, same span as loss            */
    double batch_loss;      /* loss of the last step's batch                                   */
    float lr;               /* learning rate used by the last step                             */
} nn_progress;

/** Start (or, with opts->resume, continue) a training session on data.
 * Sizes every workspace once for opts->batch_size rows (and, with augmentation, a batch of
 * untransformed images); the step loop then allocates nothing.
 * Checks the data: sizes, finiteness of every input and target, labels in range; and the
 * augmentation ranges (each finite and in its range; on only for an image input).
 * @param data  viewed, not copied: keep it alive and unchanged until nn_fit_end
 * @param opts  NULL for nn_fit_opts_default()
 * @return NN_OK, NN_ERR_ARG, NN_ERR_NOMEM, or NN_ERR_STATE (a session is already open, or
 *         resume was asked without a matching checkpoint session: the same rows, batch size,
 *         shuffle and augmentation ranges). */
NN_API nn_status nn_fit_begin(nn_net *net, const nn_data *data, const nn_fit_opts *opts);

/** Run at most max_steps optimizer steps (> 0), stopping early at the end of an epoch or of
 * the session, and report where training stands. Weights change only by whole steps.
 * @param progress  optional: receives the state after the last step
 * @return NN_OK; NN_ERR_ARG (net NULL, max_steps < 1); NN_ERR_STATE without a session;
 *         NN_ERR_NONFINITE when a step produced a non-finite loss, gradient, weight or
 *         optimizer state (reported as "weights"), in which case the weights and optimizer
 *         state of the last good step are kept and the session is closed. */
NN_API nn_status nn_fit_steps(nn_net *net, int32_t max_steps, nn_progress *progress);

/** Close the session (if any) and release its workspace. Always safe to call. */
NN_API void nn_fit_end(nn_net *net);

/* ---- inference ------------------------------------------------------------------------- */

/** Forward pass without dropout.
 * @param x    (rows, inputs) finite inputs
 * @param out  (rows, outputs) caller buffer; cap is its length in floats
 * @return NN_OK, NN_ERR_ARG, NN_ERR_CAPACITY or NN_ERR_NOMEM. */
NN_API nn_status nn_predict(nn_net *net, const float *x, int32_t rows, float *out, size_t cap);

/** Mean data loss (no weight decay, no Flooding) and accuracy over data, without dropout.
 * Accuracy compares argmax of the output with the label (or the target's argmax); a single
 * output counts as right when output and target fall on the same side of 0.5.
 * @param loss, accuracy  outputs; either may be NULL
 * @return NN_OK, NN_ERR_ARG (the data: as nn_fit_begin checks it) or NN_ERR_NOMEM. */
NN_API nn_status nn_evaluate(nn_net *net, const nn_data *data, double *loss, double *accuracy);

/* ---- model files ------------------------------------------------------------------------
 * The format is documented in docs/FORMAT.md. A model holds the spec and the parameters; a
 * checkpoint also holds optimizer state, RNG states and the training cursor, so a session
 * saved, loaded and resumed ends bit-identical to one that never stopped. */

/** @return the exact byte size nn_model_save will write (checkpoint: nonzero for the variant
 *  with optimizer state and cursor); 0 when net is NULL. */
NN_API size_t nn_model_size(const nn_net *net, int checkpoint);

/** Write the model (or checkpoint) into dst.
 * @param cap  length of dst in bytes; at least nn_model_size(net, checkpoint)
 * @return NN_OK, NN_ERR_ARG (net or dst is NULL) or NN_ERR_CAPACITY (the message gives both
 *         sizes). */
NN_API nn_status nn_model_save(nn_net *net, int checkpoint, uint8_t *dst, size_t cap);

/** Build a net from a model or checkpoint file in memory. Every length, enum, size and the
 * checksum are checked before anything is allocated.
 * @param out  receives the new net (free with nn_net_free); NULL on failure
 * @return NN_OK, NN_ERR_TRUNCATED, NN_ERR_MAGIC, NN_ERR_VERSION, NN_ERR_CHECKSUM,
 *         NN_ERR_FORMAT, NN_ERR_ARG (NULL pointers) or NN_ERR_NOMEM. */
NN_API nn_status nn_model_load(const uint8_t *src, size_t len, nn_net **out, nn_error *err);

/* ---- gradient check --------------------------------------------------------------------- */

/** Compare backpropagation with central differences (f(w+h) − f(w−h))/2h for every
 * parameter on data (no dropout; weight decay and Flooding included), loss in double.
 * Relative error per parameter: |a − n| / max(|a|, |n|, 1e-3).
 * Parameters are restored exactly afterwards; nn_grads() then holds the analytic gradient.
 * @param h      step, > 0 (1e-2 suits f32 nets with losses of order 1)
 * @param worst  receives the worst relative error
 * @return NN_OK, NN_ERR_ARG, NN_ERR_STATE (during a fit session) or NN_ERR_NOMEM. */
NN_API nn_status nn_grad_check(nn_net *net, const nn_data *data, float h, double *worst);

/* ---- datasets --------------------------------------------------------------------------- */

typedef struct {
    int32_t magic;          /* 2051 images or 2049 labels                                      */
    int32_t count;          /* items                                                           */
    int32_t rows, cols;     /* image size (1, 1 for labels)                                    */
    size_t offset;          /* byte offset of the first item's data in the buffer: the pixels
                               there can serve directly as nn_data.x_u8                         */
} nn_idx_info;

/** Parse an IDX header (unsigned-byte data: 3 big-endian dimensions count, rows, cols for
 * images, 1 for labels) and check that the buffer holds exactly the bytes it announces.
 * Every size and their product must fit int32.
 * @return NN_OK; NN_ERR_ARG (NULL, empty); NN_ERR_TRUNCATED (header or data cut short);
 *         NN_ERR_MAGIC; NN_ERR_FORMAT (zero or overflowing sizes, trailing bytes). */
NN_API nn_status nn_idx_parse(const uint8_t *buf, size_t len, nn_idx_info *info, nn_error *err);

/** Decode an IDX image file into (count, rows·cols) floats scaled to 0..1 (value/255).
 * @param cap  length of dst in floats
 * @return as nn_idx_parse, plus NN_ERR_FORMAT for a label file and NN_ERR_CAPACITY. */
NN_API nn_status nn_idx_images(const uint8_t *buf, size_t len, float *dst, size_t cap,
                               nn_error *err);

/** Decode an IDX label file into count class indices.
 * @param cap  length of dst in items
 * @return as nn_idx_parse, plus NN_ERR_FORMAT for an image file and NN_ERR_CAPACITY. */
NN_API nn_status nn_idx_labels(const uint8_t *buf, size_t len, int32_t *dst, size_t cap,
                               nn_error *err);

/** The spiral of the seeds: for class j and point i < n, r = i/n, θ = 4j + 4r + 0.2·g,
 * x = r·(sin θ, cos θ), row j·n + i, label j. g ~ N(0, 1) comes from a PCG32 generator
 * seeded with (seed, stream 0), one Box–Muller draw per row in row order.
 * @param x       (n·classes, 2) output
 * @param labels  (n·classes) output
 * @return NN_OK or NN_ERR_ARG (NULL outputs, n or classes < 1, more than 10,000,000 rows). */
NN_API nn_status nn_spiral(int32_t per_class, int32_t classes, uint32_t seed, float *x,
                           int32_t *labels, nn_error *err);

/** Per-column minimum and maximum of x (rows, cols) into min (cols) and max (cols).
 * @return NN_OK or NN_ERR_ARG (NULL, sizes < 1, rows·cols over INT32_MAX, a non-finite value
 *         named by row and column); nothing is written on failure. */
NN_API nn_status nn_minmax_fit(const float *x, int32_t rows, int32_t cols, float *min,
                               float *max, nn_error *err);

/** In place: x = (x − min)/(max − min) per column; a column with max == min becomes 0.
 * Values outside the fitted range map outside [0, 1] (fit on train, apply to test).
 * @return NN_OK or NN_ERR_ARG (as nn_minmax_fit, and min > max); x is unchanged on failure. */
NN_API nn_status nn_minmax_apply(float *x, int32_t rows, int32_t cols, const float *min,
                                 const float *max, nn_error *err);

/* ---- memory helpers for bindings -------------------------------------------------------- */

/** malloc for bindings that cannot call it (JavaScript). @return NULL on failure or n == 0. */
NN_API void *nn_alloc(size_t n);
/** free for memory from nn_alloc. NULL is allowed. */
NN_API void nn_free(void *p);
/** @return bytes of heap currently allocated (malloc's in-use count) in wasm builds, where
 *  bindings use it to check that nothing leaks; 0 in native builds. */
NN_API size_t nn_heap_used(void);

#ifdef __cplusplus
}
#endif

#endif /* NNWASM_H */
