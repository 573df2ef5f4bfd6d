/* SPDX-License-Identifier: GPL-2.0-or-later */
/* docstore.c -- the stored-document format (see vn_docstore.h): encode at
 * indexing time, decode for hits, render as JSON for GET.  Deliberately
 * not here: which text goes in (schema.c decides, NFC and all). */
#include "vn_docstore.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DOC_VERSION 0x02
#define DOC_MISSING 0xFFFFFFFFu

const char *const vn_doc_keys[VN_DOC_NFIELDS] = {"id", "title", "date", "source", "url", "dateline", "body"};

void vn_article_slots(vn_article *a, const char **slot[VN_DOC_NFIELDS])
{
    const char **s[VN_DOC_NFIELDS] = {&a->id, &a->title, &a->date, &a->source, &a->url, &a->dateline, &a->body};
    memcpy(slot, s, sizeof s);
}

void vn_article_fields(const vn_article *a, const char *f[VN_DOC_NFIELDS])
{
    const char **slot[VN_DOC_NFIELDS];
    vn_article_slots((vn_article *)a, slot); /* only read */
    for (int i = 0; i < VN_DOC_NFIELDS; i++)
        f[i] = *slot[i];
}

void vn_article_copy(const vn_article *a, vn_article *out)
{
    const char *f[VN_DOC_NFIELDS];
    const char **slot[VN_DOC_NFIELDS];
    vn_article_fields(a, f);
    *out = (vn_article){0};
    vn_article_slots(out, slot);
    for (int i = 0; i < VN_DOC_NFIELDS; i++)
        *slot[i] = f[i] ? vn_xstrdup(f[i]) : NULL;
}

void vn_doc_encode(const char *const fields[VN_DOC_NFIELDS], vn_buf *out)
{
    vn_buf_putc(out, DOC_VERSION);
    for (int i = 0; i < VN_DOC_NFIELDS; i++) {
        if (!fields[i]) {
            vn_buf_put_u32le(out, DOC_MISSING);
            continue;
        }
        size_t n = strlen(fields[i]);
        vn_buf_put_u32le(out, (uint32_t)n); /* articles are far below 4 GB: the parsers cap lines */
        vn_buf_append(out, fields[i], n);
    }
}

int vn_doc_decode(const char *data, size_t len, vn_docview *v)
{
    const unsigned char *p = (const unsigned char *)data;
    if (len < 1 || p[0] != DOC_VERSION)
        return 0;
    size_t at = 1;
    for (int i = 0; i < VN_DOC_NFIELDS; i++) {
        if (len - at < 4)
            return 0;
        uint32_t n = vn_get_u32le(p + at);
        at += 4;
        if (n == DOC_MISSING) {
            v->f[i] = NULL;
            v->len[i] = 0;
            continue;
        }
        if (n > len - at)
            return 0;
        v->f[i] = data + at;
        v->len[i] = n;
        at += n;
    }
    return at == len;
}

char *vn_doc_field(const vn_docview *v, vn_docfield f)
{
    return v->f[f] ? vn_xstrndup(v->f[f], v->len[f]) : NULL;
}

int vn_doc_json(const vn_docview *v, vn_buf *out)
{
    json_t *o = json_object();
    for (int i = 0; i < VN_DOC_NFIELDS; i++)
        json_object_set_new(o, vn_doc_keys[i], v->f[i] ? json_stringn(v->f[i], v->len[i]) : json_null());
    int rc = json_dump_callback(o, vn_buf_dump_cb, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return rc == 0;
}
