/*
 * test_model_io.c — model files (docs/FORMAT.md): sizes and header bytes worked out by hand,
 * save → load → save round trips bit for bit, every kind of damaged file rejected with its
 * own status, checkpoints that resume a training session bit-identically, and loops that
 * let ASan see leaks.
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

/* ---- the layout, written out from docs/FORMAT.md ----------------------------------------- */

#define HEADER 12           /* magic, version, kind */
#define SPEC_TAIL 92        /* 23 four-byte fields after the layer sizes */
#define CURSOR 92           /* has_session .. shuffle_rng_epoch */
#define CRC 4

/* offsets in a file of a 3-layer net (2-3-2 or 2-8-3) */
#define OFF_VERSION 4
#define OFF_KIND 8
#define OFF_NLAYERS 12
#define OFF_SIZES 16
#define OFF_ACT 28
#define OFF_SEED 72
#define OFF_OPT 76
#define OFF_P 120
#define OFF_PARAMS 128

/* cursor fields, relative to the start of the cursor (len − CRC − CURSOR) */
#define CUR_HAS 0
#define CUR_ROWS 4
#define CUR_BATCH_SIZE 8
#define CUR_EPOCHS 12
#define CUR_SHUFFLE 16
#define CUR_EPOCH 20
#define CUR_BATCH 24
#define CUR_STEP 28
#define CUR_SEEN 52
#define CUR_LAST_ACC 68
#define CUR_RNG_INC 84

/* ---- helpers ------------------------------------------------------------------------------ */

/* a 2-3-2 net with a few non-default values, so every spec field has something to carry */
static nn_spec small_spec(int opt) {
    nn_spec s = nn_spec_default();
    s.n_layers = 3;
    s.layers[0] = 2;
    s.layers[1] = 3;
    s.layers[2] = 2;
    s.activation = NN_ACT_LEAKY_RELU;
    s.leaky_slope = 0.03f;
    s.weight_decay = 1e-4f;
    s.clip_norm = 5.0f;
    s.flood = 0.01f;
    s.seed = 1234;
    s.opt.type = opt;
    s.opt.lr = 0.05f;
    s.schedule.type = NN_SCHED_STEP;
    s.schedule.step_size = 10;
    s.schedule.gamma = 0.9f;
    return s;
}

static nn_net *make_net(const nn_spec *s) {
    nn_net *net = NULL;
    nn_error err = {{0}};
    nn_status st = nn_net_create(s, &net, &err);
    CHECK_STATUS(st, NN_OK);
    if (st != NN_OK)
        printf("  create: %s\n", err.message);
    return net;
}

/* save into a fresh malloc'd buffer of exactly nn_model_size bytes */
static uint8_t *save(nn_net *net, int checkpoint, size_t *len) {
    *len = nn_model_size(net, checkpoint);
    uint8_t *buf = malloc(*len);
    CHECK(buf != NULL);
    CHECK_STATUS(nn_model_save(net, checkpoint, buf, *len), NN_OK);
    return buf;
}

static nn_net *load_ok(const uint8_t *buf, size_t len) {
    nn_net *net = NULL;
    nn_error err = {{0}};
    nn_status st = nn_model_load(buf, len, &net, &err);
    CHECK_STATUS(st, NN_OK);
    if (st != NN_OK)
        printf("  load: %s\n", err.message);
    return net;
}

/* load must fail with want, leave *out NULL and give a message containing part */
static void load_fails(const uint8_t *buf, size_t len, nn_status want, const char *part) {
    nn_net *net = (nn_net *)&net;   /* any non-NULL value: the loader must reset it */
    nn_error err = {{0}};
    CHECK_STATUS(nn_model_load(buf, len, &net, &err), want);
    CHECK(net == NULL);
    CHECK(err.message[0] != '\0');
    if (part)
        CHECK_MSG(err.message, part);
    if (net && net != (nn_net *)&net)
        nn_net_free(net);
}

static int same_bytes(const void *a, const void *b, size_t n) { return memcmp(a, b, n) == 0; }

/* ---- sizes and header bytes --------------------------------------------------------------- */

static void test_crc_reference(void) {
    const uint8_t nine[] = "123456789";
    CHECK_INT(crc32_ref(nine, 9), 0xCBF43926u);          /* the standard check value */
    CHECK_INT(nn_crc32(0, nine, 9), 0xCBF43926u);
    CHECK_INT(nn_crc32(nn_crc32(0, nine, 4), nine + 4, 5), 0xCBF43926u);
}

