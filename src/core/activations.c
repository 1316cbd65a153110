/*
 * activations.c — every hidden-layer activation f and its derivative f', as scalar functions
 * (the definition, also used by the tests) and as one table of array operations:
 *   forward   y[i]  = f(x[i])
 *   backward  dx[i] = dy[i]·f'(x[i])
 * p is the activation's parameter: the slope of leaky_relu for x ≤ 0, the width n of hswish,
 * α of elu; the other activations ignore it.
 *
 * Every function returns a finite value for every finite x (up to ±FLT_MAX): exponentials only
 * ever see arguments where they cannot overflow, and no product can become inf·0.
 * The same bits natively and in wasm (issue #13): every function that is not piecewise linear
 * works in double with nn_math.c's functions (the float-grade exp, expm1 and tanh; log1p, and
 * erfc and exp for the GELUs) and rounds once to float, which puts it within an ulp of the
 * correctly rounded result. libm's float functions are not used: glibc and musl (emscripten's
 * libc) do not round them alike. In double, x³, x·eˣ or x·e^(−x²/2) cannot overflow for any
 * float x, and erfc keeps Φ(x) accurate in the left tail, where ½(1 + erf) would round to 0.
 * Array loops work in place (y == x, dx == dy) since each element is read before it is written;
 * otherwise their arrays must not overlap.
 */
#include "nn_internal.h"

#include <math.h>
#include <string.h>

/* Above this, tanh(eˣ) is exactly 1 in double (from x ≈ 2.95 on), and x·e^x·sech²(eˣ) is 0 */
#define TANHEXP_LINEAR 9.0f
/* Above this, mish(x) = x·(1 − 2/(q + 2)) with q > e^40 is x, and mish'(x) is 1, in double */
#define MISH_LINEAR 20.0f
/* ReLU6 clips to [0, RELU6_TOP] */
#define RELU6_TOP 6.0f
/* 1/√2, 1/√(2π) and 2√(2/π), to double precision */
#define SQRT1_2 0.70710678118654752440
#define INV_SQRT_2PI 0.39894228040143267794
#define TWO_SQRT_2_PI 1.59576912160573071176
/* GELU's tanh approximation: the coefficient of x³ inside the tanh */
#define GELU_TANH_CUBIC 0.044715

/* ---- shared helpers, in double ---------------------------------------------------------- */

