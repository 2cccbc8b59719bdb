/* units.c — unit parsing and canonical conversion (see units.h for the grammar). */
#include "units.h"

#include "text_norm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct alias {
    const char *name;
    const char *dim;
    double factor;
} alias;

/* Numerator (or non-time denominator) words. */
static const alias NUMS[] = {
    {"%", "%", 1},          {"percent", "%", 1},     {"百分比", "%", 1},
    {"‰", "%", 0.1},
    {"次", "次", 1},        {"time", "次", 1},       {"times", "次", 1},
    {"元", "元", 1},        {"yuan", "元", 1},       {"rmb", "元", 1},
    {"cny", "元", 1},       {"¥", "元", 1},
    {"人", "人", 1},        {"名", "人", 1},         {"person", "人", 1},
    {"persons", "人", 1},   {"people", "人", 1},     {"人次", "人次", 1},
    {"册", "册", 1},        {"volume", "册", 1},     {"volumes", "册", 1},
    {"平方米", "m2", 1},    {"平米", "m2", 1},       {"m2", "m2", 1},
    {"sqm", "m2", 1},
    {"岁", "岁", 1},        {"周岁", "岁", 1},
    {"分钟", "h", 1.0 / 60}, {"min", "h", 1.0 / 60}, {"minute", "h", 1.0 / 60},
    {"minutes", "h", 1.0 / 60},
    {"小时", "h", 1},       {"h", "h", 1},           {"hour", "h", 1},
    {"hours", "h", 1},
    {"天", "h", 24},        {"日", "h", 24},         {"day", "h", 24},
    {"days", "h", 24},
    {"周", "h", 168},       {"星期", "h", 168},      {"week", "h", 168},
    {"weeks", "h", 168},
    {"月", "月", 1},        {"month", "月", 1},      {"months", "月", 1},
    {"季度", "月", 3},      {"quarter", "月", 3},    {"quarters", "月", 3},
    {"半年", "月", 6},
    {"年", "月", 12},       {"year", "月", 12},      {"years", "月", 12},
    {"工作日", "工作日", 1}, {"workingday", "工作日", 1}, {"workingdays", "工作日", 1},
};

/* Time denominators: how many of them make one year. */
static const alias PER[] = {
    {"年", "", 1},      {"year", "", 1},     {"yr", "", 1},      {"annum", "", 1},
    {"半年", "", 2},
    {"季度", "", 4},    {"季", "", 4},       {"quarter", "", 4},
    {"月", "", 12},     {"month", "", 12},
    {"周", "", 52},     {"星期", "", 52},    {"week", "", 52},
    {"天", "", 365},    {"日", "", 365},     {"day", "", 365},
};

static const alias *find(const alias *t, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, s) == 0)
            return &t[i];
    return NULL;
}
#define FIND(t, s) find(t, sizeof(t) / sizeof(t[0]), s)

/* Chinese multiplier at s, its byte length in *len; 0 when none. */
static double cn_mult(const char *s, size_t *len)
{
    static const struct { const char *w; double m; } M[] = {
        {"十", 10}, {"百", 100}, {"千", 1000}, {"万", 1e4}, {"亿", 1e8}};
    for (size_t i = 0; i < sizeof M / sizeof M[0]; i++) {
        size_t l = strlen(M[i].w);
        if (strncmp(s, M[i].w, l) == 0) {
            *len = l;
            return M[i].m;
        }
    }
    return 0;
}

/* Split a leading multiplier ("10万", "千") off part: returns the multiplier
 * (1 when none) and the remainder in *rest. */
static double split_mult(const char *part, const char **rest)
{
    const char *p = part;
    double m = 1;
    int any = 0;
    if ((*p >= '0' && *p <= '9') || *p == '.') {
        char *end;
        double d = strtod(p, &end);
        if (end != p && d > 0) {
            m = d;
            p = end;
            any = 1;
        }
    }
    for (;;) {
        size_t l;
        double c = cn_mult(p, &l);
        if (c == 0 || p[l] == '\0')
            break;
        m *= c;
        p += l;
        any = 1;
    }
    *rest = any && *p ? p : part;
    return any && *p ? m : 1;
}

/* A numerator-like part: dimension and factor. Returns 1 when recognised. */
static int parse_quantity_part(const char *part, const char **dim, double *factor)
{
    const alias *a = FIND(NUMS, part);
    if (a) {
        *dim = a->dim;
        *factor = a->factor;
        return 1;
    }
    const char *rest;
    double m = split_mult(part, &rest);
    a = FIND(NUMS, rest);
    if (a) {
        *dim = a->dim;
        *factor = a->factor * m;
        return 1;
    }
    *dim = rest; /* unknown word: its own dimension */
    *factor = m;
    return 0;
}

/* Replace every occurrence of from by to in s (to no longer than from). */
static void replace_all(char *s, const char *from, const char *to)
{
    size_t lf = strlen(from), lt = strlen(to);
    char *p;
    while ((p = strstr(s, from)) != NULL) {
        memcpy(p, to, lt);
        memmove(p + lt, p + lf, strlen(p + lf) + 1);
        s = p + lt;
    }
}

