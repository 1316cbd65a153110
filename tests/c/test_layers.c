/*
 * test_layers.c — dense forward values by hand, every layer's backward against central
 * differences for every activation and every (output, loss) pair, initialisation statistics
 * and dropout.
 */
#include "check.h"
#include "nn_internal.h"

#include <stdlib.h>

/* f32 forward passes: central differences with h = 1e-2 carry about 1e-3 relative error from
 * the O(h²) truncation and f32 rounding of losses of order 1 (rounding 6e-8 / h·|g|), so a
 * correct backward stays well under 2e-2 and a wrong one (a missing factor, a wrong sign) is
 * off by order 1. */
#define GRAD_TOL 2e-2
#define GRAD_H 1e-2f

static nn_spec spec3(int a, int b, int c) {
    nn_spec s = nn_spec_default();
    s.n_layers = 3;
    s.layers[0] = a;
    s.layers[1] = b;
    s.layers[2] = c;
    return s;
}

static nn_net *make(const nn_spec *s) {
    nn_net *net = NULL;
    nn_error e;
    nn_status st = nn_net_create(s, &net, &e);
    CHECK_STATUS(st, NN_OK);
    if (st != NN_OK)
        printf("  create: %s\n", e.message);
    return net;
}

/* z = x·W + b for a 2-2 identity net: x = (1, 2), W = [[1, 2], [3, 4]], b = (0.5, −1) gives
 * (1 + 6 + 0.5, 2 + 8 − 1) = (7.5, 9) */
static void test_dense_by_hand(void) {
    nn_spec s = nn_spec_default();
    s.n_layers = 2;
    s.layers[0] = 2;
    s.layers[1] = 2;
    s.output = NN_OUT_IDENTITY;
    s.loss = NN_LOSS_MSE;
    nn_net *net = make(&s);
    if (!net)
        return;
    CHECK_INT(nn_param_count(net), 6);
    const float p[6] = {1, 2, 3, 4, 0.5f, -1};
    memcpy(nn_params(net), p, sizeof p);
    const float x[4] = {1, 2, 0, 0};
    float y[4];
    CHECK_STATUS(nn_predict(net, x, 2, y, 4), NN_OK);
    CHECK_NEAR(y[0], 7.5, 0);
    CHECK_NEAR(y[1], 9.0, 0);
    CHECK_NEAR(y[2], 0.5, 0);   /* zero input: the bias alone */
    CHECK_NEAR(y[3], -1.0, 0);
    CHECK_STATUS(nn_predict(net, x, 2, y, 3), NN_ERR_CAPACITY);
    nn_net_free(net);
}

/* 2-2-1 sigmoid net; values from python3's math module:
 * h = σ(x·W1 + b1) = (0.45016600268752216, 0.36586440898919936), y = σ(h·W2 + b2) =
 * 0.5733659518205855. Zero weights give σ(0) = 0.5 whatever the input (genann's check). */
static void test_sigmoid_net_by_hand(void) {
    nn_spec s = spec3(2, 2, 1);
    s.activation = NN_ACT_SIGMOID;
    s.output = NN_OUT_SIGMOID;
    s.loss = NN_LOSS_MSE;
    nn_net *net = make(&s);
    if (!net)
        return;
    const float p[9] = {0.1f, -0.2f, 0.3f, 0.4f, 0.05f, -0.05f, 0.7f, -0.6f, 0.2f};
    memcpy(nn_params(net), p, sizeof p);
    const float x[2] = {0.5f, -1.0f};
    float y;
    CHECK_STATUS(nn_predict(net, x, 1, &y, 1), NN_OK);
    CHECK_NEAR(y, 0.5733659518205855, 1e-6);
    memset(nn_params(net), 0, sizeof p);
    const float far[2] = {100, -7};
    CHECK_STATUS(nn_predict(net, far, 1, &y, 1), NN_OK);
    CHECK_NEAR(y, 0.5, 0);
    nn_net_free(net);
}

/* A 1-1-1 ELU net with unit weights passes the activation through: its α is 1 whatever the
 * other parameters (the spec has no field for it yet). ELU(−1) = e⁻¹ − 1 (python3:
 * math.expm1(-1)); 2 stays 2. */