static void test_size_by_hand(void) {
    /* 2-3-2: P = (2 + 1)·3 + (3 + 1)·2 = 17 */
    const size_t P = 17;
    const size_t model = HEADER + 4 + 3 * 4 + SPEC_TAIL + 8 + 4 * P + CRC;
    CHECK_INT(model, 200);
    const size_t opts[3] = {NN_OPT_SGD, NN_OPT_MOMENTUM, NN_OPT_ADAM};
    const size_t n_state[3] = {0, 1, 2};
    for (int k = 0; k < 3; k++) {
        nn_spec s = small_spec((int)opts[k]);
        nn_net *net = make_net(&s);
        if (!net)
            return;
        CHECK_INT(nn_param_count(net), P);
        const size_t ckpt = model + 8 + 4 * n_state[k] * P + 16 + 16 + CURSOR;
        CHECK_INT(nn_model_size(net, 0), model);
        CHECK_INT(nn_model_size(net, 1), ckpt);
        CHECK_INT(nn_model_size(net, 7), ckpt);         /* any nonzero means checkpoint */
        size_t len;
        uint8_t *buf = save(net, 0, &len);
        free(buf);
        buf = save(net, 1, &len);
        free(buf);
        /* the exact size is enough: no byte past it is touched */
        uint8_t *big = malloc(ckpt + 8);
        memset(big, 0xAB, ckpt + 8);
        CHECK_STATUS(nn_model_save(net, 1, big, ckpt + 8), NN_OK);
        for (size_t i = ckpt; i < ckpt + 8; i++)
            CHECK_INT(big[i], 0xAB);
        free(big);
        nn_net_free(net);
    }
    CHECK_INT(nn_model_size(NULL, 0), 0);
}

static void test_header_bytes(void) {
    nn_spec s = small_spec(NN_OPT_SGD);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    size_t len;
    uint8_t *buf = save(net, 0, &len);
    CHECK(same_bytes(buf, "NNWM", 4));
    CHECK_INT(get32(buf + OFF_VERSION), 1);
    CHECK_INT(get32(buf + OFF_KIND), 0);
    CHECK_INT(get32(buf + OFF_NLAYERS), 3);
    CHECK_INT(get32(buf + OFF_SIZES), 2);
    CHECK_INT(get32(buf + OFF_SIZES + 4), 3);
    CHECK_INT(get32(buf + OFF_SIZES + 8), 2);
    CHECK_INT(get32(buf + OFF_ACT), NN_ACT_LEAKY_RELU);
    CHECK_INT(get32(buf + OFF_ACT + 4), NN_OUT_SOFTMAX);
    uint32_t slope;
    memcpy(&slope, &s.leaky_slope, 4);
    CHECK_INT(get32(buf + OFF_ACT + 20), slope);           /* init_std, then leaky_slope */
    CHECK_INT(get32(buf + OFF_SEED), 1234);
    CHECK_INT(get32(buf + OFF_OPT), NN_OPT_SGD);
    CHECK_INT(get32(buf + OFF_OPT + 28), NN_SCHED_STEP);   /* after type + 6 floats */
    CHECK_INT(get32(buf + OFF_OPT + 32), 10);              /* step_size */
    CHECK_INT(get64(buf + OFF_P), 17);
    /* parameters in nn_params order, f32 bits little-endian */
    const float *w = nn_params(net);
    for (size_t i = 0; i < 17; i++) {
        uint32_t bits;
        memcpy(&bits, &w[i], 4);
        CHECK_INT(get32(buf + OFF_PARAMS + 4 * i), bits);
    }
    CHECK_INT(OFF_PARAMS + 4 * 17 + CRC, len);
    CHECK_INT(get32(buf + len - CRC), crc32_ref(buf, len - CRC));
    free(buf);

    buf = save(net, 1, &len);
    CHECK_INT(get32(buf + OFF_KIND), 1);
    CHECK_INT(get64(buf + OFF_PARAMS + 4 * 17), 0);       /* t of a net never trained */
    const uint8_t *cur = buf + len - CRC - CURSOR;
    for (int i = 0; i < CURSOR; i++)                       /* no session: all zero */
        CHECK_INT(cur[i], 0);
    CHECK_INT(get32(buf + len - CRC), crc32_ref(buf, len - CRC));
    free(buf);
    nn_net_free(net);
}

/* ---- round trips -------------------------------------------------------------------------- */

static void roundtrip(int opt, int act, int checkpoint) {
    nn_spec s = small_spec(opt);
    s.activation = act;
    nn_net *a = make_net(&s);
    if (!a)
        return;
    size_t len;
    uint8_t *first = save(a, checkpoint, &len);
    uint8_t *again = save(a, checkpoint, &len);
    CHECK(same_bytes(first, again, len));                  /* saving changed nothing */
    nn_net *b = load_ok(first, len);
    if (b) {
        size_t len2;
        uint8_t *second = save(b, checkpoint, &len2);
        CHECK_INT(len2, len);
        CHECK(same_bytes(first, second, len));
        free(second);
        nn_spec sb;
        nn_net_spec(b, &sb);
        CHECK(same_bytes(&s, &sb, sizeof s));
        CHECK_INT(nn_param_count(b), nn_param_count(a));
        CHECK(same_bytes(nn_params(a), nn_params(b), nn_param_count(a) * sizeof(float)));
        const float x[6] = {0.5f, -1.0f, 2.0f, 0.25f, -0.75f, 0.0f};
        float ya[6], yb[6];
        CHECK_STATUS(nn_predict(a, x, 3, ya, 6), NN_OK);
        CHECK_STATUS(nn_predict(b, x, 3, yb, 6), NN_OK);
        CHECK(same_bytes(ya, yb, sizeof ya));
        CHECK(nn_net_last_error(b)[0] == '\0');
        nn_net_free(b);
    }
    free(first);
    free(again);
    nn_net_free(a);
}

