/*
 * test_model_io.c — model files (docs/FORMAT.md): sizes and header bytes worked out by hand,
 * save → load → save round trips bit for bit, every kind of damaged file rejected with its
 * own status, checkpoints that resume a training session bit-identically, and loops that
 * let ASan see leaks. Version 1 (MLP shorthand specs) first, then version 2 (layer lists):
 * the same again, every kind of damage to a layer list refused with its own message, and a
 * CNN checkpoint resumed mid-fit ending bit-identical to a run that never stopped (#13).
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
    put32(buf + OFF_VERSION, 3);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_VERSION, "newer");
    put32(buf + OFF_VERSION, 7);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_VERSION,
               "format version 7 is newer than this library reads (2); update nnwasm");
    /* a version-1 file relabelled 2 reads its n_layers as n_items and its sizes as the input
     * shape: the layer list it announces does not fit */
    put32(buf + OFF_VERSION, 2);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_TRUNCATED, "the spec needs 248");
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

/* ---- version 2: layer lists ---------------------------------------------------------------- */

/* the layout of a version-2 file with m layers, written out from docs/FORMAT.md */
#define V2_NITEMS 12
#define V2_INPUT 16
#define V2_ITEMS 28
#define ITEM 40                             /* 10 four-byte fields per layer */
#define V2_S(m) (V2_ITEMS + ITEM * (m))     /* the spec tail */
#define V2_P(m) (V2_S(m) + SPEC_TAIL)       /* the parameter count */
#define V2_Q(m) (V2_P(m) + 8)               /* the parameters */
#define V2_CURSOR 108                       /* version 1's 92 bytes, then 4 augment ranges */
#define CUR_AUGMENT 92

static nn_layer layer(int type, int units, int kh, int kw, int sh, int sw, int pad, int act,
                      float p, float rate) {
    nn_layer l = {type, units, kh, kw, sh, sw, pad, act, p, rate};
    return l;
}

/* Input 6×5×2: conv 3@3×3 'same' leaky ReLU (slope 0.2) → 6×5×3, max pool 2×2 stride 2 →
 * 3×2×3, conv 2@2×1 'valid' ELU (α 0.5) → 2×2×2, avg pool 2×2 stride 1 'same' → 2×2×2,
 * dropout 0.25, flatten → 8, dense 4 GELU, dense 3. Every layer type, a parameter on two
 * activations, and every nn_layer field nonzero somewhere.
 * P = (3·3·2·3 + 3) + (2·1·3·2 + 2) + (8·4 + 4) + (4·3 + 3) = 57 + 14 + 36 + 15 = 122. */
#define CNN_ITEMS 8
#define CNN_P 122
#define CNN_H 6
#define CNN_W 5
#define CNN_C 2
#define CNN_I (CNN_H * CNN_W * CNN_C)

