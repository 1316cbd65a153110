/*
 * fuzz_model_load.c — libFuzzer harness for nn_model_load (docs/FORMAT.md).
 *
 * Build and run with scripts/fuzz.sh (clang, -fsanitize=fuzzer,address,undefined). The loader
 * must never crash, leak, hang or misreport, whatever the bytes. Each input is loaded twice:
 *   1. as it stands (magic, version, kind, lengths, checksum);
 *   2. with its last 4 bytes replaced by the right CRC-32, so that mutations get past the
 *      checksum and reach the spec, parameter and cursor checks behind it.
 * On failure: *out is NULL, the status is one the loader documents, and the message is a
 * non-empty, terminated string; the same call without an nn_error gives the same status.
 * On success the loaded net must be usable and faithful:
 *   - nn_model_size of its kind is the input length, of the other kind the documented formula;
 *   - saving it gives back the input byte for byte (the loader keeps every field);
 *   - every proper prefix is NN_ERR_TRUNCATED and one byte more is NN_ERR_FORMAT;
 *   - predict on zero rows of the right width works, and evaluate on small made-up data;
 *   - a few training steps work (resuming the stored session when the checkpoint has one,
 *     else a fresh one, with data augmentation on an image input), the checkpoint saved after
 *     them loads again, and the same steps split by a checkpoint save, load and resume end in
 *     the same bytes.
 * Both format versions: 1 (MLP shorthand specs) and 2 (layer lists: input shape, typed layers;
 * a third generator and the augmentation ranges in checkpoints). Predicting and training
 * are tried only on nets small enough in work and workspace that one input stays fast.
 * A broken invariant aborts with a message, which libFuzzer reports as a crash.
 * Sizes: I inputs, O outputs, P parameters, n layer sizes (version 1), m layers (version 2),
 * k optimizer state vectors.
 */
#include "nnwasm.h"
#include "../../src/core/nn_internal.h"     /* nn_spec_units: the work a net's layers cost */

#define HARNESS "fuzz_model_load"
#include "harness.h"
#include "../c/le_bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* training is exercised only on small nets, so that one input stays well under a millisecond */
#define TRAIN_MAX_ROWS 32
#define TRAIN_MAX_WORK 400000u      /* rows · multiply-adds of one row's forward pass */
#define PREDICT_MAX_WORK 4000000u   /* multiply-adds of predict's two rows */
#define MAX_ROW_FLOATS 262144u      /* workspace floats per row (1 MB) */

/* ---- little helpers ------------------------------------------------------------------------ */

static int documented_failure(nn_status st) {
    return st == NN_ERR_TRUNCATED || st == NN_ERR_MAGIC || st == NN_ERR_VERSION ||
           st == NN_ERR_CHECKSUM || st == NN_ERR_FORMAT || st == NN_ERR_NOMEM;
}

/* Load buf and check what any call must satisfy; returns the net (or NULL) and the status. */
static nn_net *load(const uint8_t *buf, size_t len, nn_status *status, const char *what) {
    nn_error err;
    memset(err.message, 0xA5, sizeof err.message);  /* so an unterminated message shows */
    nn_net *net = (nn_net *)&err;                   /* must be overwritten */
    const nn_status st = nn_model_load(buf, len, &net, &err);
    *status = st;
    if (st == NN_OK) {
        if (!net)
            FAIL("%s: NN_OK but *out is NULL", what);
        return net;
    }
    if (net != NULL)
        FAIL("%s: status %d but *out is not NULL", what, (int)st);
    if (!documented_failure(st))
        FAIL("%s: undocumented status %d (%s)", what, (int)st, nn_status_str(st));
    if (!memchr(err.message, '\0', sizeof err.message))
        FAIL("%s: error message is not terminated", what);
    if (err.message[0] == '\0')
        FAIL("%s: status %d with an empty message", what, (int)st);
    nn_net *again = NULL;
    const nn_status st2 = nn_model_load(buf, len, &again, NULL);
    if (st2 != st || again)
        FAIL("%s: without an nn_error the status is %d, with one %d", what, (int)st2, (int)st);
    return NULL;
}

