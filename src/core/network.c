/*
 * network.c — specs and their layer lists, the nn_net lifecycle, its memory blocks,
 * forward/backward over a batch, the chunked training loop, predict and evaluate.
 * Sizes: B batch rows, L layers (the shorthand expanded), P parameters; layer l maps I values
 * of each row to O values (nn_unit), tensors NHWC.
 */
#include "kernels.h"
#include "nn_internal.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS ((uint64_t)1 << 28)   /* 1 GiB of f32: beyond any MLP this library is for */
#define MAX_WORKSPACE ((uint64_t)1 << 28) /* floats in the activation workspace */
#define PREDICT_ROWS 256                  /* rows per chunk for predict/evaluate */

static int is_finite(float v) { return isfinite(v) != 0; }

/* ---- specs ------------------------------------------------------------------------------ */

nn_spec nn_spec_default(void) {
    nn_spec s;
    memset(&s, 0, sizeof s);
    s.activation = NN_ACT_RELU;
    s.output = NN_OUT_SOFTMAX;
    s.loss = NN_LOSS_CROSS_ENTROPY;
    s.init = NN_INIT_HE;
    s.init_std = 0.01f;
    s.leaky_slope = 0.01f;
    s.hswish_n = 6.0f;
    s.seed = 42;
    s.opt.type = NN_OPT_SGD;
    s.opt.lr = 0.01f;
    s.opt.momentum = 0.9f;
    s.opt.rho = 0.99f;
    s.opt.beta1 = 0.9f;
    s.opt.beta2 = 0.999f;
    s.opt.eps = 1e-7f;
    s.schedule.type = NN_SCHED_CONSTANT;
    s.schedule.gamma = 0.5f;
    return s;
}

nn_fit_opts nn_fit_opts_default(void) {
    nn_fit_opts o = {1, 32, 1, 0, {0.0f, 0.0f, 0.0f, 0.0f}};
    return o;
}

/* Σ (in + 1)·out over the layers; sizes already checked, so at most 15·65537·65536 */
static uint64_t spec_params(const nn_spec *s) {
    uint64_t P = 0;
    for (int l = 1; l < s->n_layers; l++)
        P += ((uint64_t)s->layers[l - 1] + 1) * (uint64_t)s->layers[l];
    return P;
}

/* v in [lo, hi) and finite */
static int in_unit(float v) { return is_finite(v) && v >= 0.0f && v < 1.0f; }

/* ---- layer lists ------------------------------------------------------------------------ */

static const char *const LAYER_NAMES[NN_LAYER_COUNT] = {
    "dense", "conv2d", "maxpool2d", "avgpool2d", "flatten", "dropout",
};

/* The parameter p of the hidden activation in the shorthand: leaky_relu's slope, hswish's
 * width, ELU's α (1, as in PyTorch, Keras and ONNX: the shorthand has no field for it). */
static float act_param(const nn_spec *s) {
    switch (s->activation) {
    case NN_ACT_LEAKY_RELU: return s->leaky_slope;
    case NN_ACT_HSWISH: return s->hswish_n;
    case NN_ACT_ELU: return 1.0f;
    default: return 0.0f;   /* unused */
    }
}

/* workspace floats per row of layer u: its outputs (dense, conv2d: z and a; dropout: a and
 * the mask; maxpool: a and the argmax; avgpool: a; flatten: none) */
static uint64_t unit_row(const nn_unit *u) {
    switch (u->type) {
    case NN_LAYER_DENSE:
    case NN_LAYER_CONV2D:
    case NN_LAYER_MAXPOOL2D:
    case NN_LAYER_DROPOUT: return 2 * (uint64_t)u->O;
    case NN_LAYER_AVGPOOL2D: return (uint64_t)u->O;
    default: return 0;
    }
}

/* the rest of a row's workspace: the input, the im2col matrix of the largest conv2d, the two
 * gradient buffers of the widest layer, targets and labels */
static uint64_t shared_row(const nn_unit *u, int L, int inputs) {
    uint64_t cols = 0, widest = (uint64_t)inputs;
    for (int l = 0; l < L; l++) {
        if (u[l].type == NN_LAYER_CONV2D) {
            const uint64_t n = (uint64_t)u[l].g.OH * u[l].g.OW * u[l].g.KH * u[l].g.KW *
                               u[l].g.C;
            cols = n > cols ? n : cols;
        }
        widest = (uint64_t)u[l].O > widest ? (uint64_t)u[l].O : widest;
    }
    return (uint64_t)inputs + cols + 2 * widest + (uint64_t)u[L - 1].O + 1;
}

/* a dense layer of O outputs on input (H, W, C) (flattened, NHWC order), activation act */
static void dense_unit(nn_unit *u, int H, int W, int C, int O, int act, float p) {
    memset(u, 0, sizeof *u);
    u->type = NN_LAYER_DENSE;
    u->act = act;
    u->p = p;
    u->H = H;
    u->W = W;
    u->C = C;
    u->I = H * W * C;
    u->OH = u->OW = 1;
    u->OC = u->O = O;
    u->nw = (size_t)u->I * (size_t)O;
}

/* the activation parameter of item it at index l: checked, the default resolved */
static nn_status item_param(const nn_spec *s, const nn_layer *it, int l, float *p,
                            nn_status bad, nn_error *err) {
    const float v = it->act_param;
    const char *name = LAYER_NAMES[it->type];
    if (!is_finite(v))
        return nn_fail(err, bad, "layer %d (%s): act_param %g must be finite", l, name,
                       (double)v);
    switch (it->activation) {
    case NN_ACT_LEAKY_RELU:
        if (fabsf(v) > 1.0f)
            return nn_fail(err, bad, "layer %d (%s): act_param %g (the leaky_relu slope) must "
                                     "be in [-1, 1]", l, name, (double)v);
        *p = v != 0.0f ? v : s->leaky_slope;
        return NN_OK;
    case NN_ACT_HSWISH:
    case NN_ACT_ELU:
        if (v < 0.0f)
            return nn_fail(err, bad, "layer %d (%s): act_param %g (the %s) must be > 0 (0 = "
                                     "the default)", l, name, (double)v,
                           it->activation == NN_ACT_ELU ? "elu alpha" : "hswish n");
        *p = v != 0.0f ? v : it->activation == NN_ACT_ELU ? 1.0f : s->hswish_n;
        return NN_OK;
    default:
        if (v != 0.0f)
            return nn_fail(err, bad, "layer %d (%s): act_param %g must be 0: activation %d "
                                     "has no parameter", l, name, (double)v,
                           (int)it->activation);
        *p = 0.0f;
        return NN_OK;
    }
}

