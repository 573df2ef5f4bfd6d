/* SPDX-License-Identifier: GPL-2.0-or-later */
/* query_dates.c -- dates typed in Vietnamese, found in a query and turned
 * into a date range (see vn_query.h).
 *
 * Read from the parsed query's words (folded: "Tháng" and "thang" alike;
 * the tokeniser keeps "9/2025" and "2/9/2025" as one token), never from
 * its text: the first of these forms made of plain words (not excluded,
 * quoted, in a field, a prefix or OR'd) is taken:
 *   ngày 2/9/2025, 2/9/2025, ngày 2 tháng 9 năm 2025   one day
 *   ngày 2/9, 2/9                                       that day this year
 *   tháng 9/2025, tháng 9 năm 2025                      one month
 *   năm 2024 (not after "Việt" or "miền": Việt Nam)     one year
 *   hôm nay, hôm qua, tuần này, tuần trước, tháng này,
 *   tháng trước, năm nay, năm ngoái, năm trước, đầu năm nay
 * Relative dates count from `today`.  Pure: no clock is read here.  Not
 * here: applying the range (search.c), the query syntax (query_parse.c). */
#include "vn_query.h"
#include "vn_calendar.h"
#include "vn_text.h"

#include <string.h>

typedef vn_day day;

/* Dates typed in a query are taken from 1900 to 2100 only. */
static int valid(day x) { return x.y >= 1900 && x.y <= 2100 && vn_day_valid(x); }

/* Parse "a", "a/b" or "a/b/c" of digits into n[]; returns how many parts. */
static int numbers(const char *s, size_t len, int n[3])
{
    int k = 0, v = 0, digits = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] >= '0' && s[i] <= '9') {
            if (++digits > 4)
                return 0;
            v = v * 10 + (s[i] - '0');
        } else if (i == len || s[i] == '/') {
            if (!digits || k == 3)
                return 0;
            n[k++] = v;
            v = digits = 0;
        } else {
            return 0;
        }
    }
    return k;
}

/* Does token i exist and read `word` (folded)? */
static int is(const vn_tokens *t, size_t i, const char *word)
{
    return i < t->n && t->tok[i].folded_len == strlen(word) &&
           memcmp(VN_TOK_FOLDED(t, &t->tok[i]), word, t->tok[i].folded_len) == 0;
}

static int num(const vn_tokens *t, size_t i, int n[3])
{
    return i < t->n ? numbers(VN_TOK_FOLDED(t, &t->tok[i]), t->tok[i].folded_len, n) : 0;
}

