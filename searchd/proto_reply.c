/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proto_reply.c -- reply formatting for vnsearchd.  Pure: results in,
 * bytes out, appended to a vn_buf so that a reply is written once.
 *
 * Text format: a first line "OK ..." or "ERR <code> <message>"; multi-line
 * replies end with a line "END".  Fields inside a line are separated by
 * tabs; tabs and line breaks inside values become spaces.
 * JSON format: exactly one line, one object, per reply (jansson). */
#include "proto.h"

#include "vn_text.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Append a value for a text line: '-' when absent, one line always. */
static void put_field(vn_buf *b, const char *s)
{
    if (!s || !*s)
        vn_buf_putc(b, '-');
    else
        vn_buf_append_oneline(b, s, strlen(s));
}

static json_t *jstr_or_null(const char *s)
{
    json_t *v = s ? json_string(s) : NULL;
    return v ? v : json_null();
}

/* Append `o` as one JSON line and drop the reference. */
static void put_json(vn_buf *out, json_t *o)
{
    json_dump_callback(o, vn_buf_dump_cb, out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    vn_buf_puts(out, "\r\n");
    json_decref(o);
}

void vn_reply_error(vn_buf *out, int json, const char *code, const char *msg)
{
    char *fixed = NULL; /* every reply is valid UTF-8, whatever a message holds */
    if (!vn_utf8_valid(msg, strlen(msg)))
        msg = fixed = vn_utf8_repair(msg, strlen(msg), NULL);
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "ok", json_false());
        json_t *e = json_object();
        json_object_set_new(e, "code", json_string(code));
        json_t *m = json_string(msg);
        json_object_set_new(e, "message", m ? m : json_string("(message not UTF-8)"));
        json_object_set_new(o, "error", e);
        put_json(out, o);
    } else {
        vn_buf_printf(out, "ERR %s ", code);
        put_field(out, msg);
        vn_buf_puts(out, "\r\n");
    }
    free(fixed);
}


/* Facets: a "facets" object in JSON, FACET lines in text. */
static void put_facets(vn_buf *out, json_t *o, const vn_hits *h)
{
    json_t *all = o && h->nfacets ? json_object() : NULL;
    for (size_t k = 0; k < h->nfacets; k++) {
        const vn_facet *f = &h->facet[k];
        json_t *arr = all ? json_array() : NULL;
        for (size_t i = 0; i < f->n; i++) {
            if (arr) {
                json_t *v = json_object();
                json_object_set_new(v, "value", jstr_or_null(f->values[i].value));
                json_object_set_new(v, "count", json_integer((json_int_t)f->values[i].count));
                json_array_append_new(arr, v);
            } else {
                vn_buf_printf(out, "FACET\t%s\t", f->name);
                put_field(out, f->values[i].value);
                vn_buf_printf(out, "\t%llu\r\n", (unsigned long long)f->values[i].count);
            }
        }
        if (all)
            json_object_set_new(all, f->name, arr);
    }
    if (all)
        json_object_set_new(o, "facets", all);
}

