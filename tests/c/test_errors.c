/*
 * test_errors.c — every failure of the C API, word for word, as docs/ERRORS.md lists it: each
 * nn_fail / nn_net_fail site in src/core is reached and its status and whole message compared
 * with the text written out here. The area tests check that a message names the problem (a
 * substring); this file pins the exact wording the document promises, and reaches the sites
 * the area tests leave out (allocation failures, rarely hit checks). One site cannot be reached
 * on a 64-bit host, "data of %d rows is too large"; tests/js/errors.test.js reaches it in wasm.
 *
 * Allocation failures are injected where the C library allows it: with glibc, and without a
 * sanitizer (which brings its own malloc), malloc and calloc below replace the library's and
 * fail the n-th call on request. Where they do not take effect (no glibc, a sanitizer, or
 * valgrind, which replaces them in turn) a probe notices and those checks are skipped.
 */
#include "check.h"
#include "le_bytes.h"
#include "nn_internal.h"
#include "nnwasm.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- allocation failures on request ---------------------------------------------------------- */

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define NN_HAVE_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define NN_HAVE_SANITIZER 1
#endif

#if defined(__GLIBC__) && !defined(NN_HAVE_SANITIZER)
#define NN_FAULTS 1
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t k, size_t n);
static int fail_in;     /* fail the fail_in-th allocation from now (1 = the next); 0 = none */
static int should_fail(void) { return fail_in > 0 && --fail_in == 0; }
void *malloc(size_t n) { return should_fail() ? NULL : __libc_malloc(n); }
void *calloc(size_t k, size_t n) { return should_fail() ? NULL : __libc_calloc(k, n); }
#else
#define NN_FAULTS 0
static int fail_in;
#endif

/* 1 when the malloc above is the one in use: it fails when asked to */
static int faults_work(void) {
    if (!NN_FAULTS)
        return 0;
    void *(*volatile m)(size_t) = malloc;   /* volatile: the call may not be folded away */
    fail_in = 1;
    void *p = m(16);
    fail_in = 0;
    free(p);
    return p == NULL;
}

/* ---- helpers ------------------------------------------------------------------------------- */

/* the whole message, not a part of it */
#define CHECK_TEXT(got, want)                                                                \
    do {                                                                                     \
        const char *g_ = (got), *w_ = (want);                                                \
        check_count++;                                                                       \
        if (!g_ || strcmp(g_, w_) != 0) {                                                    \
            check_failed++;                                                                  \
            printf("%s:%d: message\n  got  \"%s\"\n  want \"%s\"\n", __FILE__, __LINE__,     \
                   g_ ? g_ : "(null)", w_);                                                  \
        }                                                                                    \
    } while (0)

static nn_error err;

/* call must return status and leave exactly want in msg (err.message or the net's message);
 * err is cleared first so that a stale message cannot pass */
#define EXPECT(call, status, msg, want)                                                      \
    do {                                                                                     \
        memset(&err, 0, sizeof err);                                                         \
        CHECK_STATUS(call, status);                                                          \
        CHECK_TEXT(msg, want);                                                               \
    } while (0)

#define NET_EXPECT(net, call, status, want) EXPECT(call, status, nn_net_last_error(net), want)

/* 2 → 4 → 3 softmax, the spiral's shape */
static nn_spec spiral_spec(void) {
    nn_spec s = nn_spec_default();
    s.n_layers = 3;
    s.layers[0] = 2;
    s.layers[1] = 4;
    s.layers[2] = 3;
    return s;
}

static nn_net *make(const nn_spec *s) {
    nn_net *net = NULL;
    CHECK_STATUS(nn_net_create(s, &net, &err), NN_OK);
    if (!net)
        printf("  create: %s\n", err.message);
    return net;
}

enum { PER = 10, CLASSES = 3, ROWS = PER * CLASSES };
static float X[ROWS * 2];
static int32_t Y[ROWS];

/* steps until the session has taken `step` steps (fit_steps stops at every epoch end) */
static void advance_to(nn_net *net, int64_t step) {
    nn_progress p;
    memset(&p, 0, sizeof p);
    for (int guard = 0; p.step < step && guard < 1000; guard++)
        if (nn_fit_steps(net, (int32_t)(step - p.step), &p) != NN_OK)
            break;
    CHECK_INT(p.step, step);
}

/* ---- status names -------------------------------------------------------------------------- */

static void test_status_names(void) {
    static const char *const names[] = {
        "ok", "invalid argument", "out of memory", "malformed data",
        "unsupported format version", "checksum mismatch", "call not allowed in this state",
        "non-finite value in training", "data truncated", "wrong magic number",
        "output buffer too small",
    };
    for (int s = 0; s <= NN_ERR_CAPACITY; s++)
        CHECK_TEXT(nn_status_str(s), names[s]);
    CHECK_TEXT(nn_status_str(11), "unknown status");
    CHECK_TEXT(nn_status_str(-1), "unknown status");
    CHECK_TEXT(nn_net_last_error(NULL), "net is NULL");
}

/* ---- nn_net_create: the spec ----------------------------------------------------------------- */

/* nn_net_create must refuse the base spec after `edit` with NN_ERR_ARG, exactly `want`, and a
 * NULL net; nn_spec_validate must give the same verdict and a parameter count of 0 */
#define SPEC_REFUSED(edit, want)                                                             \
    do {                                                                                     \
        nn_spec s_ = base;                                                                   \
        edit;                                                                                \
        nn_net *n_ = (nn_net *)&s_;                                                          \
        EXPECT(nn_net_create(&s_, &n_, &err), NN_ERR_ARG, err.message, want);                \
        CHECK(n_ == NULL);                                                                   \
        size_t p_ = 1;                                                                       \
        EXPECT(nn_spec_validate(&s_, &p_, &err), NN_ERR_ARG, err.message, want);             \
        CHECK_INT(p_, 0);                                                                    \
    } while (0)

