/*
 * trajectory.c — a seeded training run printed as JSON, the native side of
 * tests/js/consistency.test.js. The same run, through the JS API on the scalar and SIMD wasm
 * builds, is tests/js/fixtures/trajectory.mjs; keep the two in step.
 *
 * The run: the spiral of 3 classes × 100 points (seed 1), a 2-16-16-3 tanh net with softmax
 * and cross-entropy, He init, Adam η = 0.01, dropout 0.1, seed 7; batch 30 with shuffling for
 * 20 epochs = 200 optimizer steps, one step per nn_fit_steps call.
 *
 * Output (stdout, one line): {"variant": "native", "losses": [batch loss of each step],
 * "params": [every parameter after the last step], "evaluate": {"loss": …, "accuracy": …}}.
 * Doubles are printed with 17 significant digits and floats with 9, so both round-trip exactly.
 */
#include "nnwasm.h"

#include <stdio.h>

enum { PER = 100, CLASSES = 3, ROWS = PER * CLASSES, EPOCHS = 20, BATCH = 30 };
enum { STEPS = EPOCHS * ROWS / BATCH };

static int fail(const char *what, const char *message) {
    fprintf(stderr, "trajectory: %s: %s\n", what, message);
    return 1;
}

int main(void) {
    static float x[ROWS * 2];
    static int32_t y[ROWS];
    static double losses[STEPS];
    nn_error e;
    if (nn_spiral(PER, CLASSES, 1, x, y, &e) != NN_OK)
        return fail("spiral", e.message);

    nn_spec s = nn_spec_default();
    s.n_layers = 4;
    s.layers[0] = 2;
    s.layers[1] = 16;
    s.layers[2] = 16;
    s.layers[3] = CLASSES;
    s.activation = NN_ACT_TANH;
    s.opt.type = NN_OPT_ADAM;
    s.opt.lr = 0.01f;
    s.dropout = 0.1f;
    s.seed = 7;
    nn_net *net;
    if (nn_net_create(&s, &net, &e) != NN_OK)
        return fail("create", e.message);

    const nn_data d = {x, NULL, y, NULL, ROWS, 2};
    const nn_fit_opts o = {EPOCHS, BATCH, 1, 0, {0.0f, 0.0f, 0.0f, 0.0f}};
    nn_progress p = {0};
    int steps = 0;
    nn_status st = nn_fit_begin(net, &d, &o);
    while (st == NN_OK && !p.done && (st = nn_fit_steps(net, 1, &p)) == NN_OK) {
        if (steps == STEPS || p.step != steps + 1) {
            nn_fit_end(net);
            nn_net_free(net);
            return fail("training", "the session ran a step count other than expected");
        }
        losses[steps++] = p.batch_loss;
    }
    if (st != NN_OK) {
        int rc = fail("training", nn_net_last_error(net));
        nn_net_free(net);
        return rc;
    }
    nn_fit_end(net);
    if (steps != STEPS) {
        nn_net_free(net);
        return fail("training", "fewer steps than expected");
    }
    double loss, accuracy;
    if (nn_evaluate(net, &d, &loss, &accuracy) != NN_OK) {
        int rc = fail("evaluate", nn_net_last_error(net));
        nn_net_free(net);
        return rc;
    }

    printf("{\"variant\": \"native\", \"losses\": [");
    for (int i = 0; i < STEPS; i++)
        printf("%s%.17g", i ? ", " : "", losses[i]);
    printf("], \"params\": [");
    const float *w = nn_params(net);
    const size_t P = nn_param_count(net);
    for (size_t i = 0; i < P; i++)
        printf("%s%.9g", i ? ", " : "", (double)w[i]);
    printf("], \"evaluate\": {\"loss\": %.17g, \"accuracy\": %.17g}}\n", loss, accuracy);
    nn_net_free(net);
    return 0;
}