void vn_reply_hits(vn_buf *out, int json, const vn_hits *h, double took_ms)
{
    json_t *o = NULL, *arr = NULL;
    if (json) {
        o = json_object();
        arr = json_array();
        json_object_set_new(o, "ok", json_true());
        json_object_set_new(o, "total", json_integer((json_int_t)h->total));
        json_object_set_new(o, "total_min", json_integer((json_int_t)h->total_min));
        json_object_set_new(o, "total_max", json_integer((json_int_t)h->total_max));
        json_object_set_new(o, "took_ms", json_real(took_ms));
        if (h->shards_down)
            json_object_set_new(o, "partial", json_true());
        if (h->cut)
            json_object_set_new(o, "cut", json_true());
        if (h->other_spellings)
            json_object_set_new(o, "other_spellings", json_true());
        if (h->did_you_mean)
            json_object_set_new(o, "did_you_mean", jstr_or_null(h->did_you_mean));
        if (h->date_words) {
            json_t *d = json_object();
            json_object_set_new(d, "words", jstr_or_null(h->date_words));
            json_object_set_new(d, "from", json_string(h->date_from));
            json_object_set_new(d, "to", json_string(h->date_to));
            json_object_set_new(o, "dates", d);
        }
    } else {
        vn_buf_printf(out, "OK total=%llu hits=%zu took_ms=%.3f total_min=%llu total_max=%llu",
                      (unsigned long long)h->total, h->n, took_ms, (unsigned long long)h->total_min,
                      (unsigned long long)h->total_max);
        if (h->date_words)
            vn_buf_printf(out, " dates=%s..%s", h->date_from, h->date_to);
        if (h->shards_down)
            vn_buf_puts(out, " partial=true");
        if (h->cut)
            vn_buf_puts(out, " cut=true");
        if (h->other_spellings)
            vn_buf_puts(out, " other_spellings=true");
        vn_buf_puts(out, "\r\n");
    }
    for (size_t i = 0; i < h->n; i++) {
        const vn_hit *x = &h->hit[i];
        const char *snip = x->snippet;
        if (json) {
            json_t *j = json_object();
            json_object_set_new(j, "id", jstr_or_null(x->id));
            json_object_set_new(j, "score", json_real(x->score));
            json_object_set_new(j, "date", jstr_or_null(x->date));
            json_object_set_new(j, "source", jstr_or_null(x->source));
            json_object_set_new(j, "title", jstr_or_null(x->title));
            json_object_set_new(j, "url", jstr_or_null(x->url));
            json_object_set_new(j, "snippet", jstr_or_null(snip));
            if (h->collapsed) {
                json_t *c = json_array();
                for (size_t k = 0; k < x->ncopies; k++)
                    json_array_append_new(c, jstr_or_null(x->copies[k]));
                json_object_set_new(j, "copies", c);
            }
            json_array_append_new(arr, j);
        } else {
            vn_buf_puts(out, "HIT\t");
            put_field(out, x->id);
            vn_buf_printf(out, "\t%.4f\t", x->score);
            put_field(out, x->date);
            vn_buf_putc(out, '\t');
            put_field(out, x->source);
            vn_buf_putc(out, '\t');
            put_field(out, x->title);
            vn_buf_putc(out, '\t');
            put_field(out, snip);
            vn_buf_putc(out, '\t');
            put_field(out, x->url);
            if (h->collapsed) { /* copies=N, then their ids */
                vn_buf_printf(out, "\tcopies=%zu", x->ncopies);
                for (size_t k = 0; k < x->ncopies; k++) {
                    vn_buf_putc(out, '\t');
                    put_field(out, x->copies[k]);
                }
            }
            vn_buf_puts(out, "\r\n");
        }
    }
    if (json) {
        json_object_set_new(o, "hits", arr);
        put_facets(out, o, h);
        put_json(out, o);
    } else {
        put_facets(out, NULL, h);
        if (h->did_you_mean) {
            vn_buf_puts(out, "DIDYOUMEAN\t");
            put_field(out, h->did_you_mean);
            vn_buf_puts(out, "\r\n");
        }
        vn_buf_puts(out, "END\r\n");
    }
}

void vn_reply_watch(vn_buf *out, int json, uint64_t id)
{
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "ok", json_true());
        json_object_set_new(o, "watch", json_integer((json_int_t)id));
        put_json(out, o);
    } else {
        vn_buf_printf(out, "OK %llu\r\n", (unsigned long long)id);
    }
}

void vn_reply_alert(vn_buf *out, int json, uint64_t watch, const vn_hit *h)
{
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "alert", json_integer((json_int_t)watch));
        json_object_set_new(o, "id", jstr_or_null(h->id));
        json_object_set_new(o, "date", jstr_or_null(h->date));
        json_object_set_new(o, "source", jstr_or_null(h->source));
        json_object_set_new(o, "title", jstr_or_null(h->title));
        json_object_set_new(o, "url", jstr_or_null(h->url));
        put_json(out, o);
        return;
    }
    vn_buf_printf(out, "ALERT\t%llu\t", (unsigned long long)watch);
    const char *f[] = {h->id, h->date, h->source, h->title, h->url};
    for (size_t i = 0; i < 5; i++) {
        if (i)
            vn_buf_putc(out, '\t');
        put_field(out, f[i]);
    }
    vn_buf_puts(out, "\r\n");
}

void vn_reply_count(vn_buf *out, int json, uint64_t n, const vn_hits *facets)
{
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "ok", json_true());
        json_object_set_new(o, "count", json_integer((json_int_t)n));
        if (facets && facets->shards_down)
            json_object_set_new(o, "partial", json_true());
        if (facets && facets->cut)
            json_object_set_new(o, "cut", json_true());
        if (facets && facets->other_spellings)
            json_object_set_new(o, "other_spellings", json_true());
        if (facets)
            put_facets(out, o, facets);
        put_json(out, o);
        return;
    }
    vn_buf_printf(out, "OK %llu%s%s%s\r\n", (unsigned long long)n, facets && facets->shards_down ? " partial=true" : "",
                  facets && facets->cut ? " cut=true" : "", facets && facets->other_spellings ? " other_spellings=true" : "");
    if (facets && facets->nfacets) { /* asked for facets: OK n, FACET lines, END */
        put_facets(out, NULL, facets);
        vn_buf_puts(out, "END\r\n");
    }
}

void vn_reply_ok(vn_buf *out, int json, const char *msg)
{
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "ok", json_true());
        if (msg)
            json_object_set_new(o, "message", json_string(msg));
        put_json(out, o);
    } else {
        vn_buf_puts(out, "OK");
        if (msg) {
            vn_buf_putc(out, ' ');
            put_field(out, msg);
        }
        vn_buf_puts(out, "\r\n");
    }
}

