/*
 * test_cnn.c — networks as layer lists (issue #13): forward values of tiny conv + pool + dense
 * nets worked out by hand, whole-net gradients against central differences (conv stride 1 and
 * 2, 'valid' and 'same', several channels, both pools, implicit and explicit flatten, dropout
 * layers, a different activation per layer), every shape error word for word, the MLP written
 * as dense layers training to the same bits as the shorthand, a CNN trajectory recorded to the
 * bit (so the scalar build, natively, and the SIMD build, as test_cnn_simd128 in Node, must
 * both reproduce it), and a short CNN training on MNIST (native only: it reads the IDX files).
 * Layout NHWC throughout (see nnwasm.h).
 */
#include "check.h"
#include "read_file.h"
#include "nn_internal.h"

#include <stdint.h>
#include <stdlib.h>

/* f32 forward passes, loss in double: central differences with h = 1e-2 carry about 1e-3
 * relative error (O(h²) truncation of the smooth activations, f32 rounding of losses of
 * order 1 over 2h), so a correct backward stays well under 2e-2 and a wrong one (a missing
 * term, a wrong index or sign) is off by order 1. As test_layers.c. */
#define GRAD_TOL 2e-2
#define GRAD_H 1e-2f

static nn_layer dense(int units, int act) {
    nn_layer l = {NN_LAYER_DENSE, units, 0, 0, 0, 0, 0, act, 0.0f, 0.0f};
    return l;
}

static nn_layer conv(int filters, int kh, int kw, int sh, int sw, int pad, int act) {
    nn_layer l = {NN_LAYER_CONV2D, filters, kh, kw, sh, sw, pad, act, 0.0f, 0.0f};
    return l;
}

static nn_layer pool(int type, int k, int s, int pad) {
    nn_layer l = {type, 0, k, k, s, s, pad, 0, 0.0f, 0.0f};
    return l;
}

static nn_layer flatten(void) {
    nn_layer l = {NN_LAYER_FLATTEN, 0, 0, 0, 0, 0, 0, 0, 0.0f, 0.0f};
    return l;
}

static nn_layer dropout(float rate) {
    nn_layer l = {NN_LAYER_DROPOUT, 0, 0, 0, 0, 0, 0, 0, 0.0f, rate};
    return l;
}

/* a spec of input (H, W, C) and the n layers given */
static nn_spec list_spec(int H, int W, int C, const nn_layer *items, int n) {
    nn_spec s = nn_spec_default();
    s.input[0] = H;
    s.input[1] = W;
    s.input[2] = C;
    s.n_items = n;
    for (int i = 0; i < n; i++)
        s.items[i] = items[i];
    return s;
}

static nn_net *make(const nn_spec *s) {
    nn_net *net = NULL;
    nn_error e;
    const nn_status st = nn_net_create(s, &net, &e);
    CHECK_STATUS(st, NN_OK);
    if (st != NN_OK)
        printf("  create: %s\n", e.message);
    return net;
}

/* inputs in [−1.5, 1.5) from a fixed generator */
static void fill(float *v, size_t n, uint32_t seed) {
    nn_rng r;
    nn_rng_seed(&r, seed, 9);
    for (size_t i = 0; i < n; i++)
        v[i] = (float)(3.0 * nn_rng_uniform(&r) - 1.5);
}

/* ---- forward values by hand -------------------------------------------------------------- */

/* Input 3×3×1 = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]. Conv 2@2×2 'valid', ReLU:
 * filter 0 = [[1, 0], [0, 1]], b = −7: x[i][j] + x[i+1][j+1] − 7 = (−1, 1; 5, 7) → (0, 1; 5, 7)
 * filter 1 = [[0, 1], [−1, 0]], b = 3: x[i][j+1] − x[i+1][j] + 3 = (1, 1; 1, 1).
 * Max pool 2×2 → (7, 1); average pool 2×2 → (13/4, 1). Dense 2 (identity output),
 * W = [[1, 2], [3, 4]], b = (0.5, −1): max → (7 + 3 + 0.5, 14 + 4 − 1) = (10.5, 17);
 * average → (3.25 + 3 + 0.5, 6.5 + 4 − 1) = (6.75, 9.5). */
static void test_forward_by_hand(void) {
    for (int k = 0; k < 2; k++) {
        const nn_layer items[3] = {
            conv(2, 2, 2, 1, 1, NN_PAD_VALID, NN_ACT_RELU),
            pool(k ? NN_LAYER_AVGPOOL2D : NN_LAYER_MAXPOOL2D, 2, 2, NN_PAD_VALID),
            dense(2, 0),
        };
        nn_spec s = list_spec(3, 3, 1, items, 3);
        s.output = NN_OUT_IDENTITY;
        s.loss = NN_LOSS_MSE;
        nn_net *net = make(&s);
        if (!net)
            return;
        CHECK_INT(nn_param_count(net), 8 + 2 + 4 + 2);
        /* conv W (KH, KW, C, F): W[(kh·2 + kw)·2 + f] */
        const float p[16] = {1, 0, 0, 1, 0, -1, 1, 0, -7, 3, 1, 2, 3, 4, 0.5f, -1};
        memcpy(nn_params(net), p, sizeof p);
        const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float y[2];
        CHECK_STATUS(nn_predict(net, x, 1, y, 2), NN_OK);
        CHECK_NEAR(y[0], k ? 6.75 : 10.5, 0);
        CHECK_NEAR(y[1], k ? 9.5 : 17.0, 0);
        nn_net_free(net);
    }
    /* 'same' conv, stride 2, flatten: input 3×3×1 as above, conv 1@2×2 s2 'same': OH = 2,
     * padding total (2 − 1)·2 + 2 − 3 = 1, all of it after (bottom, right). Filter all ones,
     * b = 0, identity-like (ReLU on positives): windows (1+2+4+5, 3+6, 7+8, 9) = (12, 9, 15,
     * 9). Flatten, dense 1 with W = (1, 10, 100, 1000), b = 0 → 12 + 90 + 1500 + 9000. */
    const nn_layer items[3] = {conv(1, 2, 2, 2, 2, NN_PAD_SAME, NN_ACT_RELU), flatten(),
                               dense(1, 0)};
    nn_spec s = list_spec(3, 3, 1, items, 3);
    s.output = NN_OUT_IDENTITY;
    s.loss = NN_LOSS_MSE;
    nn_net *net = make(&s);
    if (!net)
        return;
    const float p[10] = {1, 1, 1, 1, 0, 1, 10, 100, 1000, 0};
    CHECK_INT(nn_param_count(net), 10);
    memcpy(nn_params(net), p, sizeof p);
    const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float y;
    CHECK_STATUS(nn_predict(net, x, 1, &y, 1), NN_OK);
    CHECK_NEAR(y, 10602.0, 0);
    nn_net_free(net);
}