static void test_elu_net_alpha(void) {
    nn_spec s = spec3(1, 1, 1);
    s.activation = NN_ACT_ELU;
    s.output = NN_OUT_IDENTITY;
    s.loss = NN_LOSS_MSE;
    s.leaky_slope = 0.2f;
    s.hswish_n = 3.0f;
    nn_net *net = make(&s);
    if (!net)
        return;
    const float p[4] = {1, 0, 1, 0};    /* W1, b1, W2, b2 */
    memcpy(nn_params(net), p, sizeof p);
    const float x[3] = {-1.0f, 2.0f, -30.0f};
    float y[3];
    CHECK_STATUS(nn_predict(net, x, 3, y, 3), NN_OK);
    CHECK_NEAR(y[0], -0.6321205588285577, 1e-7);
    CHECK_NEAR(y[1], 2.0, 0);
    CHECK_NEAR(y[2], -1.0, 1e-7);
    nn_net_free(net);
}

/* inputs in [−1.5, 1.5) from a fixed generator */
static void fill(float *v, size_t n, uint32_t seed) {
    nn_rng r;
    nn_rng_seed(&r, seed, 9);
    for (size_t i = 0; i < n; i++)
        v[i] = (float)(3.0 * nn_rng_uniform(&r) - 1.5);
}

/* every layer's W and b gradient has a nonzero entry */
static int grads_alive(const nn_net *net) {
    const float *g = nn_grads(net);
    for (int l = 0; l < net->L; l++) {
        int w = 0, b = 0;
        for (size_t i = net->w_off[l]; i < net->b_off[l]; i++)
            w |= g[i] != 0.0f;
        const size_t end = l + 1 < net->L ? net->w_off[l + 1] : net->P;
        for (size_t i = net->b_off[l]; i < end; i++)
            b |= g[i] != 0.0f;
        if (!w || !b)
            return 0;
    }
    return 1;
}

/* 3-5-4-3 nets (two hidden layers, so backward runs through the activation twice) */
static void check_grad(int act, int output, int loss, int use_targets, float decay,
                       float flood) {
    nn_spec s = nn_spec_default();
    s.n_layers = 4;
    s.layers[0] = 3;
    s.layers[1] = 5;
    s.layers[2] = 4;
    s.layers[3] = 3;
    s.activation = act;
    s.output = output;
    s.loss = loss;
    s.init = NN_INIT_XAVIER;
    s.hswish_n = act == NN_ACT_HSWISH ? 2.0f : 6.0f;  /* a narrow band: both kinks in play */
    s.leaky_slope = 0.2f;
    s.weight_decay = decay;
    s.flood = flood;
    s.seed = 7u + (uint32_t)act;
    nn_net *net = make(&s);
    if (!net)
        return;
    /* biases away from zero so every bias gradient path is exercised */
    for (int l = 0; l < net->L; l++)
        for (int j = 0; j < s.layers[l + 1]; j++)
            net->params[net->b_off[l] + (size_t)j] = 0.1f * (float)(j + 1) - 0.2f;
    enum { R = 6 };
    float x[R * 3], t[R * 3], y[R * 3];
    int32_t lab[R] = {0, 1, 2, 2, 1, 0};
    /* central differences across a kink (relu, leaky_relu and elu at 0, hswish at ±n/2, relu6
     * at 0 and 6) are meaningless: take the first inputs whose hidden pre-activations all stay
     * 4h or more away from one */
    for (uint32_t seed = 11;; seed++) {
        fill(x, R * 3, seed);
        nn_predict(net, x, R, y, R * 3);
        double gap = 1e9;
        for (int l = 0; l + 1 < net->L; l++)
            for (int i = 0; i < R * s.layers[l + 1]; i++) {
                const double z = net->z[l][i], k = s.hswish_n / 2;
                double kink = fabs(z);
                if (act == NN_ACT_HSWISH)
                    kink = fmin(fabs(z - k), fabs(z + k));
                else if (act == NN_ACT_RELU6)
                    kink = fmin(fabs(z), fabs(z - 6.0));
                gap = fmin(gap, kink);
            }
        if (gap > 4 * GRAD_H)
            break;
    }
    for (int r = 0; r < R; r++)
        for (int j = 0; j < 3; j++)   /* soft targets for the targets variant */
            t[r * 3 + j] = j == lab[r] ? 0.8f : 0.1f;
    nn_data d = {x, NULL, use_targets ? NULL : lab, use_targets ? t : NULL, R, 3};
    double worst = -1;
    CHECK_STATUS(nn_grad_check(net, &d, GRAD_H, &worst), NN_OK);
    if (!(worst < GRAD_TOL))
        printf("  act %s output %d loss %d targets %d decay %g flood %g: worst %g\n",
               nn_act_ops[act].name, output, loss, use_targets, (double)decay, (double)flood,
               worst);
    CHECK(worst >= 0 && worst < GRAD_TOL);
    CHECK(grads_alive(net));
    nn_net_free(net);
}

