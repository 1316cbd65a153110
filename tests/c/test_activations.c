/*
 * test_activations.c — the activation table and its scalar definitions: values worked out
 * independently, every activation and derivative within an ulp of a double reference over a
 * sweep of all binades, derivatives against central differences, the array forms against the
 * scalar ones, finiteness at extreme inputs, and the names the JS API relies on.
 *
 * Built natively and, as test_activations_simd128, by emcc and run in Node: a checksum of every
 * activation and derivative over a dense sweep of floats, recorded from the native build, which
 * the wasm build must give to the bit (issue #13).
 */
#include "check.h"
#include "nn_internal.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* f32 has a relative resolution of 6e-8; the activations are within an ulp of the correctly
 * rounded value (test_references), the python values below are exact to double, so 2e-6 (~30
 * ulps) is loose enough for any correct formula and far tighter than any wrong one. */
#define VALUE_TOL 2e-6
/* Central difference with h = 2^-8, error measured against max(1, |f'|, |f|): truncation is
 * h²/6·|f'''| ≤ 5e-6 (|f'''| ≤ 2 here); rounding is ~ulp(f)/h = |f|·2^-24·2^8 ≈ 1.5e-5·|f| per
 * ulp, hence the |f| in the scale. Measured worst on the grid below is 1.9e-5 (swish, gcc and
 * clang on glibc); 1e-4 leaves room for another libm and is still far below what any wrong
 * term in a formula would give. */
#define DERIV_H (1.0 / 256.0)
#define DERIV_TOL 1e-4
/* Tails (e^-30 and smaller) are checked relative to the value: the stable forms are a few ulps
 * off there, a naive 1 − σ or 1 − tanh² form gives 0 (an error of 100%). */
#define TAIL_TOL 1e-5
/* The array forms call the same scalar code; allow a last-bit difference in case a compiler
 * evaluates the loop differently (e.g. contracts dy·f' into an FMA). */
#define ARRAY_TOL 1e-6

/* an activation with the parameter it is tested with */
typedef struct {
    int act;
    float p;
} act_case;

static const act_case cases[] = {
    {NN_ACT_SIGMOID, 0.0f},
    {NN_ACT_TANH, 0.0f},
    {NN_ACT_RELU, 0.0f},
    {NN_ACT_LEAKY_RELU, 0.01f},
    {NN_ACT_LEAKY_RELU, 0.2f},
    {NN_ACT_LEAKY_RELU, -0.5f},     /* the spec allows any finite slope */
    {NN_ACT_SWISH, 0.0f},
    {NN_ACT_MISH, 0.0f},
    {NN_ACT_HSWISH, 6.0f},
    {NN_ACT_HSWISH, 2.0f},
    {NN_ACT_HSWISH, 3.0f},
    {NN_ACT_TANHEXP, 0.0f},
    {NN_ACT_ELU, 1.0f},             /* the α every net uses today */
    {NN_ACT_ELU, 0.5f},
    {NN_ACT_ELU, 2.0f},
    {NN_ACT_GELU, 0.0f},
    {NN_ACT_GELU_TANH, 0.0f},
    {NN_ACT_RELU6, 0.0f},
    {NN_ACT_SOFTPLUS, 0.0f},
};
#define N_CASES (sizeof cases / sizeof cases[0])

/* print which activation a just-failed check was about */
static void context(int failed_before, const act_case *c, double x) {
    if (check_failed != failed_before)
        printf("  (activation %s, p = %g, x = %g)\n", nn_act_ops[c->act].name, (double)c->p, x);
}

/* ---- values worked out independently ---------------------------------------------------- */