/* ---- gradients ---------------------------------------------------------------------------- */

/* the smallest gap between a window's maximum and the runner-up over every max pool of the
 * net on the gathered rows: central differences mean nothing where a perturbation moves an
 * argmax */
static double pool_gap(const nn_net *net, int B) {
    double gap = 1e9;
    for (int l = 0; l < net->L; l++) {
        const nn_unit *u = &net->u[l];
        if (u->type != NN_LAYER_MAXPOOL2D)
            continue;
        const nn_window *g = &u->g;
        for (int b = 0; b < B; b++)
            for (int oh = 0; oh < g->OH; oh++)
                for (int ow = 0; ow < g->OW; ow++)
                    for (int c = 0; c < g->C; c++) {
                        double m1 = -1e30, m2 = -1e30;
                        for (int kh = 0; kh < g->KH; kh++)
                            for (int kw = 0; kw < g->KW; kw++) {
                                const int h = oh * g->sh - g->pad_top + kh;
                                const int w = ow * g->sw - g->pad_left + kw;
                                if (h < 0 || h >= g->H || w < 0 || w >= g->W)
                                    continue;
                                const double v =
                                    net->a[l][(size_t)b * u->I + ((size_t)h * g->W + w) * g->C +
                                              c];
                                if (v > m1) {
                                    m2 = m1;
                                    m1 = v;
                                } else if (v > m2) {
                                    m2 = v;
                                }
                            }
                        if (m2 > -1e30 && m1 - m2 < gap)
                            gap = m1 - m2;
                    }
    }
    return gap;
}

/* the smallest distance of a hidden pre-activation from a kink of its activation (ReLU,
 * leaky ReLU, ELU with α ≠ 1 and ReLU6 at 0, ReLU6 also at 6, h-swish at ±n/2), where central
 * differences are meaningless too */
static double kink_gap(const nn_net *net, int B) {
    double gap = 1e9;
    for (int l = 0; l < net->L; l++) {
        const nn_unit *u = &net->u[l];
        if (!net->z[l] || u->act < 0)
            continue;
        for (size_t i = 0; i < (size_t)B * u->O; i++) {
            const double z = net->z[l][i];
            switch (u->act) {
            case NN_ACT_ELU:    /* with α = 1 its derivative is continuous: no kink */
                if (u->p != 1.0f)
                    gap = fmin(gap, fabs(z));
                break;
            case NN_ACT_RELU:
            case NN_ACT_LEAKY_RELU: gap = fmin(gap, fabs(z)); break;
            case NN_ACT_RELU6: gap = fmin(gap, fmin(fabs(z), fabs(z - 6.0))); break;
            case NN_ACT_HSWISH:
                gap = fmin(gap, fmin(fabs(z - u->p / 2), fabs(z + u->p / 2)));
                break;
            default: break;
            }
        }
    }
    return gap;
}

/* every layer with parameters has a nonzero W and b gradient */
static int grads_alive(const nn_net *net) {
    const float *g = nn_grads(net);
    for (int l = 0; l < net->L; l++) {
        if (!net->u[l].nw)
            continue;
        int w = 0, b = 0;
        for (size_t i = net->w_off[l]; i < net->b_off[l]; i++)
            w |= g[i] != 0.0f;
        for (size_t i = net->b_off[l]; i < net->b_off[l] + (size_t)net->u[l].OC; i++)
            b |= g[i] != 0.0f;
        if (!w || !b)
            return 0;
    }
    return 1;
}

enum { GR = 4 };    /* rows of a gradient check */

/* nn_grad_check with step h of the net of spec s on `rows` rows (at most GR), labels for its
 * 3 outputs. The inputs are the first whose max pools have every runner-up, and whose hidden
 * pre-activations every kink, 4h or more away: a step of h moves a pre-activation by at most
 * about 1.5h (inputs and activations below 1.5 in size), so no argmax and no kink is crossed.
 * Max pools and kinks come in numbers, so those nets take 2 rows and h = 3e-3 (rounding then
 * weighs 3 times more, still far below the tolerance). */
static void check_grad_h(const char *what, nn_spec s, int rows, float h) {
    s.init = NN_INIT_XAVIER;
    s.seed = 17;
    nn_net *net = make(&s);
    if (!net)
        return;
    for (size_t i = 0; i < net->P; i++)     /* biases away from zero, every path exercised */
        if (net->params[i] == 0.0f)
            net->params[i] = 0.05f * (float)(i % 7) - 0.15f;
    const int I = net->inputs;
    float *x = malloc((size_t)GR * I * sizeof(float));
    float *y = malloc((size_t)GR * 3 * sizeof(float));
    int32_t lab[GR] = {0, 2, 1, 2};
    uint32_t seed = 11;
    for (;; seed++) {
        fill(x, (size_t)rows * I, seed);
        nn_predict(net, x, rows, y, (size_t)rows * 3);
        if (fmin(pool_gap(net, rows), kink_gap(net, rows)) > 4 * h || seed > 1000)
            break;
    }
    if (seed > 1000)
        printf("  %s: no inputs clear of argmax ties and kinks\n", what);
    CHECK(seed <= 1000);
    nn_data d = {x, NULL, lab, NULL, rows, I};
    double worst = -1;
    CHECK_STATUS(nn_grad_check(net, &d, h, &worst), NN_OK);
    if (!(worst >= 0 && worst < GRAD_TOL))
        printf("  %s: worst %g\n", what, worst);
    CHECK(worst >= 0 && worst < GRAD_TOL);
    CHECK(grads_alive(net));
    free(x);
    free(y);
    nn_net_free(net);
}