static void test_spec_messages(void) {
    const nn_spec base = spiral_spec();
    nn_net *out = (nn_net *)&out;
    EXPECT(nn_net_create(NULL, &out, &err), NN_ERR_ARG, err.message, "spec is NULL");
    CHECK(out == NULL);
    EXPECT(nn_net_create(&base, NULL, &err), NN_ERR_ARG, err.message, "out is NULL");
    EXPECT(nn_spec_validate(NULL, NULL, &err), NN_ERR_ARG, err.message, "spec is NULL");

    SPEC_REFUSED(s_.n_layers = 1,
                 "n_layers is 1; it must be 2..16 (input and output included)");
    SPEC_REFUSED(s_.n_layers = 17,
                 "n_layers is 17; it must be 2..16 (input and output included)");
    SPEC_REFUSED(s_.layers[1] = 0, "layer 1: size 0 is not allowed (1..65536)");
    SPEC_REFUSED(s_.layers[2] = 65537, "layer 2: size 65537 is not allowed (1..65536)");
    SPEC_REFUSED((s_.n_layers = 4, s_.layers[1] = s_.layers[2] = 65536, s_.layers[3] = 2),
                 "4295360514 parameters are too many (at most 268435456)");
    SPEC_REFUSED(s_.activation = 13, "activation 13 is unknown");    /* NN_ACT_COUNT */
    CHECK_INT(NN_ACT_COUNT, 13);
    SPEC_REFUSED(s_.activation = -1, "activation -1 is unknown");
    SPEC_REFUSED(s_.output = 3, "output 3 is unknown");
    SPEC_REFUSED(s_.loss = 2, "loss 2 is unknown");
    SPEC_REFUSED(s_.init = 3, "init 3 is unknown");
    SPEC_REFUSED(s_.layers[2] = 1, "softmax output needs at least 2 outputs, got 1");
    SPEC_REFUSED(s_.output = NN_OUT_IDENTITY,
                 "cross-entropy loss needs a softmax or sigmoid output");
    SPEC_REFUSED(s_.init_std = 0.0f, "init_std 0 must be finite and > 0");
    SPEC_REFUSED(s_.init_std = NAN, "init_std nan must be finite and > 0");
    SPEC_REFUSED(s_.leaky_slope = 1.5f, "leaky_slope 1.5 must be in [-1, 1]");
    SPEC_REFUSED(s_.hswish_n = -2.0f, "hswish_n -2 must be finite and > 0");
    SPEC_REFUSED(s_.weight_decay = -0.5f, "weight_decay -0.5 must be finite and >= 0");
    SPEC_REFUSED(s_.clip_norm = INFINITY, "clip_norm inf must be finite and >= 0 (0 = off)");
    SPEC_REFUSED(s_.dropout = 1.0f, "dropout 1 must be in [0, 1)");
    SPEC_REFUSED(s_.flood = -1.0f, "flood -1 must be finite and >= 0 (0 = off)");
    SPEC_REFUSED(s_.opt.type = 6, "optimizer 6 is unknown");
    SPEC_REFUSED(s_.opt.lr = 0.0f, "learning rate 0 must be finite and > 0");
    SPEC_REFUSED(s_.opt.lr = INFINITY, "learning rate inf must be finite and > 0");
    SPEC_REFUSED(s_.opt.momentum = 1.0f, "momentum 1 must be in [0, 1)");
    SPEC_REFUSED(s_.opt.rho = -0.25f, "rho -0.25 must be in [0, 1)");
    SPEC_REFUSED(s_.opt.beta1 = 1.0f, "beta1 1 must be in [0, 1)");
    SPEC_REFUSED(s_.opt.beta2 = NAN, "beta2 nan must be in [0, 1)");
    SPEC_REFUSED(s_.opt.eps = 0.0f, "eps 0 must be finite and > 0");
    SPEC_REFUSED(s_.schedule.type = 4, "schedule 4 is unknown");
    SPEC_REFUSED((s_.schedule.type = NN_SCHED_STEP, s_.schedule.step_size = 0),
                 "schedule step_size 0 must be >= 1");
    SPEC_REFUSED((s_.schedule.type = NN_SCHED_EXPONENTIAL, s_.schedule.step_size = 5,
                  s_.schedule.gamma = 1.5f),
                 "schedule gamma 1.5 must be in (0, 1]");
    SPEC_REFUSED((s_.schedule.type = NN_SCHED_COSINE, s_.schedule.step_size = 5,
                  s_.schedule.min_lr = 0.5f),
                 "schedule min_lr 0.5 must be in [0, lr]");
}

/* ---- nn_net_set_schedule ------------------------------------------------------------------------ */

static void test_schedule_messages(void) {
    nn_spec s = spiral_spec();
    nn_net *net = make(&s);
    if (!net)
        return;
    nn_schedule_spec k = {NN_SCHED_STEP, 2, 0.5f, 0.0f};
    CHECK_STATUS(nn_net_set_schedule(NULL, &k), NN_ERR_ARG);
    NET_EXPECT(net, nn_net_set_schedule(net, NULL), NN_ERR_ARG, "schedule is NULL");
    k.gamma = 2.0f;     /* the spec check's message, as it is */
    NET_EXPECT(net, nn_net_set_schedule(net, &k), NN_ERR_ARG, "schedule gamma 2 must be in (0, 1]");
    k.gamma = 0.5f;
    nn_data d = {X, NULL, Y, NULL, ROWS, 2};
    CHECK_STATUS(nn_fit_begin(net, &d, NULL), NN_OK);
    NET_EXPECT(net, nn_net_set_schedule(net, &k), NN_ERR_STATE,
               "the schedule cannot change during a fit session");
    nn_fit_end(net);
    CHECK_STATUS(nn_net_set_schedule(net, &k), NN_OK);
    nn_net_free(net);
}

