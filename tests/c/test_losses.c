/*
 * test_losses.c — output activations, losses, their gradients at the logits and the
 * correct-count, through the internal functions of losses.c; then the same ideas through the
 * public API: nn_evaluate on a hand-set net, the spec and data checks that guard the losses,
 * and what training does when the loss stops being finite.
 *
 * Expected numbers are written out from the formulas in double in the test, or computed once
 * with python3's math module and pasted with the expression that produced them.
 * Sizes: B batch rows, O outputs.
 */
#include "check.h"
#include "nn_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Outputs are f32 from expf and a division: a few ulps of 6e-8, so 1e-6 relative (or absolute
 * below 1, as CHECK_NEAR does) is loose for a correct formula and tight for any wrong one.
 * Losses are summed in double from f32 inputs, the same bound applies. */
#define TOL 1e-6
/* Central differences: h = 1e-2 on z, step measured as the f32 difference actually taken.
 * Truncation is h²/6·|f'''| ≲ 2e-5 for these losses; rounding of the f32 outputs feeding the
 * sum-of-squares loss is ~6e-8/h·|y − t| ≲ 1e-5. Error is measured against
 * max(|numeric|, 0.01). Measured worst is 4e-5 (sum of squares through softmax); 2e-3 leaves
 * room for another libm and is far below what a wrong term gives (a missing y(1 − y) factor
 * or Jacobian term is off by 20% or more). */
#define FD_H 1e-2
#define FD_TOL 2e-3

/* ---- output activations -------------------------------------------------------------------- */

static void test_softmax(void) {
    /* python3: e = [math.exp(v) for v in z]; [v/sum(e) for v in e] */
    const float z[6] = {1.0f, 2.0f, 3.0f, 0.5f, -1.0f, 2.0f};
    const double want[6] = {0.09003057317038046, 0.24472847105479764, 0.6652409557748218,
                            0.1752903921400367,  0.039112573270687456, 0.7855970345892759};
    float y[6];
    nn_output_forward(NN_OUT_SOFTMAX, y, z, 2, 3);
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(y[i], want[i], TOL);
    CHECK_NEAR((double)y[0] + y[1] + y[2], 1.0, TOL);
    CHECK_NEAR((double)y[3] + y[4] + y[5], 1.0, TOL);

    /* huge logits: exp(1000) overflows f32 and double, the max-shifted form does not.
     * softmax(1000, 1001) = softmax(0, 1) = (1/(1 + e), e/(1 + e)) */
    const float zh[4] = {1000.0f, 1001.0f, -1000.0f, -1001.0f};
    float yh[4];
    nn_output_forward(NN_OUT_SOFTMAX, yh, zh, 2, 2);
    const double e = exp(1.0);
    for (int i = 0; i < 4; i++)
        CHECK(isfinite(yh[i]));
    CHECK_NEAR(yh[0], 1.0 / (1.0 + e), TOL);        /* 0.2689414213699951 */
    CHECK_NEAR(yh[1], e / (1.0 + e), TOL);          /* 0.7310585786300049 */
    CHECK_NEAR(yh[2], e / (1.0 + e), TOL);
    CHECK_NEAR(yh[3], 1.0 / (1.0 + e), TOL);

    /* one dominant logit: the others underflow to 0, never NaN */
    const float zd[3] = {0.0f, 200.0f, -200.0f};
    float yd[3];
    nn_output_forward(NN_OUT_SOFTMAX, yd, zd, 1, 3);
    CHECK_NEAR(yd[0], 0.0, 1e-30);
    CHECK_NEAR(yd[1], 1.0, TOL);
    CHECK_NEAR(yd[2], 0.0, 1e-30);
}