static void test_values(void) {
    /* Computed with python3's math module in double, e.g. 1/(1+math.exp(-2)),
     * 1*math.tanh(math.log1p(math.exp(1))), 1*math.tanh(math.exp(1)); the hswish and leaky
     * rows by hand from the piecewise definitions. */
    static const struct {
        int act;
        float p, x;
        double want;
    } v[] = {
        {NN_ACT_SIGMOID, 0.0f, 0.0f, 0.5},
        {NN_ACT_SIGMOID, 0.0f, 2.0f, 0.8807970779778823},
        {NN_ACT_SIGMOID, 0.0f, -3.0f, 0.04742587317756678},
        {NN_ACT_SIGMOID, 0.0f, 10.0f, 0.9999546021312976},
        {NN_ACT_TANH, 0.0f, 0.0f, 0.0},
        {NN_ACT_TANH, 0.0f, 1.0f, 0.7615941559557649},
        {NN_ACT_TANH, 0.0f, -0.5f, -0.46211715726000974},
        {NN_ACT_TANH, 0.0f, 3.0f, 0.9950547536867305},
        {NN_ACT_RELU, 0.0f, -2.0f, 0.0},
        {NN_ACT_RELU, 0.0f, 0.0f, 0.0},
        {NN_ACT_RELU, 0.0f, 1.5f, 1.5},
        {NN_ACT_LEAKY_RELU, 0.01f, -2.0f, -0.02},
        {NN_ACT_LEAKY_RELU, 0.01f, 3.0f, 3.0},
        {NN_ACT_LEAKY_RELU, 0.2f, -2.0f, -0.4},
        {NN_ACT_LEAKY_RELU, 0.2f, -0.5f, -0.1},
        {NN_ACT_LEAKY_RELU, 0.2f, 0.75f, 0.75},
        {NN_ACT_SWISH, 0.0f, 0.0f, 0.0},
        {NN_ACT_SWISH, 0.0f, 1.0f, 0.7310585786300049},
        {NN_ACT_SWISH, 0.0f, -2.0f, -0.2384058440442351},
        {NN_ACT_SWISH, 0.0f, 3.0f, 2.8577223804673},
        {NN_ACT_MISH, 0.0f, 0.0f, 0.0},
        {NN_ACT_MISH, 0.0f, 1.0f, 0.8650983882673103},
        {NN_ACT_MISH, 0.0f, -1.0f, -0.30340146137410895},
        {NN_ACT_MISH, 0.0f, 2.5f, 2.471392304557881},
        /* n = 6: 0 for x ≤ −3, x for x > 3, x(x + 3)/6 between */
        {NN_ACT_HSWISH, 6.0f, -4.0f, 0.0},
        {NN_ACT_HSWISH, 6.0f, -1.0f, -1.0 / 3.0},
        {NN_ACT_HSWISH, 6.0f, 0.0f, 0.0},
        {NN_ACT_HSWISH, 6.0f, 2.0f, 5.0 / 3.0},
        {NN_ACT_HSWISH, 6.0f, 4.0f, 4.0},
        {NN_ACT_HSWISH, 6.0f, -2.5f, -5.0 / 24.0},
        {NN_ACT_HSWISH, 6.0f, 3.0f, 3.0},       /* at the upper kink: 3·6/6, continuous */
        /* n = 2: 0 for x ≤ −1, x for x > 1, x(x + 1)/2 between */
        {NN_ACT_HSWISH, 2.0f, -2.0f, 0.0},
        {NN_ACT_HSWISH, 2.0f, -0.5f, -0.125},
        {NN_ACT_HSWISH, 2.0f, 0.5f, 0.375},
        {NN_ACT_HSWISH, 2.0f, 3.0f, 3.0},
        {NN_ACT_TANHEXP, 0.0f, 0.0f, 0.0},
        {NN_ACT_TANHEXP, 0.0f, 1.0f, 0.9913289158005998},
        {NN_ACT_TANHEXP, 0.0f, -1.0f, -0.352135490546587},
        {NN_ACT_TANHEXP, 0.0f, 0.5f, 0.4643409705752152},
        {NN_ACT_TANHEXP, 0.0f, -3.0f, -0.14923791753779128},
        {NN_ACT_TANHEXP, 0.0f, 10.0f, 10.0},
        /* math.expm1(-1), 0.5*math.expm1(-3), 2*math.expm1(-0.5) */
        {NN_ACT_ELU, 1.0f, -1.0f, -0.6321205588285577},
        {NN_ACT_ELU, 1.0f, 0.0f, 0.0},
        {NN_ACT_ELU, 1.0f, 2.5f, 2.5},
        {NN_ACT_ELU, 0.5f, -3.0f, -0.475106465816068},
        {NN_ACT_ELU, 2.0f, -0.5f, -0.7869386805747332},
        {NN_ACT_ELU, 2.0f, 0.5f, 0.5},
        /* x*0.5*math.erfc(-x/math.sqrt(2)) */
        {NN_ACT_GELU, 0.0f, 0.0f, 0.0},
        {NN_ACT_GELU, 0.0f, 1.0f, 0.8413447460685429},
        {NN_ACT_GELU, 0.0f, -1.0f, -0.15865525393145707},
        {NN_ACT_GELU, 0.0f, 2.0f, 1.9544997361036416},
        {NN_ACT_GELU, 0.0f, -3.0f, -0.004049694094890287},
        {NN_ACT_GELU, 0.0f, 0.5f, 0.34573123063700656},
        /* 0.5*x*(1+math.tanh(math.sqrt(2/math.pi)*(x+0.044715*x**3))) */
        {NN_ACT_GELU_TANH, 0.0f, 0.0f, 0.0},
        {NN_ACT_GELU_TANH, 0.0f, 1.0f, 0.8411919906082768},
        {NN_ACT_GELU_TANH, 0.0f, -1.0f, -0.15880800939172324},
        {NN_ACT_GELU_TANH, 0.0f, 2.0f, 1.954597694087775},
        {NN_ACT_GELU_TANH, 0.0f, -3.0f, -0.0036373920817729943},
        {NN_ACT_GELU_TANH, 0.0f, 0.5f, 0.34571400982514394},
        {NN_ACT_RELU6, 0.0f, -1.0f, 0.0},
        {NN_ACT_RELU6, 0.0f, 0.0f, 0.0},
        {NN_ACT_RELU6, 0.0f, 3.0f, 3.0},
        {NN_ACT_RELU6, 0.0f, 6.0f, 6.0},
        {NN_ACT_RELU6, 0.0f, 7.0f, 6.0},
        /* math.log1p(math.exp(x)); softplus(0) = ln 2 */
        {NN_ACT_SOFTPLUS, 0.0f, 0.0f, 0.6931471805599453},
        {NN_ACT_SOFTPLUS, 0.0f, 1.0f, 1.3132616875182228},
        {NN_ACT_SOFTPLUS, 0.0f, -2.0f, 0.1269280110429725},
        {NN_ACT_SOFTPLUS, 0.0f, 25.0f, 25.000000000013888},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        const act_case c = {v[i].act, v[i].p};
        const int before = check_failed;
        CHECK_NEAR(nn_act_value(v[i].act, v[i].x, v[i].p), v[i].want, VALUE_TOL);
        context(before, &c, v[i].x);
    }
}

