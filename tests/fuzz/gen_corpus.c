/*
 * gen_corpus.c — writes the seed corpus of the fuzz harnesses (tests/fuzz/corpus/).
 *
 *   fuzz_gen_corpus DIR      writes DIR/model/NAME.nnwm and DIR/idx/NAME.idx
 *
 * Run by `bash scripts/fuzz.sh --gen-corpus`; the files it writes are committed, so this only
 * needs running again when the format changes or a seed is added. Every file is small (the
 * fuzzer mutates faster the shorter its inputs) and deterministic (fixed seeds).
 *   model/: valid models and checkpoints of several architectures, activations, outputs,
 *           optimizers and schedules; checkpoints with no session, mid-epoch, at an epoch
 *           boundary and after a finished session; then near misses, each one defect away
 *           from a valid file (CRC fixed where the defect lies behind the checksum). Both
 *           format versions: 1 (MLP shorthand, "model-*", "ckpt-*") and 2 (layer lists,
 *           "v2-*": convolutions, pools, flatten, dropout, dense-only lists), and near misses
 *           of each ("near-*", "near-v2-*": every kind of malformed layer list).
 *   idx/:   tiny image and label files, and near misses of those.
 * Sizes: n layer sizes, m layers of a list, P parameters, k optimizer state vectors
 * (docs/FORMAT.md).
 */
#include "nnwasm.h"
#include "../c/le_bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *root;
static int written;

static void emit(const char *sub, const char *name, const uint8_t *p, size_t n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", root, sub, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "gen_corpus: cannot write %s\n", path);
        exit(1);
    }
    written++;
}

static void die(const char *what, nn_status st, const char *msg) {
    fprintf(stderr, "gen_corpus: %s failed: %s (%s)\n", what, nn_status_str(st), msg);
    exit(1);
}

/* ---- valid models and checkpoints ---------------------------------------------------------- */

typedef struct {
    uint8_t *p;
    size_t n;
} bytes;

static bytes save(nn_net *net, int checkpoint) {
    bytes b;
    b.n = nn_model_size(net, checkpoint);
    b.p = malloc(b.n);
    if (!b.p)
        die("malloc", NN_ERR_NOMEM, "");
    nn_status st = nn_model_save(net, checkpoint, b.p, b.n);
    if (st != NN_OK)
        die("nn_model_save", st, nn_net_last_error(net));
    return b;
}

static nn_spec spec_of(int n, const int32_t *layers) {
    nn_spec s = nn_spec_default();
    s.n_layers = n;
    for (int l = 0; l < n; l++)
        s.layers[l] = layers[l];
    return s;
}

static nn_net *create(const nn_spec *s) {
    nn_net *net = NULL;
    nn_error err;
    nn_status st = nn_net_create(s, &net, &err);
    if (st != NN_OK)
        die("nn_net_create", st, err.message);
    return net;
}

/* ROWS rows of I inputs with labels below O (or 0/1 for one output), fixed pattern */
#define ROWS 7
#define MAX_I 64
static float data_x[ROWS * MAX_I];
static int32_t data_y[ROWS];

static nn_data make_data(int32_t I, int32_t O) {
    for (int i = 0; i < ROWS * I; i++)
        data_x[i] = (float)((i * 37) % 19) / 9.0f - 1.0f;
    for (int r = 0; r < ROWS; r++)
        data_y[r] = r % (O == 1 ? 2 : O);
    nn_data d = {data_x, NULL, data_y, NULL, ROWS, I};
    return d;
}

/* train with batch 3 over ROWS rows (3 batches an epoch) for `steps` steps of a session of
 * `epochs` epochs; the session stays open */
static nn_augment_spec train_augment;  /* the augmentation train() uses; zero: off */

static void train(nn_net *net, int epochs, int shuffle, int steps) {
    nn_spec s;
    nn_net_spec(net, &s);
    const int32_t I = s.n_items ? s.input[0] * s.input[1] * s.input[2] : s.layers[0];
    const int32_t O = s.n_items ? s.items[s.n_items - 1].units : s.layers[s.n_layers - 1];
    if (I > MAX_I)
        die("train", NN_ERR_ARG, "more inputs than the data buffer holds");
    nn_data d = make_data(I, O);
    nn_fit_opts o = nn_fit_opts_default();
    o.epochs = epochs;
    o.batch_size = 3;
    o.shuffle = shuffle;
    o.augment = train_augment;
    nn_status st = nn_fit_begin(net, &d, &o);
    if (st != NN_OK)
        die("nn_fit_begin", st, nn_net_last_error(net));
    while (steps > 0) {
        nn_progress p;
        st = nn_fit_steps(net, 1, &p);
        if (st != NN_OK)
            die("nn_fit_steps", st, nn_net_last_error(net));
        steps--;
        if (p.done)
            break;
    }
}