static void test_gradients(void) {
    const int pairs[5][2] = {
        {NN_OUT_SOFTMAX, NN_LOSS_CROSS_ENTROPY}, {NN_OUT_SIGMOID, NN_LOSS_CROSS_ENTROPY},
        {NN_OUT_SOFTMAX, NN_LOSS_MSE}, {NN_OUT_SIGMOID, NN_LOSS_MSE},
        {NN_OUT_IDENTITY, NN_LOSS_MSE},
    };
    for (int act = 0; act < NN_ACT_COUNT; act++)
        for (int k = 0; k < 5; k++)
            for (int tg = 0; tg < 2; tg++)
                check_grad(act, pairs[k][0], pairs[k][1], tg, 0.0f, 0.0f);
    /* weight decay adds λW to weight gradients only; Flooding below b flips the sign */
    check_grad(NN_ACT_TANH, NN_OUT_SOFTMAX, NN_LOSS_CROSS_ENTROPY, 0, 0.1f, 0.0f);
    check_grad(NN_ACT_TANH, NN_OUT_SOFTMAX, NN_LOSS_CROSS_ENTROPY, 0, 0.0f, 5.0f);
    check_grad(NN_ACT_MISH, NN_OUT_SOFTMAX, NN_LOSS_CROSS_ENTROPY, 1, 0.05f, 5.0f);
}

/* the checker itself on a loss whose gradient is known: a 1-1 identity net with MSE,
 * y = w·x + b, L = ½(y − t)², dL/dw = (y − t)·x, dL/db = y − t */
static void test_grad_check_values(void) {
    nn_spec s = nn_spec_default();
    s.n_layers = 2;
    s.layers[0] = 1;
    s.layers[1] = 1;
    s.output = NN_OUT_IDENTITY;
    s.loss = NN_LOSS_MSE;
    nn_net *net = make(&s);
    if (!net)
        return;
    nn_params(net)[0] = 2.0f;
    nn_params(net)[1] = 0.5f;
    float x = 3.0f, t = 1.0f;
    nn_data d = {&x, NULL, NULL, &t, 1, 1};
    double worst;
    CHECK_STATUS(nn_grad_check(net, &d, 1e-2f, &worst), NN_OK);
    CHECK(worst < 1e-3);
    CHECK_NEAR(nn_grads(net)[0], (6.5 - 1.0) * 3.0, 1e-6);   /* (y − t)·x with y = 6.5 */
    CHECK_NEAR(nn_grads(net)[1], 6.5 - 1.0, 1e-6);
    CHECK_NEAR(nn_params(net)[0], 2.0, 0);                   /* restored exactly */
    CHECK_STATUS(nn_grad_check(net, &d, 0.0f, &worst), NN_ERR_ARG);
    CHECK_STATUS(nn_grad_check(net, &d, 1e-2f, NULL), NN_ERR_ARG);
    nn_net_free(net);
}

/* std of W over a big layer: He √(2/fan_in), Xavier 1/√fan_in, Gaussian init_std; biases 0 */
static void test_init(void) {
    const int inits[3] = {NN_INIT_HE, NN_INIT_XAVIER, NN_INIT_GAUSSIAN};
    const double want[3] = {sqrt(2.0 / 400), sqrt(1.0 / 400), 0.03};
    for (int k = 0; k < 3; k++) {
        nn_spec s = spec3(400, 300, 10);
        s.init = inits[k];
        s.init_std = 0.03f;
        nn_net *net = make(&s);
        if (!net)
            return;
        const float *W = nn_params(net);
        double sum = 0, sq = 0;
        const size_t n = 400 * 300;
        for (size_t i = 0; i < n; i++) {
            sum += W[i];
            sq += (double)W[i] * W[i];
        }
        /* 120,000 draws: the sample std is within 0.5% of the truth (≈ 2.5 standard errors
         * of 1/√(2n) = 0.2%), the mean within 4σ/√n */
        const double mean = sum / n, std = sqrt(sq / n - mean * mean);
        CHECK_NEAR(std / want[k], 1.0, 0.005);
        CHECK(fabs(mean) < 4 * want[k] / sqrt((double)n));
        int zero_bias = 1;
        for (size_t i = net->b_off[0]; i < net->w_off[1]; i++)
            zero_bias &= W[i] == 0.0f;
        CHECK(zero_bias);
        nn_net_free(net);
    }
    /* same seed, same weights; another seed, other weights */
    nn_spec s = spec3(5, 4, 3);
    nn_net *a = make(&s), *b = make(&s);
    s.seed = 43;
    nn_net *c = make(&s);
    if (a && b && c) {
        CHECK(memcmp(nn_params(a), nn_params(b), nn_param_count(a) * sizeof(float)) == 0);
        CHECK(memcmp(nn_params(a), nn_params(c), nn_param_count(a) * sizeof(float)) != 0);
    }
    nn_net_free(a);
    nn_net_free(b);
    nn_net_free(c);
}