static void check_grad(const char *what, nn_spec s) { check_grad_h(what, s, GR, GRAD_H); }
static void check_grad_kinks(const char *what, nn_spec s) { check_grad_h(what, s, 2, 3e-3f); }

static void test_gradients(void) {
    {   /* conv stride 1 'valid', two input channels, dense after it (implicit flatten) */
        const nn_layer it[2] = {conv(3, 3, 3, 1, 1, NN_PAD_VALID, NN_ACT_TANH), dense(3, 0)};
        check_grad("conv s1 valid", list_spec(5, 6, 2, it, 2));
    }
    {   /* conv stride 2 'same' into conv stride 1 'same' with a non-square kernel */
        const nn_layer it[3] = {conv(4, 3, 3, 2, 2, NN_PAD_SAME, NN_ACT_SWISH),
                                conv(3, 2, 3, 1, 1, NN_PAD_SAME, NN_ACT_GELU), dense(3, 0)};
        check_grad("conv s2 same, conv s1 same", list_spec(7, 7, 2, it, 3));
    }
    {   /* conv stride (2, 1) 'valid', then a max pool and an explicit flatten */
        const nn_layer it[4] = {conv(3, 3, 2, 2, 1, NN_PAD_VALID, NN_ACT_TANH),
                                pool(NN_LAYER_MAXPOOL2D, 2, 2, NN_PAD_VALID), flatten(),
                                dense(3, 0)};
        check_grad_kinks("conv s(2,1), maxpool, flatten", list_spec(9, 7, 3, it, 4));
    }
    {   /* overlapping 'same' max pool (3×3, stride 2) after a 'same' conv */
        const nn_layer it[3] = {conv(2, 3, 3, 1, 1, NN_PAD_SAME, NN_ACT_SIGMOID),
                                pool(NN_LAYER_MAXPOOL2D, 3, 2, NN_PAD_SAME), dense(3, 0)};
        check_grad_kinks("maxpool 3x3 s2 same", list_spec(6, 5, 2, it, 3));
    }
    {   /* average pools, 'valid' and overlapping 'same', and a hidden dense */
        const nn_layer it[5] = {conv(3, 2, 2, 1, 1, NN_PAD_VALID, NN_ACT_ELU),
                                pool(NN_LAYER_AVGPOOL2D, 2, 2, NN_PAD_VALID),
                                pool(NN_LAYER_AVGPOOL2D, 3, 1, NN_PAD_SAME),
                                dense(5, NN_ACT_SOFTPLUS), dense(3, 0)};
        check_grad("avgpools", list_spec(7, 7, 2, it, 5));
    }
    {   /* a different activation and parameter in every hidden layer, dropout layers (off in
         * the check), a pool first (before any parameter: backward stops at the conv) */
        nn_layer it[7] = {pool(NN_LAYER_AVGPOOL2D, 2, 1, NN_PAD_VALID),
                          conv(3, 3, 3, 1, 1, NN_PAD_VALID, NN_ACT_LEAKY_RELU),
                          dropout(0.25f),
                          conv(2, 2, 2, 1, 1, NN_PAD_SAME, NN_ACT_HSWISH),
                          dense(6, NN_ACT_GELU_TANH), dropout(0.5f), dense(3, 0)};
        it[1].act_param = 0.3f;
        it[3].act_param = 3.0f;
        check_grad_kinks("mixed activations", list_spec(7, 6, 2, it, 7));
    }
    {   /* weight decay on conv weights too */
        const nn_layer it[2] = {conv(2, 3, 3, 2, 2, NN_PAD_SAME, NN_ACT_TANHEXP), dense(3, 0)};
        nn_spec s = list_spec(5, 5, 3, it, 2);
        s.weight_decay = 0.1f;
        check_grad("conv with weight decay", s);
    }
}

/* The dropout layer's backward: nn_grad_check turns dropout off, so this draws masks with a
 * training forward (train 1) and takes the central differences with the same masks applied
 * again (train 2). */
static void test_dropout_gradient(void) {
    const nn_layer it[6] = {conv(3, 3, 3, 1, 1, NN_PAD_VALID, NN_ACT_TANH), dropout(0.4f),
                            flatten(), dense(6, NN_ACT_SWISH), dropout(0.5f), dense(3, 0)};
    nn_spec s = list_spec(5, 5, 2, it, 6);
    s.init = NN_INIT_XAVIER;
    nn_net *net = make(&s);
    if (!net)
        return;
    float x[GR * 50];
    int32_t lab[GR] = {1, 0, 2, 1};
    fill(x, GR * 50, 5);
    const nn_data d = {x, NULL, lab, NULL, GR, 50};
    CHECK_STATUS(nn_ensure_workspace(net, GR), NN_OK);
    nn_gather(net, &d, NULL, 0, GR);
    float sign;
    nn_forward(net, GR, 1);
    nn_objective(net, GR, &sign);
    nn_backward(net, GR, sign);
    int dropped = 0;
    for (size_t i = 0; i < (size_t)GR * 6; i++)
        dropped += net->mask[4][i] == 0.0f;
    CHECK(dropped > 0 && dropped < GR * 6);     /* the masks do something */
    double worst = 0;
    for (size_t i = 0; i < net->P; i++) {
        const float w = net->params[i];
        net->params[i] = w + GRAD_H;
        nn_forward(net, GR, 2);
        const double up = nn_objective(net, GR, &sign);
        net->params[i] = w - GRAD_H;
        nn_forward(net, GR, 2);
        const double down = nn_objective(net, GR, &sign);
        net->params[i] = w;
        const double num = (up - down) / ((double)(w + GRAD_H) - (double)(w - GRAD_H));
        const double a = net->grads[i];
        const double den = fmax(fmax(fabs(a), fabs(num)), 1e-3);
        worst = fmax(worst, fabs(a - num) / den);
    }
    if (!(worst < GRAD_TOL))
        printf("  dropout layers: worst %g\n", worst);
    CHECK(worst < GRAD_TOL);
    CHECK(grads_alive(net));
    nn_net_free(net);
}

