/* text_norm.c — NFKC + dash + whitespace folding (see text_norm.h). */
#include "text_norm.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static int is_space_cp(utf8proc_int32_t c)
{
    if (c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == 0x85)
        return 1;
    utf8proc_category_t cat = utf8proc_category(c);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP;
}

/* CJK and other wide scripts: a space next to one carries no meaning. */
static int is_wide_cp(utf8proc_int32_t c) { return c >= 0x2E80; }

static utf8proc_int32_t fold_dash(utf8proc_int32_t c)
{
    if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0x2E3A || c == 0x2E3B ||
        c == 0xFE58 || c == 0xFE63)
        return '-';
    return c;
}

/* NFKC of s into a fresh malloc'd string; raw copy when s is not valid UTF-8. */
static char *nfkc(const char *s)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE |
                                          UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
    if (n >= 0)
        return (char *)out;
    free(out);
    if (n == UTF8PROC_ERROR_NOMEM)
        return NULL;
    return strdup(s); /* invalid UTF-8: compare the bytes as they are */
}

char *engine_norm_text(const char *s)
{
    if (!s)
        s = "";
    char *src = nfkc(s);
    if (!src)
        return NULL;
    size_t len = strlen(src);
    /* Output is never longer than the input: dashes fold to 1 byte, spaces shrink. */
    char *dst = malloc(len + 1);
    if (!dst) {
        free(src);
        return NULL;
    }
    size_t o = 0;
    utf8proc_int32_t prev = -1; /* last emitted code point, -1 = none */
    int pending_space = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)src;
    utf8proc_ssize_t rem = (utf8proc_ssize_t)len;
    while (rem > 0) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(p, rem, &c);
        if (k <= 0) { /* invalid byte (raw fallback): copy it through */
            dst[o++] = (char)*p;
            prev = 0; /* treat as narrow: keep the spacing around raw bytes */
            pending_space = 0;
            p++;
            rem--;
            continue;
        }
        if (is_space_cp(c)) {
            pending_space = 1;
        } else {
            c = fold_dash(c);
            if (pending_space && prev != -1 && !is_wide_cp(prev) && !is_wide_cp(c))
                dst[o++] = ' ';
            pending_space = 0;
            o += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)dst + o);
            prev = c;
        }
        p += k;
        rem -= k;
    }
    dst[o] = '\0';
    free(src);
    return dst;
}

/* Strip trailing clause punctuation: 。(U+3002) 、(U+3001) ; , : . and spaces.
 * (；，：． are already ASCII after NFKC.) */
char *engine_norm_clause(const char *s)
{
    char *t = engine_norm_text(s);
    if (!t)
        return NULL;
    size_t n = strlen(t);
    for (;;) {
        if (n > 0 && strchr(";,:. ", t[n - 1])) {
            n--;
        } else if (n >= 3 && (unsigned char)t[n - 3] == 0xE3 && (unsigned char)t[n - 2] == 0x80 &&
                   ((unsigned char)t[n - 1] == 0x82 || (unsigned char)t[n - 1] == 0x81)) {
            n -= 3;
        } else {
            break;
        }
    }
    t[n] = '\0';
    return t;
}

char *engine_norm_key(const char *s)
{
    char *t = engine_norm_text(s);
    if (!t)
        return NULL;
    for (char *q = t; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    return t;
}

int engine_norm_equal(const char *a, const char *b)
{
    char *x = engine_norm_text(a), *y = engine_norm_text(b);
    int eq = x && y && strcmp(x, y) == 0;
    free(x);
    free(y);
    return eq;
}
