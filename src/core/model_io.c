/*
 * model_io.c — the model file format of docs/FORMAT.md: size, write, validate, read.
 * Every number is little-endian and written byte by byte, so a file means the same on every
 * host. P parameters; S = n_state·P optimizer state floats.
 *
 * A model holds the spec and the parameters. A checkpoint adds the optimizer step count and
 * state, the generators and the training cursor, so a resumed session replays exactly.
 * Version 1 holds an MLP shorthand spec (layer sizes); version 2 a layer list (input shape and
 * typed layers) and, in checkpoints, the augmentation generator and ranges. The writer picks
 * the version the net's spec needs, so MLP files stay version 1, byte for byte as before.
 * The loader checks everything (lengths, magic, version, checksum, spec and layer list,
 * values, cursor) before it allocates, so a bad file costs nothing and leaves nothing behind.
 */
#include "nn_internal.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#define FORMAT_VERSION 2u           /* the newest version this library reads (it writes 1 and 2) */
#define V_MLP 1u                    /* the version written for the MLP shorthand (n_items = 0) */
#define V_LIST 2u                   /* the version written for a layer list (n_items > 0) */
#define KIND_MODEL 0u
#define KIND_CHECKPOINT 1u

static const uint8_t MAGIC[4] = {'N', 'N', 'W', 'M'};

/* byte counts of the fixed-size parts, see the tables in docs/FORMAT.md */
#define HEADER_BYTES 12u            /* magic, version, kind */
#define INPUT_BYTES 12u             /* version 2: input height, width, channels */
#define ITEM_BYTES 40u              /* version 2: the 10 four-byte fields of one nn_layer */
#define SPEC_TAIL_BYTES 92u         /* the 23 four-byte spec fields after the layer sizes/list */
#define RNG_BYTES 16u               /* state, inc */
#define CURSOR_BYTES 92u            /* has_session .. shuffle_rng_epoch */
#define AUGMENT_BYTES 16u           /* version 2: the cursor's augmentation ranges after those */
#define CRC_BYTES 4u

/* the version a net's file has: its spec decides */
static uint32_t version_of(const nn_spec *s) { return s->n_items > 0 ? V_LIST : V_MLP; }

/* bytes from the start of the file to the end of the parameter count; n is n_layers in
 * version 1, n_items in version 2 */
static uint64_t spec_end(uint32_t version, uint64_t n) {
    if (version == V_MLP)
        return HEADER_BYTES + 4 + 4 * n + SPEC_TAIL_BYTES + 8;
    return HEADER_BYTES + 4 + INPUT_BYTES + ITEM_BYTES * n + SPEC_TAIL_BYTES + 8;
}

/* generators in a checkpoint: init/dropout and shuffle, and in version 2 augmentation */
static uint64_t rng_count(uint32_t version) { return version == V_MLP ? 2 : 3; }

/* bytes of the session cursor */
static uint64_t cursor_bytes(uint32_t version) {
    return CURSOR_BYTES + (version == V_MLP ? 0 : AUGMENT_BYTES);
}

/* bytes after the parameter count: parameters, checkpoint part, CRC. P is capped by callers
 * (a real net, or P ≤ bytes left / (4·(1 + n_state))), so nothing overflows. */
static uint64_t body_bytes(uint32_t version, uint64_t P, int n_state, int checkpoint) {
    uint64_t n = 4 * P + CRC_BYTES;
    if (checkpoint)
        n += 8 + 4 * (uint64_t)n_state * P + rng_count(version) * RNG_BYTES +
             cursor_bytes(version);
    return n;
}

/* ---- writing ---------------------------------------------------------------------------- */

static void put_u32(uint8_t **p, uint32_t v) {
    for (int i = 0; i < 4; i++)
        *(*p)++ = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t **p, uint64_t v) {
    for (int i = 0; i < 8; i++)
        *(*p)++ = (uint8_t)(v >> (8 * i));
}

static void put_i32(uint8_t **p, int32_t v) { put_u32(p, (uint32_t)v); }
static void put_i64(uint8_t **p, int64_t v) { put_u64(p, (uint64_t)v); }