/* the fields a layer type does not use are 0 */
static nn_status unused_zero(const nn_layer *it, int l, nn_status bad, nn_error *err) {
    const int t = it->type;
    const int conv = t == NN_LAYER_CONV2D, pool = t == NN_LAYER_MAXPOOL2D ||
                                                  t == NN_LAYER_AVGPOOL2D;
    const int window = conv || pool, act = conv || t == NN_LAYER_DENSE;
    const struct {
        const char *name;
        int used;
        double value;
    } f[] = {
        {"units", act, it->units},
        {"kernel_h", window, it->kernel_h},
        {"kernel_w", window, it->kernel_w},
        {"stride_h", window, it->stride_h},
        {"stride_w", window, it->stride_w},
        {"padding", window, it->padding},
        {"activation", act, it->activation},
        {"act_param", act, it->act_param},
        {"rate", t == NN_LAYER_DROPOUT, it->rate},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!f[i].used && f[i].value != 0.0)
            return nn_fail(err, bad, "layer %d (%s): %s %g must be 0 (a %s layer does not use "
                                     "it)", l, LAYER_NAMES[t], f[i].name, f[i].value,
                           LAYER_NAMES[t]);
    return NN_OK;
}

/* the layer list of s (n_items > 0): each item checked against the shape before it */
static nn_status list_units(const nn_spec *s, nn_unit *u, uint64_t *P, uint64_t *row,
                            nn_status bad, nn_error *err) {
    const char *const dims[3] = {"height", "width", "channels"};
    for (int i = 0; i < 3; i++)
        if (s->input[i] < 1 || s->input[i] > NN_MAX_UNITS)
            return nn_fail(err, bad, "input %s %d is not allowed (1..%d)", dims[i],
                           (int)s->input[i], NN_MAX_UNITS);
    if ((uint64_t)s->input[0] * s->input[1] * s->input[2] > NN_MAX_UNITS * (uint64_t)256)
        return nn_fail(err, bad, "input %dx%dx%d has more than %d values", (int)s->input[0],
                       (int)s->input[1], (int)s->input[2], NN_MAX_UNITS * 256);
    int H = s->input[0], W = s->input[1], C = s->input[2];
    const int inputs = H * W * C;
    int image = 1;          /* the input of the next layer is an image (not after dense/flatten) */
    const char *flat_by = NULL;
    uint64_t params = 0, per_row = 0;
    const int n = s->n_items;
    for (int l = 0; l < n; l++) {
        const nn_layer *it = &s->items[l];
        nn_unit *v = &u[l];
        if (it->type < 0 || it->type >= NN_LAYER_COUNT)
            return nn_fail(err, bad, "layer %d: type %d is unknown (0..%d)", l, (int)it->type,
                           NN_LAYER_COUNT - 1);
        const char *name = LAYER_NAMES[it->type];
        nn_status st = unused_zero(it, l, bad, err);
        if (st != NN_OK)
            return st;
        if (l == n - 1 && it->type != NN_LAYER_DENSE)
            return nn_fail(err, bad, "layer %d (%s) is the last; the last layer must be dense "
                                     "(its units are the outputs)", l, name);
        const int act = it->type == NN_LAYER_DENSE || it->type == NN_LAYER_CONV2D;
        float p = 0.0f;
        if (act) {
            if (it->units < 1 || it->units > NN_MAX_UNITS)
                return nn_fail(err, bad, "layer %d (%s): units %d is not allowed (1..%d)", l,
                               name, (int)it->units, NN_MAX_UNITS);
            if (l == n - 1 && (it->activation != 0 || it->act_param != 0.0f))
                return nn_fail(err, bad, "layer %d (dense): activation %d and act_param %g "
                                         "must be 0 in the last layer (spec.output applies)",
                               l, (int)it->activation, (double)it->act_param);
            if (it->activation < 0 || it->activation >= NN_ACT_COUNT)
                return nn_fail(err, bad, "layer %d (%s): activation %d is unknown", l, name,
                               (int)it->activation);
            if ((st = item_param(s, it, l, &p, bad, err)) != NN_OK)
                return st;
        }
        memset(v, 0, sizeof *v);
        switch (it->type) {
        case NN_LAYER_DENSE:
            dense_unit(v, H, W, C, it->units, l == n - 1 ? -1 : it->activation, p);
            params += (uint64_t)v->I * (uint64_t)v->O + (uint64_t)v->O;
            break;
        case NN_LAYER_CONV2D:
        case NN_LAYER_MAXPOOL2D:
        case NN_LAYER_AVGPOOL2D: {
            if (!image)
                return nn_fail(err, bad, "layer %d (%s): its input is not an image (layer %s "
                                         "made it (1, 1, %d)); a %s goes before any dense or "
                                         "flatten", l, name, flat_by, C, name);
            nn_error e;
            if (nn_window_init(&v->g, H, W, C, it->kernel_h, it->kernel_w, it->stride_h,
                               it->stride_w, it->padding, &e) != NN_OK)
                return nn_fail(err, bad, "layer %d (%s) on a %dx%dx%d input: %s", l, name, H,
                               W, C, e.message);
            v->type = it->type;
            v->H = H;
            v->W = W;
            v->C = C;
            v->I = H * W * C;
            v->OH = v->g.OH;
            v->OW = v->g.OW;
            v->OC = it->type == NN_LAYER_CONV2D ? it->units : C;
            v->act = it->type == NN_LAYER_CONV2D ? it->activation : -1;
            v->p = p;
            const uint64_t O = (uint64_t)v->OH * v->OW * v->OC;
            if (O > (uint64_t)NN_MAX_UNITS * 256)
                return nn_fail(err, bad, "layer %d (%s): its output %dx%dx%d has more than %d "
                                         "values", l, name, v->OH, v->OW, v->OC,
                               NN_MAX_UNITS * 256);
            v->O = (int)O;
            if (it->type == NN_LAYER_CONV2D) {
                /* in 64 bits: size_t is 32 in wasm, and the cap below is checked on this */
                const uint64_t nw = (uint64_t)it->kernel_h * (uint64_t)it->kernel_w *
                                    (uint64_t)C * (uint64_t)it->units;
                v->nw = (size_t)nw;     /* exact whenever the cap passes */
                params += nw + (uint64_t)it->units;
            }
            break;
        }
        case NN_LAYER_FLATTEN:
        case NN_LAYER_DROPOUT:
            v->type = it->type;
            v->act = -1;
            v->H = H;
            v->W = W;
            v->C = C;
            v->I = v->O = H * W * C;
            if (it->type == NN_LAYER_FLATTEN) {
                v->OH = v->OW = 1;
                v->OC = v->O;
            } else {
                if (!in_unit(it->rate))
                    return nn_fail(err, bad, "layer %d (dropout): rate %g must be in [0, 1)",
                                   l, (double)it->rate);
                v->rate = it->rate;
                v->OH = H;
                v->OW = W;
                v->OC = C;
            }
            break;
        }
        if (params > MAX_PARAMS)
            return nn_fail(err, bad, "layer %d (%s): %llu parameters up to here are too many "
                                     "(at most %llu)", l, name, (unsigned long long)params,
                           (unsigned long long)MAX_PARAMS);
        per_row += unit_row(v);
        const uint64_t total = per_row + shared_row(u, l + 1, inputs);
        if (total > MAX_WORKSPACE)
            return nn_fail(err, bad, "layer %d (%s): one input row needs %llu floats of "
                                     "workspace up to here (at most %llu)", l, name,
                           (unsigned long long)total, (unsigned long long)MAX_WORKSPACE);
        if (it->type == NN_LAYER_DENSE || it->type == NN_LAYER_FLATTEN) {
            image = 0;
            flat_by = it->type == NN_LAYER_DENSE ? "dense" : "flatten";
        }
        H = v->OH;
        W = v->OW;
        C = v->OC;
    }
    *P = params;
    *row = per_row + shared_row(u, n, inputs);
    return NN_OK;
}