/* derivatives at chosen points, from the closed forms (python3 math module / by hand) */
static void test_derivative_values(void) {
    static const struct {
        int act;
        float p, x;
        double want;
    } v[] = {
        {NN_ACT_SIGMOID, 0.0f, 0.0f, 0.25},
        {NN_ACT_TANH, 0.0f, 0.0f, 1.0},
        {NN_ACT_RELU, 0.0f, 0.0f, 0.0},             /* the kink counts as the flat side */
        {NN_ACT_RELU, 0.0f, 2.0f, 1.0},
        {NN_ACT_LEAKY_RELU, 0.01f, -1.0f, 0.01},
        {NN_ACT_LEAKY_RELU, 0.2f, 0.0f, 0.2},
        {NN_ACT_LEAKY_RELU, 0.2f, 1.0f, 1.0},
        {NN_ACT_SWISH, 0.0f, 0.0f, 0.5},
        {NN_ACT_SWISH, 0.0f, 1.0f, 0.9276705118714867},
        {NN_ACT_SWISH, 0.0f, -1.0f, 0.07232948812851323},
        {NN_ACT_MISH, 0.0f, 0.0f, 0.6},             /* tanh(ln 2) = 3/5 */
        {NN_ACT_MISH, 0.0f, 1.0f, 1.0490362200997922},
        {NN_ACT_MISH, 0.0f, -1.0f, 0.05921675587739497},
        {NN_ACT_HSWISH, 6.0f, 1.0f, 5.0 / 6.0},     /* (2x + 3)/6 */
        {NN_ACT_HSWISH, 6.0f, -1.0f, 1.0 / 6.0},
        {NN_ACT_HSWISH, 6.0f, -4.0f, 0.0},
        {NN_ACT_HSWISH, 6.0f, 4.0f, 1.0},
        {NN_ACT_HSWISH, 2.0f, 0.5f, 1.0},           /* (2x + 1)/2 */
        {NN_ACT_TANHEXP, 0.0f, 0.0f, 0.7615941559557649}, /* tanh(1) */
        {NN_ACT_TANHEXP, 0.0f, 1.0f, 1.0382654356632586},
        {NN_ACT_TANHEXP, 0.0f, -1.0f, 0.029872880714807093},
        {NN_ACT_TANHEXP, 0.0f, 2.0f, 1.0000218111148027},
        {NN_ACT_ELU, 1.0f, -1.0f, 0.36787944117144233},     /* αeˣ */
        {NN_ACT_ELU, 1.0f, 0.0f, 1.0},                      /* α at the kink */
        {NN_ACT_ELU, 1.0f, 1.0f, 1.0},
        {NN_ACT_ELU, 0.5f, -3.0f, 0.024893534183931972},
        {NN_ACT_ELU, 0.5f, 0.0f, 0.5},
        {NN_ACT_GELU, 0.0f, 0.0f, 0.5},                     /* Φ(x) + x·φ(x) */
        {NN_ACT_GELU, 0.0f, 1.0f, 1.0833154705876864},
        {NN_ACT_GELU, 0.0f, -1.0f, -0.08331547058768629},
        {NN_ACT_GELU, 0.0f, 2.0f, 1.085231801078197},
        {NN_ACT_GELU, 0.0f, -3.0f, -0.011945647204183927},
        /* ½(1 + tanh u) + ½x·(1 − tanh²u)·u', u' = √(2/π)(1 + 3·0.044715x²) */
        {NN_ACT_GELU_TANH, 0.0f, 0.0f, 0.5},
        {NN_ACT_GELU_TANH, 0.0f, 1.0f, 1.0829640838457826},
        {NN_ACT_GELU_TANH, 0.0f, -1.0f, -0.08296408384578255},
        {NN_ACT_GELU_TANH, 0.0f, 2.0f, 1.0860992566236183},
        {NN_ACT_GELU_TANH, 0.0f, -3.0f, -0.011584166630969516},
        {NN_ACT_RELU6, 0.0f, 0.0f, 0.0},                    /* both kinks count as flat */
        {NN_ACT_RELU6, 0.0f, 3.0f, 1.0},
        {NN_ACT_RELU6, 0.0f, 6.0f, 0.0},
        {NN_ACT_RELU6, 0.0f, 7.0f, 0.0},
        {NN_ACT_RELU6, 0.0f, -1.0f, 0.0},
        {NN_ACT_SOFTPLUS, 0.0f, 0.0f, 0.5},                 /* σ(x) */
        {NN_ACT_SOFTPLUS, 0.0f, 1.0f, 0.7310585786300049},
        {NN_ACT_SOFTPLUS, 0.0f, -2.0f, 0.11920292202211755},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        const act_case c = {v[i].act, v[i].p};
        const int before = check_failed;
        CHECK_NEAR(nn_act_deriv(v[i].act, v[i].x, v[i].p), v[i].want, VALUE_TOL);
        context(before, &c, v[i].x);
    }
}