static void put_f32(uint8_t **p, float v) {
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    put_u32(p, u);
}

static void put_f64(uint8_t **p, double v) {
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    put_u64(p, u);
}

static void put_f32s(uint8_t **p, const float *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        put_f32(p, v[i]);
}

static void put_rng(uint8_t **p, const nn_rng *r) {
    put_u64(p, r->state);
    put_u64(p, r->inc);
}

static void put_layer(uint8_t **p, const nn_layer *it) {
    put_i32(p, it->type);
    put_i32(p, it->units);
    put_i32(p, it->kernel_h);
    put_i32(p, it->kernel_w);
    put_i32(p, it->stride_h);
    put_i32(p, it->stride_w);
    put_i32(p, it->padding);
    put_i32(p, it->activation);
    put_f32(p, it->act_param);
    put_f32(p, it->rate);
}

/* version 1: n_layers and the sizes; version 2: n_items, the input shape and the layers; then
 * the same 23 fields in both */
static void put_spec(uint8_t **p, const nn_spec *s, uint32_t version) {
    if (version == V_MLP) {
        put_i32(p, s->n_layers);
        for (int l = 0; l < s->n_layers; l++)
            put_i32(p, s->layers[l]);
    } else {
        put_i32(p, s->n_items);
        for (int i = 0; i < 3; i++)
            put_i32(p, s->input[i]);
        for (int l = 0; l < s->n_items; l++)
            put_layer(p, &s->items[l]);
    }
    put_i32(p, s->activation);
    put_i32(p, s->output);
    put_i32(p, s->loss);
    put_i32(p, s->init);
    put_f32(p, s->init_std);
    put_f32(p, s->leaky_slope);
    put_f32(p, s->hswish_n);
    put_f32(p, s->weight_decay);
    put_f32(p, s->clip_norm);
    put_f32(p, s->dropout);
    put_f32(p, s->flood);
    put_u32(p, s->seed);
    put_i32(p, s->opt.type);
    put_f32(p, s->opt.lr);
    put_f32(p, s->opt.momentum);
    put_f32(p, s->opt.rho);
    put_f32(p, s->opt.beta1);
    put_f32(p, s->opt.beta2);
    put_f32(p, s->opt.eps);
    put_i32(p, s->schedule.type);
    put_i32(p, s->schedule.step_size);
    put_f32(p, s->schedule.gamma);
    put_f32(p, s->schedule.min_lr);
}

/* the session as nn_fit_end would leave it: resumable when unfinished, else all zeros */
static void put_cursor(uint8_t **p, const nn_session *f, uint32_t version) {
    const int has = f->pending || (f->active && f->epoch < f->epochs);
    nn_session none;
    memset(&none, 0, sizeof none);
    const nn_session *c = has ? f : &none;
    put_u32(p, has ? 1u : 0u);
    put_i32(p, c->rows);
    put_i32(p, c->batch_size);
    put_i32(p, c->epochs);
    put_u32(p, c->opts.shuffle != 0 ? 1u : 0u);
    put_i32(p, c->epoch);
    put_i32(p, c->batch);
    put_i64(p, c->step);
    put_f64(p, c->loss_sum);
    put_i64(p, c->correct);
    put_i64(p, c->seen);
    put_f64(p, c->last_loss);
    put_f64(p, c->last_accuracy);
    put_rng(p, &c->shuffle_rng_epoch);
    if (version != V_MLP) {
        put_f32(p, c->opts.augment.shift);
        put_f32(p, c->opts.augment.rotate);
        put_f32(p, c->opts.augment.scale);
        put_f32(p, c->opts.augment.shear);
    }
}

size_t nn_model_size(const nn_net *net, int checkpoint) {
    if (!net)
        return 0;
    const nn_spec *s = &net->spec;
    const uint32_t version = version_of(s);
    const uint64_t n = spec_end(version, (uint64_t)(version == V_MLP ? s->n_layers : s->n_items)) +
                       body_bytes(version, net->P, net->n_state, checkpoint != 0);
    /* the net's own blocks are larger and exist, so this fits; saturate all the same */
    return (uint64_t)(size_t)n == n ? (size_t)n : SIZE_MAX;
}

