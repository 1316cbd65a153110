/*
 * gradcheck.c — the central-difference gradient checker, a library feature the tests use.
 */
#include "nn_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* objective over all rows of data, gathered in the workspace, without dropout */
static double objective(nn_net *net, int B) {
    float sign;
    nn_forward(net, B, 0);
    return nn_objective(net, B, &sign);
}

/* worst |a − n| / max(|a|, |n|, 1e-3) with n = (f(w + h) − f(w − h))/2h per parameter */
nn_status nn_grad_check(nn_net *net, const nn_data *data, float h, double *worst) {
    if (!net)
        return NN_ERR_ARG;
    if (net->fit.active)
        return nn_net_fail(net, NN_ERR_STATE, "gradient check during a fit session");
    if (!(isfinite(h) && h > 0.0f))
        return nn_net_fail(net, NN_ERR_ARG, "step h %g must be finite and > 0", (double)h);
    if (!worst)
        return nn_net_fail(net, NN_ERR_ARG, "worst is NULL");
    if (!data || data->rows < 1)
        return nn_net_fail(net, NN_ERR_ARG, "data is NULL or empty");
    /* validate through evaluate's checks, which also size a workspace */
    nn_status st = nn_evaluate(net, data, NULL, NULL);
    if (st != NN_OK)
        return st;
    const int B = data->rows;
    if ((st = nn_ensure_workspace(net, B)) != NN_OK)
        return st;
    float *analytic = malloc(net->P * sizeof(float));
    if (!analytic)
        return nn_net_fail(net, NN_ERR_NOMEM, "out of memory for %zu gradients", net->P);
    nn_gather(net, data, NULL, 0, B);
    float sign;
    nn_forward(net, B, 0);
    nn_objective(net, B, &sign);
    nn_backward(net, B, sign);
    memcpy(analytic, net->grads, net->P * sizeof(float));
    double bad = 0.0;
    for (size_t i = 0; i < net->P; i++) {
        const float w = net->params[i];
        net->params[i] = w + h;
        const double up = objective(net, B);
        net->params[i] = w - h;
        const double down = objective(net, B);
        net->params[i] = w;
        /* the step actually taken, as rounded in f32 */
        const double step = (double)(w + h) - (double)(w - h);
        const double num = (up - down) / step, a = analytic[i];
        double den = fabs(a) > fabs(num) ? fabs(a) : fabs(num);
        den = den > 1e-3 ? den : 1e-3;
        double rel = fabs(a - num) / den;
        if (isnan(rel))         /* NaN counts as the worst */
            rel = INFINITY;
        if (rel > bad)
            bad = rel;
    }
    memcpy(net->grads, analytic, net->P * sizeof(float));
    free(analytic);
    *worst = bad;
    return NN_OK;
}