static void emit_model(const char *name, nn_net *net, int checkpoint) {
    bytes b = save(net, checkpoint);
    emit("model", name, b.p, b.n);
    free(b.p);
}

static void gen_models(void) {
    static const int32_t l232[] = {2, 3, 2}, l11[] = {1, 1}, l4832[] = {4, 8, 3, 2},
                         l3552[] = {3, 5, 5, 2}, l2x16[] = {2, 2, 2, 2, 2, 2, 2, 2,
                                                            2, 2, 2, 2, 2, 2, 2, 2},
                         l51[] = {5, 1}, l83[] = {8, 3};
    nn_spec s;
    nn_net *net;

    /* plain models: every activation once, every output, both losses, each init */
    s = spec_of(3, l232);
    net = create(&s);
    emit_model("model-2-3-2-relu-softmax-ce-sgd.nnwm", net, 0);
    emit_model("ckpt-2-3-2-sgd-fresh.nnwm", net, 1);   /* has_session 0 */
    nn_net_free(net);

    s = spec_of(2, l11);
    s.output = NN_OUT_IDENTITY;
    s.loss = NN_LOSS_MSE;
    s.init = NN_INIT_GAUSSIAN;
    s.init_std = 0.5f;
    net = create(&s);
    emit_model("model-1-1-identity-mse-gaussian.nnwm", net, 0);
    nn_net_free(net);

    s = spec_of(4, l3552);
    s.activation = NN_ACT_TANH;
    s.output = NN_OUT_SIGMOID;
    s.init = NN_INIT_XAVIER;
    net = create(&s);
    emit_model("model-3-5-5-2-tanh-sigmoid-ce-xavier.nnwm", net, 0);
    nn_net_free(net);

    s = spec_of(16, l2x16);
    s.activation = NN_ACT_SIGMOID;
    net = create(&s);
    emit_model("model-16-layers-sigmoid.nnwm", net, 0);
    nn_net_free(net);

    static const int acts[] = {NN_ACT_LEAKY_RELU, NN_ACT_SWISH, NN_ACT_MISH, NN_ACT_HSWISH,
                               NN_ACT_TANHEXP, NN_ACT_ELU, NN_ACT_GELU, NN_ACT_GELU_TANH,
                               NN_ACT_RELU6, NN_ACT_SOFTPLUS};
    static const char *act_names[] = {"leaky", "swish", "mish", "hswish", "tanhexp",
                                      "elu", "gelu", "gelu-tanh", "relu6", "softplus"};
    for (int i = 0; i < (int)(sizeof acts / sizeof acts[0]); i++) {
        char name[96];
        s = spec_of(3, l232);
        s.activation = acts[i];
        s.leaky_slope = -0.5f;
        s.hswish_n = 3.0f;
        s.seed = (uint32_t)(7 + i);
        net = create(&s);
        snprintf(name, sizeof name, "model-2-3-2-%s.nnwm", act_names[i]);
        emit_model(name, net, 0);
        nn_net_free(net);
    }

    /* checkpoints: each optimizer and schedule, sessions at different points */
    s = spec_of(3, l232);
    s.opt.type = NN_OPT_MOMENTUM;
    net = create(&s);
    train(net, 3, 1, 2);                        /* epoch 0, batch 2: mid-epoch */
    emit_model("ckpt-2-3-2-momentum-mid-epoch.nnwm", net, 1);
    emit_model("model-2-3-2-momentum-trained.nnwm", net, 0);
    nn_net_free(net);

    s = spec_of(4, l4832);
    s.activation = NN_ACT_LEAKY_RELU;
    s.opt.type = NN_OPT_ADAM;
    s.opt.lr = 0.003f;
    s.dropout = 0.25f;
    s.weight_decay = 1e-3f;
    s.clip_norm = 2.0f;
    s.flood = 0.05f;
    s.schedule.type = NN_SCHED_COSINE;
    s.schedule.step_size = 20;
    s.schedule.min_lr = 1e-4f;
    net = create(&s);
    train(net, 4, 1, 4);                        /* epoch 1, batch 1 */
    emit_model("ckpt-4-8-3-2-adam-dropout-cosine-mid.nnwm", net, 1);
    nn_net_free(net);

    s = spec_of(4, l3552);
    s.activation = NN_ACT_MISH;
    s.output = NN_OUT_SIGMOID;
    s.opt.type = NN_OPT_NESTEROV;
    s.schedule.type = NN_SCHED_STEP;
    s.schedule.step_size = 2;
    s.schedule.gamma = 0.5f;
    net = create(&s);
    train(net, 3, 1, 3);                        /* epoch 1, batch 0: at an epoch boundary */
    emit_model("ckpt-3-5-5-2-nesterov-step-epoch-boundary.nnwm", net, 1);
    nn_net_free(net);

    s = spec_of(2, l83);
    s.opt.type = NN_OPT_ADAGRAD;
    s.schedule.type = NN_SCHED_EXPONENTIAL;
    s.schedule.step_size = 3;
    s.schedule.gamma = 0.9f;
    net = create(&s);
    train(net, 2, 0, 100);                      /* finished: has_session 0, t = 6 */
    emit_model("ckpt-8-3-adagrad-exp-finished.nnwm", net, 1);
    nn_net_free(net);

    s = spec_of(2, l51);
    s.output = NN_OUT_SIGMOID;
    s.loss = NN_LOSS_MSE;
    s.opt.type = NN_OPT_RMSPROP;
    s.activation = NN_ACT_SWISH;
    net = create(&s);
    train(net, 5, 0, 1);                        /* no shuffle, epoch 0, batch 1 */
    emit_model("ckpt-5-1-rmsprop-noshuffle-mid.nnwm", net, 1);
    nn_net_free(net);

    s = spec_of(3, l232);
    s.opt.type = NN_OPT_ADAM;
    net = create(&s);
    emit_model("ckpt-2-3-2-adam-fresh.nnwm", net, 1);
    nn_net_free(net);
}