/* ---- data checks (nn_fit_begin, nn_evaluate, nn_predict, nn_grad_check) ------------------------- */

static void test_data_messages(void) {
    nn_spec s = spiral_spec();
    nn_net *net = make(&s);
    if (!net)
        return;
    static const uint8_t bytes[ROWS * 2];
    double loss, acc;
    const nn_data good = {X, NULL, Y, NULL, ROWS, 2};
    nn_data d;

    NET_EXPECT(net, nn_fit_begin(net, NULL, NULL), NN_ERR_ARG, "data is NULL");
    NET_EXPECT(net, nn_evaluate(net, NULL, &loss, &acc), NN_ERR_ARG, "data is NULL");
    d = good;
    d.x_u8 = bytes;
    NET_EXPECT(net, nn_fit_begin(net, &d, NULL), NN_ERR_ARG,
               "data needs exactly one of x and x_u8");
    d = good;
    d.x = NULL;
    NET_EXPECT(net, nn_evaluate(net, &d, &loss, &acc), NN_ERR_ARG,
               "data needs exactly one of x and x_u8");
    float out[ROWS * 3];
    NET_EXPECT(net, nn_predict(net, NULL, 2, out, 6), NN_ERR_ARG, "x is NULL");
    d = good;
    d.labels = NULL;
    NET_EXPECT(net, nn_fit_begin(net, &d, NULL), NN_ERR_ARG,
               "data needs exactly one of labels and targets");
    float T[ROWS * 3];
    memset(T, 0, sizeof T);
    d = good;
    d.targets = T;
    NET_EXPECT(net, nn_evaluate(net, &d, &loss, &acc), NN_ERR_ARG,
               "data needs exactly one of labels and targets");
    d = good;
    d.rows = 0;
    NET_EXPECT(net, nn_fit_begin(net, &d, NULL), NN_ERR_ARG,
               "data has 0 rows; at least 1 is needed");
    NET_EXPECT(net, nn_predict(net, X, -2, out, 6), NN_ERR_ARG,
               "data has -2 rows; at least 1 is needed");
    d = good;
    d.cols = 3;
    NET_EXPECT(net, nn_fit_begin(net, &d, NULL), NN_ERR_ARG,
               "data has 3 columns but the net has 2 inputs");

    float xb[ROWS * 2];
    memcpy(xb, X, sizeof xb);
    xb[4 * 2 + 1] = NAN;
    d = good;
    d.x = xb;
    NET_EXPECT(net, nn_fit_begin(net, &d, NULL), NN_ERR_ARG, "input row 4 column 1 is nan");
    xb[4 * 2 + 1] = 0.0f;
    xb[2 * 2 + 0] = -INFINITY;
    NET_EXPECT(net, nn_predict(net, xb, ROWS, out, sizeof out / sizeof *out), NN_ERR_ARG,
               "input row 2 column 0 is -inf");

    int32_t yb[ROWS];
    memcpy(yb, Y, sizeof yb);
    yb[5] = 3;
    d = good;
    d.labels = yb;
    NET_EXPECT(net, nn_evaluate(net, &d, &loss, &acc), NN_ERR_ARG,
               "label 3 of row 5 is out of range 0..2");
    yb[5] = -1;
    NET_EXPECT(net, nn_fit_begin(net, &d, NULL), NN_ERR_ARG,
               "label -1 of row 5 is out of range 0..2");

    T[2 * 3 + 0] = INFINITY;
    d = good;
    d.labels = NULL;
    d.targets = T;
    NET_EXPECT(net, nn_fit_begin(net, &d, NULL), NN_ERR_ARG, "target row 2 column 0 is inf");
    nn_net_free(net);

    /* one sigmoid output: labels 0 and 1 */
    s.layers[2] = 1;
    s.output = NN_OUT_SIGMOID;
    net = make(&s);
    if (!net)
        return;
    memcpy(yb, Y, sizeof yb);   /* the spiral's labels go up to 2 */
    d = good;
    d.labels = yb;
    NET_EXPECT(net, nn_evaluate(net, &d, &loss, &acc), NN_ERR_ARG,
               "label 2 of row 20 is out of range 0..1");
    nn_net_free(net);
}

/* ---- training --------------------------------------------------------------------------------- */

/* a 1 → 1 identity net with MSE, parameters (w, b), one row, ready to step */
static nn_net *diverging(float lr, float x, float w) {
    nn_spec s = nn_spec_default();
    s.n_layers = 2;
    s.layers[0] = 1;
    s.layers[1] = 1;
    s.output = NN_OUT_IDENTITY;
    s.loss = NN_LOSS_MSE;
    s.opt.lr = lr;
    nn_net *net = make(&s);
    if (!net)
        return NULL;
    nn_params(net)[0] = w;
    nn_params(net)[1] = 0.0f;
    static float xs[1], ts[1];
    xs[0] = x;
    ts[0] = 0.0f;
    const nn_data d = {xs, NULL, NULL, ts, 1, 1};
    const nn_fit_opts o = {10, 1, 0, 0, {0.0f, 0.0f, 0.0f, 0.0f}};
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    return net;
}