/* far tails, relative to the (tiny) value: the stable forms must not cancel to 0 or garbage */
static void test_tails(void) {
    /* python3, in double, with the same stable forms: e = math.exp(-30); e/(1+e)**2, ...;
     * GELU from math.erfc, its tanh form as x·σ(2u) (1 + tanh(u) rounds to 0 there) */
    static const struct {
        int act;
        int deriv;
        float x;
        double want;
        float p;
    } v[] = {
        {NN_ACT_SIGMOID, 0, -30.0f, 9.3576229688393e-14, 0.0f},
        {NN_ACT_SIGMOID, 0, -80.0f, 1.8048513878454153e-35, 0.0f},
        {NN_ACT_SIGMOID, 1, -30.0f, 9.357622968838425e-14, 0.0f},
        {NN_ACT_SIGMOID, 1, 30.0f, 9.357622968838425e-14, 0.0f},   /* σ(1 − σ) would give 0 here */
        {NN_ACT_SIGMOID, 1, -80.0f, 1.8048513878454153e-35, 0.0f},
        {NN_ACT_TANH, 1, 10.0f, 8.244614455767397e-09, 0.0f},      /* 1 − tanh² would give 0 */
        {NN_ACT_TANH, 1, -20.0f, 1.6993417021166355e-17, 0.0f},
        {NN_ACT_SWISH, 0, -30.0f, -2.80728689065179e-12, 0.0f},
        {NN_ACT_SWISH, 1, -30.0f, -2.7137106609631345e-12, 0.0f},
        {NN_ACT_MISH, 0, -30.0f, -2.807286890651921e-12, 0.0f},
        {NN_ACT_MISH, 1, -30.0f, -2.7137106609633926e-12, 0.0f},
        {NN_ACT_TANHEXP, 0, -30.0f, -2.8072868906520526e-12, 0.0f},
        {NN_ACT_TANHEXP, 1, -30.0f, -2.7137106609636507e-12, 0.0f},
        {NN_ACT_ELU, 1, -30.0f, 9.357622968840175e-14, 1.0f},      /* e^-30 */
        {NN_ACT_ELU, 0, -1e-6f, -9.999995000001667e-07, 1.0f},     /* eˣ − 1 in f32 loses it */
        {NN_ACT_GELU, 0, -10.0f, -7.619853024160593e-23, 0.0f},
        {NN_ACT_GELU, 1, -10.0f, -7.618400096464813e-22, 0.0f},
        {NN_ACT_GELU, 0, -12.0f, -2.1317785344932424e-32, 0.0f},   /* ½(1 + erf) gives 0 */
        {NN_ACT_GELU, 1, -12.0f, -2.5578956616748956e-31, 0.0f},
        {NN_ACT_GELU_TANH, 0, -8.0f, -3.1077829375011135e-21, 0.0f},
        {NN_ACT_GELU_TANH, 1, -8.0f, -4.7147845041068444e-20, 0.0f},
        {NN_ACT_GELU_TANH, 0, -10.0f, -1.2040923482098023e-37, 0.0f},
        {NN_ACT_GELU_TANH, 1, -10.0f, -2.757638063854023e-36, 0.0f},
        {NN_ACT_SOFTPLUS, 0, -30.0f, 9.357622968839737e-14, 0.0f},
        {NN_ACT_SOFTPLUS, 1, -30.0f, 9.3576229688393e-14, 0.0f},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        const act_case c = {v[i].act, v[i].p};
        const double got = v[i].deriv ? nn_act_deriv(v[i].act, v[i].x, v[i].p)
                                      : nn_act_value(v[i].act, v[i].x, v[i].p);
        const int before = check_failed;
        CHECK(fabs(got - v[i].want) <= TAIL_TOL * fabs(v[i].want));
        if (check_failed != before)
            printf("  %s is %.9g, want %.9g\n", v[i].deriv ? "f'" : "f", got, v[i].want);
        context(before, &c, v[i].x);
    }
}

/* ---- every activation against a double reference ---------------------------------------- */

/* f and f' written afresh from libm's double functions (exp, expm1, log1p, tanh, cosh, erf,
 * erfc), independent of activations.c and of nn_math.c. Where the textbook form cancels in
 * double (½(1 + erf) and 1 + tanh for x ≪ 0), the reference switches to an identity that does
 * not: ½(1 + erf(x/√2)) = ½erfc(−x/√2) and ½(1 + tanh u) = e^(2u)/(1 + e^(2u)). */
static double ref_sigmoid(double x) {
    return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
}