void vn_reply_version(vn_buf *out, int json, const char *version, const char *xapian, const char *schema)
{
    if (json) {
        json_t *o = json_pack("{s:b,s:s,s:s,s:s}", "ok", 1, "vnsearchd", version, "xapian", xapian, "schema", schema);
        put_json(out, o);
        return;
    }
    vn_buf_printf(out, "OK vnsearchd=%s xapian=%s schema=%s\r\n", version, xapian, schema);
}

void vn_reply_doc(vn_buf *out, int json, const char *doc, size_t len)
{
    json_t *d = json_loadb(doc, len, 0, NULL);
    if (!d) {
        vn_reply_error(out, json, VN_ERRC_SERVER, "stored document is not valid JSON");
        return;
    }
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "ok", json_true());
        json_object_set_new(o, "doc", d);
        put_json(out, o);
        return;
    }
    vn_buf_puts(out, "OK\r\n");
    const char *k;
    json_t *v;
    json_object_foreach(d, k, v) {
        vn_buf_puts(out, k);
        vn_buf_putc(out, '\t');
        put_field(out, json_is_string(v) ? json_string_value(v) : NULL);
        vn_buf_puts(out, "\r\n");
    }
    vn_buf_puts(out, "END\r\n");
    json_decref(d);
}

void vn_reply_list(vn_buf *out, int json, const char *key, char **items, size_t n)
{
    vn_reply_list_partial(out, json, key, items, n, 0);
}

void vn_reply_list_partial(vn_buf *out, int json, const char *key, char **items, size_t n, int partial)
{
    if (json) {
        json_t *o = json_object(), *a = json_array();
        json_object_set_new(o, "ok", json_true());
        if (partial)
            json_object_set_new(o, "partial", json_true());
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, jstr_or_null(items[i]));
        json_object_set_new(o, key, a);
        put_json(out, o);
        return;
    }
    vn_buf_printf(out, "OK %zu%s\r\n", n, partial ? " partial=true" : "");
    for (size_t i = 0; i < n; i++) {
        put_field(out, items[i]);
        vn_buf_puts(out, "\r\n");
    }
    vn_buf_puts(out, "END\r\n");
}

void vn_reply_stats(vn_buf *out, int json, const vn_stat *s, size_t n)
{
    vn_reply_stats_shards(out, json, s, n, NULL, 0);
}

void vn_reply_stats_shards(vn_buf *out, int json, const vn_stat *s, size_t n, const vn_shard_info *sh, size_t nsh)
{
    json_t *o = NULL;
    if (json) {
        o = json_object();
        json_object_set_new(o, "ok", json_true());
    } else {
        vn_buf_puts(out, "OK\r\n");
    }
    for (size_t i = 0; i < n; i++) {
        if (json)
            json_object_set_new(o, s[i].key,
                                s[i].value == (double)(json_int_t)s[i].value ? json_integer((json_int_t)s[i].value)
                                                                              : json_real(s[i].value));
        else
            vn_buf_printf(out, "%s\t%.10g\r\n", s[i].key, s[i].value);
    }
    json_t *arr = json && nsh ? json_array() : NULL;
    for (size_t i = 0; i < nsh; i++) {
        if (!json) {
            vn_buf_puts(out, "shard\t");
            put_field(out, sh[i].name);
            vn_buf_printf(out, "\t%s\t%llu\r\n", sh[i].up ? "up" : "down", (unsigned long long)sh[i].documents);
            continue;
        }
        json_t *j = json_object();
        json_object_set_new(j, "name", jstr_or_null(sh[i].name));
        json_object_set_new(j, "remote", json_boolean(sh[i].remote));
        json_object_set_new(j, "up", json_boolean(sh[i].up));
        json_object_set_new(j, "documents", json_integer((json_int_t)sh[i].documents));
        json_array_append_new(arr, j);
    }
    if (arr)
        json_object_set_new(o, "per_shard", arr);
    if (json)
        put_json(out, o);
    else
        vn_buf_puts(out, "END\r\n");
}

void vn_reply_help(vn_buf *out, int json)
{
    char *lines[VN_NCOMMANDS + 1];
    size_t n = 0;
    for (size_t i = 0; i < VN_NCOMMANDS; i++) {
        const char *h = vn_commands[i].help, *at = strstr(h, "{options}");
        vn_buf b = VN_BUF_INIT;
        if (at) {
            vn_buf_append(&b, h, (size_t)(at - h));
            for (int o = 0; o < VN_NOPTIONS; o++)
                vn_buf_printf(&b, "%s[%s=%s]", o ? " " : "", vn_search_options[o].key, vn_search_options[o].values);
            vn_buf_puts(&b, at + strlen("{options}"));
        } else {
            vn_buf_puts(&b, h);
        }
        lines[n++] = vn_buf_take(&b);
    }
    lines[n++] = vn_xstrdup(vn_query_syntax);
    vn_reply_list(out, json, "commands", lines, n);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
}