static void test_roundtrip(void) {
    for (int opt = 0; opt < NN_OPT_COUNT; opt++) {
        roundtrip(opt, NN_ACT_LEAKY_RELU, 0);
        roundtrip(opt, NN_ACT_LEAKY_RELU, 1);
    }
    /* every activation is a valid index of a version-1 file, those added after the format
     * (elu .. softplus) included, and predicts the same once loaded */
    for (int act = 0; act < NN_ACT_COUNT; act++) {
        roundtrip(NN_OPT_ADAM, act, 0);
        roundtrip(NN_OPT_ADAM, act, 1);
    }
}

/* ---- damaged files ------------------------------------------------------------------------ */

static void test_truncated(void) {
    nn_spec s = small_spec(NN_OPT_ADAM);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    for (int checkpoint = 0; checkpoint < 2; checkpoint++) {
        size_t len;
        uint8_t *buf = save(net, checkpoint, &len);
        for (size_t n = 0; n < len; n++) {
            /* a copy of exactly n bytes, so ASan sees any read past the end */
            uint8_t *cut = malloc(n ? n : 1);
            memcpy(cut, buf, n);
            nn_net *out = (nn_net *)&out;
            nn_status st = nn_model_load(cut, n, &out, NULL);
            CHECK(st != NN_OK);
            CHECK(out == NULL);
            /* every field that decides the length is intact, so each prefix is "truncated" */
            if (st != NN_ERR_TRUNCATED)
                printf("  prefix %zu of %zu gave %d\n", n, len, (int)st);
            CHECK_STATUS(st, NN_ERR_TRUNCATED);
            free(cut);
        }
        load_fails(buf, 5, NN_ERR_TRUNCATED, "header");
        load_fails(buf, len - 1, NN_ERR_TRUNCATED, "needs");
        free(buf);
    }
    nn_net_free(net);
}

static void test_header_damage(void) {
    nn_spec s = small_spec(NN_OPT_SGD);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    size_t len;
    uint8_t *good = save(net, 0, &len);
    uint8_t *buf = malloc(len + 1);

    memcpy(buf, good, len);
    buf[0] = 'X';
    load_fails(buf, len, NN_ERR_MAGIC, "NNWM");
    memcpy(buf, "\x89PNG", 4);
    load_fails(buf, len, NN_ERR_MAGIC, "89 50 4e 47");

    memcpy(buf, good, len);
    put32(buf + OFF_VERSION, 2);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_VERSION, "newer");
    put32(buf + OFF_VERSION, 7);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_VERSION,
               "format version 7 is newer than this library reads (1); update nnwasm");
    put32(buf + OFF_VERSION, 0xFFFFFFFFu);
    load_fails(buf, len, NN_ERR_VERSION, "4294967295");
    put32(buf + OFF_VERSION, 0);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_VERSION, "version 0");

    memcpy(buf, good, len);
    put32(buf + OFF_KIND, 2);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "kind 2");
    put32(buf + OFF_KIND, 1);       /* a model read as a checkpoint ends too early */
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_TRUNCATED, NULL);

    memcpy(buf, good, len);         /* one byte too many: the length comes before the CRC */
    buf[len] = 0;
    load_fails(buf, len + 1, NN_ERR_FORMAT, "1 extra");

    free(buf);
    free(good);
    nn_net_free(net);
}

static void test_checksum(void) {
    nn_spec s = small_spec(NN_OPT_SGD);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    size_t len;
    uint8_t *good = save(net, 0, &len);
    uint8_t *buf = malloc(len);

    memcpy(buf, good, len);
    buf[OFF_PARAMS + 5] ^= 0x10;    /* one bit of the second parameter */
    load_fails(buf, len, NN_ERR_CHECKSUM, "checksum");
    memcpy(buf, good, len);
    buf[OFF_SEED] ^= 0x01;          /* the seed is covered too */
    load_fails(buf, len, NN_ERR_CHECKSUM, NULL);
    memcpy(buf, good, len);
    buf[len - 1] ^= 0x80;           /* and the stored CRC itself */
    load_fails(buf, len, NN_ERR_CHECKSUM, NULL);

    /* any single flipped bit anywhere is refused, whatever the reason */
    for (size_t i = 0; i < len; i++)
        for (int bit = 0; bit < 8; bit++) {
            memcpy(buf, good, len);
            buf[i] ^= (uint8_t)(1u << bit);
            nn_net *out = NULL;
            CHECK(nn_model_load(buf, len, &out, NULL) != NN_OK);
            CHECK(out == NULL);
        }
    free(buf);
    free(good);
    nn_net_free(net);
}