static nn_spec cnn_spec(int opt) {
    nn_spec s = nn_spec_default();
    s.input[0] = CNN_H;
    s.input[1] = CNN_W;
    s.input[2] = CNN_C;
    const nn_layer it[CNN_ITEMS] = {
        layer(NN_LAYER_CONV2D, 3, 3, 3, 1, 1, NN_PAD_SAME, NN_ACT_LEAKY_RELU, 0.2f, 0),
        layer(NN_LAYER_MAXPOOL2D, 0, 2, 2, 2, 2, NN_PAD_VALID, 0, 0, 0),
        layer(NN_LAYER_CONV2D, 2, 2, 1, 1, 1, NN_PAD_VALID, NN_ACT_ELU, 0.5f, 0),
        layer(NN_LAYER_AVGPOOL2D, 0, 2, 2, 1, 1, NN_PAD_SAME, 0, 0, 0),
        layer(NN_LAYER_DROPOUT, 0, 0, 0, 0, 0, 0, 0, 0, 0.25f),
        layer(NN_LAYER_FLATTEN, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        layer(NN_LAYER_DENSE, 4, 0, 0, 0, 0, 0, NN_ACT_GELU, 0, 0),
        layer(NN_LAYER_DENSE, 3, 0, 0, 0, 0, 0, 0, 0, 0),
    };
    s.n_items = CNN_ITEMS;
    for (int i = 0; i < CNN_ITEMS; i++)
        s.items[i] = it[i];
    s.activation = NN_ACT_TANH;     /* unused by a layer list, but kept */
    s.weight_decay = 1e-4f;
    s.clip_norm = 5.0f;
    s.seed = 99;
    s.opt.type = opt;
    s.opt.lr = 0.01f;
    s.schedule.type = NN_SCHED_STEP;
    s.schedule.step_size = 10;
    s.schedule.gamma = 0.9f;
    return s;
}

static int state_count(int opt) { return opt == NN_OPT_SGD ? 0 : opt == NN_OPT_ADAM ? 2 : 1; }

static void test_v2_size_by_hand(void) {
    /* model = 128 + 40m + 4P + 4; checkpoint = model + 8 + 4kP + 3·16 + 108 */
    const size_t model = 12 + 4 + 12 + ITEM * CNN_ITEMS + SPEC_TAIL + 8 + 4 * CNN_P + CRC;
    CHECK_INT(model, 132 + 40 * 8 + 4 * 122);
    CHECK_INT(model, 940);
    const int opts[3] = {NN_OPT_SGD, NN_OPT_RMSPROP, NN_OPT_ADAM};
    for (int k = 0; k < 3; k++) {
        nn_spec s = cnn_spec(opts[k]);
        nn_net *net = make_net(&s);
        if (!net)
            return;
        CHECK_INT(nn_param_count(net), CNN_P);
        const size_t ckpt = model + 8 + 4 * (size_t)state_count(opts[k]) * CNN_P + 48 + V2_CURSOR;
        CHECK_INT(nn_model_size(net, 0), model);
        CHECK_INT(nn_model_size(net, 1), ckpt);
        uint8_t *big = malloc(ckpt + 8);
        memset(big, 0xAB, ckpt + 8);
        CHECK_STATUS(nn_model_save(net, 1, big, ckpt + 8), NN_OK);
        for (size_t i = ckpt; i < ckpt + 8; i++)
            CHECK_INT(big[i], 0xAB);
        CHECK_STATUS(nn_model_save(net, 1, big, ckpt - 1), NN_ERR_CAPACITY);
        free(big);
        nn_net_free(net);
    }
    CHECK_INT(model + 8 + 4 * 2 * CNN_P + 48 + V2_CURSOR, 2080);    /* Adam: as FORMAT.md */
    /* FORMAT.md's other example: the MLP 2-3-2 as a layer list, 280 and (sgd) 444 bytes */
    nn_spec s = nn_spec_default();
    s.input[0] = s.input[1] = 1;
    s.input[2] = 2;
    s.n_items = 2;
    s.items[0] = layer(NN_LAYER_DENSE, 3, 0, 0, 0, 0, 0, NN_ACT_RELU, 0, 0);
    s.items[1] = layer(NN_LAYER_DENSE, 2, 0, 0, 0, 0, 0, 0, 0, 0);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    CHECK_INT(nn_model_size(net, 0), 280);
    CHECK_INT(nn_model_size(net, 1), 444);
    nn_net_free(net);
}

static void test_v2_header_bytes(void) {
    nn_spec s = cnn_spec(NN_OPT_SGD);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    size_t len;
    uint8_t *buf = save(net, 0, &len);
    CHECK(same_bytes(buf, "NNWM", 4));
    CHECK_INT(get32(buf + OFF_VERSION), 2);
    CHECK_INT(get32(buf + OFF_KIND), 0);
    CHECK_INT(get32(buf + V2_NITEMS), CNN_ITEMS);
    CHECK_INT(get32(buf + V2_INPUT), CNN_H);
    CHECK_INT(get32(buf + V2_INPUT + 4), CNN_W);
    CHECK_INT(get32(buf + V2_INPUT + 8), CNN_C);
    for (int l = 0; l < CNN_ITEMS; l++) {       /* each nn_layer field in declaration order */
        const nn_layer *it = &s.items[l];
        const uint8_t *q = buf + V2_ITEMS + ITEM * l;
        const int32_t ints[8] = {it->type, it->units, it->kernel_h, it->kernel_w,
                                 it->stride_h, it->stride_w, it->padding, it->activation};
        for (int f = 0; f < 8; f++)
            CHECK_INT(get_i32(q + 4 * f), ints[f]);
        uint32_t bits;
        memcpy(&bits, &it->act_param, 4);
        CHECK_INT(get32(q + 32), bits);
        memcpy(&bits, &it->rate, 4);
        CHECK_INT(get32(q + 36), bits);
    }
    const size_t S = V2_S(CNN_ITEMS);
    CHECK_INT(S, 348);
    CHECK_INT(get32(buf + S), NN_ACT_TANH);                 /* the spec tail as in version 1 */
    CHECK_INT(get32(buf + S + 4), NN_OUT_SOFTMAX);
    CHECK_INT(get32(buf + S + 44), 99);                      /* seed */
    CHECK_INT(get32(buf + S + 48), NN_OPT_SGD);
    CHECK_INT(get32(buf + S + 80), 10);                      /* schedule.step_size */
    CHECK_INT(get64(buf + V2_P(CNN_ITEMS)), CNN_P);
    const float *w = nn_params(net);
    for (size_t i = 0; i < CNN_P; i++) {
        uint32_t bits;
        memcpy(&bits, &w[i], 4);
        CHECK_INT(get32(buf + V2_Q(CNN_ITEMS) + 4 * i), bits);
    }
    CHECK_INT(V2_Q(CNN_ITEMS) + 4 * CNN_P + CRC, len);
    CHECK_INT(get32(buf + len - CRC), crc32_ref(buf, len - CRC));
    free(buf);

    /* checkpoint: t, no state (sgd), the three generators as seeded, an empty cursor */
    buf = save(net, 1, &len);
    const size_t C = V2_Q(CNN_ITEMS) + 4 * CNN_P;
    CHECK_INT(get32(buf + OFF_KIND), 1);
    CHECK_INT(get64(buf + C), 0);
    nn_rng g[3];
    for (int k = 0; k < 3; k++) {
        nn_rng_seed(&g[k], 99, (uint64_t)k + 1);
        if (k == 0)             /* init drew from the first */
            g[0] = net->rng;
        CHECK_INT(get64(buf + C + 8 + 16 * k), g[k].state);
        CHECK_INT(get64(buf + C + 8 + 16 * k + 8), g[k].inc);
    }
    CHECK_INT(C + 8 + 48 + V2_CURSOR + CRC, len);
    const uint8_t *cur = buf + len - CRC - V2_CURSOR;
    for (int i = 0; i < V2_CURSOR; i++)
        CHECK_INT(cur[i], 0);
    CHECK_INT(get32(buf + len - CRC), crc32_ref(buf, len - CRC));
    free(buf);
    nn_net_free(net);
}

/* save → load → save is the same bytes; the spec, parameters and predictions come back */
static void roundtrip_v2(const nn_spec *s, int checkpoint) {
    nn_net *a = make_net(s);
    if (!a)
        return;
    size_t len;
    uint8_t *first = save(a, checkpoint, &len);
    uint8_t *again = save(a, checkpoint, &len);
    CHECK(same_bytes(first, again, len));
    CHECK_INT(get32(first + OFF_VERSION), 2);
    nn_net *b = load_ok(first, len);
    if (b) {
        size_t len2;
        uint8_t *second = save(b, checkpoint, &len2);
        CHECK_INT(len2, len);
        CHECK(len2 == len && same_bytes(first, second, len));
        free(second);
        nn_spec sb;
        nn_net_spec(b, &sb);
        CHECK(same_bytes(s, &sb, sizeof sb));
        CHECK_INT(nn_param_count(b), nn_param_count(a));
        CHECK(same_bytes(nn_params(a), nn_params(b), nn_param_count(a) * sizeof(float)));
        const int I = a->inputs, O = a->outputs;
        float *x = malloc(3 * (size_t)I * sizeof(float));
        float *ya = malloc(3 * (size_t)O * sizeof(float)), *yb = malloc(3 * (size_t)O * sizeof(float));
        for (int i = 0; i < 3 * I; i++)
            x[i] = (float)((i * 37) % 23) / 11.0f - 1.0f;
        CHECK_STATUS(nn_predict(a, x, 3, ya, 3 * (size_t)O), NN_OK);
        CHECK_STATUS(nn_predict(b, x, 3, yb, 3 * (size_t)O), NN_OK);
        CHECK(same_bytes(ya, yb, 3 * (size_t)O * sizeof(float)));
        free(x);
        free(ya);
        free(yb);
        nn_net_free(b);
    }
    free(first);
    free(again);
    nn_net_free(a);
}

static void test_v2_roundtrip(void) {
    for (int opt = 0; opt < NN_OPT_COUNT; opt++) {
        nn_spec s = cnn_spec(opt);
        roundtrip_v2(&s, 0);
        roundtrip_v2(&s, 1);
    }
    /* every activation in a hidden layer of a list (parameters at their defaults), and
     * every output with its loss */
    for (int act = 0; act < NN_ACT_COUNT; act++) {
        nn_spec s = cnn_spec(NN_OPT_ADAM);
        s.items[0].activation = act;
        s.items[0].act_param = 0.0f;
        s.items[6].activation = (act + 5) % NN_ACT_COUNT;
        roundtrip_v2(&s, act & 1);
    }
    for (int out = 0; out < NN_OUT_COUNT; out++) {
        nn_spec s = cnn_spec(NN_OPT_MOMENTUM);
        s.output = out;
        s.loss = out == NN_OUT_IDENTITY ? NN_LOSS_MSE : NN_LOSS_CROSS_ENTROPY;
        roundtrip_v2(&s, 1);
    }
    /* the shortest list (one dense layer on an MLP input), the longest (32 layers), an
     * image input with a pool first, 'same' pooling bigger than its input */
    nn_spec s = nn_spec_default();
    s.input[0] = s.input[1] = 1;
    s.input[2] = 5;
    s.n_items = 1;
    s.items[0] = layer(NN_LAYER_DENSE, 2, 0, 0, 0, 0, 0, 0, 0, 0);
    roundtrip_v2(&s, 0);
    roundtrip_v2(&s, 1);
    s.n_items = NN_MAX_ITEMS;
    for (int l = 0; l < NN_MAX_ITEMS - 1; l++)
        s.items[l] = l % 2 ? layer(NN_LAYER_DROPOUT, 0, 0, 0, 0, 0, 0, 0, 0, 0.1f)
                           : layer(NN_LAYER_DENSE, 3, 0, 0, 0, 0, 0, NN_ACT_SIGMOID, 0, 0);
    s.items[NN_MAX_ITEMS - 1] = layer(NN_LAYER_DENSE, 2, 0, 0, 0, 0, 0, 0, 0, 0);
    roundtrip_v2(&s, 1);
    s = nn_spec_default();
    s.input[0] = 3;
    s.input[1] = 4;
    s.input[2] = 1;
    s.n_items = 3;
    s.items[0] = layer(NN_LAYER_AVGPOOL2D, 0, 5, 5, 2, 3, NN_PAD_SAME, 0, 0, 0);
    s.items[1] = layer(NN_LAYER_MAXPOOL2D, 0, 1, 2, 1, 1, NN_PAD_VALID, 0, 0, 0);
    s.items[2] = layer(NN_LAYER_DENSE, 1, 0, 0, 0, 0, 0, 0, 0, 0);
    s.output = NN_OUT_SIGMOID;
    roundtrip_v2(&s, 1);
}

static void test_v2_truncated(void) {
    nn_spec s = cnn_spec(NN_OPT_ADAM);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    for (int checkpoint = 0; checkpoint < 2; checkpoint++) {
        size_t len;
        uint8_t *buf = save(net, checkpoint, &len);
        for (size_t n = 0; n < len; n++) {
            uint8_t *cut = malloc(n ? n : 1);
            memcpy(cut, buf, n);
            nn_net *out = (nn_net *)&out;
            nn_status st = nn_model_load(cut, n, &out, NULL);
            CHECK(out == NULL);
            if (st != NN_ERR_TRUNCATED)
                printf("  v2 prefix %zu of %zu gave %d\n", n, len, (int)st);
            CHECK_STATUS(st, NN_ERR_TRUNCATED);
            free(cut);
        }
        load_fails(buf, 14, NN_ERR_TRUNCATED, "the file is 14 bytes but n_items needs 16");
        load_fails(buf, 400, NN_ERR_TRUNCATED, "the file is 400 bytes but the spec needs 448");
        load_fails(buf, len - 1, NN_ERR_TRUNCATED, "its header needs");
        free(buf);
    }
    nn_net_free(net);
}

static void test_v2_checksum(void) {
    nn_spec s = cnn_spec(NN_OPT_MOMENTUM);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    size_t len;
    uint8_t *good = save(net, 1, &len);
    uint8_t *buf = malloc(len);
    /* a bit of a layer's field, of the input shape, of a parameter, of the augmentation
     * generator: each only the checksum can tell */
    const size_t at[] = {V2_INPUT + 8, V2_ITEMS + ITEM * 2 + 4, V2_ITEMS + ITEM * 4 + 36,
                         V2_Q(CNN_ITEMS) + 9, len - CRC - V2_CURSOR - 9, len - 2};
    for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
        memcpy(buf, good, len);
        buf[at[k]] ^= 0x04;
        load_fails(buf, len, NN_ERR_CHECKSUM, "checksum");
    }
    /* any single flipped bit anywhere is refused, whatever the reason */
    for (size_t i = 0; i < len; i++)
        for (int bit = 0; bit < 8; bit++) {
            memcpy(buf, good, len);
            buf[i] ^= (uint8_t)(1u << bit);
            nn_net *out = (nn_net *)&out;
            CHECK(nn_model_load(buf, len, &out, NULL) != NN_OK);
            CHECK(out == NULL);
        }
    free(buf);
    free(good);
    nn_net_free(net);
}