/* ---- near misses: one defect each ---------------------------------------------------------- */

static void near_model(const char *name, const bytes *b, void (*edit)(bytes *), int crc) {
    bytes c = {malloc(b->n + 8), b->n};
    if (!c.p)
        die("malloc", NN_ERR_NOMEM, "");
    memcpy(c.p, b->p, b->n);
    edit(&c);
    if (crc)
        reseal(c.p, c.n);
    emit("model", name, c.p, c.n);
    free(c.p);
}

/* offsets in the 2-3-2 files: n = 3, P = 17, S = 28, Q = 128, params end at C = 196 */
enum { N3 = 3, P17 = 17, S3 = 16 + 4 * N3, Q3 = 116 + 4 * N3, C3 = Q3 + 4 * P17 };

static void e_crc(bytes *b) { b->p[Q3] ^= 0x01; }
static void e_cut(bytes *b) { b->n -= 1; }
static void e_extra(bytes *b) { b->p[b->n++] = 0; }
static void e_version3(bytes *b) { put32(b->p + 4, 3); }
static void e_version0(bytes *b) { put32(b->p + 4, 0); }
static void e_kind2(bytes *b) { put32(b->p + 8, 2); }
static void e_layers17(bytes *b) { put32(b->p + 12, 17); }
static void e_layers1(bytes *b) { put32(b->p + 12, 1); }
static void e_magic(bytes *b) { b->p[3] = 'X'; }
static void e_size0(bytes *b) { put32(b->p + 20, 0); }
static void e_act(bytes *b) { put32(b->p + S3, NN_ACT_COUNT); }
static void e_opt(bytes *b) { put32(b->p + S3 + 48, 6); }
static void e_P(bytes *b) {             /* 18 floats stored, so the length agrees */
    put64(b->p + S3 + 92, P17 + 1);
    memset(b->p + b->n, 0, 4);
    b->n += 4;
}
static void e_Phuge(bytes *b) { put64(b->p + S3 + 92, ~0ull); }
static void e_nan(bytes *b) { put32(b->p + Q3 + 8, 0x7FC00000u); }
static void e_lr(bytes *b) { put32(b->p + S3 + 52, 0xFF800000u); }    /* −inf */
/* checkpoint (sgd, k = 0): R = C + 8, K = R + 32 */
static void e_even_inc(bytes *b) { b->p[C3 + 8 + 8] &= 0xFE; }
static void e_has2(bytes *b) { put32(b->p + C3 + 8 + 32, 2); }
static void e_cursor_junk(bytes *b) { b->p[C3 + 8 + 32 + 20] = 1; }