static void test_bad_contents(void) {
    nn_spec s = small_spec(NN_OPT_SGD);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    size_t len;
    uint8_t *good = save(net, 0, &len);
    uint8_t *buf = malloc(len);

    memcpy(buf, good, len);
    put32(buf + OFF_SIZES + 4, 0x7FFFFFFFu);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "2147483647");
    put32(buf + OFF_SIZES + 4, 0);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "size 0");

    memcpy(buf, good, len);         /* caught before the sizes are read: no CRC needed */
    put32(buf + OFF_NLAYERS, 1000);
    load_fails(buf, len, NN_ERR_FORMAT, "1000");
    put32(buf + OFF_NLAYERS, 0xFFFFFFFFu);
    load_fails(buf, len, NN_ERR_FORMAT, "4294967295");
    put32(buf + OFF_NLAYERS, 1);
    load_fails(buf, len, NN_ERR_FORMAT, "n_layers is 1");

    memcpy(buf, good, len);         /* a parameter count the file cannot hold */
    put64(buf + OFF_P, (uint64_t)1 << 62);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_TRUNCATED, "4611686018427387904");
    put64(buf + OFF_P, UINT64_MAX);
    load_fails(buf, len, NN_ERR_TRUNCATED, NULL);

    memcpy(buf, good, len);         /* sizes that disagree with P: 2-4-2 needs 22, not 17 */
    put32(buf + OFF_SIZES + 4, 4);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "22");

    memcpy(buf, good, len);
    put32(buf + OFF_ACT, 99);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "activation 99");
    memcpy(buf, good, len);
    put32(buf + OFF_OPT, 6);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "optimizer 6");
    memcpy(buf, good, len);
    putf32(buf + OFF_OPT + 4, -0.5f);                       /* learning rate */
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "learning rate");

    memcpy(buf, good, len);
    putf32(buf + OFF_PARAMS + 4 * 3, NAN);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "parameter 3");
    memcpy(buf, good, len);
    putf32(buf + OFF_PARAMS + 4 * 16, -INFINITY);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "parameter 16");

    free(buf);
    free(good);
    nn_net_free(net);
}

static void test_arguments(void) {
    nn_spec s = small_spec(NN_OPT_SGD);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    const size_t len = nn_model_size(net, 0);
    uint8_t *buf = malloc(len);
    CHECK_STATUS(nn_model_save(NULL, 0, buf, len), NN_ERR_ARG);
    CHECK_STATUS(nn_model_save(net, 0, NULL, len), NN_ERR_ARG);
    CHECK_MSG(nn_net_last_error(net), "dst");
    CHECK_STATUS(nn_model_save(net, 0, buf, len - 1), NN_ERR_CAPACITY);
    CHECK_MSG(nn_net_last_error(net), "199");
    CHECK_MSG(nn_net_last_error(net), "200");
    CHECK_STATUS(nn_model_save(net, 1, buf, len), NN_ERR_CAPACITY);
    CHECK_MSG(nn_net_last_error(net), "checkpoint");
    CHECK_STATUS(nn_model_save(net, 0, buf, 0), NN_ERR_CAPACITY);
    CHECK_STATUS(nn_model_save(net, 0, buf, len), NN_OK);

    nn_error err = {{0}};
    nn_net *out = (nn_net *)&out;
    CHECK_STATUS(nn_model_load(NULL, len, &out, &err), NN_ERR_ARG);
    CHECK(out == NULL);
    CHECK_MSG(err.message, "src");
    CHECK_STATUS(nn_model_load(buf, len, NULL, &err), NN_ERR_ARG);
    CHECK_MSG(err.message, "out");
    CHECK_STATUS(nn_model_load(buf, len, NULL, NULL), NN_ERR_ARG);
    out = load_ok(buf, len);        /* err may be NULL on success too */
    nn_net_free(out);
    free(buf);
    nn_net_free(net);
}

/* ---- checkpoints and resumed training ------------------------------------------------------ */

#define PER_CLASS 100
#define CLASSES 3
#define ROWS (PER_CLASS * CLASSES)
#define EPOCHS 5
#define BATCH 7
#define BATCHES ((ROWS + BATCH - 1) / BATCH)   /* 43 */
#define CHUNK 3

static float spiral_x[ROWS * 2];
static int32_t spiral_y[ROWS];

static nn_data spiral_data(void) {
    nn_data d;
    memset(&d, 0, sizeof d);
    d.x = spiral_x;
    d.labels = spiral_y;
    d.rows = ROWS;
    d.cols = 2;
    return d;
}

static nn_spec resume_spec(void) {
    nn_spec s = nn_spec_default();
    s.n_layers = 3;
    s.layers[0] = 2;
    s.layers[1] = 8;
    s.layers[2] = CLASSES;
    s.activation = NN_ACT_TANH;
    s.output = NN_OUT_SOFTMAX;
    s.loss = NN_LOSS_CROSS_ENTROPY;
    s.dropout = 0.2f;
    s.seed = 7;
    s.opt.type = NN_OPT_ADAM;
    s.opt.lr = 0.01f;
    return s;
}