/* ---- shape errors --------------------------------------------------------------------------- */

/* nn_spec_validate and nn_net_create both refuse s with exactly message msg */
static void refused(const nn_spec *s, const char *msg, int line) {
    nn_error e = {{0}};
    size_t count = 99;
    const nn_status st = nn_spec_validate(s, &count, &e);
    nn_net *net = (nn_net *)&count;
    nn_error e2 = {{0}};
    const nn_status st2 = nn_net_create(s, &net, &e2);
    CHECK_STATUS(st, NN_ERR_ARG);
    CHECK_STATUS(st2, NN_ERR_ARG);
    CHECK_INT(count, 0);
    CHECK(net == NULL);
    if (strcmp(e.message, msg) != 0 || strcmp(e2.message, msg) != 0) {
        check_failed++;
        printf("test_cnn.c:%d: message \"%s\", want \"%s\"\n", line, e.message, msg);
    }
    check_count++;
}
#define REFUSED(s, msg) refused(&(s), (msg), __LINE__)

static void test_shape_errors(void) {
    const nn_layer good[5] = {conv(4, 3, 3, 1, 1, NN_PAD_VALID, NN_ACT_RELU),
                              pool(NN_LAYER_MAXPOOL2D, 2, 2, NN_PAD_VALID), flatten(),
                              dropout(0.5f), dense(10, 0)};
    const nn_spec ok = list_spec(8, 8, 1, good, 5);
    size_t count = 0;
    nn_error e;
    CHECK_STATUS(nn_spec_validate(&ok, &count, &e), NN_OK);
    CHECK_INT(count, 3 * 3 * 4 + 4 + 3 * 3 * 4 * 10 + 10);
    nn_spec s;

    s = ok;
    s.n_items = 33;
    REFUSED(s, "n_items is 33; it must be 0 (the MLP shorthand) or 1..32");
    s = ok;
    s.n_items = -1;
    REFUSED(s, "n_items is -1; it must be 0 (the MLP shorthand) or 1..32");
    s = ok;
    s.n_layers = 3;
    REFUSED(s, "n_layers is 3 with a layer list of 5; it must be 0 (the layer list replaces "
               "the shorthand)");
    s = ok;
    s.dropout = 0.5f;
    REFUSED(s, "dropout 0.5 must be 0 with a layer list (dropout is a layer there)");
    s = nn_spec_default();
    s.n_layers = 2;
    s.layers[0] = s.layers[1] = 2;
    s.input[2] = 2;
    REFUSED(s, "input 0x0x2 must be 0x0x0 without a layer list (the shorthand's input is "
               "layers[0])");
    s = ok;
    s.input[1] = 0;
    REFUSED(s, "input width 0 is not allowed (1..65536)");
    s = ok;
    s.input[0] = s.input[1] = 65536;
    REFUSED(s, "input 65536x65536x1 has more than 16777216 values");
    s = ok;
    s.items[2].type = 9;
    REFUSED(s, "layer 2: type 9 is unknown (0..5)");
    s = ok;
    s.items[1].units = 3;
    REFUSED(s, "layer 1 (maxpool2d): units 3 must be 0 (a maxpool2d layer does not use it)");
    s = ok;
    s.items[3].padding = 1;
    REFUSED(s, "layer 3 (dropout): padding 1 must be 0 (a dropout layer does not use it)");
    s = ok;
    s.items[4].rate = 0.1f;
    REFUSED(s, "layer 4 (dense): rate 0.1 must be 0 (a dense layer does not use it)");
    s = ok;
    s.n_items = 4;
    REFUSED(s, "layer 3 (dropout) is the last; the last layer must be dense (its units are "
               "the outputs)");
    s = ok;
    s.items[0].units = 0;
    REFUSED(s, "layer 0 (conv2d): units 0 is not allowed (1..65536)");
    s = ok;
    s.items[4].activation = NN_ACT_RELU;
    REFUSED(s, "layer 4 (dense): activation 2 and act_param 0 must be 0 in the last layer "
               "(spec.output applies)");
    s = ok;
    s.items[0].activation = 13;
    REFUSED(s, "layer 0 (conv2d): activation 13 is unknown");
    s = ok;
    s.items[0].act_param = NAN;
    REFUSED(s, "layer 0 (conv2d): act_param nan must be finite");
    s = ok;
    s.items[0].activation = NN_ACT_LEAKY_RELU;
    s.items[0].act_param = -2.0f;
    REFUSED(s, "layer 0 (conv2d): act_param -2 (the leaky_relu slope) must be in [-1, 1]");
    s = ok;
    s.items[0].activation = NN_ACT_ELU;
    s.items[0].act_param = -1.0f;
    REFUSED(s, "layer 0 (conv2d): act_param -1 (the elu alpha) must be > 0 (0 = the default)");
    s = ok;
    s.items[0].activation = NN_ACT_HSWISH;
    s.items[0].act_param = -1.0f;
    REFUSED(s, "layer 0 (conv2d): act_param -1 (the hswish n) must be > 0 (0 = the default)");
    s = ok;
    s.items[0].act_param = 0.5f;
    REFUSED(s, "layer 0 (conv2d): act_param 0.5 must be 0: activation 2 has no parameter");
    /* a kernel larger than its input, through nn_window_init's message */
    s = ok;
    s.items[0].kernel_h = s.items[0].kernel_w = 9;
    REFUSED(s, "layer 0 (conv2d) on a 8x8x1 input: kernel height 9 is larger than the input "
               "height 8 (padding 'valid')");
    /* a pool that would leave nothing: its window is larger than what the conv left */
    s = ok;
    s.items[0].kernel_h = 7;
    s.items[1].kernel_w = 2;
    s.items[1].kernel_h = 3;
    REFUSED(s, "layer 1 (maxpool2d) on a 2x6x4 input: kernel height 3 is larger than the "
               "input height 2 (padding 'valid')");
    s = ok;
    s.items[1].stride_w = 0;
    REFUSED(s, "layer 1 (maxpool2d) on a 6x6x4 input: stride width 0 must be at least 1");
    s = ok;
    s.items[0].padding = 2;
    REFUSED(s, "layer 0 (conv2d) on a 8x8x1 input: padding 2 is unknown (0 valid, 1 same)");
    /* a conv or a pool after a dense or a flatten */
    {
        const nn_layer it[3] = {dense(16, NN_ACT_RELU),
                                conv(2, 1, 1, 1, 1, NN_PAD_VALID, NN_ACT_RELU), dense(2, 0)};
        s = list_spec(4, 4, 1, it, 3);
        REFUSED(s, "layer 1 (conv2d): its input is not an image (layer dense made it (1, 1, "
                   "16)); a conv2d goes before any dense or flatten");
        s.items[0] = flatten();
        s.items[1] = pool(NN_LAYER_AVGPOOL2D, 1, 1, NN_PAD_VALID);
        REFUSED(s, "layer 1 (avgpool2d): its input is not an image (layer flatten made it (1, "
                   "1, 16)); a avgpool2d goes before any dense or flatten");
    }
    s = ok;
    s.items[3].rate = 1.0f;
    REFUSED(s, "layer 3 (dropout): rate 1 must be in [0, 1)");
    /* too many parameters, too much workspace, too large an output */
    {
        const nn_layer it[3] = {conv(65536, 3, 3, 1, 1, NN_PAD_SAME, NN_ACT_RELU),
                                conv(65536, 3, 3, 1, 1, NN_PAD_SAME, NN_ACT_RELU), dense(2, 0)};
        s = list_spec(1, 1, 1, it, 3);
        REFUSED(s, "layer 1 (conv2d): 38655426560 parameters up to here are too many (at "
                   "most 268435456)");
        s.input[0] = s.input[1] = 64;
        REFUSED(s, "layer 0 (conv2d): its output 64x64x65536 has more than 16777216 values");
        s.items[0] = conv(1, 64, 64, 1, 1, NN_PAD_SAME, NN_ACT_RELU);
        s.input[0] = s.input[1] = 256;
        REFUSED(s, "layer 0 (conv2d): one input row needs 268828673 floats of workspace up to "
                   "here (at most 268435456)");
    }
    /* the softmax check sees the last layer's units */
    {
        const nn_layer it[2] = {flatten(), dense(1, 0)};
        s = list_spec(2, 2, 1, it, 2);
        REFUSED(s, "softmax output needs at least 2 outputs, got 1");
    }
}

