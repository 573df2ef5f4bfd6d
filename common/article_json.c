/* SPDX-License-Identifier: GPL-2.0-or-later */
/* article_json.c -- one JSON Lines record to a vn_article, with jansson.
 *
 * Strict about what would corrupt the index (missing or non-string id,
 * over-long id, a date that is not YYYY-MM-DD), lenient about what only
 * costs display (null title, source, url).  jansson rejects invalid
 * UTF-8, so a line with broken bytes is reported rather than repaired. */
#include "vn_article.h"
#include "vn_buf.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void vn_article_clear(vn_article *a)
{
    free(a->id);
    free(a->title);
    free(a->date);
    free(a->source);
    free(a->url);
    free(a->dateline);
    free(a->body);
    memset(a, 0, sizeof *a);
}

int vn_date_valid(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    if (s[10] != '\0')
        return 0;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    return 1;
}

/* Fetch an optional string field: absent or null gives NULL (or "" when
 * `empty_default`); any other non-string type is an error. */
static vn_status opt_string(json_t *obj, const char *key, int empty_default, char **out, vn_error *err)
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

vn_status vn_article_from_json(const char *line, size_t len, vn_article *out, vn_error *err)
{
    memset(out, 0, sizeof *out);
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
    if (out->date && !vn_date_valid(out->date)) {
        rc = vn_error_set(err, VN_ERR_INVALID, "field \"date\" must be YYYY-MM-DD or null, not \"%.20s\"", out->date);
        goto done;
    }
done:
    json_decref(root);
    if (rc != VN_OK)
        vn_article_clear(out);
    return rc;
}