nn_status nn_spec_units(const nn_spec *s, nn_unit *u, int *L, uint64_t *P, uint64_t *row,
                        nn_status bad, nn_error *err) {
    if (s->n_items > 0) {
        *L = s->n_items;
        return list_units(s, u, P, row, bad, err);
    }
    /* the shorthand: dense layers, each hidden one followed by dropout when it is on */
    int n = 0;
    uint64_t per_row = 0;
    const int last = s->n_layers - 2;
    for (int l = 0; l <= last; l++) {
        dense_unit(&u[n], 1, 1, s->layers[l], s->layers[l + 1], l < last ? s->activation : -1,
                   l < last ? act_param(s) : 0.0f);
        per_row += unit_row(&u[n++]);
        if (l < last && s->dropout > 0.0f) {
            nn_unit *d = &u[n++];
            memset(d, 0, sizeof *d);
            d->type = NN_LAYER_DROPOUT;
            d->act = -1;
            d->rate = s->dropout;
            d->H = d->W = d->OH = d->OW = 1;
            d->C = d->OC = d->I = d->O = s->layers[l + 1];
            per_row += unit_row(d);
        }
    }
    *L = n;
    *P = spec_params(s);
    *row = per_row + shared_row(u, n, s->layers[0]);
    return NN_OK;
}

nn_status nn_spec_check(const nn_spec *s, nn_status bad, nn_error *err) {
    if (!s)
        return nn_fail(err, NN_ERR_ARG, "spec is NULL");
    const int list = s->n_items != 0;
    if (s->n_items < 0 || s->n_items > NN_MAX_ITEMS)
        return nn_fail(err, bad, "n_items is %d; it must be 0 (the MLP shorthand) or 1..%d",
                       (int)s->n_items, NN_MAX_ITEMS);
    if (list && s->n_layers != 0)
        return nn_fail(err, bad, "n_layers is %d with a layer list of %d; it must be 0 (the "
                                 "layer list replaces the shorthand)",
                       (int)s->n_layers, (int)s->n_items);
    if (list && s->dropout != 0.0f)
        return nn_fail(err, bad, "dropout %g must be 0 with a layer list (dropout is a layer "
                                 "there)", (double)s->dropout);
    if (!list && (s->input[0] || s->input[1] || s->input[2]))
        return nn_fail(err, bad, "input %dx%dx%d must be 0x0x0 without a layer list (the "
                                 "shorthand's input is layers[0])", (int)s->input[0],
                       (int)s->input[1], (int)s->input[2]);
    if (!list && (s->n_layers < 2 || s->n_layers > NN_MAX_LAYERS))
        return nn_fail(err, bad, "n_layers is %d; it must be 2..%d (input and output included)",
                       (int)s->n_layers, NN_MAX_LAYERS);
    for (int l = 0; !list && l < s->n_layers; l++)
        if (s->layers[l] < 1 || s->layers[l] > NN_MAX_UNITS)
            return nn_fail(err, bad, "layer %d: size %d is not allowed (1..%d)", l,
                           (int)s->layers[l], NN_MAX_UNITS);
    const uint64_t P = list ? 0 : spec_params(s);
    if (P > MAX_PARAMS)
        return nn_fail(err, bad, "%llu parameters are too many (at most %llu)",
                       (unsigned long long)P, (unsigned long long)MAX_PARAMS);
    if (s->activation < 0 || s->activation >= NN_ACT_COUNT)
        return nn_fail(err, bad, "activation %d is unknown", (int)s->activation);
    if (s->output < 0 || s->output >= NN_OUT_COUNT)
        return nn_fail(err, bad, "output %d is unknown", (int)s->output);
    if (s->loss < 0 || s->loss >= NN_LOSS_COUNT)
        return nn_fail(err, bad, "loss %d is unknown", (int)s->loss);
    if (s->init < 0 || s->init >= NN_INIT_COUNT)
        return nn_fail(err, bad, "init %d is unknown", (int)s->init);
    if (list) {             /* the layers, once the defaults their activations take are known */
        if (!(is_finite(s->leaky_slope) && fabsf(s->leaky_slope) <= 1.0f))
            return nn_fail(err, bad, "leaky_slope %g must be in [-1, 1]",
                           (double)s->leaky_slope);
        if (!(is_finite(s->hswish_n) && s->hswish_n > 0.0f))
            return nn_fail(err, bad, "hswish_n %g must be finite and > 0", (double)s->hswish_n);
        nn_unit u[NN_MAX_ITEMS];
        int L;
        uint64_t Pl, row;
        const nn_status st = nn_spec_units(s, u, &L, &Pl, &row, bad, err);
        if (st != NN_OK)
            return st;
    }
    const int outputs = list ? s->items[s->n_items - 1].units : s->layers[s->n_layers - 1];
    if (s->output == NN_OUT_SOFTMAX && outputs < 2)
        return nn_fail(err, bad, "softmax output needs at least 2 outputs, got %d", outputs);
    if (s->loss == NN_LOSS_CROSS_ENTROPY && s->output == NN_OUT_IDENTITY)
        return nn_fail(err, bad, "cross-entropy loss needs a softmax or sigmoid output");
    if (!(is_finite(s->init_std) && s->init_std > 0.0f))
        return nn_fail(err, bad, "init_std %g must be finite and > 0", (double)s->init_std);
    if (!(is_finite(s->leaky_slope) && fabsf(s->leaky_slope) <= 1.0f))
        return nn_fail(err, bad, "leaky_slope %g must be in [-1, 1]", (double)s->leaky_slope);
    if (!(is_finite(s->hswish_n) && s->hswish_n > 0.0f))
        return nn_fail(err, bad, "hswish_n %g must be finite and > 0", (double)s->hswish_n);
    if (!(is_finite(s->weight_decay) && s->weight_decay >= 0.0f))
        return nn_fail(err, bad, "weight_decay %g must be finite and >= 0",
                       (double)s->weight_decay);
    if (!(is_finite(s->clip_norm) && s->clip_norm >= 0.0f))
        return nn_fail(err, bad, "clip_norm %g must be finite and >= 0 (0 = off)",
                       (double)s->clip_norm);
    if (!in_unit(s->dropout))
        return nn_fail(err, bad, "dropout %g must be in [0, 1)", (double)s->dropout);
    if (!(is_finite(s->flood) && s->flood >= 0.0f))
        return nn_fail(err, bad, "flood %g must be finite and >= 0 (0 = off)", (double)s->flood);
    const nn_optimizer_spec *o = &s->opt;
    if (o->type < 0 || o->type >= NN_OPT_COUNT)
        return nn_fail(err, bad, "optimizer %d is unknown", (int)o->type);
    if (!(is_finite(o->lr) && o->lr > 0.0f))
        return nn_fail(err, bad, "learning rate %g must be finite and > 0", (double)o->lr);
    if (!in_unit(o->momentum))
        return nn_fail(err, bad, "momentum %g must be in [0, 1)", (double)o->momentum);
    if (!in_unit(o->rho))
        return nn_fail(err, bad, "rho %g must be in [0, 1)", (double)o->rho);
    if (!in_unit(o->beta1))
        return nn_fail(err, bad, "beta1 %g must be in [0, 1)", (double)o->beta1);
    if (!in_unit(o->beta2))
        return nn_fail(err, bad, "beta2 %g must be in [0, 1)", (double)o->beta2);
    if (!(is_finite(o->eps) && o->eps > 0.0f))
        return nn_fail(err, bad, "eps %g must be finite and > 0", (double)o->eps);
    const nn_schedule_spec *k = &s->schedule;
    if (k->type < 0 || k->type >= NN_SCHED_COUNT)
        return nn_fail(err, bad, "schedule %d is unknown", (int)k->type);
    if (k->type != NN_SCHED_CONSTANT && k->step_size < 1)
        return nn_fail(err, bad, "schedule step_size %d must be >= 1", (int)k->step_size);
    if ((k->type == NN_SCHED_STEP || k->type == NN_SCHED_EXPONENTIAL) &&
        !(is_finite(k->gamma) && k->gamma > 0.0f && k->gamma <= 1.0f))
        return nn_fail(err, bad, "schedule gamma %g must be in (0, 1]", (double)k->gamma);
    if (k->type == NN_SCHED_COSINE &&
        !(is_finite(k->min_lr) && k->min_lr >= 0.0f && k->min_lr <= o->lr))
        return nn_fail(err, bad, "schedule min_lr %g must be in [0, lr]", (double)k->min_lr);
    return NN_OK;
}