/* the status of loading the first len bytes of buf, through a copy of exactly len bytes so
 * that ASan sees any read past its end */
static nn_status load_copy(const uint8_t *buf, size_t len, size_t extra, const char *what) {
    uint8_t *c = dup_bytes(buf, len, extra);
    nn_status st;
    nn_net *net = load(c, len + extra, &st, what);
    nn_net_free(net);
    free(c);
    return st;
}

/* ---- checks on a successfully loaded net --------------------------------------------------- */

/* the multiply-adds (or, for layers without weights, the values touched) of one row's forward
 * pass, and the workspace floats per row, of a loaded (so valid) spec */
static uint64_t row_work(const nn_spec *s, uint64_t *row) {
    nn_unit u[NN_MAX_ITEMS];
    int L;
    uint64_t P;
    if (nn_spec_units(s, u, &L, &P, row, NN_ERR_FORMAT, NULL) != NN_OK)
        FAIL("nn_spec_units refused the spec of a loaded net");
    uint64_t w = 0;
    for (int l = 0; l < L; l++) {
        const nn_unit *v = &u[l];
        if (v->type == NN_LAYER_CONV2D)
            w += (uint64_t)v->OH * (uint64_t)v->OW * (uint64_t)v->nw;
        else if (v->type == NN_LAYER_DENSE)
            w += (uint64_t)v->nw;
        else if (v->type == NN_LAYER_MAXPOOL2D || v->type == NN_LAYER_AVGPOOL2D)
            w += (uint64_t)v->O * (uint64_t)v->g.KH * (uint64_t)v->g.KW;
        else
            w += (uint64_t)v->O;
    }
    return w + (uint64_t)u[0].I;
}

/* inputs and outputs per row of either kind of spec */
static void io_of(const nn_spec *s, int32_t *I, int32_t *O) {
    if (s->n_items > 0) {
        *I = s->input[0] * s->input[1] * s->input[2];
        *O = s->items[s->n_items - 1].units;
    } else {
        *I = s->layers[0];
        *O = s->layers[s->n_layers - 1];
    }
}

/* the bytes of the session cursor, which ends 4 bytes before the end of a checkpoint */
static size_t cursor_len(int version) { return version == 1 ? 92 : 108; }

static void check_sizes_and_save(nn_net *net, const uint8_t *buf, size_t len, int kind) {
    nn_spec s;
    nn_net_spec(net, &s);
    const size_t P = nn_param_count(net);
    const size_t k = s.opt.type == NN_OPT_SGD ? 0 : s.opt.type == NN_OPT_ADAM ? 2 : 1;
    const int v2 = get32(buf + 4) == 2;
    if (v2 != (s.n_items > 0))
        FAIL("a version-%u file loaded as a net with %d layer-list items", get32(buf + 4),
             (int)s.n_items);
    /* docs/FORMAT.md: version 1 120 + 4n + 4P (+ 132 + 4kP), version 2 132 + 40m + 4P
     * (+ 164 + 4kP) */
    const size_t model = v2 ? 132 + 40 * (size_t)s.n_items + 4 * P : 120 + 4 * (size_t)s.n_layers + 4 * P;
    const size_t ckpt = model + (v2 ? 164 : 132) + 4 * k * P;
    if (nn_model_size(net, kind) != len)
        FAIL("nn_model_size(kind %d) is %zu, the file is %zu bytes", kind,
             nn_model_size(net, kind), len);
    if (nn_model_size(net, 0) != model || nn_model_size(net, 1) != ckpt)
        FAIL("sizes %zu/%zu differ from the formulas %zu/%zu", nn_model_size(net, 0),
             nn_model_size(net, 1), model, ckpt);
    uint8_t *out = malloc(len);
    if (!out)
        FAIL("malloc(%zu) failed in the harness", len);
    if (nn_model_save(net, kind, out, len - 1) != NN_ERR_CAPACITY)
        FAIL("saving into %zu bytes did not report NN_ERR_CAPACITY", len - 1);
    const nn_status st = nn_model_save(net, kind, out, len);
    if (st != NN_OK)
        FAIL("saving the loaded net failed: %d %s", (int)st, nn_net_last_error(net));
    if (memcmp(out, buf, len) != 0) {
        size_t i = 0;
        while (out[i] == buf[i])
            i++;
        FAIL("load -> save differs from the input at byte %zu (%02x, input %02x)", i, out[i],
             buf[i]);
    }
    free(out);
}