/* σ(x) = 1/(1 + e^−x) from e = e^−|x| (which never overflows): 1/(1 + e) or e/(1 + e) */
static inline double sigm_of(double x, double e) {
    return x >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

/* σ'(x) = σ(x)·σ(−x) = e/(1 + e)², e = e^−|x|: no cancellation in 1 − σ for large |x| */
static inline double sigm_d_of(double e) {
    const double d = 1.0 + e;
    return e / (d * d);
}

static inline double sigm(double x) { return sigm_of(x, nn_exp_f32(-fabs(x))); }

/* sech²(a) = 1 − tanh²(a) = 4u/(1 + u)², u = e^−2|a|: accurate where tanh(a) rounds to ±1 */
static inline double sech2(double a) {
    const double u = nn_exp_f32(-2.0 * fabs(a));
    const double d = 1.0 + u;
    return 4.0 * u / (d * d);
}

/* softplus(x) = log(1 + eˣ) = x + log(1 + e^−x): the exponential never overflows */
static inline double softplus(double x) {
    return x > 0.0 ? x + nn_log1p(nn_exp_f32(-x)) : nn_log1p(nn_exp_f32(x));
}

/* ---- scalar definitions: f(x, p) and f'(x, p) ------------------------------------------- */

/* sigmoid: σ(x) */
static inline float sigmoid_f(float x, float p) {
    (void)p;
    return (float)sigm(x);
}

/* sigmoid': σ(x)(1 − σ(x)) */
static inline float sigmoid_d(float x, float p) {
    (void)p;
    return (float)sigm_d_of(nn_exp_f32(-fabs((double)x)));
}

/* tanh(x) */
static inline float tanh_f(float x, float p) {
    (void)p;
    return (float)nn_tanh_f32(x);
}

/* tanh'(x) = 1 − tanh²(x) = sech²(x) */
static inline float tanh_d(float x, float p) {
    (void)p;
    return (float)sech2(x);
}

/* relu: max(x, 0) */
static inline float relu_f(float x, float p) {
    (void)p;
    return x > 0.0f ? x : 0.0f;
}

/* relu': 1 for x > 0, else 0 (0 at the kink) */
static inline float relu_d(float x, float p) {
    (void)p;
    return x > 0.0f ? 1.0f : 0.0f;
}

/* leaky_relu: x > 0 ? x : p·x */
static inline float leaky_f(float x, float p) {
    return x > 0.0f ? x : p * x;
}

/* leaky_relu': 1 for x > 0, else p (p at the kink) */
static inline float leaky_d(float x, float p) {
    return x > 0.0f ? 1.0f : p;
}

/* swish: x·σ(x) */
static inline float swish_f(float x, float p) {
    (void)p;
    return (float)(x * sigm(x));
}

/* swish': σ(x) + x·σ(x)(1 − σ(x)), both from one e^−|x| */
static inline float swish_d(float x, float p) {
    (void)p;
    const double e = nn_exp_f32(-fabs((double)x));
    return (float)(sigm_of(x, e) + x * sigm_d_of(e));
}

/* mish: x·tanh(softplus(x)) = x·q/(q + 2) with n = eˣ, q = n(n + 2), since tanh(ln(1 + n)) =
 * ((1 + n)² − 1)/((1 + n)² + 1): one exponential, and nothing cancels (every term is >= 0) */
static inline float mish_f(float x, float p) {
    (void)p;
    if (x > MISH_LINEAR)
        return x;
    const double n = nn_exp_f32(x), q = n * (n + 2.0);
    return (float)(x * (q / (q + 2.0)));
}

/* mish': tanh(sp) + x·sech²(sp)·σ(x), sp = softplus(x). With n and q as above, tanh(sp) =
 * q/(q + 2), sech²(sp) = 4(n + 1)²/(q + 2)² and σ(x) = n/(1 + n), so
 * mish' = q/(q + 2) + 4x·n(n + 1)/(q + 2)² */
static inline float mish_d(float x, float p) {
    (void)p;
    if (x > MISH_LINEAR)
        return 1.0f;
    const double n = nn_exp_f32(x), q = n * (n + 2.0), d = q + 2.0;
    return (float)(q / d + 4.0 * x * (n * (n + 1.0)) / (d * d));
}

/* hswish (width n = p): 0 for x ≤ −n/2, x for x > n/2, x·(x + n/2)/n between */
static inline float hswish_f(float x, float p) {
    const float h = 0.5f * p;
    if (x <= -h)
        return 0.0f;
    if (x > h)
        return x;
    return x * ((x + h) / p);   /* (x + n/2)/n is in [0, 1]: no overflow even for huge n */
}

/* hswish': 0 for x ≤ −n/2, 1 for x > n/2, (2x + n/2)/n = 2x/n + 1/2 between */
static inline float hswish_d(float x, float p) {
    const float h = 0.5f * p;
    if (x <= -h)
        return 0.0f;
    if (x > h)
        return 1.0f;
    return 2.0f * (x / p) + 0.5f;
}

/* tanhexp: x·tanh(eˣ); tanh(eˣ) is exactly 1 beyond TANHEXP_LINEAR */
static inline float tanhexp_f(float x, float p) {
    (void)p;
    return x > TANHEXP_LINEAR ? x : (float)(x * nn_tanh_f32(nn_exp_f32(x)));
}

/* tanhexp': tanh(eˣ) − x·eˣ·(tanh²(eˣ) − 1) = tanh(eˣ) + x·eˣ·sech²(eˣ).
 * Past TANHEXP_LINEAR the second term is below 1e−40 and the first is 1, so return 1 before
 * eˣ can overflow (which would give inf·0). */
static inline float tanhexp_d(float x, float p) {
    (void)p;
    if (x > TANHEXP_LINEAR)
        return 1.0f;
    const double e = nn_exp_f32(x);
    return (float)(nn_tanh_f32(e) + x * e * sech2(e));
}

/* elu (α = p): x for x > 0, α(eˣ − 1) below; expm1 keeps α·x for tiny x, and eˣ − 1 is in
 * [−1, 0] there, so no α makes it overflow */
static inline float elu_f(float x, float p) {
    return x > 0.0f ? x : (float)(p * nn_expm1_f32(x));
}

/* elu': 1 for x > 0, α·eˣ below (α at the kink; continuous for α = 1) */
static inline float elu_d(float x, float p) {
    return x > 0.0f ? 1.0f : (float)(p * nn_exp_f32(x));
}

/* Φ(x) = ½·erfc(−x/√2), the standard normal CDF */
static inline double norm_cdf(double x) {
    return 0.5 * nn_erfc(-x * SQRT1_2);
}

/* gelu: x·Φ(x) */
static inline float gelu_f(float x, float p) {
    (void)p;
    return (float)(x * norm_cdf(x));
}

/* gelu': Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π); e^(−x²/2) is 0 from |x| ≈ 38.6 on, while
 * x·0 is still 0 */
static inline float gelu_d(float x, float p) {
    (void)p;
    const double d = x;
    return (float)(norm_cdf(d) + d * (nn_exp(-0.5 * d * d) * INV_SQRT_2PI));
}

/* GELU's tanh form as x·σ(v): ½(1 + tanh(v/2)) = σ(v) with v = 2√(2/π)(x + 0.044715x³),
 * and σ(v) = 1/(1 + e) or e/(1 + e), e = e^(−|v|), which never cancels in the left tail.
 * Returns σ(v), σ(v)·σ(−v) = e/(1 + e)² in *sd and v' = dv/dx in *dv. */
static inline double gelu_tanh_sigma(double x, double *sd, double *dv) {
    const double v = TWO_SQRT_2_PI * (x + GELU_TANH_CUBIC * (x * x * x));
    const double e = nn_exp(-fabs(v)), d = 1.0 + e;
    *sd = e / (d * d);
    *dv = TWO_SQRT_2_PI * (1.0 + 3.0 * GELU_TANH_CUBIC * (x * x));
    return v >= 0.0 ? 1.0 / d : e / d;
}

/* gelu_tanh: ½x(1 + tanh(√(2/π)(x + 0.044715x³))) = x·σ(v) */
static inline float gelu_tanh_f(float x, float p) {
    (void)p;
    double sd, dv;
    return (float)(x * gelu_tanh_sigma(x, &sd, &dv));
}

/* gelu_tanh': σ(v) + x·v'·σ(v)σ(−v), v' = 2√(2/π)(1 + 3·0.044715x²) */
static inline float gelu_tanh_d(float x, float p) {
    (void)p;
    double sd, dv;
    const double s = gelu_tanh_sigma(x, &sd, &dv);
    return (float)(s + x * dv * sd);
}

/* relu6: min(max(x, 0), 6) */
static inline float relu6_f(float x, float p) {
    (void)p;
    return x > 0.0f ? fminf(x, RELU6_TOP) : 0.0f;
}

/* relu6': 1 for 0 < x < 6, else 0 (0 at both kinks, as PyTorch and TensorFlow) */
static inline float relu6_d(float x, float p) {
    (void)p;
    return x > 0.0f && x < RELU6_TOP ? 1.0f : 0.0f;
}

/* softplus: ln(1 + eˣ) */
static inline float softplus_f(float x, float p) {
    (void)p;
    return (float)softplus(x);
}

/* softplus': σ(x) */
static inline float softplus_d(float x, float p) {
    (void)p;
    return (float)sigm(x);
}

/* ---- array forms ------------------------------------------------------------------------ */

/* forward: y[i] = f(x[i]); backward: dx[i] = dy[i]·f'(x[i]) (y is not needed: every
 * derivative above is computed from x, which is more accurate than from y in the tails).
 * Backward multiplies in place: dy is first copied to dx when they differ. One loop of the
 * form dx[i] = dy[i]·f'(x[i]) stayed scalar in wasm when the layers called it in place (the
 * compiler's overlap check failed): ReLU's backward took 0.64 s of a CNN epoch, 0.07 s this
 * way, the same products; one loop per activation keeps the module small. */
#define ACT_ARRAYS(f)                                                                        \
    static void f##_fwd(float *y, const float *x, size_t n, float p) {                       \
        for (size_t i = 0; i < n; i++)                                                       \
            y[i] = f##_f(x[i], p);                                                           \
    }                                                                                        \
    static void f##_bwd(float *dx, const float *dy, const float *x, const float *y, size_t n, \
                        float p) {                                                           \
        (void)y;                                                                             \
        if (dx != dy)                                                                        \
            memcpy(dx, dy, n * sizeof *dx);                                                  \
        for (size_t i = 0; i < n; i++)                                                       \
            dx[i] *= f##_d(x[i], p);                                                         \
    }