static void test_training_messages(void) {
    nn_spec s = spiral_spec();
    nn_net *net = make(&s);
    if (!net)
        return;
    const nn_data d = {X, NULL, Y, NULL, ROWS, 2};
    nn_fit_opts o = {3, 4, 1, 0, {0.0f, 0.0f, 0.0f, 0.0f}};
    nn_progress p;

    CHECK_STATUS(nn_fit_begin(NULL, &d, &o), NN_ERR_ARG);
    CHECK_STATUS(nn_fit_steps(NULL, 1, &p), NN_ERR_ARG);
    NET_EXPECT(net, nn_fit_steps(net, 1, &p), NN_ERR_STATE,
               "no fit session is open (call nn_fit_begin)");
    o.epochs = 0;
    NET_EXPECT(net, nn_fit_begin(net, &d, &o), NN_ERR_ARG, "epochs is 0; it must be >= 1");
    o.epochs = 3;
    o.batch_size = -3;
    NET_EXPECT(net, nn_fit_begin(net, &d, &o), NN_ERR_ARG, "batch_size is -3; it must be >= 1");
    o.batch_size = 4;
    o.resume = 1;
    NET_EXPECT(net, nn_fit_begin(net, &d, &o), NN_ERR_STATE,
               "resume asked, but the net holds no unfinished session (load a checkpoint)");
    o.resume = 0;
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    NET_EXPECT(net, nn_fit_begin(net, &d, &o), NN_ERR_STATE,
               "a fit session is already open; end it first");
    NET_EXPECT(net, nn_fit_steps(net, 0, &p), NN_ERR_ARG, "max_steps is 0; it must be >= 1");
    double worst;
    NET_EXPECT(net, nn_grad_check(net, &d, 1e-2f, &worst), NN_ERR_STATE,
               "gradient check during a fit session");

    /* 2 of 3 epochs and 2 batches done, then ended: a pending session resume may continue */
    advance_to(net, 18);
    nn_fit_end(net);
    o.resume = 1;
    o.batch_size = 5;
    NET_EXPECT(net, nn_fit_begin(net, &d, &o), NN_ERR_STATE,
               "resume needs the session's data and options: 30 rows, batch 4, shuffle 1; "
               "got 30 rows, batch 5, shuffle 1");
    o.batch_size = 4;
    nn_data fewer = d;
    fewer.rows = 20;
    o.shuffle = 0;
    NET_EXPECT(net, nn_fit_begin(net, &fewer, &o), NN_ERR_STATE,
               "resume needs the session's data and options: 30 rows, batch 4, shuffle 1; "
               "got 20 rows, batch 4, shuffle 0");
    o.shuffle = 1;
    o.epochs = 1;
    NET_EXPECT(net, nn_fit_begin(net, &d, &o), NN_ERR_ARG,
               "epochs 1 is fewer than the 2 already done");
    o.epochs = 3;
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);     /* still resumable after the refusals */
    nn_net_free(net);

    /* a workspace beyond 2^28 floats: 1100 rows of a 1 → 65536 → 2 net need 262152 each */
    nn_spec w = nn_spec_default();
    w.n_layers = 3;
    w.layers[0] = 1;
    w.layers[1] = 65536;
    w.layers[2] = 2;
    net = make(&w);
    if (net) {
        enum { WR = 1100 };
        static float wx[WR];
        static int32_t wy[WR];
        const nn_data wd = {wx, NULL, wy, NULL, WR, 1};
        const nn_fit_opts wo = {1, WR, 0, 0, {0.0f, 0.0f, 0.0f, 0.0f}};
        NET_EXPECT(net, nn_fit_begin(net, &wd, &wo), NN_ERR_NOMEM,
                   "a workspace of 1100 rows would need 288367200 floats");
        nn_net_free(net);
    }

    /* non-finite steps: the loss (W·x = 6e38 overflows), the gradient (x·y = 1e40 does), the
     * weights (lr 1e30: step 1 gives W = −5e29, step 2 overflows the update) */
    net = diverging(0.01f, 3e38f, 2.0f);
    if (net) {
        NET_EXPECT(net, nn_fit_steps(net, 5, &p), NN_ERR_NONFINITE,
                   "the loss became non-finite at epoch 1, batch 1 (step 1); the weights of "
                   "the last good step are kept");
        nn_net_free(net);
    }
    net = diverging(0.01f, 1e20f, 1.0f);
    if (net) {
        NET_EXPECT(net, nn_fit_steps(net, 5, &p), NN_ERR_NONFINITE,
                   "the gradient became non-finite at epoch 1, batch 1 (step 1); the weights "
                   "of the last good step are kept");
        nn_net_free(net);
    }
    net = diverging(1e30f, 1.0f, 0.5f);
    if (net) {
        CHECK_STATUS(nn_fit_steps(net, 1, &p), NN_OK);
        NET_EXPECT(net, nn_fit_steps(net, 5, &p), NN_ERR_NONFINITE,
                   "the weights became non-finite at epoch 2, batch 1 (step 2); the weights "
                   "of the last good step are kept");
        NET_EXPECT(net, nn_fit_steps(net, 1, &p), NN_ERR_STATE,
                   "no fit session is open (call nn_fit_begin)");
        nn_net_free(net);
    }
}

/* ---- inference ---------------------------------------------------------------------------------- */

static void test_inference_messages(void) {
    nn_spec s = spiral_spec();
    nn_net *net = make(&s);
    if (!net)
        return;
    float out[6];
    double loss, acc;
    const nn_data d = {X, NULL, Y, NULL, ROWS, 2};
    CHECK_STATUS(nn_predict(NULL, X, 2, out, 6), NN_ERR_ARG);
    CHECK_STATUS(nn_evaluate(NULL, &d, &loss, &acc), NN_ERR_ARG);
    NET_EXPECT(net, nn_predict(net, X, 2, NULL, 6), NN_ERR_ARG, "out is NULL");
    NET_EXPECT(net, nn_predict(net, X, 2, out, 5), NN_ERR_CAPACITY,
               "out holds 5 floats; 2 rows need 6");
    CHECK_STATUS(nn_predict(net, X, 2, out, 6), NN_OK);
    CHECK_STATUS(nn_evaluate(net, &d, NULL, NULL), NN_OK);
    nn_net_free(net);
}

/* ---- gradient check ------------------------------------------------------------------------------ */

