/* SPDX-License-Identifier: GPL-2.0-or-later */
/* http_codec.c -- the pure parts of the HTTP front-end's bodies (http.c):
 * gzip of a reply (zlib) when the client accepts it, an ETag of the
 * page's files, and the JSON bodies a Meilisearch user sends: an array of
 * articles for POST /documents (made JSON Lines, what ADD takes), and an
 * object of parameters for POST /search and /count (each member the
 * query string's parameter of that name).  No libevent, no sockets: the
 * unit tests call them (test_proto.c).  Not here: routing and replies
 * (http.c), the parameters' meaning (proto_parse.c). */
#include "proto.h"
#include "vn_hash.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

int vn_http_accepts_gzip(const char *accept_encoding)
{
    /* "gzip", "gzip;q=1", "deflate, gzip"; not "gzip;q=0" */
    for (const char *p = accept_encoding; p && *p;) {
        p += strspn(p, " \t,");
        size_t n = strcspn(p, ",");
        size_t name = strcspn(p, " \t;,");
        if (name == 4 && strncasecmp(p, "gzip", 4) == 0) {
            const char *q = memchr(p, ';', n);
            if (!q)
                return 1;
            q = strstr(q, "q=");
            return !q || q >= p + n || strtod(q + 2, NULL) > 0;
        }
        p += n;
    }
    return 0;
}

int vn_http_gzip(const char *data, size_t len, int level, vn_buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* 15 + 16: a gzip header and trailer around the deflate stream */
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    size_t bound = deflateBound(&z, (uLong)len);
    vn_buf_reserve(out, bound);
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out->data + out->len;
    z.avail_out = (uInt)bound;
    int rc = deflate(&z, Z_FINISH);
    size_t wrote = bound - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END)
        return -1;
    out->len += wrote;
    return 0;
}

void vn_http_etag(const char *data, size_t len, char out[24])
{
    snprintf(out, 24, "\"%016llx\"", (unsigned long long)vn_hash64(data, len));
}

vn_status vn_http_articles_array(const char *body, vn_buf *lines, vn_error *err)
{
    json_error_t je;
    json_t *a = json_loads(body, 0, &je);
    if (!json_is_array(a)) {
        json_decref(a);
        return vn_error_set(err, VN_ERR_INVALID, "want a JSON array of articles (or JSON Lines): %s", je.text);
    }
    size_t i;
    json_t *v;
    vn_status rc = VN_OK;
    json_array_foreach(a, i, v)
    {
        if (!json_is_object(v)) {
            rc = vn_error_set(err, VN_ERR_INVALID, "element %zu of the array is not an article object", i + 1);
            break;
        }
        /* one line each: the compact form escapes every line break */
        json_dump_callback(v, vn_buf_dump_cb, lines, JSON_COMPACT | JSON_PRESERVE_ORDER);
        vn_buf_putc(lines, '\n');
    }
    if (rc == VN_OK && i == 0)
        rc = vn_error_set(err, VN_ERR_INVALID, "no article in the array");
    json_decref(a);
    return rc;
}

vn_status vn_http_json_params(const char *body, vn_param_fn add, void *ctx, vn_error *err)
{
    json_error_t je;
    json_t *o = json_loads(body, JSON_REJECT_DUPLICATES, &je); /* {"q":"a","q":"b"}: which? */
    if (!json_is_object(o)) {
        json_decref(o);
        return vn_error_set(err, VN_ERR_INVALID, "want a JSON object of parameters ({\"q\": ...}): %s", je.text);
    }
    const char *key;
    json_t *v;
    vn_status rc = VN_OK;
    vn_buf val = VN_BUF_INIT;
    json_object_foreach(o, key, v)
    {
        val.len = 0;
        if (json_is_string(v))
            vn_buf_puts(&val, json_string_value(v));
        else if (json_is_integer(v))
            vn_buf_printf(&val, "%lld", (long long)json_integer_value(v));
        else if (json_is_real(v))
            vn_buf_printf(&val, "%g", json_real_value(v));
        else if (json_is_boolean(v))
            vn_buf_puts(&val, json_is_true(v) ? "on" : "off");
        else if (json_is_array(v)) { /* "facets": ["source", "month"] */
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e)
            {
                if (!json_is_string(e))
                    break;
                if (i)
                    vn_buf_putc(&val, ',');
                vn_buf_puts(&val, json_string_value(e));
            }
            if (i < json_array_size(v)) {
                rc = vn_error_set(err, VN_ERR_INVALID, "parameter \"%.32s\": want an array of strings", key);
                break;
            }
        } else {
            rc = vn_error_set(err, VN_ERR_INVALID, "parameter \"%.32s\": want a string, number or boolean", key);
            break;
        }
        vn_buf_putc(&val, '\0');
        if ((rc = add(ctx, key, val.data, err)) != VN_OK)
            break;
    }
    vn_buf_free(&val);
    json_decref(o);
    return rc;
}