/* load must fail with NN_ERR_FORMAT and exactly want */
static void refused_exactly(const uint8_t *buf, size_t len, const char *want, int line) {
    nn_net *net = (nn_net *)&net;
    nn_error err = {{0}};
    CHECK_STATUS(nn_model_load(buf, len, &net, &err), NN_ERR_FORMAT);
    CHECK(net == NULL);
    check_count++;
    if (strcmp(err.message, want) != 0) {
        check_failed++;
        printf("test_model_io.c:%d: message \"%s\", want \"%s\"\n", line, err.message, want);
    }
}

/* Each kind of damage to a layer list, resealed so that the checksum passes: refused with
 * NN_ERR_FORMAT and the message nn_net_create gives for the same spec, naming the layer and
 * its field, before anything is allocated. */
static void test_v2_bad_layers(void) {
    nn_spec s = cnn_spec(NN_OPT_SGD);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    size_t len;
    uint8_t *good = save(net, 0, &len);
    nn_net_free(net);
    uint8_t *buf = malloc(len + 64);
    const size_t S = V2_S(CNN_ITEMS);
#define ITEM_AT(l, field) (V2_ITEMS + ITEM * (l) + 4 * (field))
#define BAD_LIST(edit, want)                                                                 \
    do {                                                                                     \
        memcpy(buf, good, len);                                                              \
        edit;                                                                                \
        reseal(buf, len);                                                                    \
        refused_exactly(buf, len, want, __LINE__);                                           \
    } while (0)

    /* n_items is checked before it sizes anything: no checksum needed */
    memcpy(buf, good, len);
    put32(buf + V2_NITEMS, 0);
    refused_exactly(buf, len, "n_items is 0; it must be 1..32 (a format version 2 file holds a "
                              "layer list)", __LINE__);
    put32(buf + V2_NITEMS, 33);
    refused_exactly(buf, len, "n_items is 33; it must be 1..32 (a format version 2 file holds a "
                              "layer list)", __LINE__);
    put32(buf + V2_NITEMS, 0xFFFFFFFFu);
    refused_exactly(buf, len, "n_items is 4294967295; it must be 1..32 (a format version 2 "
                              "file holds a layer list)", __LINE__);

    /* the input shape */
    BAD_LIST(put32(buf + V2_INPUT, 0), "input height 0 is not allowed (1..65536)");
    BAD_LIST(put32(buf + V2_INPUT + 8, 70000), "input channels 70000 is not allowed (1..65536)");
    BAD_LIST(put32(buf + V2_INPUT + 4, 0x80000000u), "input width -2147483648 is not allowed "
                                                    "(1..65536)");
    BAD_LIST((put32(buf + V2_INPUT, 65536), put32(buf + V2_INPUT + 4, 65536)),
             "input 65536x65536x2 has more than 16777216 values");
    /* a layer's type and the fields it uses */
    BAD_LIST(put32(buf + ITEM_AT(2, 0), 6), "layer 2: type 6 is unknown (0..5)");
    BAD_LIST(put32(buf + ITEM_AT(2, 0), 0xFFFFFFFFu), "layer 2: type -1 is unknown (0..5)");
    BAD_LIST(put32(buf + ITEM_AT(0, 1), 0), "layer 0 (conv2d): units 0 is not allowed (1..65536)");
    BAD_LIST(put32(buf + ITEM_AT(6, 1), 65537),
             "layer 6 (dense): units 65537 is not allowed (1..65536)");
    BAD_LIST(put32(buf + ITEM_AT(0, 2), 0), "layer 0 (conv2d) on a 6x5x2 input: kernel height 0 "
                                            "must be at least 1");
    BAD_LIST(put32(buf + ITEM_AT(2, 2), 4), "layer 2 (conv2d) on a 3x2x3 input: kernel height 4 "
                                            "is larger than the input height 3 (padding "
                                            "'valid')");
    BAD_LIST(put32(buf + ITEM_AT(1, 5), 0), "layer 1 (maxpool2d) on a 6x5x3 input: stride width "
                                            "0 must be at least 1");
    BAD_LIST(put32(buf + ITEM_AT(3, 6), 2), "layer 3 (avgpool2d) on a 2x2x2 input: padding 2 is "
                                            "unknown (0 valid, 1 same)");
    BAD_LIST(put32(buf + ITEM_AT(0, 7), NN_ACT_COUNT), "layer 0 (conv2d): activation 13 is "
                                                       "unknown");
    BAD_LIST(putf32(buf + ITEM_AT(2, 8), NAN), "layer 2 (conv2d): act_param nan must be finite");
    BAD_LIST(putf32(buf + ITEM_AT(0, 8), 1.5f), "layer 0 (conv2d): act_param 1.5 (the leaky_relu "
                                                "slope) must be in [-1, 1]");
    BAD_LIST(putf32(buf + ITEM_AT(2, 8), -1.0f), "layer 2 (conv2d): act_param -1 (the elu alpha) "
                                                 "must be > 0 (0 = the default)");
    BAD_LIST(putf32(buf + ITEM_AT(6, 8), 0.5f), "layer 6 (dense): act_param 0.5 must be 0: "
                                                "activation 9 has no parameter");
    BAD_LIST(putf32(buf + ITEM_AT(4, 9), 1.0f), "layer 4 (dropout): rate 1 must be in [0, 1)");
    BAD_LIST(putf32(buf + ITEM_AT(4, 9), -0.5f), "layer 4 (dropout): rate -0.5 must be in [0, 1)");
    /* fields a type does not use must be 0 */
    BAD_LIST(put32(buf + ITEM_AT(1, 1), 3), "layer 1 (maxpool2d): units 3 must be 0 (a maxpool2d "
                                            "layer does not use it)");
    BAD_LIST(put32(buf + ITEM_AT(5, 2), 1), "layer 5 (flatten): kernel_h 1 must be 0 (a flatten "
                                            "layer does not use it)");
    BAD_LIST(put32(buf + ITEM_AT(4, 7), 2), "layer 4 (dropout): activation 2 must be 0 (a dropout "
                                            "layer does not use it)");
    BAD_LIST(putf32(buf + ITEM_AT(0, 9), 0.5f), "layer 0 (conv2d): rate 0.5 must be 0 (a conv2d "
                                                "layer does not use it)");
    BAD_LIST(put32(buf + ITEM_AT(7, 6), 1), "layer 7 (dense): padding 1 must be 0 (a dense layer "
                                            "does not use it)");
    BAD_LIST(putf32(buf + ITEM_AT(3, 8), 0.1f), "layer 3 (avgpool2d): act_param 0.1 must be 0 (a "
                                                "avgpool2d layer does not use it)");
    /* the order of the layers */
    BAD_LIST(put32(buf + ITEM_AT(7, 0), NN_LAYER_FLATTEN),
             "layer 7 (flatten): units 3 must be 0 (a flatten layer does not use it)");
    BAD_LIST(memset(buf + ITEM_AT(7, 0), 0, ITEM),   /* a dense of 0 units... then as flatten */
             "layer 7 (dense): units 0 is not allowed (1..65536)");
    BAD_LIST((memset(buf + ITEM_AT(7, 0), 0, ITEM), put32(buf + ITEM_AT(7, 0), NN_LAYER_FLATTEN)),
             "layer 7 (flatten) is the last; the last layer must be dense (its units are the "
             "outputs)");
    BAD_LIST(put32(buf + ITEM_AT(7, 7), NN_ACT_RELU), "layer 7 (dense): activation 2 and act_param "
                                                      "0 must be 0 in the last layer (spec.output "
                                                      "applies)");
    BAD_LIST((memcpy(buf + ITEM_AT(5, 0), good + ITEM_AT(3, 0), ITEM),    /* avgpool after... */
              memcpy(buf + ITEM_AT(3, 0), good + ITEM_AT(5, 0), ITEM)),   /* ...the flatten */
             "layer 5 (avgpool2d): its input is not an image (layer flatten made it (1, 1, 8)); "
             "a avgpool2d goes before any dense or flatten");
    /* a pool that would leave nothing: a window taller than the map */
    BAD_LIST(put32(buf + ITEM_AT(1, 2), 7), "layer 1 (maxpool2d) on a 6x5x3 input: kernel height "
                                            "7 is larger than the input height 6 (padding "
                                            "'valid')");
    /* the spec around the list */
    BAD_LIST(putf32(buf + S + 36, 0.5f), "dropout 0.5 must be 0 with a layer list (dropout is a "
                                         "layer there)");
    BAD_LIST(put32(buf + ITEM_AT(7, 1), 1), "softmax output needs at least 2 outputs, got 1");
    BAD_LIST(put32(buf + S, 13), "activation 13 is unknown");
    BAD_LIST(putf32(buf + S + 24, 0.0f), "hswish_n 0 must be finite and > 0");
    /* the parameter count the list implies: 3 dense outputs need 15, a 4th 20 */
    BAD_LIST(put32(buf + ITEM_AT(7, 1), 4), "the file holds 122 parameters but its layers need 127");
    BAD_LIST(put32(buf + ITEM_AT(0, 3), 1), "the file holds 122 parameters but its layers need 86");
    BAD_LIST(putf32(buf + V2_Q(CNN_ITEMS) + 4 * 121, INFINITY),
             "parameter 121 is inf; parameters must be finite");
#undef BAD_LIST

    /* one layer more or less than the file holds: the parameter count is read from the
     * wrong place (opt.lr and opt.momentum, or parameters) and announces more than the file */
    memcpy(buf, good, len);
    put32(buf + V2_NITEMS, CNN_ITEMS - 1);
    load_fails(buf, len, NN_ERR_TRUNCATED, "announces");
    put32(buf + V2_NITEMS, CNN_ITEMS + 1);
    load_fails(buf, len, NN_ERR_TRUNCATED, "announces");
    /* a version-2 file relabelled 1 (n_items read as n_layers, the input shape as sizes) and
     * a version-1 file relabelled 2 (test_header_damage) are refused */
    memcpy(buf, good, len);
    put32(buf + OFF_VERSION, 1);
    reseal(buf, len);
    nn_net *out = (nn_net *)&out;
    CHECK(nn_model_load(buf, len, &out, NULL) != NN_OK);
    CHECK(out == NULL);
    free(buf);
    free(good);
}