static void test_sigmoid_identity(void) {
    /* python3: 1/(1 + math.exp(-z)) */
    const float z[6] = {0.0f, 2.0f, -3.0f, 1000.0f, -1000.0f, 0.25f};
    const double want[6] = {0.5, 0.8807970779778823, 0.04742587317756678, 1.0, 0.0,
                            0.5621765008857981};
    float y[6];
    nn_output_forward(NN_OUT_SIGMOID, y, z, 2, 3);
    for (int i = 0; i < 6; i++) {
        CHECK(isfinite(y[i]));
        CHECK_NEAR(y[i], want[i], TOL);
    }
    nn_output_forward(NN_OUT_IDENTITY, y, z, 3, 2);
    for (int i = 0; i < 6; i++)
        CHECK(y[i] == z[i]);
}

/* ---- loss values ----------------------------------------------------------------------------- */

static void test_cross_entropy_value(void) {
    /* CE of a row = −log softmax(z)[label] = logΣexp(z) − z[label].
     * python3: lse(1,2,3) − 3 = 0.4076059644443806; lse(0.5,−1,2) − 0.5 = 1.7413112966571571 */
    const float z[6] = {1.0f, 2.0f, 3.0f, 0.5f, -1.0f, 2.0f};
    const int32_t lab[2] = {2, 0};
    const float onehot[6] = {0, 0, 1, 1, 0, 0};
    float y[6];
    nn_output_forward(NN_OUT_SOFTMAX, y, z, 2, 3);
    const double want = 0.4076059644443806 + 1.7413112966571571;
    /* the same from the softmax values written out above */
    CHECK_NEAR(-log(0.6652409557748218) - log(0.1752903921400367), want, 1e-12);
    const double by_label = nn_loss_sum(NN_LOSS_CROSS_ENTROPY, NN_OUT_SOFTMAX, z, y, lab, NULL,
                                        2, 3);
    const double by_target = nn_loss_sum(NN_LOSS_CROSS_ENTROPY, NN_OUT_SOFTMAX, z, y, NULL,
                                         onehot, 2, 3);
    CHECK_NEAR(by_label, want, TOL);
    CHECK_NEAR(by_target, want, TOL);
    CHECK_NEAR(by_label, by_target, 1e-12);

    /* gradient (y − t)/B, elementwise, identical for labels and one-hot rows */
    const double sm[6] = {0.09003057317038046, 0.24472847105479764, 0.6652409557748218,
                          0.1752903921400367,  0.039112573270687456, 0.7855970345892759};
    float dl[6], dt[6];
    nn_loss_backward(NN_LOSS_CROSS_ENTROPY, NN_OUT_SOFTMAX, dl, y, lab, NULL, 2, 3, 1.0f);
    nn_loss_backward(NN_LOSS_CROSS_ENTROPY, NN_OUT_SOFTMAX, dt, y, NULL, onehot, 2, 3, 1.0f);
    for (int i = 0; i < 6; i++) {
        const double g = (sm[i] - onehot[i]) / 2.0;
        CHECK_NEAR(dl[i], g, TOL);
        CHECK_NEAR(dt[i], g, TOL);
        CHECK(dl[i] == dt[i]);
    }
    /* scale multiplies (Flooding passes −1) */
    float ds[6];
    nn_loss_backward(NN_LOSS_CROSS_ENTROPY, NN_OUT_SOFTMAX, ds, y, lab, NULL, 2, 3, -1.0f);
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(ds[i], -(sm[i] - onehot[i]) / 2.0, TOL);

    /* huge logits: finite, log(1 + e) and log(1 + 1/e) (python3: math.log1p(math.e),
     * math.log1p(1/math.e)) */
    const float zh[4] = {1000.0f, 1001.0f, 1000.0f, 1001.0f};
    const int32_t lh[2] = {0, 1};
    float yh[4];
    nn_output_forward(NN_OUT_SOFTMAX, yh, zh, 2, 2);
    const double lhuge = nn_loss_sum(NN_LOSS_CROSS_ENTROPY, NN_OUT_SOFTMAX, zh, yh, lh, NULL, 2,
                                     2);
    CHECK(isfinite(lhuge));
    CHECK_NEAR(lhuge, 1.3132616875182228 + 0.31326168751822286, TOL);
    /* a confidently wrong row: loss = 1000, not inf (log of an underflowed 0) */
    const float zw[2] = {1000.0f, 0.0f};
    const int32_t lw[1] = {1};
    float yw[2];
    nn_output_forward(NN_OUT_SOFTMAX, yw, zw, 1, 2);
    const double lwrong = nn_loss_sum(NN_LOSS_CROSS_ENTROPY, NN_OUT_SOFTMAX, zw, yw, lw, NULL,
                                      1, 2);
    CHECK(isfinite(lwrong));
    CHECK_NEAR(lwrong, 1000.0, TOL);

    /* sigmoid CE per unit: −t log y − (1 − t) log(1 − y); z = 2, t = 1 gives
     * log(1 + e^−2) = 0.12692801104297263; z = −3, t = 1 gives log(1 + e^3) =
     * 3.048587351573742 (python3: math.log1p(math.exp(-2)), math.log1p(math.exp(3))) */
    const float zs[2] = {2.0f, -3.0f};
    const int32_t ls[2] = {1, 1};
    float ys[2];
    nn_output_forward(NN_OUT_SIGMOID, ys, zs, 2, 1);
    CHECK_NEAR(nn_loss_sum(NN_LOSS_CROSS_ENTROPY, NN_OUT_SIGMOID, zs, ys, ls, NULL, 2, 1),
               0.12692801104297263 + 3.048587351573742, TOL);
    /* and from the definition with the f32 outputs, in double */
    CHECK_NEAR(-log(ys[0]) - log(ys[1]), 0.12692801104297263 + 3.048587351573742, 1e-5);
}

