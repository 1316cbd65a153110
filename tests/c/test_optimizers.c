/*
 * test_optimizers.c — every optimizer, weight decay, gradient clipping, Flooding and the
 * learning-rate schedules, through the public API on a net small enough to do by hand, plus
 * the spec checks that guard them.
 *
 * The device: layers {1, 1}, identity output, sum-of-squares loss, so with parameters W, b and
 * a batch of B rows (x_r, t_r):
 *     y_r = W·x_r + b,   r_r = y_r − t_r,   L = (1/B)·Σ ½ r_r²,
 *     g_W = (1/B)·Σ r_r·x_r,   g_b = (1/B)·Σ r_r.
 * Every expectation below is this formula and the update rule written out in double in the
 * test; the library is only run, never asked for an expected value.
 */
#include "check.h"
#include "nnwasm.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Parameters and optimizer state are f32: each stored value is rounded to 2^-24 relative
 * (6e-8), and one step chains at most ~10 such roundings (gradient, state update, square
 * root, division, the update itself), so a correct step lands within ~1e-6 relative of the
 * double-precision formula. The data are chosen so no update cancels to near zero, which
 * would turn that relative bound into a larger relative error. Any wrong term (a missing
 * bias correction, (1 + μ) instead of μ, decay on the bias) is off by 1e-3 or far more. */
#define TOL 1e-6

/* |got − want| ≤ tol·|want|, printed with the line on failure */
#define CHECK_REL(got, want, tol) check_rel((got), (want), (tol), #got, __LINE__)
static double worst_ratio;     /* largest observed error / tolerance, printed at the end */
static void check_rel(double got, double want, double tol, const char *what, int line) {
    check_count++;
    if (want != 0.0 && fabs(got - want) / (tol * fabs(want)) > worst_ratio)
        worst_ratio = fabs(got - want) / (tol * fabs(want));
    if (!(fabs(got - want) <= tol * fabs(want))) {
        check_failed++;
        printf("%s:%d: %s is %.10g, want %.10g (rel err %.3g, tol %g)\n", __FILE__, line, what,
               got, want, fabs(got - want) / fabs(want), tol);
    }
}

/* ---- the tiny net and its hand-computed gradient ----------------------------------------- */

/* the data of every test: two rows, so the batch mean matters */
#define ROWS 2
static const float X[ROWS] = {2.0f, -1.0f};
static const float T[ROWS] = {1.0f, -0.5f};
static const float W0 = 0.5f, B0 = -0.25f;

static nn_spec tiny_spec(int opt) {
    nn_spec s = nn_spec_default();
    s.n_layers = 2;
    s.layers[0] = 1;
    s.layers[1] = 1;
    s.output = NN_OUT_IDENTITY;
    s.loss = NN_LOSS_MSE;
    s.init = NN_INIT_GAUSSIAN;
    s.opt.type = opt;
    s.opt.lr = 0.1f;
    return s;
}

/* a net from spec with W, b overwritten, and a session of `epochs` full-batch steps */
static nn_net *start(const nn_spec *s, const float *x, const float *t, int rows, int epochs,
                     float w, float b) {
    nn_net *net = NULL;
    nn_error err;
    nn_status st = nn_net_create(s, &net, &err);
    CHECK_STATUS(st, NN_OK);
    if (st != NN_OK) {
        printf("  %s\n", err.message);
        return NULL;
    }
    CHECK_INT(nn_param_count(net), 2);
    nn_params(net)[0] = w;      /* W (1, 1) */
    nn_params(net)[1] = b;      /* b (1) */
    nn_data d = {x, NULL, NULL, t, rows, 1};
    nn_fit_opts o = nn_fit_opts_default();
    o.epochs = epochs;
    o.batch_size = rows;
    o.shuffle = 0;
    st = nn_fit_begin(net, &d, &o);
    CHECK_STATUS(st, NN_OK);
    if (st != NN_OK) {
        printf("  %s\n", nn_net_last_error(net));
        nn_net_free(net);
        return NULL;
    }
    return net;
}

/* one optimizer step; returns its progress */
static nn_progress step(nn_net *net) {
    nn_progress p;
    memset(&p, 0, sizeof p);
    CHECK_STATUS(nn_fit_steps(net, 1, &p), NN_OK);
    return p;
}

