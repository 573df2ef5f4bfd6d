/* SPDX-License-Identifier: GPL-2.0-or-later */
/* index_ids.c -- the ids met in one indexing run and where each was met
 * (file and line): to warn about an id given twice with both places, and
 * for --prune to know what the run's inputs still hold.
 *
 * An open-addressing hash table (FNV-1a, linear probing, kept at most half
 * full), so that a run of millions of articles stays linear.  File names
 * are interned: one copy per input file, not per article.  Not here: what
 * to do about a duplicate (index_run.c decides). */
#include "vn_indexer.h"
#include "vn_buf.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot {
    char *id;      /* NULL: empty */
    uint32_t file; /* index into files, or UINT32_MAX for none */
    uint64_t line;
} slot;

struct vn_idset {
    slot *slots;
    size_t cap, n;  /* cap is a power of two */
    char **files;
    size_t nfiles;
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

vn_idset *vn_idset_new(void)
{
    vn_idset *s = vn_xcalloc(1, sizeof *s);
    s->cap = 1024;
    s->slots = vn_xcalloc(s->cap, sizeof *s->slots);
    return s;
}

static slot *find(const vn_idset *s, const char *id)
{
    size_t i = fnv1a(id) & (s->cap - 1);
    while (s->slots[i].id && strcmp(s->slots[i].id, id) != 0)
        i = (i + 1) & (s->cap - 1);
    return &s->slots[i];
}

static void grow(vn_idset *s)
{
    slot *old = s->slots;
    size_t oldcap = s->cap;
    s->cap *= 2;
    s->slots = vn_xcalloc(s->cap, sizeof *s->slots);
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].id)
            *find(s, old[i].id) = old[i];
    free(old);
}

static uint32_t intern(vn_idset *s, const char *file)
{
    if (!file)
        return UINT32_MAX;
    if (s->nfiles && strcmp(s->files[s->nfiles - 1], file) == 0)
        return (uint32_t)(s->nfiles - 1); /* inputs come file after file */
    s->files = vn_xrealloc(s->files, (s->nfiles + 1) * sizeof *s->files);
    s->files[s->nfiles] = vn_xstrdup(file);
    return (uint32_t)s->nfiles++;
}

int vn_idset_add(vn_idset *s, const char *id, const char *file, uint64_t line, const char **prev_file,
                 uint64_t *prev_line)
{
    slot *e = find(s, id);
    if (e->id) {
        *prev_file = e->file == UINT32_MAX ? NULL : s->files[e->file];
        *prev_line = e->line;
        e->file = intern(s, file);
        e->line = line;
        return 1;
    }
    e->id = vn_xstrdup(id);
    e->file = intern(s, file);
    e->line = line;
    if (++s->n * 2 > s->cap)
        grow(s);
    return 0;
}

int vn_idset_has(const vn_idset *s, const char *id)
{
    return find(s, id)->id != NULL;
}

size_t vn_idset_count(const vn_idset *s)
{
    return s->n;
}

const char *vn_idset_place(const vn_idset *s, const char *id, uint64_t *line)
{
    const slot *e = find(s, id);
    *line = e->id ? e->line : 0;
    return e->id && e->file != UINT32_MAX ? s->files[e->file] : NULL;
}

void vn_idset_free(vn_idset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i].id);
    for (size_t i = 0; i < s->nfiles; i++)
        free(s->files[i]);
    free(s->files);
    free(s->slots);
    free(s);
}