/* the checkpoint part of version 2: the augmentation generator and the cursor's ranges */
static void test_v2_bad_checkpoint(void) {
    nn_spec s = cnn_spec(NN_OPT_SGD);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    size_t len;
    uint8_t *empty = save(net, 1, &len);         /* no session */
    float x[7 * CNN_I];
    int32_t lab[7];
    for (int i = 0; i < 7 * CNN_I; i++)
        x[i] = (float)((i * 13) % 17) / 8.0f - 1.0f;
    for (int r = 0; r < 7; r++)
        lab[r] = r % 3;
    const nn_data d = {x, NULL, lab, NULL, 7, CNN_I};
    nn_fit_opts o = nn_fit_opts_default();
    o.epochs = 2;
    o.batch_size = 3;
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    nn_progress p;
    CHECK_STATUS(nn_fit_steps(net, 4, &p), NN_OK);      /* stops at the epoch's end: 3 */
    CHECK_INT(p.step, 3);
    CHECK_STATUS(nn_fit_steps(net, 1, &p), NN_OK);
    size_t len2;
    uint8_t *mid = save(net, 1, &len2);
    CHECK_INT(len2, len);
    nn_net_free(net);
    uint8_t *buf = malloc(len);
    const size_t gens = V2_Q(CNN_ITEMS) + 4 * CNN_P + 8, K = len - CRC - V2_CURSOR;
    CHECK_INT(get32(mid + K + CUR_HAS), 1);
    CHECK_INT(get32(mid + K + CUR_EPOCH), 1);
    CHECK_INT(get32(mid + K + CUR_BATCH), 1);
    for (int i = 0; i < 16; i++)
        CHECK_INT(mid[K + CUR_AUGMENT + i], 0);
#define BAD_CK(src, edit, want)                                                              \
    do {                                                                                     \
        memcpy(buf, src, len);                                                               \
        edit;                                                                                \
        reseal(buf, len);                                                                    \
        refused_exactly(buf, len, want, __LINE__);                                           \
    } while (0)
    BAD_CK(empty, put64(buf + gens + 32 + 8, 6),
           "the augmentation generator's increment 0x6 must be odd");
    memcpy(buf, empty, len);
    put64(buf + gens + 8, 2);
    reseal(buf, len);
    load_fails(buf, len, NN_ERR_FORMAT, "generator increments 0x2 and 0x");
    BAD_CK(empty, buf[K + CUR_AUGMENT + 3] = 0x3f,
           "has_session is 0 but byte 95 of the session cursor is 63, not 0");
    BAD_CK(mid, putf32(buf + K + CUR_AUGMENT, 1.5f),
           "session augment shift 1.5 must be at least 0 and at most 1 (a fraction of the width "
           "and height)");
    BAD_CK(mid, putf32(buf + K + CUR_AUGMENT + 4, NAN),
           "session augment rotate nan is not a finite number");
    BAD_CK(mid, putf32(buf + K + CUR_AUGMENT + 8, 1.0f),
           "session augment scale 1 must be at least 0 and below 1 (the zoom factor is 1 ± "
           "scale)");
    BAD_CK(mid, putf32(buf + K + CUR_AUGMENT + 12, -5.0f),
           "session augment shear -5 must be at least 0 and below 90 (degrees)");
    BAD_CK(mid, put32(buf + K + CUR_STEP, 5), "session step is 5; epoch 1, batch 1 of 3 means 4");
    /* in range, the ranges load and are kept */
    memcpy(buf, mid, len);
    putf32(buf + K + CUR_AUGMENT, 0.1f);
    putf32(buf + K + CUR_AUGMENT + 12, 10.0f);
    reseal(buf, len);
    nn_net *back = load_ok(buf, len);
    if (back) {
        CHECK(back->fit.pending);
        CHECK(back->fit.opts.augment.shift == 0.1f && back->fit.opts.augment.shear == 10.0f);
        CHECK(back->fit.opts.augment.rotate == 0.0f && back->fit.opts.augment.scale == 0.0f);
        CHECK_INT(back->augment_rng.state, get64(buf + gens + 32));
        CHECK_INT(back->augment_rng.inc, get64(buf + gens + 40));
        size_t n2;
        uint8_t *again = save(back, 1, &n2);
        CHECK(n2 == len && same_bytes(again, buf, len));
        free(again);
        nn_net_free(back);
    }
    free(buf);
    free(empty);
    free(mid);

    /* ranges on an input that is not an image: a layer list on input 1×1×5 */
    nn_spec m = nn_spec_default();
    m.input[0] = m.input[1] = 1;
    m.input[2] = 5;
    m.n_items = 2;
    m.items[0] = layer(NN_LAYER_DENSE, 4, 0, 0, 0, 0, 0, NN_ACT_RELU, 0, 0);
    m.items[1] = layer(NN_LAYER_DENSE, 3, 0, 0, 0, 0, 0, 0, 0, 0);
    net = make_net(&m);
    if (!net)
        return;
    const nn_data d5 = {x, NULL, lab, NULL, 7, 5};
    CHECK_STATUS(nn_fit_begin(net, &d5, &o), NN_OK);
    CHECK_STATUS(nn_fit_steps(net, 1, &p), NN_OK);
    mid = save(net, 1, &len);
    nn_net_free(net);
    buf = malloc(len);
    const size_t K5 = len - CRC - V2_CURSOR;
    BAD_CK(mid, putf32(buf + K5 + CUR_AUGMENT + 4, 10.0f),
           "session augment is on but the input 1x1x5 is not an image (height and width 1)");
#undef BAD_CK
    free(buf);
    free(mid);
}