static double ref_softplus(double x) {
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* 1/cosh²(x), 0 once cosh² overflows (the true value is then below 1e-300) */
static double ref_sech2(double x) {
    const double c = cosh(x);
    return 1.0 / (c * c);
}

static double ref_f(int act, double x, double p) {
    const double k = sqrt(2.0 / M_PI), u = k * (x + 0.044715 * x * x * x);
    switch (act) {
    case NN_ACT_SIGMOID: return ref_sigmoid(x);
    case NN_ACT_TANH: return tanh(x);
    case NN_ACT_RELU: return x > 0 ? x : 0.0;
    case NN_ACT_LEAKY_RELU: return x > 0 ? x : (double)(float)(p * x);  /* one f32 product */
    case NN_ACT_SWISH: return x * ref_sigmoid(x);
    case NN_ACT_MISH: return x * tanh(ref_softplus(x));
    case NN_ACT_TANHEXP: return x * tanh(exp(x));
    case NN_ACT_ELU: return x > 0 ? x : p * expm1(x);
    case NN_ACT_GELU:
        return x >= 0 ? 0.5 * x * (1.0 + erf(x / sqrt(2.0))) : 0.5 * x * erfc(-x / sqrt(2.0));
    case NN_ACT_GELU_TANH:
        return u > -1 ? 0.5 * x * (1.0 + tanh(u)) : x * exp(2 * u) / (1.0 + exp(2 * u));
    case NN_ACT_RELU6: return fmin(fmax(x, 0.0), 6.0);
    case NN_ACT_SOFTPLUS: return ref_softplus(x);
    default: return NAN;
    }
}

/* f'(x); *scale is the sum of the sizes of the terms added, so near a zero of f' (swish, mish,
 * tanhexp and the GELUs have one for some x < 0) the cancellation in double can be allowed for */
static double ref_d(int act, double x, double p, double *scale) {
    const double k = sqrt(2.0 / M_PI), u = k * (x + 0.044715 * x * x * x);
    double a = NAN, b = 0.0;                    /* f' = a + b */
    switch (act) {
    case NN_ACT_SIGMOID: a = ref_sigmoid(x) * ref_sigmoid(-x); break;
    case NN_ACT_TANH: a = ref_sech2(x); break;
    case NN_ACT_RELU: a = x > 0 ? 1.0 : 0.0; break;
    case NN_ACT_LEAKY_RELU: a = x > 0 ? 1.0 : p; break;
    case NN_ACT_SWISH:
        a = ref_sigmoid(x);
        b = x * ref_sigmoid(x) * ref_sigmoid(-x);
        break;
    case NN_ACT_MISH: {
        const double sp = ref_softplus(x);
        a = tanh(sp);
        b = x * ref_sech2(sp) * ref_sigmoid(x);
        break;
    }
    case NN_ACT_TANHEXP:                        /* past x = 20, tanh(eˣ) = 1 and the rest is 0 */
        a = x > 20 ? 1.0 : tanh(exp(x));
        b = x > 20 ? 0.0 : x * exp(x) * ref_sech2(exp(x));
        break;
    case NN_ACT_ELU: a = x > 0 ? 1.0 : p * exp(x); break;
    case NN_ACT_GELU:
        a = x >= 0 ? 0.5 * (1.0 + erf(x / sqrt(2.0))) : 0.5 * erfc(-x / sqrt(2.0));
        b = x * exp(-0.5 * x * x) / sqrt(2.0 * M_PI);
        break;
    case NN_ACT_GELU_TANH:
        a = u > -1 ? 0.5 * (1.0 + tanh(u)) : exp(2 * u) / (1.0 + exp(2 * u));
        b = 0.5 * x * ref_sech2(u) * k * (1.0 + 3.0 * 0.044715 * x * x);
        break;
    case NN_ACT_RELU6: a = x > 0 && x < 6 ? 1.0 : 0.0; break;
    case NN_ACT_SOFTPLUS: a = ref_sigmoid(x); break;
    default: break;
    }
    *scale = fabs(a) + fabs(b);
    return a + b;
}

/* how many floats lie between a and b (0 if equal, both signs of zero alike) */
static int64_t float_steps(float a, float b) {
    int32_t ia, ib;
    memcpy(&ia, &a, 4);
    memcpy(&ib, &b, 4);
    const int64_t ka = ia < 0 ? -(int64_t)(ia & 0x7fffffff) : ia;
    const int64_t kb = ib < 0 ? -(int64_t)(ib & 0x7fffffff) : ib;
    return ka > kb ? ka - kb : kb - ka;
}

/* The sweep: floats of every binade from the subnormals to FLT_MAX, both signs, one in 2^12 of
 * all bit patterns (2048 per binade) with the low 12 bits varied by a multiplicative hash so
 * that the last mantissa bits are not all zero. */
#define SWEEP_STRIDE_BITS 12
#define SWEEP_PER_SIGN (0x7f800000u >> SWEEP_STRIDE_BITS)   /* up to FLT_MAX, no inf or NaN */
#define SWEEP_POINTS (2 * (int)SWEEP_PER_SIGN)

static float sweep_x(int i) {
    const uint32_t k = (uint32_t)i % SWEEP_PER_SIGN;
    const uint32_t jitter = (k * 2654435761u) >> (32 - SWEEP_STRIDE_BITS);
    uint32_t u = k << SWEEP_STRIDE_BITS | jitter;
    if (i >= (int)SWEEP_PER_SIGN)
        u |= 0x80000000u;
    float x;
    memcpy(&x, &u, 4);
    return x;
}

/* Every activation except hswish (a chain of f32 operations, exact to its own definition)
 * computes in double and rounds once, so f and f' are within an ulp of the correctly rounded
 * value: at most 1 float step from the reference rounded to f32 (the reference is a few double
 * ulps from the exact value, which only matters when it lies next to a midpoint between two
 * floats: then either neighbour is right). Near a zero of f', where the terms a + b cancel,
 * their errors in double are allowed for as well: the float-grade exp, expm1 and tanh are
 * within 2⁻⁴⁶ (nn_math.c), libm's within 2⁻⁵², so 2⁻⁴⁴·(|a| + |b|) leaves room. */
#define REF_MAX_STEPS 1
#define REF_CANCEL 0x1p-44

static void test_references(void) {
    static const float extra[] = {0.0f, 1e-30f, 1e-5f, 0.5f, 1.0f, 2.95f, 3.0f, 6.0f, 8.99f, 9.0f,
                                  9.01f, 17.0f, 20.0f, 22.0f, 40.0f, 88.7f, 89.0f, FLT_MIN,
                                  FLT_MAX};
    const int n_extra = (int)(sizeof extra / sizeof extra[0]);
    for (size_t k = 0; k < N_CASES; k++) {
        const act_case *c = &cases[k];
        if (c->act == NN_ACT_HSWISH)
            continue;
        int64_t worst = 0;
        double worst_x = 0.0;
        int points = 0, inexact = 0, worst_deriv = 0;
        /* one point in 8 of the sweep (that is cheap enough for libm's references), then the
         * switches and limits of the formulas, both signs */
        for (int i = 0; i < SWEEP_POINTS / 8 + 2 * n_extra; i++) {
            float x = sweep_x(8 * i);
            if (i >= SWEEP_POINTS / 8) {
                const int j = i - SWEEP_POINTS / 8;
                x = (j & 1 ? -1.0f : 1.0f) * extra[j / 2];
            }
            for (int deriv = 0; deriv < 2; deriv++) {
                double scale = 0.0;
                const float got = deriv ? nn_act_deriv(c->act, x, c->p)
                                        : nn_act_value(c->act, x, c->p);
                const double want = deriv ? ref_d(c->act, x, c->p, &scale)
                                          : ref_f(c->act, x, c->p);
                int64_t steps = float_steps(got, (float)want);
                if (isnan(got) || isnan(want))
                    steps = INT64_MAX;
                else if (steps > REF_MAX_STEPS && fabs(got - want) <= REF_CANCEL * scale)
                    steps = 0;                  /* cancellation next to a zero of f' */
                inexact += steps != 0;
                if (steps > worst) {
                    worst = steps;
                    worst_x = x;
                    worst_deriv = deriv;
                }
                points++;
            }
        }
        const int before = check_failed;
        CHECK(points > 250000);
        CHECK(worst <= REF_MAX_STEPS);
        if (check_failed != before)
            printf("  %lld float steps from the reference in %s at x = %.9g\n",
                   (long long)worst, worst_deriv ? "f'" : "f", worst_x);
        /* next to a midpoint only, so rarely (measured: at none of the points, for any case) */
        CHECK(inexact <= points / 1000);
        if (check_failed != before)
            printf("  %d of %d points not the reference rounded to f32\n", inexact, points);
        context(before, c, worst_x);
    }
}

/* ---- derivatives against central differences -------------------------------------------- */

/* distance from x to the nearest point where the activation has no derivative */
static double kink_distance(const act_case *c, double x) {
    switch (c->act) {
    case NN_ACT_RELU:
    case NN_ACT_LEAKY_RELU:
    case NN_ACT_ELU: return fabs(x);                /* ELU's f' jumps there unless α = 1 */
    case NN_ACT_RELU6: return fmin(fabs(x), fabs(x - 6.0));
    case NN_ACT_HSWISH: return fmin(fabs(x - 0.5 * c->p), fabs(x + 0.5 * c->p));
    default: return INFINITY;
    }
}

/* one central difference (f(x + h) − f(x − h))/2h, in double from the f32 definition */
static double central(const act_case *c, double x) {
    const double fp = nn_act_value(c->act, (float)(x + DERIV_H), c->p);
    const double fm = nn_act_value(c->act, (float)(x - DERIV_H), c->p);
    return (fp - fm) / (2.0 * DERIV_H);
}

static void test_central_difference(void) {
    for (size_t k = 0; k < N_CASES; k++) {
        const act_case *c = &cases[k];
        double worst = -1.0, worst_x = 0.0, max_d = 0.0, max_num = 0.0;
        int points = 0;
        /* odd multiples of 1/16 in (−10, 10): x ± h is exact in f32 */
        for (int i = -160; i < 160; i++) {
            const double x = (2 * i + 1) / 16.0;
            if (kink_distance(c, x) < 2.0 * DERIV_H)
                continue;
            const double num = central(c, x);
            const double d = nn_act_deriv(c->act, (float)x, c->p);
            const double f = nn_act_value(c->act, (float)x, c->p);
            const double err = fabs(d - num) / fmax(1.0, fmax(fabs(num), fabs(f)));
            if (err > worst) {
                worst = err;
                worst_x = x;
            }
            max_d = fmax(max_d, fabs(d));
            max_num = fmax(max_num, fabs(num));
            points++;
        }
        const int before = check_failed;
        CHECK(points > 300);
        CHECK(worst <= DERIV_TOL);
        if (check_failed != before)
            printf("  worst error %.3g: f'(x) is %.9g, central difference %.9g\n", worst,
                   (double)nn_act_deriv(c->act, (float)worst_x, c->p), central(c, worst_x));
        /* guard: neither side is identically zero (sigmoid' peaks at 0.25, the rest reach 1;
         * ELU's with α = 0.5 too, for x > 0) */
        CHECK(max_d > 0.2);
        CHECK(max_num > 0.2);
        context(before, c, worst_x);
    }
}

/* ---- array forms against the scalar ones ------------------------------------------------ */

#define N_ARRAY 37   /* odd, so any later 4-wide loop has a tail */

static void test_arrays(void) {
    float x[N_ARRAY], y[N_ARRAY], dy[N_ARRAY], dx[N_ARRAY], buf[N_ARRAY];
    for (int i = 0; i < N_ARRAY; i++) {
        x[i] = 12.0f * sinf(1.3f * (float)i + 0.4f);    /* spread over (−12, 12) */
        dy[i] = 1.5f * cosf(0.7f * (float)i) - 0.2f;    /* non-trivial, both signs */
    }
    for (size_t k = 0; k < N_CASES; k++) {
        const act_case *c = &cases[k];
        const nn_act_op *op = &nn_act_ops[c->act];
        const int before = check_failed;
        op->forward(y, x, N_ARRAY, c->p);
        op->backward(dx, dy, x, y, N_ARRAY, c->p);
        for (int i = 0; i < N_ARRAY; i++) {
            CHECK_NEAR(y[i], nn_act_value(c->act, x[i], c->p), ARRAY_TOL);
            CHECK_NEAR(dx[i], dy[i] * nn_act_deriv(c->act, x[i], c->p), ARRAY_TOL);
        }
        /* in place: y == x and dx == dy */
        for (int i = 0; i < N_ARRAY; i++)
            buf[i] = x[i];
        op->forward(buf, buf, N_ARRAY, c->p);
        for (int i = 0; i < N_ARRAY; i++)
            CHECK_NEAR(buf[i], y[i], 0.0);
        for (int i = 0; i < N_ARRAY; i++)
            buf[i] = dy[i];
        op->backward(buf, buf, x, y, N_ARRAY, c->p);
        for (int i = 0; i < N_ARRAY; i++)
            CHECK_NEAR(buf[i], dx[i], 0.0);
        /* n = 0 touches nothing */
        buf[0] = 42.0f;
        op->forward(buf, x, 0, c->p);
        op->backward(buf, dy, x, y, 0, c->p);
        CHECK_NEAR(buf[0], 42.0f, 0.0);
        context(before, c, 0.0);
    }
}

/* ---- finiteness at extreme inputs ------------------------------------------------------- */

static void test_finite(void) {
    static const float xs[] = {
        0.0f,   -0.0f,  1e-30f,  -1e-30f,  1e-40f,  -1e-40f,   1e30f,    -1e30f,
        100.0f, -100.0f, 20.0f,  -20.0f,   88.8f,   -88.8f,    89.0f,    -89.0f,
        88.0f,  -88.0f,  40.0f,  -40.0f,   1e10f,   -1e10f,    6.0f,     -6.0f,
        9.0f,   -9.0f,   1000.0f, -1000.0f, FLT_MAX, -FLT_MAX, FLT_MIN, -FLT_MIN,
    };
    enum { NX = sizeof xs / sizeof xs[0] };
    float y[NX], dy[NX], dx[NX];
    for (int i = 0; i < NX; i++)
        dy[i] = 1.0f;
    for (size_t k = 0; k < N_CASES; k++) {
        const act_case *c = &cases[k];
        for (int i = 0; i < NX; i++) {
            const int before = check_failed;
            CHECK(isfinite(nn_act_value(c->act, xs[i], c->p)));
            CHECK(isfinite(nn_act_deriv(c->act, xs[i], c->p)));
            context(before, c, xs[i]);
        }
        const int before = check_failed;
        nn_act_ops[c->act].forward(y, xs, NX, c->p);
        nn_act_ops[c->act].backward(dx, dy, xs, y, NX, c->p);
        for (int i = 0; i < NX; i++) {
            CHECK(isfinite(y[i]));
            CHECK(isfinite(dx[i]));
        }
        context(before, c, 0.0);
    }

    /* the limits are the right ones, not just finite */
    const float M = FLT_MAX;
    CHECK_NEAR(nn_act_value(NN_ACT_SIGMOID, M, 0.0f), 1.0, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_SIGMOID, -M, 0.0f), 0.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_SIGMOID, M, 0.0f), 0.0, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_TANH, -M, 0.0f), -1.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_TANH, M, 0.0f), 0.0, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_RELU, M, 0.0f), M, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_LEAKY_RELU, -M, 0.01f), -0.01 * M, 1e-6);
    CHECK_NEAR(nn_act_deriv(NN_ACT_LEAKY_RELU, -M, 0.01f), 0.01f, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_SWISH, M, 0.0f), M, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_SWISH, -M, 0.0f), 0.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_SWISH, M, 0.0f), 1.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_SWISH, -M, 0.0f), 0.0, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_MISH, M, 0.0f), M, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_MISH, -M, 0.0f), 0.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_MISH, M, 0.0f), 1.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_MISH, -M, 0.0f), 0.0, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_HSWISH, M, 6.0f), M, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_HSWISH, -M, 6.0f), 0.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_HSWISH, M, 6.0f), 1.0, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_TANHEXP, M, 0.0f), M, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_TANHEXP, -M, 0.0f), 0.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_TANHEXP, M, 0.0f), 1.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_TANHEXP, -M, 0.0f), 0.0, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_ELU, M, 1.0f), M, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_ELU, -M, 1.0f), -1.0, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_ELU, -M, 2.0f), -2.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_ELU, M, 1.0f), 1.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_ELU, -M, 1.0f), 0.0, 0.0);
    for (int a = NN_ACT_GELU; a <= NN_ACT_GELU_TANH; a++) {
        CHECK_NEAR(nn_act_value(a, M, 0.0f), M, 0.0);
        CHECK_NEAR(nn_act_value(a, -M, 0.0f), 0.0, 0.0);
        CHECK_NEAR(nn_act_deriv(a, M, 0.0f), 1.0, 0.0);
        CHECK_NEAR(nn_act_deriv(a, -M, 0.0f), 0.0, 0.0);
        CHECK_NEAR(nn_act_value(a, 1e30f, 0.0f), 1e30f, 0.0);   /* x³ is 1e90: in double */
        CHECK_NEAR(nn_act_deriv(a, -1e30f, 0.0f), 0.0, 0.0);
        CHECK_NEAR(nn_act_value(a, 10.0f, 0.0f), 10.0, 0.0);    /* Φ(10) is 1 in f32 */
    }
    CHECK_NEAR(nn_act_value(NN_ACT_RELU6, M, 0.0f), 6.0, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_RELU6, -M, 0.0f), 0.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_RELU6, M, 0.0f), 0.0, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_SOFTPLUS, M, 0.0f), M, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_SOFTPLUS, -M, 0.0f), 0.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_SOFTPLUS, M, 0.0f), 1.0, 0.0);
    CHECK_NEAR(nn_act_deriv(NN_ACT_SOFTPLUS, -M, 0.0f), 0.0, 0.0);

    /* hswish with a huge width: x·(x + n/2)/n must not overflow in between */
    CHECK(isfinite(nn_act_value(NN_ACT_HSWISH, 1e38f, M)));
    CHECK(isfinite(nn_act_deriv(NN_ACT_HSWISH, 1e38f, M)));
    CHECK_NEAR(nn_act_deriv(NN_ACT_HSWISH, 0.0f, M), 0.5, 1e-6);
}