static nn_fit_opts resume_opts(int resume) {
    nn_fit_opts o = nn_fit_opts_default();
    o.epochs = EPOCHS;
    o.batch_size = BATCH;
    o.shuffle = 1;
    o.resume = resume;
    return o;
}

/* run chunks of CHUNK steps until the session's step count reaches target */
static void advance(nn_net *net, int64_t from, int64_t target, nn_progress *p) {
    p->step = from;
    while (p->step < target) {
        const int64_t n = target - p->step < CHUNK ? target - p->step : CHUNK;
        nn_status st = nn_fit_steps(net, (int32_t)n, p);
        CHECK_STATUS(st, NN_OK);
        if (st != NN_OK)
            return;
    }
}

static void run_to_end(nn_net *net, nn_progress *p) {
    p->done = 0;
    while (!p->done) {
        nn_status st = nn_fit_steps(net, CHUNK, p);
        CHECK_STATUS(st, NN_OK);
        if (st != NN_OK)
            return;
    }
}

typedef struct {
    float params[64];
    size_t P;
    double loss, accuracy;
    int64_t step;
} result;

static void keep(nn_net *net, const nn_progress *p, result *r) {
    r->P = nn_param_count(net);
    memcpy(r->params, nn_params(net), r->P * sizeof(float));
    r->loss = p->loss;
    r->accuracy = p->accuracy;
    r->step = p->step;
}

static void same_result(const result *a, const result *b) {
    CHECK_INT(a->P, b->P);
    CHECK(same_bytes(a->params, b->params, a->P * sizeof(float)));
    CHECK(same_bytes(&a->loss, &b->loss, sizeof a->loss));
    CHECK(same_bytes(&a->accuracy, &b->accuracy, sizeof a->accuracy));
    CHECK_INT(a->step, b->step);
}

static result reference;

static void make_reference(void) {
    nn_error err = {{0}};
    if (nn_spiral(PER_CLASS, CLASSES, 3, spiral_x, spiral_y, &err) != NN_OK) {
        for (int i = 0; i < ROWS; i++) {        /* any fixed data will do */
            spiral_x[2 * i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
            spiral_x[2 * i + 1] = (float)((i * 53) % 97) / 48.0f - 1.0f;
            spiral_y[i] = i % CLASSES;
        }
    }
    nn_spec s = resume_spec();
    nn_net *net = make_net(&s);
    if (!net)
        return;
    const nn_data d = spiral_data();
    const nn_fit_opts o = resume_opts(0);
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    nn_progress p;
    memset(&p, 0, sizeof p);
    run_to_end(net, &p);
    CHECK_INT(p.step, (int64_t)EPOCHS * BATCHES);
    CHECK_INT(p.epoch, EPOCHS);
    nn_fit_end(net);
    keep(net, &p, &reference);
    nn_net_free(net);
}

/* load a checkpoint, resume it and run to the end: the result of the uninterrupted run */
static void resume_and_compare(const uint8_t *buf, size_t len, int64_t at) {
    nn_net *net = load_ok(buf, len);
    if (!net)
        return;
    const nn_data d = spiral_data();
    const nn_fit_opts o = resume_opts(1);
    nn_status st = nn_fit_begin(net, &d, &o);
    CHECK_STATUS(st, NN_OK);
    if (st == NN_OK) {
        nn_progress p;
        memset(&p, 0, sizeof p);
        p.step = at;
        run_to_end(net, &p);
        nn_fit_end(net);
        result r;
        keep(net, &p, &r);
        same_result(&r, &reference);
    } else {
        printf("  resume at %lld: %s\n", (long long)at, nn_net_last_error(net));
    }
    nn_net_free(net);
}

/* train to step `at` (mid-epoch, on an epoch boundary, or right after begin), save a
 * checkpoint while the session is open, then resume it in a new net */
static void test_resume_at(int64_t at) {
    nn_spec s = resume_spec();
    nn_net *net = make_net(&s);
    if (!net)
        return;
    const nn_data d = spiral_data();
    const nn_fit_opts o = resume_opts(0);
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    nn_progress p;
    advance(net, 0, at, &p);
    size_t len;
    uint8_t *buf = save(net, 1, &len);
    const uint8_t *cur = buf + len - CRC - CURSOR;
    CHECK_INT(get32(cur + CUR_HAS), 1);
    CHECK_INT(get32(cur + CUR_ROWS), ROWS);
    CHECK_INT(get32(cur + CUR_BATCH_SIZE), BATCH);
    CHECK_INT(get32(cur + CUR_EPOCHS), EPOCHS);
    CHECK_INT(get32(cur + CUR_SHUFFLE), 1);
    CHECK_INT(get32(cur + CUR_EPOCH), at / BATCHES);
    CHECK_INT(get32(cur + CUR_BATCH), at % BATCHES);
    CHECK_INT((int64_t)get64(cur + CUR_STEP), at);

    /* the saving net goes on undisturbed and ends like the reference */
    run_to_end(net, &p);
    result r;
    keep(net, &p, &r);
    same_result(&r, &reference);
    nn_net_free(net);

    resume_and_compare(buf, len, at);
    free(buf);
}

static void test_resume(void) {
    const int64_t points[] = {0, 1, 17, BATCHES - 1, BATCHES, BATCHES + 17, 3 * BATCHES + 5,
                              (int64_t)EPOCHS * BATCHES - 1};
    for (size_t i = 0; i < sizeof points / sizeof points[0]; i++)
        test_resume_at(points[i]);
}

/* two interruptions: save, load, resume, save again, load, resume */
static void test_resume_twice(void) {
    nn_spec s = resume_spec();
    nn_net *net = make_net(&s);
    if (!net)
        return;
    const nn_data d = spiral_data();
    nn_fit_opts o = resume_opts(0);
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    nn_progress p;
    advance(net, 0, 17, &p);
    size_t len;
    uint8_t *buf = save(net, 1, &len);
    nn_net_free(net);
    net = load_ok(buf, len);
    free(buf);
    if (!net)
        return;
    o.resume = 1;
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    advance(net, 17, 100, &p);
    buf = save(net, 1, &len);
    nn_net_free(net);
    resume_and_compare(buf, len, 100);
    free(buf);
}

/* nn_fit_end mid-session keeps the cursor: the checkpoint saved after it is the same file as
 * one saved while the session was open, and resumes the same way */
static void test_resume_after_end(void) {
    nn_spec s = resume_spec();
    nn_net *net = make_net(&s);
    if (!net)
        return;
    const nn_data d = spiral_data();
    nn_fit_opts o = resume_opts(0);
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    nn_progress p;
    advance(net, 0, 60, &p);
    size_t len, len2;
    uint8_t *open = save(net, 1, &len);
    nn_fit_end(net);
    uint8_t *ended = save(net, 1, &len2);
    CHECK_INT(len2, len);
    CHECK(same_bytes(open, ended, len));
    resume_and_compare(ended, len2, 60);

    /* the same net resumes in place as well */
    o.resume = 1;
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    run_to_end(net, &p);
    result r;
    keep(net, &p, &r);
    same_result(&r, &reference);

    /* a finished session leaves nothing to resume, open or ended: the cursor is saved empty */
    for (int ended_too = 0; ended_too < 2; ended_too++) {
        if (ended_too)
            nn_fit_end(net);
        free(ended);
        ended = save(net, 1, &len2);
        const uint8_t *cur = ended + len2 - CRC - CURSOR;
        for (int i = 0; i < CURSOR; i++)
            CHECK_INT(cur[i], 0);
    }
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_ERR_STATE);
    free(open);
    free(ended);
    nn_net_free(net);
}