static void test_gradcheck_messages(void) {
    nn_spec s = spiral_spec();
    nn_net *net = make(&s);
    if (!net)
        return;
    const nn_data d = {X, NULL, Y, NULL, 6, 2};
    double worst;
    CHECK_STATUS(nn_grad_check(NULL, &d, 1e-2f, &worst), NN_ERR_ARG);
    NET_EXPECT(net, nn_grad_check(net, &d, 0.0f, &worst), NN_ERR_ARG,
               "step h 0 must be finite and > 0");
    NET_EXPECT(net, nn_grad_check(net, &d, NAN, &worst), NN_ERR_ARG,
               "step h nan must be finite and > 0");
    NET_EXPECT(net, nn_grad_check(net, &d, 1e-2f, NULL), NN_ERR_ARG, "worst is NULL");
    NET_EXPECT(net, nn_grad_check(net, NULL, 1e-2f, &worst), NN_ERR_ARG,
               "data is NULL or empty");
    nn_data e = d;
    e.rows = 0;
    NET_EXPECT(net, nn_grad_check(net, &e, 1e-2f, &worst), NN_ERR_ARG, "data is NULL or empty");
    e.rows = 6;
    e.cols = 5;     /* the data checks of nn_evaluate follow */
    NET_EXPECT(net, nn_grad_check(net, &e, 1e-2f, &worst), NN_ERR_ARG,
               "data has 5 columns but the net has 2 inputs");
    CHECK_STATUS(nn_grad_check(net, &d, 1e-2f, &worst), NN_OK);
    nn_net_free(net);
}

/* ---- model files: save --------------------------------------------------------------------------- */

/* the 2 → 3 → 2 net of docs/FORMAT.md's examples: 17 parameters, a 200-byte model */
static nn_spec file_spec(int opt) {
    nn_spec s = nn_spec_default();
    s.n_layers = 3;
    s.layers[0] = 2;
    s.layers[1] = 3;
    s.layers[2] = 2;
    s.opt.type = opt;
    return s;
}

static void test_save_messages(void) {
    nn_spec s = file_spec(NN_OPT_SGD);
    nn_net *net = make(&s);
    if (!net)
        return;
    CHECK_INT(nn_model_size(net, 0), 200);
    CHECK_INT(nn_model_size(net, 1), 332);
    uint8_t buf[332];
    CHECK_STATUS(nn_model_save(NULL, 0, buf, sizeof buf), NN_ERR_ARG);
    NET_EXPECT(net, nn_model_save(net, 0, NULL, 200), NN_ERR_ARG, "dst is NULL");
    NET_EXPECT(net, nn_model_save(net, 0, buf, 199), NN_ERR_CAPACITY,
               "dst holds 199 bytes; the model needs 200");
    NET_EXPECT(net, nn_model_save(net, 1, buf, 200), NN_ERR_CAPACITY,
               "dst holds 200 bytes; the checkpoint needs 332");
    nn_net_free(net);
}

/* ---- model files: load --------------------------------------------------------------------------- */

/* byte offsets in a file of a 3-layer net (docs/FORMAT.md) */
enum {
    OFF_VERSION = 4, OFF_KIND = 8, OFF_NLAYERS = 12, OFF_SIZES = 16, OFF_ACT = 28, OFF_OPT = 76,
    OFF_P = 120, OFF_PARAMS = 128, CURSOR = 92,
};

/* load must fail with status and exactly want, and leave *out NULL */
#define LOAD_FAILS(buf, len, status, want)                                                   \
    do {                                                                                     \
        nn_net *o_ = (nn_net *)&o_;                                                          \
        EXPECT(nn_model_load(buf, len, &o_, &err), status, err.message, want);               \
        CHECK(o_ == NULL);                                                                   \
    } while (0)