/* every proper prefix is NN_ERR_TRUNCATED (docs/FORMAT.md, step 9); one byte more is
 * NN_ERR_FORMAT. Prefixes are cheap (the length checks come before the checksum), but to keep
 * long inputs fast only the header region and a few cut points are tried. */
static void check_prefixes(const uint8_t *buf, size_t len) {
    const size_t cuts[] = {len - 1, len - 2, len - 4, len - 5, len / 2, len - 97, len - 113,
                           len - 133, len - 165};
    for (size_t m = 0; m < len && m < 200; m++)
        if (load_copy(buf, m, 0, "prefix") != NN_ERR_TRUNCATED)
            FAIL("the %zu-byte prefix of a valid %zu-byte file is not NN_ERR_TRUNCATED", m, len);
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        if (cuts[i] < len && load_copy(buf, cuts[i], 0, "prefix") != NN_ERR_TRUNCATED)
            FAIL("the %zu-byte prefix of a valid %zu-byte file is not NN_ERR_TRUNCATED",
                 cuts[i], len);
    if (load_copy(buf, len, 1, "one byte more") != NN_ERR_FORMAT)
        FAIL("a valid %zu-byte file with one byte appended is not NN_ERR_FORMAT", len);
}

static void check_predict(nn_net *net) {
    nn_spec s;
    nn_net_spec(net, &s);
    int32_t I32, O32;
    io_of(&s, &I32, &O32);
    const size_t I = (size_t)I32, O = (size_t)O32;
    float *x = calloc(2 * I, sizeof *x), *y = malloc(2 * O * sizeof *y);
    if (!x || !y)
        FAIL("malloc failed in the harness");
    nn_status st = nn_predict(net, x, 2, y, 2 * O);
    if (st != NN_OK)
        FAIL("predict on 2 zero rows of %zu inputs failed: %d %s", I, (int)st,
             nn_net_last_error(net));
    st = nn_predict(net, x, 2, y, 2 * O - 1);
    if (st != NN_ERR_CAPACITY)
        FAIL("predict into a buffer one float short gave %d, not NN_ERR_CAPACITY", (int)st);
    free(x);
    free(y);
}

/* a loaded copy of a file the library wrote or already accepted: it must load */
static nn_net *reload(const uint8_t *buf, size_t len, const char *what) {
    nn_error e;
    nn_net *net = NULL;
    const nn_status st = nn_model_load(buf, len, &net, &e);
    if (st != NN_OK)
        FAIL("%s: loading %zu bytes the library accepted or wrote failed: %d %s", what, len,
             (int)st, e.message);
    return net;
}

/* a checkpoint in a new buffer of *n bytes */
static uint8_t *save_checkpoint(nn_net *net, size_t *n) {
    *n = nn_model_size(net, 1);
    uint8_t *ck = malloc(*n);
    if (!ck)
        FAIL("malloc(%zu) failed in the harness", *n);
    const nn_status st = nn_model_save(net, 1, ck, *n);
    if (st != NN_OK)
        FAIL("saving a checkpoint failed: %d %s", (int)st, nn_net_last_error(net));
    return ck;
}

static void begin(nn_net *net, const nn_data *d, const nn_fit_opts *o, const char *what) {
    const nn_status st = nn_fit_begin(net, d, o);
    if (st != NN_OK)
        FAIL("%s: nn_fit_begin (resume %d, %d rows, batch %d, shuffle %d, %d epochs) failed: "
             "%d %s", what, o->resume, d->rows, o->batch_size, o->shuffle, o->epochs, (int)st,
             nn_net_last_error(net));
}