static void gen_near_misses(void) {
    static const int32_t l232[] = {2, 3, 2};
    nn_spec s = spec_of(3, l232);
    nn_net *net = create(&s);
    bytes m = save(net, 0), c = save(net, 1);
    near_model("near-bad-crc.nnwm", &m, e_crc, 0);
    near_model("near-cut-by-one.nnwm", &m, e_cut, 0);
    near_model("near-one-byte-extra.nnwm", &m, e_extra, 0);
    near_model("near-version-3.nnwm", &m, e_version3, 1);
    near_model("near-version-0.nnwm", &m, e_version0, 1);
    near_model("near-kind-2.nnwm", &m, e_kind2, 1);
    near_model("near-n-layers-17.nnwm", &m, e_layers17, 1);
    near_model("near-n-layers-1.nnwm", &m, e_layers1, 1);
    near_model("near-magic.nnwm", &m, e_magic, 1);
    near_model("near-layer-size-0.nnwm", &m, e_size0, 1);
    near_model("near-activation-13.nnwm", &m, e_act, 1);    /* NN_ACT_COUNT */
    near_model("near-optimizer-6.nnwm", &m, e_opt, 1);
    near_model("near-P-plus-one.nnwm", &m, e_P, 1);
    near_model("near-P-huge.nnwm", &m, e_Phuge, 1);
    near_model("near-param-nan.nnwm", &m, e_nan, 1);
    near_model("near-lr-minus-inf.nnwm", &m, e_lr, 1);
    near_model("near-ckpt-even-rng-inc.nnwm", &c, e_even_inc, 1);
    near_model("near-ckpt-has-session-2.nnwm", &c, e_has2, 1);
    near_model("near-ckpt-cursor-not-zero.nnwm", &c, e_cursor_junk, 1);
    near_model("near-ckpt-optimizer-6.nnwm", &c, e_opt, 1);
    free(m.p);
    free(c.p);
    nn_net_free(net);

    /* a mid-session checkpoint with its cursor step off by one */
    s.opt.type = NN_OPT_SGD;
    net = create(&s);
    train(net, 3, 1, 2);
    c = save(net, 1);
    const size_t K = (size_t)C3 + 8 + 32;       /* sgd: no state */
    c.p[K + 28] ^= 1;                           /* step */
    reseal(c.p, c.n);
    emit("model", "near-ckpt-session-step.nnwm", c.p, c.n);
    free(c.p);
    nn_net_free(net);

    /* tiny junk: shorter than the header, the magic alone, a header with nothing after */
    static const uint8_t junk0[] = {'N', 'N', 'W'}, junk1[] = {'N', 'N', 'W', 'M'},
                         junk2[] = {'N', 'N', 'W', 'M', 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0};
    emit("model", "near-3-bytes.nnwm", junk0, sizeof junk0);
    emit("model", "near-magic-only.nnwm", junk1, sizeof junk1);
    emit("model", "near-header-only.nnwm", junk2, sizeof junk2);
}


/* ---- version 2: layer lists ---------------------------------------------------------------- */

static nn_layer item(int type, int units, int kh, int kw, int sh, int sw, int pad, int act,
                     float p, float rate) {
    nn_layer l = {type, units, kh, kw, sh, sw, pad, act, p, rate};
    return l;
}

static nn_layer dense(int units, int act) { return item(NN_LAYER_DENSE, units, 0, 0, 0, 0, 0, act, 0, 0); }
static nn_layer conv(int f, int k, int st, int pad, int act) {
    return item(NN_LAYER_CONV2D, f, k, k, st, st, pad, act, 0, 0);
}
static nn_layer pool(int type, int k, int st, int pad) { return item(type, 0, k, k, st, st, pad, 0, 0, 0); }
static nn_layer flat(void) { return item(NN_LAYER_FLATTEN, 0, 0, 0, 0, 0, 0, 0, 0, 0); }
static nn_layer drop(float rate) { return item(NN_LAYER_DROPOUT, 0, 0, 0, 0, 0, 0, 0, 0, rate); }

static nn_spec list_of(int H, int W, int C, const nn_layer *it, int m) {
    nn_spec s = nn_spec_default();
    s.input[0] = H;
    s.input[1] = W;
    s.input[2] = C;
    s.n_items = m;
    for (int l = 0; l < m; l++)
        s.items[l] = it[l];
    return s;
}

/* The small CNN most near misses start from: input 5×4×1, conv 2@3×3 'same' ReLU, max pool
 * 2×2 stride 2 (→ 2×2×2), dropout 0.5, flatten, dense 3. m = 5; P = (9·2 + 2) + (8·3 + 3) =
 * 47; the layers start at 28 (layer l at 28 + 40l), the spec tail at S = 228. */