/* ---- the shorthand and the list ---------------------------------------------------------- */

/* An MLP written as dense (and dropout) layers creates the same weights and trains to the same
 * bits as the shorthand: the same init draws, dropout masks and sums in the same order. */
static void test_list_equals_shorthand(void) {
    for (int drop = 0; drop < 2; drop++) {
        nn_spec a = nn_spec_default();
        a.n_layers = 4;
        a.layers[0] = 2;
        a.layers[1] = 12;
        a.layers[2] = 7;
        a.layers[3] = 3;
        a.activation = NN_ACT_LEAKY_RELU;
        a.leaky_slope = 0.1f;
        a.dropout = drop ? 0.2f : 0.0f;
        a.opt.type = NN_OPT_ADAM;
        a.opt.lr = 0.01f;
        a.weight_decay = 1e-3f;
        nn_spec b = a;
        b.n_layers = 0;
        b.dropout = 0.0f;
        b.input[0] = b.input[1] = 1;
        b.input[2] = 2;
        int n = 0;
        b.items[n++] = dense(12, NN_ACT_LEAKY_RELU);
        if (drop)
            b.items[n++] = dropout(0.2f);
        b.items[n++] = dense(7, NN_ACT_LEAKY_RELU);
        if (drop)
            b.items[n++] = dropout(0.2f);
        b.items[n++] = dense(3, 0);
        b.n_items = n;
        nn_net *na = make(&a), *nb = make(&b);
        if (!na || !nb)
            return;
        CHECK_INT(nn_param_count(na), nn_param_count(nb));
        CHECK(memcmp(nn_params(na), nn_params(nb), nn_param_count(na) * sizeof(float)) == 0);
        enum { R = 150 };
        float x[R * 2];
        int32_t lab[R];
        CHECK_STATUS(nn_spiral(R / 3, 3, 1, x, lab, NULL), NN_OK);
        const nn_data d = {x, NULL, lab, NULL, R, 2};
        nn_fit_opts o = nn_fit_opts_default();
        o.epochs = 20;
        o.batch_size = 16;
        nn_net *nets[2] = {na, nb};
        nn_progress p[2];
        for (int k = 0; k < 2; k++) {
            CHECK_STATUS(nn_fit_begin(nets[k], &d, &o), NN_OK);
            do
                CHECK_STATUS(nn_fit_steps(nets[k], 1000, &p[k]), NN_OK);
            while (!p[k].done);
            nn_fit_end(nets[k]);
        }
        CHECK(memcmp(nn_params(na), nn_params(nb), nn_param_count(na) * sizeof(float)) == 0);
        CHECK(p[0].loss == p[1].loss);
        CHECK(p[0].loss < 1.0);
        nn_net_free(na);
        nn_net_free(nb);
    }
}

/* ---- a recorded CNN trajectory ------------------------------------------------------------ */