static void test_sum_of_squares_value(void) {
    /* identity output: ½Σ(y − t)² per row, summed by nn_loss_sum, the mean taken by the caller.
     * row 0: y = (0.5, −1, 2), t = (1, 0, 0): ½(0.25 + 1 + 4) = 2.625
     * row 1: y = (0, 0.25, −0.5), t = (0, 1, 0): ½(0 + 0.5625 + 0.25) = 0.40625 */
    const float z[6] = {0.5f, -1.0f, 2.0f, 0.0f, 0.25f, -0.5f};
    const float t[6] = {1, 0, 0, 0, 1, 0};
    const int32_t lab[2] = {0, 1};
    float y[6];
    nn_output_forward(NN_OUT_IDENTITY, y, z, 2, 3);
    const double sum = nn_loss_sum(NN_LOSS_MSE, NN_OUT_IDENTITY, z, y, NULL, t, 2, 3);
    CHECK_NEAR(sum, 2.625 + 0.40625, 1e-12);
    CHECK_NEAR(sum / 2.0, 1.515625, 1e-12);         /* the batch mean */
    CHECK_NEAR(nn_loss_sum(NN_LOSS_MSE, NN_OUT_IDENTITY, z, y, lab, NULL, 2, 3), 3.03125, 1e-12);
    /* gradient (y − t)/B */
    float dz[6];
    nn_loss_backward(NN_LOSS_MSE, NN_OUT_IDENTITY, dz, y, NULL, t, 2, 3, 1.0f);
    const double g[6] = {-0.25, -0.5, 1.0, 0.0, -0.375, -0.25};
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(dz[i], g[i], 1e-12);

    /* sigmoid output, one unit: y = σ(0) = 0.5, t = 1: ½·0.25 = 0.125; dz = (y − t)·y(1 − y)
     * = −0.5·0.25 = −0.125 (B = 1) */
    const float z0[1] = {0.0f};
    const int32_t l1[1] = {1};
    float y0[1], d0[1];
    nn_output_forward(NN_OUT_SIGMOID, y0, z0, 1, 1);
    CHECK_NEAR(nn_loss_sum(NN_LOSS_MSE, NN_OUT_SIGMOID, z0, y0, l1, NULL, 1, 1), 0.125, 1e-12);
    nn_loss_backward(NN_LOSS_MSE, NN_OUT_SIGMOID, d0, y0, l1, NULL, 1, 1, 1.0f);
    CHECK_NEAR(d0[0], -0.125, 1e-12);
}

/* ---- analytic gradient against central differences ---------------------------------------- */

