/*
 * nn_internal.h — structures and helpers shared inside the core. Never installed.
 * Sizes: B batch rows, I inputs of a layer, O outputs of a layer, P parameter count.
 */
#ifndef NN_INTERNAL_H
#define NN_INTERNAL_H

#include "nnwasm.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- rng (rng.c) ----------------------------------------------------------------------- */

/* PCG32 (O'Neill's permuted congruential generator, XSH-RR output): small, fast, and its
 * whole state is two integers, so checkpoints can hold it. */
typedef struct {
    uint64_t state;
    uint64_t inc;           /* odd: selects the stream */
} nn_rng;

void nn_rng_seed(nn_rng *r, uint64_t seed, uint64_t stream);
uint32_t nn_rng_u32(nn_rng *r);
/* uniform in [0, bound) without modulo bias; bound > 0 */
uint32_t nn_rng_below(nn_rng *r, uint32_t bound);
/* uniform in (0, 1) as double (never exactly 0 or 1) */
double nn_rng_uniform(nn_rng *r);
/* standard normal N(0, 1) by Box–Muller; uses two uniforms per call */
double nn_rng_gauss(nn_rng *r);

/* ---- double-precision math (nn_math.c) ------------------------------------------------- */

/* exp, log, log1p, pow (x >= 0), sin, cos, erf and erfc for the core, the same bits on every
 * platform and without libm's tables; a few ulp from the correctly rounded value (erfc relative
 * to its own size, also in the tail where 1 − erf would be all rounding) */
double nn_exp(double x);
double nn_log(double x);
double nn_log1p(double x);
double nn_pow(double x, double y);
double nn_sin(double x);
double nn_cos(double x);
double nn_erf(double x);
double nn_erfc(double x);

/* Float grade: eˣ, eˣ − 1 and tanh x in double to within 2⁻⁴⁶, relative (expm1 and tanh to
 * their own size, also for tiny x), for computations whose result is rounded once to float,
 * which then is within an ulp of the correctly rounded value (and nearly always equal to it).
 * The activations and the softmax use these, never libm's float functions, which glibc and
 * musl do not round alike (issue #13). nn_exp_f32 is inline: it runs for every unit of every
 * training step, about twice as fast as a call to nn_exp. */
double nn_expm1_f32(double x);
double nn_tanh_f32(double x);

/* 2^(j/32) for j = 0..31, rounded to double (nn_math.c) */
extern const double nn_exp2_j32[32];

/* x = k·ln2/32 + r with |r| <= ln2/64, for |x| < 704: returns r and sets *t = 2^(k/32), the
 * table entry 2^(j/32) (k = 32m + j, 0 <= j < 32) with m added to its exponent (a normal
 * number: |m| < 1017). x·32/ln2 + 3·2⁵¹ rounds k to an integer and holds 2⁵¹ + k in its low
 * bits; k·ln2/32 is split in two so that its high part times k is exact (32 significant bits
 * times |k| < 2¹⁶), which keeps r to within about 2⁻⁵³·|r|. */
static inline double nn_exp_reduce(double x, double *t) {
    const union { double d; uint64_t u; } z = {.d = x * (32 * 1.44269504088896338700e+00) +
                                                    6755399441055744.0};
    const double kd = z.d - 6755399441055744.0;
    union { double d; uint64_t u; } s = {.d = nn_exp2_j32[z.u & 31]};
    s.u += (z.u >> 5) << 52;                       /* m, modulo 2¹², into the exponent */
    *t = s.d;
    return (x - kd * (6.93147180369123816490e-01 / 32)) - kd * (1.90821492927058770002e-10 / 32);
}

/* eˣ to within 2⁻⁴⁸: 2^(k/32)·eʳ with eʳ − 1 to r⁵/5! (the rest is below r⁶/6!, 2.3e-15), in
 * Estrin's order, r + r²((1/2 + r/3!) + r²(1/4! + r/5!)): a shorter chain of dependent
 * operations than Horner's. Beyond ±704 (NaN, ±∞, overflow, subnormal results), nn_exp. */
static inline double nn_exp_f32(double x) {
    if (!(x > -704.0 && x < 704.0))
        return nn_exp(x);
    double t;
    const double r = nn_exp_reduce(x, &t), r2 = r * r;
    const double p = r + r2 * ((0.5 + r * (1.0 / 6)) + r2 * (1.0 / 24 + r * (1.0 / 120)));
    return t + t * p;
}