static void test_load_messages(void) {
    nn_spec s = file_spec(NN_OPT_SGD);
    nn_net *net = make(&s);
    if (!net)
        return;
    enum { LEN = 200 };
    uint8_t good[LEN], buf[LEN + 1];
    CHECK_STATUS(nn_model_save(net, 0, good, LEN), NN_OK);
    nn_net_free(net);
    nn_net *out = (nn_net *)&out;

    EXPECT(nn_model_load(NULL, LEN, &out, &err), NN_ERR_ARG, err.message, "src is NULL");
    CHECK(out == NULL);
    EXPECT(nn_model_load(good, LEN, NULL, &err), NN_ERR_ARG, err.message, "out is NULL");

    LOAD_FAILS(good, 5, NN_ERR_TRUNCATED, "the file is 5 bytes but the header needs 12");
    LOAD_FAILS(good, 13, NN_ERR_TRUNCATED, "the file is 13 bytes but n_layers needs 16");
    LOAD_FAILS(good, 20, NN_ERR_TRUNCATED, "the file is 20 bytes but the spec needs 128");
    LOAD_FAILS(good, LEN - 1, NN_ERR_TRUNCATED, "the file is 199 bytes but its header needs 200");

    memcpy(buf, good, LEN);
    buf[0] = 'X';
    LOAD_FAILS(buf, LEN, NN_ERR_MAGIC,
               "the file starts with 58 4e 57 4d, not \"NNWM\"; it is not an nnwasm model");
    memcpy(buf, good, LEN);
    put32(buf + OFF_VERSION, 3);
    LOAD_FAILS(buf, LEN, NN_ERR_VERSION,
               "format version 3 is newer than this library reads (2); update nnwasm");
    put32(buf + OFF_VERSION, 0);
    LOAD_FAILS(buf, LEN, NN_ERR_VERSION, "format version 0 does not exist (this library reads 1..2)");
    memcpy(buf, good, LEN);
    put32(buf + OFF_KIND, 2);
    LOAD_FAILS(buf, LEN, NN_ERR_FORMAT, "kind 2 is unknown (0 = model, 1 = checkpoint)");
    memcpy(buf, good, LEN);
    put32(buf + OFF_NLAYERS, 1);
    LOAD_FAILS(buf, LEN, NN_ERR_FORMAT, "n_layers is 1; it must be 2..16");
    put32(buf + OFF_NLAYERS, 0xFFFFFFFFu);
    LOAD_FAILS(buf, LEN, NN_ERR_FORMAT, "n_layers is 4294967295; it must be 2..16");
    memcpy(buf, good, LEN);
    put64(buf + OFF_P, 1000);
    LOAD_FAILS(buf, LEN, NN_ERR_TRUNCATED,
               "the file is 200 bytes but announces 1000 parameters (1 floats each)");
    memcpy(buf, good, LEN);
    buf[LEN] = 0;
    LOAD_FAILS(buf, LEN + 1, NN_ERR_FORMAT,
               "the file is 201 bytes; its header announces 200 (1 extra bytes)");

    memcpy(buf, good, LEN);
    buf[OFF_PARAMS + 5] ^= 0x10;
    char want[128];
    snprintf(want, sizeof want, "checksum %08x does not match the contents (%08x); the file is "
             "damaged", (unsigned)get32(buf + LEN - 4), (unsigned)nn_crc32(0, buf, LEN - 4));
    LOAD_FAILS(buf, LEN, NN_ERR_CHECKSUM, want);

    /* the spec is checked as nn_net_create checks it, with NN_ERR_FORMAT */
    memcpy(buf, good, LEN);
    put32(buf + OFF_ACT, 99);
    reseal(buf, LEN);
    LOAD_FAILS(buf, LEN, NN_ERR_FORMAT, "activation 99 is unknown");
    memcpy(buf, good, LEN);
    put32(buf + OFF_OPT, 77);
    reseal(buf, LEN);
    LOAD_FAILS(buf, LEN, NN_ERR_FORMAT, "optimizer 77 is unknown");
    memcpy(buf, good, LEN);
    put32(buf + OFF_SIZES + 4, 4);      /* 2-4-2 needs 22 parameters, the file holds 17 */
    reseal(buf, LEN);
    LOAD_FAILS(buf, LEN, NN_ERR_FORMAT,
               "the file holds 17 parameters but its layer sizes need 22");
    memcpy(buf, good, LEN);
    putf32(buf + OFF_PARAMS + 4 * 3, NAN);
    reseal(buf, LEN);
    LOAD_FAILS(buf, LEN, NN_ERR_FORMAT, "parameter 3 is nan; parameters must be finite");
    memcpy(buf, good, LEN);
    putf32(buf + OFF_PARAMS + 4 * 16, -INFINITY);
    reseal(buf, LEN);
    LOAD_FAILS(buf, LEN, NN_ERR_FORMAT, "parameter 16 is -inf; parameters must be finite");
    nn_net *back = NULL;
    CHECK_STATUS(nn_model_load(good, LEN, &back, NULL), NN_OK);
    nn_net_free(back);
}

/* a checkpoint of a 2 → 8 → 3 Adam net 10 steps into a session of 3 epochs of 30 rows in
 * batches of 4 (8 batches per epoch): epoch 1, batch 2, seen 8 */
static void test_checkpoint_messages(void) {
    nn_spec s = file_spec(NN_OPT_ADAM);
    s.layers[1] = 8;
    s.layers[2] = 3;
    nn_net *net = make(&s);
    if (!net)
        return;
    const nn_data d = {X, NULL, Y, NULL, ROWS, 2};
    const nn_fit_opts o = {3, 4, 1, 0, {0.0f, 0.0f, 0.0f, 0.0f}};
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    advance_to(net, 10);
    /* P = 51: params 128..332, t, 102 state floats from 340, generators at 748 and 764, the
     * cursor at 780, the CRC at 872 */
    enum { LEN = 876, STATE = 340, RNG = 748, SHUFFLE_RNG = 764, CUR = LEN - 4 - CURSOR };
    CHECK_INT(nn_model_size(net, 1), LEN);
    uint8_t good[LEN], buf[LEN];
    CHECK_STATUS(nn_model_save(net, 1, good, LEN), NN_OK);
    nn_net_free(net);

#define BAD(edit, want)                                                                      \
    do {                                                                                     \
        memcpy(buf, good, LEN);                                                              \
        edit;                                                                                \
        reseal(buf, LEN);                                                                    \
        LOAD_FAILS(buf, LEN, NN_ERR_FORMAT, want);                                           \
    } while (0)
    BAD(put32(buf + CUR + 0, 2), "has_session is 2; it must be 0 or 1");
    BAD(put32(buf + CUR + 0, 0),
        "has_session is 0 but byte 4 of the session cursor is 30, not 0");
    BAD(put32(buf + CUR + 4, 0), "session rows is 0; it must be >= 1");
    BAD(put32(buf + CUR + 8, 31), "session batch_size is 31; it must be 1..30 (rows)");
    BAD(put32(buf + CUR + 12, 0), "session epochs is 0; it must be >= 1");
    BAD(put32(buf + CUR + 16, 2), "session shuffle is 2; it must be 0 or 1");
    BAD(put32(buf + CUR + 20, 3),
        "session epoch is 3; an unfinished session of 3 epochs needs 0..2");
    BAD(put32(buf + CUR + 24, 8),
        "session batch is 8; it must be 0..7 (30 rows in batches of 4)");
    BAD(put64(buf + CUR + 28, 11), "session step is 11; epoch 1, batch 2 of 8 means 10");
    BAD(put64(buf + CUR + 52, 9), "session seen is 9 rows; 2 full batches of 4 are 8");
    BAD(put64(buf + CUR + 44, 9), "session correct is 9; it must be 0..8 (seen)");
    BAD((putf64(buf + CUR + 36, NAN), putf64(buf + CUR + 60, 1.5)),
        "session loss_sum nan and last_loss 1.5 must be finite");
    BAD(putf64(buf + CUR + 68, 2.0), "session last_accuracy 2 must be in [0, 1]");
    BAD(put64(buf + CUR + 84, 2), "session shuffle_rng_epoch inc 0x2 must be odd");
    BAD((put64(buf + RNG + 8, 4), put64(buf + SHUFFLE_RNG + 8, 6)),
        "generator increments 0x4 and 0x6 must be odd");
    BAD(putf32(buf + STATE + 4 * 5, INFINITY),
        "optimizer state value 5 is inf; it must be finite");
#undef BAD
    /* a checkpoint's optimizer sizes its state, so it is checked before the length */
    memcpy(buf, good, LEN);
    put32(buf + OFF_OPT, 77);
    LOAD_FAILS(buf, LEN, NN_ERR_FORMAT, "optimizer 77 is unknown");
}