static void set_unknown(engine_unit *out, const char *text)
{
    snprintf(out->dim, sizeof out->dim, "%s", text);
    out->factor = 1;
    out->known = 0;
}

int engine_unit_parse(const char *unit, engine_unit *out)
{
    memset(out, 0, sizeof *out);
    out->factor = 1;
    out->known = 1;
    char *t = engine_norm_key(unit ? unit : "");
    if (!t) {
        set_unknown(out, unit ? unit : "");
        return -2;
    }
    /* Canonical spelling: " per " and 每 are "/", 个 before a period word goes. */
    replace_all(t, " per ", "/");
    replace_all(t, "每", "/");
    replace_all(t, "个月", "月");
    replace_all(t, "个小时", "小时");
    replace_all(t, "个工作日", "工作日");
    replace_all(t, "个星期", "星期");
    replace_all(t, "个季度", "季度");
    replace_all(t, "·", "/");
    replace_all(t, "⋅", "/");
    replace_all(t, "working day", "workingday");
    replace_all(t, " ", "");
    replace_all(t, "//", "/");
    char *text = t;
    if (text[0] == '/' && text[1]) /* "每年" alone is not a quantity: keep the rest */
        text++;
    if (strlen(text) >= sizeof out->dim) {
        set_unknown(out, text);
        free(t);
        return -1;
    }
    if (*text == '\0') { /* no unit: a plain number */
        free(t);
        return 0;
    }

    char num_dim[ENGINE_UNIT_DIM_MAX], buf[ENGINE_UNIT_DIM_MAX];
    snprintf(buf, sizeof buf, "%s", text);
    char *save = NULL, *part = strtok_r(buf, "/", &save);
    if (!part) /* only slashes ("/", "//"): an unknown, empty dimension (found by fuzz_engine) */
        part = buf + strlen(buf);
    const char *dim;
    double f, factor;
    int known = parse_quantity_part(part, &dim, &f);
    snprintf(num_dim, sizeof num_dim, "%s", dim);
    factor = f;
    char dens[ENGINE_UNIT_DIM_MAX] = "";
    int per_time = 0;
    while ((part = strtok_r(NULL, "/", &save)) != NULL) {
        const alias *a = FIND(PER, part);
        double m = 1;
        if (!a) {
            const char *rest;
            m = split_mult(part, &rest);
            a = FIND(PER, rest);
        }
        if (a) {
            if (per_time++) { /* two time bases: not a unit we understand */
                set_unknown(out, text);
                free(t);
                return 0;
            }
            factor *= a->factor / m; /* per (m periods) -> per year */
            continue;
        }
        known &= parse_quantity_part(part, &dim, &f);
        factor /= f; /* per 1000 persons -> per person */
        size_t l = strlen(dens);
        snprintf(dens + l, sizeof dens - l, "/%s", dim);
    }
    int w = snprintf(out->dim, sizeof out->dim, "%s%s%s", num_dim, dens, per_time ? "/年" : "");
    if (w < 0 || (size_t)w >= sizeof out->dim) {
        set_unknown(out, text);
        free(t);
        return -1;
    }
    out->factor = factor;
    out->known = known;
    free(t);
    return 0;
}

int engine_unit_comparable(const engine_unit *a, const engine_unit *b)
{
    return strcmp(a->dim, b->dim) == 0;
}

int engine_qty_cmp(double a, double b)
{
    if (a == b)
        return 0;
    if (isinf(a) || isinf(b))
        return a < b ? -1 : 1;
    double scale = fmax(1.0, fmax(fabs(a), fabs(b)));
    if (fabs(a - b) <= 1e-9 * scale)
        return 0;
    return a < b ? -1 : 1;
}

int engine_quantity_parse(const char *text, double *value, char *unit, size_t unit_cap)
{
    if (!unit || unit_cap == 0)
        return -1;
    unit[0] = '\0';
    char *t = engine_norm_text(text ? text : "");
    if (!t)
        return -1;
    const char *p = t;
    char num[64];
    size_t n = 0;
    if (*p == '-' || *p == '+')
        num[n++] = *p++;
    int digits = 0;
    while (n < sizeof num - 1) {
        if (*p >= '0' && *p <= '9') {
            num[n++] = *p++;
            digits++;
        } else if (*p == ',' && digits > 0 && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
                   p[2] <= '9' && p[3] >= '0' && p[3] <= '9' &&
                   !(p[4] >= '0' && p[4] <= '9')) {
            p++; /* thousands separator: exactly three digits follow */
        } else if (*p == '.' && p[1] >= '0' && p[1] <= '9') {
            num[n++] = *p++;
        } else {
            break;
        }
    }
    num[n] = '\0';
    if (digits == 0) {
        free(t);
        return -1;
    }
    *value = strtod(num, NULL);
    while (*p == ' ')
        p++;
    size_t ul = strlen(p);
    if (ul >= unit_cap) {
        free(t);
        return -1;
    }
    memcpy(unit, p, ul + 1);
    free(t);
    return 0;
}