/* tanhexp' = tanh(eˣ) + x·eˣ·sech²(eˣ): eˣ overflows past ~88.7, where a naive form is inf·0 */
static void test_tanhexp_large(void) {
    static const float big[] = {100.0f, 1000.0f, 88.8f, 89.0f, 1e30f};
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        const float d = nn_act_deriv(NN_ACT_TANHEXP, big[i], 0.0f);
        CHECK(isfinite(d));
        CHECK_NEAR(d, 1.0, 1e-6);
        CHECK_NEAR(nn_act_value(NN_ACT_TANHEXP, big[i], 0.0f), big[i], 1e-6);
    }
    /* x = −100: tanh(e^−100) ≈ e^−100 and x·e^−100 are both ~1e-42, i.e. 0 to any tolerance */
    const float d = nn_act_deriv(NN_ACT_TANHEXP, -100.0f, 0.0f);
    CHECK(isfinite(d));
    CHECK_NEAR(d, 0.0, 1e-30);
    CHECK_NEAR(nn_act_value(NN_ACT_TANHEXP, -100.0f, 0.0f), 0.0, 1e-30);
    /* the switch to the linear form at x = 9 is seamless: both sides already give 1 / x */
    CHECK_NEAR(nn_act_deriv(NN_ACT_TANHEXP, 8.99f, 0.0f), 1.0, 0.0);
    CHECK_NEAR(nn_act_value(NN_ACT_TANHEXP, 8.99f, 0.0f), 8.99f, 0.0);
}

