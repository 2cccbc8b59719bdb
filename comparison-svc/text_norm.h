/*
 * text_norm.h — the one text normalisation every comparison goes through.
 *
 * Standards mix full-width and half-width forms (`（` and `(`, `９２` and `92`),
 * stray spaces ("2021 年版" vs "2021年版") and dash variants ("0—3岁" vs "0-3岁").
 * Two texts are "the same" for the engine when their normalised forms are equal
 * byte for byte, and one text "contains" another when the normalised needle is a
 * substring of the normalised haystack (safe on UTF-8: it is self-synchronising).
 *
 * engine_norm_text():
 *   1. Unicode NFKC (utf8proc_map with COMPOSE|COMPAT|STABLE): full-width ASCII,
 *      ideographic space, circled/compat forms fold to their plain forms.
 *      Input that is not valid UTF-8 is used as it is (never an error: the engine
 *      must still compare such text, byte-wise).
 *   2. Dashes U+2010..U+2015, U+2212, U+2E3A, U+2E3B, U+FE58, U+FE63 -> "-".
 *   3. Whitespace (Unicode Z* categories and ASCII controls \t\n\v\f\r) is folded:
 *      leading/trailing removed; an inner run becomes ONE space between two
 *      non-CJK characters ("home visit") and NOTHING when either neighbour is a
 *      CJK/wide character (code point >= U+2E80), because Chinese does not use
 *      spaces as separators ("2021 年版" == "2021年版").
 *
 * engine_norm_clause(): engine_norm_text() and then trailing clause punctuation is
 *   stripped (repeatedly): 。 ; , 、 : . and spaces — so "开展孕前检查；" equals
 *   "开展孕前检查。" and "开展孕前检查".
 *
 * engine_norm_key(): engine_norm_text() plus ASCII lower-casing; used for names
 *   that act as keys (metrics, target group names), never for displayed text.
 *
 * All return a malloc'd NUL-terminated string (caller frees) or NULL when out of
 * memory. A NULL input is treated as "".
 */
#ifndef PSS_ENGINE_TEXT_NORM_H
#define PSS_ENGINE_TEXT_NORM_H

char *engine_norm_text(const char *s);
char *engine_norm_clause(const char *s);
char *engine_norm_key(const char *s);

/* 1 when a and b are equal after engine_norm_text(); 0 otherwise (also on OOM,
 * which then errs on the side of "different"). */
int engine_norm_equal(const char *a, const char *b);

#endif
