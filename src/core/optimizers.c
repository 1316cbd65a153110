/*
 * optimizers.c — parameter updates, learning-rate schedules and weight decay.
 * P parameters; state vectors of P floats live in net->state (velocity, h, or Adam's m then v).
 */
#include "kernels.h"
#include "nn_internal.h"

#include <math.h>

int nn_opt_state_count(int type) {
    switch (type) {
    case NN_OPT_SGD: return 0;
    case NN_OPT_ADAM: return 2;
    default: return 1;
    }
}

/* one update w ← w − step(g) for every parameter, by the rule of spec.opt.type */
void nn_opt_step(nn_net *net, float lr) {
    const nn_optimizer_spec *o = &net->spec.opt;
    const size_t P = net->P;
    float *w = net->params;
    const float *g = net->grads;
    float *s = net->state;
    net->t++;
    switch (o->type) {
    case NN_OPT_SGD:            /* w −= η·g */
        nn_axpy(w, -lr, g, P);
        break;
    case NN_OPT_MOMENTUM:       /* v = μv − η·g; w += v */
        for (size_t i = 0; i < P; i++) {
            s[i] = o->momentum * s[i] - lr * g[i];
            w[i] += s[i];
        }
        break;
    case NN_OPT_NESTEROV:       /* v' = μv − η·g; w += −μv + (1 + μ)v' */
        for (size_t i = 0; i < P; i++) {
            const float v = s[i];
            s[i] = o->momentum * v - lr * g[i];
            w[i] += -o->momentum * v + (1.0f + o->momentum) * s[i];
        }
        break;
    case NN_OPT_ADAGRAD:        /* h += g²; w −= η·g/(√h + ε) */
        for (size_t i = 0; i < P; i++) {
            s[i] += g[i] * g[i];
            w[i] -= lr * g[i] / (sqrtf(s[i]) + o->eps);
        }
        break;
    case NN_OPT_RMSPROP:        /* h = ρh + (1 − ρ)g²; w −= η·g/(√h + ε) */
        for (size_t i = 0; i < P; i++) {
            s[i] = o->rho * s[i] + (1.0f - o->rho) * g[i] * g[i];
            w[i] -= lr * g[i] / (sqrtf(s[i]) + o->eps);
        }
        break;
    case NN_OPT_ADAM: {         /* m, v averages; w −= η·m̂/(√v̂ + ε), m̂ = m/(1 − β1ᵗ) */
        float *m = s, *v = s + P;
        const float c1 = (float)(1.0 / (1.0 - nn_pow(o->beta1, (double)net->t)));
        const float c2 = (float)(1.0 / (1.0 - nn_pow(o->beta2, (double)net->t)));
        for (size_t i = 0; i < P; i++) {
            m[i] = o->beta1 * m[i] + (1.0f - o->beta1) * g[i];
            v[i] = o->beta2 * v[i] + (1.0f - o->beta2) * g[i] * g[i];
            w[i] -= lr * (m[i] * c1) / (sqrtf(v[i] * c2) + o->eps);
        }
        break;
    }
    }
}

/* η at session step s: constant, step decay, exponential decay or cosine annealing */
float nn_schedule_lr(const nn_spec *spec, int64_t s) {
    const nn_schedule_spec *k = &spec->schedule;
    const double lr = spec->opt.lr;
    switch (k->type) {
    case NN_SCHED_STEP:
        return (float)(lr * nn_pow(k->gamma, (double)(s / k->step_size)));
    case NN_SCHED_EXPONENTIAL:
        return (float)(lr * nn_pow(k->gamma, (double)s / k->step_size));
    case NN_SCHED_COSINE: {
        const double f = s < k->step_size ? (double)s / k->step_size : 1.0;
        return (float)(k->min_lr + (lr - k->min_lr) * 0.5 * (1.0 + nn_cos(3.141592653589793 * f)));
    }
    default:
        return (float)lr;
    }
}

/* λ/2·ΣW² over every layer's weights (biases excluded) */
double nn_decay_loss(const nn_net *net) {
    const float lambda = net->spec.weight_decay;
    if (lambda == 0.0f)
        return 0.0;
    double s = 0.0;
    for (int l = 0; l < net->L; l++)
        if (net->u[l].nw)
            s += nn_sumsq(net->params + net->w_off[l], net->u[l].nw);
    return 0.5 * lambda * s;
}

/* grad += scale·λW for every layer's weights */
void nn_decay_grad(nn_net *net, float scale) {
    const float lambda = scale * net->spec.weight_decay;
    if (lambda == 0.0f)
        return;
    for (int l = 0; l < net->L; l++)
        if (net->u[l].nw)
            nn_axpy(net->grads + net->w_off[l], lambda, net->params + net->w_off[l],
                    net->u[l].nw);
}
