/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_docstore.h -- the stored document: how an article is kept in a Xapian
 * document's data, and read back.  The one owner of that format and of
 * the field names a stored document shows (GET, vn_searcher_get_json).
 *
 * Format (version 2): the byte 0x02, then for each field in the order of
 * vn_docfield a 4-byte little-endian length (0xFFFFFFFF for a missing
 * field) and that many bytes of UTF-8 (NFC).  Reading a hit's fields is
 * then a few pointer steps, where the JSON of version 1 cost a third of a
 * query's CPU (bench/README.md).  Pure: buffers in, buffers out. */
#ifndef VN_DOCSTORE_H
#define VN_DOCSTORE_H

#include <stddef.h>

#include "vn_buf.h"
#include "vnsearch.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vn_docfield {
    VN_DOC_ID, VN_DOC_TITLE, VN_DOC_DATE, VN_DOC_SOURCE, VN_DOC_URL, VN_DOC_DATELINE, VN_DOC_BODY,
    VN_DOC_NFIELDS
} vn_docfield;

/* The field names, as GET shows them: "id", "title", ... */
extern const char *const vn_doc_keys[VN_DOC_NFIELDS];

/* An article's fields in the order of vn_docfield: the one place that
 * lists a vn_article's members by position.  vn_article_slots gives
 * where each is kept (to fill or free them), vn_article_fields their
 * values (NULL: missing). */
void vn_article_slots(vn_article *a, const char **slot[VN_DOC_NFIELDS]);
void vn_article_fields(const vn_article *a, const char *f[VN_DOC_NFIELDS]);
/* *out = a copy of a with every field copied (the caller's: free with
 * vn_article_clear). */
void vn_article_copy(const vn_article *a, vn_article *out);

/* A decoded document: pointers into the stored bytes (valid as long as
 * they are), NULL for a missing field.  Fields are not NUL-terminated. */
typedef struct vn_docview {
    const char *f[VN_DOC_NFIELDS];
    size_t len[VN_DOC_NFIELDS];
} vn_docview;

/* Append the stored form of fields[0..VN_DOC_NFIELDS) (NULL: missing) to
 * out. */
void vn_doc_encode(const char *const fields[VN_DOC_NFIELDS], vn_buf *out);

/* Read stored bytes.  Returns 1, or 0 when they are not a version-2
 * document (truncated, another format). */
int vn_doc_decode(const char *data, size_t len, vn_docview *v);

/* Field `f` as a malloc'd NUL-terminated string (caller frees), or NULL
 * when missing. */
char *vn_doc_field(const vn_docview *v, vn_docfield f);

/* The document as a compact JSON object in field order, missing fields as
 * null; appended to out.  Returns 0 if jansson cannot encode it. */
int vn_doc_json(const vn_docview *v, vn_buf *out);

#ifdef __cplusplus
}
#endif

#endif