ACT_ARRAYS(sigmoid)
ACT_ARRAYS(tanh)
ACT_ARRAYS(relu)
ACT_ARRAYS(leaky)
ACT_ARRAYS(swish)
ACT_ARRAYS(mish)
ACT_ARRAYS(hswish)
ACT_ARRAYS(tanhexp)
ACT_ARRAYS(elu)
ACT_ARRAYS(gelu)
ACT_ARRAYS(gelu_tanh)
ACT_ARRAYS(relu6)
ACT_ARRAYS(softplus)

#undef ACT_ARRAYS

/* the table, indexed by nn_activation; the names are the ones the JS API uses (for elu ..
 * softplus: will use, issue #14) */
const nn_act_op nn_act_ops[NN_ACT_COUNT] = {
    [NN_ACT_SIGMOID] = {"sigmoid", sigmoid_fwd, sigmoid_bwd},
    [NN_ACT_TANH] = {"tanh", tanh_fwd, tanh_bwd},
    [NN_ACT_RELU] = {"relu", relu_fwd, relu_bwd},
    [NN_ACT_LEAKY_RELU] = {"leaky_relu", leaky_fwd, leaky_bwd},
    [NN_ACT_SWISH] = {"swish", swish_fwd, swish_bwd},
    [NN_ACT_MISH] = {"mish", mish_fwd, mish_bwd},
    [NN_ACT_HSWISH] = {"hswish", hswish_fwd, hswish_bwd},
    [NN_ACT_TANHEXP] = {"tanhexp", tanhexp_fwd, tanhexp_bwd},
    [NN_ACT_ELU] = {"elu", elu_fwd, elu_bwd},
    [NN_ACT_GELU] = {"gelu", gelu_fwd, gelu_bwd},
    [NN_ACT_GELU_TANH] = {"gelu_tanh", gelu_tanh_fwd, gelu_tanh_bwd},
    [NN_ACT_RELU6] = {"relu6", relu6_fwd, relu6_bwd},
    [NN_ACT_SOFTPLUS] = {"softplus", softplus_fwd, softplus_bwd},
};

