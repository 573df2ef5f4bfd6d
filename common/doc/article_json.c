/* SPDX-License-Identifier: GPL-2.0-or-later */
/* article_json.c -- one JSON Lines record to a vn_article, with jansson.
 *
 * Strict about what would corrupt the index (missing or non-string id,
 * over-long id, no body), lenient about what only costs display or
 * filtering: null title, source, url; a date that is no ISO 8601 date or
 * date-time is dropped with a warning, never the article.  jansson rejects invalid
 * UTF-8, so a line with broken bytes is reported rather than repaired. */
#include "vn_article.h"
#include "vn_buf.h"
#include "vn_docstore.h"
#include "vn_text.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void vn_article_clear(vn_article *a)
{
    const char **slot[VN_DOC_NFIELDS];
    vn_article_slots(a, slot);
    for (int i = 0; i < VN_DOC_NFIELDS; i++)
        free((char *)*slot[i]); /* the parsers' own copies (vn_article.h) */
    memset(a, 0, sizeof *a);
}

int vn_date_from_iso(const char *s, char out[11])
{
    if (strlen(s) < 10)
        return 0;
    memcpy(out, s, 10);
    out[10] = '\0';
    if (!vn_date_valid(out))
        return 0;
    const char *t = s + 10;
    if (*t == '\0')
        return 1;
    if (*t != 'T' && *t != ' ')
        return 0;
    /* hh:mm[:ss[.fff]] then Z or +hh[:mm] / -hh[:mm]: digits and those signs */
    t++;
    if (!(t[0] >= '0' && t[0] <= '2' && t[1] >= '0' && t[1] <= '9' && t[2] == ':'))
        return 0;
    for (; *t; t++)
        if (!((*t >= '0' && *t <= '9') || strchr(":.+-Z", *t)))
            return 0;
    return 1;
}

/* Fetch an optional string field: absent or null gives NULL (or "" when
 * `empty_default`); any other non-string type is an error. */
static vn_status opt_string(json_t *obj, const char *key, int empty_default, const char **out, vn_error *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        *out = empty_default ? vn_xstrdup("") : NULL;
        return VN_OK;
    }
    if (!json_is_string(v))
        return vn_error_set(err, VN_ERR_INVALID, "field \"%s\" must be a string or null", key);
    *out = vn_xstrndup(json_string_value(v), json_string_length(v));
    return VN_OK;
}

vn_status vn_article_from_json(const char *line, size_t len, vn_article *out, vn_error *warn, vn_error *err)
{
    memset(out, 0, sizeof *out);
    vn_error_clear(warn);
    json_error_t jerr;
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return vn_error_set(err, VN_ERR_INVALID, "malformed JSON at column %d: %s", jerr.column, jerr.text);
    vn_status rc = VN_OK;
    if (!json_is_object(root)) {
        rc = vn_error_set(err, VN_ERR_INVALID, "a record must be a JSON object");
        goto done;
    }
    json_t *id = json_object_get(root, "id");
    if (!json_is_string(id) || json_string_length(id) == 0) {
        rc = vn_error_set(err, VN_ERR_INVALID, "field \"id\" must be a non-empty string");
        goto done;
    }
    if (json_string_length(id) > VN_ID_MAX_BYTES || memchr(json_string_value(id), '\0', json_string_length(id))) {
        rc = vn_error_set(err, VN_ERR_INVALID, "field \"id\" is longer than %d bytes or holds NUL", VN_ID_MAX_BYTES);
        goto done;
    }
    json_t *body = json_object_get(root, "body");
    if (!json_is_string(body)) {
        rc = vn_error_set(err, VN_ERR_INVALID, "field \"body\" must be a string");
        goto done;
    }
    out->id = vn_xstrdup(json_string_value(id));
    out->body = vn_xstrndup(json_string_value(body), json_string_length(body));
    if ((rc = opt_string(root, "title", 1, &out->title, err)) != VN_OK ||
        (rc = opt_string(root, "date", 0, &out->date, err)) != VN_OK ||
        (rc = opt_string(root, "source", 0, &out->source, err)) != VN_OK ||
        (rc = opt_string(root, "url", 0, &out->url, err)) != VN_OK)
        goto done;
    char day[11];
    if (out->date && vn_date_from_iso(out->date, day)) {
        memcpy((char *)out->date, day, sizeof day); /* our copy, never longer than what was written */
    } else if (out->date) {
        vn_error_set(warn, VN_ERR_INVALID, "field \"date\" is no ISO 8601 date (\"%.*s\"); indexed without a date",
                     (int)vn_utf8_cut(out->date, strlen(out->date), 32), out->date);
        free((char *)out->date);
        out->date = NULL;
    }
done:
    json_decref(root);
    if (rc != VN_OK)
        vn_article_clear(out);
    return rc;
}