nn_status nn_spec_validate(const nn_spec *spec, size_t *param_count, nn_error *err) {
    if (param_count)
        *param_count = 0;
    nn_status st = nn_spec_check(spec, NN_ERR_ARG, err);
    if (st == NN_OK && param_count) {
        nn_unit u[NN_MAX_ITEMS];
        int L;
        uint64_t P, row;
        nn_spec_units(spec, u, &L, &P, &row, NN_ERR_ARG, err);
        *param_count = (size_t)P;
    }
    return st;
}

/* ---- lifecycle -------------------------------------------------------------------------- */

nn_status nn_net_alloc(const nn_spec *spec, nn_net **out, nn_error *err) {
    nn_net *net = calloc(1, sizeof *net);
    if (!net)
        return nn_fail(err, NN_ERR_NOMEM, "out of memory for the network");
    net->spec = *spec;
    if (spec->n_items == 0)     /* the shorthand ignores the list: keep no leftovers of it */
        memset(net->spec.items, 0, sizeof net->spec.items);
    uint64_t P64, row;
    nn_spec_units(spec, net->u, &net->L, &P64, &row, NN_ERR_ARG, err);
    size_t P = 0, wt = 1;
    net->first_param = -1;
    for (int l = 0; l < net->L; l++) {
        const nn_unit *u = &net->u[l];
        net->w_off[l] = P;
        P += u->nw;
        net->b_off[l] = P;
        if (u->nw) {
            P += (size_t)u->OC;
            /* Wᵀ for the input gradient, which the first layer with parameters skips */
            if (net->first_param >= 0 && u->nw > wt)
                wt = u->nw;
            if (net->first_param < 0)
                net->first_param = l;
        }
    }
    assert(P == P64);
    net->P = P;
    net->inputs = net->u[0].I;
    net->outputs = net->u[net->L - 1].O;
    net->n_state = nn_opt_state_count(spec->opt.type);
    const size_t k = 1 + (size_t)net->n_state;
    net->params = calloc(P, sizeof(float));
    net->grads = calloc(P, sizeof(float));
    net->state = net->n_state ? calloc((size_t)net->n_state * P, sizeof(float)) : NULL;
    net->backup = calloc(k * P, sizeof(float));
    net->wt = malloc(wt * sizeof(float));
    net->perm_epoch = -1;
    if (!net->params || !net->grads || (net->n_state && !net->state) || !net->backup ||
        !net->wt) {
        nn_net_free(net);
        return nn_fail(err, NN_ERR_NOMEM, "out of memory for %zu parameters", P);
    }
    nn_rng_seed(&net->rng, spec->seed, 1);
    nn_rng_seed(&net->shuffle_rng, spec->seed, 2);
    nn_rng_seed(&net->augment_rng, spec->seed, 3);
    *out = net;
    return NN_OK;
}

/* W ~ N(0, σ²) with σ = init_std, 1/√fan_in (Xavier) or √(2/fan_in) (He), layer by layer in
 * order; fan_in = I for dense, KH·KW·C for conv2d; biases zero */
static void init_params(nn_net *net) {
    for (int l = 0; l < net->L; l++) {
        const nn_unit *u = &net->u[l];
        if (!u->nw)
            continue;
        const int fan_in = u->type == NN_LAYER_CONV2D ? u->g.KH * u->g.KW * u->g.C : u->I;
        double std = net->spec.init_std;
        if (net->spec.init == NN_INIT_XAVIER)
            std = 1.0 / sqrt((double)fan_in);
        else if (net->spec.init == NN_INIT_HE)
            std = sqrt(2.0 / fan_in);
        float *W = net->params + net->w_off[l];
        for (size_t i = 0; i < u->nw; i++)
            W[i] = (float)(std * nn_rng_gauss(&net->rng));
    }
}

nn_status nn_net_create(const nn_spec *spec, nn_net **out, nn_error *err) {
    if (!out)
        return nn_fail(err, NN_ERR_ARG, "out is NULL");
    *out = NULL;
    nn_status st = nn_spec_check(spec, NN_ERR_ARG, err);
    if (st != NN_OK)
        return st;
    nn_net *net;
    st = nn_net_alloc(spec, &net, err);
    if (st != NN_OK)
        return st;
    init_params(net);
    *out = net;
    return NN_OK;
}