/* A small CNN (conv, max pool, conv 'same' stride 2, avg pool, dropout, dense) trained with
 * Adam on fixed pseudo-random images, a quarter of them zero (as images are sparse): the CRC-32
 * of its parameters after the run, recorded from the native scalar build. The SIMD build
 * (test_cnn_simd128 in Node) must give the same bits: every sum is the bit-identical GEMM's
 * or a plain loop in a fixed order, and the activations and the softmax use nn_math.c, not
 * libm (with tanhf from glibc and from musl, the tanh layer ended 1 ulp apart in the loss). */
#define CNN_TRAJECTORY_CRC 0x26526346u

static void test_recorded_trajectory(void) {
    const nn_layer it[8] = {conv(6, 3, 3, 1, 1, NN_PAD_VALID, NN_ACT_RELU),
                            pool(NN_LAYER_MAXPOOL2D, 2, 2, NN_PAD_VALID),
                            conv(5, 3, 3, 2, 2, NN_PAD_SAME, NN_ACT_SWISH),
                            pool(NN_LAYER_AVGPOOL2D, 2, 1, NN_PAD_SAME), dropout(0.2f),
                            dense(10, NN_ACT_SIGMOID), dense(8, NN_ACT_TANH), dense(4, 0)};
    nn_spec s = list_spec(12, 11, 2, it, 8);
    s.opt.type = NN_OPT_ADAM;
    s.opt.lr = 0.003f;
    nn_net *net = make(&s);
    if (!net)
        return;
    enum { R = 96, I = 12 * 11 * 2 };
    float *x = malloc((size_t)R * I * sizeof(float));
    int32_t lab[R];
    fill(x, (size_t)R * I, 3);
    for (size_t i = 0; i < (size_t)R * I; i++)
        if (i % 4 == 1)
            x[i] = 0.0f;
    for (int r = 0; r < R; r++)     /* a learnable label: the sign pattern of two sums */
        lab[r] = (x[(size_t)r * I] + x[(size_t)r * I + 5] > 0) * 2 + (x[(size_t)r * I + 100] > 0);
    const nn_data d = {x, NULL, lab, NULL, R, I};
    nn_fit_opts o = nn_fit_opts_default();
    o.epochs = 3;
    o.batch_size = 20;
    nn_progress p;
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    do
        CHECK_STATUS(nn_fit_steps(net, 7, &p), NN_OK);
    while (!p.done);
    nn_fit_end(net);
    const uint32_t crc = nn_crc32(0, (const uint8_t *)nn_params(net), net->P * sizeof(float));
    if (crc != CNN_TRAJECTORY_CRC)
        printf("  trajectory CRC 0x%08x (loss %.9g)\n", (unsigned)crc, p.loss);
    CHECK(crc == CNN_TRAJECTORY_CRC);
    free(x);
    nn_net_free(net);
}

/* ---- MNIST ------------------------------------------------------------------------------- */

#ifdef NN_MNIST_DIR
/* the first `rows` images (bytes, read as value/255) and labels of an IDX pair */
static int load_mnist(const char *images, const char *labels, int32_t rows, nn_data *d,
                      uint8_t **keep, int32_t **lab) {
    size_t ni = 0, nl = 0;
    uint8_t *bi = read_file(NN_MNIST_DIR, images, &ni), *bl = read_file(NN_MNIST_DIR, labels, &nl);
    nn_idx_info info;
    if (!bi || !bl || nn_idx_parse(bi, ni, &info, NULL) != NN_OK || info.count < rows) {
        printf("  MNIST: cannot read %s/%s and %s (npm install puts them there)\n",
               NN_MNIST_DIR, images, labels);
        free(bi);
        free(bl);
        return 0;
    }
    *lab = malloc((size_t)info.count * sizeof(int32_t));
    CHECK_STATUS(nn_idx_labels(bl, nl, *lab, (size_t)info.count, NULL), NN_OK);
    free(bl);
    *keep = bi;
    const nn_data v = {NULL, bi + info.offset, *lab, NULL, rows, info.rows * info.cols};
    *d = v;
    return 1;
}

/* A short CNN smoke run: conv 8@5×5 ReLU → max pool 2 → dense 10 softmax, Adam 0.003, batch
 * 32, one epoch on the first 6000 training images. On the first 1000 test images it reads
 * 91.1% (deterministic: seeded and bit-reproducible); 85% fails a net that learns much worse
 * than that, and a broken one guesses 10%. The full recipe and its known result are
 * for the slow test and the bench. */
static void test_mnist_smoke(void) {
    nn_data train, test;
    uint8_t *bt = NULL, *bv = NULL;
    int32_t *lt = NULL, *lv = NULL;
    const int ok = load_mnist("train-images-idx3-ubyte", "train-labels-idx1-ubyte", 6000, &train,
                              &bt, &lt) &&
                   load_mnist("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 1000, &test,
                              &bv, &lv);
    CHECK(ok);
    if (ok) {
        const nn_layer it[3] = {conv(8, 5, 5, 1, 1, NN_PAD_VALID, NN_ACT_RELU),
                                pool(NN_LAYER_MAXPOOL2D, 2, 2, NN_PAD_VALID), dense(10, 0)};
        nn_spec s = list_spec(28, 28, 1, it, 3);
        s.opt.type = NN_OPT_ADAM;
        s.opt.lr = 0.003f;
        nn_net *net = make(&s);
        nn_fit_opts o = nn_fit_opts_default();
        o.batch_size = 32;
        nn_progress p;
        if (net) {
            CHECK_STATUS(nn_fit_begin(net, &train, &o), NN_OK);
            do
                CHECK_STATUS(nn_fit_steps(net, 50, &p), NN_OK);
            while (!p.done);
            nn_fit_end(net);
            double loss = 0, acc = 0;
            CHECK_STATUS(nn_evaluate(net, &test, &loss, &acc), NN_OK);
            printf("  MNIST CNN smoke: train loss %.4f, test loss %.4f, accuracy %.4f\n",
                   p.loss, loss, acc);
            CHECK(acc >= 0.85);
            nn_net_free(net);
        }
    }
    free(bt);
    free(bv);
    free(lt);
    free(lv);
}
#endif