/* inverted dropout: about rate of the units dropped, kept ones scaled by 1/(1 − rate), so the
 * mean is unchanged; inference has no dropout */
static void test_dropout(void) {
    enum { N = 200000 };
    float *h = malloc(N * sizeof(float)), *a = malloc(N * sizeof(float));
    float *m = malloc(N * sizeof(float));
    if (!h || !a || !m)
        return;
    for (size_t i = 0; i < N; i++)
        h[i] = 1.0f;
    nn_rng r;
    nn_rng_seed(&r, 5, 1);
    nn_dropout_forward(a, m, h, N, 0.3f, &r);
    size_t zeros = 0, others = 0;
    double sum = 0;
    for (size_t i = 0; i < N; i++) {
        zeros += a[i] == 0.0f;
        others += a[i] != 0.0f && a[i] != 1.0f / 0.7f;
        sum += a[i];
    }
    /* binomial std √(0.21/N) ≈ 0.001: ±0.005 is 5σ */
    CHECK_NEAR((double)zeros / N, 0.3, 0.005);
    CHECK_INT(others, 0);
    CHECK_NEAR(sum / N, 1.0, 0.01);
    free(h);
    free(a);
    free(m);

    /* predict of a net with dropout is deterministic and equals the same weights without */
    nn_spec s = spec3(4, 16, 3);
    s.dropout = 0.5f;
    nn_net *drop = make(&s);
    s.dropout = 0.0f;
    nn_net *plain = make(&s);
    if (!drop || !plain)
        return;
    memcpy(nn_params(plain), nn_params(drop), nn_param_count(drop) * sizeof(float));
    float x[8], y1[6], y2[6], y3[6];
    fill(x, 8, 3);
    CHECK_STATUS(nn_predict(drop, x, 2, y1, 6), NN_OK);
    CHECK_STATUS(nn_predict(drop, x, 2, y2, 6), NN_OK);
    CHECK_STATUS(nn_predict(plain, x, 2, y3, 6), NN_OK);
    CHECK(memcmp(y1, y2, sizeof y1) == 0);
    CHECK(memcmp(y1, y3, sizeof y1) == 0);
    nn_net_free(drop);
    nn_net_free(plain);
}

/* predict in one call equals predict row by row (chunking does not change results) */
static void test_predict_chunks(void) {
    nn_spec s = spec3(3, 7, 2);
    s.output = NN_OUT_SOFTMAX;
    nn_net *net = make(&s);
    if (!net)
        return;
    enum { R = 600 };   /* more than one chunk of 256 rows */
    float *x = malloc(R * 3 * sizeof(float)), *all = malloc(R * 2 * sizeof(float));
    if (!x || !all)
        return;
    fill(x, R * 3, 4);
    CHECK_STATUS(nn_predict(net, x, R, all, R * 2), NN_OK);
    int same = 1;
    for (int r = 0; r < R; r += 37) {
        float one[2];
        nn_predict(net, x + r * 3, 1, one, 2);
        same &= memcmp(one, all + r * 2, sizeof one) == 0;
    }
    CHECK(same);
    /* softmax rows sum to 1 */
    CHECK_NEAR(all[0] + all[1], 1.0, 1e-6);
    /* bad input */
    x[5] = NAN;
    CHECK_STATUS(nn_predict(net, x, R, all, R * 2), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "row 1 column 2");
    CHECK_STATUS(nn_predict(net, NULL, 1, all, 2), NN_ERR_ARG);
    CHECK_STATUS(nn_predict(net, x, 0, all, 2), NN_ERR_ARG);
    free(x);
    free(all);
    nn_net_free(net);
}

int main(void) {
    test_dense_by_hand();
    test_sigmoid_net_by_hand();
    test_elu_net_alpha();
    test_gradients();
    test_grad_check_values();
    test_init();
    test_dropout();
    test_predict_chunks();
    return check_report();
}