void nn_net_free(nn_net *net) {
    if (!net)
        return;
    nn_fit_end(net);
    free(net->params);
    free(net->grads);
    free(net->state);
    free(net->backup);
    free(net->wt);
    free(net->ws);
    free(net);
}

const char *nn_net_last_error(const nn_net *net) { return net ? net->err : "net is NULL"; }
void nn_net_spec(const nn_net *net, nn_spec *spec) { *spec = net->spec; }
size_t nn_param_count(const nn_net *net) { return net->P; }

nn_status nn_net_set_schedule(nn_net *net, const nn_schedule_spec *schedule) {
    if (!net)
        return NN_ERR_ARG;
    if (!schedule)
        return nn_net_fail(net, NN_ERR_ARG, "schedule is NULL");
    if (net->fit.active)
        return nn_net_fail(net, NN_ERR_STATE, "the schedule cannot change during a fit session");
    nn_spec s = net->spec;
    s.schedule = *schedule;
    nn_error e;
    if (nn_spec_check(&s, NN_ERR_ARG, &e) != NN_OK)
        return nn_net_fail(net, NN_ERR_ARG, "%s", e.message);
    net->spec = s;
    return NN_OK;
}
float *nn_params(nn_net *net) { return net->params; }
const float *nn_grads(const nn_net *net) { return net->grads; }

/* ---- workspace -------------------------------------------------------------------------- */

nn_status nn_ensure_workspace(nn_net *net, int32_t rows) {
    if (rows <= net->ws_rows)
        return NN_OK;
    /* per row: a[0], each layer's tensors (unit_row), the shared im2col matrix, two gradient
     * buffers of the widest layer, targets and labels */
    uint64_t per_row = 0, cols = 0, widest = (uint64_t)net->inputs;
    for (int l = 0; l < net->L; l++) {
        const nn_unit *u = &net->u[l];
        per_row += unit_row(u);
        if (u->type == NN_LAYER_CONV2D) {
            const uint64_t n = nn_conv2d_cols_size(&u->g, 1);
            cols = n > cols ? n : cols;
        }
        widest = (uint64_t)u->O > widest ? (uint64_t)u->O : widest;
    }
    per_row += (uint64_t)net->inputs + cols + 2 * widest + (uint64_t)net->outputs + 1;
    if (per_row * (uint64_t)rows > MAX_WORKSPACE)
        return nn_net_fail(net, NN_ERR_NOMEM, "a workspace of %d rows would need %llu floats",
                           (int)rows, (unsigned long long)(per_row * (uint64_t)rows));
    float *ws = malloc((size_t)(per_row * (uint64_t)rows) * sizeof(float));
    if (!ws)
        return nn_net_fail(net, NN_ERR_NOMEM, "out of memory for a workspace of %d rows",
                           (int)rows);
    free(net->ws);
    net->ws = ws;
    net->ws_rows = rows;
    const size_t R = (size_t)rows;
    float *p = ws;
    net->a[0] = p;
    p += R * (size_t)net->inputs;
    for (int l = 0; l < net->L; l++) {
        const nn_unit *u = &net->u[l];
        const size_t O = R * (size_t)u->O;
        net->z[l] = NULL;
        net->mask[l] = NULL;
        net->arg[l] = NULL;
        net->a[l + 1] = net->a[l];      /* flatten: its input (nn_forward sets it again) */
        switch (u->type) {
        case NN_LAYER_DENSE:
        case NN_LAYER_CONV2D:
            net->z[l] = p;
            p += O;
            net->a[l + 1] = p;
            p += O;
            break;
        case NN_LAYER_MAXPOOL2D:
            net->a[l + 1] = p;
            p += O;
            net->arg[l] = (int32_t *)p; /* int32 and float share size and alignment */
            p += O;
            break;
        case NN_LAYER_AVGPOOL2D:
            net->a[l + 1] = p;
            p += O;
            break;
        case NN_LAYER_DROPOUT:
            net->a[l + 1] = p;
            p += O;
            net->mask[l] = p;
            p += O;
            break;
        default:
            break;
        }
    }
    net->cols = p;
    p += R * (size_t)cols;
    net->d_a = p;
    p += R * (size_t)widest;
    net->d_z = p;
    p += R * (size_t)widest;
    net->tgt = p;
    p += R * (size_t)net->outputs;
    net->lab = (int32_t *)p;
    return NN_OK;
}

/* ---- one batch: gather, forward, objective, backward ------------------------------------- */

void nn_gather(nn_net *net, const nn_data *d, const int32_t *idx, int32_t first, int B) {
    const int I = d->cols, O = net->outputs;
    net->use_labels = d->labels != NULL;
    for (int r = 0; r < B; r++) {
        const size_t src = (size_t)(idx ? idx[r] : first + r);
        float *dst = net->a[0] + (size_t)r * I;
        if (d->x) {
            memcpy(dst, d->x + src * I, (size_t)I * sizeof(float));
        } else {
            nn_bytes_to_floats(dst, d->x_u8 + src * I, (size_t)I);
        }
        if (d->labels)
            net->lab[r] = d->labels[src];
        else if (d->targets)
            memcpy(net->tgt + (size_t)r * O, d->targets + src * O, (size_t)O * sizeof(float));
    }
}

/* layer by layer: z = x·W + b (dense) or conv(x, W) + b (conv2d), then a = f(z), or
 * output(z) for the last layer; pools; dropout when training; flatten passes its input on */
void nn_forward(nn_net *net, int B, int train) {
    const nn_spec *s = &net->spec;
    net->dropped = train != 0;
    for (int l = 0; l < net->L; l++) {
        const nn_unit *u = &net->u[l];
        const float *x = net->a[l];
        float *y = net->a[l + 1];
        const size_t n = (size_t)B * (size_t)u->O;
        const float *W = net->params + net->w_off[l], *b = net->params + net->b_off[l];
        NN_PROF(l, NN_PROF_FORWARD);
        switch (u->type) {
        case NN_LAYER_DENSE:
        case NN_LAYER_CONV2D:
            if (u->type == NN_LAYER_DENSE)
                nn_dense_forward(net->z[l], x, W, b, B, u->I, u->O);
            else
                nn_conv2d_forward(net->z[l], net->cols, x, W, b, &u->g, u->OC, B);
            NN_PROF(l, NN_PROF_ACT);
            if (l == net->L - 1)
                nn_output_forward(s->output, y, net->z[l], B, u->O);
            else
                nn_act_ops[u->act].forward(y, net->z[l], n, u->p);
            break;
        case NN_LAYER_MAXPOOL2D:
            nn_maxpool2d_forward(y, net->arg[l], x, &u->g, B);
            break;
        case NN_LAYER_AVGPOOL2D:
            nn_avgpool2d_forward(y, x, &u->g, B);
            break;
        case NN_LAYER_FLATTEN:
            net->a[l + 1] = net->a[l];
            break;
        case NN_LAYER_DROPOUT:
            if (train == 1)
                nn_dropout_forward(y, net->mask[l], x, n, u->rate, &net->rng);
            else if (train == 2)
                for (size_t i = 0; i < n; i++)
                    y[i] = x[i] * net->mask[l][i];
            else
                memcpy(y, x, n * sizeof(float));
            break;
        }
    }
}

