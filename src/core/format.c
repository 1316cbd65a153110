/*
 * format.c — the small printf the error messages need: %d %i %u %x %X %s %c %g %%, with an
 * optional 0 flag, a width, and the length modifiers l, ll and z. It replaces vsnprintf,
 * whose full implementation (long doubles, every float style) was a fifth of the wasm file.
 * %g prints 6 significant digits like printf's %g, without its last-digit rounding guarantee:
 * good enough for messages.
 */
#include "nn_internal.h"

#include <math.h>

typedef struct {
    char *p;
    size_t left;            /* room for characters, the terminating zero excluded */
} out;

static void put(out *o, char c) {
    if (o->left) {
        *o->p++ = c;
        o->left--;
    }
}

static void puts_(out *o, const char *s) {
    while (*s)
        put(o, *s++);
}

/* an unsigned number in base 10 or 16, padded to width with spaces or zeros */
static void number(out *o, unsigned long long v, int neg, unsigned base, int upper, int width,
                   int zero) {
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int n = 0;
    do {
        buf[n++] = digits[v % base];
        v /= base;
    } while (v);
    int len = n + neg;
    if (neg && zero)
        put(o, '-');
    for (; len < width; len++)
        put(o, zero ? '0' : ' ');
    if (neg && !zero)
        put(o, '-');
    while (n)
        put(o, buf[--n]);
}

/* %g with 6 significant digits: fixed for exponents −4..5, else d.ddddde±XX; trailing zeros
 * (and a trailing point) dropped */
static void general(out *o, double v) {
    if (isnan(v)) {
        puts_(o, "nan");
        return;
    }
    if (v < 0 || (v == 0 && signbit(v))) {
        put(o, '-');
        v = -v;
    }
    if (isinf(v)) {
        puts_(o, "inf");
        return;
    }
    if (v == 0) {
        put(o, '0');
        return;
    }
    int e = 0;
    while (v >= 10.0) {
        v /= 10.0;
        e++;
    }
    while (v < 1.0) {
        v *= 10.0;
        e--;
    }
    long m = lround(v * 1e5);   /* six digits: d ddddd */
    if (m >= 1000000) {
        m = lround((double)m / 10.0);
        e++;
    }
    char d[6];
    for (int i = 5; i >= 0; i--) {
        d[i] = (char)('0' + m % 10);
        m /= 10;
    }
    int last = 5;               /* last significant digit kept */
    while (last > 0 && d[last] == '0')
        last--;
    if (e >= -4 && e < 6) {
        if (e < 0) {
            puts_(o, "0.");
            for (int i = -1; i > e; i--)
                put(o, '0');
            for (int i = 0; i <= last; i++)
                put(o, d[i]);
        } else {
            for (int i = 0; i <= e; i++)
                put(o, i <= 5 ? d[i] : '0');
            if (last > e) {
                put(o, '.');
                for (int i = e + 1; i <= last; i++)
                    put(o, d[i]);
            }
        }
        return;
    }
    put(o, d[0]);
    if (last > 0) {
        put(o, '.');
        for (int i = 1; i <= last; i++)
            put(o, d[i]);
    }
    put(o, 'e');
    put(o, e < 0 ? '-' : '+');   /* like printf: a sign and at least two digits, e+30, e-05 */
    number(o, (unsigned long long)(e < 0 ? -e : e), 0, 10, 0, 2, 1);
}

void nn_vformat(char *dst, size_t cap, const char *fmt, va_list ap) {
    if (!cap)
        return;
    out o = {dst, cap - 1};
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        f++;
        const int zero = *f == '0';
        if (zero)
            f++;
        int width = 0;
        while (*f >= '0' && *f <= '9')
            width = width * 10 + (*f++ - '0');
        int size = 0;           /* 0 int, 1 long, 2 long long, 3 size_t */
        if (*f == 'z') {
            size = 3;
            f++;
        } else if (*f == 'l') {
            size = 1;
            if (*++f == 'l') {
                size = 2;
                f++;
            }
        }
        switch (*f) {
        case 'd':
        case 'i': {
            long long v = size == 2 ? va_arg(ap, long long)
                        : size == 1 ? va_arg(ap, long)
                        : size == 3 ? (long long)va_arg(ap, size_t)
                                    : va_arg(ap, int);
            const unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            number(&o, u, v < 0, 10, 0, width, zero);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long long v = size == 2 ? va_arg(ap, unsigned long long)
                                 : size == 1 ? va_arg(ap, unsigned long)
                                 : size == 3 ? va_arg(ap, size_t)
                                             : va_arg(ap, unsigned);
            number(&o, v, 0, *f == 'u' ? 10 : 16, *f == 'X', width, zero);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            puts_(&o, s ? s : "(null)");
            break;
        }
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 'g':
            general(&o, va_arg(ap, double));
            break;
        case '%':
            put(&o, '%');
            break;
        default:                /* unknown: print it as it stands */
            put(&o, '%');
            if (!*f)
                f--;
            else
                put(&o, *f);
        }
    }
    *o.p = '\0';
}