nn_status nn_model_save(nn_net *net, int checkpoint, uint8_t *dst, size_t cap) {
    if (!net)
        return NN_ERR_ARG;
    if (!dst)
        return nn_net_fail(net, NN_ERR_ARG, "dst is NULL");
    const size_t need = nn_model_size(net, checkpoint);
    if (cap < need)
        return nn_net_fail(net, NN_ERR_CAPACITY, "dst holds %zu bytes; the %s needs %zu", cap,
                           checkpoint ? "checkpoint" : "model", need);
    uint8_t *p = dst;
    for (int i = 0; i < 4; i++)
        *p++ = MAGIC[i];
    const uint32_t version = version_of(&net->spec);
    put_u32(&p, version);
    put_u32(&p, checkpoint ? KIND_CHECKPOINT : KIND_MODEL);
    put_spec(&p, &net->spec, version);
    put_u64(&p, (uint64_t)net->P);
    put_f32s(&p, net->params, net->P);
    if (checkpoint) {
        put_u64(&p, net->t);
        put_f32s(&p, net->state, (size_t)net->n_state * net->P);
        put_rng(&p, &net->rng);
        put_rng(&p, &net->shuffle_rng);
        if (version != V_MLP)
            put_rng(&p, &net->augment_rng);
        put_cursor(&p, &net->fit, version);
    }
    put_u32(&p, nn_crc32(0, dst, (size_t)(p - dst)));
    assert((size_t)(p - dst) == need);
    return NN_OK;
}

/* ---- reading ---------------------------------------------------------------------------- */

/* A bounds-checked cursor over the file: a read past the end returns 0 and sets over. The
 * loader checks each region's length first, so over only guards against its own mistakes. */
typedef struct {
    const uint8_t *p;
    size_t len;
    size_t pos;
    int over;
} reader;

static size_t left(const reader *r) { return r->len - r->pos; }

static uint64_t get_le(reader *r, int bytes) {
    if (r->over || left(r) < (size_t)bytes) {
        r->over = 1;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)r->p[r->pos + (size_t)i] << (8 * i);
    r->pos += (size_t)bytes;
    return v;
}

static uint32_t get_u32(reader *r) { return (uint32_t)get_le(r, 4); }
static uint64_t get_u64(reader *r) { return get_le(r, 8); }