/* ---- a CNN checkpoint resumed ---------------------------------------------------------------- */

/* cnn_spec with Adam trained on CR made-up images (a quarter of the pixels 0, labels from the
 * signs of two sums) in batches of CB, shuffled, for CEPOCHS epochs, with the dropout layer on */
#define CR 45
#define CB 7
#define CBATCHES 7              /* ceil(45 / 7): six batches of 7, one of 3 */
#define CEPOCHS 4
#define CCHUNK 3

static float cnn_x[CR * CNN_I];
static int32_t cnn_y[CR];

static nn_data cnn_data(void) {
    if (!cnn_y[1]) {
        nn_rng r;
        nn_rng_seed(&r, 5, 9);
        for (int i = 0; i < CR * CNN_I; i++)
            cnn_x[i] = i % 4 == 1 ? 0.0f : (float)(2.0 * nn_rng_uniform(&r) - 1.0);
        for (int k = 0; k < CR; k++) {
            const float *xr = cnn_x + (size_t)k * CNN_I;
            cnn_y[k] = (xr[0] + xr[7] > 0) + (xr[30] + xr[44] > 0.5f);
        }
    }
    const nn_data d = {cnn_x, NULL, cnn_y, NULL, CR, CNN_I};
    return d;
}

static nn_fit_opts cnn_opts(int resume) {
    nn_fit_opts o = nn_fit_opts_default();
    o.epochs = CEPOCHS;
    o.batch_size = CB;
    o.shuffle = 1;
    o.resume = resume;
    return o;
}