/* ---- IDX ------------------------------------------------------------------------------------------ */

static void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

enum { IMG_LEN = 16 + 12, LAB_LEN = 8 + 3 };

/* 3 images of 2 × 2 */
static void images(uint8_t *buf) {
    put_be32(buf, 2051);
    put_be32(buf + 4, 3);
    put_be32(buf + 8, 2);
    put_be32(buf + 12, 2);
    for (int i = 0; i < 12; i++)
        buf[16 + i] = (uint8_t)(i * 20);
}

/* 3 labels */
static void labels(uint8_t *buf) {
    put_be32(buf, 2049);
    put_be32(buf + 4, 3);
    buf[8] = 1;
    buf[9] = 2;
    buf[10] = 0;
}

static void test_idx_messages(void) {
    uint8_t img[IMG_LEN + 1], lab[LAB_LEN];
    nn_idx_info info;
    float dst[12];
    int32_t ldst[3];
    images(img);
    labels(lab);

    EXPECT(nn_idx_parse(NULL, IMG_LEN, &info, &err), NN_ERR_ARG, err.message,
           "idx: buffer is NULL");
    EXPECT(nn_idx_parse(img, IMG_LEN, NULL, &err), NN_ERR_ARG, err.message, "idx: info is NULL");
    EXPECT(nn_idx_parse(img, 0, &info, &err), NN_ERR_ARG, err.message,
           "idx: buffer is empty (length 0)");
    EXPECT(nn_idx_parse(img, 3, &info, &err), NN_ERR_TRUNCATED, err.message,
           "idx: 3 bytes is shorter than the 4-byte magic number");
    EXPECT(nn_idx_parse(img, 15, &info, &err), NN_ERR_TRUNCATED, err.message,
           "idx: the image header needs 16 bytes, buffer has 15");
    EXPECT(nn_idx_parse(lab, 7, &info, &err), NN_ERR_TRUNCATED, err.message,
           "idx: the label header needs 8 bytes, buffer has 7");
    EXPECT(nn_idx_parse(img, IMG_LEN - 1, &info, &err), NN_ERR_TRUNCATED, err.message,
           "idx: 3 items of 4 bytes need 12 data bytes, only 11 present");
    img[IMG_LEN] = 0;
    EXPECT(nn_idx_parse(img, IMG_LEN + 1, &info, &err), NN_ERR_FORMAT, err.message,
           "idx: 1 trailing bytes after the 12 data bytes announced");

    put_be32(img, 1234);
    EXPECT(nn_idx_parse(img, IMG_LEN, &info, &err), NN_ERR_MAGIC, err.message,
           "idx: magic 1234 (0x000004d2) is neither 2051 (images) nor 2049 (labels)");
    images(img);
    put_be32(img + 4, 0);
    EXPECT(nn_idx_parse(img, IMG_LEN, &info, &err), NN_ERR_FORMAT, err.message,
           "idx: count 0 is not in 1..2147483647");
    images(img);
    put_be32(img + 8, 0x80000000u);
    EXPECT(nn_idx_parse(img, IMG_LEN, &info, &err), NN_ERR_FORMAT, err.message,
           "idx: rows 2147483648 is not in 1..2147483647");
    images(img);
    put_be32(img + 12, 0);
    EXPECT(nn_idx_parse(img, IMG_LEN, &info, &err), NN_ERR_FORMAT, err.message,
           "idx: cols 0 is not in 1..2147483647");
    images(img);
    put_be32(img + 8, 65536);
    put_be32(img + 12, 65536);
    EXPECT(nn_idx_parse(img, IMG_LEN, &info, &err), NN_ERR_FORMAT, err.message,
           "idx: an image of 65536x65536 pixels is too large");
    images(img);
    put_be32(img + 4, 65536);
    put_be32(img + 8, 256);
    put_be32(img + 12, 256);
    EXPECT(nn_idx_parse(img, IMG_LEN, &info, &err), NN_ERR_FORMAT, err.message,
           "idx: 65536 items of 65536 bytes make 4294967296 bytes, more than 2147483647");
    images(img);

    EXPECT(nn_idx_images(lab, LAB_LEN, dst, 12, &err), NN_ERR_FORMAT, err.message,
           "idx: this is a label file (magic 2049), not an image file (2051)");
    EXPECT(nn_idx_images(img, IMG_LEN, NULL, 12, &err), NN_ERR_ARG, err.message,
           "idx: destination is NULL");
    EXPECT(nn_idx_images(img, IMG_LEN, dst, 11, &err), NN_ERR_CAPACITY, err.message,
           "idx: 3 images of 2x2 need 12 floats, capacity is 11");
    EXPECT(nn_idx_labels(img, IMG_LEN, ldst, 3, &err), NN_ERR_FORMAT, err.message,
           "idx: this is an image file (magic 2051), not a label file (2049)");
    EXPECT(nn_idx_labels(lab, LAB_LEN, NULL, 3, &err), NN_ERR_ARG, err.message,
           "idx: destination is NULL");
    EXPECT(nn_idx_labels(lab, LAB_LEN, ldst, 2, &err), NN_ERR_CAPACITY, err.message,
           "idx: 3 labels, capacity is 2");
    EXPECT(nn_idx_labels(lab, LAB_LEN - 1, ldst, 3, &err), NN_ERR_TRUNCATED, err.message,
           "idx: 3 items of 1 bytes need 3 data bytes, only 2 present");
}