static void test_resume_refused(void) {
    nn_spec s = resume_spec();
    nn_net *net = make_net(&s);
    if (!net)
        return;
    const nn_data d = spiral_data();
    nn_fit_opts o = resume_opts(0);
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    nn_progress p;
    advance(net, 0, 17, &p);
    size_t len, mlen;
    uint8_t *ckpt = save(net, 1, &len);
    uint8_t *model = save(net, 0, &mlen);

    /* another batch size */
    nn_net *b = load_ok(ckpt, len);
    if (b) {
        o = resume_opts(1);
        o.batch_size = BATCH + 1;
        CHECK_STATUS(nn_fit_begin(b, &d, &o), NN_ERR_STATE);
        CHECK_MSG(nn_net_last_error(b), "batch");
        o.batch_size = BATCH;       /* the refusal left the cursor for a correct resume */
        o.shuffle = 0;
        CHECK_STATUS(nn_fit_begin(b, &d, &o), NN_ERR_STATE);
        o.shuffle = 1;
        CHECK_STATUS(nn_fit_begin(b, &d, &o), NN_OK);
        nn_net_free(b);
    }
    /* a plain model has no session */
    b = load_ok(model, mlen);
    if (b) {
        o = resume_opts(1);
        CHECK_STATUS(nn_fit_begin(b, &d, &o), NN_ERR_STATE);
        nn_net_free(b);
    }
    free(ckpt);
    free(model);
    nn_net_free(net);
}

/* a loaded checkpoint is the net it was saved from: a fresh session (resume = 0) on either
 * ends the same; a loaded model starts from the spec's seed */