double nn_objective(nn_net *net, int B, float *flood_sign) {
    const nn_spec *s = &net->spec;
    const int32_t *lab = net->use_labels ? net->lab : NULL;
    double L = nn_loss_sum(s->loss, s->output, net->z[net->L - 1], net->a[net->L], lab,
                           net->tgt, B, net->outputs) / B;
    L += nn_decay_loss(net);
    *flood_sign = 1.0f;
    if (s->flood > 0.0f) {      /* Flooding: |L − b| + b, gradient flipped below b */
        if (L < s->flood)
            *flood_sign = -1.0f;
        L = fabs(L - s->flood) + s->flood;
    }
    return L;
}

/* grads = ∂objective/∂params: the loss at the last layer's logits, then each layer back to
 * the first with parameters. g holds the gradient of layer l's output (of its pre-activation
 * once the activation's derivative is applied); each layer writes its input's into the other
 * buffer, and the two swap. */
void nn_backward(nn_net *net, int B, float flood_sign) {
    const nn_spec *s = &net->spec;
    const int32_t *lab = net->use_labels ? net->lab : NULL;
    memset(net->grads, 0, net->P * sizeof(float));
    float *g = net->d_z, *other = net->d_a;
    nn_loss_backward(s->loss, s->output, g, net->a[net->L], lab, net->tgt, B, net->outputs,
                     flood_sign);
    for (int l = net->L - 1; l >= net->first_param; l--) {
        const nn_unit *u = &net->u[l];
        const float *x = net->a[l];
        const size_t n = (size_t)B * (size_t)u->O;
        float *dx = l > net->first_param ? other : NULL;
        float *dW = net->grads + net->w_off[l], *db = net->grads + net->b_off[l];
        const float *W = net->params + net->w_off[l];
        NN_PROF(l, NN_PROF_BACKWARD);
        switch (u->type) {
        case NN_LAYER_DENSE:
        case NN_LAYER_CONV2D:
            if (u->act >= 0) {  /* dz = dy·f'(z), in place */
                NN_PROF(l, NN_PROF_ACT_BACK);
                nn_act_ops[u->act].backward(g, g, net->z[l], net->a[l + 1], n, u->p);
                NN_PROF(l, NN_PROF_BACKWARD);
            }
            if (u->type == NN_LAYER_DENSE) {
                nn_dense_backward(dx, dW, db, net->wt, g, x, W, B, u->I, u->O);
            } else {
                nn_conv2d_backward(dx, dW, db, net->cols, net->wt, g, x, W, &u->g, u->OC, B);
            }
            break;
        case NN_LAYER_MAXPOOL2D:
            nn_maxpool2d_backward(other, g, net->arg[l], &u->g, B);
            break;
        case NN_LAYER_AVGPOOL2D:
            nn_avgpool2d_backward(other, g, &u->g, B);
            break;
        case NN_LAYER_FLATTEN:
            continue;           /* the same values: g stays */
        case NN_LAYER_DROPOUT:
            if (net->dropped)   /* the identity when the forward pass did not drop */
                nn_mul(g, net->mask[l], n);
            continue;
        }
        float *t = g;
        g = other;
        other = t;
    }
    nn_decay_grad(net, flood_sign);
}

/* ---- data checks ------------------------------------------------------------------------ */

/* Check a data view against the net: pointers, sizes, finite inputs and targets, labels in
 * range. need_truth: labels or targets are required. */
static nn_status check_data(nn_net *net, const nn_data *d, int need_truth) {
    const int I = net->inputs, O = net->outputs;
    if (!d)
        return nn_net_fail(net, NN_ERR_ARG, "data is NULL");
    if (!d->x == !d->x_u8)
        return nn_net_fail(net, NN_ERR_ARG, "data needs exactly one of x and x_u8");
    if (need_truth && !d->labels == !d->targets)
        return nn_net_fail(net, NN_ERR_ARG, "data needs exactly one of labels and targets");
    if (d->rows < 1)
        return nn_net_fail(net, NN_ERR_ARG, "data has %d rows; at least 1 is needed",
                           (int)d->rows);
    if (d->cols != I)
        return nn_net_fail(net, NN_ERR_ARG, "data has %d columns but the net has %d inputs",
                           (int)d->cols, I);
    const uint64_t cells = (uint64_t)d->rows * (uint64_t)I;
    if (cells > SIZE_MAX / sizeof(float) || (uint64_t)d->rows * O > SIZE_MAX / sizeof(float))
        return nn_net_fail(net, NN_ERR_ARG, "data of %d rows is too large", (int)d->rows);
    if (d->x)
        for (size_t i = 0; i < (size_t)cells; i++)
            if (!is_finite(d->x[i]))
                return nn_net_fail(net, NN_ERR_ARG, "input row %zu column %zu is %g",
                                   i / (size_t)I, i % (size_t)I, (double)d->x[i]);
    if (need_truth && d->labels) {
        const int32_t top = O == 1 ? 2 : O;
        for (int32_t r = 0; r < d->rows; r++)
            if (d->labels[r] < 0 || d->labels[r] >= top)
                return nn_net_fail(net, NN_ERR_ARG, "label %d of row %d is out of range 0..%d",
                                   (int)d->labels[r], (int)r, (int)top - 1);
    } else if (need_truth) {
        for (size_t i = 0; i < (size_t)d->rows * (size_t)O; i++)
            if (!is_finite(d->targets[i]))
                return nn_net_fail(net, NN_ERR_ARG, "target row %zu column %zu is %g",
                                   i / (size_t)O, i % (size_t)O, (double)d->targets[i]);
    }
    return NN_OK;
}

/* ---- training in chunks ----------------------------------------------------------------- */

/* the augmentation ranges a are valid for this net: checked by nn_augment_check, and on only
 * for an image input (a layer list whose input has height or width above 1) */
static nn_status check_augment(nn_net *net, const nn_augment_spec *a) {
    nn_error e;
    if (nn_augment_check(a, &e) != NN_OK)
        return nn_net_fail(net, NN_ERR_ARG, "%s", e.message);
    if (!nn_augment_on(a))
        return NN_OK;
    const nn_spec *s = &net->spec;
    if (s->n_items == 0)
        return nn_net_fail(net, NN_ERR_ARG, "augment is on but this net is an MLP (an input of "
                                            "%d values, not an image); augmentation needs a "
                                            "layer list whose input has height or width above 1",
                           net->inputs);
    if (s->input[0] == 1 && s->input[1] == 1)
        return nn_net_fail(net, NN_ERR_ARG, "augment is on but the input %dx%dx%d is not an "
                                            "image (height and width 1)", (int)s->input[0],
                           (int)s->input[1], (int)s->input[2]);
    return NN_OK;
}