typedef struct {
    int loss, output, O;
    int labels;             /* use labels (else target rows) */
    const char *name;
} combo;

/* f(z) = nn_loss_sum(z, output(z))/B in double */
static double mean_loss(const combo *c, const float *z, const int32_t *lab, const float *tgt,
                        int B) {
    float y[8];
    nn_output_forward(c->output, y, z, B, c->O);
    return nn_loss_sum(c->loss, c->output, z, y, lab, tgt, B, c->O) / B;
}

static void test_central_difference(void) {
    static const combo combos[] = {
        {NN_LOSS_CROSS_ENTROPY, NN_OUT_SOFTMAX, 3, 1, "CE + softmax, labels"},
        {NN_LOSS_CROSS_ENTROPY, NN_OUT_SOFTMAX, 3, 0, "CE + softmax, soft targets"},
        {NN_LOSS_CROSS_ENTROPY, NN_OUT_SIGMOID, 3, 1, "CE + sigmoid, labels"},
        {NN_LOSS_CROSS_ENTROPY, NN_OUT_SIGMOID, 3, 0, "CE + sigmoid, targets"},
        {NN_LOSS_CROSS_ENTROPY, NN_OUT_SIGMOID, 1, 1, "CE + sigmoid, one output"},
        {NN_LOSS_MSE, NN_OUT_SOFTMAX, 3, 1, "MSE + softmax, labels"},
        {NN_LOSS_MSE, NN_OUT_SOFTMAX, 3, 0, "MSE + softmax, targets"},
        {NN_LOSS_MSE, NN_OUT_SIGMOID, 3, 0, "MSE + sigmoid, targets"},
        {NN_LOSS_MSE, NN_OUT_SIGMOID, 1, 1, "MSE + sigmoid, one output"},
        {NN_LOSS_MSE, NN_OUT_IDENTITY, 3, 0, "MSE + identity, targets"},
        {NN_LOSS_MSE, NN_OUT_IDENTITY, 3, 1, "MSE + identity, labels"},
        {NN_LOSS_MSE, NN_OUT_IDENTITY, 1, 0, "MSE + identity, one output"},
    };
    enum { B = 2 };
    const float z3[B * 3] = {0.3f, -1.2f, 0.8f, 1.5f, 0.1f, -0.7f};
    const float z1[B] = {0.6f, -1.3f};
    /* soft targets: row 0 sums to 1, row 1 does not (CE then weighs logΣexp by Σt) */
    const float t3[B * 3] = {0.2f, 0.7f, 0.1f, 0.0f, 0.4f, 0.9f};
    const float t1[B] = {0.8f, 0.3f};
    const int32_t l3[B] = {1, 2};
    const int32_t l1[B] = {1, 0};
    for (size_t k = 0; k < sizeof combos / sizeof combos[0]; k++) {
        const combo *c = &combos[k];
        const int n = B * c->O;
        const int32_t *lab = c->labels ? (c->O == 1 ? l1 : l3) : NULL;
        const float *tgt = c->labels ? NULL : (c->O == 1 ? t1 : t3);
        float z[B * 3], y[B * 3], dz[B * 3];
        memcpy(z, c->O == 1 ? z1 : z3, (size_t)n * sizeof(float));
        nn_output_forward(c->output, y, z, B, c->O);
        nn_loss_backward(c->loss, c->output, dz, y, lab, tgt, B, c->O, 1.0f);
        double worst = 0.0, biggest = 0.0;
        for (int i = 0; i < n; i++) {
            const float z0 = z[i];
            const float zp = (float)(z0 + FD_H), zm = (float)(z0 - FD_H);
            z[i] = zp;
            const double fp = mean_loss(c, z, lab, tgt, B);
            z[i] = zm;
            const double fm = mean_loss(c, z, lab, tgt, B);
            z[i] = z0;
            const double num = (fp - fm) / ((double)zp - (double)zm);
            const double err = fabs(dz[i] - num) / fmax(fabs(num), 0.01);
            worst = fmax(worst, err);
            biggest = fmax(biggest, fabs(dz[i]));
        }
        const int before = check_failed;
        CHECK(worst <= FD_TOL);
        CHECK(biggest > 1e-2);      /* a zero gradient would pass a lax comparison */
        if (check_failed != before)
            printf("  (%s: worst relative error %.3g, largest |dz| %.3g)\n", c->name, worst,
                   biggest);
    }
}