enum { M5 = 5, S5 = 28 + 40 * M5, Q5 = S5 + 100, P47 = 47, C5 = Q5 + 4 * P47 };
#define LAYER(l, field) (28 + 40 * (l) + 4 * (field))

static nn_spec small_cnn(void) {
    const nn_layer it[M5] = {conv(2, 3, 1, NN_PAD_SAME, NN_ACT_RELU),
                             pool(NN_LAYER_MAXPOOL2D, 2, 2, NN_PAD_VALID), drop(0.5f), flat(),
                             dense(3, 0)};
    return list_of(5, 4, 1, it, M5);
}

static void gen_v2_models(void) {
    nn_spec s;
    nn_net *net;

    s = small_cnn();
    net = create(&s);
    emit_model("v2-model-cnn-conv-maxpool-dropout-flatten-dense.nnwm", net, 0);
    emit_model("v2-ckpt-cnn-fresh.nnwm", net, 1);
    nn_net_free(net);

    /* every layer type and a parameter on three activations; Adam, mid-epoch */
    {
        nn_layer it[8] = {conv(3, 3, 1, NN_PAD_SAME, NN_ACT_LEAKY_RELU),
                          pool(NN_LAYER_MAXPOOL2D, 2, 2, NN_PAD_VALID),
                          item(NN_LAYER_CONV2D, 2, 2, 1, 1, 1, NN_PAD_VALID, NN_ACT_ELU, 0.5f, 0),
                          pool(NN_LAYER_AVGPOOL2D, 2, 1, NN_PAD_SAME), drop(0.25f), flat(),
                          dense(4, NN_ACT_HSWISH), dense(3, 0)};
        it[0].act_param = 0.2f;
        it[6].act_param = 4.0f;
        s = list_of(6, 5, 2, it, 8);
        s.opt.type = NN_OPT_ADAM;
        s.opt.lr = 0.003f;
        s.weight_decay = 1e-3f;
        s.clip_norm = 2.0f;
        s.schedule.type = NN_SCHED_COSINE;
        s.schedule.step_size = 20;
        s.schedule.min_lr = 1e-4f;
        net = create(&s);
        train(net, 4, 1, 4);                    /* epoch 1, batch 1 */
        emit_model("v2-ckpt-cnn-every-layer-adam-mid-epoch.nnwm", net, 1);
        emit_model("v2-model-cnn-every-layer-trained.nnwm", net, 0);
        nn_net_free(net);
        /* the same trained with data augmentation: its ranges are in the cursor */
        net = create(&s);
        const nn_augment_spec aug = {0.1f, 15.0f, 0.1f, 5.0f};
        train_augment = aug;
        train(net, 3, 1, 5);                    /* epoch 1, batch 2 */
        memset(&train_augment, 0, sizeof train_augment);
        emit_model("v2-ckpt-cnn-augment-mid-epoch.nnwm", net, 1);
        nn_net_free(net);
    }
    /* strided 'same' convs with non-square kernels, an avg pool first, sigmoid output */
    {
        const nn_layer it[5] = {pool(NN_LAYER_AVGPOOL2D, 2, 1, NN_PAD_VALID),
                                item(NN_LAYER_CONV2D, 2, 3, 2, 2, 1, NN_PAD_SAME, NN_ACT_GELU, 0,
                                     0),
                                item(NN_LAYER_CONV2D, 1, 1, 3, 1, 2, NN_PAD_SAME,
                                     NN_ACT_GELU_TANH, 0, 0),
                                dense(2, NN_ACT_SOFTPLUS), dense(1, 0)};
        s = list_of(7, 6, 1, it, 5);
        s.output = NN_OUT_SIGMOID;
        s.opt.type = NN_OPT_NESTEROV;
        s.schedule.type = NN_SCHED_STEP;
        s.schedule.step_size = 2;
        s.schedule.gamma = 0.5f;
        net = create(&s);
        train(net, 3, 1, 3);                    /* epoch 1, batch 0: an epoch boundary */
        emit_model("v2-ckpt-cnn-strided-same-nesterov-epoch-boundary.nnwm", net, 1);
        nn_net_free(net);
    }
    /* a conv on several channels into a dense, RMSprop, MSE on identity outputs, finished */
    {
        const nn_layer it[2] = {conv(2, 2, 2, NN_PAD_VALID, NN_ACT_RELU6), dense(2, 0)};
        s = list_of(3, 3, 3, it, 2);
        s.output = NN_OUT_IDENTITY;
        s.loss = NN_LOSS_MSE;
        s.opt.type = NN_OPT_RMSPROP;
        net = create(&s);
        train(net, 2, 0, 100);                  /* finished: has_session 0 */
        emit_model("v2-ckpt-conv-channels-rmsprop-finished.nnwm", net, 1);
        nn_net_free(net);
    }
    /* dense-only lists: an MLP as a list, with dropout layers; one dense layer */
    {
        const nn_layer it[5] = {dense(4, NN_ACT_TANH), drop(0.2f), dense(3, NN_ACT_MISH),
                                drop(0.1f), dense(2, 0)};
        s = list_of(1, 1, 3, it, 5);
        s.opt.type = NN_OPT_MOMENTUM;
        net = create(&s);
        emit_model("v2-model-mlp-as-list-dropout.nnwm", net, 0);
        train(net, 3, 1, 2);
        emit_model("v2-ckpt-mlp-as-list-momentum-mid.nnwm", net, 1);
        nn_net_free(net);
        const nn_layer one[1] = {dense(2, 0)};
        s = list_of(1, 1, 1, one, 1);
        s.opt.type = NN_OPT_ADAGRAD;
        net = create(&s);
        emit_model("v2-model-one-dense.nnwm", net, 0);
        train(net, 2, 0, 1);
        emit_model("v2-ckpt-one-dense-adagrad-noshuffle.nnwm", net, 1);
        nn_net_free(net);
    }
    /* a pool on a row image (height 1), flatten then dense; swish, tanhexp */
    {
        const nn_layer it[4] = {item(NN_LAYER_MAXPOOL2D, 0, 1, 3, 1, 2, NN_PAD_SAME, 0, 0, 0),
                                conv(2, 1, 1, NN_PAD_VALID, NN_ACT_SWISH), flat(),
                                dense(3, 0)};
        s = list_of(1, 9, 2, it, 4);
        s.seed = 3;
        net = create(&s);
        emit_model("v2-model-row-image-pool-swish.nnwm", net, 0);
        nn_net_free(net);
    }
}


