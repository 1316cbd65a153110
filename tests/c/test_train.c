/*
 * test_train.c — the chunked training loop: reproducibility, progress numbers, chunking that
 * does not change results, byte inputs, call-order errors and argument checks.
 */
#include "check.h"
#include "nn_internal.h"

#include <stdlib.h>

enum { PER = 40, CLASSES = 3, ROWS = PER * CLASSES };

static float X[ROWS * 2];
static int32_t Y[ROWS];

static nn_spec spiral_spec(void) {
    nn_spec s = nn_spec_default();
    s.n_layers = 3;
    s.layers[0] = 2;
    s.layers[1] = 10;
    s.layers[2] = 3;
    s.activation = NN_ACT_TANH;
    s.dropout = 0.2f;           /* so the RNG takes part in every step */
    s.opt.type = NN_OPT_ADAM;
    s.opt.lr = 0.01f;
    return s;
}

/* train a fresh net for epochs with chunks of `chunk` steps; returns it (caller frees) */
static nn_net *train(const nn_spec *s, int epochs, int batch, int chunk, nn_progress *last) {
    nn_net *net = NULL;
    if (nn_net_create(s, &net, NULL) != NN_OK)
        return NULL;
    nn_data d = {X, NULL, Y, NULL, ROWS, 2};
    nn_fit_opts o = nn_fit_opts_default();
    o.epochs = epochs;
    o.batch_size = batch;
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    nn_progress p;
    memset(&p, 0, sizeof p);
    do {
        if (nn_fit_steps(net, chunk, &p) != NN_OK) {
            printf("  fit: %s\n", nn_net_last_error(net));
            break;
        }
    } while (!p.done);
    nn_fit_end(net);
    if (last)
        *last = p;
    return net;
}

static int same_params(nn_net *a, nn_net *b) {
    return a && b && nn_param_count(a) == nn_param_count(b) &&
           memcmp(nn_params(a), nn_params(b), nn_param_count(a) * sizeof(float)) == 0;
}

static void test_reproducible(void) {
    nn_spec s = spiral_spec();
    nn_progress pa, pb;
    nn_net *a = train(&s, 4, 16, 5, &pa), *b = train(&s, 4, 16, 5, &pb);
    CHECK(same_params(a, b));                       /* same seed: bit-identical */
    CHECK(pa.loss == pb.loss && pa.accuracy == pb.accuracy);
    nn_net *c = train(&s, 4, 16, 1, NULL), *d = train(&s, 4, 16, 1000, NULL);
    CHECK(same_params(a, c));                       /* chunk size changes nothing */
    CHECK(same_params(a, d));
    s.seed = 1234;
    nn_net *e = train(&s, 4, 16, 5, NULL);
    CHECK(!same_params(a, e));                      /* another seed: another run */
    nn_net_free(a);
    nn_net_free(b);
    nn_net_free(c);
    nn_net_free(d);
    nn_net_free(e);
}

/* 120 rows in batches of 50: 3 batches (50, 50, 20) per epoch; chunks stop at epoch ends */
static void test_progress(void) {
    nn_spec s = spiral_spec();
    nn_net *net = NULL;
    CHECK_STATUS(nn_net_create(&s, &net, NULL), NN_OK);
    if (!net)
        return;
    nn_data d = {X, NULL, Y, NULL, ROWS, 2};
    nn_fit_opts o = {2, 50, 1, 0, {0.0f, 0.0f, 0.0f, 0.0f}};
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    nn_progress p;
    CHECK_STATUS(nn_fit_steps(net, 2, &p), NN_OK);
    CHECK_INT(p.step, 2);
    CHECK_INT(p.batch, 2);
    CHECK_INT(p.epoch, 0);
    CHECK_INT(p.batches_per_epoch, 3);
    CHECK_INT(p.total_steps, 6);
    CHECK_INT(p.epoch_end, 0);
    CHECK(p.loss > 0 && p.accuracy >= 0 && p.accuracy <= 1);
    CHECK_NEAR(p.lr, 0.01, 1e-9);
    CHECK_STATUS(nn_fit_steps(net, 10, &p), NN_OK);  /* stops at the epoch end */
    CHECK_INT(p.step, 3);
    CHECK_INT(p.epoch, 1);
    CHECK_INT(p.batch, 0);
    CHECK_INT(p.epoch_end, 1);
    CHECK_INT(p.done, 0);
    CHECK_STATUS(nn_fit_steps(net, 10, &p), NN_OK);
    CHECK_INT(p.step, 6);
    CHECK_INT(p.done, 1);
    CHECK_STATUS(nn_fit_steps(net, 10, &p), NN_OK);  /* nothing left: no more steps */
    CHECK_INT(p.step, 6);
    nn_fit_end(net);
    nn_fit_end(net);                                 /* twice is fine */
    nn_net_free(net);
}