/* ---- errors (status.c) ----------------------------------------------------------------- */

/* vsnprintf for messages (format.c): %d %i %u %x %X %s %c %g %%, a 0 flag, a width, and the
 * length modifiers l, ll, z; always zero-terminated when cap > 0 */
void nn_vformat(char *dst, size_t cap, const char *fmt, va_list ap);

/* Format a message into err (may be NULL) and return status. */
nn_status nn_fail(nn_error *err, nn_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of n bytes, continuing from crc
 * (start with 0). */
uint32_t nn_crc32(uint32_t crc, const uint8_t *p, size_t n);

/* ---- activations (activations.c) -------------------------------------------------------- */

/* One row per activation: y = f(x) and dx = dy·f'(x) over n values. p is the activation's
 * parameter (leaky slope, hswish width, ELU's α) or unused. Backward may read x
 * (pre-activation) and y (post-activation, f(x) before dropout); today's bodies use x only. In
 * place (y == x, dx == dy) is allowed. */
typedef struct {
    const char *name;
    void (*forward)(float *y, const float *x, size_t n, float p);
    void (*backward)(float *dx, const float *dy, const float *x, const float *y, size_t n,
                     float p);
} nn_act_op;

extern const nn_act_op nn_act_ops[NN_ACT_COUNT];

/* scalar forms, used by the tests as the definition */
float nn_act_value(int act, float x, float p);
float nn_act_deriv(int act, float x, float p);

/* ---- the net (network.c) ---------------------------------------------------------------- */

/* A training session: the view of the data and where the loop stands. rows, batch_size,
 * epochs, opts.shuffle, epoch .. shuffle_rng_epoch and opts.augment are what a checkpoint
 * stores. */
typedef struct {
    int active;             /* a session is open (nn_fit_begin called)                         */
    int pending;            /* a checkpoint carried a cursor that resume may continue          */
    nn_data data;
    nn_fit_opts opts;
    int32_t batch_size;     /* min(opts.batch_size, rows)                                      */
    int32_t batches;        /* per epoch: ceil(rows / batch_size)                              */
    int32_t rows;           /* rows of the data the session was started with                   */
    int32_t epochs;
    int32_t epoch;          /* completed epochs                                                */
    int32_t batch;          /* batches done in the current epoch                               */
    int64_t step;           /* steps done in the session                                       */
    double loss_sum;        /* Σ batch loss · batch rows over the current epoch                */
    int64_t correct;        /* rows classified right in the current epoch                      */
    int64_t seen;           /* rows seen in the current epoch                                  */
    double last_loss;       /* loss and accuracy of the last completed epoch                   */
    double last_accuracy;
    nn_rng shuffle_rng_epoch; /* shuffle generator as it was at the start of the epoch          */
    int32_t *perm;          /* (rows) order of the current epoch                               */
    float *raw;             /* (batch_size, inputs) the gathered batch before augmentation,
                               when opts.augment is on; else NULL                              */
} nn_session;

/* where a sliding window (a conv kernel or a pool) goes over an input; from nn_window_init
 * (conv.c) */
typedef struct {
    int H, W, C;            /* input height, width, channels                                  */
    int KH, KW;             /* window height and width                                        */
    int sh, sw;             /* strides                                                        */
    int padding;            /* NN_PAD_VALID or NN_PAD_SAME                                    */
    int pad_top, pad_bottom, pad_left, pad_right; /* zero rows/columns around the input ('same') */
    int OH, OW;             /* output height and width                                        */
} nn_window;

/* One layer of a built net (the shorthand expanded, or an item of the list): its type, its
 * shapes, its activation with the parameter's default resolved. I and O count the values of
 * one row (image) in and out, H·W·C and OH·OW·OC. */
typedef struct {
    int type;               /* nn_layer_type                                                   */
    int act;                /* nn_activation of a hidden dense or conv2d; −1 for none (the last
                               layer, which has spec.output, and the layers without one)       */
    float p;                /* the activation's parameter                                      */
    float rate;             /* dropout                                                         */
    int H, W, C;            /* input shape                                                     */
    int OH, OW, OC;         /* output shape                                                    */
    int I, O;               /* values per row in and out                                       */
    nn_window g;            /* conv2d and pools                                                */
    size_t nw;              /* weights: I·O for dense, KH·KW·C·F for conv2d, else 0; the bias
                               has O (dense) or F (conv2d) values                              */
} nn_unit;

/* The layers of a spec whose fields nn_spec_check has passed up to the layer list: the
 * shorthand expanded (dense, with a dropout after each hidden one when spec.dropout > 0), or
 * the list with shapes inferred and checked (messages "layer l (type): ..." into err, status
 * bad). u holds NN_MAX_ITEMS; *L receives the count, *P the parameters, *row the workspace
 * floats per batch row (nn_ensure_workspace's, which creation caps). */
nn_status nn_spec_units(const nn_spec *s, nn_unit *u, int *L, uint64_t *P, uint64_t *row,
                        nn_status bad, nn_error *err);

struct nn_net {
    nn_spec spec;
    int L;                  /* layers (after expanding the shorthand)                          */
    nn_unit u[NN_MAX_ITEMS];
    int inputs, outputs;    /* values per row of the input and of the last layer               */
    int first_param;        /* the first layer with parameters: backward stops there           */
    size_t P;               /* parameters                                                      */
    size_t w_off[NN_MAX_ITEMS]; /* offset of layer l's W in params (dense, conv2d)              */
    size_t b_off[NN_MAX_ITEMS]; /* offset of its b; for the other layers both are the offset
                                   where the next parameters start                             */
    int n_state;            /* optimizer state vectors of P floats: 0, 1 or 2                  */

    float *params;          /* (P)                                                             */
    float *grads;           /* (P)                                                             */
    float *state;           /* (n_state·P) optimizer state: velocity, h, or Adam's m then v    */
    float *backup;          /* ((1 + n_state)·P) params and state before the current step      */
    float *wt;              /* scratch for one transposed weight matrix of a layer after
                               first_param                                                     */
    uint64_t t;             /* optimizer steps ever taken (Adam's bias correction)             */

    nn_rng rng;             /* init and dropout                                                */
    nn_rng shuffle_rng;     /* epoch permutations                                              */
    nn_rng augment_rng;     /* data augmentation draws: a stream of its own, so the other two
                               give the same bits whether augmentation is on or off            */

    /* workspace for ws_rows rows, one allocation: */
    int32_t ws_rows;
    float *ws;
    float *z[NN_MAX_ITEMS];     /* (B, O) pre-activation of a dense or conv2d layer l       */
    float *a[NN_MAX_ITEMS + 1]; /* a[0] (B, inputs) the batch input; a[l+1] (B, O) the output
                                   of layer l (a flatten's is its input: set by nn_forward)    */
    float *mask[NN_MAX_ITEMS];  /* (B, O) multipliers of a dropout layer                       */
    int32_t *arg[NN_MAX_ITEMS]; /* (B, O) the argmax of a maxpool2d layer                      */
    float *cols;            /* the im2col workspace, shared by the conv2d layers: the largest  */
    float *d_a;             /* (B, widest) gradients of one layer's output or input            */
    float *d_z;             /* (B, widest) the other of the pair                               */
    float *tgt;             /* (B, outputs) targets of the batch                               */
    int32_t *lab;           /* (B) labels of the gathered batch                                */
    int use_labels;         /* the gathered batch has labels (lab), not targets (tgt)          */
    int dropped;            /* the last nn_forward applied dropout masks (backward uses them)  */

    nn_session fit;
    int32_t perm_epoch;     /* epoch whose permutation fit.perm holds, −1 for none            */
    char err[256];
};

/* Set net->err and return status. */
nn_status nn_net_fail(nn_net *net, nn_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Check a spec; on failure write the reason into err and return NN_ERR_ARG (or the status
 * given in bad, so the model loader can report NN_ERR_FORMAT). */
nn_status nn_spec_check(const nn_spec *spec, nn_status bad, nn_error *err);

/* Allocate a net for a checked spec, parameters zeroed, RNGs seeded from spec->seed. */
nn_status nn_net_alloc(const nn_spec *spec, nn_net **out, nn_error *err);

/* ---- layers (layers.c) -------------------------------------------------------------------
 * Backward accumulates (+=) into dW and db, which the caller zeroes once per step; it
 * overwrites d_in. */

/* z (B, O) = in (B, I) · W (I, O) + b (O) */
void nn_dense_forward(float *z, const float *in, const float *W, const float *b, int B, int I,
                      int O);
/* dW (I, O) += inᵀ·dz; db (O) += Σ_rows dz; d_in (B, I) = dz·Wᵀ unless d_in is NULL;
 * wt (O, I) is scratch */
void nn_dense_backward(float *d_in, float *dW, float *db, float *wt, const float *dz,
                       const float *in, const float *W, int B, int I, int O);
/* inverted dropout: mask = 0 with probability rate, else 1/(1 − rate); a = h·mask */
void nn_dropout_forward(float *a, float *mask, const float *h, size_t n, float rate, nn_rng *rng);

/* ---- convolution and pooling (conv.c, pool.c) ----------------------------------------------
 * Layout NHWC, as TensorFlow: a batch of B images, each H rows × W columns × C channels,
 * channels last, row-major f32: x[((b·H + h)·W + w)·C + c]. A conv with F filters outputs
 * (B, OH, OW, F), a pool (B, OH, OW, C). Conv filters are stored (KH, KW, C, F), i.e. as the
 * matrix (KH·KW·C, F): W[((kh·KW + kw)·C + c)·F + f]; the bias is (F). Like the dense layer,
 * backward accumulates (+=) into dW and db and overwrites dx. Every buffer and workspace is
 * the caller's (sized once for the largest batch by the *_size functions, in elements);
 * nothing here allocates. B·OH·OW·max(F, KH·KW·C) and B·H·W·C must not pass INT_MAX (the
 * GEMM takes int sizes): the caller's bound on B. */


/* Fill g for input (H, W, C), window (KH, KW), strides (sh, sw) and padding:
 * NN_PAD_VALID: OH = floor((H − KH)/sh) + 1, no padding;
 * NN_PAD_SAME (TensorFlow's rule): OH = ceil(H/sh), padding total = max((OH − 1)·sh + KH − H,
 * 0), the top gets floor(total/2) and the bottom the rest; the same for the width. A kernel
 * larger than the input is allowed with 'same' (the padding covers it).
 * @return NN_OK, or NN_ERR_ARG with a message naming the field: a size or stride below 1, an
 * unknown padding, a kernel larger than the input with 'valid', or more than INT_MAX elements
 * in an image or a patch. g is zeroed on failure. */
nn_status nn_window_init(nn_window *g, int H, int W, int C, int KH, int KW, int sh, int sw,
                         int padding, nn_error *err);

/* workspace `cols` of nn_conv2d_forward/backward for B images, in floats: room for the im2col
 * matrix (B·OH·OW, KH·KW·C). They write it out only when the padded batch does not fit;
 * otherwise they use it for the padded batch ('same') and 4 rows of the input gradient. */
size_t nn_conv2d_cols_size(const nn_window *g, int B);
/* workspace `wt` of nn_conv2d_backward: Wᵀ (F, KH·KW·C), in floats */
size_t nn_conv2d_wt_size(const nn_window *g, int F);
/* the argmax buffer of nn_maxpool2d_forward/backward: one int32 per output, B·OH·OW·C */
size_t nn_maxpool2d_arg_size(const nn_window *g, int B);

/* cols (B·OH·OW, KH·KW·C) = the patches of x (B, H, W, C): row (b·OH + oh)·OW + ow, column
 * (kh·KW + kw)·C + c; padding positions are 0 */
void nn_im2col(float *cols, const float *x, const nn_window *g, int B);
/* dx (B, H, W, C) = the sum of the patches of cols back where im2col took them (overwrites
 * dx; terms added in increasing row order, so the result is deterministic) */
void nn_col2im(float *dx, const float *cols, const nn_window *g, int B);

/* y (B, OH, OW, F) = im2col(x)·W + b, b may be NULL (no bias). cols is the workspace
 * (nn_conv2d_cols_size); what it holds on return is unspecified. */
void nn_conv2d_forward(float *y, float *cols, const float *x, const float *W, const float *b,
                       const nn_window *g, int F, int B);
/* From dy (B, OH, OW, F) and the layer's input x (B, H, W, C): dW (KH·KW·C, F) +=
 * im2col(x)ᵀ·dy; db (F) += Σ dy over the B·OH·OW rows (db may be NULL); dx (B, H, W, C) =
 * col2im(dy·Wᵀ) unless dx is NULL. cols is the workspace (nn_conv2d_cols_size), wt scratch of
 * nn_conv2d_wt_size floats (unused when dx is NULL). */
void nn_conv2d_backward(float *dx, float *dW, float *db, float *cols, float *wt,
                        const float *dy, const float *x, const float *W, const nn_window *g,
                        int F, int B);

/* y (B, OH, OW, C) = the maximum of each window per channel; arg (nn_maxpool2d_arg_size) gets
 * its index in the image, (h·W + w)·C + c. Ties: the first maximum in row-major window order
 * (−0 and +0 tie). NaN: the first NaN of the window wins over every number, so the output is
 * NaN and backward sends the gradient there. With 'same', padding is never the maximum. */
void nn_maxpool2d_forward(float *y, int32_t *arg, const float *x, const nn_window *g, int B);
/* dx (B, H, W, C) = 0 except dy added at each output's argmax (overlapping windows add up) */
void nn_maxpool2d_backward(float *dx, const float *dy, const int32_t *arg, const nn_window *g,
                           int B);
/* y (B, OH, OW, C) = the mean of each window per channel: the sum in row-major window order
 * divided by the count (KH·KW with 'valid'; with 'same', as TensorFlow, only the positions
 * inside the input count). NaN and ±inf propagate. */
void nn_avgpool2d_forward(float *y, const float *x, const nn_window *g, int B);
/* dx (B, H, W, C) = Σ over the windows holding each input of dy / count (overwrites dx) */
void nn_avgpool2d_backward(float *dx, const float *dy, const nn_window *g, int B);

/* ---- data augmentation (augment.c) ---------------------------------------------------------
 * Seeded random affine transforms of images, NHWC as above, for training on image inputs
 * (issue #13). Coordinates: x the column (rightwards), y the row (downwards), pixel centres at
 * integers, the transforms taken about the image centre ((W − 1)/2, (H − 1)/2). Each sample's
 * content moves by p_out = centre + T + R(θ)·Sh(φ)·s·(p_in − centre): R the rotation (positive
 * θ turns the content clockwise as displayed), Sh(φ) = [1, tan φ; 0, 1], s the zoom factor.
 * Resampled by inverse mapping and bilinear interpolation; source pixels outside the image read
 * 0. The same rng state gives the same bits natively and in wasm. Nothing here allocates. */

/* nn_augment_spec, the ranges each sample's parameters are drawn from (all 0: off), is public:
 * nnwasm.h, in nn_fit_opts. */

/* one sample's transform */
typedef struct {
    double tx, ty;          /* translation T in pixels                                         */
    double rotate;          /* θ in degrees                                                    */
    double scale;           /* zoom factor s > 0                                               */
    double shear;           /* φ in degrees, |φ| < 90                                          */
} nn_affine;

/* uniforms drawn from the rng per sample while augmentation is on, whatever the ranges */
enum { NN_AUGMENT_DRAWS = 5 };

/* 1 if any range of a (may be NULL) is nonzero, else 0 */
int nn_augment_on(const nn_augment_spec *a);
/* Each field finite and in its range (see the struct); a NULL spec is off and valid.
 * @return NN_OK, or NN_ERR_ARG with a message naming the field */
nn_status nn_augment_check(const nn_augment_spec *a, nn_error *err);
/* Draw one sample's transform from a checked spec that is on: T = (shift·W·u₁, shift·H·u₂),
 * θ = rotate·u₃, s = 1 + scale·u₄, φ = shear·u₅ with u uniform in (−1, 1), drawn in that
 * order: exactly NN_AUGMENT_DRAWS calls of nn_rng_uniform. */
void nn_augment_draw(nn_affine *t, const nn_augment_spec *a, int H, int W, nn_rng *rng);
/* m = the inverse map of t for an (H, W) image: the source of output pixel (x, y) is
 * (m[0]·x + m[1]·y + m[2], m[3]·x + m[4]·y + m[5]) */
void nn_affine_matrix(double m[6], const nn_affine *t, int H, int W);
/* dst (H, W, C) = src (H, W, C) resampled at the inverse map m: each output pixel is the
 * bilinear mix of the four source pixels around its source point, those outside read as 0, in
 * f32 as (1 − fy)·((1 − fx)·p00 + fx·p01) + fy·((1 − fx)·p10 + fx·p11), a weight of exactly 0
 * dropping its term (so whole-pixel maps copy bits). dst and src must not overlap. */
void nn_affine_apply(float *dst, const float *src, int H, int W, int C, const double m[6]);
/* dst (B, H, W, C) = each image of src transformed by its own draw (nn_augment_draw,
 * nn_affine_matrix, nn_affine_apply, sample by sample in order). When a is off (NULL or all
 * 0): a bit-for-bit copy and no draw, so the rng is untouched. a checked by nn_augment_check;
 * dst and src must not overlap. */
void nn_augment_batch(float *dst, const float *src, int B, int H, int W, int C,
                      const nn_augment_spec *a, nn_rng *rng);

/* ---- losses (losses.c) -------------------------------------------------------------------
 * Rows carry either a label (lab != NULL) or a target row (tgt (B, O)); a label stands for the
 * one-hot row. */

/* y (B, O) = output(z) */
void nn_output_forward(int output, float *y, const float *z, int B, int O);
/* Σ over rows of the per-row loss, in double */
double nn_loss_sum(int loss, int output, const float *z, const float *y, const int32_t *lab,
                   const float *tgt, int B, int O);
/* dz (B, O) = scale·∂(mean loss)/∂z */
void nn_loss_backward(int loss, int output, float *dz, const float *y, const int32_t *lab,
                      const float *tgt, int B, int O, float scale);
/* rows whose prediction matches the label or target (argmax; O = 1: same side of 0.5) */
int nn_count_correct(const float *y, const int32_t *lab, const float *tgt, int B, int O);

/* ---- optimizers (optimizers.c) ------------------------------------------------------------ */

/* Optimizer state vectors used by an optimizer type. */
int nn_opt_state_count(int type);
/* One update of params from grads with learning rate lr; advances net->t. */
void nn_opt_step(nn_net *net, float lr);
/* learning rate of session step s under the spec's schedule */
float nn_schedule_lr(const nn_spec *spec, int64_t s);
/* the weight-decay loss term λ/2·ΣW² (weights only) */
double nn_decay_loss(const nn_net *net);
/* grad += scale·λW on weights only */
void nn_decay_grad(nn_net *net, float scale);

/* ---- network internals shared with gradcheck.c and model_io.c ------------------------------ */

/* Make the workspace hold at least rows rows. Allocates only when it must grow. */
nn_status nn_ensure_workspace(nn_net *net, int32_t rows);
/* Copy rows idx[0..B) of data into the workspace (a[0], lab or tgt); idx NULL = from row
 * `first` in order. */
void nn_gather(nn_net *net, const nn_data *data, const int32_t *idx, int32_t first, int B);
/* forward over B gathered rows; train 1 enables dropout (new masks), 2 applies the masks of
 * the last forward with train 1 again (for gradient checks of dropout), 0 is inference */
void nn_forward(nn_net *net, int B, int train);
/* objective of the gathered batch after nn_forward: mean data loss + decay term, flooded.
 * *flood_sign receives −1 when Flooding flips the gradient, else 1. */
double nn_objective(nn_net *net, int B, float *flood_sign);
/* zero grads, backpropagate the batch (scaled by flood_sign), add weight decay */
void nn_backward(nn_net *net, int B, float flood_sign);

/* ---- profiling (the timing tool's build only) ------------------------------------------------
 * Built with NN_PROFILE (src/tools/cnn_epoch.c), the training step, the layer loops and the
 * conv kernels call nn_prof(layer, piece) where a piece of work begins, and the tool books the
 * time up to the next call to that piece: layer l for the layer loops, −1 for the step's own
 * pieces and for a kernel's, which belong to the layer marked last. Without NN_PROFILE the
 * macro is empty. Reading a clock changes no result. */
enum {
    NN_PROF_GATHER,         /* step: the batch into the workspace                              */
    NN_PROF_FORWARD,        /* layer l forward (what its kernels do not mark)                  */
    NN_PROF_ACT,            /* its activation, or the output function                          */
    NN_PROF_LOSS,           /* step: the objective, zeroing the gradients, the loss gradient   */
    NN_PROF_BACKWARD,       /* layer l backward (what its kernels do not mark)                 */
    NN_PROF_ACT_BACK,       /* its activation's derivative                                     */
    NN_PROF_UPDATE,         /* step: finiteness checks, backup, optimizer, counting            */
    NN_PROF_IM2COL,         /* conv2d pieces: im2col, forward GEMM, bias, dW GEMM, db, Wᵀ,     */
    NN_PROF_GEMM,           /* the input-gradient GEMM, col2im                                 */
    NN_PROF_BIAS,
    NN_PROF_GEMM_DW,
    NN_PROF_DB,
    NN_PROF_TRANSPOSE,
    NN_PROF_GEMM_DX,
    NN_PROF_COL2IM,
    NN_PROF_COUNT
};
#ifdef NN_PROFILE
void nn_prof(int layer, int piece);
#define NN_PROF(layer, piece) nn_prof((layer), (piece))
#else
#define NN_PROF(layer, piece) ((void)0)
#endif

#endif /* NN_INTERNAL_H */
