/*
 * units.h — quantities of service levels, compared unit-aware.
 *
 * A unit string ("次/年", "元/月", "%", "times/year", "1,611 元/月" via
 * engine_quantity_parse) is parsed into a canonical DIMENSION (a string such as
 * "次/年", "元/年", "元", "%", "h") and a FACTOR: canonical value = value * factor.
 * Two quantities are comparable iff their dimensions are equal (strcmp); they are
 * then compared by canonical value. Everything else is INCOMPARABLE (the engine
 * reports PSS-INCOMPARABLE-UNIT, it never guesses).
 *
 * Grammar (after NFKC, ASCII lower-casing, " per " -> "/", "每" -> "/", "个" before
 * a time word dropped, spaces removed):
 *     unit := numerator { ("/" | "·") denominator }
 * Each part may carry a multiplier prefix: digits and/or 十 百 千 万 亿
 * ("万元" = 10,000 元, "床/千人" = beds per 1,000 persons).
 *
 * Numerators (dimension, factor):
 *   %  percent 百分比 -> "%" ×1;  ‰ -> "%" ×0.1
 *   次 time times                        -> "次"
 *   元 yuan rmb cny ¥                    -> "元"
 *   人 名 person persons people          -> "人";   人次 -> "人次"
 *   册 volume volumes                    -> "册"
 *   平方米 平米 m2 ㎡ sqm                 -> "m2"
 *   岁 周岁                               -> "岁"
 *   durations -> "h": 分钟/min/minute(s) 1/60, 小时/h/hour(s) 1, 天/日/day(s) 24,
 *                     周/星期/week(s) 168
 *   calendar  -> "月": 月/month(s) 1, 季度/quarter(s) 3, 半年 6, 年/year(s) 12
 *               (months and days are NOT inter-converted: a month is not 30 days)
 *   工作日 working day(s)               -> "工作日" (not convertible to days)
 *   anything else: the normalised text itself, factor 1 (so "张" == "张" only)
 *   "" (no unit): dimension "" — comparable only with another unit-less value.
 * Time denominators turn the quantity into a rate PER YEAR (dimension suffix "/年"):
 *   年/year/yr/annum ×1, 半年 ×2, 季度/季/quarter ×4, 月/month ×12,
 *   周/星期/week ×52, 天/日/day ×365 (week and day rates use the 52-week /
 *   365-day convention). So 4 次/年 == 1 次/季度 and 1,611 元/月 == 19,332 元/年.
 * Other denominators ("人", "千人") stay in the dimension: "元/人/年".
 * At most one time denominator; more makes the unit unrecognised (its own text).
 */
#ifndef PSS_ENGINE_UNITS_H
#define PSS_ENGINE_UNITS_H

#include <stddef.h>

#define ENGINE_UNIT_DIM_MAX 96

typedef struct engine_unit {
    char dim[ENGINE_UNIT_DIM_MAX]; /* canonical dimension, "" = dimensionless */
    double factor;                 /* canonical value = value * factor (> 0) */
    int known;                     /* 1 when every part was recognised */
} engine_unit;

/* Parse a unit string. Always fills *out (unrecognised units get their normalised
 * text as dimension). Returns 0; -1 when the unit is longer than the dimension
 * buffer (dim is then the truncated text, known = 0); -2 when out of memory. */
int engine_unit_parse(const char *unit, engine_unit *out);

/* 1 when both units measure the same dimension. */
int engine_unit_comparable(const engine_unit *a, const engine_unit *b);

/* Parse "1,611 元/月", "９２%", "-3.5 天": a number (thousands separators ','
 * allowed between groups of exactly three digits), then the unit (trimmed).
 * Writes the unit text into unit (always NUL-terminated). Returns 0, or -1 when
 * no number is found or unit_cap is too small. */
int engine_quantity_parse(const char *text, double *value, char *unit, size_t unit_cap);

/* Compare a and b with a relative tolerance of 1e-9: -1, 0, 1. Infinities equal
 * themselves. */
int engine_qty_cmp(double a, double b);

#endif