/* chunks of CCHUNK steps until the session reaches step `to` (or its end, for to < 0) */
static int cnn_advance(nn_net *net, int64_t to, nn_progress *p) {
    for (;;) {
        int64_t n = CCHUNK;
        if (to >= 0 && to - p->step < n)
            n = to - p->step;
        if (n <= 0 || (to < 0 && p->done))
            return 1;
        const nn_status st = nn_fit_steps(net, (int32_t)n, p);
        CHECK_STATUS(st, NN_OK);
        if (st != NN_OK) {
            printf("  %s\n", nn_net_last_error(net));
            return 0;
        }
    }
}

/* what a whole run ends with: its last progress and its checkpoint after nn_fit_end (weights,
 * optimizer state, the three generators) */
typedef struct {
    nn_progress p;
    uint8_t *ckpt;
    size_t len;
} cnn_end;

static void cnn_finish(nn_net *net, nn_progress *p, cnn_end *e) {
    cnn_advance(net, -1, p);
    nn_fit_end(net);
    e->p = *p;
    e->ckpt = save(net, 1, &e->len);
}

static void same_end(const cnn_end *a, const cnn_end *b, const char *what) {
    const int same = a->len == b->len && same_bytes(a->ckpt, b->ckpt, a->len) &&
                     a->p.step == b->p.step && same_bytes(&a->p.loss, &b->p.loss, 8) &&
                     same_bytes(&a->p.accuracy, &b->p.accuracy, 8);
    if (!same)
        printf("  %s: ends differently (step %lld/%lld, loss %.17g/%.17g)\n", what,
               (long long)a->p.step, (long long)b->p.step, a->p.loss, b->p.loss);
    CHECK(same);
}

