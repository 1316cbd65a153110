/*
 * spiral_demo.c — what `npm start` runs until the browser demo exists: the seeds' spiral
 * (2-10-3 sigmoid, SGD 1.0, batch 30, 300 epochs) trained by the native core, with progress,
 * then the decision regions drawn in the terminal.
 */
#include "nnwasm.h"

#include <stdio.h>

int main(void) {
    enum { PER = 100, CLASSES = 3, ROWS = PER * CLASSES };
    static float x[ROWS * 2];
    static int32_t y[ROWS];
    nn_error e;
    if (nn_spiral(PER, CLASSES, 1, x, y, &e) != NN_OK) {
        fprintf(stderr, "spiral: %s\n", e.message);
        return 1;
    }
    nn_spec s = nn_spec_default();
    s.n_layers = 3;
    s.layers[0] = 2;
    s.layers[1] = 10;
    s.layers[2] = CLASSES;
    s.activation = NN_ACT_SIGMOID;
    s.init = NN_INIT_GAUSSIAN;
    s.init_std = 0.01f;
    s.opt.lr = 1.0f;
    nn_net *net;
    if (nn_net_create(&s, &net, &e) != NN_OK) {
        fprintf(stderr, "create: %s\n", e.message);
        return 1;
    }
    nn_data d = {x, NULL, y, NULL, ROWS, 2};
    nn_fit_opts o = nn_fit_opts_default();     /* shuffled, augmentation off */
    o.epochs = 300;
    o.batch_size = 30;
    nn_progress p;
    nn_status st = nn_fit_begin(net, &d, &o);
    printf("training 2-10-3 sigmoid on the spiral: SGD 1.0, batch 30, 300 epochs\n");
    while (st == NN_OK && (st = nn_fit_steps(net, 1000, &p)) == NN_OK && !p.done)
        if (p.epoch % 30 == 0)
            printf("epoch %3d/%d  loss %.4f  accuracy %.3f\n", p.epoch, p.epochs, p.loss,
                   p.accuracy);
    if (st != NN_OK) {
        fprintf(stderr, "training: %s\n", nn_net_last_error(net));
        nn_net_free(net);
        return 1;
    }
    printf("epoch %3d/%d  loss %.4f  accuracy %.3f\n", p.epoch, p.epochs, p.loss, p.accuracy);
    nn_fit_end(net);
    /* decision regions on a 60×24 grid over [−1, 1]², one letter per class */
    for (int r = 0; r < 24; r++) {
        float row[60 * 2], out[60 * CLASSES];
        for (int c = 0; c < 60; c++) {
            row[2 * c] = -1.0f + 2.0f * (float)c / 59.0f;
            row[2 * c + 1] = 1.0f - 2.0f * (float)r / 23.0f;
        }
        nn_predict(net, row, 60, out, sizeof out / sizeof out[0]);
        char line[61];
        for (int c = 0; c < 60; c++) {
            int best = 0;
            for (int j = 1; j < CLASSES; j++)
                best = out[c * CLASSES + j] > out[c * CLASSES + best] ? j : best;
            line[c] = (char)('a' + best);
        }
        line[60] = 0;
        printf("  %s\n", line);
    }
    nn_net_free(net);
    return 0;
}
