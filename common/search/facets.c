/* SPDX-License-Identifier: GPL-2.0-or-later */
/* facets.c -- counts of the matching documents per source, year, month
 * and day, from what Xapian's value-count match spies saw (the source and
 * date value slots, vn_xapian.h): dates are counted per day by Xapian and
 * rolled up to months and years here.  Each facet keeps its top values by
 * count (ties by value).  Not here: running the match (search.c). */
#include "vn_search.h"
#include "vn_buf.h"
#include "vn_xapian.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int by_count(const void *a, const void *b)
{
    const vn_facet_value *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->value, y->value);
}

/* Add `count` under `key` in f (a linear search: a facet has few values
 * per query, days at most some thousands). */
static void add(vn_facet *f, size_t *cap, const char *key, size_t n, uint64_t count)
{
    for (size_t i = 0; i < f->n; i++)
        if (strlen(f->values[i].value) == n && memcmp(f->values[i].value, key, n) == 0) {
            f->values[i].count += count;
            return;
        }
    VN_GROW(f->values, f->n, *cap, 16);
    f->values[f->n].value = vn_xstrndup(key, n);
    f->values[f->n++].count = count;
}

/* Keep the top `limit` values, most documents first. */
static void top(vn_facet *f, unsigned limit)
{
    if (f->n > 1)
        qsort(f->values, f->n, sizeof *f->values, by_count);
    while (f->n > limit)
        free(f->values[--f->n].value);
}

const char *const vn_facet_names[VN_NFACETS] = {"source", "year", "month", "day"};

unsigned vn_facets_parse(const char *s, size_t n)
{
    unsigned which = 0;
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && s[e] != ',')
            e++;
        int k = 0;
        while (k < VN_NFACETS && !(strlen(vn_facet_names[k]) == e - i && strncasecmp(s + i, vn_facet_names[k], e - i) == 0))
            k++;
        if (k == VN_NFACETS)
            return 0;
        which |= 1u << k;
        i = e + 1;
    }
    return which;
}

void vn_facets_build(const vn_xresults *r, unsigned which, unsigned limit, vn_hits *h)
{
    h->nfacets = 0;
    if (!limit)
        limit = 10;
    for (int k = 0; k < VN_NFACETS; k++) {
        if (!(which & (1u << k)))
            continue;
        vn_facet *f = &h->facet[h->nfacets++];
        memset(f, 0, sizeof *f);
        f->name = vn_facet_names[k];
        size_t cap = 0;
        if (k == 0) {
            for (size_t i = 0; i < r->nspy[0]; i++)
                add(f, &cap, r->spy[0][i].value, strlen(r->spy[0][i].value), r->spy[0][i].count);
        } else {
            for (size_t i = 0; i < r->nspy[1]; i++) {
                const char *v = r->spy[1][i].value; /* YYYYMMDD */
                if (strlen(v) != 8)
                    continue;
                char key[11];
                size_t n = k == 1 ? 4 : k == 2 ? 7 : 10;
                memcpy(key, v, 4);
                key[4] = '-';
                memcpy(key + 5, v + 4, 2);
                key[7] = '-';
                memcpy(key + 8, v + 6, 2);
                add(f, &cap, key, n, r->spy[1][i].count);
            }
        }
        top(f, limit);
    }
}

void vn_facets_free(vn_hits *h)
{
    for (size_t k = 0; k < h->nfacets; k++) {
        for (size_t i = 0; i < h->facet[k].n; i++)
            free(h->facet[k].values[i].value);
        free(h->facet[k].values);
    }
    h->nfacets = 0;
}