static cnn_end cnn_reference;

static void make_cnn_reference(const nn_fit_opts *o) {
    nn_spec s = cnn_spec(NN_OPT_ADAM);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    const nn_data d = cnn_data();
    CHECK_STATUS(nn_fit_begin(net, &d, o), NN_OK);
    nn_progress p;
    memset(&p, 0, sizeof p);
    cnn_finish(net, &p, &cnn_reference);
    CHECK_INT(p.step, (int64_t)CEPOCHS * CBATCHES);
    CHECK_INT(get32(cnn_reference.ckpt + cnn_reference.len - CRC - V2_CURSOR), 0);
    CHECK(p.loss < 1.0986);         /* it learned something (log 3 is guessing) */
    nn_net_free(net);
}

/* load a checkpoint saved at step `at`, resume it to the end: the reference's end */
static void cnn_resume(const uint8_t *buf, size_t len, int64_t at, const nn_fit_opts *o,
                       const char *what) {
    nn_net *net = load_ok(buf, len);
    if (!net)
        return;
    const nn_data d = cnn_data();
    nn_fit_opts r = *o;
    r.resume = 1;
    const nn_status st = nn_fit_begin(net, &d, &r);
    CHECK_STATUS(st, NN_OK);
    if (st == NN_OK) {
        nn_progress p;
        memset(&p, 0, sizeof p);
        p.step = at;
        cnn_end e;
        cnn_finish(net, &p, &e);
        same_end(&e, &cnn_reference, what);
        free(e.ckpt);
    } else {
        printf("  resume at %lld: %s\n", (long long)at, nn_net_last_error(net));
    }
    nn_net_free(net);
}

/* train to step `at`, save a checkpoint with the session open, go on to the end (saving
 * disturbs nothing), then resume the checkpoint in a new net */
static void cnn_resume_at(int64_t at, const nn_fit_opts *o) {
    nn_spec s = cnn_spec(NN_OPT_ADAM);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    const nn_data d = cnn_data();
    CHECK_STATUS(nn_fit_begin(net, &d, o), NN_OK);
    nn_progress p;
    memset(&p, 0, sizeof p);
    cnn_advance(net, at, &p);
    size_t len;
    uint8_t *buf = save(net, 1, &len);
    const uint8_t *cur = buf + len - CRC - V2_CURSOR;
    CHECK_INT(get32(cur + CUR_HAS), 1);
    CHECK_INT(get32(cur + CUR_EPOCH), at / CBATCHES);
    CHECK_INT(get32(cur + CUR_BATCH), at % CBATCHES);
    CHECK_INT((int64_t)get64(cur + CUR_STEP), at);
    const float ranges[4] = {o->augment.shift, o->augment.rotate, o->augment.scale,
                             o->augment.shear};
    for (int k = 0; k < 4; k++) {           /* the session's augmentation ranges */
        uint32_t bits;
        memcpy(&bits, &ranges[k], 4);
        CHECK_INT(get32(cur + CUR_AUGMENT + 4 * k), bits);
    }
    char what[64];
    snprintf(what, sizeof what, "CNN saved at step %lld, not stopped", (long long)at);
    cnn_end e;
    cnn_finish(net, &p, &e);
    same_end(&e, &cnn_reference, what);
    free(e.ckpt);
    nn_net_free(net);
    snprintf(what, sizeof what, "CNN resumed at step %lld", (long long)at);
    cnn_resume(buf, len, at, o, what);
    free(buf);
}

/* Issue #13: a checkpoint of a CNN (conv, pools, a dropout layer: every generator in use)
 * saved mid-fit and resumed ends bit-identical to the run that never stopped: weights,
 * optimizer state, generators, loss and accuracy. At the start, mid-epoch, at epoch
 * boundaries, one step before the end; twice in a row; after nn_fit_end. Without and with
 * data augmentation (its generator and ranges are in the checkpoint). */