static void test_fresh_fit_on_checkpoint(void) {
    nn_spec s = resume_spec();
    nn_net *a = make_net(&s);
    if (!a)
        return;
    const nn_data d = spiral_data();
    nn_fit_opts o = resume_opts(0);
    o.epochs = 2;
    CHECK_STATUS(nn_fit_begin(a, &d, &o), NN_OK);
    nn_progress p;
    advance(a, 0, 30, &p);
    nn_fit_end(a);
    size_t len;
    uint8_t *buf = save(a, 1, &len);
    nn_net *b = load_ok(buf, len);
    free(buf);
    if (!b) {
        nn_net_free(a);
        return;
    }
    result ra, rb;
    nn_progress pa, pb;
    o.epochs = 1;
    CHECK_STATUS(nn_fit_begin(a, &d, &o), NN_OK);
    run_to_end(a, &pa);
    keep(a, &pa, &ra);
    CHECK_STATUS(nn_fit_begin(b, &d, &o), NN_OK);
    run_to_end(b, &pb);
    keep(b, &pb, &rb);
    CHECK_INT(pb.step, BATCHES);
    same_result(&ra, &rb);
    nn_fit_end(a);
    nn_fit_end(b);
    nn_net_free(a);
    nn_net_free(b);
}

/* what a load restores: a model starts fresh (t = 0, generators seeded from spec.seed, no
 * session); a checkpoint brings back t, state, both generators and the pending cursor */
static void test_load_restores(void) {
    nn_spec s = resume_spec();
    nn_net *a = make_net(&s);
    if (!a)
        return;
    const nn_data d = spiral_data();
    const nn_fit_opts o = resume_opts(0);
    CHECK_STATUS(nn_fit_begin(a, &d, &o), NN_OK);
    nn_progress p;
    advance(a, 0, 50, &p);
    size_t len, mlen;
    uint8_t *ckpt = save(a, 1, &len);
    uint8_t *model = save(a, 0, &mlen);

    nn_net *m = load_ok(model, mlen);
    if (m) {
        nn_rng r1, r2;
        nn_rng_seed(&r1, s.seed, 1);
        nn_rng_seed(&r2, s.seed, 2);
        CHECK_INT(m->t, 0);
        CHECK(same_bytes(&m->rng, &r1, sizeof r1));
        CHECK(same_bytes(&m->shuffle_rng, &r2, sizeof r2));
        CHECK(!m->fit.active && !m->fit.pending);
        for (size_t i = 0; i < 2 * m->P; i++)
            CHECK(m->state[i] == 0.0f);
        nn_net_free(m);
    }
    nn_net *c = load_ok(ckpt, len);
    if (c) {
        CHECK_INT(c->t, 50);
        CHECK_INT(a->t, 50);
        CHECK(same_bytes(c->state, a->state, 2 * a->P * sizeof(float)));
        CHECK(same_bytes(&c->rng, &a->rng, sizeof a->rng));
        CHECK(same_bytes(&c->shuffle_rng, &a->shuffle_rng, sizeof a->rng));
        const nn_session *f = &c->fit, *g = &a->fit;
        CHECK(!f->active && f->pending && f->perm == NULL);
        CHECK_INT(f->rows, g->rows);
        CHECK_INT(f->batch_size, g->batch_size);
        CHECK_INT(f->batches, g->batches);
        CHECK_INT(f->epochs, g->epochs);
        CHECK_INT(f->epoch, 1);
        CHECK_INT(f->batch, 50 - BATCHES);
        CHECK_INT(f->step, 50);
        CHECK_INT(f->seen, g->seen);
        CHECK_INT(f->correct, g->correct);
        CHECK(same_bytes(&f->loss_sum, &g->loss_sum, sizeof f->loss_sum));
        CHECK(same_bytes(&f->last_loss, &g->last_loss, sizeof f->last_loss));
        CHECK(same_bytes(&f->last_accuracy, &g->last_accuracy, sizeof f->last_accuracy));
        CHECK(same_bytes(&f->shuffle_rng_epoch, &g->shuffle_rng_epoch, sizeof(nn_rng)));
        CHECK_INT(f->opts.epochs, EPOCHS);
        CHECK_INT(f->opts.batch_size, BATCH);
        CHECK_INT(f->opts.shuffle, 1);
        CHECK_INT(f->opts.resume, 0);
        nn_net_free(c);
    }
    free(ckpt);
    free(model);
    nn_net_free(a);
}

