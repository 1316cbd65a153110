/*
 * losses.c — output activations, losses and their gradients at the logits z.
 * Sizes: B batch rows, O outputs. A row's truth is its label lab[r] (standing for the one-hot
 * row) when lab is given, else the target row tgt (B, O).
 */
#include "nn_internal.h"

#include <math.h>

/* target value of row r, column j; with a single output the label (0 or 1) is the target */
static inline float truth(const int32_t *lab, const float *tgt, int r, int j, int O) {
    if (!lab)
        return tgt[(size_t)r * O + j];
    return O == 1 ? (float)lab[r] : (lab[r] == j ? 1.0f : 0.0f);
}

/* softmax: y = exp(z − max)/Σ exp(z − max); sigmoid: 1/(1 + e^−z); identity: y = z */
void nn_output_forward(int output, float *y, const float *z, int B, int O) {
    const size_t n = (size_t)B * O;
    if (output == NN_OUT_SOFTMAX) {
        for (int r = 0; r < B; r++) {
            const float *zr = z + (size_t)r * O;
            float *yr = y + (size_t)r * O;
            float m = zr[0];
            for (int j = 1; j < O; j++)
                m = zr[j] > m ? zr[j] : m;
            float s = 0.0f;
            for (int j = 0; j < O; j++) {
                yr[j] = (float)nn_exp_f32(zr[j] - m);   /* not expf: see nn_math.c */
                s += yr[j];
            }
            const float inv = 1.0f / s;
            for (int j = 0; j < O; j++)
                yr[j] *= inv;
        }
    } else if (output == NN_OUT_SIGMOID) {
        for (size_t i = 0; i < n; i++)
            y[i] = nn_act_value(NN_ACT_SIGMOID, z[i], 0.0f);
    } else {
        for (size_t i = 0; i < n; i++)
            y[i] = z[i];
    }
}

/* softplus(x) = log(1 + eˣ), stable for any x */
static double softplus(double x) { return x > 0 ? x + nn_log1p(nn_exp(-x)) : nn_log1p(nn_exp(x)); }

/* Σ_rows of: softmax CE  Σ_j t_j·(logΣexp(z) − z_j);  sigmoid CE  Σ_j softplus(z_j) − t_j z_j;
 * sum of squares  ½Σ_j (y_j − t_j)².  CE is computed from z so it stays finite. */
double nn_loss_sum(int loss, int output, const float *z, const float *y, const int32_t *lab,
                   const float *tgt, int B, int O) {
    double total = 0.0;
    for (int r = 0; r < B; r++) {
        const float *zr = z + (size_t)r * O;
        const float *yr = y + (size_t)r * O;
        if (loss == NN_LOSS_MSE) {
            for (int j = 0; j < O; j++) {
                double d = (double)yr[j] - truth(lab, tgt, r, j, O);
                total += 0.5 * d * d;
            }
        } else if (output == NN_OUT_SOFTMAX) {
            double m = zr[0], s = 0.0;
            for (int j = 1; j < O; j++)
                m = zr[j] > m ? zr[j] : m;
            for (int j = 0; j < O; j++)
                s += nn_exp((double)zr[j] - m);
            const double lse = m + nn_log(s);
            if (lab) {
                total += lse - zr[lab[r]];
            } else {
                for (int j = 0; j < O; j++)
                    total += (double)tgt[(size_t)r * O + j] * (lse - zr[j]);
            }
        } else {                /* sigmoid output: binary cross-entropy per unit */
            for (int j = 0; j < O; j++)
                total += softplus(zr[j]) - (double)truth(lab, tgt, r, j, O) * zr[j];
        }
    }
    return total;
}

/* dz = scale·∂L/∂z with L the batch mean:
 *   softmax CE: (y·Σt − t)/B (= (y − t)/B for one-hot rows);  sigmoid CE: (y − t)/B;
 *   sum of squares: g = (y − t)/B through the output: identity g, sigmoid g·y(1 − y),
 *   softmax y_j·(g_j − Σ_k g_k y_k). */
void nn_loss_backward(int loss, int output, float *dz, const float *y, const int32_t *lab,
                      const float *tgt, int B, int O, float scale) {
    const float k = scale / (float)B;
    for (int r = 0; r < B; r++) {
        const float *yr = y + (size_t)r * O;
        float *dr = dz + (size_t)r * O;
        if (loss == NN_LOSS_CROSS_ENTROPY && output == NN_OUT_SOFTMAX) {
            float tsum = 1.0f;
            if (!lab) {
                tsum = 0.0f;
                for (int j = 0; j < O; j++)
                    tsum += tgt[(size_t)r * O + j];
            }
            for (int j = 0; j < O; j++)
                dr[j] = k * (yr[j] * tsum - truth(lab, tgt, r, j, O));
        } else if (loss == NN_LOSS_CROSS_ENTROPY || output == NN_OUT_IDENTITY) {
            for (int j = 0; j < O; j++)
                dr[j] = k * (yr[j] - truth(lab, tgt, r, j, O));
        } else if (output == NN_OUT_SIGMOID) {
            for (int j = 0; j < O; j++)
                dr[j] = k * (yr[j] - truth(lab, tgt, r, j, O)) * yr[j] * (1.0f - yr[j]);
        } else {                /* softmax with sum of squares: through the Jacobian */
            float gy = 0.0f;
            for (int j = 0; j < O; j++)
                gy += (yr[j] - truth(lab, tgt, r, j, O)) * yr[j];
            for (int j = 0; j < O; j++)
                dr[j] = k * yr[j] * ((yr[j] - truth(lab, tgt, r, j, O)) - gy);
        }
    }
}

static int argmax(const float *v, int n) {
    int best = 0;
    for (int j = 1; j < n; j++)
        if (v[j] > v[best])
            best = j;
    return best;
}

int nn_count_correct(const float *y, const int32_t *lab, const float *tgt, int B, int O) {
    int right = 0;
    for (int r = 0; r < B; r++) {
        const float *yr = y + (size_t)r * O;
        if (O == 1) {
            float t = lab ? (float)lab[r] : tgt[r];
            right += (yr[0] >= 0.5f) == (t >= 0.5f);
        } else {
            int want = lab ? lab[r] : argmax(tgt + (size_t)r * O, O);
            right += argmax(yr, O) == want;
        }
    }
    return right;
}