static void cnn_resume_all(const nn_fit_opts *po) {
    const nn_fit_opts o = *po;
    make_cnn_reference(&o);
    if (!cnn_reference.ckpt)
        return;
    const int64_t points[] = {0, 1, 5, CBATCHES - 1, CBATCHES, CBATCHES + 3, 2 * CBATCHES + 6,
                              (int64_t)CEPOCHS * CBATCHES - 1};
    for (size_t i = 0; i < sizeof points / sizeof points[0]; i++)
        cnn_resume_at(points[i], &o);

    /* saved at 4, resumed, saved again at 17 after nn_fit_end, resumed */
    nn_spec s = cnn_spec(NN_OPT_ADAM);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    const nn_data d = cnn_data();
    CHECK_STATUS(nn_fit_begin(net, &d, &o), NN_OK);
    nn_progress p;
    memset(&p, 0, sizeof p);
    cnn_advance(net, 4, &p);
    size_t len;
    uint8_t *buf = save(net, 1, &len);
    nn_net_free(net);
    net = load_ok(buf, len);
    free(buf);
    if (!net)
        return;
    nn_fit_opts r = o;
    r.resume = 1;
    CHECK_STATUS(nn_fit_begin(net, &d, &r), NN_OK);
    cnn_advance(net, 17, &p);
    nn_fit_end(net);
    buf = save(net, 1, &len);
    nn_net_free(net);
    cnn_resume(buf, len, 17, &o, "CNN resumed twice");
    free(buf);
}

static void test_cnn_resume_issue13(void) {
    const nn_fit_opts off = cnn_opts(0);
    cnn_resume_all(&off);
    cnn_end plain = cnn_reference;
    nn_fit_opts on = cnn_opts(0);
    on.augment.shift = 0.15f;
    on.augment.rotate = 20.0f;
    on.augment.scale = 0.1f;
    on.augment.shear = 8.0f;
    cnn_resume_all(&on);
    /* augmentation changed the run, and drew from its own generator only */
    if (plain.ckpt && cnn_reference.ckpt) {
        CHECK_INT(plain.len, cnn_reference.len);
        const size_t P_at = V2_Q(CNN_ITEMS), gens = P_at + 4 * CNN_P + 8 + 2 * 4 * CNN_P;
        CHECK(!same_bytes(plain.ckpt + P_at, cnn_reference.ckpt + P_at, 4 * CNN_P));
        CHECK(same_bytes(plain.ckpt + gens, cnn_reference.ckpt + gens, 32));
        CHECK(!same_bytes(plain.ckpt + gens + 32, cnn_reference.ckpt + gens + 32, 16));
    }
    free(plain.ckpt);
    free(cnn_reference.ckpt);
    cnn_reference.ckpt = NULL;

    /* resuming needs the session's augmentation, as it needs its batch size */
    nn_spec s = cnn_spec(NN_OPT_ADAM);
    nn_net *net = make_net(&s);
    if (!net)
        return;
    const nn_data d = cnn_data();
    CHECK_STATUS(nn_fit_begin(net, &d, &on), NN_OK);
    nn_progress p;
    memset(&p, 0, sizeof p);
    cnn_advance(net, 9, &p);
    size_t len;
    uint8_t *buf = save(net, 1, &len);
    nn_net_free(net);
    net = load_ok(buf, len);
    free(buf);
    if (!net)
        return;
    nn_fit_opts r = off;
    r.resume = 1;
    CHECK_STATUS(nn_fit_begin(net, &d, &r), NN_ERR_STATE);
    CHECK_MSG(nn_net_last_error(net), "resume needs the session's augmentation: shift 0.15, "
                                      "rotate 20, scale 0.1, shear 8; got shift 0, rotate 0, "
                                      "scale 0, shear 0");
    r = on;
    r.resume = 1;
    r.augment.shear = 9.0f;
    CHECK_STATUS(nn_fit_begin(net, &d, &r), NN_ERR_STATE);
    CHECK_MSG(nn_net_last_error(net), "got shift 0.15, rotate 20, scale 0.1, shear 9");
    r.augment.shear = 8.0f;
    CHECK_STATUS(nn_fit_begin(net, &d, &r), NN_OK);
    nn_net_free(net);
}

/* create, save, load and free over and over, and failed loads of layer lists, for ASan */
static void test_v2_leak_loops(void) {
    nn_spec s = cnn_spec(NN_OPT_ADAM);
    int ok = 1;
    for (int i = 0; i < LOOPS / 4 && ok; i++) {
        s.seed = (uint32_t)i;
        nn_net *net = NULL, *back = NULL;
        ok = nn_net_create(&s, &net, NULL) == NN_OK;
        size_t len = ok ? nn_model_size(net, i & 1) : 0;
        uint8_t *buf = malloc(len ? len : 1);
        ok = ok && nn_model_save(net, i & 1, buf, len) == NN_OK;
        ok = ok && nn_model_load(buf, len, &back, NULL) == NN_OK;
        ok = ok && memcmp(nn_params(net), nn_params(back), CNN_P * sizeof(float)) == 0;
        /* and one refused: a layer field damaged behind a good checksum */
        if (ok) {
            put32(buf + V2_ITEMS + ITEM * (i % CNN_ITEMS), 77);
            reseal(buf, len);
            nn_net *bad = (nn_net *)&bad;
            ok = nn_model_load(buf, len, &bad, NULL) == NN_ERR_FORMAT && bad == NULL;
        }
        free(buf);
        nn_net_free(back);
        nn_net_free(net);
    }
    CHECK(ok);
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
    test_v2_size_by_hand();
    test_v2_header_bytes();
    test_v2_roundtrip();
    test_v2_truncated();
    test_v2_checksum();
    test_v2_bad_layers();
    test_v2_bad_checkpoint();
    test_cnn_resume_issue13();
    test_v2_leak_loops();
    return check_report();
}