/* gradient and mean data loss of the whole data set at (w, b), by the formula above */
static void grad(double w, double b, double *gw, double *gb, double *loss) {
    double sw = 0.0, sb = 0.0, sl = 0.0;
    for (int r = 0; r < ROWS; r++) {
        const double res = w * X[r] + b - T[r];
        sw += res * X[r];
        sb += res;
        sl += 0.5 * res * res;
    }
    *gw = sw / ROWS;
    *gb = sb / ROWS;
    if (loss)
        *loss = sl / ROWS;
}

/* ---- optimizers ----------------------------------------------------------------------- */

static void test_sgd(void) {
    nn_spec s = tiny_spec(NN_OPT_SGD);
    nn_net *net = start(&s, X, T, ROWS, 2, W0, B0);
    if (!net)
        return;
    const double lr = s.opt.lr;
    double w = W0, b = B0, gw, gb, L;
    /* at (0.5, −0.25): r = (−0.25, −0.25), g_W = (−0.5 + 0.25)/2 = −0.125, g_b = −0.25,
     * L = ½·0.0625 = 0.03125: worked out once by hand as a check on grad() itself */
    grad(w, b, &gw, &gb, &L);
    CHECK_NEAR(gw, -0.125, 1e-15);
    CHECK_NEAR(gb, -0.25, 1e-15);
    CHECK_NEAR(L, 0.03125, 1e-15);
    for (int k = 0; k < 2; k++) {
        /* g_W sums r·x over rows of opposite sign, so it cancels (−0.4 + 0.2375 at step 2)
         * and r itself cancels (0.8 − 1): the kept gradient is compared with the formula at
         * the f32 parameters the net held, and with 2·TOL for the f32 residuals (measured
         * 5.5e-7 relative; a wrong gradient is off by far more) */
        double fgw, fgb;
        grad(nn_params(net)[0], nn_params(net)[1], &fgw, &fgb, NULL);
        grad(w, b, &gw, &gb, &L);
        w -= lr * gw;
        b -= lr * gb;
        const nn_progress p = step(net);
        CHECK_REL(nn_params(net)[0], w, TOL);
        CHECK_REL(nn_params(net)[1], b, TOL);
        CHECK_REL(p.batch_loss, L, TOL);
        CHECK_REL(p.lr, lr, TOL);
        CHECK_INT(p.step, k + 1);
        /* the gradient of the step just taken is kept in nn_grads */
        CHECK_REL(nn_grads(net)[0], fgw, 2 * TOL);
        CHECK_REL(nn_grads(net)[1], fgb, 2 * TOL);
    }
    nn_net_free(net);
}

static void test_momentum(void) {
    nn_spec s = tiny_spec(NN_OPT_MOMENTUM);
    s.opt.momentum = 0.9f;
    nn_net *net = start(&s, X, T, ROWS, 3, W0, B0);
    if (!net)
        return;
    const double lr = s.opt.lr, mu = s.opt.momentum;
    double w = W0, b = B0, vw = 0.0, vb = 0.0, gw, gb;
    for (int k = 0; k < 3; k++) {     /* v = μv − ηg; w += v */
        grad(w, b, &gw, &gb, NULL);
        vw = mu * vw - lr * gw;
        vb = mu * vb - lr * gb;
        w += vw;
        b += vb;
        step(net);
        CHECK_REL(nn_params(net)[0], w, TOL);
        CHECK_REL(nn_params(net)[1], b, TOL);
    }
    nn_net_free(net);
}

static void test_nesterov(void) {
    nn_spec s = tiny_spec(NN_OPT_NESTEROV);
    s.opt.momentum = 0.8f;
    nn_net *net = start(&s, X, T, ROWS, 3, W0, B0);
    if (!net)
        return;
    const double lr = s.opt.lr, mu = s.opt.momentum;
    double w = W0, b = B0, vw = 0.0, vb = 0.0, gw, gb;
    for (int k = 0; k < 3; k++) {     /* v' = μv − ηg; w += −μv + (1 + μ)v' */
        grad(w, b, &gw, &gb, NULL);
        const double nw = mu * vw - lr * gw, nb = mu * vb - lr * gb;
        w += -mu * vw + (1.0 + mu) * nw;
        b += -mu * vb + (1.0 + mu) * nb;
        vw = nw;
        vb = nb;
        step(net);
        CHECK_REL(nn_params(net)[0], w, TOL);
        CHECK_REL(nn_params(net)[1], b, TOL);
    }
    nn_net_free(net);
}