/* edits of the small CNN's files (offsets above) */
static void e_v2_crc(bytes *b) { b->p[LAYER(0, 1)] ^= 0x01; }
static void e_v2_items0(bytes *b) { put32(b->p + 12, 0); }
static void e_v2_items33(bytes *b) { put32(b->p + 12, 33); }
static void e_v2_items4(bytes *b) { put32(b->p + 12, M5 - 1); }
static void e_v2_as_v1(bytes *b) { put32(b->p + 4, 1); }
static void e_v2_input0(bytes *b) { put32(b->p + 16, 0); }
static void e_v2_input_big(bytes *b) { put32(b->p + 16, 65536); put32(b->p + 20, 65536); }
static void e_v2_type6(bytes *b) { put32(b->p + LAYER(2, 0), 6); }
static void e_v2_units0(bytes *b) { put32(b->p + LAYER(0, 1), 0); }
static void e_v2_kernel(bytes *b) {     /* a 'valid' 6×6 kernel on the 5×4 input */
    put32(b->p + LAYER(0, 6), NN_PAD_VALID);
    put32(b->p + LAYER(0, 2), 6);
}
static void e_v2_pool_big(bytes *b) { put32(b->p + LAYER(1, 2), 6); }
static void e_v2_stride0(bytes *b) { put32(b->p + LAYER(1, 5), 0); }
static void e_v2_pad2(bytes *b) { put32(b->p + LAYER(0, 6), 2); }
static void e_v2_unused(bytes *b) { put32(b->p + LAYER(1, 1), 2); }
static void e_v2_act13(bytes *b) { put32(b->p + LAYER(0, 7), NN_ACT_COUNT); }
static void e_v2_param_nan(bytes *b) { put32(b->p + LAYER(0, 8), 0x7FC00000u); }
static void e_v2_param_relu(bytes *b) { putf32(b->p + LAYER(0, 8), 0.5f); }
static void e_v2_rate1(bytes *b) { putf32(b->p + LAYER(2, 9), 1.0f); }
static void e_v2_last_flatten(bytes *b) {
    memset(b->p + LAYER(4, 0), 0, 40);
    put32(b->p + LAYER(4, 0), NN_LAYER_FLATTEN);
}
static void e_v2_last_act(bytes *b) { put32(b->p + LAYER(4, 7), NN_ACT_RELU); }
static void e_v2_order(bytes *b) {      /* flatten before the max pool */
    uint8_t t[40];
    memcpy(t, b->p + LAYER(1, 0), 40);
    memcpy(b->p + LAYER(1, 0), b->p + LAYER(3, 0), 40);
    memcpy(b->p + LAYER(3, 0), t, 40);
}
static void e_v2_spec_dropout(bytes *b) { putf32(b->p + S5 + 36, 0.5f); }
static void e_v2_one_output(bytes *b) { put32(b->p + LAYER(4, 1), 1); }
static void e_v2_units4(bytes *b) { put32(b->p + LAYER(4, 1), 4); }   /* needs 56, not 47 */
static void e_v2_param_value(bytes *b) { put32(b->p + Q5 + 4 * 20, 0xFF800000u); }
/* checkpoint (sgd, k = 0): R = C + 8, augment_rng at R + 32, K = R + 48 */
static void e_v2_aug_inc(bytes *b) { b->p[C5 + 8 + 40] &= 0xFE; }
static void e_v2_cursor_aug(bytes *b) { b->p[C5 + 8 + 48 + 95] = 0x3f; }
static void e_v2_shift2(bytes *b) { putf32(b->p + b->n - 4 - 16, 2.0f); }
static void e_v2_shear90(bytes *b) { putf32(b->p + b->n - 4 - 4, 90.0f); }
static void e_v2_rotate_nan(bytes *b) { put32(b->p + b->n - 4 - 12, 0x7FC00000u); }
static void e_v2_rotate10(bytes *b) { putf32(b->p + b->n - 4 - 12, 10.0f); }
static void e_v2_step(bytes *b) { b->p[b->n - 4 - 108 + 28] ^= 1; }