/* ---- augmentation in fit (issue #13) ------------------------------------------------------- */

/* a CNN on 8×7×2 images (conv, max pool, dropout, dense) and 20 rows of made-up images */
enum { AR = 20, AH = 8, AW = 7, AC = 2, AI = AH * AW * AC };

static nn_spec aug_spec(void) {
    const nn_layer it[4] = {conv(3, 3, 3, 1, 1, NN_PAD_SAME, NN_ACT_RELU),
                            pool(NN_LAYER_MAXPOOL2D, 2, 2, NN_PAD_VALID), dropout(0.25f),
                            dense(3, 0)};
    nn_spec s = list_spec(AH, AW, AC, it, 4);
    s.opt.type = NN_OPT_ADAM;
    s.opt.lr = 0.003f;
    s.seed = 5;
    return s;
}

static float aug_x[AR * AI];
static int32_t aug_y[AR];

static nn_data aug_data(void) {
    fill(aug_x, (size_t)AR * AI, 21);
    for (int r = 0; r < AR; r++)
        aug_y[r] = r % 3;
    const nn_data d = {aug_x, NULL, aug_y, NULL, AR, AI};
    return d;
}

static nn_fit_opts aug_opts(float shift, float rotate, float scale, float shear) {
    nn_fit_opts o = nn_fit_opts_default();
    o.epochs = 3;
    o.batch_size = 8;           /* batches of 8, 8, 4 */
    o.augment.shift = shift;
    o.augment.rotate = rotate;
    o.augment.scale = scale;
    o.augment.shear = shear;
    return o;
}

/* nn_fit_begin refuses bad ranges and non-image inputs with NN_ERR_ARG and opens nothing */
static void fit_refused(nn_net *net, const nn_data *d, const nn_fit_opts *o, const char *msg,
                        int line) {
    CHECK_STATUS(nn_fit_begin(net, d, o), NN_ERR_ARG);
    if (strcmp(nn_net_last_error(net), msg) != 0) {
        check_failed++;
        printf("test_cnn.c:%d: message \"%s\", want \"%s\"\n", line, nn_net_last_error(net), msg);
    }
    check_count++;
    CHECK_STATUS(nn_fit_steps(net, 1, NULL), NN_ERR_STATE);
}

static void test_augment_refused(void) {
    nn_spec s = aug_spec();
    nn_net *net = make(&s);
    if (!net)
        return;
    const nn_data d = aug_data();
    nn_fit_opts o = aug_opts(0.1f, 10.0f, 0.1f, 5.0f);
    o.augment.rotate = 200.0f;
    fit_refused(net, &d, &o, "augment rotate 200 must be at least 0 and at most 180 (degrees)",
                __LINE__);
    o.augment.rotate = 10.0f;
    o.augment.scale = NAN;
    fit_refused(net, &d, &o, "augment scale nan is not a finite number", __LINE__);
    o.augment.scale = 0.1f;
    o.augment.shift = -0.5f;
    fit_refused(net, &d, &o, "augment shift -0.5 must be at least 0 and at most 1 (a fraction "
                             "of the width and height)", __LINE__);
    nn_net_free(net);

    /* the MLP shorthand and a layer list on input 1×1×n have no image to transform */
    nn_spec m = nn_spec_default();
    m.n_layers = 3;
    m.layers[0] = AI;
    m.layers[1] = 5;
    m.layers[2] = 3;
    net = make(&m);
    if (!net)
        return;
    o = aug_opts(0.0f, 0.0f, 0.0f, 1.0f);
    fit_refused(net, &d, &o, "augment is on but this net is an MLP (an input of 112 values, not "
                             "an image); augmentation needs a layer list whose input has height "
                             "or width above 1", __LINE__);
    o = aug_opts(0.0f, 0.0f, 0.0f, 0.0f);       /* off is fine on any net */
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    nn_net_free(net);
    const nn_layer it[2] = {dense(5, NN_ACT_RELU), dense(3, 0)};
    nn_spec l = list_spec(1, 1, AI, it, 2);
    net = make(&l);
    if (!net)
        return;
    o = aug_opts(0.1f, 0.0f, 0.0f, 0.0f);
    fit_refused(net, &d, &o, "augment is on but the input 1x1x112 is not an image (height and "
                             "width 1)", __LINE__);
    nn_net_free(net);
    /* an image one pixel high is an image */
    l.input[1] = AI / 2;
    l.input[2] = 2;
    net = make(&l);
    if (!net)
        return;
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    nn_net_free(net);
}

/* CRC-32 of the augmented training batches (the workspace input after each step) over the
 * 3 epochs of aug_opts(0.15, 20, 0.1, 10), recorded from the native build: the SIMD build in
 * Node (test_cnn_simd128) must give the same images, to the bit */
#define AUGMENTED_BATCHES_CRC 0x2f1e091eu

/* Augmentation on: each step's batch is the gathered rows transformed by nn_augment_batch
 * with the net's augmentation generator, nothing else; deterministic for a seed; different
 * from epoch to epoch; and the shuffle and dropout generators end where they end with it off
 * (a stream of its own). Off: no draw at all. */