static void test_adagrad(void) {
    nn_spec s = tiny_spec(NN_OPT_ADAGRAD);
    s.opt.eps = 1e-7f;
    nn_net *net = start(&s, X, T, ROWS, 3, W0, B0);
    if (!net)
        return;
    const double lr = s.opt.lr, eps = s.opt.eps;
    double w = W0, b = B0, hw = 0.0, hb = 0.0, gw, gb;
    for (int k = 0; k < 3; k++) {     /* h += g²; w −= ηg/(√h + ε) */
        grad(w, b, &gw, &gb, NULL);
        hw += gw * gw;
        hb += gb * gb;
        w -= lr * gw / (sqrt(hw) + eps);
        b -= lr * gb / (sqrt(hb) + eps);
        step(net);
        CHECK_REL(nn_params(net)[0], w, TOL);
        CHECK_REL(nn_params(net)[1], b, TOL);
    }
    nn_net_free(net);
}

static void test_rmsprop(void) {
    nn_spec s = tiny_spec(NN_OPT_RMSPROP);
    s.opt.rho = 0.9f;
    s.opt.lr = 0.01f;
    nn_net *net = start(&s, X, T, ROWS, 3, W0, B0);
    if (!net)
        return;
    const double lr = s.opt.lr, rho = s.opt.rho, eps = s.opt.eps;
    double w = W0, b = B0, hw = 0.0, hb = 0.0, gw, gb;
    for (int k = 0; k < 3; k++) {     /* h = ρh + (1 − ρ)g²; w −= ηg/(√h + ε) */
        grad(w, b, &gw, &gb, NULL);
        hw = rho * hw + (1.0 - rho) * gw * gw;
        hb = rho * hb + (1.0 - rho) * gb * gb;
        w -= lr * gw / (sqrt(hw) + eps);
        b -= lr * gb / (sqrt(hb) + eps);
        step(net);
        CHECK_REL(nn_params(net)[0], w, TOL);
        CHECK_REL(nn_params(net)[1], b, TOL);
    }
    nn_net_free(net);
}

static void test_adam(void) {
    nn_spec s = tiny_spec(NN_OPT_ADAM);
    s.opt.lr = 0.01f;
    s.opt.beta1 = 0.9f;
    s.opt.beta2 = 0.999f;
    nn_net *net = start(&s, X, T, ROWS, 3, W0, B0);
    if (!net)
        return;
    const double lr = s.opt.lr, b1 = s.opt.beta1, b2 = s.opt.beta2, eps = s.opt.eps;
    double w = W0, b = B0, mw = 0.0, mb = 0.0, vw = 0.0, vb = 0.0, gw, gb;
    for (int t = 1; t <= 3; t++) {
        grad(w, b, &gw, &gb, NULL);
        mw = b1 * mw + (1.0 - b1) * gw;
        mb = b1 * mb + (1.0 - b1) * gb;
        vw = b2 * vw + (1.0 - b2) * gw * gw;
        vb = b2 * vb + (1.0 - b2) * gb * gb;
        const double c1 = 1.0 - pow(b1, t), c2 = 1.0 - pow(b2, t);
        w -= lr * (mw / c1) / (sqrt(vw / c2) + eps);
        b -= lr * (mb / c1) / (sqrt(vb / c2) + eps);
        step(net);
        CHECK_REL(nn_params(net)[0], w, TOL);
        CHECK_REL(nn_params(net)[1], b, TOL);
    }
    /* first step of Adam moves each parameter by ~η against its gradient's sign (m̂/√v̂ =
     * ±1): a sanity anchor independent of the loop above */
    {
        nn_net *n2 = start(&s, X, T, ROWS, 1, W0, B0);
        if (n2) {
            step(n2);
            CHECK_REL(nn_params(n2)[0], W0 + lr, 1e-5);   /* g_W < 0 → W grows by η */
            CHECK_REL(nn_params(n2)[1], B0 + lr, 1e-5);   /* g_b < 0 → b grows by η */
            nn_net_free(n2);
        }
    }
    nn_net_free(net);
}

