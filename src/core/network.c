/*
 * network.c — the nn_net lifecycle, its memory blocks, forward/backward over a batch, the
 * chunked training loop, predict and evaluate.
 * Sizes: B batch rows, L dense layers, P parameters; layer l maps in_l = layers[l] units to
 * out_l = layers[l + 1] units.
 */
#include "kernels.h"
#include "nn_internal.h"

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
    nn_fit_opts o = {1, 32, 1, 0};
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

nn_status nn_spec_check(const nn_spec *s, nn_status bad, nn_error *err) {
    if (!s)
        return nn_fail(err, NN_ERR_ARG, "spec is NULL");
    if (s->n_layers < 2 || s->n_layers > NN_MAX_LAYERS)
        return nn_fail(err, bad, "n_layers is %d; it must be 2..%d (input and output included)",
                       (int)s->n_layers, NN_MAX_LAYERS);
    for (int l = 0; l < s->n_layers; l++)
        if (s->layers[l] < 1 || s->layers[l] > NN_MAX_UNITS)
            return nn_fail(err, bad, "layer %d: size %d is not allowed (1..%d)", l,
                           (int)s->layers[l], NN_MAX_UNITS);
    const uint64_t P = spec_params(s);
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
    const int outputs = s->layers[s->n_layers - 1];
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
    if (st == NN_OK && param_count)
        *param_count = (size_t)spec_params(spec);
    return st;
}

/* ---- lifecycle -------------------------------------------------------------------------- */

nn_status nn_net_alloc(const nn_spec *spec, nn_net **out, nn_error *err) {
    nn_net *net = calloc(1, sizeof *net);
    if (!net)
        return nn_fail(err, NN_ERR_NOMEM, "out of memory for the network");
    net->spec = *spec;
    net->L = spec->n_layers - 1;
    size_t P = 0;
    for (int l = 0; l < net->L; l++) {
        net->w_off[l] = P;
        P += (size_t)spec->layers[l] * (size_t)spec->layers[l + 1];
        net->b_off[l] = P;
        P += (size_t)spec->layers[l + 1];
    }
    net->P = P;
    net->n_state = nn_opt_state_count(spec->opt.type);
    const size_t k = 1 + (size_t)net->n_state;
    net->params = calloc(P, sizeof(float));
    net->grads = calloc(P, sizeof(float));
    net->state = net->n_state ? calloc((size_t)net->n_state * P, sizeof(float)) : NULL;
    net->backup = calloc(k * P, sizeof(float));
    size_t wt = 1;
    for (int l = 1; l < net->L; l++) {
        const size_t n = (size_t)spec->layers[l] * (size_t)spec->layers[l + 1];
        wt = n > wt ? n : wt;
    }
    net->wt = malloc(wt * sizeof(float));
    net->perm_epoch = -1;
    if (!net->params || !net->grads || (net->n_state && !net->state) || !net->backup ||
        !net->wt) {
        nn_net_free(net);
        return nn_fail(err, NN_ERR_NOMEM, "out of memory for %zu parameters", P);
    }
    nn_rng_seed(&net->rng, spec->seed, 1);
    nn_rng_seed(&net->shuffle_rng, spec->seed, 2);
    *out = net;
    return NN_OK;
}