/* up to max steps, one call each, until the session is done: the steps taken, or −1 when one
 * was non-finite (the session is then closed) */
static int run_steps(nn_net *net, int max, int *done) {
    nn_progress p;
    int k = 0;
    *done = 0;
    while (k < max && !*done) {
        const nn_status st = nn_fit_steps(net, 1, &p);
        if (st == NN_ERR_NONFINITE)
            return -1;
        if (st != NN_OK)
            FAIL("nn_fit_steps failed: %d %s", (int)st, nn_net_last_error(net));
        k++;
        *done = p.done;
    }
    return k;
}

#define SPLIT_STEPS 4

/* On small made-up data: evaluate works; then training split by a checkpoint is training
 * unsplit. Net A trains SPLIT_STEPS steps (resuming the stored session when the checkpoint has
 * one, else a fresh session); B, loaded from the same bytes, trains 1 step and saves a
 * checkpoint, which C loads and resumes for the rest. A and C must then save the same bytes
 * (parameters, optimizer state, generators, cursor), as docs/FORMAT.md promises. */
static void check_training(const uint8_t *buf, size_t len, int kind, const nn_spec *s,
                           uint64_t work) {
    int32_t I, O;
    io_of(s, &I, &O);
    nn_fit_opts o = nn_fit_opts_default();
    int32_t rows = 3;
    o.batch_size = 2;
    o.epochs = 2;
    if (kind == 1) {                /* the cursor: K = len − 4 − 92 (version 2: 108) */
        const uint8_t *K = buf + len - 4 - cursor_len((int)get32(buf + 4));
        if (get32(K) == 1) {
            rows = get_i32(K + 4);
            o.batch_size = get_i32(K + 8);
            o.epochs = get_i32(K + 12);
            o.shuffle = (int32_t)get32(K + 16);
            o.resume = 1;
            if (get32(buf + 4) == 2) {  /* version 2: the session's augmentation ranges */
                float *a[4] = {&o.augment.shift, &o.augment.rotate, &o.augment.scale,
                               &o.augment.shear};
                for (int i = 0; i < 4; i++) {
                    const uint32_t bits = get32(K + 92 + 4 * i);
                    memcpy(a[i], &bits, sizeof bits);
                }
            }
        }
    }
    /* a fresh session on an image input augments, so that augmented training, and its
     * checkpoint split and resumed, are exercised too */
    if (!o.resume && s->n_items > 0 && (s->input[0] > 1 || s->input[1] > 1)) {
        o.augment.shift = 0.125f;
        o.augment.rotate = 15.0f;
        o.augment.scale = 0.1f;
        o.augment.shear = 5.0f;
    }
    if (rows > TRAIN_MAX_ROWS || (uint64_t)rows * work > TRAIN_MAX_WORK)
        return;
    float *x = malloc((size_t)rows * (size_t)I * sizeof *x);
    int32_t *lab = malloc((size_t)rows * sizeof *lab);
    if (!x || !lab)
        FAIL("malloc failed in the harness");
    for (size_t i = 0; i < (size_t)rows * (size_t)I; i++)
        x[i] = (float)((int)(i * 7 % 5) - 2) * 0.25f;
    for (int32_t r = 0; r < rows; r++)
        lab[r] = r % (O == 1 ? 2 : O);
    const nn_data d = {x, NULL, lab, NULL, rows, I};

    nn_net *a = reload(buf, len, "net A");
    double loss = 0.0, acc = -1.0;
    nn_status st = nn_evaluate(a, &d, &loss, &acc);
    if (st != NN_OK || !(acc >= 0.0 && acc <= 1.0))
        FAIL("nn_evaluate on %d rows gave %d (accuracy %g): %s", rows, (int)st, acc,
             nn_net_last_error(a));
    begin(a, &d, &o, "net A");
    int done_a, done_b, done_c;
    const int ka = run_steps(a, SPLIT_STEPS, &done_a);
    size_t na, nb, nc;
    uint8_t *cka = save_checkpoint(a, &na);     /* mid-session or not, it must load */
    nn_net_free(reload(cka, na, "A's checkpoint"));
    if (ka < 1) {                   /* diverged: nothing to compare */
        free(cka);
        nn_net_free(a);
        free(x);
        free(lab);
        return;
    }
    nn_net *b = reload(buf, len, "net B");
    begin(b, &d, &o, "net B");
    if (run_steps(b, 1, &done_b) != 1)
        FAIL("B's first step differs from A's (A took %d steps)", ka);
    nn_net *c = b;
    if (!done_b) {
        uint8_t *ckb = save_checkpoint(b, &nb);
        c = reload(ckb, nb, "B's checkpoint after 1 step");
        free(ckb);
        nn_net_free(b);
        nn_fit_opts oc = o;
        oc.resume = 1;
        begin(c, &d, &oc, "net C (B's checkpoint resumed)");
        const int kc = run_steps(c, ka - 1, &done_c);
        if (kc != ka - 1)
            FAIL("after the checkpoint, C took %d steps where A took %d more", kc, ka - 1);
    } else if (ka != 1) {
        FAIL("B's session was done after 1 step, A's after %d", ka);
    }
    uint8_t *ckc = save_checkpoint(c, &nc);
    if (nc != na || memcmp(cka, ckc, na) != 0) {
        size_t i = 0;
        while (i < na && i < nc && cka[i] == ckc[i])
            i++;
        FAIL("%d steps (%s) unsplit and split after step 1 by a checkpoint differ: sizes "
             "%zu/%zu, first differing byte %zu of the checkpoints", ka,
             o.resume ? "resumed session" : "fresh session", na, nc, i);
    }
    free(cka);
    free(ckc);
    nn_net_free(a);
    nn_net_free(c);
    free(x);
    free(lab);
}