/* ---- weight decay, clipping, Flooding ---------------------------------------------------- */

static void test_weight_decay(void) {
    nn_spec s = tiny_spec(NN_OPT_SGD);
    s.weight_decay = 0.5f;
    nn_net *net = start(&s, X, T, ROWS, 2, W0, B0);
    if (!net)
        return;
    const double lr = s.opt.lr, lambda = s.weight_decay;
    double w = W0, b = B0, gw, gb, L;
    for (int k = 0; k < 2; k++) {
        grad(w, b, &gw, &gb, &L);
        const double want_loss = L + 0.5 * lambda * w * w;   /* λ/2·W², b not included */
        w -= lr * (gw + lambda * w);                          /* grad += λW on W only */
        b -= lr * gb;                                         /* no decay on the bias */
        const nn_progress p = step(net);
        CHECK_REL(nn_params(net)[0], w, TOL);
        CHECK_REL(nn_params(net)[1], b, TOL);
        CHECK_REL(p.batch_loss, want_loss, TOL);
        CHECK_REL(p.loss, want_loss, TOL);      /* one batch per epoch: the epoch mean */
    }
    nn_net_free(net);

    /* a bias alone is never decayed: with W = 0 and a perfect fit of b the step is zero */
    {
        static const float x1[1] = {3.0f}, t1[1] = {0.75f};
        nn_net *n2 = start(&s, x1, t1, 1, 1, 0.0f, 0.75f);
        if (n2) {
            const nn_progress p = step(n2);
            CHECK(nn_params(n2)[0] == 0.0f);
            CHECK(nn_params(n2)[1] == 0.75f);
            CHECK(p.batch_loss == 0.0);
            nn_net_free(n2);
        }
    }
}

/* clip_norm below the norm scales the whole vector (g_W, g_b) to that norm */
static void test_clipping(void) {
    double gw, gb;
    grad(W0, B0, &gw, &gb, NULL);
    const double norm = sqrt(gw * gw + gb * gb);      /* √(0.125² + 0.25²) ≈ 0.2795 */
    const double lr = 0.1;

    /* clip to 0.1 < norm: direction kept, length 0.1 */
    {
        nn_spec s = tiny_spec(NN_OPT_SGD);
        s.clip_norm = 0.1f;
        nn_net *net = start(&s, X, T, ROWS, 1, W0, B0);
        if (net) {
            const double c = s.clip_norm, k = c / norm;
            step(net);
            CHECK_REL(nn_params(net)[0], W0 - lr * k * gw, TOL);
            CHECK_REL(nn_params(net)[1], B0 - lr * k * gb, TOL);
            const double gn = hypot(nn_grads(net)[0], nn_grads(net)[1]);
            CHECK_REL(gn, c, TOL);                      /* the kept gradient is the clipped one */
            CHECK_REL(nn_grads(net)[0] / nn_grads(net)[1], gw / gb, TOL);  /* same direction */
            nn_net_free(net);
        }
    }
    /* clip to 1 > norm: unchanged */
    {
        nn_spec s = tiny_spec(NN_OPT_SGD);
        s.clip_norm = 1.0f;
        nn_net *net = start(&s, X, T, ROWS, 1, W0, B0);
        if (net) {
            step(net);
            CHECK_REL(nn_params(net)[0], W0 - lr * gw, TOL);
            CHECK_REL(nn_params(net)[1], B0 - lr * gb, TOL);
            nn_net_free(net);
        }
    }
    /* with weight decay the clipped vector is the full gradient (g_W + λW, g_b) */
    {
        nn_spec s = tiny_spec(NN_OPT_SGD);
        s.weight_decay = 0.5f;
        s.clip_norm = 0.1f;
        nn_net *net = start(&s, X, T, ROWS, 1, W0, B0);
        if (net) {
            const double dw = gw + (double)s.weight_decay * W0;     /* 0.125 */
            const double n2 = sqrt(dw * dw + gb * gb), k = (double)s.clip_norm / n2;
            step(net);
            CHECK_REL(nn_params(net)[0], W0 - lr * k * dw, TOL);
            CHECK_REL(nn_params(net)[1], B0 - lr * k * gb, TOL);
            nn_net_free(net);
        }
    }
}

