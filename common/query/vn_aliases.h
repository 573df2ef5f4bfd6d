/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vn_aliases.h -- newsroom aliases (aliases.c): groups of names for one
 * thing ("TP.HCM | Thành phố Hồ Chí Minh | Sài Gòn"), read from the alias
 * file, each form parsed as a query.  The query builder weighs a group as
 * one word (query_build.c), stage two counts it as one unit (rerank.c);
 * the file's format is docs/protocol.md's. */
#ifndef VN_ALIASES_H
#define VN_ALIASES_H

#include <stddef.h>

#include "vn_error.h"
#include "vn_query.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vn_alias_form {
    vn_qparse q;     /* the form, parsed as a query */
    unsigned group;  /* forms of one group share it (the line number) */
} vn_alias_form;

typedef struct vn_aliases {
    vn_alias_form *forms; /* owned */
    size_t n;
} vn_aliases;

/* Parse an alias file's text (`name` for messages: "name:line: ...").
 * On success *out is the caller's (vn_aliases_free); a bad line is
 * VN_ERR_INVALID with its line, and *out stays NULL. */
vn_status vn_aliases_parse(const char *text, size_t len, const char *name, vn_aliases **out, vn_error *err);
void vn_aliases_free(vn_aliases *a);
/* The form whose words are ts->tok[from, from+n) (folded), or -1. */
long vn_aliases_lookup(const vn_aliases *a, const vn_tokens *ts, size_t from, size_t n);
/* The longest form that p's items [i, i + *span) spell: positive words
 * anywhere (no field), typed side by side or as one phrase, not joined to
 * the item before by OR, no prefix, in a group with another form.
 * Returns its index, or -1 (a NULL `a` has none). */
long vn_aliases_at(const vn_aliases *a, const vn_qparse *p, size_t i, size_t *span);

#ifdef __cplusplus
}
#endif

#endif