static void gen_v2_near_misses(void) {
    nn_spec s = small_cnn();
    nn_net *net = create(&s);
    bytes m = save(net, 0), c = save(net, 1);
    nn_net_free(net);
    near_model("near-v2-bad-crc.nnwm", &m, e_v2_crc, 0);
    near_model("near-v2-cut-by-one.nnwm", &m, e_cut, 0);
    near_model("near-v2-one-byte-extra.nnwm", &m, e_extra, 0);
    near_model("near-v2-version-3.nnwm", &m, e_version3, 1);
    near_model("near-v2-n-items-0.nnwm", &m, e_v2_items0, 1);
    near_model("near-v2-n-items-33.nnwm", &m, e_v2_items33, 1);
    near_model("near-v2-n-items-minus-one.nnwm", &m, e_v2_items4, 1);
    near_model("near-v2-as-version-1.nnwm", &m, e_v2_as_v1, 1);
    near_model("near-v2-input-height-0.nnwm", &m, e_v2_input0, 1);
    near_model("near-v2-input-too-large.nnwm", &m, e_v2_input_big, 1);
    near_model("near-v2-type-6.nnwm", &m, e_v2_type6, 1);
    near_model("near-v2-conv-units-0.nnwm", &m, e_v2_units0, 1);
    near_model("near-v2-conv-kernel-too-large.nnwm", &m, e_v2_kernel, 1);
    near_model("near-v2-pool-leaves-nothing.nnwm", &m, e_v2_pool_big, 1);
    near_model("near-v2-stride-0.nnwm", &m, e_v2_stride0, 1);
    near_model("near-v2-padding-2.nnwm", &m, e_v2_pad2, 1);
    near_model("near-v2-pool-with-units.nnwm", &m, e_v2_unused, 1);
    near_model("near-v2-activation-13.nnwm", &m, e_v2_act13, 1);
    near_model("near-v2-act-param-nan.nnwm", &m, e_v2_param_nan, 1);
    near_model("near-v2-act-param-on-relu.nnwm", &m, e_v2_param_relu, 1);
    near_model("near-v2-dropout-rate-1.nnwm", &m, e_v2_rate1, 1);
    near_model("near-v2-last-not-dense.nnwm", &m, e_v2_last_flatten, 1);
    near_model("near-v2-last-with-activation.nnwm", &m, e_v2_last_act, 1);
    near_model("near-v2-pool-after-flatten.nnwm", &m, e_v2_order, 1);
    near_model("near-v2-spec-dropout.nnwm", &m, e_v2_spec_dropout, 1);
    near_model("near-v2-softmax-one-output.nnwm", &m, e_v2_one_output, 1);
    near_model("near-v2-P-mismatch.nnwm", &m, e_v2_units4, 1);
    near_model("near-v2-param-nan.nnwm", &m, e_v2_param_value, 1);
    near_model("near-v2-ckpt-augment-rng-even.nnwm", &c, e_v2_aug_inc, 1);
    near_model("near-v2-ckpt-cursor-augment-not-zero.nnwm", &c, e_v2_cursor_aug, 1);
    free(m.p);
    free(c.p);

    /* mid-session checkpoints with augmentation ranges out of range, or on a 1×1 input */
    s = small_cnn();
    net = create(&s);
    train(net, 3, 1, 2);
    c = save(net, 1);
    near_model("near-v2-ckpt-augment-shift-2.nnwm", &c, e_v2_shift2, 1);
    near_model("near-v2-ckpt-augment-shear-90.nnwm", &c, e_v2_shear90, 1);
    near_model("near-v2-ckpt-augment-rotate-nan.nnwm", &c, e_v2_rotate_nan, 1);
    near_model("near-v2-ckpt-session-step.nnwm", &c, e_v2_step, 1);
    free(c.p);
    nn_net_free(net);
    const nn_layer it[2] = {dense(3, NN_ACT_RELU), dense(2, 0)};
    s = list_of(1, 1, 4, it, 2);
    net = create(&s);
    train(net, 3, 1, 2);
    c = save(net, 1);
    near_model("near-v2-ckpt-augment-on-mlp-input.nnwm", &c, e_v2_rotate10, 1);
    free(c.p);
    nn_net_free(net);
}