static int same_augment(const nn_augment_spec *a, const nn_augment_spec *b) {
    return a->shift == b->shift && a->rotate == b->rotate && a->scale == b->scale &&
           a->shear == b->shear;
}

nn_status nn_fit_begin(nn_net *net, const nn_data *data, const nn_fit_opts *opts) {
    if (!net)
        return NN_ERR_ARG;
    nn_session *f = &net->fit;
    const nn_fit_opts o = opts ? *opts : nn_fit_opts_default();
    if (f->active)
        return nn_net_fail(net, NN_ERR_STATE, "a fit session is already open; end it first");
    if (o.epochs < 1)
        return nn_net_fail(net, NN_ERR_ARG, "epochs is %d; it must be >= 1", (int)o.epochs);
    if (o.batch_size < 1)
        return nn_net_fail(net, NN_ERR_ARG, "batch_size is %d; it must be >= 1",
                           (int)o.batch_size);
    nn_status st = check_augment(net, &o.augment);
    if (st != NN_OK)
        return st;
    st = check_data(net, data, 1);
    if (st != NN_OK)
        return st;
    const int32_t bs = o.batch_size < data->rows ? o.batch_size : data->rows;
    if (o.resume) {
        if (!f->pending)
            return nn_net_fail(net, NN_ERR_STATE, "resume asked, but the net holds no "
                                                  "unfinished session (load a checkpoint)");
        if (f->rows != data->rows || f->batch_size != bs || !f->opts.shuffle != !o.shuffle)
            return nn_net_fail(net, NN_ERR_STATE,
                               "resume needs the session's data and options: %d rows, batch "
                               "%d, shuffle %d; got %d rows, batch %d, shuffle %d",
                               (int)f->rows, (int)f->batch_size, f->opts.shuffle != 0,
                               (int)data->rows, (int)bs, o.shuffle != 0);
        if (!same_augment(&f->opts.augment, &o.augment)) {
            const nn_augment_spec *a = &f->opts.augment, *b = &o.augment;
            return nn_net_fail(net, NN_ERR_STATE,
                               "resume needs the session's augmentation: shift %g, rotate %g, "
                               "scale %g, shear %g; got shift %g, rotate %g, scale %g, shear %g",
                               (double)a->shift, (double)a->rotate, (double)a->scale,
                               (double)a->shear, (double)b->shift, (double)b->rotate,
                               (double)b->scale, (double)b->shear);
        }
        if (o.epochs < f->epoch)
            return nn_net_fail(net, NN_ERR_ARG, "epochs %d is fewer than the %d already done",
                               (int)o.epochs, (int)f->epoch);
    }
    int32_t *perm = malloc((size_t)data->rows * sizeof *perm);
    /* with augmentation, batches are gathered here and transformed into the workspace */
    const int aug = nn_augment_on(&o.augment);
    float *raw = aug ? malloc((size_t)bs * (size_t)net->inputs * sizeof *raw) : NULL;
    if (!perm || (aug && !raw)) {
        free(perm);
        free(raw);
        return nn_net_fail(net, NN_ERR_NOMEM, "out of memory for %d rows", (int)data->rows);
    }
    st = nn_ensure_workspace(net, bs);
    if (st != NN_OK) {
        free(perm);
        free(raw);
        return st;
    }
    if (o.resume) {
        if (f->batch > 0)       /* the epoch's permutation is rebuilt from its saved generator */
            net->shuffle_rng = f->shuffle_rng_epoch;
    } else {
        memset(f, 0, sizeof *f);
        f->rows = data->rows;
        f->batch_size = bs;
    }
    f->active = 1;
    f->pending = 0;
    f->data = *data;
    f->opts = o;
    f->epochs = o.epochs;
    f->batches = (int32_t)((data->rows + bs - 1) / bs);
    f->perm = perm;
    f->raw = raw;
    net->perm_epoch = -1;
    return NN_OK;
}

/* The training batch: rows idx[0..B) of the session's data into the workspace, each image
 * transformed by its own augmentation draw when augmentation is on (gathered into f->raw, then
 * resampled into a[0]); only training gathers this way, so predict, evaluate and the gradient
 * check never see augmented inputs, nor draw from augment_rng. */
static void gather_batch(nn_net *net, const int32_t *idx, int B) {
    nn_session *f = &net->fit;
    if (!f->raw) {
        nn_gather(net, &f->data, idx, 0, B);
        return;
    }
    float *a0 = net->a[0];
    net->a[0] = f->raw;
    nn_gather(net, &f->data, idx, 0, B);
    net->a[0] = a0;
    const int32_t *in = net->spec.input;
    nn_augment_batch(a0, f->raw, B, in[0], in[1], in[2], &f->opts.augment, &net->augment_rng);
}

/* the order of this epoch: identity, shuffled by Fisher–Yates when asked */
static void make_perm(nn_net *net) {
    nn_session *f = &net->fit;
    f->shuffle_rng_epoch = net->shuffle_rng;
    for (int32_t i = 0; i < f->rows; i++)
        f->perm[i] = i;
    if (f->opts.shuffle)
        for (int32_t i = f->rows - 1; i > 0; i--) {
            const int32_t j = (int32_t)nn_rng_below(&net->shuffle_rng, (uint32_t)i + 1);
            const int32_t t = f->perm[i];
            f->perm[i] = f->perm[j];
            f->perm[j] = t;
        }
    net->perm_epoch = f->epoch;
}

static void fill_progress(const nn_net *net, nn_progress *p, int epoch_end, double batch_loss,
                          float lr) {
    const nn_session *f = &net->fit;
    p->step = f->step;
    p->total_steps = (int64_t)f->epochs * f->batches;
    p->epoch = f->epoch;
    p->epochs = f->epochs;
    p->batch = f->batch;
    p->batches_per_epoch = f->batches;
    p->epoch_end = epoch_end;
    p->done = f->epoch >= f->epochs;
    p->loss = f->seen ? f->loss_sum / (double)f->seen : f->last_loss;
    p->accuracy = f->seen ? (double)f->correct / (double)f->seen : f->last_accuracy;
    p->batch_loss = batch_loss;
    p->lr = lr;
}

/* stop the session after a non-finite value; the weights are those of the last good step */
static nn_status diverged(nn_net *net, const char *what) {
    const nn_session *f = &net->fit;
    nn_net_fail(net, NN_ERR_NONFINITE,
                "the %s became non-finite at epoch %d, batch %d (step %lld); the weights "
                "of the last good step are kept",
                what, (int)f->epoch + 1, (int)f->batch + 1, (long long)f->step + 1);
    nn_fit_end(net);
    net->fit.pending = 0;
    return NN_ERR_NONFINITE;
}