/* ---- spiral and min-max --------------------------------------------------------------------------- */

static void test_spiral_messages(void) {
    float x[8];
    int32_t y[4];
    EXPECT(nn_spiral(0, 2, 1, x, y, &err), NN_ERR_ARG, err.message,
           "spiral: points per class 0 must be at least 1");
    EXPECT(nn_spiral(2, -1, 1, x, y, &err), NN_ERR_ARG, err.message,
           "spiral: classes -1 must be at least 1");
    EXPECT(nn_spiral(5000001, 2, 1, x, y, &err), NN_ERR_ARG, err.message,
           "spiral: 5000001 points per class x 2 classes = 10000002 rows, more than 10000000");
    EXPECT(nn_spiral(2, 2, 1, NULL, y, &err), NN_ERR_ARG, err.message,
           "spiral: x output is NULL");
    EXPECT(nn_spiral(2, 2, 1, x, NULL, &err), NN_ERR_ARG, err.message,
           "spiral: labels output is NULL");
}

static void test_minmax_messages(void) {
    float x[6] = {1, 2, 3, 4, 5, 6};
    float lo[3] = {0, 0, 0}, hi[3] = {1, 1, 1};
    EXPECT(nn_minmax_fit(NULL, 2, 3, lo, hi, &err), NN_ERR_ARG, err.message, "minmax: x is NULL");
    EXPECT(nn_minmax_fit(x, 2, 3, NULL, hi, &err), NN_ERR_ARG, err.message,
           "minmax: min is NULL");
    EXPECT(nn_minmax_apply(x, 2, 3, lo, NULL, &err), NN_ERR_ARG, err.message,
           "minmax: max is NULL");
    EXPECT(nn_minmax_fit(x, 0, 3, lo, hi, &err), NN_ERR_ARG, err.message,
           "minmax: shape (0, 3) must have rows and cols > 0");
    EXPECT(nn_minmax_apply(x, 2, -1, lo, hi, &err), NN_ERR_ARG, err.message,
           "minmax: shape (2, -1) must have rows and cols > 0");
    EXPECT(nn_minmax_fit(x, 100000, 100000, lo, hi, &err), NN_ERR_ARG, err.message,
           "minmax: 100000 x 100000 = 10000000000 values, more than 2147483647");
    x[5] = NAN;
    EXPECT(nn_minmax_fit(x, 2, 3, lo, hi, &err), NN_ERR_ARG, err.message,
           "minmax: x at row 1, column 2 is nan");
    EXPECT(nn_minmax_apply(x, 2, 3, lo, hi, &err), NN_ERR_ARG, err.message,
           "minmax: x at row 1, column 2 is nan");
    x[5] = 6;
    lo[1] = NAN;
    EXPECT(nn_minmax_apply(x, 2, 3, lo, hi, &err), NN_ERR_ARG, err.message,
           "minmax: column 1 has min nan and max 1, both must be finite");
    lo[1] = 0;
    lo[0] = 2;
    EXPECT(nn_minmax_apply(x, 2, 3, lo, hi, &err), NN_ERR_ARG, err.message,
           "minmax: column 0 has min 2 above max 1");
}

/* ---- allocation failures ---------------------------------------------------------------------------- */

static void test_nomem_messages(void) {
    if (!faults_work()) {
        printf("note: allocation failures not injected here (glibc's malloc is not ours)\n");
        return;
    }
    nn_spec s = spiral_spec();     /* 2 → 4 → 3: 27 parameters */
    nn_net *net = (nn_net *)&net;
    fail_in = 1;                    /* the net itself */
    EXPECT(nn_net_create(&s, &net, &err), NN_ERR_NOMEM, err.message,
           "out of memory for the network");
    CHECK(net == NULL);
    for (int k = 2; k <= 5; k++) {  /* params, grads, backup, transposed-weight scratch */
        fail_in = k;
        EXPECT(nn_net_create(&s, &net, &err), NN_ERR_NOMEM, err.message,
               "out of memory for 27 parameters");
        CHECK(net == NULL);
    }
    fail_in = 0;
    net = make(&s);
    if (!net)
        return;
    const nn_data d = {X, NULL, Y, NULL, ROWS, 2};
    const nn_fit_opts o = {1, 10, 1, 0, {0.0f, 0.0f, 0.0f, 0.0f}};
    fail_in = 1;                    /* the epoch's permutation */
    NET_EXPECT(net, nn_fit_begin(net, &d, &o), NN_ERR_NOMEM, "out of memory for 30 rows");
    fail_in = 2;                    /* the workspace, after the permutation */
    NET_EXPECT(net, nn_fit_begin(net, &d, &o), NN_ERR_NOMEM,
               "out of memory for a workspace of 10 rows");
    fail_in = 1;                    /* predict's workspace */
    float out[6];
    NET_EXPECT(net, nn_predict(net, X, 2, out, 6), NN_ERR_NOMEM,
               "out of memory for a workspace of 2 rows");
    double worst;
    CHECK_STATUS(nn_evaluate(net, &d, NULL, NULL), NN_OK);    /* sizes the workspace */
    fail_in = 1;                    /* the copy of the analytic gradient */
    NET_EXPECT(net, nn_grad_check(net, &d, 1e-2f, &worst), NN_ERR_NOMEM,
               "out of memory for 27 gradients");
    fail_in = 0;
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);  /* nothing was left half-done */
    nn_net_free(net);
}

int main(void) {
    nn_spiral(PER, CLASSES, 3, X, Y, NULL);
    test_status_names();
    test_spec_messages();
    test_schedule_messages();
    test_data_messages();
    test_training_messages();
    test_inference_messages();
    test_gradcheck_messages();
    test_save_messages();
    test_load_messages();
    test_checkpoint_messages();
    test_idx_messages();
    test_spiral_messages();
    test_minmax_messages();
    test_nomem_messages();
    return check_report();
}