/* ---- scalar entry points ---------------------------------------------------------------- */

/* f(x) of activation act with parameter p; NaN for an act outside nn_activation */
float nn_act_value(int act, float x, float p) {
    switch (act) {
    case NN_ACT_SIGMOID: return sigmoid_f(x, p);
    case NN_ACT_TANH: return tanh_f(x, p);
    case NN_ACT_RELU: return relu_f(x, p);
    case NN_ACT_LEAKY_RELU: return leaky_f(x, p);
    case NN_ACT_SWISH: return swish_f(x, p);
    case NN_ACT_MISH: return mish_f(x, p);
    case NN_ACT_HSWISH: return hswish_f(x, p);
    case NN_ACT_TANHEXP: return tanhexp_f(x, p);
    case NN_ACT_ELU: return elu_f(x, p);
    case NN_ACT_GELU: return gelu_f(x, p);
    case NN_ACT_GELU_TANH: return gelu_tanh_f(x, p);
    case NN_ACT_RELU6: return relu6_f(x, p);
    case NN_ACT_SOFTPLUS: return softplus_f(x, p);
    default: return NAN;
    }
}

/* f'(x) of activation act with parameter p; NaN for an act outside nn_activation */
float nn_act_deriv(int act, float x, float p) {
    switch (act) {
    case NN_ACT_SIGMOID: return sigmoid_d(x, p);
    case NN_ACT_TANH: return tanh_d(x, p);
    case NN_ACT_RELU: return relu_d(x, p);
    case NN_ACT_LEAKY_RELU: return leaky_d(x, p);
    case NN_ACT_SWISH: return swish_d(x, p);
    case NN_ACT_MISH: return mish_d(x, p);
    case NN_ACT_HSWISH: return hswish_d(x, p);
    case NN_ACT_TANHEXP: return tanhexp_d(x, p);
    case NN_ACT_ELU: return elu_d(x, p);
    case NN_ACT_GELU: return gelu_d(x, p);
    case NN_ACT_GELU_TANH: return gelu_tanh_d(x, p);
    case NN_ACT_RELU6: return relu6_d(x, p);
    case NN_ACT_SOFTPLUS: return softplus_d(x, p);
    default: return NAN;
    }
}