nn_status nn_fit_steps(nn_net *net, int32_t max_steps, nn_progress *progress) {
    if (!net)
        return NN_ERR_ARG;
    nn_session *f = &net->fit;
    if (!f->active)
        return nn_net_fail(net, NN_ERR_STATE, "no fit session is open (call nn_fit_begin)");
    if (max_steps < 1)
        return nn_net_fail(net, NN_ERR_ARG, "max_steps is %d; it must be >= 1",
                           (int)max_steps);
    const nn_spec *s = &net->spec;
    const size_t P = net->P, S = (size_t)net->n_state * P;
    const int O = net->outputs;
    int epoch_end = 0;
    double batch_loss = 0.0;
    float lr = nn_schedule_lr(s, f->step);
    for (int32_t k = 0; k < max_steps && f->epoch < f->epochs; k++) {
        if (net->perm_epoch != f->epoch)
            make_perm(net);
        const int32_t start = f->batch * f->batch_size;
        const int B = f->rows - start < f->batch_size ? f->rows - start : f->batch_size;
        NN_PROF(-1, NN_PROF_GATHER);
        gather_batch(net, f->perm + start, B);
        nn_forward(net, B, 1);
        NN_PROF(-1, NN_PROF_LOSS);
        float sign;
        const double L = nn_objective(net, B, &sign);
        if (!isfinite(L))
            return diverged(net, "loss");
        nn_backward(net, B, sign);
        NN_PROF(-1, NN_PROF_UPDATE);
        if (!nn_all_finite(net->grads, P))
            return diverged(net, "gradient");
        if (s->clip_norm > 0.0f) {  /* the global L2 norm, in double: finite for finite floats */
            const double norm2 = nn_sumsq(net->grads, P);
            if (norm2 > (double)s->clip_norm * s->clip_norm)
                nn_scale(net->grads, (float)(s->clip_norm / sqrt(norm2)), P);
        }
        lr = nn_schedule_lr(s, f->step);
        memcpy(net->backup, net->params, P * sizeof(float));
        if (S)
            memcpy(net->backup + P, net->state, S * sizeof(float));
        nn_opt_step(net, lr);
        if (!nn_all_finite(net->params, P) || !nn_all_finite(net->state, S)) {
            memcpy(net->params, net->backup, P * sizeof(float));
            if (S)
                memcpy(net->state, net->backup + P, S * sizeof(float));
            net->t--;
            return diverged(net, "weights");
        }
        batch_loss = L;
        f->loss_sum += L * B;
        f->correct += nn_count_correct(net->a[net->L], net->use_labels ? net->lab : NULL,
                                       net->tgt, B, O);
        f->seen += B;
        f->batch++;
        f->step++;
        if (f->batch == f->batches) {
            f->last_loss = f->loss_sum / (double)f->seen;
            f->last_accuracy = (double)f->correct / (double)f->seen;
            f->loss_sum = 0.0;
            f->correct = f->seen = 0;
            f->batch = 0;
            f->epoch++;
            epoch_end = 1;
            break;
        }
    }
    if (progress)
        fill_progress(net, progress, epoch_end, batch_loss, lr);
    return NN_OK;
}

void nn_fit_end(nn_net *net) {
    if (!net)
        return;
    nn_session *f = &net->fit;
    if (f->active) {            /* an unfinished session stays resumable from a checkpoint */
        f->pending = f->epoch < f->epochs;
        f->active = 0;
        memset(&f->data, 0, sizeof f->data);
    }
    free(f->perm);
    f->perm = NULL;
    free(f->raw);
    f->raw = NULL;
    net->perm_epoch = -1;
}

/* ---- inference -------------------------------------------------------------------------- */

/* rows per chunk: the training batch while a session is open (its workspace is kept), else
 * PREDICT_ROWS */
static nn_status chunk_rows(nn_net *net, int32_t rows, int32_t *chunk) {
    int32_t n = net->fit.active ? net->ws_rows : (rows < PREDICT_ROWS ? rows : PREDICT_ROWS);
    if (n < net->ws_rows)
        n = net->ws_rows;
    *chunk = n;
    return nn_ensure_workspace(net, n);
}

nn_status nn_predict(nn_net *net, const float *x, int32_t rows, float *out, size_t cap) {
    if (!net)
        return NN_ERR_ARG;
    if (!x || !out)
        return nn_net_fail(net, NN_ERR_ARG, "%s is NULL", x ? "out" : "x");
    const nn_data d = {x, NULL, NULL, NULL, rows, net->inputs};
    nn_status st = check_data(net, &d, 0);
    if (st != NN_OK)
        return st;
    const int O = net->outputs;
    if ((uint64_t)rows * (uint64_t)O > cap)
        return nn_net_fail(net, NN_ERR_CAPACITY, "out holds %zu floats; %d rows need %llu",
                           cap, (int)rows, (unsigned long long)rows * (unsigned long long)O);
    int32_t chunk;
    if ((st = chunk_rows(net, rows, &chunk)) != NN_OK)
        return st;
    for (int32_t first = 0; first < rows; first += chunk) {
        const int B = rows - first < chunk ? rows - first : chunk;
        /* forward only reads a[0]: point it at the caller's rows instead of copying them */
        float *own = net->a[0];
        net->a[0] = (float *)(uintptr_t)(x + (size_t)first * (size_t)d.cols);
        nn_forward(net, B, 0);
        net->a[0] = own;
        memcpy(out + (size_t)first * O, net->a[net->L], (size_t)B * O * sizeof(float));
    }
    return NN_OK;
}

nn_status nn_evaluate(nn_net *net, const nn_data *data, double *loss, double *accuracy) {
    if (!net)
        return NN_ERR_ARG;
    nn_status st = check_data(net, data, 1);
    if (st != NN_OK)
        return st;
    const nn_spec *s = &net->spec;
    const int O = net->outputs;
    int32_t chunk;
    if ((st = chunk_rows(net, data->rows, &chunk)) != NN_OK)
        return st;
    double total = 0.0;
    int64_t right = 0;
    for (int32_t first = 0; first < data->rows; first += chunk) {
        const int B = data->rows - first < chunk ? data->rows - first : chunk;
        nn_gather(net, data, NULL, first, B);
        nn_forward(net, B, 0);
        const int32_t *lab = data->labels ? net->lab : NULL;
        const float *z = net->z[net->L - 1], *y = net->a[net->L];
        for (int r = 0; r < B; r++) {   /* row by row, so the sum is the same for any chunk */
            const size_t at = (size_t)r * O;
            total += nn_loss_sum(s->loss, s->output, z + at, y + at, lab ? lab + r : NULL,
                                 net->tgt + at, 1, O);
        }
        right += nn_count_correct(y, lab, net->tgt, B, O);
    }
    if (loss)
        *loss = total / data->rows;
    if (accuracy)
        *accuracy = (double)right / data->rows;
    return NN_OK;
}