/* Flooding at level b: objective |L − b| + b, so below b the step goes uphill */
static void test_flooding(void) {
    double gw, gb, L;
    grad(W0, B0, &gw, &gb, &L);                        /* L = 0.03125 */
    const double lr = 0.1;

    /* b = 0.01 < L: plain SGD, loss reported as L */
    {
        nn_spec s = tiny_spec(NN_OPT_SGD);
        s.flood = 0.01f;
        nn_net *net = start(&s, X, T, ROWS, 1, W0, B0);
        if (net) {
            const nn_progress p = step(net);
            CHECK_REL(nn_params(net)[0], W0 - lr * gw, TOL);
            CHECK_REL(nn_params(net)[1], B0 - lr * gb, TOL);
            CHECK_REL(p.batch_loss, L, TOL);
            nn_net_free(net);
        }
    }
    /* b = 0.05 > L: gradient ascent, loss reported as |L − b| + b = 2b − L */
    {
        nn_spec s = tiny_spec(NN_OPT_SGD);
        s.flood = 0.05f;
        nn_net *net = start(&s, X, T, ROWS, 2, W0, B0);
        if (net) {
            const double fb = s.flood;
            const nn_progress p = step(net);
            const double w1 = W0 + lr * gw, b1 = B0 + lr * gb;
            CHECK_REL(nn_params(net)[0], w1, TOL);
            CHECK_REL(nn_params(net)[1], b1, TOL);
            CHECK_REL(p.batch_loss, 2.0 * fb - L, TOL);
            /* the data loss went up, as Flooding intends */
            double g2w, g2b, L1;
            grad(w1, b1, &g2w, &g2b, &L1);
            CHECK(L1 > L);
            /* second step: still below b (L1 ≈ 0.0397 < 0.05), still uphill */
            const nn_progress q = step(net);
            CHECK(L1 < fb);
            CHECK_REL(nn_params(net)[0], w1 + lr * g2w, TOL);
            CHECK_REL(nn_params(net)[1], b1 + lr * g2b, TOL);
            CHECK_REL(q.batch_loss, 2.0 * fb - L1, TOL);
            nn_net_free(net);
        }
    }
    /* with weight decay the flooded quantity is data loss + λ/2·W², and the decay term's
     * gradient flips with it */
    {
        nn_spec s = tiny_spec(NN_OPT_SGD);
        s.weight_decay = 0.1f;
        s.flood = 0.1f;
        nn_net *net = start(&s, X, T, ROWS, 1, W0, B0);
        if (net) {
            const double lambda = s.weight_decay, fb = s.flood;
            const double obj = L + 0.5 * lambda * W0 * W0;    /* 0.04375 < 0.1 */
            const nn_progress p = step(net);
            CHECK(obj < fb);
            CHECK_REL(nn_params(net)[0], W0 + lr * (gw + lambda * W0), TOL);
            CHECK_REL(nn_params(net)[1], B0 + lr * gb, TOL);
            CHECK_REL(p.batch_loss, 2.0 * fb - obj, TOL);
            nn_net_free(net);
        }
    }
}

/* ---- learning-rate schedules --------------------------------------------------------------- */

#define SCHED_STEPS 9

/* Run SCHED_STEPS single-row SGD steps under the schedule; check every step's reported
 * learning rate against want[s] and the weights against SGD driven by want[]. */