/* ---- the same bits natively and in wasm --------------------------------------------------- */

/* FNV-1a over the bits of f and f' from the scalar entry points and of y and dx from the array
 * forms (dy·f' with dy in [−1, 1.5)) at every point of the sweep and at the switches, per
 * activation case. Recorded from the native build; test_activations_simd128, this file built
 * by emcc and run in Node, must reproduce every one (issue #13: a net with a tanh layer ended
 * 1 ulp apart while tanh came from libm's tanhf). An intended change of an activation's bits
 * changes its value: record the new one once test_references passes. */
static const uint64_t sweep_hash[N_CASES] = {   /* in the order of cases[] */
    0x619d2771051a7fbfULL, 0x1166eb9b1a3514bbULL, 0x7f27808e6463a575ULL,
    0x4c19c8de9006b895ULL, 0xef0f0eb16b302ad9ULL, 0x826d4d084a8c22f9ULL,
    0x5bd5c853b06c7374ULL, 0x48ba5d8d2e7f1ae5ULL, 0x657c3eb580f91c20ULL,
    0xd125a1fb3405a3b9ULL, 0xe14ada183643e52aULL, 0x836a236ab2d47195ULL,
    0xf3ee7e24d204181bULL, 0x14b91edd0f7d8bfaULL, 0xc75fef347d763075ULL,
    0x479c8bf7bbefa086ULL, 0x4a3c35a36b0010e6ULL, 0x26affa9b6bdeb65dULL,
    0x52a8b1854303a186ULL,
};