/* Try the forms at token i; on a match set [a, b] and *used (tokens). */
static int match_at(const vn_tokens *t, size_t i, day today, day *a, day *b, size_t *used)
{
    int n[3], n2[3], n3[3];
    int k = num(t, i, n);
    int lead = is(t, i, "ngay");
    if (lead)
        k = num(t, i + 1, n);
    size_t at = i + (size_t)lead;
    /* ngày 2 tháng 9 năm 2025 */
    if (lead && k == 1 && is(t, at + 1, "thang") && num(t, at + 2, n2) == 1 && is(t, at + 3, "nam") &&
        num(t, at + 4, n3) == 1) {
        *a = *b = (day){n3[0], n2[0], n[0]};
        *used = 6;
        return valid(*a);
    }
    if (k == 3 || (k == 2 && (lead || (n[0] <= 31 && n[1] <= 12)))) { /* [ngày] 2/9/2025, [ngày] 2/9 */
        *a = *b = (day){k == 3 ? n[2] : today.y, n[1], n[0]};
        *used = 1 + (size_t)lead;
        return valid(*a);
    }
    if (is(t, i, "thang")) {
        k = num(t, i + 1, n);
        if (k == 2 || (k == 1 && is(t, i + 2, "nam") && num(t, i + 3, n2) == 1)) { /* tháng 9/2025, tháng 9 năm 2025 */
            int y = k == 2 ? n[1] : n2[0];
            *a = (day){y, n[0], 1};
            *used = k == 2 ? 2 : 4;
        } else if (is(t, i + 1, "nay") || is(t, i + 1, "truoc")) { /* tháng này, tháng trước */
            *a = (day){today.y, today.m, 1};
            if (is(t, i + 1, "truoc"))
                *a = today.m == 1 ? (day){today.y - 1, 12, 1} : (day){today.y, today.m - 1, 1};
            *used = 2;
        } else {
            return 0;
        }
        if (a->m < 1 || a->m > 12)
            return 0;
        *b = (day){a->y, a->m, vn_days_in_month(a->y, a->m)};
        return valid(*a);
    }
    if (is(t, i, "nam") && !(i > 0 && (is(t, i - 1, "viet") || is(t, i - 1, "mien")))) {
        int y;
        if (num(t, i + 1, n) == 1 && n[0] >= 1900 && n[0] <= 2100) { /* năm 2024 */
            y = n[0];
        } else if (is(t, i + 1, "nay")) {
            y = today.y;
        } else if (is(t, i + 1, "ngoai") || is(t, i + 1, "truoc")) {
            y = today.y - 1;
        } else {
            return 0;
        }
        *a = (day){y, 1, 1};
        *b = (day){y, 12, 31};
        *used = 2;
        return 1;
    }
    if (is(t, i, "dau") && is(t, i + 1, "nam") && is(t, i + 2, "nay")) { /* đầu năm nay: its first quarter */
        *a = (day){today.y, 1, 1};
        *b = (day){today.y, 3, 31};
        *used = 3;
        return 1;
    }
    if (is(t, i, "hom") && (is(t, i + 1, "nay") || is(t, i + 1, "qua"))) {
        *a = *b = is(t, i + 1, "nay") ? today : vn_day_from_number(vn_day_number(today) - 1);
        *used = 2;
        return 1;
    }
    if (is(t, i, "tuan") && (is(t, i + 1, "nay") || is(t, i + 1, "truoc"))) { /* weeks start on Monday */
        /* 1970-01-01 was a Thursday; C's % keeps the sign of a day before it */
        long z = vn_day_number(today), monday = z - (((z + 3) % 7) + 7) % 7;
        if (is(t, i + 1, "truoc")) {
            *a = vn_day_from_number(monday - 7);
            *b = vn_day_from_number(monday - 1);
        } else {
            *a = vn_day_from_number(monday);
            *b = today;
        }
        *used = 2;
        return 1;
    }
    return 0;
}

/* Can the words of token i be taken over by a date filter: a plain word
 * of its own (anywhere, not excluded, quoted, a prefix or OR'd)? */
static int free_word(const vn_qparse *p, size_t i)
{
    for (size_t k = 0; k < p->n; k++)
        if (p->items[k].from <= i && i < p->items[k].to)
            return p->items[k].to - p->items[k].from == 1 && p->items[k].flags == 0 && p->items[k].field == VN_QF_ANY;
    return 0;
}

int vn_query_dates(const vn_qparse *p, const char *today, vn_date_words *out)
{
    day now;
    if (!vn_day_parse(today, &now))
        return 0;
    const vn_tokens *t = &p->toks;
    for (size_t i = 0; i < t->n; i++) {
        day a, b;
        size_t used = 0, k = 0;
        if (!match_at(t, i, now, &a, &b, &used) || !valid(a) || !valid(b) || !used)
            continue;
        while (k < used && free_word(p, i + k))
            k++;
        if (k < used)
            continue; /* bão -"năm 2024": the words stay words */
        vn_day_format(a, out->from);
        vn_day_format(b, out->to);
        out->start = t->tok[i].src_start;
        out->end = t->tok[i + used - 1].src_end;
        out->tok_from = i;
        out->tok_to = i + used;
        return 1;
    }
    return 0;
}