static void check_loaded(nn_net *net, const uint8_t *buf, size_t len) {
    const int kind = (int)get32(buf + 8);
    if (kind != 0 && kind != 1)
        FAIL("loaded a file of kind %d", kind);
    check_sizes_and_save(net, buf, len, kind);
    check_prefixes(buf, len);
    nn_spec s;
    nn_net_spec(net, &s);
    uint64_t row;
    const uint64_t work = row_work(&s, &row);
    if (row > MAX_ROW_FLOATS || 2 * work > PREDICT_MAX_WORK)
        return;                     /* valid, but too big to run for every input */
    check_predict(net);
    check_training(buf, len, kind, &s, work);
}

/* ---- entry point --------------------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* an exact-size copy, so ASan catches a read even one byte past the end */
    uint8_t *buf = dup_bytes(data, size, 0);
    nn_status st;
    nn_net *net = load(buf, size, &st, "as given");
    if (net) {
        check_loaded(net, buf, size);
        nn_net_free(net);
    }
    if (size >= 4) {
        const uint32_t crc = crc32_ref(buf, size - 4);
        if (get32(buf + size - 4) != crc) {
            put32(buf + size - 4, crc);
            net = load(buf, size, &st, "checksum fixed");
            if (st == NN_ERR_CHECKSUM)
                FAIL("NN_ERR_CHECKSUM for a %zu-byte file whose CRC-32 is right", size);
            if (net) {
                check_loaded(net, buf, size);
                nn_net_free(net);
            }
        }
    }
    /* NULL arguments */
    nn_net *out = NULL;
    if (nn_model_load(NULL, size, &out, NULL) != NN_ERR_ARG || out)
        FAIL("a NULL src is not NN_ERR_ARG");
    if (nn_model_load(buf, size, NULL, NULL) != NN_ERR_ARG)
        FAIL("a NULL out is not NN_ERR_ARG");
    free(buf);
    return 0;
}