/* two's complement without implementation-defined conversions */
static int32_t get_i32(reader *r) {
    const uint32_t u = get_u32(r);
    return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

static int64_t get_i64(reader *r) {
    const uint64_t u = get_u64(r);
    return u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

static float get_f32(reader *r) {
    const uint32_t u = get_u32(r);
    float v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static double get_f64(reader *r) {
    const uint64_t u = get_u64(r);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

static void get_rng(reader *r, nn_rng *g) {
    g->state = get_u64(r);
    g->inc = get_u64(r);
}

static void get_layer(reader *r, nn_layer *it) {
    it->type = get_i32(r);
    it->units = get_i32(r);
    it->kernel_h = get_i32(r);
    it->kernel_w = get_i32(r);
    it->stride_h = get_i32(r);
    it->stride_w = get_i32(r);
    it->padding = get_i32(r);
    it->activation = get_i32(r);
    it->act_param = get_f32(r);
    it->rate = get_f32(r);
}

/* the spec after n_layers (version 1) or n_items (version 2), whichever s already holds, in
 * file order */
static void get_spec(reader *r, nn_spec *s, uint32_t version) {
    if (version == V_MLP) {
        for (int l = 0; l < s->n_layers; l++)
            s->layers[l] = get_i32(r);
    } else {
        for (int i = 0; i < 3; i++)
            s->input[i] = get_i32(r);
        for (int l = 0; l < s->n_items; l++)
            get_layer(r, &s->items[l]);
    }
    s->activation = get_i32(r);
    s->output = get_i32(r);
    s->loss = get_i32(r);
    s->init = get_i32(r);
    s->init_std = get_f32(r);
    s->leaky_slope = get_f32(r);
    s->hswish_n = get_f32(r);
    s->weight_decay = get_f32(r);
    s->clip_norm = get_f32(r);
    s->dropout = get_f32(r);
    s->flood = get_f32(r);
    s->seed = get_u32(r);
    s->opt.type = get_i32(r);
    s->opt.lr = get_f32(r);
    s->opt.momentum = get_f32(r);
    s->opt.rho = get_f32(r);
    s->opt.beta1 = get_f32(r);
    s->opt.beta2 = get_f32(r);
    s->opt.eps = get_f32(r);
    s->schedule.type = get_i32(r);
    s->schedule.step_size = get_i32(r);
    s->schedule.gamma = get_f32(r);
    s->schedule.min_lr = get_f32(r);
}

/* the cursor after has_session, in file order, into the fields the session keeps; shuffle
 * is returned as stored so that the caller can check it is 0 or 1 */
static void get_cursor(reader *r, nn_session *f, uint32_t *shuffle, uint32_t version) {
    f->rows = get_i32(r);
    f->batch_size = get_i32(r);
    f->epochs = get_i32(r);
    *shuffle = get_u32(r);
    f->opts.shuffle = *shuffle == 1;
    f->epoch = get_i32(r);
    f->batch = get_i32(r);
    f->step = get_i64(r);
    f->loss_sum = get_f64(r);
    f->correct = get_i64(r);
    f->seen = get_i64(r);
    f->last_loss = get_f64(r);
    f->last_accuracy = get_f64(r);
    get_rng(r, &f->shuffle_rng_epoch);
    if (version != V_MLP) {
        f->opts.augment.shift = get_f32(r);
        f->opts.augment.rotate = get_f32(r);
        f->opts.augment.scale = get_f32(r);
        f->opts.augment.shear = get_f32(r);
    }
}

/* Everything a file holds except the float blocks, which stay in the buffer until copied. */
typedef struct {
    uint32_t version;
    int checkpoint;
    nn_spec spec;
    uint64_t P;
    int n_state;
    size_t params_at;       /* byte offset of the P parameters */
    size_t state_at;        /* byte offset of the n_state·P state floats (checkpoints) */
    uint64_t t;
    nn_rng rng, shuffle_rng, augment_rng;
    uint32_t has_session;
    size_t cursor_at;       /* byte offset of the cursor fields after has_session */
    uint32_t raw_shuffle;   /* the shuffle field as stored */
    nn_session cursor;
} image;

static nn_status truncated(nn_error *err, size_t len, uint64_t need, const char *what) {
    return nn_fail(err, NN_ERR_TRUNCATED, "the file is %zu bytes but %s needs %llu", len, what,
                   (unsigned long long)need);
}

/* first index of a non-finite value among n f32 stored at p, or n */
static uint64_t first_nonfinite(const uint8_t *p, uint64_t n, float *value) {
    reader r = {p, (size_t)(4 * n), 0, 0};
    for (uint64_t i = 0; i < n; i++) {
        const float v = get_f32(&r);
        if (!isfinite(v)) {
            *value = v;
            return i;
        }
    }
    return n;
}

/* the session cursor of a checkpoint: values nn_fit_steps can have left, and nothing else */
static nn_status check_cursor(const image *m, const uint8_t *src, nn_error *err) {
    const nn_session *c = &m->cursor;
    const nn_status bad = NN_ERR_FORMAT;
    if (m->has_session > 1)
        return nn_fail(err, bad, "has_session is %u; it must be 0 or 1",
                       (unsigned)m->has_session);
    if (!m->has_session) {
        for (size_t i = 0; i < (size_t)cursor_bytes(m->version) - 4; i++)
            if (src[m->cursor_at + i] != 0)
                return nn_fail(err, bad, "has_session is 0 but byte %zu of the session cursor "
                                         "is %u, not 0", 4 + i, (unsigned)src[m->cursor_at + i]);
        return NN_OK;
    }
    if (c->rows < 1)
        return nn_fail(err, bad, "session rows is %d; it must be >= 1", (int)c->rows);
    if (c->batch_size < 1 || c->batch_size > c->rows)
        return nn_fail(err, bad, "session batch_size is %d; it must be 1..%d (rows)",
                       (int)c->batch_size, (int)c->rows);
    if (c->epochs < 1)
        return nn_fail(err, bad, "session epochs is %d; it must be >= 1", (int)c->epochs);
    if (m->raw_shuffle > 1)
        return nn_fail(err, bad, "session shuffle is %u; it must be 0 or 1",
                       (unsigned)m->raw_shuffle);
    if (c->epoch < 0 || c->epoch >= c->epochs)
        return nn_fail(err, bad, "session epoch is %d; an unfinished session of %d epochs "
                                 "needs 0..%d", (int)c->epoch, (int)c->epochs,
                       (int)c->epochs - 1);
    const int64_t batches = ((int64_t)c->rows + c->batch_size - 1) / c->batch_size;
    if (c->batch < 0 || c->batch >= batches)
        return nn_fail(err, bad, "session batch is %d; it must be 0..%lld (%d rows in batches "
                                 "of %d)", (int)c->batch, (long long)batches - 1,
                       (int)c->rows, (int)c->batch_size);
    const int64_t step = (int64_t)c->epoch * batches + c->batch;
    if (c->step != step)
        return nn_fail(err, bad, "session step is %lld; epoch %d, batch %d of %lld means %lld",
                       (long long)c->step, (int)c->epoch, (int)c->batch, (long long)batches,
                       (long long)step);
    const int64_t seen = (int64_t)c->batch * c->batch_size;
    if (c->seen != seen)
        return nn_fail(err, bad, "session seen is %lld rows; %d full batches of %d are %lld",
                       (long long)c->seen, (int)c->batch, (int)c->batch_size,
                       (long long)seen);
    if (c->correct < 0 || c->correct > c->seen)
        return nn_fail(err, bad, "session correct is %lld; it must be 0..%lld (seen)",
                       (long long)c->correct, (long long)c->seen);
    if (!isfinite(c->loss_sum) || !isfinite(c->last_loss))
        return nn_fail(err, bad, "session loss_sum %g and last_loss %g must be finite",
                       c->loss_sum, c->last_loss);
    if (!(c->last_accuracy >= 0.0 && c->last_accuracy <= 1.0))
        return nn_fail(err, bad, "session last_accuracy %g must be in [0, 1]",
                       c->last_accuracy);
    if (c->batch > 0 && !(c->shuffle_rng_epoch.inc & 1u))
        return nn_fail(err, bad, "session shuffle_rng_epoch inc 0x%llx must be odd",
                       (unsigned long long)c->shuffle_rng_epoch.inc);
    if (m->version == V_MLP)
        return NN_OK;
    /* version 2: the augmentation ranges, as nn_fit_begin checks them */
    nn_error e;
    if (nn_augment_check(&c->opts.augment, &e) != NN_OK)
        return nn_fail(err, bad, "session %s", e.message);
    const int32_t *in = m->spec.input;
    if (nn_augment_on(&c->opts.augment) && in[0] == 1 && in[1] == 1)
        return nn_fail(err, bad, "session augment is on but the input %dx%dx%d is not an image "
                                 "(height and width 1)", (int)in[0], (int)in[1], (int)in[2]);
    return NN_OK;
}

/* Read and check a whole file into m without allocating; see "Checks" in docs/FORMAT.md for
 * the order, which this function follows step by step. */
static nn_status parse(const uint8_t *src, size_t len, image *m, nn_error *err) {
    memset(m, 0, sizeof *m);
    reader r = {src, len, 0, 0};
    /* 2. the fixed header */
    if (len < HEADER_BYTES)
        return truncated(err, len, HEADER_BYTES, "the header");
    /* 3. magic */
    if (memcmp(src, MAGIC, sizeof MAGIC) != 0)
        return nn_fail(err, NN_ERR_MAGIC, "the file starts with %02x %02x %02x %02x, not "
                                          "\"NNWM\"; it is not an nnwasm model",
                       src[0], src[1], src[2], src[3]);
    r.pos = sizeof MAGIC;
    /* 4. version */
    const uint32_t version = get_u32(&r);
    if (version > FORMAT_VERSION)
        return nn_fail(err, NN_ERR_VERSION, "format version %u is newer than this library "
                                            "reads (%u); update nnwasm",
                       (unsigned)version, FORMAT_VERSION);
    if (version == 0)
        return nn_fail(err, NN_ERR_VERSION, "format version 0 does not exist (this library "
                                            "reads 1..%u)", FORMAT_VERSION);
    /* 5. kind */
    const uint32_t kind = get_u32(&r);
    if (kind != KIND_MODEL && kind != KIND_CHECKPOINT)
        return nn_fail(err, NN_ERR_FORMAT, "kind %u is unknown (0 = model, 1 = checkpoint)",
                       (unsigned)kind);
    m->checkpoint = kind == KIND_CHECKPOINT;
    m->version = version;
    /* 6. n_layers (version 1) or n_items (version 2), checked before it sizes anything */
    const int v1 = version == V_MLP;
    if (left(&r) < 4)
        return truncated(err, len, HEADER_BYTES + 4, v1 ? "n_layers" : "n_items");
    const uint32_t n = get_u32(&r);
    if (v1 && (n < 2 || n > NN_MAX_LAYERS))
        return nn_fail(err, NN_ERR_FORMAT, "n_layers is %u; it must be 2..%d", (unsigned)n,
                       NN_MAX_LAYERS);
    if (!v1 && (n < 1 || n > NN_MAX_ITEMS))
        return nn_fail(err, NN_ERR_FORMAT, "n_items is %u; it must be 1..%d (a format "
                                           "version 2 file holds a layer list)",
                       (unsigned)n, NN_MAX_ITEMS);
    if (v1)
        m->spec.n_layers = (int32_t)n;
    else
        m->spec.n_items = (int32_t)n;
    /* 7. the rest of the spec and P */
    const uint64_t head = spec_end(version, n);
    if (len < head)
        return truncated(err, len, head, "the spec");
    get_spec(&r, &m->spec, version);
    m->P = get_u64(&r);
    /* 8. a checkpoint's state size follows from the optimizer type */
    if (m->checkpoint) {
        const int type = m->spec.opt.type;
        if (type < 0 || type >= NN_OPT_COUNT)
            return nn_fail(err, NN_ERR_FORMAT, "optimizer %d is unknown", type);
        m->n_state = nn_opt_state_count(type);
    }
    /* 9. the exact length; P is capped so that no product below can overflow */
    const uint64_t rest = left(&r);
    const uint64_t floats_per_param = 1 + (uint64_t)m->n_state;
    if (m->P > rest / (4 * floats_per_param))
        return nn_fail(err, NN_ERR_TRUNCATED, "the file is %zu bytes but announces %llu "
                                              "parameters (%llu floats each)",
                       len, (unsigned long long)m->P, (unsigned long long)floats_per_param);
    const uint64_t body = body_bytes(version, m->P, m->n_state, m->checkpoint);
    const uint64_t total = head + body;
    if (rest < body)
        return truncated(err, len, total, "its header");
    if (rest > body)
        return nn_fail(err, NN_ERR_FORMAT, "the file is %zu bytes; its header announces %llu "
                                           "(%llu extra bytes)",
                       len, (unsigned long long)total, (unsigned long long)(rest - body));
    /* 10. checksum */
    const size_t crc_at = len - CRC_BYTES;
    reader tail = {src, len, crc_at, 0};
    const uint32_t stored = get_u32(&tail), actual = nn_crc32(0, src, crc_at);
    if (stored != actual)
        return nn_fail(err, NN_ERR_CHECKSUM, "checksum %08x does not match the contents "
                                             "(%08x); the file is damaged",
                       (unsigned)stored, (unsigned)actual);
    /* 11. the spec, as nn_net_create would check it: a layer list goes through the same
     * shape inference and checks as at creation, so a malformed one is refused here, before
     * anything is built */
    nn_status st = nn_spec_check(&m->spec, NN_ERR_FORMAT, err);
    if (st != NN_OK)
        return st;
    /* 12. P as the sizes or the layer list imply it */
    uint64_t P = 0;
    if (v1) {
        for (int l = 1; l < m->spec.n_layers; l++)
            P += ((uint64_t)m->spec.layers[l - 1] + 1) * (uint64_t)m->spec.layers[l];
    } else {
        nn_unit u[NN_MAX_ITEMS];
        int L;
        uint64_t row;
        st = nn_spec_units(&m->spec, u, &L, &P, &row, NN_ERR_FORMAT, err);
        assert(st == NN_OK);    /* nn_spec_check passed the same checks */
    }
    if (m->P != P)
        return nn_fail(err, NN_ERR_FORMAT, "the file holds %llu parameters but its %s need "
                                           "%llu", (unsigned long long)m->P,
                       v1 ? "layer sizes" : "layers", (unsigned long long)P);
    /* 13. finite parameters */
    m->params_at = r.pos;
    float v = 0.0f;
    uint64_t i = first_nonfinite(src + m->params_at, P, &v);
    if (i < P)
        return nn_fail(err, NN_ERR_FORMAT, "parameter %llu is %g; parameters must be finite",
                       (unsigned long long)i, (double)v);
    r.pos += (size_t)(4 * P);
    if (!m->checkpoint) {
        assert(r.pos == crc_at);
        return NN_OK;
    }
    /* 14. checkpoint: t, finite optimizer state, generators, cursor */
    m->t = get_u64(&r);
    m->state_at = r.pos;
    const uint64_t S = (uint64_t)m->n_state * P;
    i = first_nonfinite(src + m->state_at, S, &v);
    if (i < S)
        return nn_fail(err, NN_ERR_FORMAT, "optimizer state value %llu is %g; it must be "
                                           "finite", (unsigned long long)i, (double)v);
    r.pos += (size_t)(4 * S);
    get_rng(&r, &m->rng);
    get_rng(&r, &m->shuffle_rng);
    if (!(m->rng.inc & 1u) || !(m->shuffle_rng.inc & 1u))
        return nn_fail(err, NN_ERR_FORMAT, "generator increments 0x%llx and 0x%llx must be odd",
                       (unsigned long long)m->rng.inc, (unsigned long long)m->shuffle_rng.inc);
    if (!v1) {
        get_rng(&r, &m->augment_rng);
        if (!(m->augment_rng.inc & 1u))
            return nn_fail(err, NN_ERR_FORMAT, "the augmentation generator's increment 0x%llx "
                                               "must be odd",
                           (unsigned long long)m->augment_rng.inc);
    }
    m->has_session = get_u32(&r);
    m->cursor_at = r.pos;
    get_cursor(&r, &m->cursor, &m->raw_shuffle, version);
    assert(!r.over && r.pos == crc_at);     /* this walk and body_bytes agree */
    return check_cursor(m, src, err);
}

nn_status nn_model_load(const uint8_t *src, size_t len, nn_net **out, nn_error *err) {
    if (out)
        *out = NULL;
    if (!src || !out)
        return nn_fail(err, NN_ERR_ARG, "%s is NULL", !src ? "src" : "out");
    image m;
    nn_status st = parse(src, len, &m, err);
    if (st != NN_OK)
        return st;
    nn_net *net;
    st = nn_net_alloc(&m.spec, &net, err);
    if (st != NN_OK)
        return st;
    assert(net->P == m.P);
    reader r = {src, len, m.params_at, 0};
    for (size_t i = 0; i < net->P; i++)
        net->params[i] = get_f32(&r);
    if (m.checkpoint) {
        net->t = m.t;
        r.pos = m.state_at;
        for (size_t i = 0; i < (size_t)net->n_state * net->P; i++)
            net->state[i] = get_f32(&r);
        net->rng = m.rng;
        net->shuffle_rng = m.shuffle_rng;
        if (m.version != V_MLP)
            net->augment_rng = m.augment_rng;
        if (m.has_session) {    /* a pending session: nn_fit_begin with resume continues it */
            nn_session *f = &net->fit;
            *f = m.cursor;
            f->active = 0;
            f->pending = 1;
            f->perm = NULL;
            f->raw = NULL;
            f->batches = (int32_t)(((int64_t)f->rows + f->batch_size - 1) / f->batch_size);
            f->opts.epochs = f->epochs;
            f->opts.batch_size = f->batch_size;
            f->opts.resume = 0;
        }
    }
    *out = net;
    return NN_OK;
}