/* a checkpoint's cursor and state are checked like everything else */
static void test_bad_checkpoint(void) {
    nn_spec s = resume_spec();
    nn_net *net = make_net(&s);
    if (!net)
        return;
    const nn_data d = spiral_data();
    const nn_fit_opts o = resume_opts(0);
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    nn_progress p;
    advance(net, 0, 17, &p);
    size_t len;
    uint8_t *good = save(net, 1, &len);
    nn_net_free(net);
    /* 2-8-3 with Adam: P = 51, state 2·51 floats */
    CHECK_INT(len, OFF_PARAMS + 4 * 51 + 8 + 4 * 102 + 32 + CURSOR + CRC);
    uint8_t *buf = malloc(len);
    uint8_t *cur = buf + len - CRC - CURSOR;
    const size_t state_at = OFF_PARAMS + 4 * 51 + 8;
    const size_t rng_at = state_at + 4 * 102;

    memcpy(buf, good, len);         /* a resealed copy of a good file loads */
    reseal(buf, len);
    nn_net *out = load_ok(buf, len);
    nn_net_free(out);

#define BAD_CURSOR(off, value, part)                                                         \
    do {                                                                                     \
        memcpy(buf, good, len);                                                              \
        put32(cur + (off), (uint32_t)(value));                                               \
        reseal(buf, len);                                                                    \
        load_fails(buf, len, NN_ERR_FORMAT, part);                                           \
    } while (0)
    BAD_CURSOR(CUR_HAS, 2, "has_session is 2");
    BAD_CURSOR(CUR_HAS, 0, "has_session is 0");
    BAD_CURSOR(CUR_ROWS, 0, "rows");
    BAD_CURSOR(CUR_BATCH_SIZE, 0, "batch_size is 0");
    BAD_CURSOR(CUR_BATCH_SIZE, ROWS + 1, "batch_size");
    BAD_CURSOR(CUR_EPOCHS, 0, "epochs");
    BAD_CURSOR(CUR_SHUFFLE, 2, "shuffle is 2");
    BAD_CURSOR(CUR_EPOCH, EPOCHS, "epoch is 5");
    BAD_CURSOR(CUR_EPOCH, -1, "epoch is -1");
    BAD_CURSOR(CUR_BATCH, BATCHES, "batch is 43");
    BAD_CURSOR(CUR_BATCH, -3, "batch is -3");
    BAD_CURSOR(CUR_STEP, 16, "step is 16");
    BAD_CURSOR(CUR_SEEN, ROWS, "seen is 300");
    BAD_CURSOR(CUR_RNG_INC, 2, "odd");
#undef BAD_CURSOR

    memcpy(buf, good, len);
    putf64(cur + CUR_LAST_ACC, 2.0);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "last_accuracy");

    memcpy(buf, good, len);
    putf32(buf + state_at + 4 * 60, NAN);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "state value 60");

    memcpy(buf, good, len);
    put64(buf + rng_at + 8, 4);     /* net->rng.inc even */
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "odd");

    memcpy(buf, good, len);         /* the optimizer type sizes the state: checked at once */
    put32(buf + OFF_OPT, 77);
    load_fails(buf, len, NN_ERR_FORMAT, "optimizer 77");
    put32(buf + OFF_OPT, NN_OPT_SGD);   /* no state: 408 bytes too many */
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "408 extra");

    memcpy(buf, good, len);         /* a checkpoint read as a model has bytes left over */
    put32(buf + OFF_KIND, 0);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "extra");

    free(buf);
    free(good);
}

/* ---- leaks ---------------------------------------------------------------------------- */

#define LOOPS 2000

static void test_leak_loops(void) {
    nn_spec s = small_spec(NN_OPT_ADAM);
    int ok = 1;
    uint8_t buf[512];
    size_t len = 0;
    for (int i = 0; i < LOOPS && ok; i++) {
        s.seed = (uint32_t)i;
        nn_net *net = NULL;
        ok = nn_net_create(&s, &net, NULL) == NN_OK;
        len = ok ? nn_model_size(net, i & 1) : 0;
        ok = ok && len <= sizeof buf && nn_model_save(net, i & 1, buf, sizeof buf) == NN_OK;
        nn_net *back = NULL;
        ok = ok && nn_model_load(buf, len, &back, NULL) == NN_OK;
        ok = ok && memcmp(nn_params(net), nn_params(back), 17 * sizeof(float)) == 0;
        nn_net_free(back);
        nn_net_free(net);
    }
    CHECK(ok);

    /* failed loads of every kind, over and over */
    const size_t cuts[] = {0, 7, 13, 60, 127, 130};
    int refused = 0;
    for (int i = 0; i < LOOPS; i++) {
        uint8_t bad[512];
        memcpy(bad, buf, len);
        size_t n = len;
        switch (i % 6) {
        case 0: n = cuts[(size_t)(i / 6) % 6]; break;
        case 1: bad[0] = 'Z'; break;
        case 2: put32(bad + OFF_VERSION, 9); break;
        case 3: bad[OFF_PARAMS + (size_t)i % 68] ^= 1; break;
        case 4: putf32(bad + OFF_PARAMS, NAN); reseal(bad, n); break;
        default: bad[n] = 0; n++; break;
        }
        nn_net *out = NULL;
        nn_error err;
        refused += nn_model_load(bad, n, &out, &err) != NN_OK && out == NULL;
    }
    CHECK_INT(refused, LOOPS);
}

int main(void) {
    test_crc_reference();
    test_size_by_hand();
    test_header_bytes();
    test_roundtrip();
    test_truncated();
    test_header_damage();
    test_checksum();
    test_bad_contents();
    test_arguments();
    make_reference();
    test_resume();
    test_resume_twice();
    test_resume_after_end();
    test_resume_refused();
    test_fresh_fit_on_checkpoint();
    test_load_restores();
    test_bad_checkpoint();
    test_leak_loops();
    return check_report();
}