/* x_u8 rows read as value/255 train exactly like the same floats */
static void test_byte_inputs(void) {
    uint8_t xb[ROWS * 2];
    float xf[ROWS * 2];
    for (int i = 0; i < ROWS * 2; i++) {
        xb[i] = (uint8_t)((i * 37) % 256);
        xf[i] = (float)xb[i] / 255.0f;
    }
    nn_spec s = spiral_spec();
    nn_net *a = NULL, *b = NULL;
    nn_net_create(&s, &a, NULL);
    nn_net_create(&s, &b, NULL);
    if (!a || !b)
        return;
    nn_data da = {NULL, xb, Y, NULL, ROWS, 2}, db = {xf, NULL, Y, NULL, ROWS, 2};
    nn_fit_opts o = {2, 32, 1, 0, {0.0f, 0.0f, 0.0f, 0.0f}};
    nn_progress p;
    CHECK_STATUS(nn_fit_begin(a, &da, &o), NN_OK);
    CHECK_STATUS(nn_fit_begin(b, &db, &o), NN_OK);
    for (int k = 0; k < 3; k++) {
        nn_fit_steps(a, 100, &p);
        nn_fit_steps(b, 100, &p);
    }
    nn_fit_end(a);
    nn_fit_end(b);
    CHECK(same_params(a, b));
    double la, lb, aa, ab;
    CHECK_STATUS(nn_evaluate(a, &da, &la, &aa), NN_OK);
    CHECK_STATUS(nn_evaluate(b, &db, &lb, &ab), NN_OK);
    CHECK(la == lb && aa == ab);
    nn_net_free(a);
    nn_net_free(b);
}

static void test_call_order_and_args(void) {
    nn_spec s = spiral_spec();
    nn_net *net = NULL;
    nn_net_create(&s, &net, NULL);
    if (!net)
        return;
    nn_progress p;
    nn_data d = {X, NULL, Y, NULL, ROWS, 2};
    CHECK_STATUS(nn_fit_steps(net, 1, &p), NN_ERR_STATE);
    CHECK_MSG(nn_net_last_error(net), "nn_fit_begin");
    nn_fit_opts o = {1, 10, 1, 1, {0.0f, 0.0f, 0.0f, 0.0f}};
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_ERR_STATE);  /* resume with nothing to resume */
    CHECK_MSG(nn_net_last_error(net), "resume");
    o.resume = 0;
    o.epochs = 0;
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "epochs");
    o.epochs = 1;
    o.batch_size = -3;
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "batch_size");
    o.batch_size = 10;
    nn_data bad = d;
    bad.cols = 3;
    CHECK_STATUS(nn_fit_begin(net, &bad, &o), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "3 columns");
    bad = d;
    bad.x_u8 = (const uint8_t *)X;
    CHECK_STATUS(nn_fit_begin(net, &bad, &o), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "exactly one of x and x_u8");
    bad = d;
    bad.labels = NULL;
    CHECK_STATUS(nn_fit_begin(net, &bad, &o), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "labels and targets");
    bad = d;
    bad.rows = 0;
    CHECK_STATUS(nn_fit_begin(net, &bad, &o), NN_ERR_ARG);
    CHECK_STATUS(nn_fit_begin(net, NULL, &o), NN_ERR_ARG);
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_ERR_STATE);  /* one session at a time */
    CHECK_STATUS(nn_fit_steps(net, 0, &p), NN_ERR_ARG);
    double worst;
    CHECK_STATUS(nn_grad_check(net, &d, 1e-2f, &worst), NN_ERR_STATE);
    /* evaluate and predict between chunks do not disturb the session */
    double loss, acc;
    CHECK_STATUS(nn_fit_steps(net, 2, &p), NN_OK);
    CHECK_STATUS(nn_evaluate(net, &d, &loss, &acc), NN_OK);
    nn_schedule_spec k = {NN_SCHED_STEP, 10, 0.5f, 0.0f};
    CHECK_STATUS(nn_net_set_schedule(net, &k), NN_ERR_STATE);   /* not mid-session */
    CHECK_STATUS(nn_fit_steps(net, 100, &p), NN_OK);
    CHECK_INT(p.done, 1);
    nn_fit_end(net);
    /* a new schedule between sessions: step decay halves η every 2 steps */
    k.step_size = 2;
    CHECK_STATUS(nn_net_set_schedule(net, &k), NN_OK);
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    CHECK_STATUS(nn_fit_steps(net, 5, &p), NN_OK);
    CHECK_NEAR(p.lr, 0.01 * 0.25, 1e-9);                        /* step 4: γ² */
    nn_fit_end(net);
    k.gamma = 2.0f;
    CHECK_STATUS(nn_net_set_schedule(net, &k), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "gamma");
    nn_spec now;
    nn_net_spec(net, &now);
    CHECK_NEAR(now.schedule.gamma, 0.5, 0);                     /* refused: unchanged */
    /* creation failures report through the out-parameter */
    nn_error e;
    nn_net *none = (nn_net *)&e;
    s.layers[1] = 0;
    CHECK_STATUS(nn_net_create(&s, &none, &e), NN_ERR_ARG);
    CHECK(none == NULL);
    CHECK_MSG(e.message, "layer 1: size 0");
    s = spiral_spec();
    s.n_layers = 1;
    CHECK_STATUS(nn_net_create(&s, &none, &e), NN_ERR_ARG);
    CHECK_MSG(e.message, "n_layers");
    s = spiral_spec();
    s.n_layers = 4;
    s.layers[1] = s.layers[2] = s.layers[3] = NN_MAX_UNITS;
    CHECK_STATUS(nn_net_create(&s, &none, &e), NN_ERR_ARG);  /* 8.6e9 parameters */
    CHECK_MSG(e.message, "parameters");
    s = spiral_spec();
    s.activation = 99;
    CHECK_STATUS(nn_net_create(&s, &none, &e), NN_ERR_ARG);
    CHECK_MSG(e.message, "activation 99");
    CHECK_STATUS(nn_net_create(NULL, &none, &e), NN_ERR_ARG);
    CHECK_STATUS(nn_net_create(&s, NULL, NULL), NN_ERR_ARG);
    nn_net_free(net);
    nn_net_free(NULL);
}