/* ---- correct counts -------------------------------------------------------------------------- */

static void test_count_correct(void) {
    /* argmax rows: 2, 0, 1, 1 */
    const float y[12] = {0.1f, 0.2f, 0.7f, 0.5f, 0.3f, 0.2f,
                         0.3f, 0.4f, 0.3f, 0.0f, 0.9f, 0.1f};
    const int32_t lab[4] = {2, 0, 0, 1};               /* right, right, wrong, right */
    CHECK_INT(nn_count_correct(y, lab, NULL, 4, 3), 3);
    const float tgt[12] = {0, 0, 1, 0.6f, 0.4f, 0,   /* argmax 2, 0 */
                           0, 0, 1, 0.1f, 0.8f, 0.1f}; /* argmax 2, 1 */
    CHECK_INT(nn_count_correct(y, NULL, tgt, 4, 3), 3); /* the third row is wrong */
    const int32_t none[4] = {1, 1, 2, 0};
    CHECK_INT(nn_count_correct(y, none, NULL, 4, 3), 0);

    /* one output: right when y and t fall on the same side of 0.5 (0.5 itself counts as 1) */
    const float y1[6] = {0.7f, 0.2f, 0.5f, 0.49f, 0.51f, 0.0f};
    const int32_t l1[6] = {1, 0, 1, 1, 0, 0};          /* right, right, right, wrong, wrong, right */
    CHECK_INT(nn_count_correct(y1, l1, NULL, 6, 1), 4);
    const float t1[6] = {0.9f, 0.3f, 0.5f, 0.2f, 0.6f, 1.0f}; /* R, R, R, R, R, wrong */
    CHECK_INT(nn_count_correct(y1, NULL, t1, 6, 1), 5);
}

/* ---- through the public API ------------------------------------------------------------------ */

/* layers {2, 2}, softmax, cross-entropy; W = [[1, −1], [0.5, 2]] (W[i][j] from input i to
 * output j), b = (0.1, −0.2) */
static nn_net *hand_net(void) {
    nn_spec s = nn_spec_default();
    s.n_layers = 2;
    s.layers[0] = 2;
    s.layers[1] = 2;
    s.output = NN_OUT_SOFTMAX;
    s.loss = NN_LOSS_CROSS_ENTROPY;
    nn_net *net = NULL;
    CHECK_STATUS(nn_net_create(&s, &net, NULL), NN_OK);
    if (!net)
        return NULL;
    CHECK_INT(nn_param_count(net), 6);
    const float p[6] = {1.0f, -1.0f, 0.5f, 2.0f, 0.1f, -0.2f};
    memcpy(nn_params(net), p, sizeof p);
    return net;
}