static void run_schedule(const nn_schedule_spec *k, const double *want) {
    static const float x1[1] = {1.5f}, t1[1] = {2.0f};
    nn_spec s = tiny_spec(NN_OPT_SGD);
    s.opt.lr = 0.05f;
    s.schedule = *k;
    nn_net *net = start(&s, x1, t1, 1, SCHED_STEPS, 1.0f, 1.0f);
    if (!net)
        return;
    double w = 1.0, b = 1.0;     /* r = 0.5 at the start and shrinking: no sign change */
    for (int st = 0; st < SCHED_STEPS; st++) {
        const nn_progress p = step(net);
        const int before = check_failed;
        CHECK_INT(p.step, st + 1);
        CHECK_REL(p.lr, want[st], TOL);
        const double r = w * x1[0] + b - t1[0];
        w -= want[st] * r * x1[0];
        b -= want[st] * r;
        CHECK_REL(nn_params(net)[0], w, TOL);
        CHECK_REL(nn_params(net)[1], b, TOL);
        if (check_failed != before)
            printf("  (schedule %d, step %d)\n", (int)k->type, st);
    }
    nn_net_free(net);
}

static void test_schedules(void) {
    const double eta = 0.05f;   /* the f32 learning rate, as the spec stores it */
    double want[SCHED_STEPS];
    nn_schedule_spec k;

    /* constant: η at every step */
    memset(&k, 0, sizeof k);
    k.type = NN_SCHED_CONSTANT;
    for (int s = 0; s < SCHED_STEPS; s++)
        want[s] = eta;
    run_schedule(&k, want);

    /* step decay, step_size 3, γ 0.5: η, η, η, η/2, η/2, η/2, η/4, η/4, η/4 */
    k.type = NN_SCHED_STEP;
    k.step_size = 3;
    k.gamma = 0.5f;
    for (int s = 0; s < SCHED_STEPS; s++)
        want[s] = eta * (s < 3 ? 1.0 : s < 6 ? 0.5 : 0.25);
    run_schedule(&k, want);

    /* exponential, step_size 2, γ 0.25: η·0.25^(s/2) = η·0.5^s */
    k.type = NN_SCHED_EXPONENTIAL;
    k.step_size = 2;
    k.gamma = 0.25f;
    for (int s = 0; s < SCHED_STEPS; s++)
        want[s] = eta * ldexp(1.0, -s);
    run_schedule(&k, want);

    /* cosine, S = 4, η_min = 0.01: s = 0..4 give η_min + (η − η_min)·c with c = 1,
     * (1 + √½)/2, ½, (1 − √½)/2, 0; after S it stays at η_min */
    k.type = NN_SCHED_COSINE;
    k.step_size = 4;
    k.min_lr = 0.01f;
    {
        const double lo = 0.01f, h = sqrt(0.5);
        const double c[5] = {1.0, (1.0 + h) / 2.0, 0.5, (1.0 - h) / 2.0, 0.0};
        for (int s = 0; s < SCHED_STEPS; s++)
            want[s] = lo + (eta - lo) * c[s < 4 ? s : 4];
    }
    run_schedule(&k, want);

    /* cosine to zero, S = 6: spot values written out as numbers (python3:
     * 0.05*(1+math.cos(math.pi*s/6))/2) */
    k.step_size = 6;
    k.min_lr = 0.0f;
    {
        const double v[SCHED_STEPS] = {0.05, 0.04665063509461097, 0.0375, 0.025,
                                       0.0125, 0.003349364905389035, 0.0, 0.0, 0.0};
        for (int s = 0; s < SCHED_STEPS; s++)
            want[s] = v[s] * (eta / 0.05);      /* η is 0.05f, a hair off 0.05 */
    }
    /* the last steps have η = 0 exactly: compare absolutely there */
    {
        static const float x1[1] = {1.5f}, t1[1] = {2.0f};
        nn_spec s = tiny_spec(NN_OPT_SGD);
        s.opt.lr = 0.05f;
        s.schedule = k;
        nn_net *net = start(&s, x1, t1, 1, SCHED_STEPS, 1.0f, 1.0f);
        if (net) {
            for (int st = 0; st < SCHED_STEPS; st++) {
                const nn_progress p = step(net);
                if (want[st] == 0.0) {
                    CHECK(fabs((double)p.lr) <= 1e-12);
                } else {
                    CHECK_REL(p.lr, want[st], TOL);
                }
            }
            nn_net_free(net);
        }
    }
}

/* ---- spec checks --------------------------------------------------------------------------- */