/* nn_spec_validate: the parameter count worked out by hand, and create's verdict */
static void test_spec_validate(void) {
    nn_spec s = nn_spec_default();
    s.n_layers = 4;
    s.layers[0] = 784;
    s.layers[1] = 100;
    s.layers[2] = 50;
    s.layers[3] = 10;
    size_t P = 0;
    nn_error e;
    CHECK_STATUS(nn_spec_validate(&s, &P, &e), NN_OK);
    CHECK_INT(P, 784 * 100 + 100 + 100 * 50 + 50 + 50 * 10 + 10);  /* 84060 */
    nn_net *net = NULL;
    CHECK_STATUS(nn_net_create(&s, &net, NULL), NN_OK);
    CHECK_INT(nn_param_count(net), P);
    nn_net_free(net);
    CHECK_STATUS(nn_spec_validate(&s, NULL, NULL), NN_OK);      /* both outputs optional */
    s.layers[2] = 100;
    CHECK_STATUS(nn_spec_validate(&s, &P, NULL), NN_OK);
    CHECK_INT(P, 89610);                                         /* 78500 + 10100 + 1010 */
    /* refused: what create refuses, with its message, and a count of 0 */
    s.layers[1] = 0;
    P = 7;
    CHECK_STATUS(nn_spec_validate(&s, &P, &e), NN_ERR_ARG);
    CHECK_MSG(e.message, "layer 1: size 0");
    CHECK_INT(P, 0);
    s.layers[1] = s.layers[2] = NN_MAX_UNITS;                    /* 785·65536 + 65537·65536 + 65537·10 */
    CHECK_STATUS(nn_spec_validate(&s, &P, &e), NN_ERR_ARG);
    CHECK_MSG(e.message, "4347133962 parameters are too many");
    CHECK_INT(P, 0);
}

/* 10,000 rounds of create → train → save → load → free and of creates and loads that fail:
 * under ASan/LeakSanitizer and valgrind (npm test runs both) any leak or overrun shows */
static void test_loops(void) {
    nn_spec s = spiral_spec();
    s.layers[1] = 4;
    nn_data d = {X, NULL, Y, NULL, 30, 2};
    nn_fit_opts o = {1, 8, 1, 0, {0.0f, 0.0f, 0.0f, 0.0f}};
    uint8_t file[4096];
    int ok = 1;
    for (int i = 0; i < 10000 && ok; i++) {
        nn_net *net = NULL, *back = NULL;
        s.seed = (uint32_t)i;
        ok &= nn_net_create(&s, &net, NULL) == NN_OK;
        ok &= nn_fit_begin(net, &d, &o) == NN_OK;
        nn_progress p;
        ok &= nn_fit_steps(net, 2, &p) == NN_OK;
        if (i & 1)
            nn_fit_end(net);   /* free also ends an open session */
        const size_t n = nn_model_size(net, i & 2);
        ok &= n <= sizeof file && nn_model_save(net, i & 2, file, sizeof file) == NN_OK;
        ok &= nn_model_load(file, n, &back, NULL) == NN_OK;
        file[n / 2] ^= 0x10;                    /* damaged: refused, nothing left behind */
        nn_net *none = NULL;
        ok &= nn_model_load(file, n, &none, NULL) != NN_OK && none == NULL;
        nn_net_free(back);
        nn_net_free(net);
        nn_spec bad = s;
        bad.opt.lr = -1;
        ok &= nn_net_create(&bad, &none, NULL) == NN_ERR_ARG;
    }
    CHECK(ok);
}

int main(void) {
    nn_spiral(PER, CLASSES, 3, X, Y, NULL);
    test_reproducible();
    test_progress();
    test_byte_inputs();
    test_call_order_and_args();
    test_spec_validate();
    test_loops();
    return check_report();
}