static void test_evaluate(void) {
    nn_net *net = hand_net();
    if (!net)
        return;
    /* rows x = (1, 0), (0, 1), (1, 1): z = (1.1, −1.2), (0.6, 1.8), (1.6, 0.8).
     * python3: softmax → (0.9088770389851438, 0.09112296101485615),
     * (0.23147521650098232, 0.7685247834990178), (0.6899744811276125, 0.31002551887238755);
     * labels 0, 1, 1: the first two right, the third wrong → accuracy 2/3;
     * loss = mean of −log y[label] = 0.5099761992945905 */
    const float x[6] = {1, 0, 0, 1, 1, 1};
    const int32_t lab[3] = {0, 1, 1};
    const float onehot[6] = {1, 0, 0, 1, 0, 1};
    const double want_loss =
        -(log(0.9088770389851438) + log(0.7685247834990178) + log(0.31002551887238755)) / 3.0;
    CHECK_NEAR(want_loss, 0.5099761992945905, 1e-12);
    double loss = -1.0, acc = -1.0;
    nn_data d = {x, NULL, lab, NULL, 3, 2};
    CHECK_STATUS(nn_evaluate(net, &d, &loss, &acc), NN_OK);
    CHECK_NEAR(loss, want_loss, TOL);
    CHECK_NEAR(acc, 2.0 / 3.0, 1e-12);
    nn_data dt = {x, NULL, NULL, onehot, 3, 2};
    loss = acc = -1.0;
    CHECK_STATUS(nn_evaluate(net, &dt, &loss, &acc), NN_OK);
    CHECK_NEAR(loss, want_loss, TOL);
    CHECK_NEAR(acc, 2.0 / 3.0, 1e-12);
    /* the same rows as bytes: 255 reads as 1 */
    const uint8_t xb[6] = {255, 0, 0, 255, 255, 255};
    nn_data db = {NULL, xb, lab, NULL, 3, 2};
    loss = acc = -1.0;
    CHECK_STATUS(nn_evaluate(net, &db, &loss, &acc), NN_OK);
    CHECK_NEAR(loss, want_loss, TOL);
    CHECK_NEAR(acc, 2.0 / 3.0, 1e-12);

    float out[6];
    CHECK_STATUS(nn_predict(net, x, 3, out, 6), NN_OK);
    const double want_y[6] = {0.9088770389851438,  0.09112296101485615, 0.23147521650098232,
                              0.7685247834990178,  0.6899744811276125,  0.31002551887238755};
    for (int i = 0; i < 6; i++)
        CHECK_NEAR(out[i], want_y[i], TOL);
    nn_net_free(net);
}

static nn_spec small_spec(int output, int loss, int outputs) {
    nn_spec s = nn_spec_default();
    s.n_layers = 2;
    s.layers[0] = 2;
    s.layers[1] = outputs;
    s.output = output;
    s.loss = loss;
    return s;
}