#define SWEEP_CHUNK 1024

static uint64_t fnv(uint64_t h, float v) {
    uint32_t u;
    memcpy(&u, &v, 4);
    for (int b = 0; b < 4; b++)
        h = (h ^ ((u >> (8 * b)) & 0xffu)) * 0x100000001b3ULL;
    return h;
}

static void test_cross_build(void) {
    static const float extra[] = {0.0f, FLT_MIN, 1e-40f, 1e-30f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f,
                                  6.0f, 8.99f, 9.0f, 9.01f, 20.0f, 22.0f, 40.0f, 88.7f, 89.0f,
                                  1e30f, FLT_MAX};
    const int n_extra = (int)(sizeof extra / sizeof extra[0]);
    const int n = SWEEP_POINTS + 2 * n_extra;
    static float x[SWEEP_CHUNK], y[SWEEP_CHUNK], dy[SWEEP_CHUNK], dx[SWEEP_CHUNK];
    for (size_t k = 0; k < N_CASES; k++) {
        const act_case *c = &cases[k];
        const nn_act_op *op = &nn_act_ops[c->act];
        uint64_t h = 0xcbf29ce484222325ULL;
        for (int i0 = 0; i0 < n; i0 += SWEEP_CHUNK) {
            const int m = n - i0 < SWEEP_CHUNK ? n - i0 : SWEEP_CHUNK;
            for (int j = 0; j < m; j++) {
                const int i = i0 + j;
                x[j] = i < SWEEP_POINTS ? sweep_x(i)
                                        : ((i - SWEEP_POINTS) & 1 ? -1.0f : 1.0f) *
                                              extra[(i - SWEEP_POINTS) / 2];
                dy[j] = (float)(i % 10) * 0.25f - 1.0f;
                h = fnv(h, nn_act_value(c->act, x[j], c->p));
                h = fnv(h, nn_act_deriv(c->act, x[j], c->p));
            }
            op->forward(y, x, (size_t)m, c->p);
            op->backward(dx, dy, x, y, (size_t)m, c->p);
            for (int j = 0; j < m; j++) {
                h = fnv(h, y[j]);
                h = fnv(h, dx[j]);
            }
        }
        const int before = check_failed;
        CHECK(h == sweep_hash[k]);
        if (check_failed != before)
            printf("  sweep hash 0x%016llxULL, recorded 0x%016llxULL\n", (unsigned long long)h,
                   (unsigned long long)sweep_hash[k]);
        context(before, c, 0.0);
    }
}

/* ---- the table -------------------------------------------------------------------------- */

static void test_table(void) {
    static const char *const names[NN_ACT_COUNT] = {
        "sigmoid", "tanh", "relu", "leaky_relu", "swish", "mish", "hswish", "tanhexp",
        "elu", "gelu", "gelu_tanh", "relu6", "softplus",
    };
    for (int a = 0; a < NN_ACT_COUNT; a++) {
        CHECK(nn_act_ops[a].name != NULL);
        CHECK_MSG(nn_act_ops[a].name, names[a]);
        CHECK(nn_act_ops[a].name && strcmp(nn_act_ops[a].name, names[a]) == 0);
        CHECK(nn_act_ops[a].forward != NULL);
        CHECK(nn_act_ops[a].backward != NULL);
    }
    /* pinned enum values: they are written into model files */
    CHECK_INT(NN_ACT_SIGMOID, 0);
    CHECK_INT(NN_ACT_TANHEXP, 7);
    CHECK_INT(NN_ACT_ELU, 8);
    CHECK_INT(NN_ACT_GELU, 9);
    CHECK_INT(NN_ACT_GELU_TANH, 10);
    CHECK_INT(NN_ACT_RELU6, 11);
    CHECK_INT(NN_ACT_SOFTPLUS, 12);
    CHECK_INT(NN_ACT_COUNT, 13);
    /* out-of-range activations are refused with NaN rather than a plausible number */
    CHECK(isnan(nn_act_value(NN_ACT_COUNT, 1.0f, 0.0f)));
    CHECK(isnan(nn_act_deriv(-1, 1.0f, 0.0f)));
}

int main(void) {
    test_table();
    test_values();
    test_derivative_values();
    test_tails();
    test_references();
    test_central_difference();
    test_arrays();
    test_finite();
    test_tanhexp_large();
    test_cross_build();
    return check_report();
}
