/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_buf.h -- a growable byte buffer, the one string builder of libvnsearch,
 * and the one array growth (VN_GROW).
 *
 * Growth is geometric, so appending n bytes costs O(n) amortised.  The
 * buffer is always NUL-terminated once anything was appended.  Allocation
 * failure aborts via vn_xrealloc: the out-of-memory policy stated in
 * vnsearch.h, for the library and the programs alike. */
#ifndef VN_BUF_H
#define VN_BUF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vn_buf {
    char *data;  /* owned; NULL until the first append */
    size_t len;  /* bytes used, not counting the terminating NUL */
    size_t cap;  /* bytes allocated */
} vn_buf;

#define VN_BUF_INIT {NULL, 0, 0}

/* Make room for `extra` more bytes (plus the NUL). */
void vn_buf_reserve(vn_buf *b, size_t extra);
void vn_buf_append(vn_buf *b, const void *p, size_t n);
void vn_buf_puts(vn_buf *b, const char *s);
void vn_buf_putc(vn_buf *b, char c);
void vn_buf_printf(vn_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s[0..n) with control characters (line breaks, tabs) as spaces:
 * for values that must stay on one protocol or display line. */
void vn_buf_append_oneline(vn_buf *b, const char *s, size_t n);
/* The same, with & < > " ' as HTML character references: text that goes
 * out inside HTML markup. */
void vn_buf_append_html(vn_buf *b, const char *s, size_t n);
/* A jansson json_dump_callback_t that appends to the vn_buf in `data`. */
int vn_buf_dump_cb(const char *buf, size_t size, void *data);
/* Append v as 4 bytes, little-endian (the stored document's lengths,
 * the forward record's entries); vn_get_u32le reads them back from p. */
void vn_buf_put_u32le(vn_buf *b, uint32_t v);
uint32_t vn_get_u32le(const void *p);
/* Forget the contents, keep the allocation. */
void vn_buf_reset(vn_buf *b);
/* Free the allocation; the buffer is empty and reusable afterwards. */
void vn_buf_free(vn_buf *b);
/* Hand the contents to the caller (who frees them with free()) and reset
 * the buffer.  Never returns NULL: an empty buffer gives "". */
char *vn_buf_take(vn_buf *b);

/* Append the file at `path` to b.  Returns 0; 1 when it is longer than
 * `max` bytes (reading stopped past max: b holds more than max); -1 with
 * errno set when it cannot be opened or read. */
int vn_buf_read_file(vn_buf *b, const char *path, size_t max);

/* realloc and calloc that abort with a message on failure (the
 * out-of-memory policy of vnsearch.h). */
void *vn_xrealloc(void *p, size_t n);
void *vn_xcalloc(size_t n, size_t size);
/* strdup/strndup that abort on failure; caller frees with free(). */
char *vn_xstrndup(const char *s, size_t n);
char *vn_xstrdup(const char *s);

/* The longest prefix of s[0..len) of at most `max` bytes that does not
 * end inside a UTF-8 sequence: where to cut a message or a field (also
 * one that was already cut, as by snprintf). */
size_t vn_utf8_cut(const char *s, size_t len, size_t max);

/* Room for element `n` (so n + 1 elements) in the array *p of elements
 * of `elem` bytes, of capacity *cap: the capacity doubles from `first`
 * as needed (amortised O(1) appends); aborts on overflow or out of memory
 * as vn_xrealloc does.  The one array growth of libvnsearch:
 *     VN_GROW(a->items, a->n, a->cap, 16);
 *     a->items[a->n++] = it; */
void *vn_xgrow(void *p, size_t *cap, size_t n, size_t elem, size_t first);
#define VN_GROW(p, n, cap, first) \
    ((n) < (cap) ? (void)0 : (void)((p) = vn_xgrow((p), &(cap), (n), sizeof *(p), (first))))

#ifdef __cplusplus
}
#endif

#endif