static void test_refused_specs(void) {
    nn_net *net = NULL;
    nn_error err;
    nn_spec s = small_spec(NN_OUT_IDENTITY, NN_LOSS_CROSS_ENTROPY, 2);
    CHECK_STATUS(nn_net_create(&s, &net, &err), NN_ERR_ARG);
    CHECK(net == NULL);
    CHECK_MSG(err.message, "cross-entropy");
    s = small_spec(NN_OUT_SOFTMAX, NN_LOSS_CROSS_ENTROPY, 1);
    CHECK_STATUS(nn_net_create(&s, &net, &err), NN_ERR_ARG);
    CHECK(net == NULL);
    CHECK_MSG(err.message, "softmax");
    s = small_spec(NN_OUT_SOFTMAX, NN_LOSS_MSE, 1);
    CHECK_STATUS(nn_net_create(&s, &net, &err), NN_ERR_ARG);
    CHECK(net == NULL);
    s = small_spec(NN_OUT_SIGMOID, 7, 2);
    CHECK_STATUS(nn_net_create(&s, &net, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "loss");
    s = small_spec(9, NN_LOSS_MSE, 2);
    CHECK_STATUS(nn_net_create(&s, &net, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "output");
    /* every allowed combination is accepted */
    static const int ok[][3] = {
        {NN_OUT_SOFTMAX, NN_LOSS_CROSS_ENTROPY, 2}, {NN_OUT_SIGMOID, NN_LOSS_CROSS_ENTROPY, 1},
        {NN_OUT_SIGMOID, NN_LOSS_CROSS_ENTROPY, 3}, {NN_OUT_SOFTMAX, NN_LOSS_MSE, 2},
        {NN_OUT_SIGMOID, NN_LOSS_MSE, 1},           {NN_OUT_IDENTITY, NN_LOSS_MSE, 1},
        {NN_OUT_IDENTITY, NN_LOSS_MSE, 4},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        s = small_spec(ok[i][0], ok[i][1], ok[i][2]);
        net = NULL;
        CHECK_STATUS(nn_net_create(&s, &net, &err), NN_OK);
        CHECK(net != NULL);
        nn_net_free(net);
    }
}

static void test_refused_data(void) {
    nn_net *net = hand_net();
    if (!net)
        return;
    const float x[6] = {1, 0, 0, 1, 1, 1};
    double loss, acc;
    /* labels out of range: 2 with 2 outputs, and −1 */
    const int32_t bad_hi[3] = {0, 2, 1}, bad_lo[3] = {0, 1, -1};
    const int32_t *bad[2] = {bad_hi, bad_lo};
    for (int k = 0; k < 2; k++) {
        nn_data d = {x, NULL, bad[k], NULL, 3, 2};
        CHECK_STATUS(nn_evaluate(net, &d, &loss, &acc), NN_ERR_ARG);
        CHECK_MSG(nn_net_last_error(net), "label");
        CHECK_MSG(nn_net_last_error(net), k == 0 ? "row 1" : "row 2");
        CHECK_STATUS(nn_fit_begin(net, &d, NULL), NN_ERR_ARG);
        CHECK_MSG(nn_net_last_error(net), "label");
    }
    /* a NaN input, row 1 column 0 */
    const int32_t lab[3] = {0, 1, 1};
    float xn[6] = {1, 0, 0, 1, 1, 1};
    xn[1 * 2 + 0] = NAN;
    nn_data dn = {xn, NULL, lab, NULL, 3, 2};
    CHECK_STATUS(nn_evaluate(net, &dn, &loss, &acc), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "row 1");
    CHECK_MSG(nn_net_last_error(net), "column 0");
    CHECK_STATUS(nn_fit_begin(net, &dn, NULL), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "row 1");
    CHECK_MSG(nn_net_last_error(net), "column 0");
    float out[6];
    CHECK_STATUS(nn_predict(net, xn, 3, out, 6), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "row 1");
    /* a non-finite target, row 2 column 1 */
    float tn[6] = {1, 0, 0, 1, 0, 1};
    tn[2 * 2 + 1] = INFINITY;
    nn_data dt = {x, NULL, NULL, tn, 3, 2};
    CHECK_STATUS(nn_fit_begin(net, &dt, NULL), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "target");
    CHECK_MSG(nn_net_last_error(net), "row 2");
    CHECK_MSG(nn_net_last_error(net), "column 1");
    nn_net_free(net);

    /* one sigmoid output: labels 0 and 1 are the classes, 2 is refused */
    nn_spec s = small_spec(NN_OUT_SIGMOID, NN_LOSS_CROSS_ENTROPY, 1);
    CHECK_STATUS(nn_net_create(&s, &net, NULL), NN_OK);
    if (!net)
        return;
    const int32_t l01[3] = {0, 1, 1}, l2[3] = {0, 2, 1};
    nn_data ok = {x, NULL, l01, NULL, 3, 2}, no = {x, NULL, l2, NULL, 3, 2};
    CHECK_STATUS(nn_evaluate(net, &ok, &loss, &acc), NN_OK);
    CHECK_STATUS(nn_evaluate(net, &no, &loss, &acc), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "label");
    CHECK_STATUS(nn_fit_begin(net, &no, NULL), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "label");
    nn_net_free(net);
}

/* ---- non-finite losses ----------------------------------------------------------------------- */

/* {1, 1} identity + sum of squares, parameters set to (w, b), one row per step */
static nn_net *diverging_net(float lr, const float *x, const float *t, float w, float b) {
    nn_spec s = small_spec(NN_OUT_IDENTITY, NN_LOSS_MSE, 1);
    s.layers[0] = 1;
    s.init = NN_INIT_GAUSSIAN;
    s.opt.lr = lr;
    nn_net *net = NULL;
    CHECK_STATUS(nn_net_create(&s, &net, NULL), NN_OK);
    if (!net)
        return NULL;
    nn_params(net)[0] = w;
    nn_params(net)[1] = b;
    nn_data d = {x, NULL, NULL, t, 1, 1};
    nn_fit_opts o = nn_fit_opts_default();
    o.epochs = 10;
    o.batch_size = 1;
    o.shuffle = 0;
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    return net;
}

/* Step one at a time, recording the parameters after each good step, until a step fails.
 * The failure must be NN_ERR_NONFINITE at step want_fail (1-based) with a "non-finite"
 * message, the parameters those of the last good step (bit for bit) and finite, and the
 * session closed. */
static void run_to_divergence(nn_net *net, int want_fail, const float *before_first,
                              const char *case_name) {
    const int failed_before = check_failed;
    float last[2] = {before_first[0], before_first[1]};
    nn_status st = NN_OK;
    int k = 0;
    while (k < 10) {
        st = nn_fit_steps(net, 1, NULL);
        k++;
        if (st != NN_OK)
            break;
        memcpy(last, nn_params(net), sizeof last);
    }
    CHECK_STATUS(st, NN_ERR_NONFINITE);
    CHECK_INT(k, want_fail);
    CHECK_MSG(nn_net_last_error(net), "non-finite");
    for (int i = 0; i < 2; i++) {
        CHECK(isfinite(nn_params(net)[i]));
        CHECK(memcmp(&nn_params(net)[i], &last[i], sizeof(float)) == 0);
    }
    /* the session is closed: stepping again is a state error, and a new session may open */
    CHECK_STATUS(nn_fit_steps(net, 1, NULL), NN_ERR_STATE);
    if (check_failed != failed_before)
        printf("  (%s: stopped at step %d: %s)\n", case_name, k, nn_net_last_error(net));
}

static void test_nonfinite(void) {
    /* lr 1e30, x = 1, t = 0, (W, b) = (0.5, 0): step 1 gives W = b = 0.5 − 1e30·0.5 = −5e29
     * (finite); step 2 has y = −1e30, gradient ≈ −1e30 (finite in f32), and the update
     * 1e30·1e30 overflows the weights. */
    {
        static const float x[1] = {1.0f}, t[1] = {0.0f};
        const float p0[2] = {0.5f, 0.0f};
        nn_net *net = diverging_net(1e30f, x, t, p0[0], p0[1]);
        if (net) {
            CHECK_STATUS(nn_fit_steps(net, 1, NULL), NN_OK);
            const double w1 = 0.5 - (double)1e30f * 0.5;
            CHECK_NEAR(nn_params(net)[0], w1, 1e-6);
            CHECK_NEAR(nn_params(net)[1], w1, 1e-6);
            const float p1[2] = {nn_params(net)[0], nn_params(net)[1]};
            run_to_divergence(net, 1, p1, "lr 1e30");
            /* a new session on sane data opens again */
            static const float xs[1] = {0.0f}, ts[1] = {0.0f};
            nn_data d = {xs, NULL, NULL, ts, 1, 1};
            CHECK_STATUS(nn_fit_begin(net, &d, NULL), NN_OK);
            nn_net_free(net);
        }
    }
    /* huge input: W·x = 2·3e38 overflows f32, so the first loss is already infinite and the
     * initial parameters stay */
    {
        static const float x[1] = {3e38f}, t[1] = {0.0f};
        const float p0[2] = {2.0f, 0.0f};
        nn_net *net = diverging_net(0.01f, x, t, p0[0], p0[1]);
        if (net) {
            run_to_divergence(net, 1, p0, "huge input");
            nn_net_free(net);
        }
    }
    /* large input: y = 1e20 is finite and so is the loss in double (5e39), but the weight
     * gradient x·y = 1e40 overflows f32 */
    {
        static const float x[1] = {1e20f}, t[1] = {0.0f};
        const float p0[2] = {1.0f, 0.0f};
        nn_net *net = diverging_net(0.01f, x, t, p0[0], p0[1]);
        if (net) {
            run_to_divergence(net, 1, p0, "gradient overflow");
            nn_net_free(net);
        }
    }
}

int main(void) {
    test_softmax();
    test_sigmoid_identity();
    test_cross_entropy_value();
    test_sum_of_squares_value();
    test_central_difference();
    test_count_correct();
    test_evaluate();
    test_refused_specs();
    test_refused_data();
    test_nonfinite();
    return check_report();
}