/* ---- IDX ----------------------------------------------------------------------------------- */

static size_t idx_header(uint8_t *p, uint32_t magic, const uint32_t *dims, int nd) {
    size_t n = 0;
    const uint32_t words[4] = {magic, dims[0], nd > 1 ? dims[1] : 0, nd > 2 ? dims[2] : 0};
    for (int w = 0; w <= nd; w++)
        for (int i = 3; i >= 0; i--)
            p[n++] = (uint8_t)(words[w] >> (8 * i));
    return n;
}

static void idx_file(const char *name, uint32_t magic, const uint32_t *dims, int nd,
                     long delta) {
    static uint8_t buf[4096];
    size_t n = idx_header(buf, magic, dims, nd);
    size_t items = 1;
    for (int d = 0; d < nd; d++)
        items *= dims[d];
    if (items > 2048)
        items = 0;                      /* an absurd header: write it alone */
    for (size_t i = 0; i < items; i++)
        buf[n++] = (uint8_t)(i * 53 + 7);
    n = (size_t)((long)n + delta);
    emit("idx", name, buf, n);
}

static void gen_idx(void) {
    const uint32_t i111[] = {1, 1, 1}, i232[] = {2, 3, 2}, i344[] = {3, 4, 4}, i255[] = {2, 5, 5};
    const uint32_t l1[] = {1}, l10[] = {10}, l7[] = {7};
    idx_file("images-1x1x1.idx", 2051, i111, 3, 0);
    idx_file("images-2x3x2.idx", 2051, i232, 3, 0);
    idx_file("images-3x4x4.idx", 2051, i344, 3, 0);
    idx_file("images-2x5x5.idx", 2051, i255, 3, 0);
    idx_file("labels-1.idx", 2049, l1, 1, 0);
    idx_file("labels-10.idx", 2049, l10, 1, 0);
    idx_file("labels-7.idx", 2049, l7, 1, 0);
    /* near misses */
    idx_file("near-images-trailing-byte.idx", 2051, i232, 3, 1);
    idx_file("near-images-cut.idx", 2051, i232, 3, -1);
    idx_file("near-labels-cut.idx", 2049, l10, 1, -3);
    idx_file("near-labels-trailing.idx", 2049, l7, 1, 2);
    idx_file("near-magic-0802.idx", 0x0802, i232, 3, 0);
    idx_file("near-labels-as-images.idx", 2051, l10, 1, 0);
    const uint32_t zero[] = {0, 3, 3}, big[] = {2, 65536, 65536}, many[] = {65536, 256, 256},
                   huge[] = {0x80000000u, 1, 1};
    idx_file("near-images-count-0.idx", 2051, zero, 3, 0);
    idx_file("near-images-item-overflow.idx", 2051, big, 3, 0);
    idx_file("near-images-total-overflow.idx", 2051, many, 3, 0);
    idx_file("near-labels-count-2-31.idx", 2049, huge, 1, 0);
    static const uint8_t short3[] = {0, 0, 8};
    static const uint8_t hdr_cut[] = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0};
    emit("idx", "near-3-bytes.idx", short3, sizeof short3);
    emit("idx", "near-image-header-cut.idx", hdr_cut, sizeof hdr_cut);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR   (writes DIR/model and DIR/idx, which must exist)\n",
                argv[0]);
        return 2;
    }
    root = argv[1];
    gen_models();
    gen_near_misses();
    gen_v2_models();
    gen_v2_near_misses();
    gen_idx();
    printf("gen_corpus: wrote %d files under %s\n", written, root);
    return 0;
}
