/*
 * test_activations.c — the activation table and its scalar definitions: values worked out
 * independently, derivatives against central differences, the array forms against the scalar
 * ones, finiteness at extreme inputs, and the names the JS API relies on.
 */
#include "check.h"
#include "nn_internal.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

/* f32 has a relative resolution of 6e-8; libm's expf/tanhf/log1pf are within a few ulps and
 * the longest chain here composes four of them, so 2e-6 (~30 ulps) is loose enough for any
 * correct formula and far tighter than any wrong one. */
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

/* ---- the newer activations against double references ------------------------------------ */

/* f and f' of ELU, GELU, GELU (tanh), ReLU6 and softplus written afresh from libm's double
 * functions (expm1, erf, erfc, tanh, cosh, log1p), independent of activations.c and of
 * nn_math.c. Where the textbook form cancels in double (½(1 + erf) and 1 + tanh for x ≪ 0), the
 * reference switches to an identity that does not: ½(1 + erf(x/√2)) = ½erfc(−x/√2) and
 * ½(1 + tanh u) = e^(2u)/(1 + e^(2u)). */
static double ref_f(int act, double x, double p) {
    const double k = sqrt(2.0 / M_PI), u = k * (x + 0.044715 * x * x * x);
    switch (act) {
    case NN_ACT_ELU: return x > 0 ? x : p * expm1(x);
    case NN_ACT_GELU:
        return x >= 0 ? 0.5 * x * (1.0 + erf(x / sqrt(2.0))) : 0.5 * x * erfc(-x / sqrt(2.0));
    case NN_ACT_GELU_TANH:
        return u > -1 ? 0.5 * x * (1.0 + tanh(u)) : x * exp(2 * u) / (1.0 + exp(2 * u));
    case NN_ACT_RELU6: return fmin(fmax(x, 0.0), 6.0);
    case NN_ACT_SOFTPLUS: return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
    default: return NAN;
    }
}

static double ref_d(int act, double x, double p) {
    const double k = sqrt(2.0 / M_PI), u = k * (x + 0.044715 * x * x * x);
    switch (act) {
    case NN_ACT_ELU: return x > 0 ? 1.0 : p * exp(x);
    case NN_ACT_GELU: {
        const double cdf = x >= 0 ? 0.5 * (1.0 + erf(x / sqrt(2.0))) : 0.5 * erfc(-x / sqrt(2.0));
        return cdf + x * exp(-0.5 * x * x) / sqrt(2.0 * M_PI);
    }
    case NN_ACT_GELU_TANH: {
        const double half = u > -1 ? 0.5 * (1.0 + tanh(u)) : exp(2 * u) / (1.0 + exp(2 * u));
        const double sech = 1.0 / cosh(u);
        return half + 0.5 * x * sech * sech * k * (1.0 + 3.0 * 0.044715 * x * x);
    }
    case NN_ACT_RELU6: return x > 0 && x < 6 ? 1.0 : 0.0;
    case NN_ACT_SOFTPLUS: return 1.0 / (1.0 + exp(-x));
    default: return NAN;
    }
}

/* The f32 results are within a few ulps of these: measured worst 1.6e-7 relative (softplus,
 * through log1pf(expf)), 1.1e-7 for ELU (expm1f, expf), 6e-8 for the GELUs (double, rounded
 * once). 1e-6 is about 16 ulps. Relative, so the tails count as much as the middle, down to
 * FLT_MIN, below which a result is subnormal and rounds to its spacing of 1.4e-45. */
#define REF_TOL 1e-6

static void test_references(void) {
    static const float extra[] = {1e-30f, 1e-20f, 1e-10f, 1e-5f, 0.5f, 6.0f, 50.0f,
                                  100.0f, 1e3f, 1e10f, 1e30f};
    for (size_t k = 0; k < N_CASES; k++) {
        const act_case *c = &cases[k];
        if (c->act < NN_ACT_ELU)
            continue;
        double worst = 0.0, worst_x = 0.0;
        int points = 0, worst_deriv = 0;
        /* a dense grid (x ± h is exact in f32) over (−30, 30), then tiny and large values */
        for (int i = -30 * 64; i <= 30 * 64 + 2 * (int)(sizeof extra / sizeof extra[0]); i++) {
            float x = (float)i / 64.0f;
            if (i > 30 * 64) {
                const int j = i - 30 * 64 - 1;
                x = (j & 1 ? -1.0f : 1.0f) * extra[j / 2];
            }
            for (int deriv = 0; deriv < 2; deriv++) {
                const double got = deriv ? nn_act_deriv(c->act, x, c->p)
                                         : nn_act_value(c->act, x, c->p);
                const double want = deriv ? ref_d(c->act, x, c->p) : ref_f(c->act, x, c->p);
                double err = fabs(got - want) / fmax(fabs(want), FLT_MIN);
                if (isnan(err))         /* NaN counts as the worst */
                    err = INFINITY;
                if (err > worst) {
                    worst = err;
                    worst_x = x;
                    worst_deriv = deriv;
                }
                points++;
            }
        }
        const int before = check_failed;
        CHECK(points > 7000);
        CHECK(worst <= REF_TOL);
        if (check_failed != before)
            printf("  worst relative error %.3g of %s at x = %g\n", worst,
                   worst_deriv ? "f'" : "f", worst_x);
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
    return check_report();
}