static void test_augment_in_fit(void) {
    const nn_data d = aug_data();
    nn_spec s = aug_spec();
    const nn_fit_opts on = aug_opts(0.15f, 20.0f, 0.1f, 10.0f);
    const nn_fit_opts off = aug_opts(0.0f, 0.0f, 0.0f, 0.0f);
    nn_net *a = make(&s), *b = make(&s), *c = make(&s);
    if (!a || !b || !c)
        return;
    nn_rng seeded;
    nn_rng_seed(&seeded, s.seed, 3);
    CHECK(memcmp(&a->augment_rng, &seeded, sizeof seeded) == 0);
    CHECK_STATUS(nn_fit_begin(a, &d, &on), NN_OK);
    CHECK_STATUS(nn_fit_begin(b, &d, &on), NN_OK);
    CHECK_STATUS(nn_fit_begin(c, &d, &off), NN_OK);
    float *raw = malloc((size_t)8 * AI * sizeof(float));
    float *want = malloc((size_t)8 * AI * sizeof(float));
    float *first = malloc((size_t)AI * sizeof(float));
    uint32_t crc = 0;
    int32_t row0 = -1;
    int changed = 0, across_epochs = 0;
    nn_progress p, pb, pc;
    for (int step = 0; step < 9; step++) {
        /* what this step must see: its rows, gathered, transformed from the generator as it
         * stands (the permutation is drawn at the epoch's first step, so look after it) */
        nn_rng g = a->augment_rng;
        CHECK_STATUS(nn_fit_steps(a, 1, &p), NN_OK);
        CHECK_STATUS(nn_fit_steps(b, 1, &pb), NN_OK);
        CHECK_STATUS(nn_fit_steps(c, 1, &pc), NN_OK);
        const int start = (step % 3) * 8, B = step % 3 == 2 ? 4 : 8;
        for (int r = 0; r < B; r++)
            memcpy(raw + (size_t)r * AI, d.x + (size_t)a->fit.perm[start + r] * AI,
                   AI * sizeof(float));
        nn_augment_batch(want, raw, B, AH, AW, AC, &on.augment, &g);
        const size_t n = (size_t)B * AI * sizeof(float);
        CHECK(memcmp(a->a[0], want, n) == 0);
        CHECK(memcmp(&a->augment_rng, &g, sizeof g) == 0);      /* 5 draws per image */
        CHECK(memcmp(a->a[0], b->a[0], n) == 0);                 /* the same seed: the same */
        changed += memcmp(a->a[0], raw, n) != 0;
        CHECK(memcmp(c->a[0], raw, n) == 0);                     /* off: the rows as they are */
        crc = nn_crc32(crc, (const uint8_t *)a->a[0], n);
        /* one row followed through the epochs: its image differs each time */
        for (int r = 0; r < B; r++) {
            const int32_t row = a->fit.perm[start + r];
            if (row0 < 0 && step == 0 && r == 0) {
                row0 = row;
                memcpy(first, a->a[0], AI * sizeof(float));
            } else if (row == row0) {
                across_epochs += memcmp(first, a->a[0] + (size_t)r * AI, AI * sizeof(float)) != 0;
            }
        }
    }
    CHECK_INT(changed, 9);
    CHECK_INT(across_epochs, 2);
    if (crc != AUGMENTED_BATCHES_CRC)
        printf("  augmented batches CRC 0x%08x\n", (unsigned)crc);
    CHECK(crc == AUGMENTED_BATCHES_CRC);
    CHECK(p.done && pb.done && pc.done);
    /* the same bits for the same seed; augmentation changed the training; the other
     * generators drew exactly what they draw without it; off drew nothing */
    CHECK(memcmp(nn_params(a), nn_params(b), a->P * sizeof(float)) == 0);
    CHECK(memcmp(nn_params(a), nn_params(c), a->P * sizeof(float)) != 0);
    CHECK(memcmp(&a->rng, &c->rng, sizeof(nn_rng)) == 0);
    CHECK(memcmp(&a->shuffle_rng, &c->shuffle_rng, sizeof(nn_rng)) == 0);
    CHECK(memcmp(&c->augment_rng, &seeded, sizeof seeded) == 0);
    CHECK(memcmp(&a->augment_rng, &seeded, sizeof seeded) != 0);
    free(raw);
    free(want);
    free(first);
    nn_net_free(a);
    nn_net_free(b);
    nn_net_free(c);
}

/* evaluate, predict and the gradient check never augment: during an augmented session and
 * after it, they give what a net that never augmented gives, and draw nothing */
static void test_augment_training_only(void) {
    const nn_data d = aug_data();
    nn_spec s = aug_spec();
    nn_net *a = make(&s);
    if (!a)
        return;
    const nn_fit_opts on = aug_opts(0.2f, 30.0f, 0.2f, 20.0f);
    CHECK_STATUS(nn_fit_begin(a, &d, &on), NN_OK);
    nn_progress p;
    CHECK_STATUS(nn_fit_steps(a, 2, &p), NN_OK);
    /* a twin with the same weights and no session */
    nn_net *t = make(&s);
    if (!t)
        return;
    memcpy(nn_params(t), nn_params(a), a->P * sizeof(float));
    const nn_rng g = a->augment_rng;
    double la, aa, lt, at;
    CHECK_STATUS(nn_evaluate(a, &d, &la, &aa), NN_OK);
    CHECK_STATUS(nn_evaluate(t, &d, &lt, &at), NN_OK);
    CHECK(la == lt && aa == at);
    float ya[AR * 3], yt[AR * 3];
    CHECK_STATUS(nn_predict(a, d.x, AR, ya, AR * 3), NN_OK);
    CHECK_STATUS(nn_predict(t, d.x, AR, yt, AR * 3), NN_OK);
    CHECK(memcmp(ya, yt, sizeof ya) == 0);
    CHECK(memcmp(&a->augment_rng, &g, sizeof g) == 0);
    nn_fit_end(a);
    double wa = -1, wt = -1;
    CHECK_STATUS(nn_grad_check(a, &d, 1e-2f, &wa), NN_OK);
    CHECK_STATUS(nn_grad_check(t, &d, 1e-2f, &wt), NN_OK);
    CHECK(wa == wt && memcmp(nn_grads(a), nn_grads(t), a->P * sizeof(float)) == 0);
    CHECK(memcmp(&a->augment_rng, &g, sizeof g) == 0);
    nn_net_free(a);
    nn_net_free(t);
}

int main(void) {
    test_forward_by_hand();
    test_gradients();
    test_dropout_gradient();
    test_shape_errors();
    test_list_equals_shorthand();
    test_recorded_trajectory();
    test_augment_refused();
    test_augment_in_fit();
    test_augment_training_only();
#ifdef NN_MNIST_DIR     /* native builds; the SIMD build in Node has no files to read */
    test_mnist_smoke();
#endif
    return check_report();
}