/* W ~ N(0, σ²) with σ = init_std, 1/√fan_in (Xavier) or √(2/fan_in) (He); biases zero */
static void init_params(nn_net *net) {
    for (int l = 0; l < net->L; l++) {
        const int I = net->spec.layers[l], O = net->spec.layers[l + 1];
        double std = net->spec.init_std;
        if (net->spec.init == NN_INIT_XAVIER)
            std = 1.0 / sqrt((double)I);
        else if (net->spec.init == NN_INIT_HE)
            std = sqrt(2.0 / I);
        float *W = net->params + net->w_off[l];
        for (size_t i = 0; i < (size_t)I * O; i++)
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
    const nn_spec *s = &net->spec;
    const int drop = s->dropout > 0.0f;
    uint64_t per_row = (uint64_t)s->layers[0];     /* a[0] */
    uint64_t widest = (uint64_t)s->layers[0];
    for (int l = 0; l < net->L; l++) {
        const uint64_t O = (uint64_t)s->layers[l + 1];
        per_row += 2 * O;                           /* z[l] and a[l+1] */
        if (drop && l < net->L - 1)
            per_row += 2 * O;                       /* h[l] and mask[l] */
        widest = O > widest ? O : widest;
    }
    per_row += 2 * widest + (uint64_t)s->layers[net->L] + 1; /* d_a, d_z, tgt, lab */
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
    p += R * (size_t)s->layers[0];
    for (int l = 0; l < net->L; l++) {
        const size_t O = (size_t)s->layers[l + 1];
        net->z[l] = p;
        p += R * O;
        net->a[l + 1] = p;
        p += R * O;
        net->h[l] = net->a[l + 1];
        net->mask[l] = NULL;
        if (drop && l < net->L - 1) {
            net->h[l] = p;
            p += R * O;
            net->mask[l] = p;
            p += R * O;
        }
    }
    net->d_a = p;
    p += R * (size_t)widest;
    net->d_z = p;
    p += R * (size_t)widest;
    net->tgt = p;
    p += R * (size_t)s->layers[net->L];
    net->lab = (int32_t *)p;   /* int32 and float share size and alignment */
    return NN_OK;
}

/* ---- one batch: gather, forward, objective, backward ------------------------------------- */

void nn_gather(nn_net *net, const nn_data *d, const int32_t *idx, int32_t first, int B) {
    const int I = d->cols, O = net->spec.layers[net->L];
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

/* The parameter p of the hidden activation: leaky_relu's slope, hswish's width, ELU's α.
 * The spec has one field per parameter; ELU has none yet, so its α is the default 1 (as in
 * PyTorch, Keras and ONNX). Per-layer parameters come with the layer list (issue #13). */
static float act_param(const nn_spec *s) {
    switch (s->activation) {
    case NN_ACT_LEAKY_RELU: return s->leaky_slope;
    case NN_ACT_HSWISH: return s->hswish_n;
    case NN_ACT_ELU: return 1.0f;
    default: return 0.0f;   /* unused */
    }
}

/* z_l = a_l·W_l + b_l; a_{l+1} = f(z_l) (with dropout when training) or output(z_last) */
void nn_forward(nn_net *net, int B, int train) {
    const nn_spec *s = &net->spec;
    const float p = act_param(s);
    for (int l = 0; l < net->L; l++) {
        const int I = s->layers[l], O = s->layers[l + 1];
        const size_t n = (size_t)B * O;
        nn_dense_forward(net->z[l], net->a[l], net->params + net->w_off[l],
                         net->params + net->b_off[l], B, I, O);
        if (l == net->L - 1) {
            nn_output_forward(s->output, net->a[l + 1], net->z[l], B, O);
        } else if (net->mask[l]) {
            nn_act_ops[s->activation].forward(net->h[l], net->z[l], n, p);
            if (train)
                nn_dropout_forward(net->a[l + 1], net->mask[l], net->h[l], n, s->dropout,
                                   &net->rng);
            else
                memcpy(net->a[l + 1], net->h[l], n * sizeof(float));
        } else {
            nn_act_ops[s->activation].forward(net->a[l + 1], net->z[l], n, p);
        }
    }
}

double nn_objective(nn_net *net, int B, float *flood_sign) {
    const nn_spec *s = &net->spec;
    const int O = s->layers[net->L];
    const int32_t *lab = net->use_labels ? net->lab : NULL;
    double L = nn_loss_sum(s->loss, s->output, net->z[net->L - 1], net->a[net->L], lab,
                           net->tgt, B, O) / B;
    L += nn_decay_loss(net);
    *flood_sign = 1.0f;
    if (s->flood > 0.0f) {      /* Flooding: |L − b| + b, gradient flipped below b */
        if (L < s->flood)
            *flood_sign = -1.0f;
        L = fabs(L - s->flood) + s->flood;
    }
    return L;
}

/* grads = ∂objective/∂params: loss at the logits, then each layer back to the first */
void nn_backward(nn_net *net, int B, float flood_sign) {
    const nn_spec *s = &net->spec;
    const float p = act_param(s);
    const int32_t *lab = net->use_labels ? net->lab : NULL;
    memset(net->grads, 0, net->P * sizeof(float));
    nn_loss_backward(s->loss, s->output, net->d_z, net->a[net->L], lab, net->tgt, B,
                     s->layers[net->L], flood_sign);
    for (int l = net->L - 1; l >= 0; l--) {
        const int I = s->layers[l], O = s->layers[l + 1];
        nn_dense_backward(l > 0 ? net->d_a : NULL, net->grads + net->w_off[l],
                          net->grads + net->b_off[l], net->wt, net->d_z, net->a[l],
                          net->params + net->w_off[l], B, I, O);
        if (l > 0) {            /* d_z of layer l − 1 = d_a·mask·f'(z) */
            const size_t n = (size_t)B * I;
            if (net->mask[l - 1])
                nn_mul(net->d_a, net->mask[l - 1], n);
            nn_act_ops[s->activation].backward(net->d_z, net->d_a, net->z[l - 1],
                                               net->h[l - 1], n, p);
        }
    }
    nn_decay_grad(net, flood_sign);
}

/* ---- data checks ------------------------------------------------------------------------ */

/* Check a data view against the net: pointers, sizes, finite inputs and targets, labels in
 * range. need_truth: labels or targets are required. */
static nn_status check_data(nn_net *net, const nn_data *d, int need_truth) {
    const nn_spec *s = &net->spec;
    const int I = s->layers[0], O = s->layers[net->L];
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
    nn_status st = check_data(net, data, 1);
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
        if (o.epochs < f->epoch)
            return nn_net_fail(net, NN_ERR_ARG, "epochs %d is fewer than the %d already done",
                               (int)o.epochs, (int)f->epoch);
    }
    int32_t *perm = malloc((size_t)data->rows * sizeof *perm);
    if (!perm)
        return nn_net_fail(net, NN_ERR_NOMEM, "out of memory for %d rows", (int)data->rows);
    st = nn_ensure_workspace(net, bs);
    if (st != NN_OK) {
        free(perm);
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
    net->perm_epoch = -1;
    return NN_OK;
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
    const int O = s->layers[net->L];
    int epoch_end = 0;
    double batch_loss = 0.0;
    float lr = nn_schedule_lr(s, f->step);
    for (int32_t k = 0; k < max_steps && f->epoch < f->epochs; k++) {
        if (net->perm_epoch != f->epoch)
            make_perm(net);
        const int32_t start = f->batch * f->batch_size;
        const int B = f->rows - start < f->batch_size ? f->rows - start : f->batch_size;
        nn_gather(net, &f->data, f->perm + start, 0, B);
        nn_forward(net, B, 1);
        float sign;
        const double L = nn_objective(net, B, &sign);
        if (!isfinite(L))
            return diverged(net, "loss");
        nn_backward(net, B, sign);
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
    const nn_data d = {x, NULL, NULL, NULL, rows, net->spec.layers[0]};
    nn_status st = check_data(net, &d, 0);
    if (st != NN_OK)
        return st;
    const int O = net->spec.layers[net->L];
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
    const int O = s->layers[net->L];
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