/* nn_net_create must refuse s with NN_ERR_ARG, leave *out NULL, and name `part` */
static void refuse(const nn_spec *s, const char *part, int line) {
    nn_net *net = (nn_net *)&net;       /* not NULL, so we see it being cleared */
    nn_error err;
    memset(&err, 0, sizeof err);
    const int before = check_failed;
    CHECK_STATUS(nn_net_create(s, &net, &err), NN_ERR_ARG);
    CHECK(net == NULL);
    CHECK_MSG(err.message, part);
    if (check_failed != before) {
        printf("  (case at line %d)\n", line);
        if (net && net != (nn_net *)&net)
            nn_net_free(net);
    }
}
#define REFUSE(field_assignment, part)                                                       \
    do {                                                                                     \
        nn_spec s_ = base;                                                                   \
        s_.field_assignment;                                                                 \
        refuse(&s_, part, __LINE__);                                                         \
    } while (0)

static void test_spec_checks(void) {
    const nn_spec base = tiny_spec(NN_OPT_ADAM);
    {   /* the base spec itself is fine */
        nn_net *net = NULL;
        CHECK_STATUS(nn_net_create(&base, &net, NULL), NN_OK);
        nn_net_free(net);
    }
    /* the learning rate's message calls it "learning rate" */
    REFUSE(opt.lr = 0.0f, "learning rate");
    REFUSE(opt.lr = NAN, "learning rate");
    REFUSE(opt.lr = -1.0f, "learning rate");
    REFUSE(opt.lr = INFINITY, "learning rate");
    REFUSE(opt.momentum = 1.0f, "momentum");
    REFUSE(opt.momentum = -0.1f, "momentum");
    REFUSE(opt.rho = 1.0f, "rho");
    REFUSE(opt.beta1 = 1.0f, "beta1");
    REFUSE(opt.beta2 = 1.0f, "beta2");
    REFUSE(opt.eps = 0.0f, "eps");
    REFUSE(dropout = 1.0f, "dropout");
    REFUSE(opt.type = 99, "optimizer");
    REFUSE(opt.type = -1, "optimizer");
    REFUSE(weight_decay = -1.0f, "weight_decay");
    REFUSE(clip_norm = NAN, "clip_norm");
    REFUSE(clip_norm = -1.0f, "clip_norm");
    REFUSE(flood = -1.0f, "flood");
    REFUSE(flood = NAN, "flood");
    {
        nn_spec s = base;
        s.schedule.type = NN_SCHED_STEP;
        s.schedule.step_size = 0;
        s.schedule.gamma = 0.5f;
        refuse(&s, "step_size", __LINE__);
        s.schedule.step_size = 1;
        s.schedule.gamma = 0.0f;
        refuse(&s, "gamma", __LINE__);
        s.schedule.gamma = 1.5f;
        refuse(&s, "gamma", __LINE__);
        s.schedule.type = NN_SCHED_EXPONENTIAL;
        s.schedule.gamma = 0.0f;
        refuse(&s, "gamma", __LINE__);
        s.schedule.type = NN_SCHED_COSINE;
        s.schedule.step_size = 0;
        refuse(&s, "step_size", __LINE__);
        s.schedule.step_size = 10;
        s.schedule.min_lr = 1.0f;       /* above lr */
        refuse(&s, "min_lr", __LINE__);
        s.schedule.type = 99;
        refuse(&s, "schedule", __LINE__);
    }
    {   /* the boundaries that are allowed */
        nn_spec s = base;
        s.opt.momentum = 0.0f;
        s.dropout = 0.0f;
        s.flood = 0.0f;
        s.clip_norm = 0.0f;
        s.weight_decay = 0.0f;
        s.schedule.type = NN_SCHED_STEP;
        s.schedule.step_size = 1;
        s.schedule.gamma = 1.0f;
        nn_net *net = NULL;
        CHECK_STATUS(nn_net_create(&s, &net, NULL), NN_OK);
        nn_net_free(net);
    }
}

int main(void) {
    test_sgd();
    test_momentum();
    test_nesterov();
    test_adagrad();
    test_rmsprop();
    test_adam();
    test_weight_decay();
    test_clipping();
    test_flooding();
    test_schedules();
    test_spec_checks();
    printf("worst relative error: %.2f of its tolerance\n", worst_ratio);
    return check_report();
}
